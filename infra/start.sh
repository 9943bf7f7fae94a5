#!/usr/bin/env bash
# npm start: install what is missing, build, and run Tsudoi on the embedded store with a development
# mail inbox (http://localhost:PORT/dev/inbox). Every variable in the README's table can be overridden.
# Restarts count against the downtime budget (R21): when nothing that setup or the build depends on changed
# since the last successful start (infra/fingerprint.sh), both are skipped and the server starts at once.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
. infra/env.sh
stamp="$ROOT/node_modules/.tsudoi-start"
if [ "$(bash infra/fingerprint.sh)" != "$(cat "$stamp" 2>/dev/null || true)" ]; then
  bash infra/setup.sh
  # Taken after setup (which may reinstall node_modules) and before the build: a source saved during the
  # build leaves the stamp stale, so the next start builds again.
  want=$(bash infra/fingerprint.sh)
  npx turbo run build --output-logs=errors-only
  echo "$want" >"$stamp"
fi
export DEV_MAIL_INBOX=${DEV_MAIL_INBOX:-1}
export DATA_DIR=${DATA_DIR:-$ROOT/.data}
exec node apps/server/dist/main.js
