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
# The accessibility tests inject axe-core from node_modules (package.json pins it; package-lock.json
# records the exact file): install it with npm ci, which needs Node.js and npm.
if ! command -v npm >/dev/null || ! command -v node >/dev/null; then
  echo "scripts/test.sh: Node.js or npm is missing; install both (Debian: apt-get install nodejs npm)," >&2
  echo "  needed to install axe-core for the accessibility browser tests (package.json)." >&2
  exit 1
fi
want=$(node -p "require('./package.json').devDependencies['axe-core']")
have=$(node -p "try { require('./node_modules/axe-core/package.json').version } catch (e) { '' }")
if [ "$want" != "$have" ] || [ ! -f node_modules/axe-core/axe.min.js ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
exec python -m pytest -n "${PYTEST_WORKERS:-2}" "$@"
