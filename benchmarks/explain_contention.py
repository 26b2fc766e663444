"""Do word explanations slow down assessments? Assessment p95 alone and with explanations running.

    python benchmarks/explain_contention.py [--model instance/models/current] [--requests 200]
                                            [--concurrency 4] [--explainers 3] [--threads 16]

Starts this service with gunicorn on 127.0.0.1 (one worker, gthread; a temporary SQLite database;
the model from --model: a tiny one is enough, `python -m training train --tiny --output instance/tiny
--set-current`, then --model instance/tiny/current), the same way as benchmarks/inference.py. Then:

1. alone:      --requests POST /api/v1/assessments (~40-word texts) at --concurrency;
2. contention: the same assessments while --explainers clients keep asking for word explanations
               (GET .../explanation) of 2,000-character assessments, each a fresh, uncached one -
               the probe's worst case (issue 13: three at once from one patient made another
               user's 10 ms assessment take 20 s). Rate limits are off, so nothing but the
               explanation lane holds them back.

Prints p50 / p95 of both phases, explanations answered (with attributions, or stopped at their
time budget), and the p95 ratio contention / alone; the target is <= 2 (exit status 1 above it).
"""

from __future__ import annotations

import argparse
import http.client
import importlib.util
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 2.0


def _bench_helpers():
    """benchmarks/inference.py: free_port, gunicorn, wait_ready, stop, make_texts, setup_app_db."""
    spec = importlib.util.spec_from_file_location("bench_inference", ROOT / "benchmarks" / "inference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _request(port: int, method: str, path: str, token: str, body: dict | None = None,
             conn: http.client.HTTPConnection | None = None) -> tuple[int, bytes, http.client.HTTPConnection]:
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Authorization": f"Bearer {token}"}
    data = None
    if body is not None:
        headers["Content-Type"] = "application/json"
        data = json.dumps(body)
    conn.request(method, path, body=data, headers=headers)
    resp = conn.getresponse()
    return resp.status, resp.read(), conn


def assessments(port: int, token: str, texts: list[str], concurrency: int) -> list[float]:
    """Latencies (s) of successful assessments of `texts` at `concurrency`."""
    local = threading.local()
    latencies: list[float] = []
    lock = threading.Lock()

    def one(text: str) -> None:
        t0 = time.perf_counter()
        try:
            status, _, local.conn = _request(port, "POST", "/api/v1/assessments", token, {"symptoms": text},
                                             getattr(local, "conn", None))
        except OSError:
            local.conn = None
            return
        if status == 201:
            with lock:
                latencies.append(time.perf_counter() - t0)

    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, texts))
    return sorted(latencies)


def p95(values: list[float]) -> float:
    return values[min(len(values) - 1, int(0.95 * len(values)))] if values else float("nan")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=str(ROOT / "instance" / "models" / "current"))
    ap.add_argument("--requests", type=int, default=200, help="assessments per phase")
    ap.add_argument("--concurrency", type=int, default=4, help="concurrent assessment clients")
    ap.add_argument("--explainers", type=int, default=3, help="concurrent explanation clients in phase 2")
    ap.add_argument("--long-texts", type=int, default=60, help="2,000-character assessments to explain")
    ap.add_argument("--threads", type=int, default=16, help="gunicorn gthread threads")
    args = ap.parse_args(argv)
    model = Path(args.model).resolve()
    if not (model / "labels.json").exists():
        print(f"no model artifact at {model} (python -m training train --tiny --output /tmp/m --set-current)",
              file=sys.stderr)
        return 2
    bench = _bench_helpers()
    texts = bench.make_texts(args.requests, 40)
    words = " ".join(bench.make_texts(args.long_texts * 12, 40, seed=11)).split()
    long_texts = [" ".join(words[i * 330:(i + 1) * 330])[:2000] for i in range(args.long_texts)]

    with tempfile.TemporaryDirectory(prefix="bench-explain-") as tmpdir:
        tmp = Path(tmpdir)
        env = {
            **os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PYTHONPATH": str(ROOT),
            "APP_CONFIG": "development", "SECRET_KEY": "benchmark-only-secret-key-0123456789",
            "DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}", "INSTANCE_PATH": str(tmp / "instance"),
            "MODEL_DIR": str(model), "OUTBOX_WORKER": "0", "RATELIMIT_ENABLED": "0", "MODEL_SYNC_INTERVAL": "5",
        }
        token = bench.setup_app_db(tmp, env)
        port = bench.free_port()
        proc = bench.gunicorn("app:create_app()", port, env, args.threads, ROOT, tmp)
        try:
            bench.wait_ready(port, "/api/v1/health", proc)
            health = json.loads(bench._get(port, "/api/v1/health"))
            # the long assessments whose explanations phase 2 asks for (each uncached)
            ids = []
            for text in long_texts:
                status, body, _ = _request(port, "POST", "/api/v1/assessments", token, {"symptoms": text})
                if status == 201:
                    ids.append(json.loads(body)["id"])
            assessments(port, token, texts[: max(16, args.concurrency * 4)], args.concurrency)  # warm-up

            alone = assessments(port, token, texts, args.concurrency)

            stop_flag = threading.Event()
            pending = list(ids)
            taken = threading.Lock()
            outcome = {"attributions": 0, "budget": 0, "other": 0}
            explain_s: list[float] = []

            def explainer() -> None:
                conn = None
                while not stop_flag.is_set():
                    with taken:
                        if not pending:
                            return
                        diagnosis_id = pending.pop()
                    t0 = time.perf_counter()
                    try:
                        status, body, conn = _request(port, "GET", f"/api/v1/assessments/{diagnosis_id}/explanation",
                                                      token, conn=conn)
                    except OSError:
                        conn = None
                        continue
                    with taken:
                        explain_s.append(time.perf_counter() - t0)
                        data = json.loads(body) if status == 200 else {}
                        key = ("attributions" if data.get("attributions") else
                               "budget" if data.get("attributions_error") else "other")
                        outcome[key] += 1

            workers = [threading.Thread(target=explainer) for _ in range(args.explainers)]
            for w in workers:
                w.start()
            time.sleep(0.2)  # explanations are under way before the assessments start
            contention = assessments(port, token, texts, args.concurrency)
            stop_flag.set()
            for w in workers:
                w.join(120)
        finally:
            bench.stop(proc)

    ratio = p95(contention) / p95(alone)
    print(f"model: {model}  engine: {health.get('model_backend')}  gunicorn: 1 worker x {args.threads} threads  "
          f"cores: {os.cpu_count()}")
    print(f"assessments per phase: {args.requests} at concurrency {args.concurrency}; "
          f"explanation clients: {args.explainers} (2,000-character texts, uncached, no rate limit)")
    print(f"{'phase':<12} {'n':>5} {'p50 ms':>8} {'p95 ms':>8}")
    for name, lat in (("alone", alone), ("contention", contention)):
        med = 1000 * statistics.median(lat) if lat else float("nan")
        print(f"{name:<12} {len(lat):>5} {med:>8.1f} {1000 * p95(lat):>8.1f}")
    if explain_s:
        print(f"explanations answered during phase 2: {len(explain_s)} (with attributions {outcome['attributions']}, "
              f"stopped at the time budget {outcome['budget']}, other {outcome['other']}); "
              f"median {statistics.median(explain_s):.2f} s, max {max(explain_s):.2f} s")
    verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
    print(f"assessment p95 ratio contention / alone: {ratio:.2f} (target <= {TARGET_RATIO:.0f}: {verdict})")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
