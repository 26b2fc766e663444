"""Training package tests: --tiny runs on a 4-condition fixture knowledge base.

Each run trains a 2-layer, 64-wide random BERT for a couple of epochs on a few dozen texts per
condition, so the assertions are about behaviour and files, not accuracy.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import tiny_args  # the one tiny-model helper: fixture_kb=True runs on fixture_kb.json

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from training.cli import main  # noqa: E402
from training.data import (  # noqa: E402
    DataError,
    build_splits,
    load_confirmed_cases,
    load_labeled_file,
    resolve_knowledge_base,
)
from training.generator import generate_texts, normalise  # noqa: E402
from training.predictor import Classifier, ModelLoadError, Prediction  # noqa: E402

HERE = Path(__file__).parent
KB = HERE / "fixture_kb.json"
CASES = HERE / "fixture_cases.jsonl"
ROOT = HERE.parents[1]


@pytest.fixture(scope="module")
def kb():
    return resolve_knowledge_base(str(KB))[0]


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory) -> Path:
    """One tiny run into a models folder, with confirmed cases and --set-current."""
    out = tmp_path_factory.mktemp("instance") / "models"
    rc = main(tiny_args(out, "--data", "kb", "--data", str(CASES), "--set-current", "--confirmed-weight", "3",
                        fixture_kb=True, epochs=2))
    assert rc == 0
    return out


@pytest.fixture(scope="module")
def artifact(models_dir) -> Path:
    return (models_dir / "current").resolve()


# -- generator and data -----------------------------------------------------------------------


def test_generator_is_deterministic_varied_and_distinct(kb):
    a = generate_texts(kb, 100, seed=7)
    b = generate_texts(kb, 100, seed=7)
    c = generate_texts(kb, 100, seed=8)
    assert [(g.text, g.label) for g in a] == [(g.text, g.label) for g in b]
    assert [g.text for g in a] != [g.text for g in c]
    per_label: dict[str, int] = {}
    for g in a:
        per_label[g.label] = per_label.get(g.label, 0) + 1
    assert set(per_label) == {"J00", "G43.9", "N39.0", "M10.9"}
    assert min(per_label.values()) >= 100
    keys = [normalise(g.text) for g in a]
    assert len(keys) == len(set(keys))
    texts = " ".join(g.text.lower() for g in a)
    assert "no " in texts or "denies" in texts  # negated findings
    assert any(" she " in f" {g.text.lower()} " or " he " in f" {g.text.lower()} " for g in a)  # third person


def test_splits_are_stratified_without_duplicates(kb):
    s = build_splits(
        ["kb", str(CASES)],
        kb,
        seed=3,
        texts_per_condition=40,
        val_fraction=0.1,
        test_fraction=0.1,
        confirmed_weight=2.5,
        confirmed_holdout_fraction=0.2,
    )
    sets = [{normalise(e.text) for e in part} for part in (s.train, s.val, s.test, s.confirmed_holdout)]
    for i in range(len(sets)):
        for j in range(i + 1, len(sets)):
            assert not sets[i] & sets[j]
    balance = s.class_balance(["J00", "G43.9", "N39.0", "M10.9"])
    assert all(balance["val"][c] == 4 and balance["test"][c] == 4 for c in balance["val"])
    assert len(s.confirmed_holdout) == 2
    confirmed_train = [e for e in s.train if e.source == "clinician_confirmed"]
    assert len(confirmed_train) == 8 and all(e.weight == 2.5 for e in confirmed_train)


def test_label_files_accept_names_aliases_codes_and_list_unknown(kb, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("text,label\nsneezy,common COLD\nburning pee,uti\nbig toe,m10.9\n", encoding="utf-8")
    rows = load_labeled_file(good, kb.label_index())
    assert [e.label for e in rows] == ["J00", "N39.0", "M10.9"]
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"text": "a", "label": "J00"}\n{"text": "b", "label": "Dragon pox"}\n{"text": "c", "label": "X99"}\n'
    )
    with pytest.raises(DataError) as err:
        load_labeled_file(bad, kb.label_index())
    assert "Dragon pox" in str(err.value) and "X99" in str(err.value)
    cases = load_confirmed_cases(CASES, kb.label_index(), weight=2.0)
    assert len(cases) == 10 and all(e.weight == 2.0 and e.source == "clinician_confirmed" for e in cases)


def test_bad_label_file_stops_the_run_without_artifact(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("text,label\nmy toe hurts,gout\nI feel odd,Dragon pox\nwheezy,Asthmaa\n", encoding="utf-8")
    out = tmp_path / "model"
    rc = main(tiny_args(out, "--data", str(bad), fixture_kb=True, epochs=2))
    assert rc != 0
    err = capsys.readouterr().err
    assert "Dragon pox" in err and "Asthmaa" in err
    assert not out.exists()
    assert not list(tmp_path.glob(".tmp-*"))


# -- a full tiny run --------------------------------------------------------------------------


def test_train_writes_a_complete_artifact(models_dir, artifact):
    assert (models_dir / "current").is_symlink()
    assert artifact.parent == models_dir.resolve()
    for name in (
        "config.json",
        "model.safetensors",
        "tokenizer.json",
        "labels.json",
        "metrics.json",
        "training_config.json",
        "calibration.json",
        "confusion_matrix.png",
        "reliability.png",
        "per_class_f1.png",
        "MODEL_CARD.md",
    ):
        assert (artifact / name).is_file(), name
    assert not [p for p in models_dir.iterdir() if p.name.startswith(".tmp-")]

    labels = json.loads((artifact / "labels.json").read_text())
    assert {v["icd10"] for v in labels.values()} == {"J00", "G43.9", "N39.0", "M10.9"}
    cfg = json.loads((artifact / "training_config.json").read_text())
    assert cfg["version"] == artifact.name
    assert cfg["seed"] == 13 and cfg["model"]["tiny"] is True and cfg["data"]["confirmed_weight"] == 3.0
    assert len(cfg["knowledge_base"]["sha256"]) == 64
    assert [s["source"] for s in cfg["data_sources"]] == ["kb", str(CASES)]
    assert all(len(s["sha256"]) == 64 for s in cfg["data_sources"])
    calib = json.loads((artifact / "calibration.json").read_text())
    assert calib["temperature"] > 0

    metrics = json.loads((artifact / "metrics.json").read_text())
    assert {"validation", "test", "unseen_wording", "confirmed_holdout"} <= set(metrics["splits"])
    test = metrics["splits"]["test"]
    for key in (
        "n",
        "accuracy",
        "top3_accuracy",
        "macro_f1",
        "ece",
        "ece_uncalibrated",
        "classification_report",
        "per_class",
        "coverage_vs_accuracy",
    ):
        assert key in test, key
    assert set(test["per_class"]["Gout"]) == {"sensitivity", "specificity"}
    assert metrics["splits"]["unseen_wording"]["n"] == 8
    assert metrics["class_balance"]["train"]["J00"] > 0
    assert len(metrics["history"]) == 2
    steps = metrics["step_seconds"]  # where the time went, step by step
    assert list(steps) == ["data", "network", "training", "evaluation", "embedding blend"]
    assert all(v >= 0 for v in steps.values()) and steps["training"] <= metrics["total_seconds"]

    card = (artifact / "MODEL_CARD.md").read_text()
    for words in ("Intended use", "unseen wording", "Limits", "sha256", cfg["knowledge_base"]["sha256"]):
        assert words in card


def test_classifier_predicts_calibrated_ranked_differentials(artifact):
    clf = Classifier.load(artifact)
    assert clf.version == artifact.name
    assert sorted(code for _, code in clf.labels) == ["G43.9", "J00", "M10.9", "N39.0"]
    out = clf.predict(["it burns when I pee", "runny nose and sneezing", ""], top_k=3)
    assert len(out) == 3 and all(len(row) == 3 for row in out)
    for row in out:
        assert all(isinstance(p, Prediction) for p in row)
        probs = [p.probability for p in row]
        assert probs == sorted(probs, reverse=True) and 0 < sum(probs) <= 1.0001
    proba = clf.predict_proba(["a", "b b b b b b b b b"])
    assert proba.shape == (2, 4) and abs(proba.sum(axis=1) - 1).max() < 1e-5
    assert clf.temperature > 0 and clf.backend == "onnx"  # training exports model.onnx; see test_onnx.py


def test_cli_predict_and_evaluate(artifact, tmp_path, capsys):
    assert main(["predict", "--model", str(artifact), "--top-k", "2", "my big toe is agony", "stinging wee"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["model_version"] == artifact.name
    assert len(out["predictions"]) == 2
    assert set(out["predictions"][0]["differential"][0]) == {"disease", "icd10", "probability"}

    data = tmp_path / "eval.csv"
    data.write_text("sentence,diagnosis\nsnotty nose,Common cold\nbanging head,migraine\nburning pee,N39.0\n")
    assert (
        main(
            [
                "evaluate",
                "--model",
                str(artifact),
                "--data",
                str(data),
                "--text-column",
                "sentence",
                "--label-column",
                "diagnosis",
            ]
        )
        == 0
    )
    m = json.loads(capsys.readouterr().out)
    assert m["n"] == 3
    for key in ("accuracy", "top3_accuracy", "macro_f1", "ece"):
        assert 0 <= m[key] <= 1


def test_ensure_default_keeps_a_valid_current(models_dir):
    from training.default_model import current_is_valid, ensure_default_model

    before = os.readlink(models_dir / "current")
    assert current_is_valid(models_dir)
    assert ensure_default_model(models_dir) == models_dir / "current"
    assert os.readlink(models_dir / "current") == before


def test_corrupt_or_missing_artifact_raises_model_load_error(artifact, tmp_path):
    with pytest.raises(ModelLoadError, match="nowhere"):
        Classifier.load(tmp_path / "nowhere")
    broken = tmp_path / "broken"
    shutil.copytree(artifact, broken)
    (broken / "labels.json").write_text("{not json")
    with pytest.raises(ModelLoadError, match="labels.json"):
        Classifier.load(broken)
    shutil.copy(artifact / "labels.json", broken / "labels.json")
    (broken / "model.safetensors").write_bytes(b"garbage")
    with pytest.raises(ModelLoadError, match="model.safetensors"):
        Classifier.load(broken)
    (broken / "model.safetensors").unlink()
    with pytest.raises(ModelLoadError, match="model.safetensors"):
        Classifier.load(broken)
    shutil.copy(artifact / "model.safetensors", broken / "model.safetensors")
    (broken / "calibration.json").unlink()
    with pytest.raises(ModelLoadError, match="calibration.json"):
        Classifier.load(broken)


def test_an_artifact_without_metrics_json_still_serves(artifact, tmp_path):
    """metrics.json is for the registry's listing; a served model from before it was required must still load."""
    from training.artifact import ArtifactError, read_artifact

    old = tmp_path / "old"
    shutil.copytree(artifact, old)
    (old / "metrics.json").unlink()
    clf = Classifier.load(old)
    assert clf.version == Classifier.load(artifact).version
    assert clf.predict(["fever and a cough"], top_k=2)[0][0].disease in {name for name, _ in clf.labels}
    with pytest.raises(ArtifactError) as exc:
        read_artifact(old)  # but the registry does not list it as a complete version
    assert exc.value.short == "metrics.json is missing"


def test_interrupted_run_resumes_from_checkpoint(tmp_path, capsys):
    out = tmp_path / "run" / "model"
    assert main(tiny_args(out, "--stop-after-epoch", "1", fixture_kb=True, epochs=2)) == 130
    assert "--resume" in capsys.readouterr().err
    ckpt = tmp_path / "run" / ".model.train-state" / "last.pt"
    assert ckpt.is_file()
    assert not out.exists()
    # the resumed run also blends in the base model's sentence embeddings (a fixed weight)
    assert main(tiny_args(out, "--resume", "--embed-blend", "0.5", fixture_kb=True, epochs=2)) == 0
    printed = capsys.readouterr()
    assert "resumed from" in printed.out
    metrics = json.loads((out / "metrics.json").read_text())
    assert [h["epoch"] for h in metrics["history"]] == [1, 2]
    assert not ckpt.exists()  # cleaned up after success
    calib = json.loads((out / "calibration.json").read_text())
    assert calib["embedding_blend"]["kind"] == "centroid" and calib["embedding_blend"]["weight"] == 0.5
    clf = Classifier.load(out)
    assert clf.blend is not None
    proba = clf.predict_proba(["it burns when I pee", "big toe agony"])
    assert proba.shape == (2, 4) and abs(proba.sum(axis=1) - 1).max() < 1e-5
    (out / "prototypes.npy").write_bytes(b"junk")
    with pytest.raises(ModelLoadError, match="prototypes.npy"):
        Classifier.load(out)


@pytest.mark.skipif(
    shutil.which("torchrun") is None and not (Path(sys.executable).parent / "torchrun").exists(),
    reason="torchrun not installed",
)
def test_torchrun_single_process_ddp_on_cpu(tmp_path):
    torchrun = shutil.which("torchrun") or str(Path(sys.executable).parent / "torchrun")
    out = tmp_path / "ddp"
    env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1")
    proc = subprocess.run(
        [torchrun, "--standalone", "--nproc_per_node=1", "-m", "training", *tiny_args(out, fixture_kb=True, epochs=1)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["world_size"] == 1
    Classifier.load(out)
