# Sourced by infra scripts: the environment every Tsudoi command runs with.
export TSUDOI_CACHE=${TSUDOI_CACHE:-$HOME/.cache/tsudoi}
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export TURBO_TELEMETRY_DISABLED=1
export DO_NOT_TRACK=1
if [ -z "${MEDIASOUP_WORKER_BIN:-}" ]; then
  # The pinned mediasoup version, read without starting Node (this runs on every `npm start`).
  _ms_version=$(sed -n 's/^ *"mediasoup": *"\([^"]*\)".*/\1/p' \
    "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/apps/server/package.json")
  export MEDIASOUP_WORKER_BIN=$TSUDOI_CACHE/mediasoup-worker-$_ms_version
  unset _ms_version
fi
