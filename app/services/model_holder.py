"""The served classifier: loaded once at start-up, shared by all requests, swapped atomically.

Which version to serve is read from the database (`ModelVersion.is_served`), so that every
worker agrees after a promotion; the file system's `MODEL_DIR` is the start-up default. A
missing or broken model leaves the app running degraded, with the reason kept for display.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Loaded:
    """An immutable snapshot: a request keeps using the one it took, even during a swap."""

    classifier: Any
    version: str
    path: str


def _inside_cli_command() -> bool:
    """True when a `flask ...` command other than `run` builds the app."""
    import click

    ctx = click.get_current_context(silent=True)
    return ctx is not None and ctx.info_name not in (None, "run")


class ModelHolder:
    def __init__(self, model_dir: str | None, sync_interval: float = 5.0, warmup: bool = True):
        self.model_dir = model_dir
        self.sync_interval = sync_interval
        self.warmup = warmup
        self._current: Loaded | None = None
        self.error: str | None = None
        self._lock = threading.Lock()
        self._last_sync = 0.0
        self._deferred = False  # True: load on first use (CLI commands that never predict)

    @classmethod
    def from_app(cls, app) -> ModelHolder:
        holder = cls(
            app.config.get("MODEL_DIR"),
            sync_interval=float(app.config.get("MODEL_SYNC_INTERVAL", 5.0)),
            warmup=not app.config.get("TESTING", False),
        )
        if not app.config.get("LOAD_MODEL", True):
            holder.error = "model loading is switched off (LOAD_MODEL=False)"
        elif _inside_cli_command():
            holder._deferred = True  # `flask seed` etc. must not pay for loading a model
        else:
            holder.load_initial()
        return holder

    # -- reading ---------------------------------------------------------------------------
    def _load_if_deferred(self) -> None:
        if self._deferred:
            with self._lock:
                if self._deferred:
                    self._deferred = False
                    self.load_initial()

    @property
    def current(self) -> Loaded | None:
        self._load_if_deferred()
        return self._current

    @property
    def ready(self) -> bool:
        return self.current is not None

    @property
    def version(self) -> str | None:
        current = self.current
        return current.version if current else None

    # -- loading ---------------------------------------------------------------------------
    def _load(self, path: str) -> Loaded:
        from training.predictor import Classifier

        clf = Classifier.load(path)
        if self.warmup:
            clf.predict(["warm-up: headache and a mild fever since yesterday"], top_k=1)
            from app.services.semantic import semantic_for

            semantic_for(clf)  # red flags by meaning: embed the library's phrases now, not in a request
        return Loaded(classifier=clf, version=clf.version, path=str(Path(path).resolve()))

    def load_initial(self) -> None:
        if not self.model_dir:
            self.error = "no MODEL_DIR configured"
            return
        try:
            self._current = self._load(self.model_dir)
            self.error = None
        except Exception as exc:  # any broken artifact: run degraded, say why
            self._current = None
            self.error = str(exc) or exc.__class__.__name__
            log.warning("model not loaded, running degraded: %s", self.error)

    def swap_to(self, path: str) -> Loaded:
        """Load `path` and make it current; raises (and keeps the old model) on failure."""
        with self._lock:
            loaded = self._load(path)
            self._current = loaded  # one reference assignment: atomic for readers
            self.error = None
            return loaded

    def sync_with_registry(self, force: bool = False) -> None:
        """Follow the database's served version (every worker converges after a promotion)."""
        now = time.monotonic()
        if not force and now - self._last_sync < self.sync_interval:
            return
        self._last_sync = now
        try:
            from models import ModelVersion, db

            served = db.session.execute(
                db.select(ModelVersion.version, ModelVersion.path).where(ModelVersion.is_served.is_(True))
            ).first()
        except Exception:  # database trouble must not take inference down
            log.warning("could not read the served model version", exc_info=False)
            return
        if served is None or (self._current and served.version == self._current.version):
            return
        try:
            self.swap_to(served.path)
        except Exception as exc:
            log.error("served version %s could not be loaded: %s", served.version, exc)
