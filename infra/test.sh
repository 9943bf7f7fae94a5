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
