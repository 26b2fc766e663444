"""Background jobs behind one interface, on a real queue or on this machine (QUEUE_BACKEND).

- ``rq``: jobs go to Redis (REDIS_URL) queues and RQ workers run them, on any machine that shares
  the database, MODELS_ROOT and TRAINING_JOBS_DIR: ``rq worker training`` (e.g. on a GPU machine)
  runs training jobs, ``rq worker mail --with-scheduler`` delivers the outbox in rounds that keep
  the next one scheduled (retries, and a sweep every OUTBOX_SWEEP_SECONDS; app/services/outbox.py).
  Every web server enqueues to the same queues, so several hosts share one queue.
- ``local`` (the default; needs no Redis): a training job runs in a detached process on the web
  server that started it (it outlives the gunicorn worker); mail is delivered by a thread in each
  web process (app/services/outbox.py), woken when a message is queued.

A job is a plain function named by its dotted path (``training.jobs.run_training_job``,
``app.services.outbox.deliver_job``), so the web server never imports what a worker runs.
``submit`` returns a small *handle* (JSON-able) that ``state`` and ``cancel_queued`` take later,
from any web worker.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask, current_app

log = logging.getLogger(__name__)

TRAINING_QUEUE = "training"
MAIL_QUEUE = "mail"
BACKENDS = ("local", "rq")
ROOT = Path(__file__).resolve().parents[2]  # the checkout: `-m app.services.job_queue` runs from it
RUNNER_MODULE = "app.services.job_queue"  # what a local job's command line shows (checked by alive())

# states of a submitted job, as `state()` reports them
QUEUED, RUNNING, GONE, UNKNOWN = "queued", "running", "gone", "unknown"


class QueueError(RuntimeError):
    """The queue cannot take or report a job right now (e.g. Redis is unreachable); the message says why."""


def pid_alive(pid: Any, expect: str | None = RUNNER_MODULE) -> bool:
    """Is `pid` a live process (not a zombie) and, where /proc tells, still running `expect`?"""
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    proc = Path(f"/proc/{pid}")
    if proc.is_dir():
        try:
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
            if state in ("Z", "X"):
                return False
            if expect and expect.encode() not in (proc / "cmdline").read_bytes():
                return False  # the pid was reused by another program
        except (OSError, IndexError):
            return False
    return True


class LocalQueue:
    """No broker: a job runs in a detached process of this machine (its own process group)."""

    name = "local"

    def __init__(self) -> None:
        self._children: dict[int, subprocess.Popen] = {}  # reaped on every state() call

    def submit(self, queue: str, func: str, kwargs: dict[str, Any], *, job_id: str, timeout: int | None = None,
               log_path: Path | None = None) -> dict[str, Any]:
        self.reap()
        from training.jobs import child_env  # the environment of a training process: no secrets

        out = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115 - closed below
        try:
            proc = subprocess.Popen(
                [sys.executable, "-m", RUNNER_MODULE, func, json.dumps(kwargs)],
                cwd=str(ROOT), env=child_env(), stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True, close_fds=True,
            )
        except OSError as exc:
            raise QueueError(f"could not start the job: {exc.strerror or exc}") from exc
        finally:
            if log_path:
                out.close()
        self._children[proc.pid] = proc
        return {"pid": proc.pid}

    def reap(self) -> None:
        """Collect finished children of this worker (no zombies; never blocks)."""
        for pid, proc in list(self._children.items()):
            if proc.poll() is not None:
                self._children.pop(pid, None)

    def state(self, handle: dict[str, Any]) -> str:
        self.reap()
        return RUNNING if pid_alive(handle.get("pid")) else GONE

    def cancel_queued(self, handle: dict[str, Any]) -> bool:
        return False  # a local job starts at once: nothing waits in a queue

    def notify_mail(self, app: Flask) -> None:
        from app.services.outbox import wake_worker

        wake_worker(app)


class RQQueue:
    """Redis + RQ: any number of web servers enqueue, any number of `rq worker QUEUE` processes run."""

    name = "rq"

    def __init__(self, url: str, *, default_timeout: int = 24 * 3600):
        from redis import Redis

        self.url = url
        self.redis = Redis.from_url(url, socket_connect_timeout=3, socket_timeout=10)
        self.default_timeout = default_timeout

    def _queue(self, name: str):
        from rq import Queue

        return Queue(name, connection=self.redis)

    def submit(self, queue: str, func: str, kwargs: dict[str, Any], *, job_id: str, timeout: int | None = None,
               log_path: Path | None = None) -> dict[str, Any]:
        from redis.exceptions import RedisError

        try:
            job = self._queue(queue).enqueue(
                func, kwargs=kwargs, job_id=f"{queue}-{job_id}", job_timeout=timeout or self.default_timeout,
                result_ttl=7 * 24 * 3600, failure_ttl=7 * 24 * 3600, description=f"{queue} job {job_id}",
            )
        except RedisError as exc:
            raise QueueError(f"the job queue (Redis at {self._where()}) is not reachable: {exc.__class__.__name__}") from exc
        return {"rq_job": job.id, "queue": queue}

    def enqueue_at(self, queue: str, when: datetime, func: str, *, job_id: str | None = None,
                   timeout: int | None = None) -> None:
        """Run `func` at `when` (needs a worker started with --with-scheduler)."""
        self._queue(queue).enqueue_at(when, func, job_id=job_id, job_timeout=timeout or self.default_timeout,
                                      result_ttl=3600, failure_ttl=7 * 24 * 3600)

    def upcoming(self, queue: str) -> tuple[int, datetime | None]:
        """The jobs waiting on `queue` now, and when its first scheduled job is due (None: none is)."""
        from redis.exceptions import RedisError
        from rq.registry import ScheduledJobRegistry

        try:
            q = self._queue(queue)
            first = self.redis.zrange(ScheduledJobRegistry(queue=q).key, 0, 0, withscores=True)
            waiting = q.count
        except RedisError as exc:
            raise QueueError(f"the job queue (Redis at {self._where()}) is not reachable: {exc.__class__.__name__}") from exc
        return waiting, (datetime.fromtimestamp(first[0][1], UTC) if first else None)

    def schedule_once(self, queue: str, func: str, *, when: datetime, prefix: str, timeout: int = 600) -> datetime:
        """Have `func` run on `queue` by `when` without piling up runs: nothing is added while a job
        waits on the queue or one is scheduled by then (it covers this one). Returns when the run that
        covers `when` is due. RQ schedules to the second: `when` is rounded up, never run early."""
        from redis.exceptions import RedisError

        if when.microsecond:
            when = when.replace(microsecond=0) + timedelta(seconds=1)
        waiting, first = self.upcoming(queue)
        if waiting:
            return datetime.now(UTC)
        if first is not None and first <= when:
            return first
        try:
            self.enqueue_at(queue, when, func, job_id=f"{prefix}{when:%Y%m%d-%H%M%S}-{os.urandom(3).hex()}",
                            timeout=timeout)
        except RedisError as exc:
            raise QueueError(f"the job queue (Redis at {self._where()}) is not reachable: {exc.__class__.__name__}") from exc
        return when

    def _where(self) -> str:
        kw = self.redis.connection_pool.connection_kwargs
        return f"{kw.get('host', '?')}:{kw.get('port', '?')}/{kw.get('db', 0)}"

    def _job(self, handle: dict[str, Any]):
        from rq.exceptions import NoSuchJobError
        from rq.job import Job

        try:
            return Job.fetch(str(handle.get("rq_job")), connection=self.redis)
        except NoSuchJobError:
            return None

    def state(self, handle: dict[str, Any]) -> str:
        from redis.exceptions import RedisError

        try:
            job = self._job(handle)
            status = job.get_status(refresh=True) if job is not None else None
        except RedisError:
            return UNKNOWN
        if status is None:
            return GONE
        value = getattr(status, "value", status)
        if value in ("queued", "deferred", "scheduled"):
            return QUEUED
        if value == "started":
            return RUNNING
        return GONE  # finished, failed, stopped, canceled

    def cancel_queued(self, handle: dict[str, Any]) -> bool:
        """Take a job that no worker has started off its queue; False if it has started (or is gone)."""
        from redis.exceptions import RedisError

        try:
            job = self._job(handle)
            if job is None or getattr(job.get_status(refresh=True), "value", None) not in ("queued", "deferred",
                                                                                           "scheduled"):
                return False
            job.cancel()
        except RedisError as exc:
            raise QueueError(f"the job queue (Redis at {self._where()}) is not reachable") from exc
        return True

    def notify_mail(self, app: Flask) -> None:
        """Enqueue a delivery round now (it schedules the rounds that follow: app/services/outbox.py)."""
        self.submit(MAIL_QUEUE, "app.services.outbox.deliver_job", {}, job_id=os.urandom(8).hex(), timeout=600)


def get_queue(app: Flask | None = None) -> LocalQueue | RQQueue:
    """The app's queue (one per app, made on first use from QUEUE_BACKEND and REDIS_URL)."""
    app = app or current_app._get_current_object()
    queue = app.extensions.get("job_queue")
    if queue is None:
        backend = (app.config.get("QUEUE_BACKEND") or "local").lower()
        if backend not in BACKENDS:
            raise QueueError(f"QUEUE_BACKEND must be one of {', '.join(BACKENDS)}, not {backend!r}")
        if backend == "rq":
            queue = RQQueue(app.config.get("REDIS_URL") or "redis://127.0.0.1:6379/0",
                            default_timeout=int(app.config.get("TRAINING_JOB_TIMEOUT") or 24 * 3600))
        else:
            queue = LocalQueue()
        app.extensions["job_queue"] = queue
    return queue


def notify_mail_queued(app: Flask) -> None:
    """A message was committed to the outbox: have it delivered now (never raises; the outbox retries)."""
    try:
        get_queue(app).notify_mail(app)
    except Exception as exc:  # noqa: BLE001 - the row is committed: the next sweep round sends it (outbox.py)
        # a QueueError says where and why (no message content); anything else: its class only
        reason = str(exc) if isinstance(exc, QueueError) else exc.__class__.__name__
        log.warning("could not hand the outbox to the %s queue, the mail stays pending: %s",
                    app.config.get("QUEUE_BACKEND"), reason)


def _run_detached(func: str, kwargs_json: str) -> int:
    """Entry of a local job's process: import `func` by its dotted path and call it with the JSON kwargs."""
    import signal

    # Like an RQ worker's job: Ctrl-C of the group (or a stray SIGINT) must not kill the job's
    # supervisor before it records the outcome; cancel requests arrive through the job's files.
    signal.signal(signal.SIGINT, lambda signum, frame: None)
    # SIGTERM (a shutdown, a `kill`): unwind instead of dying at once, so the job's clean-up runs -
    # run_training_job stops the training, removes the temporary data and records <job>.exit.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    module, _, name = func.rpartition(".")
    getattr(importlib.import_module(module), name)(**json.loads(kwargs_json))
    return 0


if __name__ == "__main__":
    sys.exit(_run_detached(sys.argv[1], sys.argv[2]))
