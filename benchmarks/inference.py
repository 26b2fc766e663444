"""Assessment latency and throughput through the real WSGI server, against a plain baseline.

    python benchmarks/inference.py [--model instance/models/current] [--requests 200] [--threads 16]
                                   [--torch-threads N] [--concurrency 1 16]

Starts two gunicorn servers on 127.0.0.1 (one worker, gthread), one after the other:

* app:      this service (`create_app()`, a temporary SQLite database, the model from --model),
            POST /api/v1/assessments with a bearer token: micro-batched inference, triage,
            findings, storage and audit - everything a real assessment does;
* baseline: a tiny Flask app that runs transformers' `pipeline("text-classification")` on the
            same model directory, one call per request (no batching, no database).

Each is driven at concurrency 1 and 16 with ~40-word descriptions built from the knowledge
base, after a warm-up at the same concurrency. Prints p50 / p95 latency client-side over
loopback and server-side (gunicorn's access-log request time), throughput, the app/baseline
ratios, the app's micro-batch sizes per concurrency, and the RSS of the app's worker with the
model loaded. Fairness: same model directory, same gunicorn settings, and the same torch
intra-op thread count for both (--torch-threads, default: the app's own default).
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
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

BASELINE_APP = textwrap.dedent("""
    import os
    import torch
    from flask import Flask, jsonify, request
    from transformers import pipeline

    torch.set_num_threads(int(os.environ["TORCH_NUM_THREADS"]))
    MODEL = os.environ["MODEL_DIR"]
    clf = pipeline("text-classification", model=MODEL, tokenizer=MODEL, top_k=5, device=-1)
    clf("warm-up: headache and a mild fever since yesterday")
    app = Flask(__name__)

    @app.post("/classify")
    def classify():
        text = request.get_json()["symptoms"]
        return jsonify(clf(text)[0])

    @app.get("/health")
    def health():
        return {"status": "ok"}
""")


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


# Gunicorn hook: after a GET of a health path, the worker writes its micro-batcher counters to
# BENCH_STATS (the app's `MicroBatcher.stats()`), so the benchmark can diff them per phase.
GUNICORN_CONF = textwrap.dedent("""
    import json, os

    def post_request(worker, req, environ, resp):
        if not req.path.endswith("/health"):
            return
        batcher = getattr(worker.wsgi, "extensions", {}).get("inference_batcher")
        stats = batcher.stats() if batcher is not None else {}
        with open(os.environ["BENCH_STATS"], "w") as fh:
            json.dump(stats, fh)
""")


def gunicorn(app_spec: str, port: int, env: dict[str, str], threads: int, cwd: Path, tmp: Path) -> subprocess.Popen:
    conf = tmp / "gunicorn_bench.py"
    conf.write_text(GUNICORN_CONF)
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        str(conf),
        "-w",
        "1",
        "-k",
        "gthread",
        "--threads",
        str(threads),
        "-b",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "--access-logfile",
        str(tmp / f"access-{port}.log"),
        "--access-logformat",
        "%(m)s %(U)s %(s)s %(D)s",
        app_spec,
    ]
    return subprocess.Popen(
        cmd, cwd=cwd, env={**env, "BENCH_STATS": str(tmp / f"stats-{port}.json")}, start_new_session=True
    )


class Server:
    """A started gunicorn: phase markers for server-side latency and batcher counters."""

    def __init__(self, port: int, proc: subprocess.Popen, tmp: Path, health: str):
        self.port, self.proc, self.health = port, proc, health
        self.log = tmp / f"access-{port}.log"
        self.stats_file = tmp / f"stats-{port}.json"

    def mark(self) -> tuple[int, dict]:
        """(access-log length, batcher counters) now; the health request itself is logged too."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.request("GET", self.health)
        conn.getresponse().read()
        time.sleep(0.05)
        lines = self.log.read_text().splitlines() if self.log.exists() else []
        try:
            stats = json.loads(self.stats_file.read_text())
        except (OSError, ValueError):
            stats = {}
        return len(lines), stats

    def server_ms(self, start: int, end: int, path: str) -> list[float]:
        lines = self.log.read_text().splitlines()[start:end]
        out = []
        for line in lines:
            parts = line.split()
            if len(parts) == 4 and parts[1] == path and parts[2] in ("200", "201"):
                out.append(int(parts[3]) / 1000.0)
        return sorted(out)


def stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


def _get(port: int, path: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path)
    return conn.getresponse().read().decode()


def worker_pid(master_pid: int) -> int | None:
    try:
        children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    except OSError:
        return None
    return int(children[0]) if children else None


def worker_rss_mb(master_pid: int) -> float | None:
    pid = worker_pid(master_pid)
    if pid is None:
        return None
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return None


def worker_cpu_s(master_pid: int) -> float:
    """User + system CPU seconds of the worker so far (all its threads)."""
    pid = worker_pid(master_pid)
    if pid is None:
        return float("nan")
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def drive(server: Server, path: str, texts: list[str], concurrency: int, headers: dict[str, str]) -> dict[str, Any]:
    port = server.port
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
    log_start, stats_start = server.mark()
    cpu_start = worker_cpu_s(server.proc.pid)
    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, texts))
    wall = time.perf_counter() - start
    cpu = worker_cpu_s(server.proc.pid) - cpu_start
    log_end, stats_end = server.mark()
    lat = sorted(latencies) or [float("nan")]
    srv = server.server_ms(log_start, log_end, path) or [float("nan")]
    out = {
        "p50_ms": 1000 * statistics.median(lat),
        "p95_ms": 1000 * _p95(lat),
        "server_p50_ms": statistics.median(srv),
        "server_p95_ms": _p95(srv),
        "rps": len(latencies) / wall,
        "errors": errors,
        # CPU the server's worker spent per request, and the cores it kept busy: with a 2-core
        # machine shared with this client, throughput is bounded by cores / CPU per request
        "cpu_ms_per_request": 1000 * cpu / max(1, len(texts)),
        "server_cores_busy": cpu / wall,
    }
    if stats_end.get("batches") is not None:
        batches = stats_end["batches"] - stats_start.get("batches", 0)
        items = stats_end["items"] - stats_start.get("items", 0)
        sizes = {int(k): v - stats_start.get("sizes", {}).get(k, 0) for k, v in stats_end.get("sizes", {}).items()}
        out["mean_batch"] = round(items / batches, 2) if batches else 0.0
        out["batch_sizes"] = {k: v for k, v in sorted(sizes.items()) if v}
    return out


def _p95(values: list[float]) -> float:
    return values[min(len(values) - 1, int(0.95 * len(values)))]


def setup_app_db(tmp: Path, env: dict[str, str]) -> str:
    """Schema, knowledge base and a clinician token in a fresh SQLite file (a child process)."""
    code = textwrap.dedent("""
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
    """)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return out.stdout.strip().splitlines()[-1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=str(ROOT / "instance" / "models" / "current"))
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--threads", type=int, default=16, help="gunicorn gthread threads per worker")
    ap.add_argument("--words", type=int, default=40)
    ap.add_argument("--concurrency", type=int, nargs="+", default=[1, 16])
    ap.add_argument("--backend", choices=("auto", "onnx", "torch"), default="auto",
                    help="the app's MODEL_BACKEND (the baseline always runs transformers' pipeline)")
    ap.add_argument(
        "--torch-threads",
        type=int,
        default=None,
        help="torch intra-op threads for both servers (default: the app's default_threads())",
    )
    args = ap.parse_args(argv)
    if args.torch_threads is None:
        sys.path.insert(0, str(ROOT))
        from app.services.inference import default_threads

        args.torch_threads = default_threads()
    model = Path(args.model).resolve()
    if not (model / "labels.json").exists():
        print(f"no model artifact at {model} (train one: python -m training train --output DIR)", file=sys.stderr)
        return 2

    texts = make_texts(args.requests, args.words)
    results: dict[str, dict[int, dict[str, float]]] = {}
    rss = backend = None
    with tempfile.TemporaryDirectory(prefix="bench-inference-") as tmpdir:
        tmp = Path(tmpdir)
        threads = str(args.torch_threads)
        base_env = {
            **os.environ,
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "MODEL_DIR": str(model),
            "PYTHONPATH": str(ROOT),
            "TORCH_NUM_THREADS": threads,
            "OMP_NUM_THREADS": threads,
        }
        app_env = {
            **base_env,
            "APP_CONFIG": "development",
            "SECRET_KEY": "benchmark-only-secret-key-0123456789",
            "DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}",
            "INSTANCE_PATH": str(tmp / "instance"),
            "OUTBOX_WORKER": "0",
            "RATELIMIT_ENABLED": "0",
            "MODEL_SYNC_INTERVAL": "5",
            "MODEL_BACKEND": args.backend,
        }
        token = setup_app_db(tmp, app_env)

        port = free_port()
        proc = gunicorn("app:create_app()", port, app_env, args.threads, ROOT, tmp)
        try:
            wait_ready(port, "/api/v1/health", proc)
            backend = json.loads(_get(port, "/api/v1/health")).get("model_backend")
            rss = worker_rss_mb(proc.pid)
            server = Server(port, proc, tmp, "/api/v1/health")
            results["app"] = {
                c: drive(server, "/api/v1/assessments", texts, c, {"Authorization": f"Bearer {token}"})
                for c in args.concurrency
            }
            rss_after = worker_rss_mb(proc.pid)
            rss = max(x for x in (rss, rss_after) if x is not None) if (rss or rss_after) else None
        finally:
            stop(proc)

        (tmp / "baseline_app.py").write_text(BASELINE_APP)
        port = free_port()
        proc = gunicorn("baseline_app:app", port, {**base_env, "PYTHONPATH": str(tmp)}, args.threads, tmp, tmp)
        try:
            wait_ready(port, "/health", proc)
            server = Server(port, proc, tmp, "/health")
            results["baseline"] = {c: drive(server, "/classify", texts, c, {}) for c in args.concurrency}
        finally:
            stop(proc)

    print(
        f"model: {model}  requests: {args.requests}  words/text: {args.words}  "
        f"gunicorn: 1 worker x {args.threads} threads  torch threads: {args.torch_threads} (both)  "
        f"app engine: {backend}"
    )
    print("latency in ms: client-side over loopback / server-side (gunicorn request time)")
    print(
        f"{'conc':>4} | {'app p50':>11} {'app p95':>11} {'app rps':>7} {'batch':>5} | {'base p50':>11} {'base p95':>11} "
        f"{'base rps':>8} | {'rps ratio':>9}"
    )
    for c in args.concurrency:
        a, b = results["app"][c], results["baseline"][c]
        print(
            f"{c:>4} | {a['p50_ms']:5.1f}/{a['server_p50_ms']:5.1f} {a['p95_ms']:5.1f}/{a['server_p95_ms']:5.1f} "
            f"{a['rps']:7.1f} {a.get('mean_batch', float('nan')):5.2f} | "
            f"{b['p50_ms']:5.1f}/{b['server_p50_ms']:5.1f} {b['p95_ms']:5.1f}/{b['server_p95_ms']:5.1f} {b['rps']:8.1f} | "
            f"{a['rps'] / b['rps']:9.2f}"
            + (f"   (errors: app {a['errors']}, baseline {b['errors']})" if a["errors"] or b["errors"] else "")
        )
        if a.get("batch_sizes"):
            print(f"       app batch sizes at {c}: {a['batch_sizes']}")
        print(
            f"       server CPU per request: app {a['cpu_ms_per_request']:.1f} ms ({a['server_cores_busy']:.2f} cores busy), "
            f"baseline {b['cpu_ms_per_request']:.1f} ms ({b['server_cores_busy']:.2f} cores busy)"
        )
    print(f"app worker RSS with the model loaded: {rss:.0f} MB" if rss else "app worker RSS: unavailable")
    c16 = max(args.concurrency)
    print(
        json.dumps(
            {
                "app": results["app"],
                "baseline": results["baseline"],
                "worker_rss_mb": rss,
                "app_engine": backend,
                "torch_threads": args.torch_threads,
                "gunicorn_threads": args.threads,
                "targets": {
                    "server_p50_ms_at_1<=20": results["app"][min(args.concurrency)]["server_p50_ms"] <= 20,
                    "client_p50_ms_at_1<=20": results["app"][min(args.concurrency)]["p50_ms"] <= 20,
                    f"rps_ratio_at_{c16}>=2": results["app"][c16]["rps"] / results["baseline"][c16]["rps"] >= 2,
                    "rss_mb<600": bool(rss and rss < 600),
                },
            },
            default=float,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
