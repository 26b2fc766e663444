"""Loading a model artifact and predicting: the only part of ``training`` the web app uses."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REQUIRED_FILES = ("config.json", "labels.json", "calibration.json", "training_config.json")
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")


class ModelLoadError(RuntimeError):
    """The artifact is missing or corrupt; the message names the file."""


class Prediction(NamedTuple):
    disease: str
    icd10: str
    probability: float


def _read_json(path: Path) -> dict:
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except FileNotFoundError as exc:
        raise ModelLoadError(f"model artifact file missing: {path}") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelLoadError(f"model artifact file is corrupt: {path}: {exc}") from exc


@dataclass
class EmbeddingBlend:
    """Optional: cosine similarity of the text to each condition's description/symptom text.

    ``weight`` scales the similarity logits added to the classifier's calibrated log-probs.
    """

    model: object
    tokenizer: object
    prototypes: np.ndarray  # (num_labels, dim): score = embedding @ prototypes.T + bias
    bias: np.ndarray  # (num_labels,)
    weight: float
    scale: float
    temperature: float = 1.0


class Classifier:
    """A trained, calibrated symptom classifier (see DESIGN.md "Python API of the classifier")."""

    def __init__(
        self,
        model,
        tokenizer,
        labels: list[tuple[str, str]],
        temperature: float,
        version: str,
        max_length: int = 128,
        path: Path | None = None,
        blend: EmbeddingBlend | None = None,
    ):
        self.model = model
        self.tokenizer = tokenizer
        self.labels = labels
        self.temperature = float(temperature)
        self.version = version
        self.max_length = max_length
        self.path = path
        self.blend = blend

    # -- loading ------------------------------------------------------------------------------

    @classmethod
    def load(cls, path: str | os.PathLike) -> Classifier:
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        root = Path(path)
        if not root.is_dir():
            raise ModelLoadError(f"model artifact not found: {root} is not a directory")
        for name in REQUIRED_FILES:
            if not (root / name).is_file():
                raise ModelLoadError(f"model artifact file missing: {root / name}")
        weights = next((root / w for w in WEIGHT_FILES if (root / w).is_file()), None)
        if weights is None:
            raise ModelLoadError(f"model artifact file missing: {root / WEIGHT_FILES[0]}")

        labels_raw = _read_json(root / "labels.json")
        calib = _read_json(root / "calibration.json")
        cfg = _read_json(root / "training_config.json")
        try:
            labels = [(labels_raw[str(i)]["name"], labels_raw[str(i)]["icd10"]) for i in range(len(labels_raw))]
            temperature = float(calib["temperature"])
            version = str(cfg["version"])
            max_length = int(cfg.get("model", {}).get("max_length", 128))
        except (KeyError, TypeError, ValueError) as exc:
            bad = "labels.json" if not isinstance(labels_raw, dict) or "0" not in labels_raw else "calibration.json"
            raise ModelLoadError(f"model artifact file is corrupt: {root / bad}: {exc!r}") from exc
        if not np.isfinite(temperature) or temperature <= 0:
            raise ModelLoadError(f"model artifact file is corrupt: {root / 'calibration.json'}: bad temperature")

        try:
            tokenizer = AutoTokenizer.from_pretrained(str(root), local_files_only=True)
        except Exception as exc:  # noqa: BLE001 - any failure means a broken artifact
            raise ModelLoadError(f"model artifact tokenizer files are corrupt or missing in {root}: {exc}") from exc
        try:
            model = AutoModelForSequenceClassification.from_pretrained(str(root), local_files_only=True)
        except Exception as exc:  # noqa: BLE001
            raise ModelLoadError(f"model artifact file is corrupt: {weights}: {exc}") from exc
        if model.config.num_labels != len(labels):
            raise ModelLoadError(
                f"model artifact file is inconsistent: {root / 'labels.json'} has {len(labels)} labels, "
                f"{root / 'config.json'} has {model.config.num_labels}"
            )
        model.eval()
        blend = cls._load_blend(root, calib)
        return cls(model, tokenizer, labels, temperature, version, max_length, root, blend)

    @staticmethod
    def _load_blend(root: Path, calib: dict) -> EmbeddingBlend | None:
        info = calib.get("embedding_blend") or {}
        if not info or not info.get("weight"):
            return None
        from transformers import AutoModel, AutoTokenizer

        edir = root / "embedder"
        proto = root / info.get("prototypes", "prototypes.npy")
        bias = root / info.get("bias", "prototype_bias.npy")
        try:
            prototypes = np.load(proto)
            b = np.load(bias) if bias.is_file() else np.zeros(prototypes.shape[0], dtype=np.float32)
        except Exception as exc:  # noqa: BLE001
            raise ModelLoadError(f"model artifact file is corrupt or missing: {proto}: {exc}") from exc
        try:
            model = AutoModel.from_pretrained(str(edir), local_files_only=True).eval()
            tok = AutoTokenizer.from_pretrained(str(edir), local_files_only=True)
        except Exception as exc:  # noqa: BLE001
            raise ModelLoadError(f"model artifact embedder is corrupt or missing: {edir}: {exc}") from exc
        return EmbeddingBlend(
            model,
            tok,
            prototypes,
            b,
            float(info["weight"]),
            float(info.get("scale", 1.0)),
            float(info.get("temperature", 1.0)),
        )

    # -- inference ----------------------------------------------------------------------------

    def logits(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Uncalibrated logits, label-id order."""
        from .modeling import predict_logits, tokenize

        ids = tokenize(self.tokenizer, [t or "" for t in texts], self.max_length)
        pad = self.tokenizer.pad_token_id or 0
        return predict_logits(self.model, ids, pad, batch_size).numpy()

    def predict_proba(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Calibrated probabilities, shape (len(texts), len(labels)), label-id order."""
        texts = list(texts)
        if not texts:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        z = self.logits(texts, batch_size) / self.temperature
        if self.blend is not None:
            emb = embed_texts(self.blend.model, self.blend.tokenizer, texts, self.max_length)
            z = combine_with_similarity(
                z, emb @ self.blend.prototypes.T + self.blend.bias, self.blend.weight, self.blend.scale
            )
            z = z / self.blend.temperature
        z = z - z.max(axis=1, keepdims=True)
        p = np.exp(z)
        return (p / p.sum(axis=1, keepdims=True)).astype(np.float32)

    def predict(self, texts: Sequence[str], top_k: int = 5) -> list[list[Prediction]]:
        probs = self.predict_proba(texts)
        k = max(1, min(int(top_k), len(self.labels)))
        out = []
        for row in probs:
            top = np.argsort(-row)[:k]
            out.append([Prediction(self.labels[i][0], self.labels[i][1], float(row[i])) for i in top])
        return out

    def __repr__(self) -> str:
        return f"Classifier(version={self.version!r}, labels={len(self.labels)})"


def combine_with_similarity(scaled_logits: np.ndarray, sims: np.ndarray, weight: float, scale: float) -> np.ndarray:
    """log softmax(classifier) + weight * log softmax(scale * embedding scores)."""

    def log_softmax(z: np.ndarray) -> np.ndarray:
        z = z - z.max(axis=1, keepdims=True)
        return z - np.log(np.exp(z).sum(axis=1, keepdims=True))

    return log_softmax(scaled_logits) + weight * log_softmax(scale * sims)


def embed_texts(model, tokenizer, texts: Sequence[str], max_length: int = 128, batch_size: int = 64) -> np.ndarray:
    """Mean-pooled, L2-normalised sentence embeddings (the sentence-transformers recipe)."""
    import torch

    from .modeling import collate, sorted_batches, tokenize

    ids = tokenize(tokenizer, list(texts), max_length)
    pad = tokenizer.pad_token_id or 0
    dim = model.config.hidden_size
    out = np.zeros((len(ids), dim), dtype=np.float32)
    with torch.inference_mode():
        for batch in sorted_batches([len(x) for x in ids], batch_size):
            enc = collate([ids[i] for i in batch], pad)
            hidden = model(**enc).last_hidden_state
            mask = enc["attention_mask"].unsqueeze(-1).float()
            emb = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1)
            emb = torch.nn.functional.normalize(emb, dim=-1)
            out[batch] = emb.numpy()
    return out
