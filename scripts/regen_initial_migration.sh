#!/usr/bin/env bash
# While the schema is unreleased (no deployed database yet), the project keeps ONE initial
# migration. After changing models/, run this to regenerate migrations/versions/0001_initial.py.
# Once a release is deployed, add new revisions with `flask --app app db migrate` instead.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
rm -f migrations/versions/0001_initial.py
INSTANCE_PATH="$tmp" DATABASE_URL="sqlite:///$tmp/regen.db" LOAD_MODEL=0 \
  flask --app app db migrate -m "initial schema" --rev-id 0001 >/dev/null 2>&1
mv migrations/versions/0001_initial_schema.py migrations/versions/0001_initial.py
rm -rf "$tmp"
echo "regenerated migrations/versions/0001_initial.py"
