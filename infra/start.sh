#!/usr/bin/env bash
# npm start: install what is missing, build, and run Tsudoi on the embedded store with a development
# mail inbox (http://localhost:PORT/dev/inbox). Every variable in the README's table can be overridden.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
bash infra/setup.sh
. infra/env.sh
npx turbo run build --output-logs=errors-only
export DEV_MAIL_INBOX=${DEV_MAIL_INBOX:-1}
export DATA_DIR=${DATA_DIR:-$ROOT/.data}
exec node apps/server/dist/main.js
