"""Supervisor of one web-started training run (stdlib only; run as a script, not imported by the app).

    python app/services/training_runner.py JOBS_DIR JOB_ID [--remove PATH ...] -- COMMAND...

Why a supervisor instead of running the training CLI directly from the web worker: the exit
code must be readable by every gunicorn worker (and survive the worker that started the job),
so this process waits for the training, writes `<job>.exit` atomically, removes the temporary
data it was given (the de-identified case export, the checkpoints) and releases the job lock.

It leads its own process group (the web worker starts it with start_new_session=True): cancel
sends SIGINT to the group, the training CLI stops cleanly on it (Ctrl-C), and this process
just keeps waiting so it can still record the outcome. SIGTERM is forwarded to the training.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

LOCK_NAME = "train.lock"


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    os.replace(tmp, path)


def _release_lock(jobs_dir: Path, job_id: str) -> None:
    lock = jobs_dir / LOCK_NAME
    try:
        held = json.loads(lock.read_text(encoding="utf-8")).get("job_id")
    except (OSError, ValueError, AttributeError):
        return
    if held == job_id:
        lock.unlink(missing_ok=True)


def main(argv: list[str]) -> int:
    if "--" not in argv or len(argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    sep = argv.index("--")
    head, command = argv[:sep], argv[sep + 1:]
    jobs_dir, job_id = Path(head[0]), head[1]
    removals = [head[i + 1] for i, a in enumerate(head) if a == "--remove" and i + 1 < len(head)]
    child: list[subprocess.Popen] = []
    interrupted = {"n": 0}

    def on_sigint(signum, frame):  # noqa: ARG001 - the training got the same SIGINT from the group
        interrupted["n"] += 1

    def on_sigterm(signum, frame):  # noqa: ARG001
        for p in child:
            try:
                p.terminate()
            except OSError:
                pass

    signal.signal(signal.SIGINT, on_sigint)  # a Python handler (not SIG_IGN): exec resets it for the child
    signal.signal(signal.SIGTERM, on_sigterm)
    started = time.time()
    log_path = jobs_dir / f"{job_id}.log"
    rc: int
    with open(log_path, "ab", buffering=0) as log:
        try:
            proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        except OSError as exc:
            log.write(f"could not start the training: {exc}\n".encode())
            rc = 127
        else:
            child.append(proc)
            rc = proc.wait()  # PEP 475: signal handlers run, the wait goes on
        if rc < 0:
            log.write(f"training ended by signal {-rc}\n".encode())
    for path in removals:
        p = Path(path)
        if p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)
    _write_json(jobs_dir / f"{job_id}.exit", {
        "returncode": rc, "interrupted": interrupted["n"] > 0, "seconds": round(time.time() - started, 1),
        "ended_at": datetime.now(UTC).isoformat(timespec="seconds"), "ended_ts": time.time(),
    })
    _release_lock(jobs_dir, job_id)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
