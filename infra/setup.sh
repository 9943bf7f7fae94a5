#!/usr/bin/env bash
# setup.sh — installs everything Tsudoi needs that is not in node_modules, then node_modules itself.
# Idempotent and cached: a second run on the same machine does almost nothing.
#   1. Debian packages: chromium (browser tests), the mediasoup worker's build deps, redis-server,
#      SimpleSAMLphp + php-cli + php-xml (the real SAML identity provider of the SSO tests), coturn (TURN:
#      the relay tests start their own `turnserver` on loopback; the Debian service is not used).
#   2. mediasoup-worker built offline from the pinned npm release's sources, cached in
#      $TSUDOI_CACHE (default ~/.cache/tsudoi) by version, so fresh clones reuse it.
#   3. `npm ci` when package-lock.json (or Node's version) changed since the last install.
# Then `. infra/env.sh` gives your shell MEDIASOUP_WORKER_BIN and the other settings the scripts use.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$ROOT/infra/env.sh"
mkdir -p "$TSUDOI_CACHE"
say() { printf '[setup] %s\n' "$*"; }

# --- 1. Debian packages -------------------------------------------------------------------
APT_PKGS=(chromium fonts-noto-cjk redis-server coturn
  simplesamlphp php-cli php-xml
  build-essential pkg-config python3 meson ninja-build
  libuv1-dev libssl-dev libsrtp2-dev libusrsctp-dev libabsl-dev
  libflatbuffers-dev flatbuffers-compiler nlohmann-json3-dev)
# One dpkg-query for all of them (a `dpkg -s` per package took ~0.7 s of every start); a package removed
# but with its config files left (`dpkg -s` succeeds) counts as missing.
installed=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${APT_PKGS[@]}" 2>/dev/null || true)
missing=()
for p in "${APT_PKGS[@]}"; do
  [[ $'\n'"$installed"$'\n' == *$'\n'"$p installed"$'\n'* ]] || missing+=("$p")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" != 0 ]; then
    echo "[setup] missing Debian packages: ${missing[*]} — run as root or install them with apt-get" >&2; exit 1
  fi
  say "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  stamp="$TSUDOI_CACHE/apt-updated"
  [ -f "$stamp" ] || { apt-get update -q && touch "$stamp"; }
  for i in 1 2 3 4 5 6; do
    apt-get install -y -q --no-install-recommends "${missing[@]}" && break
    [ "$i" = 6 ] && { echo "[setup] apt-get install failed" >&2; exit 1; }
    say "apt-get failed (lock busy or stale lists?), retry $i in 10s"; apt-get update -q || true; sleep 10
  done
fi

# --- 2. mediasoup worker ------------------------------------------------------------------
MS_VERSION=$(node -p "require('$ROOT/apps/server/package.json').dependencies.mediasoup")
if [ ! -x "$MEDIASOUP_WORKER_BIN" ]; then
  say "building mediasoup-worker $MS_VERSION offline (about 5 minutes, once per machine)"
  (
    flock 9
    if [ ! -x "$MEDIASOUP_WORKER_BIN" ]; then
      bash "$ROOT/infra/mediasoup/build-worker.sh" "$MS_VERSION" "$MEDIASOUP_WORKER_BIN" \
        >"$TSUDOI_CACHE/mediasoup-build.log" 2>&1 || {
        tail -40 "$TSUDOI_CACHE/mediasoup-build.log" >&2
        echo "[setup] FAILED to build mediasoup-worker $MS_VERSION; full log: $TSUDOI_CACHE/mediasoup-build.log" >&2
        exit 1
      }
    fi
  ) 9>"$TSUDOI_CACHE/mediasoup-build.lock"
fi

# --- 3. node_modules ----------------------------------------------------------------------
# better-sqlite3 has no prebuilt binary offline, so npm compiles SQLite from source on every fresh clone
# (2 min on a quiet machine, over 10 under load). The first build is packed into the cache under the name
# prebuild-install looks for, and later installs unpack it (our own build, like the mediasoup worker above).
BS_PREBUILDS="$TSUDOI_CACHE/prebuilds"
BS_TARBALL="better-sqlite3-v$(node -p "require('$ROOT/package-lock.json').packages['node_modules/better-sqlite3'].version")-node-v$(node -p process.versions.modules)-$(node -p 'process.platform + "-" + process.arch').tar.gz"
export npm_config_better_sqlite3_local_prebuilds="$BS_PREBUILDS"

want="$(sha256sum "$ROOT/package-lock.json" | cut -c1-16)-$(node -v)-$MS_VERSION"
have=$(cat "$ROOT/node_modules/.tsudoi-install" 2>/dev/null || true)
if [ "$want" != "$have" ]; then
  say "npm ci (package-lock.json changed or first install)"
  (cd "$ROOT" && npm ci --no-audit --no-fund)
  echo "$want" >"$ROOT/node_modules/.tsudoi-install"
fi
# mediasoup also finds the worker at its default path (for tools started without the env var).
bs_node="$ROOT/node_modules/better-sqlite3/build/Release/better_sqlite3.node"
if [ ! -f "$BS_PREBUILDS/$BS_TARBALL" ] && [ -f "$bs_node" ]; then
  mkdir -p "$BS_PREBUILDS"
  tar -czf "$BS_PREBUILDS/$BS_TARBALL.$$" -C "$ROOT/node_modules/better-sqlite3" build/Release/better_sqlite3.node &&
    mv "$BS_PREBUILDS/$BS_TARBALL.$$" "$BS_PREBUILDS/$BS_TARBALL" && say "cached better-sqlite3's build: $BS_TARBALL"
fi
def="$ROOT/node_modules/mediasoup/worker/out/Release/mediasoup-worker"
if ! cmp -s "$MEDIASOUP_WORKER_BIN" "$def" 2>/dev/null; then
  mkdir -p "$(dirname "$def")" && cp "$MEDIASOUP_WORKER_BIN" "$def"
fi
say "ready (MEDIASOUP_WORKER_BIN=$MEDIASOUP_WORKER_BIN)"
