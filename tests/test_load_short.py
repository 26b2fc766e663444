"""The load script's smoke run: gunicorn + locust, 10 users for 10 s, the real tiny model, no error."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_load_short_has_no_errors(tmp_path, tiny_model_dir):
    if shutil.which("gunicorn") is None and not (Path(sys.executable).parent / "gunicorn").exists():
        pytest.skip("gunicorn is not installed")
    out, summary = tmp_path / "load.md", tmp_path / "load.json"
    proc = subprocess.run([sys.executable, "benchmarks/load.py", "--short", "--model", str(tiny_model_dir),
                           "--out", str(out), "--json", str(summary)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    result = json.loads(summary.read_text())
    assert result["requests"] > 20 and result["failures"] == 0, result["failure_details"]
    names = {row["Name"] for row in result["rows"]}
    # The mix really ran: web login, clinician and patient assessment, API creation.
    assert {"POST /auth/login", "POST /clinic/assess", "POST /me/assess", "POST /api/v1/assessments"} <= names
    text = out.read_text()
    assert "p95" in text and "benchmarks/load.py --short" in text
