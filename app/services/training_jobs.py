"""Train a new model version from the browser: a background training run, one at a time.

The web worker never waits for training. It writes a fresh de-identified export of the
confirmed cases under instance/, then starts `training_runner.py` (in its own session and
process group) which runs `python -m training train --output MODELS_ROOT ...`, sends its output
to instance/training-jobs/<job>.log, and on exit writes <job>.exit and releases the lock.

Everything a status page needs lives in files, so every gunicorn worker agrees and a job
outlives the worker that started it:

    train.lock          {"job_id", "pid"}: one job at a time (O_EXCL; a dead pid's lock is stale)
    <job>.json          what was started, by whom, with which data (counts only)
    <job>.log           the training CLI's output (it prints counts and metrics, never rows)
    <job>.exit          written by the runner: return code, end time
    <job>.cancel        a cancel was requested (SIGINT to the process group)
    <job>.result.json   the new version, registered lazily by the first status read after success

Nothing is promoted: the ML user compares and promotes as with any other version.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
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
from models import Review, db

LOCK_NAME = "train.lock"
RUNNER = Path(__file__).with_name("training_runner.py")
JOB_ID_RE = re.compile(r"^\d{8}-\d{6}-[0-9a-f]{6}$")
ACTIVE_STATES = ("starting", "running", "cancelling")
STATE_LABELS = {
    "starting": "starting", "running": "running", "cancelling": "stopping (cancel requested)",
    "finished": "finished", "failed": "failed", "cancelled": "cancelled",
}
LOG_TAIL_BYTES = 64 * 1024
# Environment variables the training never needs: keep secrets out of the child process.
_SECRET_ENV = re.compile(r"SECRET|PASSWORD|TOKEN|DATABASE_URL|MAIL_|CREDENTIAL", re.IGNORECASE)
_VERSION_LINE = re.compile(r'^\s*"version":\s*"([A-Za-z0-9][A-Za-z0-9_.+:-]{0,63})",?\s*$', re.MULTILINE)
_ARTIFACT_LINE = re.compile(r"^artifact written to (.+) in \d+ s\s*$", re.MULTILINE)

# Runners started by this worker, polled on every status read so finished ones are reaped.
_children: dict[int, subprocess.Popen] = {}


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


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    os.replace(tmp, path)


def new_job_id() -> str:
    return time.strftime("%Y%m%d-%H%M%S", time.gmtime()) + "-" + secrets.token_hex(3)


def _check_id(job_id: str) -> str:
    if not JOB_ID_RE.match(job_id or ""):
        raise UnknownJob("There is no training job with that id.")
    return job_id


# -- processes ---------------------------------------------------------------------------------

def reap() -> None:
    """Collect runners of this worker that have exited (no zombies; never blocks)."""
    for pid, proc in list(_children.items()):
        if proc.poll() is not None:
            _children.pop(pid, None)


def _pid_alive(pid: Any, expect: str | None = RUNNER.name) -> bool:
    """Is `pid` a live process (not a zombie) and, where /proc tells, still our runner?"""
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


def _lock_holder(directory: Path) -> str | None:
    """The job id holding the lock, or None; a stale lock (dead runner, ended job) is removed."""
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
        stale = True
        job_id = None
    else:
        job_id = data.get("job_id") if isinstance(data.get("job_id"), str) else None
        if "pid" in data:
            alive = _pid_alive(data["pid"])
        else:  # between taking the lock and starting the runner: the starting worker's pid
            alive = _pid_alive(data.get("creator_pid"), expect=None) and age < 300
        ended = bool(job_id) and (directory / f"{job_id}.exit").exists()
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
    reap()
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


def _set_lock_pid(directory: Path, job_id: str, pid: int) -> None:
    lock = directory / LOCK_NAME
    data = _read_json(lock)
    if data and data.get("job_id") == job_id and not (directory / f"{job_id}.exit").exists():
        _write_json(lock, {"job_id": job_id, "pid": pid})


def _release_lock(directory: Path, job_id: str) -> None:
    lock = directory / LOCK_NAME
    data = _read_json(lock)
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


def build_command(output: Path, cases: Path | None, epochs: int | None, confirmed_weight: float | None,
                  checkpoint_dir: Path) -> list[str]:
    """The training CLI call (`python -m training train --help`): never promotes, no progress bars."""
    cfg = current_app.config
    cmd = [sys.executable, "-m", "training", "train", "--output", str(output), "--data", "kb"]
    if cases is not None:
        cmd += ["--data", str(cases)]
    if epochs is not None:
        cmd += ["--epochs", str(int(epochs))]
    if confirmed_weight is not None:
        cmd += ["--confirmed-weight", repr(float(confirmed_weight))]
    if cfg.get("KNOWLEDGE_BASE_PATH"):
        cmd += ["--knowledge-base", str(cfg["KNOWLEDGE_BASE_PATH"])]
    if cfg.get("TRAINING_JOB_TINY"):
        cmd.append("--tiny")
    if cfg.get("TRAINING_JOB_TEXTS_PER_CONDITION"):
        cmd += ["--texts-per-condition", str(int(cfg["TRAINING_JOB_TEXTS_PER_CONDITION"]))]
    if cfg.get("TRAINING_JOB_THREADS"):
        cmd += ["--threads", str(int(cfg["TRAINING_JOB_THREADS"]))]
    cmd += ["--checkpoint-dir", str(checkpoint_dir), "--no-progress"]
    return cmd


def _child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not _SECRET_ENV.search(k)}
    env.update(PYTHONUNBUFFERED="1", TQDM_DISABLE="1", HF_HUB_DISABLE_PROGRESS_BARS="1")
    env.setdefault("HF_HUB_OFFLINE", "1")  # the base model is a local directory
    env.setdefault("TRANSFORMERS_OFFLINE", "1")
    return env


def _models_root() -> Path:
    from training.artifact import is_models_folder

    root = Path(current_app.config["MODELS_ROOT"])
    root.mkdir(parents=True, exist_ok=True)
    if not is_models_folder(root):
        # the CLI would write the artifact as this folder itself instead of a version inside it
        raise TrainingError(f"MODELS_ROOT ({root}) is empty and not named 'models'; the training CLI would "
                            "not put the new version in a folder of its own. Name it 'models' or train once "
                            "from the command line.")
    return root


def start_job(epochs: int | None, confirmed_weight: float | None, actor=None) -> JobStatus:
    """Export the confirmed cases and start a training run in the background; raises JobRunning."""
    reap()
    directory = jobs_dir()
    root = _models_root()
    job_id = new_job_id()
    _acquire_lock(directory, job_id)
    cases_path = directory / f"{job_id}.cases.jsonl"
    checkpoint_dir = directory / f"{job_id}.checkpoints"
    log_path = directory / f"{job_id}.log"
    try:
        data = export_for_training(cases_path, actor)
        if data["total"] == 0:
            cases_path.unlink(missing_ok=True)  # an empty file is not valid training data
        data = {"knowledge_base": True, "confirmed_cases": data["total"], "accepted": data["accepted"],
                "corrected": data["corrected"], "skipped": data["skipped"], "labels": data["labels"]}
        cmd = build_command(root, cases_path if data["confirmed_cases"] else None, epochs, confirmed_weight,
                            checkpoint_dir)
        meta = {
            "job_id": job_id, "started_ts": time.time(), "epochs": epochs, "confirmed_weight": confirmed_weight,
            "data": data, "started_by": getattr(actor, "email", None), "output": str(root), "command": cmd,
        }
        _write_json(directory / f"{job_id}.json", meta)
        with open(log_path, "ab") as log:
            proc = subprocess.Popen(
                [sys.executable, "-I", str(RUNNER), str(directory), job_id, "--remove", str(cases_path),
                 "--remove", str(checkpoint_dir), "--", *cmd],
                cwd=str(Path(current_app.root_path).parent), env=_child_env(), stdin=subprocess.DEVNULL,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True, close_fds=True,
            )
        _children[proc.pid] = proc
        meta["pid"] = proc.pid
        _write_json(directory / f"{job_id}.json", meta)
        _set_lock_pid(directory, job_id, proc.pid)
    except BaseException as exc:
        cases_path.unlink(missing_ok=True)
        _release_lock(directory, job_id)
        db.session.rollback()
        if (directory / f"{job_id}.json").exists():
            _write_json(directory / f"{job_id}.exit", {"returncode": 127, "ended_ts": time.time(),
                                                        "error": f"could not start: {exc.__class__.__name__}"})
        if isinstance(exc, TrainingError):
            raise
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


def _new_version_from_log(path: Path) -> str | None:
    text = "\n".join(_tail(path, 400))
    found = _VERSION_LINE.findall(text)
    if found:
        return found[-1]
    artifact = _ARTIFACT_LINE.findall(text)
    if artifact:
        try:
            return registry.read_artifact(artifact[-1].strip()).version
        except registry.InvalidArtifact:
            return None
    return None


def _register(directory: Path, job_id: str) -> dict[str, Any]:
    """Register the new artifact (a registry scan, idempotent) and remember the version."""
    version = _new_version_from_log(directory / f"{job_id}.log")
    result: dict[str, Any] = {"version": version, "registered": False, "problem": None}
    if version is None:
        result["problem"] = "The log does not name the new version; use “Scan for new versions”."
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
            reason = next((r for name, r in (report.skipped if report else []) if name == version), None)
            result["problem"] = f"Version {version} could not be registered" + (f": {reason}" if reason else ".")
    _write_json(directory / f"{job_id}.result.json", result)
    return result


def _remove_temporary_data(directory: Path, job_id: str) -> None:
    (directory / f"{job_id}.cases.jsonl").unlink(missing_ok=True)
    checkpoints = directory / f"{job_id}.checkpoints"
    if checkpoints.is_dir():
        shutil.rmtree(checkpoints, ignore_errors=True)


def get_status(job_id: str, *, finalize: bool = True, tail: int = 30) -> JobStatus:
    """The job's state from its files; a finished job's version is registered on first read."""
    _check_id(job_id)
    directory = jobs_dir()
    meta = _read_json(directory / f"{job_id}.json")
    if meta is None:
        raise UnknownJob("There is no training job with that id.")
    reap()
    started_ts = float(meta.get("started_ts") or 0)
    ended = _read_json(directory / f"{job_id}.exit")
    cancel_requested = (directory / f"{job_id}.cancel").exists()
    returncode, problem, end_ts = None, None, time.time()
    if ended is None:
        pid = meta.get("pid")
        if pid is None:
            state = "starting" if time.time() - started_ts < 120 else "failed"
        elif _pid_alive(pid):
            state = "cancelling" if cancel_requested else "running"
        else:
            state = "cancelled" if cancel_requested else "failed"
            problem = "The training process ended without reporting an exit code."
            try:
                end_ts = (directory / f"{job_id}.log").stat().st_mtime
            except OSError:
                end_ts = started_ts
    else:
        returncode = ended.get("returncode")
        end_ts = float(ended.get("ended_ts") or time.time())
        if returncode == 0:
            state = "finished"
        elif cancel_requested or returncode in (130, -signal.SIGINT):
            state = "cancelled"
        else:
            state = "failed"
            problem = ended.get("error") or f"The training exited with code {returncode}; see the log."
    if state not in ACTIVE_STATES:
        _remove_temporary_data(directory, job_id)  # the runner does this, unless it was killed
    status = JobStatus(
        job_id=job_id, state=state,
        started_at=datetime.fromtimestamp(started_ts, tz=UTC) if started_ts else None,
        elapsed_s=max(0.0, end_ts - started_ts) if started_ts else 0.0,
        epochs=meta.get("epochs"), confirmed_weight=meta.get("confirmed_weight"), data=meta.get("data") or {},
        started_by=meta.get("started_by"), returncode=returncode, problem=problem,
        log_tail=_tail(directory / f"{job_id}.log", tail),
    )
    if state == "finished":
        result = _read_json(directory / f"{job_id}.result.json")
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
    """SIGINT to the job's process group (the CLI stops cleanly); a second cancel sends SIGTERM."""
    status = get_status(job_id, finalize=False, tail=0)
    if not status.active:
        raise TrainingError(f"Training job {job_id} is not running ({status.label}).")
    directory = jobs_dir()
    meta = _read_json(directory / f"{job_id}.json") or {}
    pid = meta.get("pid")
    if not _pid_alive(pid):
        raise TrainingError(f"Training job {job_id} is still starting; try again in a moment.")
    marker = directory / f"{job_id}.cancel"
    sig = signal.SIGTERM if marker.exists() else signal.SIGINT
    if sig == signal.SIGINT:
        _write_json(marker, {"at": time.time(), "by": getattr(actor, "email", None)})
    try:
        if os.getpgid(pid) != pid:
            raise TrainingError(f"Training job {job_id} is not a process group of its own; not signalled.")
        os.killpg(pid, sig)
    except ProcessLookupError:
        pass  # it ended meanwhile
    except PermissionError as exc:
        raise TrainingError(f"Training job {job_id} could not be signalled: {exc.strerror}") from exc
    record("training.cancel", "training_job", job_id, actor=actor, signal=sig.name, **status.data)
    db.session.commit()
    if sig == signal.SIGTERM:
        return f"Asked training job {job_id} again to stop (SIGTERM)."
    return f"Cancel requested: training job {job_id} stops after the current step; nothing is registered."
