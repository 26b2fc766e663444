"""Export an artifact's networks to ONNX, for the web app's torch-free inference path.

Why: ONNX Runtime runs a MiniLM forward pass in about 60% of PyTorch's time on one CPU thread
and releases the GIL for the whole pass, and a serving process that never imports torch needs
far less memory (measurements in docs/performance.md).

Files (recorded, with checksums, in ``onnx.json``, which is written last):

- ``model.onnx``: the fine-tuned classifier, fp32 (``input_ids``, ``attention_mask`` -> ``logits``).
  Checked against PyTorch (max |logit difference| <= TOLERANCE) before it is kept.
- ``embedder.onnx`` (blended artifacts only): the base sentence encoder (-> ``embedding``,
  mean-pooled and L2-normalised). Kept as a separate graph so the app can run it on the other
  core while the classifier runs. Weights are quantised to int8 (dynamic, per channel: ~2.4x
  faster, a quarter of the size) **only if** the blended top-1 and top-3 accuracy on the given
  check set (the dev-wording texts) move by at most INT8_MAX_CHANGE points; the measured
  change is recorded either way. The classifier is never quantised: int8 cost it 0.66 points.
"""

from __future__ import annotations

import contextlib
import logging
import os
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch

from .artifact import WEIGHT_FILES, sha256_file, write_json
from .predictor import (
    EMBEDDER_ONNX_FILE,
    EXPORT_INFO,
    ONNX_FILE,
    EmbeddingBlend,
    ModelLoadError,
    combine_with_similarity,
)

OPSET = 17
TOLERANCE = 1e-3  # max |logit difference| accepted between PyTorch and ONNX Runtime
INT8_MAX_CHANGE = 0.5  # accuracy points (top-1 and top-3) an int8 embedder may move on the check set
CHECK_TEXTS = [
    "I have had a pounding headache for three days with nausea and light hurting my eyes",
    "itchy red rash on both elbows",
    "it burns when I pee and I need to go all the time, started yesterday, no fever",
    "cough",
]


class _Logits(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask):
        return self.model(input_ids=input_ids, attention_mask=attention_mask).logits


class _Embedding(torch.nn.Module):
    """Mean pooling over real tokens, then L2 normalisation (the sentence-transformers recipe)."""

    def __init__(self, encoder):
        super().__init__()
        self.encoder = encoder

    def forward(self, input_ids, attention_mask):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        emb = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return torch.nn.functional.normalize(emb, dim=-1)


def _export(module: torch.nn.Module, args, path: Path, output: str) -> np.ndarray:
    """Export ``module`` to ``path`` (via a temporary file) and return PyTorch's output on ``args``."""
    axes = {"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"}, output: {0: "batch"}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer warnings about python control flow in HF code
        with torch.inference_mode():
            expected = module(*args).numpy()
        torch.onnx.export(
            module.eval(), args, str(path), input_names=["input_ids", "attention_mask"], output_names=[output],
            dynamic_axes=axes, opset_version=OPSET, dynamo=False,
        )
    return expected


def _session(path: Path):
    import onnxruntime as ort

    return ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])


def _run(session, tokenizer, texts: Sequence[str], max_length: int, one_by_one: bool = False) -> np.ndarray:
    if one_by_one:  # as the app runs an int8 graph (see OnnxEngine._embed)
        return np.concatenate([_run(session, tokenizer, [t], max_length) for t in texts])
    enc = tokenizer(list(texts), truncation=True, max_length=max_length, padding=True, return_tensors="np")
    feed = {"input_ids": enc["input_ids"].astype(np.int64), "attention_mask": enc["attention_mask"].astype(np.int64)}
    return session.run(None, feed)[0]


@contextlib.contextmanager
def _quiet_root_logger():
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        yield
    finally:
        root.setLevel(level)


def _blend_accuracy(logits, emb, y, blend: EmbeddingBlend, temperature: float) -> tuple[float, float]:
    z = combine_with_similarity(logits / temperature, emb @ blend.prototypes.T + blend.bias, blend.weight, blend.scale)
    top = np.argsort(-z, axis=1)
    return 100 * float((top[:, 0] == y).mean()), 100 * float((top[:, :3] == y[:, None]).any(1).mean())


def export_onnx(
    root: str | os.PathLike,
    model,
    tokenizer,
    embedder=None,
    max_length: int = 128,
    *,
    blend: EmbeddingBlend | None = None,
    temperature: float = 1.0,
    check: tuple[list[str], np.ndarray] | None = None,
    int8_embedder: bool = True,
) -> dict:
    """Write the ONNX graphs and ``onnx.json`` into the artifact directory ``root``.

    ``blend`` and the classifier's ``temperature``: how the artifact combines the two networks;
    ``check``: (texts, label ids) on which an int8 embedder must keep the blended accuracy.
    Raises ModelLoadError when ONNX Runtime disagrees with PyTorch; nothing is left behind then.
    """
    root = Path(root)
    (root / EXPORT_INFO).unlink(missing_ok=True)  # a re-export is incomplete until the record is rewritten
    enc = tokenizer(CHECK_TEXTS, truncation=True, max_length=max_length, padding=True, return_tensors="pt")
    args = (enc["input_ids"].long(), enc["attention_mask"].long())
    written: list[Path] = []
    try:
        tmp = root / f".{ONNX_FILE}.tmp"
        written.append(tmp)
        expected = _export(_Logits(model.eval()), args, tmp, "logits")
        got = _run(_session(tmp), tokenizer, CHECK_TEXTS, max_length)
        diff = float(np.abs(got - expected).max())
        if not np.isfinite(diff) or diff > TOLERANCE:
            raise ModelLoadError(f"ONNX export of the classifier disagrees with PyTorch (max difference {diff:.2e})")
        info: dict = {"file": ONNX_FILE, "opset": OPSET, "max_abs_diff_vs_torch": diff, "torch_version": torch.__version__}
        if embedder is not None:
            info["embedder"] = _export_embedder(root, embedder.eval(), tokenizer, args, max_length, written,
                                                blend, temperature, check, int8_embedder, model)
        os.replace(tmp, root / ONNX_FILE)
        written.remove(tmp)
        if embedder is not None:
            os.replace(root / f".{EMBEDDER_ONNX_FILE}.tmp", root / EMBEDDER_ONNX_FILE)
    finally:
        for path in written:
            path.unlink(missing_ok=True)
    info["sha256"] = sha256_file(root / ONNX_FILE)
    if embedder is not None:
        info["embedder"]["sha256"] = sha256_file(root / EMBEDDER_ONNX_FILE)
    # the files it was exported from: a damaged artifact is refused as a whole, as with PyTorch
    sources = [name for name in (*WEIGHT_FILES, "config.json", "tokenizer.json") if (root / name).is_file()]
    info["sources"] = {name: sha256_file(root / name) for name in sources}
    write_json(root / EXPORT_INFO, info)  # written last: its presence marks a complete export
    return info


def _export_embedder(root, embedder, tokenizer, args, max_length, written, blend, temperature, check, int8, model):
    fp32 = root / f".{EMBEDDER_ONNX_FILE}.fp32.tmp"
    final_tmp = root / f".{EMBEDDER_ONNX_FILE}.tmp"
    written += [fp32, final_tmp]
    expected = _export(_Embedding(embedder), args, fp32, "embedding")
    diff = float(np.abs(_run(_session(fp32), tokenizer, CHECK_TEXTS, max_length) - expected).max())
    if not np.isfinite(diff) or diff > TOLERANCE:
        raise ModelLoadError(f"ONNX export of the embedder disagrees with PyTorch (max difference {diff:.2e})")
    out = {"file": EMBEDDER_ONNX_FILE, "max_abs_diff_vs_torch": diff, "int8": False}
    if int8 and blend is not None and check is not None and len(check[0]):
        from onnxruntime.quantization import QuantType, quantize_dynamic

        q = root / f".{EMBEDDER_ONNX_FILE}.int8.tmp"
        written.append(q)
        with _quiet_root_logger():  # the quantiser logs ~40 lines per model to the root logger
            quantize_dynamic(str(fp32), str(q), weight_type=QuantType.QInt8, per_channel=True)
        texts, y = check
        from .modeling import predict_logits, tokenize

        logits = predict_logits(model, tokenize(tokenizer, texts, max_length), tokenizer.pad_token_id or 0).numpy()
        before = _blend_accuracy(logits, _run(_session(fp32), tokenizer, texts, max_length), y, blend, temperature)
        after = _blend_accuracy(logits, _run(_session(q), tokenizer, texts, max_length, one_by_one=True), y, blend,
                                temperature)
        change = [round(a - b, 2) for a, b in zip(after, before, strict=True)]
        keep = all(abs(c) <= INT8_MAX_CHANGE for c in change)
        out.update({
            "int8": keep,
            "int8_check": {"texts": len(texts), "top1_top3_fp32": [round(v, 2) for v in before],
                           "top1_top3_int8": [round(v, 2) for v in after], "change_points": change,
                           "max_change_allowed": INT8_MAX_CHANGE},
        })
        os.replace(q if keep else fp32, final_tmp)
    else:
        os.replace(fp32, final_tmp)
    return out


def export_artifact(
    root: str | os.PathLike, check: tuple[list[str], np.ndarray] | None = None, *, int8_embedder: bool = True
) -> dict:
    """Export an existing artifact (``python -m training export-onnx --model DIR``)."""
    from .predictor import Classifier

    clf = Classifier.load(root, backend="torch")
    eng = clf.engine
    return export_onnx(clf.path, eng.model, eng.tokenizer, eng.embedder, clf.max_length, blend=clf.blend,
                       temperature=clf.temperature, check=check, int8_embedder=int8_embedder)
