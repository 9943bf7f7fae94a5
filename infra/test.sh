#!/usr/bin/env bash
# npm test: install what is missing, build, lint, then every test: unit/integration (vitest) and
# browser tests (Playwright driving Debian's chromium with fake camera and microphone).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
bash infra/setup.sh
. infra/env.sh
# Killed runs leave Chromium profiles behind: give each run its own TMPDIR and remove it afterwards.
export TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/tsudoi-test.XXXXXX")
trap 'rm -rf "$TMPDIR"' EXIT
echo "== build"; npx turbo run build --output-logs=errors-only
echo "== lint";  npx biome check .
echo "== typecheck tests"
npx tsc -p packages/protocol/tsconfig.test.json
npx tsc -p apps/server/tsconfig.test.json
npx tsc -p e2e/tsconfig.json
echo "== unit and integration tests"; npx vitest run
echo "== browser tests"; npx playwright test -c e2e/playwright.config.ts
# The main journeys again on the shared-store engine: Firestore, on the emulator the Google Cloud SDK puts on
# these machines (it cannot be installed from the registries CI reaches). Absent, the run says so loudly.
FS_EMULATOR=${FIRESTORE_EMULATOR_BIN:-/usr/lib/google-cloud-sdk/platform/cloud-firestore-emulator/cloud_firestore_emulator}
if [ -x "$FS_EMULATOR" ]; then
  echo "== browser tests on Firestore (emulator): sign-up, floor, media, messages"
  E2E_STORE=firestore npx playwright test -c e2e/playwright.config.ts \
    tests/accounts.spec.ts tests/floor.spec.ts tests/media.spec.ts tests/messages.spec.ts
else
  printf '%.0s!' {1..100}; echo
  echo "!! SKIPPED: browser tests on Firestore: no Firestore emulator at $FS_EMULATOR"
  printf '%.0s!' {1..100}; echo
fi
