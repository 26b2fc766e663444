"""Train a new model version from the browser: a background training run, one at a time.

The web worker never waits for training. It writes a fresh de-identified export of the
confirmed cases under the jobs folder and submits `training.jobs.run_training_job` to the
`training` queue (app/services/job_queue.py): an RQ worker, possibly on a GPU machine, or the
local fallback (a detached process) runs `python -m training train --output MODELS_ROOT ...`.

Everything a status page needs lives in files of TRAINING_JOBS_DIR (shared with the worker), so
every web worker and host agrees and a job outlives the worker that started it:

    train.lock          {"job_id", handle}: one job at a time (O_EXCL; a lock whose job ended is stale)
    <job>.json          what was started, by whom, with which data (counts only), the queue's handle
    <job>.log           the training CLI's output (it prints counts and metrics, never rows)
    <job>.exit          written by the job when the training ends: return code, end time
    <job>.cancel        a cancel was requested: the job passes SIGINT (then SIGTERM) to the training
    <job>.train.json    the training CLI's --result-json: the new artifact and version
    <job>.result.json   the version registered by the first status read after success

Nothing is promoted: the ML user compares and promotes as with any other version.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy.exc import IntegrityError

from app.services import registry
from app.services.audit import record
from app.services.export_cases import EXPORT_OUTCOMES, ExportSummary, iter_cases
from app.services.job_queue import GONE, QUEUED, TRAINING_QUEUE, QueueError, get_queue, pid_alive
from models import Review, db
from training.artifact import VERSION_RE as JOB_ID_RE
from training.artifact import is_models_folder, new_version
from training.jobs import job_file, read_json, write_json

LOCK_NAME = "train.lock"
JOB_FUNCTION = "training.jobs.run_training_job"
HANDLE_KEYS = ("pid", "rq_job", "queue")  # what the queue returned for a job (kept in <job>.json and the lock)
ACTIVE_STATES = ("starting", "running", "cancelling")
STATE_LABELS = {
    "starting": "starting", "running": "running", "cancelling": "stopping (cancel requested)",
    "finished": "finished", "failed": "failed", "cancelled": "cancelled",
}
LOG_TAIL_BYTES = 64 * 1024
START_GRACE_S = 120  # a local job with no process after this long did not start


class TrainingError(Exception):
    """A training job could not be started or changed; the message says why."""


class JobRunning(TrainingError):
    """Another training job holds the lock."""

    def __init__(self, job_id: str | None):
        super().__init__(f"A training run is already in progress ({job_id or 'starting'}); "
                         "wait for it to finish or cancel it first.")
        self.job_id = job_id


class UnknownJob(TrainingError):
    """No training job has that id."""


@dataclass
class JobStatus:
    job_id: str
    state: str  # starting | running | cancelling | finished | failed | cancelled
    started_at: datetime | None
    elapsed_s: float
    epochs: int | None
    confirmed_weight: float | None
    data: dict[str, Any]
    started_by: str | None
    returncode: int | None = None
    version: str | None = None  # the registered new version (finished jobs)
    problem: str | None = None  # why a finished job has no registered version, or why it failed
    log_tail: list[str] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_STATES

    @property
    def label(self) -> str:
        return STATE_LABELS.get(self.state, self.state)

    def as_dict(self) -> dict[str, Any]:
        return {
            "job_id": self.job_id, "state": self.state, "label": self.label, "active": self.active,
            "started_at": self.started_at.isoformat(timespec="seconds") if self.started_at else None,
            "elapsed_s": round(self.elapsed_s, 1), "epochs": self.epochs, "confirmed_weight": self.confirmed_weight,
            "data": self.data, "returncode": self.returncode, "version": self.version, "problem": self.problem,
            "log_tail": self.log_tail,
        }


# -- files -------------------------------------------------------------------------------------

def jobs_dir() -> Path:
    """instance/training-jobs (or TRAINING_JOBS_DIR), owner-only: logs name files of patient data."""
    configured = current_app.config.get("TRAINING_JOBS_DIR")
    path = Path(configured) if configured else Path(current_app.instance_path) / "training-jobs"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _check_id(job_id: str) -> str:
    if not JOB_ID_RE.match(job_id or ""):
        raise UnknownJob("There is no training job with that id.")
    return job_id


def _handle(data: dict[str, Any]) -> dict[str, Any]:
    return {k: data[k] for k in HANDLE_KEYS if k in data}


# -- the lock: one job at a time ----------------------------------------------------------------

def _lock_holder(directory: Path) -> str | None:
    """The job id holding the lock, or None; a stale lock (job ended or gone) is removed."""
    lock = directory / LOCK_NAME
    try:
        raw = lock.read_text(encoding="utf-8")
        age = time.time() - lock.stat().st_mtime
    except FileNotFoundError:
        return None
    except OSError:
        return "unknown"
    try:
        data = json.loads(raw)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        if age < 30:  # being written right now
            return "unknown"
        stale, job_id = True, None
    else:
        job_id = data.get("job_id") if isinstance(data.get("job_id"), str) else None
        handle = _handle(data)
        if handle:
            alive = get_queue().state(handle) != GONE
        else:  # between taking the lock and submitting the job: the starting worker's pid
            alive = pid_alive(data.get("creator_pid"), expect=None) and age < 300
        ended = bool(job_id) and job_file(directory, job_id, ".exit").exists()
        stale = ended or not alive
    if stale:
        try:
            if lock.read_text(encoding="utf-8") == raw:  # nobody took it meanwhile
                lock.unlink()
        except OSError:
            pass
        current_app.logger.info("cleared a stale training lock (job %s)", job_id)
        return None
    return job_id or "unknown"


def running_job_id() -> str | None:
    """The job in progress, if any (clears a stale lock on the way)."""
    return _lock_holder(jobs_dir())


def _acquire_lock(directory: Path, job_id: str) -> None:
    lock = directory / LOCK_NAME
    for _ in range(3):
        try:
            fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            holder = _lock_holder(directory)
            if holder is not None:
                raise JobRunning(holder) from None
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"job_id": job_id, "creator_pid": os.getpid()}, fh)
        return
    raise JobRunning(None)


def _set_lock_handle(directory: Path, job_id: str, handle: dict[str, Any]) -> None:
    lock = directory / LOCK_NAME
    data = read_json(lock)
    if data and data.get("job_id") == job_id and not job_file(directory, job_id, ".exit").exists():
        write_json(lock, {"job_id": job_id, **handle})


def _release_lock(directory: Path, job_id: str) -> None:
    lock = directory / LOCK_NAME
    data = read_json(lock)
    if data and data.get("job_id") == job_id:
        lock.unlink(missing_ok=True)


# -- starting ----------------------------------------------------------------------------------

def confirmed_review_count() -> int:
    """Accepted or corrected reviews: an upper bound of the cases a new run can learn from."""
    return db.session.scalar(db.select(db.func.count(Review.id)).where(Review.outcome.in_(EXPORT_OUTCOMES))) or 0


def _knowledge_base_codes() -> set[str]:
    from knowledge import KnowledgeBaseError, load_knowledge_base

    try:
        kb = load_knowledge_base(current_app.config.get("KNOWLEDGE_BASE_PATH"))
    except (KnowledgeBaseError, OSError) as exc:
        raise TrainingError(f"The knowledge base could not be loaded, so training would fail: {exc}") from exc
    return {c.icd10 for c in kb.conditions}


def export_for_training(path: Path, actor=None) -> dict[str, Any]:
    """Write the de-identified confirmed cases the training can use (labels in the knowledge base).

    The same records as `flask export-cases`, minus codes the knowledge base lacks (the training
    CLI refuses unknown labels). Audited as a `cases.export`; returns counts only.
    """
    codes = _knowledge_base_codes()
    summary = ExportSummary()
    written: Counter = Counter()
    labels: set[str] = set()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # patient-derived: owner only
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        for case in iter_cases(summary):
            if case["label"] not in codes:
                written["not in the knowledge base"] += 1
                continue
            fh.write(json.dumps(case, ensure_ascii=False, sort_keys=True) + "\n")
            written[case["outcome"]] += 1
            labels.add(case["label"])
    counts = {
        "total": written["accepted"] + written["corrected"], "accepted": written["accepted"],
        "corrected": written["corrected"], "labels": len(labels),
        "skipped": sum(summary.skipped.values()) + written["not in the knowledge base"],
    }
    record("cases.export", "cases", None, actor=actor, via="training", **counts)
    return counts


def build_args(output: Path, cases: Path | None, epochs: int | None, confirmed_weight: float | None,
               checkpoint_dir: Path) -> list[str]:
    """The training CLI call after `python -m training` (see `train --help`): never promotes, no progress bars."""
    cfg = current_app.config
    args = ["train", "--output", str(output), "--data", "kb"]
    if cases is not None:
        args += ["--data", str(cases)]
    if epochs is not None:
        args += ["--epochs", str(int(epochs))]
    if confirmed_weight is not None:
        args += ["--confirmed-weight", repr(float(confirmed_weight))]
    if cfg.get("KNOWLEDGE_BASE_PATH"):
        args += ["--knowledge-base", str(cfg["KNOWLEDGE_BASE_PATH"])]
    if cfg.get("TRAINING_JOB_TINY"):
        args.append("--tiny")
    if cfg.get("TRAINING_JOB_TEXTS_PER_CONDITION"):
        args += ["--texts-per-condition", str(int(cfg["TRAINING_JOB_TEXTS_PER_CONDITION"]))]
    if cfg.get("TRAINING_JOB_THREADS"):
        args += ["--threads", str(int(cfg["TRAINING_JOB_THREADS"]))]
    args += ["--checkpoint-dir", str(checkpoint_dir), "--no-progress"]
    return args


def _models_root() -> Path:
    root = Path(current_app.config["MODELS_ROOT"])
    root.mkdir(parents=True, exist_ok=True)
    if not is_models_folder(root):
        # the CLI would write the artifact as this folder itself instead of a version inside it
        raise TrainingError(f"MODELS_ROOT ({root}) is empty and not named 'models'; the training CLI would "
                            "not put the new version in a folder of its own. Name it 'models' or train once "
                            "from the command line.")
    return root


def _export_data(cases_path: Path, actor) -> dict[str, Any]:
    """The de-identified export for this run and its counts (the file is removed when there is nothing in it)."""
    counts = export_for_training(cases_path, actor)
    if counts["total"] == 0:
        cases_path.unlink(missing_ok=True)  # an empty file is not valid training data
    return {"knowledge_base": True, "confirmed_cases": counts["total"], "accepted": counts["accepted"],
            "corrected": counts["corrected"], "skipped": counts["skipped"], "labels": counts["labels"]}


def start_job(epochs: int | None, confirmed_weight: float | None, actor=None) -> JobStatus:
    """Export the confirmed cases and queue a training run; raises JobRunning while another one runs."""
    directory = jobs_dir()
    root = _models_root()
    job_id = new_version()
    _acquire_lock(directory, job_id)
    cases_path = job_file(directory, job_id, ".cases.jsonl")
    checkpoint_dir = job_file(directory, job_id, ".checkpoints")
    try:
        data = _export_data(cases_path, actor)
        args = build_args(root, cases_path if data["confirmed_cases"] else None, epochs, confirmed_weight,
                          checkpoint_dir)
        meta = {
            "job_id": job_id, "started_ts": time.time(), "epochs": epochs, "confirmed_weight": confirmed_weight,
            "data": data, "started_by": getattr(actor, "email", None), "output": str(root), "command": args,
        }
        write_json(job_file(directory, job_id, ".json"), meta)
        queue = get_queue()
        handle = queue.submit(
            TRAINING_QUEUE, JOB_FUNCTION,
            {"jobs_dir": str(directory), "job_id": job_id, "args": args,
             "remove": [str(cases_path), str(checkpoint_dir)]},
            job_id=job_id, timeout=current_app.config.get("TRAINING_JOB_TIMEOUT"),
            log_path=job_file(directory, job_id, ".log"),
        )
        meta.update(handle, backend=queue.name)
        write_json(job_file(directory, job_id, ".json"), meta)
        _set_lock_handle(directory, job_id, handle)
    except BaseException as exc:
        cases_path.unlink(missing_ok=True)
        _release_lock(directory, job_id)
        db.session.rollback()
        if job_file(directory, job_id, ".json").exists():
            write_json(job_file(directory, job_id, ".exit"), {"returncode": 127, "ended_ts": time.time(),
                                                              "error": f"could not start: {exc}"})
        if isinstance(exc, TrainingError):
            raise
        if isinstance(exc, QueueError):
            raise TrainingError(f"The training could not be started: {exc}") from exc
        if isinstance(exc, OSError):
            raise TrainingError(f"The training could not be started: {exc.strerror or exc}") from exc
        raise
    record("training.start", "training_job", job_id, actor=actor, epochs=epochs, confirmed_weight=confirmed_weight,
           **data)
    db.session.commit()
    return get_status(job_id)


# -- status ------------------------------------------------------------------------------------

def _tail(path: Path, lines: int) -> list[str]:
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - LOG_TAIL_BYTES))
            raw = fh.read().decode("utf-8", errors="replace")
    except OSError:
        return []
    out = []
    for line in raw.split("\n")[(1 if size > LOG_TAIL_BYTES else 0):]:
        line = line.rstrip().rsplit("\r", 1)[-1].rstrip()  # progress bars redraw with \r
        if line:
            out.append(line)
    return out[-lines:] if lines else []


def _register(directory: Path, job_id: str) -> dict[str, Any]:
    """Register the new artifact named by the CLI's --result-json (a registry scan, idempotent)."""
    trained = read_json(job_file(directory, job_id, ".train.json")) or {}
    version = trained.get("version") if isinstance(trained.get("version"), str) else None
    result: dict[str, Any] = {"version": version, "registered": False, "problem": None}
    if version is None:
        result["problem"] = "The training did not report the new version; use “Scan for new versions”."
    else:
        try:
            report = registry.scan_models(current_app.config["MODELS_ROOT"])
        except IntegrityError:  # another worker registered it at the same moment
            db.session.rollback()
            report = None
        try:
            registry.get_version(version)
            result["registered"] = True
        except registry.UnknownVersion:
            name = Path(trained.get("artifact") or version).name
            reason = next((r for n, r in (report.skipped if report else []) if n == name), None)
            result["problem"] = f"Version {version} could not be registered" + (f": {reason}" if reason else ".")
    write_json(job_file(directory, job_id, ".result.json"), result)
    return result


def _remove_temporary_data(directory: Path, job_id: str) -> None:
    job_file(directory, job_id, ".cases.jsonl").unlink(missing_ok=True)
    checkpoints = job_file(directory, job_id, ".checkpoints")
    if checkpoints.is_dir():
        shutil.rmtree(checkpoints, ignore_errors=True)


def _state(directory: Path, job_id: str, meta: dict[str, Any]) -> tuple[str, int | None, str | None, float]:
    """(state, return code, problem, end time) of a job, from its files and the queue."""
    started_ts = float(meta.get("started_ts") or 0)
    ended = read_json(job_file(directory, job_id, ".exit"))
    cancel_requested = job_file(directory, job_id, ".cancel").exists()
    if ended is not None:
        returncode = ended.get("returncode")
        end_ts = float(ended.get("ended_ts") or time.time())
        if returncode == 0:
            return "finished", returncode, None, end_ts
        if cancel_requested or returncode in (130, -2):  # -2: ended by SIGINT
            return "cancelled", returncode, None, end_ts
        return "failed", returncode, ended.get("error") or f"The training exited with code {returncode}; see the log.", end_ts
    handle = _handle(meta)
    if not handle:  # the job is being submitted
        state = "starting" if time.time() - started_ts < START_GRACE_S else "failed"
        return state, None, None, time.time()
    live = get_queue().state(handle)
    if live == QUEUED:
        return "starting", None, None, time.time()
    if live != GONE:  # running, or the queue cannot tell right now (Redis down): not failed
        return ("cancelling" if cancel_requested else "running"), None, None, time.time()
    try:
        end_ts = job_file(directory, job_id, ".log").stat().st_mtime
    except OSError:
        end_ts = started_ts
    if cancel_requested:
        return "cancelled", None, None, end_ts
    return "failed", None, "The training process ended without reporting an exit code.", end_ts


def get_status(job_id: str, *, finalize: bool = True, tail: int = 30) -> JobStatus:
    """The job's state from its files; a finished job's version is registered on first read."""
    _check_id(job_id)
    directory = jobs_dir()
    meta = read_json(job_file(directory, job_id, ".json"))
    if meta is None:
        raise UnknownJob("There is no training job with that id.")
    started_ts = float(meta.get("started_ts") or 0)
    state, returncode, problem, end_ts = _state(directory, job_id, meta)
    if state not in ACTIVE_STATES:
        _remove_temporary_data(directory, job_id)  # the job does this, unless it was killed
        _release_lock(directory, job_id)
    status = JobStatus(
        job_id=job_id, state=state,
        started_at=datetime.fromtimestamp(started_ts, tz=UTC) if started_ts else None,
        elapsed_s=max(0.0, end_ts - started_ts) if started_ts else 0.0,
        epochs=meta.get("epochs"), confirmed_weight=meta.get("confirmed_weight"), data=meta.get("data") or {},
        started_by=meta.get("started_by"), returncode=returncode, problem=problem,
        log_tail=_tail(job_file(directory, job_id, ".log"), tail),
    )
    if state == "finished":
        result = read_json(job_file(directory, job_id, ".result.json"))
        if result is None and finalize:
            result = _register(directory, job_id)
        if result:
            status.version = result.get("version") if result.get("registered") else None
            status.problem = result.get("problem")
    return status


def latest_job_id() -> str | None:
    directory = jobs_dir()
    ids = sorted(p.stem for p in directory.glob("*.json") if JOB_ID_RE.match(p.stem))
    return ids[-1] if ids else None


def latest_status() -> JobStatus | None:
    job_id = latest_job_id()
    if job_id is None:
        return None
    try:
        return get_status(job_id, tail=5)
    except UnknownJob:
        return None


# -- cancelling --------------------------------------------------------------------------------

def cancel_job(job_id: str, actor=None) -> str:
    """Ask the job to stop: SIGINT to the training (it stops cleanly); a second cancel sends SIGTERM.

    A job that no worker has started yet is taken off the queue instead.
    """
    status = get_status(job_id, finalize=False, tail=0)
    if not status.active:
        raise TrainingError(f"Training job {job_id} is not running ({status.label}).")
    directory = jobs_dir()
    meta = read_json(job_file(directory, job_id, ".json")) or {}
    handle = _handle(meta)
    if not handle:
        raise TrainingError(f"Training job {job_id} is still starting; try again in a moment.")
    marker = job_file(directory, job_id, ".cancel")
    previous = read_json(marker) or {}
    n = int(previous.get("n") or 0) + 1
    sig = "SIGINT" if n == 1 else "SIGTERM"
    write_json(marker, {"n": n, "signal": sig, "at": time.time(), "by": getattr(actor, "email", None)})
    try:
        dequeued = get_queue().cancel_queued(handle)
    except QueueError as exc:
        raise TrainingError(f"Training job {job_id} could not be cancelled: {exc}") from exc
    if dequeued:  # never started: nothing ran, nothing to clean up but the export
        write_json(job_file(directory, job_id, ".exit"), {"returncode": 130, "ended_ts": time.time(),
                                                          "error": "cancelled before a worker started it"})
        _remove_temporary_data(directory, job_id)
        _release_lock(directory, job_id)
    record("training.cancel", "training_job", job_id, actor=actor, signal=None if dequeued else sig, **status.data)
    db.session.commit()
    if dequeued:
        return f"Training job {job_id} was cancelled before it started; nothing is registered."
    if sig == "SIGTERM":
        return f"Asked training job {job_id} again to stop (SIGTERM)."
    return f"Cancel requested: training job {job_id} stops after the current step; nothing is registered."
