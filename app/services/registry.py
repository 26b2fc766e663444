"""The model registry: which trained artifacts exist, which one is served, and how it changes.

The database is the source of truth for the served version (`ModelVersion.is_served`), so
every worker converges after a promotion (each follows it via `holder.sync_with_registry()`).
The `current` symlink under MODELS_ROOT mirrors it for processes that start from MODEL_DIR.
Promotion history lives in the append-only audit table (`model.promote` / `model.rollback`
events with `from` and `to` versions), which is also what rollback reads.

What an artifact holds and how it is read is training/artifact.py (the one contract); the headline
numbers and comparisons of versions are app/services/model_metrics.py.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app

from app.services.audit import record
from app.services.model_metrics import METRICS, Comparison, compare, metric_summary, per_class_f1  # noqa: F401 (views)
from models import AuditEvent, ModelVersion, db
from training.artifact import (
    CURRENT_LINK,
    MODEL_CARD_FILE,
    PLOT_FILES,
    Artifact,
    ModelLoadError,
    point_current,
    read_artifact,
    read_json,
)
from training.predictor import EXPORT_INFO

log = logging.getLogger(__name__)

PROMOTION_ACTIONS = ("model.promote", "model.rollback")
PLOT_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,80}\.png$")

# One promotion at a time in this process; across processes the DB transaction decides.
_promote_lock = threading.Lock()


class RegistryError(Exception):
    """A registry operation could not be done; the message says why, nothing was changed."""


class UnknownVersion(RegistryError):
    """No registered model version has that name."""


class InvalidArtifact(RegistryError):
    """The directory is not a complete model artifact."""


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


def inspect_artifact(path: str | os.PathLike[str]) -> Artifact:
    """training.artifact.read_artifact, with its problem as an InvalidArtifact (short reason)."""
    try:
        return read_artifact(path)
    except ModelLoadError as exc:
        raise InvalidArtifact(getattr(exc, "short", str(exc))) from exc


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
            info = inspect_artifact(entry)
        except InvalidArtifact as exc:
            report.skipped.append((entry.name, str(exc)))
            continue
        if info.version in seen:
            report.skipped.append((entry.name, f"version {info.version} already found in another directory"))
            continue
        seen.add(info.version)
        row = known.get(info.version)
        # the row's JSON columns hold what a reload from the database would give back
        fields = {"path": str(info.path), "metrics": info.metrics, "data_sources": info.data_sources,
                  "labels": [list(pair) for pair in info.labels]}
        if row is None:
            db.session.add(ModelVersion(version=info.version, trained_at=info.trained_at, **fields))
            report.registered.append(info.version)
            continue
        if row.path != fields["path"] and Path(row.path).is_dir():
            report.skipped.append((entry.name, f"version {info.version} is registered at {row.path}"))
            continue
        if any(getattr(row, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(row, name, value)
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
    """Repoint MODELS_ROOT/current at `target` (training.artifact.point_current); a warning, not an exception."""
    try:
        point_current(root, target)
    except OSError as exc:
        return f"could not update {root / CURRENT_LINK}: {exc.strerror or exc}"
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
    names = sorted(e.name for e in p.iterdir() if e.is_file() and PLOT_NAME_RE.match(e.name))
    return [n for n in PLOT_FILES if n in names] + [n for n in names if n not in PLOT_FILES]


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
    p = Path(row.path) / MODEL_CARD_FILE
    try:
        return p.read_text(encoding="utf-8", errors="replace")[:max_chars]
    except OSError:
        return None


def serving_export(row: ModelVersion) -> dict | None:
    """The artifact's ONNX export record (onnx.json: graphs, int8 decision and its measured
    accuracy change), or None when it is served with PyTorch."""
    try:
        data = read_json(Path(row.path) / EXPORT_INFO)
    except ModelLoadError:
        return None
    return data if isinstance(data, dict) else None
