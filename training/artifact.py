"""The model artifact: what a trained model directory holds, how it is written, how it is read.

This module is the one contract between the trainer (writes), the ``Classifier`` (loads), the
web app's registry (lists and compares) and the training jobs (find the new version). See
docs/ARCHITECTURE.md, "The model artifact".

A directory that ``from_pretrained`` loads plus:

    labels.json           {"0": {"name": ..., "icd10": ...}, "1": ...}  label-id order
    training_config.json  the resolved TrainConfig + "version", "knowledge_base", "data_sources",
                          "heldout", "labels", "torch_version"
    calibration.json      {"method": "temperature_scaling", "temperature", ...[, "embedding_blend"]}
    metrics.json          {"version", "splits": {SPLIT: {"n", "accuracy", "top3_accuracy", "macro_f1",
                          "ece", "ece_uncalibrated", ...}}, "temperature", "history", ...}
    MODEL_CARD.md, *.png  the report; onnx.json + *.onnx (optional serving graphs); scope.json (optional)

Artifacts are written to a temporary directory beside their final place and renamed into it,
so a reader never sees half an artifact. Versions are ``YYYYmmdd-HHMMSS-<6 hex>`` (UTC).
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import secrets
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# -- the files -----------------------------------------------------------------------------------

HF_CONFIG = "config.json"
LABELS_FILE = "labels.json"
TRAINING_CONFIG_FILE = "training_config.json"
CALIBRATION_FILE = "calibration.json"
METRICS_FILE = "metrics.json"
MODEL_CARD_FILE = "MODEL_CARD.md"
# What serving needs (Classifier.load): an artifact with these and a weights file loads, including one
# written before metrics.json existed - a served model never becomes unloadable after an upgrade.
SERVING_FILES = (HF_CONFIG, LABELS_FILE, CALIBRATION_FILE, TRAINING_CONFIG_FILE)
# A complete artifact (what the trainer writes and the registry lists and compares) also has its metrics.
REQUIRED_FILES = (*SERVING_FILES, METRICS_FILE)
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")  # one of them
PLOT_FILES = ("confusion_matrix.png", "reliability.png", "per_class_f1.png")  # in display order
CURRENT_LINK = "current"  # MODELS_ROOT/current -> the served version (a relative symlink)

# -- the metrics layout: metrics["splits"][SPLIT][KEY] -----------------------------------------------

SPLITS = ("validation", "test", "confirmed_holdout", "unseen_wording", "dev_wording")
HEADLINE_KEYS = ("n", "accuracy", "top3_accuracy", "macro_f1", "ece", "ece_uncalibrated")

VERSION_RE = re.compile(r"^\d{8}-\d{6}-[0-9a-f]{6}$")  # what new_version() makes
SAFE_VERSION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.+:-]{0,63}$")  # what a reader accepts


class ModelLoadError(RuntimeError):
    """The artifact is missing or corrupt; the message names the file."""


class ArtifactError(ModelLoadError):
    """One file of an artifact is missing or unreadable.

    ``str()`` is the loader's message (with the full path); ``short`` is the registry's
    (file name and reason), e.g. "labels.json is not valid JSON (JSONDecodeError)".
    """

    def __init__(self, path: str | os.PathLike, problem: str, detail: str = ""):
        self.path = Path(path)
        self.problem = problem  # "missing" | "invalid"
        self.detail = detail
        if problem == "missing":
            message = f"model artifact file missing: {self.path}"
        else:
            message = f"model artifact file is corrupt: {self.path}" + (f": {detail}" if detail else "")
        super().__init__(message)

    @property
    def short(self) -> str:
        if self.problem == "missing":
            return f"{self.path.name} is missing"
        return f"{self.path.name} is not valid JSON ({self.detail})" if self.detail else f"{self.path.name} is invalid"


# -- versions ------------------------------------------------------------------------------------


def new_version() -> str:
    """Unique, sortable version (also the id of a training job): ``YYYYmmdd-HHMMSS-<6 hex>`` (UTC)."""
    return time.strftime("%Y%m%d-%H%M%S", time.gmtime()) + "-" + secrets.token_hex(3)


def version_time(version: str) -> datetime | None:
    """The UTC time a version made by new_version() was created, else None."""
    try:
        return datetime.strptime(version[:15], "%Y%m%d-%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None


# -- writing -------------------------------------------------------------------------------------


def sha256_file(path: str | os.PathLike) -> str:
    """Hex SHA-256 of a file, read in 1 MiB blocks (data hashes, ONNX export checksums)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_json(path: Path, data: Any) -> None:
    """Write JSON atomically (a temporary file renamed into place); numpy values become plain numbers."""
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2, sort_keys=False, default=_json_default)
        fh.write("\n")
    os.replace(tmp, path)


def _json_default(o: Any) -> Any:
    import numpy as np

    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, Path):
        return str(o)
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def labels_json(names: list[str], codes: list[str]) -> dict[str, dict[str, str]]:
    """labels.json content: label id (as a string) -> {"name", "icd10"}."""
    return {str(i): {"name": n, "icd10": c} for i, (n, c) in enumerate(zip(names, codes))}


def is_artifact(path: Path) -> bool:
    return (path / LABELS_FILE).is_file() and (path / HF_CONFIG).is_file()


def is_models_folder(path: Path, set_current: bool = False) -> bool:
    """Where does ``--output DIR`` put the artifact: DIR/<version> (models folder) or DIR itself?

    A models folder is: named ``models``, has a ``current`` link, is asked to get one
    (``--set-current``), or is a non-empty directory that is not itself an artifact.
    """
    current = path / CURRENT_LINK
    if set_current or path.name == "models" or current.is_symlink() or current.exists():
        return True
    if path.is_dir() and not is_artifact(path) and any(p for p in path.iterdir() if not p.name.startswith(".")):
        return True
    return False


def write_artifact(output: Path, version: str, fill: Callable[[Path], None], *, set_current: bool = False) -> Path:
    """Create the artifact in a temporary directory beside its final place, then rename it in.

    ``fill(tmpdir)`` writes the files. Returns the final path.
    """
    output = Path(output)
    models_mode = is_models_folder(output, set_current)
    parent = output if models_mode else output.parent
    parent.mkdir(parents=True, exist_ok=True)
    final = output / version if models_mode else output
    tmp = parent / f".tmp-{version}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    try:
        fill(tmp)
        if final.exists():
            if final.is_dir() and not any(final.iterdir()):
                final.rmdir()
                os.rename(tmp, final)
            else:  # replace an older artifact at the same path: swap, then delete the old one
                old = parent / f".old-{version}"
                os.rename(final, old)
                os.rename(tmp, final)
                shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if set_current:
        point_current(parent, final)
    return final


def point_current(models_dir: str | os.PathLike, target: str | os.PathLike) -> Path:
    """Atomically point ``models_dir/current`` at ``target`` (a version name or a directory).

    The link is relative when the target is inside ``models_dir`` (the folder may move), else
    absolute. A real directory named ``current`` is never replaced: IsADirectoryError.
    """
    root = Path(models_dir)
    link = root / CURRENT_LINK
    if link.exists() and not link.is_symlink():
        raise IsADirectoryError(errno.EISDIR, "it is a real directory, not a symlink; left as it is", str(link))
    target_path = root / target if not os.path.isabs(target) and os.sep not in str(target) else Path(target)
    try:
        dest = str(target_path.resolve().relative_to(root.resolve()))
    except ValueError:
        dest = str(target_path.resolve())
    root.mkdir(parents=True, exist_ok=True)
    tmp = root / f".{CURRENT_LINK}-{secrets.token_hex(4)}"
    os.symlink(dest, tmp)
    try:
        os.replace(tmp, link)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise
    return link


# -- reading -------------------------------------------------------------------------------------


def read_json(path: str | os.PathLike) -> Any:
    """One JSON file of an artifact; ArtifactError names it when it is missing or unreadable."""
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except FileNotFoundError as exc:
        raise ArtifactError(path, "missing") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ArtifactError(path, "invalid", exc.__class__.__name__) from exc


def check_files(root: str | os.PathLike, required: tuple[str, ...] = REQUIRED_FILES) -> Path:
    """The weights file of an artifact; ArtifactError for the first of ``required`` missing.

    ``required``: REQUIRED_FILES (a complete artifact, the registry) or SERVING_FILES (Classifier.load).
    """
    root = Path(root)
    if not root.is_dir():
        raise ModelLoadError(f"model artifact not found: {root} is not a directory")
    for name in required:
        if not (root / name).is_file():
            raise ArtifactError(root / name, "missing")
    weights = next((root / w for w in WEIGHT_FILES if (root / w).is_file()), None)
    if weights is None:
        raise ArtifactError(root / WEIGHT_FILES[0], "missing")
    return weights


def parse_labels(raw: Any, path: str | os.PathLike = LABELS_FILE) -> list[tuple[str, str]]:
    """labels.json as [(name, icd10), ...] in label-id order."""
    try:
        labels = [(str(raw[str(i)]["name"]), str(raw[str(i)]["icd10"])) for i in range(len(raw))]
    except (KeyError, TypeError) as exc:
        raise ArtifactError(path, "invalid", 'entries must be {"0": {"name", "icd10"}, ...}') from exc
    if not labels or not isinstance(raw, dict) or not all(n and c for n, c in labels):
        raise ArtifactError(path, "invalid", "needs a name and an ICD-10 code for every label")
    return labels


@dataclass
class Artifact:
    """What a model directory says about itself (labels, metrics, settings), without loading weights."""

    path: Path
    version: str
    labels: list[tuple[str, str]]
    metrics: dict[str, Any]
    training_config: dict[str, Any]
    trained_at: datetime

    @property
    def data_sources(self) -> list[dict[str, Any]]:
        """The data sources with their hashes (scalar fields only), as training recorded them."""
        out = []
        for item in self.training_config.get("data_sources") or []:
            if isinstance(item, dict):
                entry = {k: v for k, v in item.items() if isinstance(v, (str, int, float, bool)) or v is None}
                entry.setdefault("source", "?")
                out.append(entry)
        return out


def read_artifact(path: str | os.PathLike) -> Artifact:
    """Validate an artifact directory (files present, JSON readable) and read its description."""
    root = Path(path)
    check_files(root)
    labels = parse_labels(read_json(root / LABELS_FILE), root / LABELS_FILE)
    metrics = read_json(root / METRICS_FILE)
    cfg = read_json(root / TRAINING_CONFIG_FILE)
    for name, value in ((METRICS_FILE, metrics), (TRAINING_CONFIG_FILE, cfg)):
        if not isinstance(value, dict):
            raise ArtifactError(root / name, "invalid", "not a JSON object")
    version = str(cfg.get("version") or "")
    if not SAFE_VERSION_RE.match(version):
        raise ArtifactError(
            root / TRAINING_CONFIG_FILE, "invalid", f"version {version[:80]!r} is not a safe identifier"
        )
    trained_at = version_time(version) or datetime.fromtimestamp((root / METRICS_FILE).stat().st_mtime, tz=UTC)
    return Artifact(root.resolve(), version, labels, metrics, cfg, trained_at)


def metrics_of_split(metrics: dict[str, Any] | None, split: str) -> dict[str, Any]:
    """metrics["splits"][split], or {} when the run had no such split."""
    value = ((metrics or {}).get("splits") or {}).get(split)
    return value if isinstance(value, dict) else {}


def headline(metrics: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The headline numbers of every split that has texts (printed by `train` and in --result-json)."""
    out = {}
    for name, s in (metrics.get("splits") or {}).items():
        if s.get("n"):
            out[name] = {k: round(s[k], 4) if isinstance(s[k], float) else s[k] for k in HEADLINE_KEYS if k in s}
    return out
