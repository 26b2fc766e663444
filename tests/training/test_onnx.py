"""The ONNX serving path: same numbers as PyTorch, no torch import, clear errors on bad files."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import tiny_args

from training.cli import main
from training.predictor import Classifier, ModelLoadError

ROOT = Path(__file__).resolve().parents[2]
TEXTS = [
    "it burns when I pee and I keep needing to go",
    "runny nose, sneezing, scratchy throat since Monday",
    "",
    "my big toe is red hot and agony to touch " * 20,  # ~200 tokens: longer than training's 48
    "word " * 700,  # truncated at the model's 512 positions
    "ça brûle quand j'urine 😀 \u202eRTL",
    "a",
]


@pytest.fixture(scope="module")
def blended(tmp_path_factory) -> Path:
    """A tiny artifact that also blends in base-model sentence embeddings (two graph outputs)."""
    out = tmp_path_factory.mktemp("onnx") / "model"
    assert main(tiny_args(out, "--embed-blend", "0.5", fixture_kb=True, epochs=1)) == 0
    return out


def test_training_writes_a_verified_export_and_measures_int8(blended):
    info = json.loads((blended / "onnx.json").read_text())
    assert info["file"] == "model.onnx" and info["max_abs_diff_vs_torch"] < 1e-3
    emb = info["embedder"]
    assert emb["file"] == "embedder.onnx" and emb["max_abs_diff_vs_torch"] < 1e-3
    check = emb["int8_check"]  # measured on the dev-wording set (here the 8-text fixture)
    assert check["texts"] == 8 and len(check["change_points"]) == 2
    assert emb["int8"] == all(abs(c) <= check["max_change_allowed"] for c in check["change_points"])
    assert (blended / "model.onnx").is_file() and (blended / "embedder.onnx").is_file()
    assert not list(blended.glob(".*.tmp"))


def test_a_text_gets_the_same_result_alone_or_batched_with_others(blended, tmp_path):
    """Also with an int8 embedder, whose activation scales would otherwise see other texts' padding."""
    import onnxruntime as ort
    from onnxruntime.quantization import QuantType, quantize_dynamic

    clf = Classifier.load(blended, backend="onnx")
    if not clf.engine.embedder_int8:  # the 8-text dev check refused int8 here: quantise it ourselves
        quantize_dynamic(str(blended / "embedder.onnx"), str(tmp_path / "e8.onnx"), weight_type=QuantType.QInt8,
                         per_channel=True)
        clf.engine.embedder = ort.InferenceSession(str(tmp_path / "e8.onnx"), providers=["CPUExecutionProvider"])
        clf.engine.embedder_int8 = True
    together = clf.predict_proba(TEXTS)
    for i, text in enumerate(TEXTS):
        # Why 1e-4: fp32 matrix kernels differ by CPU and batch shape (1.8e-6 seen on another
        # machine), while the defect guarded here (int8 scales seeing other texts' padding) moved
        # probabilities by up to 0.012 - two orders of magnitude above the tolerance.
        np.testing.assert_allclose(clf.predict_proba([text])[0], together[i], atol=1e-4)


@pytest.mark.parametrize("threads", [1, 3])
def test_probabilities_do_not_depend_on_threads_or_batch_order(blended, threads, monkeypatch):
    """Catch a tolerance that holds for one kernel path only: other thread counts, reversed batches."""
    monkeypatch.setenv("ONNX_WIDE_SESSION", "0")
    reference = Classifier.load(blended, backend="onnx").predict_proba(TEXTS)
    monkeypatch.setenv("ONNX_THREADS", str(threads))
    other = Classifier.load(blended, backend="onnx")
    reverse = other.predict_proba(TEXTS[::-1])[::-1]
    np.testing.assert_allclose(reverse, reference, atol=1e-4)  # fp32 rounding differs by path: ~1e-6
    np.testing.assert_allclose(other.predict_proba(TEXTS[1:2])[0], reference[1], atol=1e-4)


def test_onnx_and_torch_give_the_same_probabilities_and_tokens(blended, tmp_path, capsys):
    fp32 = tmp_path / "fp32"  # int8 changes probabilities a little by design: compare fp32 exactly
    shutil.copytree(blended, fp32)
    assert main(["export-onnx", "--model", str(fp32), "--fp32"]) == 0
    assert json.loads(capsys.readouterr().out)["embedder"]["int8"] is False
    onnx = Classifier.load(fp32, backend="onnx")
    torch_clf = Classifier.load(fp32, backend="torch")
    assert (onnx.backend, torch_clf.backend) == ("onnx", "torch")
    assert onnx.blend is not None and onnx.version == torch_clf.version
    a, b = onnx.predict_proba(TEXTS), torch_clf.predict_proba(TEXTS)
    assert a.shape == b.shape == (len(TEXTS), len(onnx.labels))
    np.testing.assert_allclose(a, b, atol=1e-4)
    np.testing.assert_allclose(onnx.logits(TEXTS), torch_clf.logits(TEXTS), atol=1e-3)
    # the tokenizers-library path encodes exactly as transformers does (truncation included)
    ours = [e.ids for e in onnx.engine.tokenizer.encode_batch(TEXTS)]
    theirs = torch_clf.engine.tokenizer(TEXTS, truncation=True, max_length=onnx.max_length)["input_ids"]
    assert ours == theirs
    # the served length is the model's position limit, not the (short) training length
    assert onnx.max_length == torch_clf.max_length == 512 and max(len(x) for x in ours) > 48
    # batching (sorted by length, padded) does not change a text's result
    np.testing.assert_allclose(onnx.predict_proba(TEXTS[:1]), a[:1], atol=1e-5)


def test_serving_with_onnx_never_imports_torch_or_transformers(blended):
    code = (
        "import sys, json; from training.predictor import Classifier; "
        f"c = Classifier.load({str(blended)!r}); p = c.predict(['it burns when I pee'], top_k=2); "
        "print(json.dumps([c.backend, 'torch' in sys.modules, 'transformers' in sys.modules, len(p[0])]))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == ["onnx", False, False, 2]


def test_bad_exports_are_refused_with_the_file_named(blended, tmp_path, monkeypatch):
    broken = tmp_path / "broken"
    shutil.copytree(blended, broken)
    data = bytearray((broken / "model.onnx").read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte in the weights
    (broken / "model.onnx").write_bytes(bytes(data))
    with pytest.raises(ModelLoadError, match="model.onnx.*checksum"):
        Classifier.load(broken)
    shutil.copy(blended / "model.onnx", broken / "model.onnx")
    (broken / "embedder.onnx").write_bytes(b"")
    with pytest.raises(ModelLoadError, match="embedder.onnx.*checksum"):
        Classifier.load(broken)
    (broken / "model.onnx").unlink()
    with pytest.raises(ModelLoadError, match="missing.*model.onnx"):
        Classifier.load(broken)
    # no export record at all: auto serves with PyTorch, a forced onnx says how to export
    (broken / "onnx.json").unlink()
    assert Classifier.load(broken).backend == "torch"
    with pytest.raises(ModelLoadError, match="export-onnx"):
        Classifier.load(broken, backend="onnx")
    monkeypatch.setenv("MODEL_BACKEND", "tensorflow")
    with pytest.raises(ModelLoadError, match="MODEL_BACKEND"):
        Classifier.load(blended)


def test_cli_exports_an_existing_artifact_and_evaluates_both_backends(tmp_path, capsys):
    out = tmp_path / "plain"
    assert main(tiny_args(out, "--no-onnx", fixture_kb=True, epochs=1)) == 0
    assert not (out / "model.onnx").exists() and Classifier.load(out).backend == "torch"
    capsys.readouterr()
    assert main(["export-onnx", "--model", str(out)]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["file"] == "model.onnx" and "embedder" not in info
    assert Classifier.load(out).backend == "onnx"
    data = ROOT / "tests" / "training" / "fixture_unseen.jsonl"
    results = {}
    for backend in ("onnx", "torch"):
        assert main(["evaluate", "--model", str(out), "--data", str(data), "--backend", backend]) == 0
        results[backend] = json.loads(capsys.readouterr().out)
    assert results["onnx"]["backend"] == "onnx" and results["torch"]["backend"] == "torch"
    # The engines agree to ~1e-6 in probability; a metric may differ only if a near-tie flips one
    # text's rank on this CPU, so allow one text's worth (what a real engine bug would far exceed).
    one_text = 1.0 / results["onnx"]["n"]
    for key in ("accuracy", "top3_accuracy"):
        assert results["onnx"][key] == pytest.approx(results["torch"][key], abs=one_text + 1e-9)
    assert results["onnx"]["macro_f1"] == pytest.approx(results["torch"]["macro_f1"], abs=0.05)
    assert main(["export-onnx", "--model", str(tmp_path / "nowhere")]) == 2
    assert "not found" in capsys.readouterr().err


def test_ensure_default_adds_the_export_to_an_older_current_model(tmp_path, capsys):
    from training.default_model import ensure_default_model

    models = tmp_path / "models"
    assert main(tiny_args(models, "--no-onnx", "--set-current", fixture_kb=True, epochs=1)) == 0
    before = Classifier.load(models / "current")
    assert before.backend == "torch"
    assert ensure_default_model(models) == models / "current"  # no retraining: only the export
    assert "adding the ONNX serving graphs" in capsys.readouterr().out
    after = Classifier.load(models / "current")
    assert after.backend == "onnx" and after.version == before.version


def test_a_forked_child_still_predicts(blended):
    """gunicorn --preload forks after the parent's warm-up started the embedder's helper thread."""
    import os

    clf = Classifier.load(blended, backend="onnx")
    expected = clf.predict_proba(["it burns when I pee"])
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: must not hang on the parent's (threadless) pool
        try:
            got = clf.predict_proba(["it burns when I pee"])
            os.write(write, b"ok" if np.allclose(got, expected, atol=1e-5) else b"bad")
        finally:
            os._exit(0)
    os.close(write)
    import select

    ready, _, _ = select.select([read], [], [], 60)
    result = os.read(read, 8) if ready else b"hung"
    os.waitpid(pid, 0) if ready else os.kill(pid, 9)
    assert result == b"ok"


def test_a_lone_call_uses_the_two_thread_session_with_the_same_result(blended, monkeypatch):
    import os

    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    clf = Classifier.load(blended, backend="onnx")
    assert clf.engine.session_wide is not None  # 2 cores: a lone request may use both
    used = []

    class Spy:  # records which session ran, delegates everything else
        def __init__(self, real, name):
            self.real, self.name = real, name

        def run(self, *args):
            used.append(self.name)
            return self.real.run(*args)

        def __getattr__(self, attr):
            return getattr(self.real, attr)

    for name in ("session", "session_wide"):
        monkeypatch.setattr(clf.engine, name, Spy(getattr(clf.engine, name), name))
    wide = clf.predict_proba(TEXTS)
    assert used and set(used) == {"session_wide"}
    monkeypatch.setattr(clf.engine, "session_wide", None)
    np.testing.assert_allclose(clf.predict_proba(TEXTS), wide, atol=1e-5)
    monkeypatch.setenv("ONNX_WIDE_SESSION", "0")
    assert Classifier.load(blended, backend="onnx").engine.session_wide is None


@pytest.mark.parametrize("backend", ["onnx", "torch"])
def test_words_after_the_training_length_still_count(blended, backend, monkeypatch):
    """Patients write background first: symptoms beyond training's 48 tokens must change the result."""
    clf = Classifier.load(blended, backend=backend)
    background = "I work long shifts and my partner said I should ask about this before the weekend. " * 5
    assert len(clf.engine.tokenizer.encode(background).ids if backend == "onnx"
               else clf.engine.tokenizer(background)["input_ids"]) > 48
    with_symptoms = background + "It burns when I pee and I keep needing to go."
    assert not np.allclose(clf.predict_proba([with_symptoms]), clf.predict_proba([background]))
    monkeypatch.setenv("INFERENCE_MAX_TOKENS", "48")  # the old behaviour: the symptoms are cut off
    short = Classifier.load(blended, backend=backend)
    assert short.max_length == 48
    # the same 48 tokens either way: equal up to fp32 rounding (1e-5), where the symptoms moved it by far more
    np.testing.assert_allclose(short.predict_proba([with_symptoms]), short.predict_proba([background]), atol=1e-5)


def test_length_buckets_keep_short_texts_away_from_long_ones():
    from training.predictor import length_buckets

    lengths = [40, 500, 42, 45, 90, 41]
    batches = length_buckets(lengths, batch_size=3)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    assert batches == [[0, 5, 2], [3, 4], [1]]  # sorted; max 3 a batch; 500 never with the 40s
