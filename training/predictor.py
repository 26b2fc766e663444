"""Loading a model artifact and predicting: the only part of ``training`` the web app uses."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .artifact import SERVING_FILES, ModelLoadError, check_files, parse_labels, sha256_file
from .artifact import read_json as _read_json

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ONNX_FILE = "model.onnx"  # written by training/onnx_export.py
EMBEDDER_ONNX_FILE = "embedder.onnx"  # blended artifacts only
EXPORT_INFO = "onnx.json"  # its record (checksum, outputs); written last


class Prediction(NamedTuple):
    disease: str
    icd10: str
    probability: float


SCOPE_FILE = "scope.json"  # optional: the out-of-scope threshold fitted by `training calibrate-scope`


class Ranking(list):
    """The ranked predictions for one text (a list of Prediction) plus how well it fits any condition.

    ``fit`` is the text embedding's highest similarity to a condition's prototype (blended artifacts
    only, else the top probability); ``neg_entropy`` is minus the entropy of the calibrated
    distribution; ``max_logit`` is the classifier's highest raw logit. Low values mean the text fits none of the
    known conditions (scope.json says which of them the score adds).
    """

    fit: float | None = None
    neg_entropy: float | None = None
    max_logit: float | None = None


@dataclass
class EmbeddingBlend:
    """Optional: similarity of the text's sentence embedding to each condition's text.

    score = embedding @ prototypes.T + bias; ``weight`` scales its log-softmax, added to the
    classifier's calibrated log-probs; ``temperature`` calibrates the sum.
    """

    prototypes: np.ndarray  # (num_labels, dim)
    bias: np.ndarray  # (num_labels,)
    weight: float
    scale: float
    temperature: float = 1.0


class TorchEngine:
    """PyTorch + transformers: the fine-tuned model and (for a blend) the base embedder."""

    name = "torch"

    def __init__(self, model, tokenizer, max_length: int, embedder=None):
        self.model = model
        self.tokenizer = tokenizer
        self.max_length = max_length
        self.embedder = embedder

    def outputs(
        self, texts: list[str], batch_size: int = 64, embed: bool = True
    ) -> tuple[np.ndarray, np.ndarray | None]:
        from .modeling import predict_logits, tokenize

        ids = tokenize(self.tokenizer, texts, self.max_length)
        pad = self.tokenizer.pad_token_id or 0
        logits = predict_logits(self.model, ids, pad, batch_size).numpy()
        emb = None
        if embed and self.embedder is not None:
            emb = embed_texts(self.embedder, self.tokenizer, texts, self.max_length, batch_size)
        return logits, emb

    def embed(self, texts: list[str], batch_size: int = 64) -> np.ndarray | None:
        """Sentence embeddings of the base encoder alone (None without one)."""
        if self.embedder is None:
            return None
        return embed_texts(self.embedder, self.tokenizer, texts, self.max_length, batch_size)


class OnnxEngine:
    """ONNX Runtime + the `tokenizers` library: no torch or transformers import at all.

    The classifier and (for a blend) the embedder are separate graphs; the embedder runs on a
    helper thread while the classifier runs on the caller's, so one request uses both cores
    when they are free. ``Run`` releases the GIL and may be called from several threads at
    once; the tokenizer is configured once and afterwards only read.
    """

    name = "onnx"

    def __init__(self, session, tokenizer, pad_id: int, embedder=None, embedder_int8: bool = False):
        self.session = session
        self.embedder = embedder
        # int8 graphs quantise activations with one scale per tensor, so padding from other texts
        # in a batch would change a text's result: such an embedder sees one text per call
        self.embedder_int8 = embedder_int8
        self.tokenizer = tokenizer
        self.pad_id = pad_id
        self._helper = None  # the embedder's thread pool, made on first use (see _helper_pool)
        self._helper_pid = 0
        # A second classifier session with 2 intra-op threads, for a call that has the machine
        # to itself (a lone request): ~2 ms off its latency. Under load every core is already busy,
        # so concurrent calls use the 1-thread session and never oversubscribe the cores.
        self.session_wide = None
        self._inflight = 0
        self._inflight_lock = threading.Lock()
        self._num_labels = int(session.get_outputs()[0].shape[1])
        dim = embedder.get_outputs()[0].shape[1] if embedder is not None else 0
        self._embedding_dim = int(dim) if isinstance(dim, int) else 0

    @classmethod
    def load(cls, root: Path, max_length: int, threads: int | None = None) -> OnnxEngine:
        from tokenizers import Tokenizer

        info = _read_json(root / EXPORT_INFO)
        # the graphs and the files they came from must be those that were exported (~0.5 s)
        checks = [(root / str(info.get("file", ONNX_FILE)), info.get("sha256"))]
        emb_info = info.get("embedder") if isinstance(info.get("embedder"), dict) else None
        if emb_info:
            checks.append((root / str(emb_info.get("file", EMBEDDER_ONNX_FILE)), emb_info.get("sha256")))
        if isinstance(info.get("sources"), dict):  # weights, config and tokenizer it was exported from
            checks += [(root / str(name), digest) for name, digest in info["sources"].items()]
        for file, expected in checks:
            try:
                digest = sha256_file(file)
            except OSError as exc:
                raise ModelLoadError(f"model artifact file missing: {file}") from exc
            if expected and digest != expected:
                raise ModelLoadError(f"model artifact file is corrupt: {file}: checksum differs from {EXPORT_INFO}")
        threads = int(threads or os.environ.get("ONNX_THREADS") or 1)
        session = _onnx_session(checks[0][0], threads)
        embedder = _onnx_session(checks[1][0], threads) if emb_info else None
        try:
            tok = Tokenizer.from_file(str(root / "tokenizer.json"))
        except Exception as exc:  # noqa: BLE001
            raise ModelLoadError(f"model artifact tokenizer files are corrupt or missing in {root}: {exc}") from exc
        tok.no_padding()
        tok.enable_truncation(max_length)
        pad = tok.token_to_id("[PAD]")
        engine = cls(session, tok, 0 if pad is None else pad, embedder, bool(emb_info and emb_info.get("int8")))
        if threads == 1 and (os.cpu_count() or 1) >= 2 and os.environ.get("ONNX_WIDE_SESSION", "1") != "0":
            engine.session_wide = _onnx_session(checks[0][0], 2)
        return engine

    def outputs(
        self, texts: list[str], batch_size: int = 64, embed: bool = True
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Classifier logits and (``embed`` and a blend) the embeddings, in input order."""
        with self._inflight_lock:
            self._inflight += 1
            alone = self._inflight == 1
        try:
            session = self.session_wide if (alone and self.session_wide is not None) else self.session
            return self._outputs(texts, batch_size, session, embed and self.embedder is not None)
        finally:
            with self._inflight_lock:
                self._inflight -= 1

    def _outputs(self, texts: list[str], batch_size: int, session, embed: bool) -> tuple[np.ndarray, np.ndarray | None]:
        encodings = self.tokenizer.encode_batch(texts)
        ids = [e.ids for e in encodings]
        logits = np.empty((len(ids), self._num_labels), dtype=np.float32)
        emb = np.empty((len(ids), self._embedding_dim), dtype=np.float32) if embed else None
        for batch in length_buckets([len(x) for x in ids], batch_size):
            feed = self._feed(ids, batch)
            pending = self._helper_pool().submit(self._embed, feed) if embed else None
            logits[batch] = session.run(None, feed)[0]
            if pending is not None:
                emb[batch] = pending.result()
        return logits, emb

    def embed(self, texts: list[str], batch_size: int = 64) -> np.ndarray | None:
        """Sentence embeddings of the base encoder alone (None without one), in input order."""
        if self.embedder is None:
            return None
        ids = [e.ids for e in self.tokenizer.encode_batch(texts)]
        out = np.empty((len(ids), self._embedding_dim), dtype=np.float32)
        for batch in length_buckets([len(x) for x in ids], batch_size):
            out[batch] = self._embed(self._feed(ids, batch))
        return out

    def _feed(self, ids: list[list[int]], batch: list[int]) -> dict[str, np.ndarray]:
        """The graphs' inputs for the texts `batch` of `ids`: padded to the longest, with its mask."""
        width = max(len(ids[i]) for i in batch)
        input_ids = np.full((len(batch), width), self.pad_id, dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.int64)
        for row, i in enumerate(batch):
            input_ids[row, : len(ids[i])] = ids[i]
            mask[row, : len(ids[i])] = 1
        return {"input_ids": input_ids, "attention_mask": mask}

    def _helper_pool(self):
        """The embedder's thread, per process: a pool inherited through fork (gunicorn --preload,
        after the warm-up ran in the parent) has no live thread and would never run the job."""
        if self._helper is None or self._helper_pid != os.getpid():
            from concurrent.futures import ThreadPoolExecutor

            self._helper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="onnx-embedder")
            self._helper_pid = os.getpid()
        return self._helper

    def _embed(self, feed: dict[str, np.ndarray]) -> np.ndarray:
        if not self.embedder_int8 or len(feed["input_ids"]) == 1:
            return self.embedder.run(None, feed)[0]
        rows = []
        for ids, mask in zip(feed["input_ids"], feed["attention_mask"], strict=True):
            n = int(mask.sum())
            rows.append(self.embedder.run(None, {"input_ids": ids[None, :n], "attention_mask": mask[None, :n]})[0])
        return np.concatenate(rows)

    def num_labels(self) -> int:
        return self._num_labels

    def embedding_dim(self) -> int:
        return self._embedding_dim


def _onnx_session(path: Path, threads: int):
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    # a spinning pool steals the core the request threads need; wake on demand instead
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    # The CPU arena keeps the largest batch's buffers for the life of the worker: without it the worker holds ~10-30
    # MB less (the RSS bound of 600 MB) at no measurable CPU cost per request (benchmarks/inference.py)
    opts.enable_cpu_mem_arena = False
    try:
        return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
    except Exception as exc:  # noqa: BLE001 - any failure means a broken file
        raise ModelLoadError(f"model artifact file is corrupt: {path}: {exc}") from exc


def length_buckets(lengths: Sequence[int], batch_size: int, max_ratio: float = 2.0) -> list[list[int]]:
    """Indices in batches of similar length: sorted, and a new batch whenever a text is more than
    ``max_ratio`` times as long as the batch's shortest, so one 500-token description in a
    micro-batch does not make fifteen 40-token ones pay for 500 tokens of padding each."""
    batches: list[list[int]] = []
    for i in sorted(range(len(lengths)), key=lambda i: lengths[i]):
        if not batches or len(batches[-1]) >= batch_size or lengths[i] > max_ratio * lengths[batches[-1][0]]:
            batches.append([i])
        else:
            batches[-1].append(i)
    return batches


def onnxruntime_available() -> bool:
    try:
        import onnxruntime  # noqa: F401
        import tokenizers  # noqa: F401
    except ImportError:
        return False
    return True


class Classifier:
    """A trained, calibrated symptom classifier (the API the app uses; see docs/ARCHITECTURE.md).

    ``engine`` runs the network: ONNX Runtime when the artifact has an exported graph
    (``model.onnx``, see training/onnx_export.py), otherwise PyTorch. ``MODEL_BACKEND`` (auto,
    onnx, torch) or ``Classifier.load(path, backend=...)`` chooses.
    """

    def __init__(
        self,
        engine,
        labels: list[tuple[str, str]],
        temperature: float,
        version: str,
        max_length: int = 128,
        path: Path | None = None,
        blend: EmbeddingBlend | None = None,
    ):
        self.engine = engine
        self.labels = labels
        self.temperature = float(temperature)
        self.version = version
        self.max_length = max_length
        self.path = path
        self.blend = blend
        # Below this score a text is out of scope (None: not calibrated, never refused on scope alone).
        # The score is the sum of the features standardised with their in-scope dev mean and sd
        # (scope.json "features"), or the fit alone for a file without them.
        self.scope_threshold: float | None = None
        self.scope_features: dict[str, tuple[float, float]] = {}
        if path is not None and (Path(path) / SCOPE_FILE).is_file():
            try:
                info = _read_json(Path(path) / SCOPE_FILE)
                self.scope_threshold = float(info["threshold"])
                self.scope_features = {k: (float(m), float(sd) or 1.0) for k, (m, sd) in (info.get("features") or {}).items()}
            except (ModelLoadError, KeyError, TypeError, ValueError):
                self.scope_threshold = None  # a broken optional file: no scope refusals, the rest works

    @property
    def backend(self) -> str:
        return self.engine.name

    # -- loading ------------------------------------------------------------------------------

    @classmethod
    def load(cls, path: str | os.PathLike, backend: str | None = None) -> Classifier:
        root = Path(path)
        # serving needs no metrics.json: an artifact from before it was required still loads
        weights = check_files(root, SERVING_FILES)

        labels = parse_labels(_read_json(root / "labels.json"), root / "labels.json")
        calib = _read_json(root / "calibration.json")
        cfg = _read_json(root / "training_config.json")
        try:
            temperature = float(calib["temperature"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelLoadError(f"model artifact file is corrupt: {root / 'calibration.json'}: {exc!r}") from exc
        try:
            version = str(cfg["version"])
            train_max_length = int(cfg.get("model", {}).get("max_length", 128))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ModelLoadError(f"model artifact file is corrupt: {root / 'training_config.json'}: {exc!r}") from exc
        if not np.isfinite(temperature) or temperature <= 0:
            raise ModelLoadError(f"model artifact file is corrupt: {root / 'calibration.json'}: bad temperature")

        max_length = serving_max_length(root, train_max_length)
        blend = cls._load_blend(root, calib)
        backend = (backend or os.environ.get("MODEL_BACKEND") or "auto").lower()
        if backend not in ("auto", "onnx", "torch"):
            raise ModelLoadError(f"MODEL_BACKEND must be auto, onnx or torch, not {backend!r}")
        exported = (root / EXPORT_INFO).is_file()
        if backend == "onnx" and not exported:
            raise ModelLoadError(
                f"model artifact has no ONNX export ({root / EXPORT_INFO}); "
                f"run: python -m training export-onnx --model {root}"
            )
        if backend == "onnx" or (backend == "auto" and exported and onnxruntime_available()):
            engine = OnnxEngine.load(root, max_length)
            if engine.num_labels() != len(labels):
                raise ModelLoadError(
                    f"model artifact file is inconsistent: {root / 'labels.json'} has {len(labels)} labels, "
                    f"{root / ONNX_FILE} has {engine.num_labels()}"
                )
            if blend is not None and (engine.embedder is None or engine.embedding_dim() != blend.prototypes.shape[1]):
                raise ModelLoadError(
                    f"model artifact file is inconsistent: {root / EXPORT_INFO} has no embedder matching the blend"
                )
        else:
            engine = cls._load_torch(root, weights, labels, blend is not None, max_length)
        return cls(engine, labels, temperature, version, max_length, root, blend)

    @staticmethod
    def _load_torch(root: Path, weights: Path, labels, with_embedder: bool, max_length: int) -> TorchEngine:
        from transformers import AutoModel, AutoModelForSequenceClassification, AutoTokenizer

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
        embedder = None
        if with_embedder:
            edir = root / "embedder"
            try:
                embedder = AutoModel.from_pretrained(str(edir), local_files_only=True).eval()
            except Exception as exc:  # noqa: BLE001
                raise ModelLoadError(f"model artifact embedder is corrupt or missing: {edir}: {exc}") from exc
        return TorchEngine(model.eval(), tokenizer, max_length, embedder)

    @staticmethod
    def _load_blend(root: Path, calib: dict) -> EmbeddingBlend | None:
        info = calib.get("embedding_blend") or {}
        if not info or not info.get("weight"):
            return None
        proto = root / info.get("prototypes", "prototypes.npy")
        bias = root / info.get("bias", "prototype_bias.npy")
        try:
            prototypes = np.load(proto)
            b = np.load(bias) if bias.is_file() else np.zeros(prototypes.shape[0], dtype=np.float32)
        except Exception as exc:  # noqa: BLE001
            raise ModelLoadError(f"model artifact file is corrupt or missing: {proto}: {exc}") from exc
        return EmbeddingBlend(
            prototypes,
            b,
            float(info["weight"]),
            float(info.get("scale", 1.0)),
            float(info.get("temperature", 1.0)),
        )

    # -- inference ----------------------------------------------------------------------------

    def logits(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Uncalibrated classifier logits, label-id order."""
        texts = [t or "" for t in texts]
        if not texts:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        return self.engine.outputs(texts, batch_size, embed=False)[0]

    def embed(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray | None:
        """Unit-length sentence embeddings from the artifact's base encoder (all-MiniLM-L6-v2), or
        None when the artifact has none (``--tiny``, no blend): what red flags are matched by meaning with."""
        embed = getattr(self.engine, "embed", None)
        if embed is None:
            return None
        out = embed([t or "" for t in texts], batch_size)
        if out is None:
            return None
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)

    def predict_proba(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Calibrated probabilities, shape (len(texts), len(labels)), label-id order."""
        return self.proba_and_fit(texts, batch_size)[0]

    def proba_and_fit(self, texts: Sequence[str], batch_size: int = 64) -> tuple[np.ndarray, np.ndarray]:
        """Calibrated probabilities and each text's fit (see ``Ranking``), from one forward pass."""
        probs, fit, _ = self.proba_fit_and_max_logit(texts, batch_size)
        return probs, fit

    def proba_fit_and_max_logit(self, texts: Sequence[str], batch_size: int = 64) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The same plus each text's highest raw classifier logit (an out-of-scope feature), one forward pass."""
        texts = [t or "" for t in texts]
        if not texts:
            return (np.zeros((0, len(self.labels)), dtype=np.float32), np.zeros(0, dtype=np.float32),
                    np.zeros(0, dtype=np.float32))
        logits, emb = self.engine.outputs(texts, batch_size)
        max_logit = np.asarray(logits).max(axis=1).astype(np.float32)
        z = logits / self.temperature
        fit = None
        if self.blend is not None:
            cos = emb @ self.blend.prototypes.T
            fit = cos.max(axis=1)
            z = combine_with_similarity(z, cos + self.blend.bias, self.blend.weight, self.blend.scale)
            z = z / self.blend.temperature
        z = z - z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p = (p / p.sum(axis=1, keepdims=True)).astype(np.float32)
        return p, (p.max(axis=1) if fit is None else fit).astype(np.float32), max_logit

    def predict(self, texts: Sequence[str], top_k: int = 5) -> list[Ranking]:
        probs, fits, max_logits = self.proba_fit_and_max_logit(texts)
        neg_entropy = (probs * np.log(probs + 1e-12)).sum(axis=1)
        k = max(1, min(int(top_k), len(self.labels)))
        out = []
        for row, fit, negent, max_logit in zip(probs, fits, neg_entropy, max_logits, strict=True):
            top = np.argsort(-row)[:k]
            ranking = Ranking(Prediction(self.labels[i][0], self.labels[i][1], float(row[i])) for i in top)
            ranking.fit, ranking.neg_entropy, ranking.max_logit = float(fit), float(negent), float(max_logit)
            out.append(ranking)
        return out

    def scope_score(self, fit: float, neg_entropy: float | None, max_logit: float | None = None) -> float:
        """How well a text fits the known conditions, on the calibrated scale (see scope.json)."""
        if not self.scope_features:
            return fit
        values = {"fit": fit, "neg_entropy": neg_entropy, "max_logit": max_logit}
        return float(sum((values[k] - m) / sd for k, (m, sd) in self.scope_features.items() if values.get(k) is not None))

    def out_of_scope(self, ranking: Ranking) -> bool:
        """Does this text fit none of the known conditions (calibrated threshold on the score)?"""
        if self.scope_threshold is None or ranking.fit is None:
            return False
        return self.scope_score(ranking.fit, ranking.neg_entropy, getattr(ranking, "max_logit", None)) < self.scope_threshold

    def __repr__(self) -> str:
        return f"Classifier(version={self.version!r}, labels={len(self.labels)}, backend={self.backend!r})"


def serving_max_length(root: Path, train_max_length: int) -> int:
    """How many tokens of a description the served model reads.

    Training uses short texts (``model.max_length``, 80 by default), but patients write longer
    ones, often with background before the symptoms: truncating at the training length dropped
    top-1 on dev-wording texts behind a neutral preamble from 88.6% to 1.5%; reading up to the
    model's position limit gave 66.7% (docs/performance.md). INFERENCE_MAX_TOKENS caps it.
    """
    try:
        positions = int(_read_json(root / "config.json").get("max_position_embeddings", 512))
    except (ModelLoadError, TypeError, ValueError):
        positions = 512
    cap = int(os.environ.get("INFERENCE_MAX_TOKENS") or 512)
    return max(train_max_length, min(positions, cap))


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
