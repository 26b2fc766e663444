#!/usr/bin/env bash
# Install everything the tests need and run the suite. Extra arguments go to pytest.
# TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test runs it on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
PY=${PYTHON:-python3}

[ -d .venv ] || "$PY" -m venv .venv
. .venv/bin/activate
pip install --quiet --disable-pip-version-check -r requirements-dev.txt
# Browser tests drive Debian's Chromium (never `playwright install`).
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  (apt-get update -qq && apt-get install -y -qq chromium) >/dev/null
fi
exec python -m pytest -n "${PYTEST_WORKERS:-2}" "$@"
