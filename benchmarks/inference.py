"""Assessment latency and throughput through the real WSGI server, against a plain baseline.

    python benchmarks/inference.py [--model instance/models/current] [--requests 200] [--threads 16]

Starts two gunicorn servers on 127.0.0.1 (one worker, gthread), one after the other:

* app:      this service (`create_app()`, a temporary SQLite database, the model from --model),
            POST /api/v1/assessments with a bearer token: micro-batched inference, triage,
            findings, storage and audit - everything a real assessment does;
* baseline: a tiny Flask app that runs transformers' `pipeline("text-classification")` on the
            same model directory, one call per request (no batching, no database).

Each is driven at concurrency 1 and 16 with ~40-word descriptions built from the knowledge
base. Prints p50 / p95 latency (client-side over loopback, an upper bound of server time),
throughput, the app/baseline ratios, and the RSS of the app's worker with the model loaded.
Targets (DESIGN / issue): p50 <= 20 ms, throughput at 16 >= 2x baseline, worker RSS < 600 MB.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BASELINE_APP = textwrap.dedent('''
    import os
    from flask import Flask, jsonify, request
    from transformers import pipeline

    MODEL = os.environ["MODEL_DIR"]
    clf = pipeline("text-classification", model=MODEL, tokenizer=MODEL, top_k=5, device=-1)
    clf("warm-up: headache and a mild fever since yesterday")
    app = Flask(__name__)

    @app.post("/classify")
    def classify():
        text = request.get_json()["symptoms"]
        return jsonify(clf(text)[0])
''')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_texts(n: int, words: int = 40, seed: int = 7) -> list[str]:
    sys.path.insert(0, str(ROOT))
    from knowledge import load_knowledge_base

    rng = random.Random(seed)
    kb = load_knowledge_base()
    texts = []
    for _ in range(n):
        cond = rng.choice(kb.conditions)
        parts: list[str] = []
        while len(" ".join(parts).split()) < words:
            s = rng.choice(cond.symptoms)
            parts.append(rng.choice(s.lay))
            if cond.onset and rng.random() < 0.3:
                parts.append(rng.choice(cond.onset))
        texts.append(" ".join(" ".join(parts).split()[:words]))
    return texts


def wait_ready(port: int, path: str, proc: subprocess.Popen, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server on port {port} exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"server on port {port} did not start in {timeout} s")


def gunicorn(app_spec: str, port: int, env: dict[str, str], threads: int, cwd: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "gunicorn", "-w", "1", "-k", "gthread", "--threads", str(threads),
           "-b", f"127.0.0.1:{port}", "--log-level", "warning", app_spec]
    return subprocess.Popen(cmd, cwd=cwd, env=env, start_new_session=True)


def stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


def worker_rss_mb(master_pid: int) -> float | None:
    try:
        children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    except OSError:
        return None
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return None


def drive(port: int, path: str, texts: list[str], concurrency: int, headers: dict[str, str]) -> dict[str, float]:
    local = threading.local()
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()

    def one(text: str) -> None:
        nonlocal errors
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        body = json.dumps({"symptoms": text})
        t0 = time.perf_counter()
        try:
            conn.request("POST", path, body=body, headers={"Content-Type": "application/json", **headers})
            resp = conn.getresponse()
            resp.read()
            ok = resp.status in (200, 201)
        except OSError:
            local.conn = None
            ok = False
        dt = time.perf_counter() - t0
        with lock:
            if ok:
                latencies.append(dt)
            else:
                errors += 1

    with ThreadPoolExecutor(concurrency) as pool:  # warm-up
        list(pool.map(one, texts[: max(concurrency * 2, 8)]))
    latencies.clear()
    errors = 0
    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, texts))
    wall = time.perf_counter() - start
    lat = sorted(latencies) or [float("nan")]
    return {"p50_ms": 1000 * statistics.median(lat), "p95_ms": 1000 * lat[min(len(lat) - 1, int(0.95 * len(lat)))],
            "rps": len(latencies) / wall, "errors": errors}


def setup_app_db(tmp: Path, env: dict[str, str]) -> str:
    """Schema, knowledge base and a clinician token in a fresh SQLite file (a child process)."""
    code = textwrap.dedent('''
        from app import create_app
        from app.services.seed import seed_diseases
        from knowledge import load_knowledge_base
        from models import ApiToken, User, db
        app = create_app({"LOAD_MODEL": False})
        with app.app_context():
            db.create_all()
            seed_diseases(load_knowledge_base())
            u = User(email="bench@example.org", name="Bench", role="clinician")
            u.set_password("bench-password-123")
            db.session.add(u)
            row, plain = ApiToken.issue(u, 24 * 3600)
            db.session.add(row)
            db.session.commit()
            print(plain)
    ''')
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return out.stdout.strip().splitlines()[-1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=str(ROOT / "instance" / "models" / "current"))
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--threads", type=int, default=16, help="gunicorn gthread threads per worker")
    ap.add_argument("--words", type=int, default=40)
    ap.add_argument("--concurrency", type=int, nargs="+", default=[1, 16])
    args = ap.parse_args(argv)
    model = Path(args.model).resolve()
    if not (model / "labels.json").exists():
        print(f"no model artifact at {model} (train one: python -m training train --output DIR)", file=sys.stderr)
        return 2

    texts = make_texts(args.requests, args.words)
    results: dict[str, dict[int, dict[str, float]]] = {}
    rss = None
    with tempfile.TemporaryDirectory(prefix="bench-inference-") as tmpdir:
        tmp = Path(tmpdir)
        base_env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "MODEL_DIR": str(model),
                    "PYTHONPATH": str(ROOT)}
        app_env = {**base_env, "APP_CONFIG": "development", "SECRET_KEY": "benchmark-only-secret-key-0123456789",
                   "DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}", "INSTANCE_PATH": str(tmp / "instance"),
                   "OUTBOX_WORKER": "0", "RATELIMIT_ENABLED": "0", "MODEL_SYNC_INTERVAL": "5"}
        token = setup_app_db(tmp, app_env)

        port = free_port()
        proc = gunicorn("app:create_app()", port, app_env, args.threads, ROOT)
        try:
            wait_ready(port, "/api/v1/health", proc)
            rss = worker_rss_mb(proc.pid)
            results["app"] = {c: drive(port, "/api/v1/assessments", texts, c, {"Authorization": f"Bearer {token}"})
                              for c in args.concurrency}
            rss_after = worker_rss_mb(proc.pid)
            rss = max(x for x in (rss, rss_after) if x is not None) if (rss or rss_after) else None
        finally:
            stop(proc)

        (tmp / "baseline_app.py").write_text(BASELINE_APP)
        port = free_port()
        proc = gunicorn("baseline_app:app", port, {**base_env, "PYTHONPATH": str(tmp)}, args.threads, tmp)
        try:
            wait_ready(port, "/", proc)
            results["baseline"] = {c: drive(port, "/classify", texts, c, {}) for c in args.concurrency}
        finally:
            stop(proc)

    print(f"model: {model}  requests: {args.requests}  words/text: {args.words}  gunicorn: 1 worker x {args.threads} threads")
    print(f"{'concurrency':>11} | {'app p50':>8} {'app p95':>8} {'app rps':>8} | {'base p50':>8} {'base p95':>8} "
          f"{'base rps':>8} | {'rps ratio':>9} {'p50 ratio':>9}")
    for c in args.concurrency:
        a, b = results["app"][c], results["baseline"][c]
        print(f"{c:>11} | {a['p50_ms']:8.1f} {a['p95_ms']:8.1f} {a['rps']:8.1f} | {b['p50_ms']:8.1f} {b['p95_ms']:8.1f} "
              f"{b['rps']:8.1f} | {a['rps'] / b['rps']:9.2f} {a['p50_ms'] / b['p50_ms']:9.2f}"
              + (f"   (errors: app {a['errors']}, baseline {b['errors']})" if a["errors"] or b["errors"] else ""))
    print(f"app worker RSS with the model loaded: {rss:.0f} MB" if rss else "app worker RSS: unavailable")
    c16 = max(args.concurrency)
    print(json.dumps({"app": results["app"], "baseline": results["baseline"], "worker_rss_mb": rss,
                      "targets": {"p50_ms_at_1<=20": results["app"][min(args.concurrency)]["p50_ms"] <= 20,
                                  f"rps_ratio_at_{c16}>=2": results["app"][c16]["rps"] / results["baseline"][c16]["rps"] >= 2,
                                  "rss_mb<600": bool(rss and rss < 600)}}, default=float))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
