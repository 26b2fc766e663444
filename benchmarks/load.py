"""Load test: gunicorn + SQLite + a real model under mixed traffic from locust (headless).

    python benchmarks/load.py                       # 50 users, 60 s, writes docs/load-test.md
    python benchmarks/load.py --short --out /tmp/x  # 10 users, 10 s (CI smoke: tests/test_load_short.py)
    python benchmarks/load.py --model DIR --users 100 --duration 120 --workers 2 --threads 8

The script builds a throw-away installation in a temporary folder (SQLite database migrated with
`flask db upgrade`, knowledge base seeded with `flask seed`, one account per role created with
`flask create-user`), starts gunicorn on 127.0.0.1, waits until /api/v1/health reports the model,
then runs locust headless with this same file as the locustfile (the user classes below):

- clinicians (web forms, CSRF): assess, worklist, history, open a result, review their own assessments;
- patients (web forms): self-assess, read the result, list their history;
- API clients (bearer token): create, list, read, review.

Every simulated user logs in once. The login limit (RATELIMIT_AUTH, 10 per minute per address by
default) would refuse most of 50 logins from one address, so this run sets RATELIMIT_AUTH to
"100000 per minute" (storage memory://) - the only setting changed from a normal installation.
It prints and writes p50, p95, p99 and throughput, and exits non-zero on any failed request.
"""

from __future__ import annotations

import argparse
import csv
import datetime as _dt
import json
import os
import platform
import random
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "load-Test-pass-9-phrase"
ACCOUNTS = {
    "clinician": "clinician@example.org",
    "patient": "patient@example.org",
    "admin": "admin@example.org",
    "ml": "ml@example.org",
}
SYMPTOMS = [
    "dry cough, runny nose and a sore throat for three days, no fever",
    "burning when I pee and I need to go all the time since yesterday",
    "itchy red rash on both elbows that gets worse at night",
    "headache behind my eyes with a blocked nose and pressure in my cheeks",
    "crushing chest pain spreading to my left arm and I am sweating",
    "tummy pain and diarrhoea after eating at a restaurant, vomited twice",
    "tired all the time, pale, short of breath when climbing stairs",
    "painful swollen big toe joint that started overnight, red and hot",
]

# ================================================================ locust user classes (locustfile)
try:
    from locust import HttpUser, between, task
except ImportError:  # the driver part below does not need locust imported
    HttpUser = None

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
RESULT_RE = re.compile(r"/clinic/assessments/(\d+)$")


def _csrf(html: str) -> str:
    m = CSRF_RE.search(html)
    if not m:
        raise RuntimeError("no CSRF token on the page")
    return m.group(1)


if HttpUser is not None:

    class _WebUser(HttpUser):
        abstract = True
        wait_time = between(0.5, 2.0)
        role = "patient"

        def on_start(self) -> None:
            page = self.client.get("/auth/login", name="GET /auth/login")
            with self.client.post(
                "/auth/login",
                name="POST /auth/login",
                allow_redirects=False,
                catch_response=True,
                data={"csrf_token": _csrf(page.text), "email": ACCOUNTS[self.role], "password": PASSWORD},
            ) as resp:
                if resp.status_code != 302:
                    resp.failure(f"login answered {resp.status_code}")

        def _submit_assessment(self, form_url: str, name: str) -> str | None:
            page = self.client.get(form_url, name=f"GET {form_url}")
            data = {
                "csrf_token": _csrf(page.text),
                "symptoms": random.choice(SYMPTOMS),
                "age": str(random.randint(1, 95)),
                "sex": random.choice(["", "female", "male"]),
            }
            with self.client.post(form_url, data=data, name=name, allow_redirects=False, catch_response=True) as resp:
                if resp.status_code != 302:
                    resp.failure(f"assessment answered {resp.status_code}")
                    return None
                return resp.headers.get("Location")

    class ClinicianUser(_WebUser):
        weight = 2
        role = "clinician"

        def on_start(self) -> None:
            super().on_start()
            self.mine: list[int] = []

        @task(3)
        def assess(self) -> None:
            location = self._submit_assessment("/clinic/assess", "POST /clinic/assess")
            if location:
                m = RESULT_RE.search(location)
                if m:
                    self.mine.append(int(m.group(1)))
                    self.client.get(location, name="GET /clinic/assessments/[id]")

        @task(2)
        def worklist(self) -> None:
            self.client.get("/clinic/worklist", name="GET /clinic/worklist")

        @task(1)
        def history(self) -> None:
            self.client.get("/clinic/history?q=cough", name="GET /clinic/history?q=")

        @task(2)
        def review(self) -> None:
            if not self.mine:
                return
            diagnosis_id = self.mine.pop(0)  # only our own: two users never race for one review
            page = self.client.get(f"/clinic/assessments/{diagnosis_id}", name="GET /clinic/assessments/[id]")
            data = {"csrf_token": _csrf(page.text), "outcome": random.choice(["accepted", "rejected"]), "note": "load"}
            with self.client.post(
                f"/clinic/assessments/{diagnosis_id}/review",
                data=data,
                allow_redirects=False,
                name="POST /clinic/assessments/[id]/review",
                catch_response=True,
            ) as resp:
                if resp.status_code != 302:
                    resp.failure(f"review answered {resp.status_code}")

    class PatientUser(_WebUser):
        weight = 2
        role = "patient"

        @task(2)
        def self_assess(self) -> None:
            location = self._submit_assessment("/me/assess", "POST /me/assess")
            if location:
                self.client.get(location, name="GET /me/assessments/[id]")

        @task(2)
        def history(self) -> None:
            self.client.get("/me/assessments", name="GET /me/assessments")

    class ApiUser(HttpUser):
        weight = 1
        wait_time = between(0.5, 2.0)

        def on_start(self) -> None:
            self.headers = {}
            for role in ("clinician",):
                resp = self.client.post("/api/v1/tokens", auth=(ACCOUNTS[role], PASSWORD), name="POST /api/v1/tokens")
                self.headers = {"Authorization": f"Bearer {resp.json()['token']}"}
            self.mine: list[int] = []

        @task(3)
        def create(self) -> None:
            body = {"symptoms": random.choice(SYMPTOMS), "age": random.randint(1, 95)}
            resp = self.client.post(
                "/api/v1/assessments", json=body, headers=self.headers, name="POST /api/v1/assessments"
            )
            if resp.status_code == 201:
                self.mine.append(resp.json()["id"])

        @task(2)
        def listing(self) -> None:
            self.client.get("/api/v1/assessments?per_page=20", headers=self.headers, name="GET /api/v1/assessments")

        @task(1)
        def read_and_review(self) -> None:
            if not self.mine:
                return
            diagnosis_id = self.mine.pop(0)
            self.client.get(
                f"/api/v1/assessments/{diagnosis_id}", headers=self.headers, name="GET /api/v1/assessments/[id]"
            )
            self.client.post(
                f"/api/v1/assessments/{diagnosis_id}/review",
                json={"outcome": "accepted"},
                headers=self.headers,
                name="POST /api/v1/assessments/[id]/review",
            )


# ================================================================ the driver
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cmd: list[str], env: dict[str, str]) -> None:
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"failed: {shlex.join(cmd)}\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")


def wait_healthy(url: str, timeout: float, server: subprocess.Popen) -> dict:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/api/v1/health", timeout=5) as resp:
                last = json.loads(resp.read())
                if last.get("status") == "ok":
                    return last
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"the app did not become healthy in {timeout:.0f} s: {last}")


def read_stats(prefix: Path) -> list[dict[str, str]]:
    with open(f"{prefix}_stats.csv", newline="") as fh:
        return list(csv.DictReader(fh))


def _num(row: dict[str, str], key: str) -> float:
    try:
        return float(row.get(key) or 0)
    except ValueError:
        return 0.0


def render_markdown(rows: list[dict[str, str]], meta: dict[str, str]) -> str:
    agg = next(r for r in rows if r["Name"] == "Aggregated")
    lines = [
        "# Load test",
        "",
        "Produced by `benchmarks/load.py` (locust, headless) against gunicorn on one machine with SQLite.",
        "Regenerate it with exactly this command:",
        "",
        "```",
        meta["command"],
        "```",
        "",
        "| setting | value |",
        "| --- | --- |",
    ]
    for key in (
        "date",
        "machine",
        "load average before the run",
        "model",
        "server",
        "users",
        "duration",
        "mix",
        "rate limit",
    ):
        lines.append(f"| {key} | {meta[key]} |")
    lines += [
        "",
        "## Result",
        "",
        f"- requests: **{int(_num(agg, 'Request Count'))}**, failures: **{int(_num(agg, 'Failure Count'))}**",
        f"- throughput: **{_num(agg, 'Requests/s'):.1f} requests/s**",
        f"- latency (all requests): p50 **{_num(agg, '50%'):.0f} ms**, p95 **{_num(agg, '95%'):.0f} ms**, "
        f"p99 **{_num(agg, '99%'):.0f} ms**",
        "",
        "| request | count | failures | p50 ms | p95 ms | p99 ms | req/s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in sorted(rows, key=lambda r: (r["Name"] == "Aggregated", r["Name"])):
        name = "**all**" if r["Name"] == "Aggregated" else f"`{r['Name']}`"
        lines.append(
            f"| {name} | {int(_num(r, 'Request Count'))} | {int(_num(r, 'Failure Count'))} | "
            f"{_num(r, '50%'):.0f} | {_num(r, '95%'):.0f} | {_num(r, '99%'):.0f} | {_num(r, 'Requests/s'):.1f} |"
        )
    lines += [
        "",
        "Notes:",
        "",
        "- Every simulated user logs in once: web users through the real form with its CSRF token, API users",
        "  get one bearer token. A login verifies an argon2 password hash (deliberately slow CPU work), so the",
        "  ramp-up burst of logins queues the other requests behind it: most of the p95/p99 tail comes from",
        "  the first seconds; the per-request rows show the steady state.",
        "- Assessments run the real model (micro-batched inference) and write the assessment and its audit",
        "  event; reviews are made only by the user who created the assessment, so none conflict (409).",
        "- The machine is shared (see the load average above); compare runs made side by side on one machine.",
        "",
    ]
    return "\n".join(lines)


def describe_model(path: Path) -> str:
    """What kind of network the artifact is (tiny test BERT or the full base model): latency depends on it."""
    try:
        cfg = json.loads((path / "training_config.json").read_text()).get("model", {})
    except (OSError, ValueError):
        return "unknown architecture"
    if cfg.get("tiny"):
        full = json.loads((path / "training_config.json").read_text())
        recipe = (
            f"python -m training train --tiny --output {path} --epochs {full.get('optim', {}).get('epochs')} "
            f"--texts-per-condition {full.get('data', {}).get('texts_per_condition')} --seed {full.get('seed')}"
        )
        return (
            f"tiny random BERT ({cfg.get('tiny_layers')} layers, {cfg.get('tiny_hidden')} wide), the test "
            f"artifact made by `{recipe}`; the default MiniLM model costs more per assessment"
        )
    return f"fine-tuned {Path(str(cfg.get('base_model', '?'))).name}"


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--users", type=int, default=50)
    p.add_argument("--duration", type=int, default=60, help="seconds")
    p.add_argument("--spawn-rate", type=float, default=None, help="users started per second (default: users/5)")
    p.add_argument("--short", action="store_true", help="10 users for 10 s (CI smoke run)")
    p.add_argument("--model", default=str(ROOT / "instance" / "models" / "current"), help="model artifact directory")
    p.add_argument("--workers", type=int, default=1, help="gunicorn workers")
    p.add_argument("--threads", type=int, default=8, help="gunicorn threads per worker")
    p.add_argument(
        "--keep-alive",
        type=int,
        default=30,
        help="gunicorn keep-alive seconds; above the clients' idle time, else a reused connection races "
        "the server closing it (gunicorn's default is 2 s)",
    )
    p.add_argument("--out", default=str(ROOT / "docs" / "load-test.md"), help="markdown report to write")
    p.add_argument("--json", default=None, help="also write the summary as JSON here")
    p.add_argument("--keep", action="store_true", help="keep the temporary installation")
    a = p.parse_args(argv)
    if a.short:
        a.users, a.duration = 10, 10
    spawn = a.spawn_rate or max(1.0, a.users / 5)
    model = Path(a.model).resolve()
    if not (model / "labels.json").exists():
        print(
            f"no model artifact at {model} (train one: python -m training ensure-default --models-dir "
            f"instance/models, or pass --model DIR)",
            file=sys.stderr,
        )
        return 2

    work = Path(tempfile.mkdtemp(prefix="load-"))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "APP_CONFIG": "development",
        "SECRET_KEY": "load-test-" + os.urandom(8).hex(),
        "INSTANCE_PATH": str(work / "instance"),
        "DATABASE_URL": f"sqlite:///{work / 'load.db'}",
        "MODEL_DIR": str(model),
        "MODELS_ROOT": str(work / "models"),
        "OUTBOX_WORKER": "0",
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_AUTH": "100000 per minute",
        "PASSWORD": PASSWORD,
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "PYTHONUNBUFFERED": "1",
    }
    cli_env = {**env, "LOAD_MODEL": "0"}
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    server = None
    try:
        print(f"==> installation in {work}")
        run([*flask, "db", "upgrade"], cli_env)
        jobs = [
            subprocess.Popen([*flask, "seed"], cwd=ROOT, env=cli_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        ]
        for role, email in ACCOUNTS.items():
            jobs.append(
                subprocess.Popen(
                    [*flask, "create-user", email, "--role", role],
                    cwd=ROOT,
                    env=cli_env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                )
            )
        for job in jobs:
            out, _ = job.communicate()
            if job.returncode != 0:
                raise SystemExit(f"set-up failed: {shlex.join(job.args)}\n{out.decode()[-2000:]}")

        print(f"==> gunicorn on {url} ({a.workers} worker(s) x {a.threads} threads), model {model}")
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                str(a.workers),
                "--threads",
                str(a.threads),
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout",
                "120",
                "--keep-alive",
                str(a.keep_alive),
                "app:create_app()",
            ],
            cwd=ROOT,
            env=env,
            stdout=open(work / "gunicorn.log", "w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        health = wait_healthy(url, 180, server)

        load_before = os.getloadavg()
        print(f"==> locust: {a.users} users, {a.duration} s")
        prefix = work / "stats"
        locust = [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(Path(__file__).resolve()),
            "--headless",
            "-u",
            str(a.users),
            "-r",
            str(spawn),
            "-t",
            f"{a.duration}s",
            "--host",
            url,
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--stop-timeout",
            "10",
        ]
        proc = subprocess.run(locust, cwd=ROOT, env=env, capture_output=True, text=True, timeout=a.duration + 120)
        if not Path(f"{prefix}_stats.csv").exists():
            raise SystemExit(f"locust wrote no statistics:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
        rows = read_stats(prefix)
        failures_csv = Path(f"{prefix}_failures.csv")
        failures = list(csv.DictReader(failures_csv.open())) if failures_csv.exists() else []

        agg = next(r for r in rows if r["Name"] == "Aggregated")
        summary = {
            "requests": int(_num(agg, "Request Count")),
            "failures": int(_num(agg, "Failure Count")),
            "rps": round(_num(agg, "Requests/s"), 2),
            "p50_ms": _num(agg, "50%"),
            "p95_ms": _num(agg, "95%"),
            "p99_ms": _num(agg, "99%"),
            "users": a.users,
            "duration_s": a.duration,
            "model_version": health.get("model_version"),
        }
        shown = ["python", "benchmarks/load.py", *(argv if argv is not None else sys.argv[1:])]
        meta = {
            "command": shlex.join(shown),
            "date": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": f"{os.cpu_count()} CPU cores ({cpu_name()}), Python {platform.python_version()}",
            "load average before the run": "{:.2f} {:.2f} {:.2f} (1, 5, 15 min)".format(*load_before),
            "model": f"`{health.get('model_version')}`: {describe_model(model)}",
            "server": f"gunicorn, {a.workers} worker(s) x {a.threads} threads, keep-alive {a.keep_alive} s, "
            "SQLite file database",
            "users": f"{a.users} (spawned at {spawn:g}/s; 2 clinician : 2 patient : 1 API client)",
            "duration": f"{a.duration} s",
            "mix": "clinician: assess 3, worklist 2, review own 2, history search 1; patient: self-assess 2, "
            "history 2; API: create 3, list 2, read + review 1",
            "rate limit": "RATELIMIT_AUTH=100000 per minute for this run (default 10/minute per address would "
            "refuse the simultaneous logins from one address)",
        }
        print(json.dumps(summary))
        if failures:
            print("failures:", file=sys.stderr)
            for f in failures[:20]:
                print(f"  {f.get('Method')} {f.get('Name')}: {f.get('Error')} x{f.get('Occurrences')}", file=sys.stderr)
        if a.out:
            out = Path(a.out)
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(render_markdown(rows, meta))
            print(f"==> wrote {out}")
        if a.json:
            Path(a.json).write_text(json.dumps({**summary, "rows": rows, "failure_details": failures}, indent=2))
        return 1 if summary["failures"] or not summary["requests"] else 0
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        if a.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
