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
# STORE=firestore without a Firestore to talk to (no FIRESTORE_EMULATOR_HOST, no service-account key): start
# the local emulator of the Google Cloud SDK on loopback for this run. Its data lives in memory only.
if [ "${STORE:-sqlite}" = firestore ] && [ -z "${FIRESTORE_EMULATOR_HOST:-}" ] && [ -z "${GOOGLE_APPLICATION_CREDENTIALS:-}" ]; then
  bin=${FIRESTORE_EMULATOR_BIN:-/usr/lib/google-cloud-sdk/platform/cloud-firestore-emulator/cloud_firestore_emulator}
  if [ ! -x "$bin" ]; then
    echo "[start] STORE=firestore needs FIRESTORE_EMULATOR_HOST, GOOGLE_APPLICATION_CREDENTIALS or the emulator at $bin" >&2
    exit 1
  fi
  port=${FIRESTORE_EMULATOR_PORT:-8088}
  mkdir -p "$DATA_DIR"
  METADATA_SERVER_DETECTION=none setsid "$bin" start --host 127.0.0.1 --port "$port" >"$DATA_DIR/firestore-emulator.log" 2>&1 &
  emulator=$!
  trap 'kill -- -"$emulator" 2>/dev/null || true' EXIT
  until curl -sf "http://127.0.0.1:$port/" >/dev/null; do
    kill -0 "$emulator" 2>/dev/null || { echo "[start] the Firestore emulator stopped; see $DATA_DIR/firestore-emulator.log" >&2; exit 1; }
    sleep 0.2
  done
  export FIRESTORE_EMULATOR_HOST=127.0.0.1:$port FIRESTORE_PROJECT_ID=${FIRESTORE_PROJECT_ID:-demo-tsudoi}
  export METADATA_SERVER_DETECTION=none
  echo "[start] Firestore emulator on $FIRESTORE_EMULATOR_HOST, project $FIRESTORE_PROJECT_ID (in memory: its data ends with this run)"
  node apps/server/dist/main.js &
  server=$!
  trap 'kill -TERM "$server" 2>/dev/null || true' INT TERM
  status=0
  wait "$server" || status=$?
  # A signal interrupts the first wait; wait again for the server's own clean stop.
  kill -0 "$server" 2>/dev/null && { wait "$server" || status=$?; }
  exit "$status"
fi
exec node apps/server/dist/main.js
