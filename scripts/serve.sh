#!/usr/bin/env bash
# Install and run the service on this machine: SQLite in instance/, the default model trained on
# first run (progress bar), then served on http://127.0.0.1:${PORT:-5000}.
set -euo pipefail
cd "$(dirname "$0")/.."
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
PY=${PYTHON:-python3}

[ -d .venv ] || "$PY" -m venv .venv
. .venv/bin/activate
echo "==> installing requirements (first run takes a few minutes)"
pip install --quiet --disable-pip-version-check -r requirements.txt

echo "==> database schema"
flask --app app db upgrade
echo "==> knowledge base"
flask --app app seed
echo "==> admin account"
flask --app app bootstrap-admin
echo "==> diagnostic model"
python -m training ensure-default --models-dir instance/models
flask --app app models scan >/dev/null 2>&1 || true

echo "==> serving on http://127.0.0.1:${PORT:-5000} (Ctrl-C to stop)"
# gunicorn.conf.py: the access-log format and a logger that masks reset tokens and escapes
# control characters in every logged field
exec gunicorn --config gunicorn.conf.py --workers "${WORKERS:-1}" --threads "${THREADS:-8}" \
  --bind "127.0.0.1:${PORT:-5000}" --keep-alive 30 --access-logfile - "app:create_app()"
