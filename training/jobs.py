"""A training run as a background job: what a queue worker (or the local fallback) executes.

    run_training_job(jobs_dir, job_id, args, remove=[...])

runs ``python -m training train ARGS --result-json JOBS_DIR/<job>.train.json`` with its output
in ``<job>.log`` and, whatever happens, removes the temporary data it was given (the de-identified
case export, the checkpoints) and writes ``<job>.exit``. The web app enqueues it on the
``training`` queue; an RQ worker anywhere (``rq worker training``, e.g. on a GPU machine) or the
local fallback (a detached process on the web server) runs it. Everything goes through files in
``jobs_dir``, so the web servers and the worker must share that folder and MODELS_ROOT (the same
paths, e.g. an NFS mount); see docs/ARCHITECTURE.md, "Background jobs".

Cancel: a ``<job>.cancel`` file ({"signal": "SIGINT" | "SIGTERM"}) asks this supervisor to pass
the signal on; the training CLI stops cleanly on SIGINT (as on Ctrl-C). Plain Python and the
standard library only: no Flask, no torch in this process.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

POLL_SECONDS = 0.5
# Environment variables the training never needs: keep secrets out of the training process.
SECRET_ENV = re.compile(r"SECRET|PASSWORD|TOKEN|DATABASE_URL|MAIL_|CREDENTIAL|REDIS_URL", re.IGNORECASE)


def job_file(jobs_dir: str | os.PathLike, job_id: str, suffix: str) -> Path:
    """The files of one job: <job>.json (what was started), .log, .exit, .cancel, .train.json (the
    CLI's --result-json), .result.json (the web app's registration), .cases.jsonl, .checkpoints."""
    return Path(jobs_dir) / f"{job_id}{suffix}"


def write_json(path: Path, data: dict) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    os.replace(tmp, path)


def read_json(path: Path) -> dict[str, Any] | None:
    """A job file's JSON object, or None (missing, half written, not an object)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not SECRET_ENV.search(k)}
    env.update(PYTHONUNBUFFERED="1", TQDM_DISABLE="1", HF_HUB_DISABLE_PROGRESS_BARS="1")
    env.setdefault("HF_HUB_OFFLINE", "1")  # the base model is a local directory
    env.setdefault("TRANSFORMERS_OFFLINE", "1")
    return env


def _package_root() -> Path:
    """The folder holding the ``training`` package (a checkout or site-packages): `-m training` works from it."""
    return Path(__file__).resolve().parent.parent


def _requested_signal(jobs_dir: Path, job_id: str) -> tuple[int, signal.Signals] | None:
    """(request number, signal) of the cancel file, if any."""
    data = read_json(job_file(jobs_dir, job_id, ".cancel"))
    if data is None:
        return None
    name = data.get("signal") if data.get("signal") in ("SIGINT", "SIGTERM") else "SIGINT"
    return int(data.get("n") or 1), signal.Signals[name]


def _supervise(proc: subprocess.Popen, jobs_dir: Path, job_id: str) -> tuple[int, bool]:
    """Wait for the training, passing on cancel requests; returns (return code, cancelled)."""
    forwarded = 0
    while True:
        try:
            return proc.wait(timeout=POLL_SECONDS), forwarded > 0
        except subprocess.TimeoutExpired:
            pass
        request = _requested_signal(jobs_dir, job_id)
        if request and request[0] > forwarded:
            forwarded = request[0]
            try:
                proc.send_signal(request[1])
            except OSError:
                pass


def run_training_job(jobs_dir: str, job_id: str, args: list[str], remove: list[str] | None = None) -> dict[str, Any]:
    """Run one training (``args`` after ``python -m training``); returns what <job>.exit records."""
    jobs = Path(jobs_dir)
    started = time.time()
    result_path = job_file(jobs, job_id, ".train.json")
    command = [sys.executable, "-m", "training", *args, "--result-json", str(result_path)]
    proc: subprocess.Popen | None = None
    rc = 127
    cancelled = False
    try:
        with open(job_file(jobs, job_id, ".log"), "ab", buffering=0) as log:
            try:
                proc = subprocess.Popen(command, cwd=str(_package_root()), env=child_env(), stdin=subprocess.DEVNULL,
                                        stdout=log, stderr=subprocess.STDOUT)
            except OSError as exc:
                log.write(f"could not start the training: {exc}\n".encode())
            else:
                rc, cancelled = _supervise(proc, jobs, job_id)
                if rc < 0:
                    log.write(f"training ended by signal {-rc}\n".encode())
    finally:
        if proc is not None and proc.poll() is None:  # the worker stops this job (timeout, shutdown)
            proc.terminate()
            try:
                rc = proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                rc = proc.wait()
        for path in remove or []:
            p = Path(path)
            if p.is_dir():
                shutil.rmtree(p, ignore_errors=True)
            else:
                p.unlink(missing_ok=True)
        outcome = {
            "returncode": rc, "interrupted": cancelled, "seconds": round(time.time() - started, 1),
            "ended_at": datetime.now(UTC).isoformat(timespec="seconds"), "ended_ts": time.time(),
            "worker": os.uname().nodename,
        }
        write_json(job_file(jobs, job_id, ".exit"), outcome)
    return outcome
