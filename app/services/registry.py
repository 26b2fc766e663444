"""The model registry: which trained artifacts exist, which one is served, and how it changes.

The database is the source of truth for the served version (`ModelVersion.is_served`), so
every worker converges after a promotion (each follows it via `holder.sync_with_registry()`).
The `current` symlink under MODELS_ROOT mirrors it for processes that start from MODEL_DIR.
Promotion history lives in the append-only audit table (`model.promote` / `model.rollback`
events with `from` and `to` versions), which is also what rollback reads.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import current_app

from app.services.audit import record
from models import AuditEvent, ModelVersion, db

log = logging.getLogger(__name__)

CURRENT_LINK = "current"
PROMOTION_ACTIONS = ("model.promote", "model.rollback")
REQUIRED_FILES = ("config.json", "labels.json", "metrics.json", "training_config.json")
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
PLOT_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,80}\.png$")
VERSION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.+:-]{0,63}$")

# One promotion at a time in this process; across processes the DB transaction decides.
_promote_lock = threading.Lock()


class RegistryError(Exception):
    """A registry operation could not be done; the message says why, nothing was changed."""


class UnknownVersion(RegistryError):
    """No registered model version has that name."""


class InvalidArtifact(RegistryError):
    """The directory is not a complete model artifact."""


@dataclass
class ArtifactInfo:
    version: str
    path: str
    trained_at: datetime | None
    data_sources: list[dict[str, Any]]
    metrics: dict[str, Any]
    labels: list[list[str]]


@dataclass
class ScanReport:
    registered: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (directory name, reason)

    def summary(self) -> str:
        lines = [
            f"registered {len(self.registered)}, updated {len(self.updated)}, "
            f"unchanged {len(self.unchanged)}, skipped {len(self.skipped)}"
        ]
        lines += [f"  new: {v}" for v in self.registered]
        lines += [f"  updated: {v}" for v in self.updated]
        lines += [f"  skipped {name}: {reason}" for name, reason in self.skipped]
        return "\n".join(lines)


@dataclass
class PromotionResult:
    version: str
    previous: str | None
    action: str
    link_warning: str | None = None


# -- reading artifacts -----------------------------------------------------------------------

def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InvalidArtifact(f"{path.name} is missing") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidArtifact(f"{path.name} is not valid JSON ({exc.__class__.__name__})") from exc


def _parse_time(value: Any) -> datetime | None:
    if not value or not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _labels(raw: Any) -> list[list[str]]:
    """labels.json as [[name, icd10], ...] in label-id order, whatever its exact layout."""
    if isinstance(raw, dict) and "labels" in raw:
        raw = raw["labels"]
    items: list[Any]
    if isinstance(raw, dict):  # {"0": ..., "1": ...}
        try:
            items = [raw[k] for k in sorted(raw, key=lambda k: int(k))]
        except (TypeError, ValueError) as exc:
            raise InvalidArtifact("labels.json keys are not label ids") from exc
    elif isinstance(raw, list):
        items = raw
    else:
        raise InvalidArtifact("labels.json has no labels")
    out: list[list[str]] = []
    for item in items:
        if isinstance(item, dict):
            name, code = item.get("name") or item.get("disease"), item.get("icd10")
        elif isinstance(item, (list, tuple)) and len(item) >= 2:
            name, code = item[0], item[1]
        else:
            raise InvalidArtifact("labels.json entries need a name and an ICD-10 code")
        if not name or not code:
            raise InvalidArtifact("labels.json entries need a name and an ICD-10 code")
        out.append([str(name), str(code)])
    if not out:
        raise InvalidArtifact("labels.json is empty")
    return out


def _data_sources(cfg: dict[str, Any]) -> list[dict[str, Any]]:
    """Data sources with their hashes from training_config.json, as a list of small dicts."""
    raw = cfg.get("data_sources", cfg.get("data", cfg.get("sources", [])))
    if isinstance(raw, dict):
        raw = [{"source": k, **(v if isinstance(v, dict) else {"sha256": v})} for k, v in raw.items()]
    out: list[dict[str, Any]] = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, str):
            out.append({"source": item})
        elif isinstance(item, dict):
            entry = {k: v for k, v in item.items() if isinstance(v, (str, int, float, bool)) or v is None}
            if "source" not in entry:
                entry["source"] = item.get("name") or item.get("path") or item.get("kind") or "?"
            out.append(entry)
    return out


def read_artifact(path: str | os.PathLike[str]) -> ArtifactInfo:
    """Validate an artifact directory (files present, JSON readable) and read what we register."""
    p = Path(path)
    if not p.is_dir():
        raise InvalidArtifact("not a directory")
    for name in REQUIRED_FILES:
        if not (p / name).is_file():
            raise InvalidArtifact(f"{name} is missing")
    if not any((p / name).is_file() for name in WEIGHT_FILES):
        raise InvalidArtifact("no weights file (model.safetensors or pytorch_model.bin)")
    labels = _labels(_read_json(p / "labels.json"))
    metrics = _read_json(p / "metrics.json")
    cfg = _read_json(p / "training_config.json")
    if not isinstance(metrics, dict) or not isinstance(cfg, dict):
        raise InvalidArtifact("metrics.json and training_config.json must hold JSON objects")
    version = cfg.get("version") or metrics.get("version")
    version_file = p / "VERSION"
    if not version and version_file.is_file():
        version = version_file.read_text(encoding="utf-8").strip()
    version = str(version or p.name)
    if not VERSION_RE.match(version):
        raise InvalidArtifact(f"version {version[:80]!r} is not a safe identifier")
    trained_at = _parse_time(cfg.get("trained_at") or metrics.get("trained_at") or cfg.get("created_at"))
    if trained_at is None:  # training names versions YYYYmmdd-HHMMSS-<hex> (UTC)
        try:
            trained_at = datetime.strptime(version[:15], "%Y%m%d-%H%M%S").replace(tzinfo=UTC)
        except ValueError:
            trained_at = None
    if trained_at is None:
        trained_at = datetime.fromtimestamp((p / "metrics.json").stat().st_mtime, tz=UTC)
    return ArtifactInfo(
        version=version,
        path=str(p.resolve()),
        trained_at=trained_at,
        data_sources=_data_sources(cfg),
        metrics=metrics,
        labels=labels,
    )


# -- scanning ----------------------------------------------------------------------------------

def models_root() -> Path:
    return Path(current_app.config["MODELS_ROOT"])


def scan_models(root: str | os.PathLike[str] | None = None) -> ScanReport:
    """Register every valid artifact directory under `root` (idempotent); report the rest."""
    base = Path(root) if root is not None else models_root()
    report = ScanReport()
    if not base.is_dir():
        report.skipped.append((str(base), "models root does not exist"))
        return report
    known = {mv.version: mv for mv in db.session.scalars(db.select(ModelVersion))}
    seen: set[str] = set()
    for entry in sorted(base.iterdir(), key=lambda e: e.name):
        if entry.name.startswith((".", "tmp")) or entry.name == CURRENT_LINK or entry.is_symlink():
            continue  # the served pointer, and temporary directories of a training run in progress
        if not entry.is_dir():
            continue
        try:
            info = read_artifact(entry)
        except InvalidArtifact as exc:
            report.skipped.append((entry.name, str(exc)))
            continue
        if info.version in seen:
            report.skipped.append((entry.name, f"version {info.version} already found in another directory"))
            continue
        seen.add(info.version)
        row = known.get(info.version)
        if row is None:
            db.session.add(ModelVersion(
                version=info.version, path=info.path, trained_at=info.trained_at,
                data_sources=info.data_sources, metrics=info.metrics, labels=info.labels,
            ))
            report.registered.append(info.version)
            continue
        if row.path != info.path and Path(row.path).is_dir():
            report.skipped.append((entry.name, f"version {info.version} is registered at {row.path}"))
            continue
        changed = (row.path, row.metrics, row.data_sources, row.labels) != (
            info.path, info.metrics, info.data_sources, info.labels)
        if changed:
            row.path, row.metrics, row.data_sources, row.labels = info.path, info.metrics, info.data_sources, info.labels
            row.trained_at = row.trained_at or info.trained_at
            report.updated.append(info.version)
        else:
            report.unchanged.append(info.version)
    if report.registered or report.updated:
        record("model.scan", "model_version", None, registered=report.registered, updated=report.updated,
               skipped=len(report.skipped))
    db.session.commit()
    return report


# -- queries -----------------------------------------------------------------------------------

def list_versions() -> list[ModelVersion]:
    """Newest first (by training time, then registration)."""
    return list(db.session.scalars(
        db.select(ModelVersion).order_by(ModelVersion.trained_at.desc().nulls_last(), ModelVersion.id.desc())
    ))


def get_version(version: str) -> ModelVersion:
    row = db.session.scalar(db.select(ModelVersion).where(ModelVersion.version == version))
    if row is None:
        raise UnknownVersion(f"no registered model version {version!r} (run a scan first?)")
    return row


def served_version() -> ModelVersion | None:
    return db.session.scalar(db.select(ModelVersion).where(ModelVersion.is_served.is_(True)))


def promotion_history(limit: int | None = None) -> list[AuditEvent]:
    """Promotion and rollback events, newest first."""
    q = db.select(AuditEvent).where(AuditEvent.action.in_(PROMOTION_ACTIONS)).order_by(AuditEvent.id.desc())
    if limit:
        q = q.limit(limit)
    return list(db.session.scalars(q))


def rollback_target() -> str | None:
    """The version served before the current one, following the promotion history as a stack.

    Promote pushes a version, rollback pops one, so repeated rollbacks walk further back
    instead of flipping between the last two versions.
    """
    events = list(reversed(promotion_history()))
    stack: list[str] = []
    for ev in events:
        details = ev.details or {}
        to = details.get("to")
        if ev.action == "model.promote" and to:
            if stack and stack[-1] == to:
                continue  # re-promoting the served version changes nothing
            stack.append(to)
        elif ev.action == "model.rollback" and to:
            while stack and stack[-1] != to:
                stack.pop()
            if not stack:
                stack.append(to)
    served = served_version()
    if served is not None and stack and stack[-1] != served.version:
        # The DB was changed outside the registry: fall back to the last event that served it.
        for ev in reversed(events):
            if (ev.details or {}).get("to") == served.version and (ev.details or {}).get("from"):
                return ev.details["from"]
        return None
    return stack[-2] if len(stack) >= 2 else None


# -- promotion ---------------------------------------------------------------------------------

def _point_current_link(root: Path, target: Path) -> str | None:
    """Atomically repoint MODELS_ROOT/current at `target`; a warning instead of an exception."""
    link = root / CURRENT_LINK
    if link.exists() and not link.is_symlink():
        return f"{link} is a real directory, not a symlink; left as it is"
    try:
        root_resolved = root.resolve()
        target_resolved = target.resolve()
        rel = target_resolved.relative_to(root_resolved)
        dest: str = str(rel)  # relative inside the root: the instance folder can move
    except ValueError:
        dest = str(target.resolve())
    tmp = root / f".{CURRENT_LINK}.tmp-{uuid.uuid4().hex}"
    try:
        root.mkdir(parents=True, exist_ok=True)
        os.symlink(dest, tmp)
        os.replace(tmp, link)
    except OSError as exc:
        try:
            tmp.unlink()
        except OSError:
            pass
        return f"could not update {link}: {exc.strerror or exc}"
    return None


def promote(version: str, user=None, *, action: str = "model.promote", via: str = "web") -> PromotionResult:
    """Serve `version`: load it first, then mark it served in the DB, repoint `current`, swap.

    If the artifact does not load, or is not the version the registry says it is, nothing
    changes (database, symlink and in-process model stay as they were) and RegistryError says why.
    """
    holder = current_app.extensions["model_holder"]
    with _promote_lock:
        row = get_version(version)
        previous_row = served_version()
        previous_version = previous_row.version if previous_row else None
        previous_loaded = holder.current
        if not Path(row.path).is_dir():
            raise RegistryError(f"the artifact of {version} is gone ({row.path}); nothing changed")
        try:
            loaded = holder.swap_to(row.path)
        except Exception as exc:  # any load failure: the holder kept its old model
            db.session.rollback()
            raise RegistryError(f"model {version} could not be loaded, nothing changed: "
                                f"{str(exc) or exc.__class__.__name__}") from exc
        try:
            if loaded.version != row.version:
                raise RegistryError(f"the artifact at {row.path} reports version {loaded.version}, "
                                    f"not {row.version}; nothing changed")
            db.session.execute(
                db.update(ModelVersion).where(ModelVersion.id != row.id).values(is_served=False)
            )
            row.is_served = True
            row.promoted_at = datetime.now(UTC)
            row.promoted_by_id = getattr(user, "id", None)
            record(action, "model_version", row.version, actor=user, **{"from": previous_version, "to": row.version, "via": via})
            db.session.commit()
        except Exception:
            db.session.rollback()
            _restore(holder, previous_loaded)
            raise
        warning = _point_current_link(Path(current_app.config["MODELS_ROOT"]), Path(row.path))
        if warning:
            log.warning("model %s promoted; %s", row.version, warning)
        return PromotionResult(version=row.version, previous=previous_version, action=action, link_warning=warning)


def _restore(holder, previous) -> None:
    """Put the old model back after a failed promotion (reloads it from its path)."""
    if previous is None:
        return
    try:
        holder.swap_to(previous.path)
    except Exception as exc:  # pragma: no cover - the old model loaded a moment ago
        log.error("could not restore model %s: %s", previous.version, exc)


def rollback(user=None, *, via: str = "web") -> PromotionResult:
    """Serve the version that was served before the current one (audited as model.rollback)."""
    target = rollback_target()
    if target is None:
        raise RegistryError("there is no earlier promoted version to roll back to")
    return promote(target, user, action="model.rollback", via=via)


# -- artifact files for the pages --------------------------------------------------------------

def artifact_plots(row: ModelVersion) -> list[str]:
    """PNG files directly inside the artifact directory (names are safe to put in a URL)."""
    p = Path(row.path)
    if not p.is_dir():
        return []
    preferred = ["confusion_matrix.png", "reliability.png", "per_class_f1.png"]
    names = sorted(e.name for e in p.iterdir() if e.is_file() and PLOT_NAME_RE.match(e.name))
    return [n for n in preferred if n in names] + [n for n in names if n not in preferred]


def artifact_file(row: ModelVersion, name: str) -> Path | None:
    """The path of a plot inside the artifact, or None (unsafe name, missing, or outside it)."""
    if not PLOT_NAME_RE.match(name):
        return None
    base = Path(row.path).resolve()
    candidate = (base / name).resolve()
    if candidate.parent != base or not candidate.is_file():
        return None
    return candidate


def model_card(row: ModelVersion, max_chars: int = 50_000) -> str | None:
    p = Path(row.path) / "MODEL_CARD.md"
    try:
        return p.read_text(encoding="utf-8", errors="replace")[:max_chars]
    except OSError:
        return None


def serving_export(row: ModelVersion) -> dict | None:
    """The artifact's ONNX export record (onnx.json: graphs, int8 decision and its measured
    accuracy change), or None when it is served with PyTorch."""
    import json

    try:
        data = json.loads((Path(row.path) / "onnx.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


# -- metrics for display and comparison ----------------------------------------------------------

# (key, label, higher is better); each looked up under several names the training run may use.
METRICS = [
    ("accuracy", "Accuracy", True),
    ("top3_accuracy", "Top-3 accuracy", True),
    ("macro_f1", "Macro-F1", True),
    ("ece_before", "ECE before calibration", False),
    ("ece", "ECE after calibration", False),
    ("unseen_accuracy", "Unseen-wording accuracy", True),
    ("unseen_top3", "Unseen-wording top-3", True),
    ("confirmed_accuracy", "Confirmed-case accuracy", True),
]

_ALIASES: dict[str, list[tuple[str, ...]]] = {
    "accuracy": [("splits", "test", "accuracy"), ("test", "accuracy"), ("accuracy",)],
    "top3_accuracy": [("splits", "test", "top3_accuracy"), ("test", "top3_accuracy"), ("top3_accuracy",)],
    "macro_f1": [("splits", "test", "macro_f1"), ("test", "macro_f1"), ("macro_f1",)],
    "ece_before": [("splits", "test", "ece_uncalibrated"), ("test", "ece_uncalibrated"), ("ece_uncalibrated",)],
    "ece": [("splits", "test", "ece"), ("test", "ece"), ("ece",)],
    "unseen_accuracy": [("splits", "unseen_wording", "accuracy"), ("unseen_wording", "accuracy")],
    "unseen_top3": [("splits", "unseen_wording", "top3_accuracy"), ("unseen_wording", "top3_accuracy")],
    "confirmed_accuracy": [("splits", "confirmed_holdout", "accuracy"), ("confirmed_holdout", "accuracy")],
}


def _dig(metrics: dict[str, Any], path: tuple[str, ...]) -> Any:
    cur: Any = metrics
    for key in path:
        if not isinstance(cur, dict) or key not in cur:
            return None
        cur = cur[key]
    return cur


def metric_summary(metrics: dict[str, Any] | None) -> dict[str, float | None]:
    """The headline numbers of a version, whatever nesting metrics.json uses."""
    metrics = metrics or {}
    out: dict[str, float | None] = {}
    for key, _label, _hib in METRICS:
        value = None
        for path in _ALIASES[key]:
            v = _dig(metrics, path)
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                value = float(v)
                break
        out[key] = value
    return out


def per_class_f1(metrics: dict[str, Any] | None) -> dict[str, float]:
    """{label: F1} from metrics.json (a dict, or a classification report, or a list of rows)."""
    metrics = metrics or {}
    for path in (("splits", "test", "classification_report"), ("test", "classification_report"),
                 ("classification_report",), ("per_class_f1",)):
        raw = _dig(metrics, path)
        if raw is None:
            continue
        out: dict[str, float] = {}
        if isinstance(raw, dict):
            for label, v in raw.items():
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    if label not in ("accuracy",):
                        out[str(label)] = float(v)
                elif isinstance(v, dict):
                    f1 = v.get("f1") if v.get("f1") is not None else v.get("f1-score")
                    if isinstance(f1, (int, float)) and label not in ("accuracy", "macro avg", "weighted avg"):
                        out[str(label)] = float(f1)
        elif isinstance(raw, list):
            for row in raw:
                if isinstance(row, dict):
                    label = row.get("icd10") or row.get("label") or row.get("name")
                    f1 = row.get("f1")
                    if label and isinstance(f1, (int, float)):
                        out[str(label)] = float(f1)
        if out:
            return out
    return {}


@dataclass
class Comparison:
    a: ModelVersion
    b: ModelVersion
    rows: list[dict[str, Any]]  # {key, label, a, b, delta, better}
    per_class: list[dict[str, Any]]  # {label, a, b, delta}, largest change first


def compare(a: ModelVersion, b: ModelVersion) -> Comparison:
    """Metric deltas (b - a) and per-class F1 differences between two versions."""
    sa, sb = metric_summary(a.metrics), metric_summary(b.metrics)
    rows = []
    for key, label, higher_is_better in METRICS:
        va, vb = sa[key], sb[key]
        delta = None if va is None or vb is None else vb - va
        better = None
        if delta is not None and abs(delta) > 1e-9:
            better = (delta > 0) == higher_is_better
        rows.append({"key": key, "label": label, "a": va, "b": vb, "delta": delta, "better": better})
    fa, fb = per_class_f1(a.metrics), per_class_f1(b.metrics)
    per_class = []
    for label in sorted(set(fa) | set(fb)):
        va, vb = fa.get(label), fb.get(label)
        per_class.append({"label": label, "a": va, "b": vb, "delta": None if va is None or vb is None else vb - va})
    per_class.sort(key=lambda r: (r["delta"] is None, -abs(r["delta"] or 0.0), r["label"]))
    return Comparison(a=a, b=b, rows=rows, per_class=per_class)
