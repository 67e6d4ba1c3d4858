#!/usr/bin/env bash
# Type-checks Grafana dashboards against @grafana/schema of the provisioned Grafana version
# (docker-compose.yml: grafana/grafana:12.1.1 -> @grafana/schema 12.1.1, see package.json).
# Usage: grafana/schema-check/check.sh [dashboard.json ...]   (default: grafana/dashboards/*.json)
# The npm packages are installed (npm ci, from package-lock.json) under target/tools, once.
# Exit code: 0 if every dashboard type-checks, 1 otherwise (tsc's errors on stderr).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK=${LETHE_GRAFANA_SCHEMA_WORK:-$ROOT/target/tools/grafana-schema-check}
mkdir -p "$WORK"
if [ ! -x "$WORK/node_modules/.bin/tsc" ] || ! cmp -s "$HERE/package-lock.json" "$WORK/package-lock.json"; then
  cp "$HERE/package.json" "$HERE/package-lock.json" "$WORK/"
  (cd "$WORK" && npm ci --no-audit --no-fund --silent >&2)
fi
cp "$HERE/tsconfig.json" "$HERE/to-ts.mjs" "$WORK/"
rm -rf "$WORK/generated"
mkdir -p "$WORK/generated"
if [ "$#" -eq 0 ]; then
  set -- "$ROOT"/grafana/dashboards/*.json
fi
i=0
for dashboard in "$@"; do
  i=$((i + 1))
  node "$WORK/to-ts.mjs" "$(cd "$(dirname "$dashboard")" && pwd)/$(basename "$dashboard")" \
    "$WORK/generated/dashboard$i.ts"
done
cd "$WORK"
if ./node_modules/.bin/tsc -p tsconfig.json >&2; then
  echo "grafana schema check: $i dashboard(s) OK against @grafana/schema $(node -p "require('./node_modules/@grafana/schema/package.json').version")"
else
  echo "grafana schema check: FAILED (tsc errors above)" >&2
  exit 1
fi
