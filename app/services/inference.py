"""Inference: a few batcher threads per process own the classifier calls.

Why: concurrent requests (gunicorn gthread workers) are collected for up to ``max_wait``
seconds or ``max_batch`` items and predicted together, so the per-call overhead is paid once
per batch. With the ONNX engine a forward pass releases the GIL, so ``workers`` threads (one
per core by default) run batches side by side on separate cores while the request threads do
their Python work; each pass uses one intra-op thread, so no thread pool spins on a core that
another thread needs. With the PyTorch engine (artifacts without model.onnx) one worker is the
default: transformers' fast tokenizers are not safe to share between threads.

The threads are started lazily and per process id, so an app created before gunicorn forks its
workers still gets live batchers in each worker.

Two lanes: assessments (``predict``, and ``run`` for short calls) always go first; background
work (``run_background``: word explanations, seconds of model time) runs only when no assessment
is waiting, on one batcher thread at a time, in small pieces submitted one after the other by
its caller. An assessment therefore waits at most for one piece, never for a whole explanation,
and explanations never take more than one core from assessments.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

DEFAULT_MAX_BATCH = 16
DEFAULT_MAX_WAIT = 0.005  # seconds
DEFAULT_TIMEOUT = 30.0
BACKGROUND_THREADS = 1  # batcher threads that may run background work at the same time


class ModelUnavailable(RuntimeError):
    """No model is loaded (inference layer, no HTTP meaning): callers fall back or re-raise.

    The assessment service turns it into ``assessment.ModelUnavailableError`` (raised ``from``
    this one), which adds the rules-only triage and the 503; other callers (word attributions,
    the interview's matcher by meaning) catch it and do without the model.
    """


def default_threads(cpus: int | None = None) -> int:
    """Half the cores, 1 to 4: the other half runs the request threads (Flask, triage, database).

    Measured on the 2-core box (docs/performance.md): with 2 intra-op threads a forward pass
    waits for the core the request threads (or another process) hold, and one assessment went
    from ~3 ms to >100 ms; 1 thread keeps inference on one core and the GIL-bound Python work on
    the other.
    """
    cpus = cpus or os.cpu_count() or 1
    return max(1, min(4, cpus // 2))


def default_workers(cpus: int | None = None) -> int:
    """Batcher threads: one per core, 1 to 4 (INFERENCE_WORKERS overrides)."""
    cpus = cpus or os.cpu_count() or 1
    return max(1, min(4, cpus))


_CPU_WORKERS = default_workers()  # os.cpu_count() reads /sys; once per process, not per request


def configure_torch(threads: int | None = None) -> int:
    """Set torch's intra-op thread count (TORCH_NUM_THREADS, else `default_threads()`), if torch
    is in use at all: the ONNX engine never imports it, and importing it costs ~250 MB."""
    torch = sys.modules.get("torch")
    if torch is None:
        return 0
    if threads is None:
        env = os.environ.get("TORCH_NUM_THREADS")
        threads = int(env) if env and env.isdigit() else default_threads()
    if torch.get_num_threads() != threads:
        torch.set_num_threads(threads)
    return threads


@dataclass
class _Job:
    classifier: Any
    text: str | None = None
    top_k: int = 5
    call: Callable[[], Any] | None = None  # arbitrary work that must run on the inference thread
    future: Future = field(default_factory=Future)
    background: bool = False  # the low-priority lane (explanations)


class MicroBatcher:
    def __init__(
        self,
        max_batch: int = DEFAULT_MAX_BATCH,
        max_wait: float = DEFAULT_MAX_WAIT,
        threads: int | None = None,
        workers: int | None = None,
    ):
        self.max_batch = max(1, max_batch)
        self.max_wait = max(0.0, max_wait)
        self.threads = threads
        self.workers = workers  # None: default_workers() for thread-safe engines, else 1
        self._pid: int | None = None
        self._cond = threading.Condition()
        self._high: deque[_Job] = deque()  # assessments
        self._low: deque[_Job] = deque()  # background work, when no assessment waits
        self._low_running = 0
        self._pool: list[threading.Thread] = []
        self._start_lock = threading.Lock()
        self._count_lock = threading.Lock()
        self._last_batch_size = 1
        self.batches = 0  # counters for benchmarks and tests
        self.items = 0
        self.sizes: Counter[int] = Counter()  # batch size -> number of batches
        self.background_jobs = 0

    def stats(self) -> dict[str, Any]:
        """Counters for benchmarks: batches, items, mean batch size and the size histogram."""
        return {"batches": self.batches, "items": self.items,
                "mean_batch": round(self.items / self.batches, 2) if self.batches else 0.0,
                "sizes": dict(sorted(self.sizes.items())), "background_jobs": self.background_jobs}

    # -- public --------------------------------------------------------------------------------
    def predict(self, classifier: Any, text: str, top_k: int = 5, timeout: float = DEFAULT_TIMEOUT) -> list[Any]:
        """Predictions for one text; joins whatever other requests arrive within the window."""
        job = _Job(classifier=classifier, text=text, top_k=top_k)
        self._submit(job)
        return job.future.result(timeout=timeout)

    def run(self, classifier: Any, call: Callable[[], Any], timeout: float = 120.0) -> Any:
        """Run a short `call` on an inference thread, in the assessments' lane."""
        job = _Job(classifier=classifier, call=call)
        self._submit(job)
        return job.future.result(timeout=timeout)

    def run_background(self, classifier: Any, call: Callable[[], Any], timeout: float = 120.0) -> Any:
        """Run `call` in the low-priority lane: only while no assessment waits, one at a time.

        Keep each call short (a piece of the work): an assessment that arrives meanwhile waits
        for it. Raises concurrent.futures.TimeoutError after `timeout` seconds; a call that has
        not started by then is dropped, not run later."""
        job = _Job(classifier=classifier, call=call, background=True)
        self._submit(job)
        try:
            return job.future.result(timeout=timeout)
        except FutureTimeout:
            job.future.cancel()  # still queued: never runs; already running: finishes unread
            raise

    # -- internals -----------------------------------------------------------------------------
    def _submit(self, job: _Job) -> None:
        self._ensure_threads(job.classifier)
        with self._cond:
            (self._low if job.background else self._high).append(job)
            self._cond.notify_all()

    def _wanted_workers(self, classifier: Any) -> int:
        if self.workers:
            return max(1, int(self.workers))
        engine = getattr(classifier, "engine", None)
        return _CPU_WORKERS if getattr(engine, "name", "") == "onnx" else 1

    def _ensure_threads(self, classifier: Any) -> None:
        pid = os.getpid()
        wanted = self._wanted_workers(classifier)
        if self._pid == pid and sum(t.is_alive() for t in self._pool) >= wanted:
            return
        with self._start_lock:
            if self._pid != pid:  # forked: the parent's queues and threads are not ours
                self._cond = threading.Condition()
                self._high, self._low, self._low_running = deque(), deque(), 0
                self._pool = []
            self._pid = pid
            self._pool = [t for t in self._pool if t.is_alive()]
            while len(self._pool) < wanted:
                name = f"inference-batcher-{len(self._pool)}"
                thread = threading.Thread(target=self._loop, name=name, daemon=True)
                thread.start()
                self._pool.append(thread)

    def _next(self) -> _Job:
        """The next job: an assessment if one waits, else background work if no other thread
        runs some (blocks until there is one)."""
        with self._cond:
            while True:
                if self._high:
                    return self._high.popleft()
                if self._low and self._low_running < BACKGROUND_THREADS:
                    self._low_running += 1
                    return self._low.popleft()
                self._cond.wait()

    def _collect(self) -> list[_Job]:
        first = self._next()
        jobs = [first]
        if first.call is not None:
            return jobs
        with self._cond:
            # Wait for companions only under load (the last batch had company, or more are queued):
            # a lone request at concurrency 1 should not pay the batching window.
            window = self.max_wait if (self._last_batch_size > 1 or self._high) else 0.0
            deadline = time.monotonic() + window
            while len(jobs) < self.max_batch:
                if self._high:
                    if self._high[0].call is not None:
                        break  # run it after this batch
                    jobs.append(self._high.popleft())
                    continue
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
        return jobs

    def _loop(self) -> None:
        # the engines run their own torch.inference_mode / ONNX session; nothing to import here
        while True:
            jobs = self._collect()
            configure_torch(self.threads)  # a no-op unless a PyTorch engine is loaded
            if jobs[0].call is not None:
                try:
                    self._run_call(jobs[0])
                finally:
                    if jobs[0].background:
                        with self._cond:
                            self._low_running -= 1
                            self.background_jobs += 1
                            self._cond.notify_all()
                continue
            groups: dict[int, list[_Job]] = {}
            for job in jobs:
                groups.setdefault(id(job.classifier), []).append(job)
            for group in groups.values():
                self._run_batch(group)

    @staticmethod
    def _run_call(job: _Job) -> None:
        if not job.future.set_running_or_notify_cancel():
            return  # its caller gave up waiting (background work past its time budget)
        try:
            job.future.set_result(job.call())
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting request
            job.future.set_exception(exc)

    def _run_batch(self, group: list[_Job]) -> None:
        clf = group[0].classifier
        top_k = max(j.top_k for j in group)
        try:
            results = clf.predict([j.text for j in group], top_k=top_k)
        except BaseException as exc:  # noqa: BLE001
            for job in group:
                job.future.set_exception(exc)
            return
        with self._count_lock:
            self.batches += 1
            self.items += len(group)
            self.sizes[len(group)] += 1
        self._last_batch_size = len(group)
        for job, preds in zip(group, results, strict=True):
            ranked = preds[: job.top_k]
            if hasattr(preds, "fit"):  # a Ranking: keep how well the text fits any condition
                ranked = type(preds)(ranked)
                ranked.fit, ranked.neg_entropy = preds.fit, getattr(preds, "neg_entropy", None)
                ranked.max_logit = getattr(preds, "max_logit", None)
            job.future.set_result(ranked)


def get_batcher(app: Any) -> MicroBatcher:
    """The app's batcher (created on first use; settings from INFERENCE_MAX_BATCH / _MAX_WAIT_MS)."""
    batcher = app.extensions.get("inference_batcher")
    if batcher is None:
        batcher = MicroBatcher(
            max_batch=int(app.config.get("INFERENCE_MAX_BATCH", DEFAULT_MAX_BATCH)),
            max_wait=float(app.config.get("INFERENCE_MAX_WAIT_MS", DEFAULT_MAX_WAIT * 1000)) / 1000.0,
            threads=app.config.get("INFERENCE_THREADS"),
            workers=app.config.get("INFERENCE_WORKERS"),
        )
        app.extensions["inference_batcher"] = batcher
    return batcher


def current_model(app: Any):
    """The served model snapshot, after following promotions; raises ModelUnavailable."""
    holder = app.extensions["model_holder"]
    holder.sync_with_registry()
    loaded = holder.current
    if loaded is None:
        raise ModelUnavailable(holder.error or "no model is loaded")
    return loaded


def predict(app: Any, text: str, top_k: int = 5):
    """(loaded snapshot, predictions) for one text, through the micro-batcher."""
    loaded = current_model(app)
    return loaded, get_batcher(app).predict(loaded.classifier, text, top_k=top_k)
