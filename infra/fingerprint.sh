#!/usr/bin/env bash
# Prints one hash of everything `npm start` installs or builds from, so a restart of an unchanged checkout
# can skip infra/setup.sh and the turbo build (infra/start.sh). Cheap on purpose (no content hashing, no
# dpkg, no Node): names, sizes and modification times of the built workspaces' sources and of the root
# build files (the lockfile among them), the Node binary, the mediasoup worker binaries, and which build
# outputs exist. Anything else (a removed Debian package) is for `bash infra/setup.sh` to repair.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
. infra/env.sh
stat_line() { if [ -e "$1" ]; then find "$1" -maxdepth 0 -printf '%p %s %T@ %m\n'; else echo "$1 missing"; fi; }
{
  echo "NODE_ENV=${NODE_ENV:-}"
  for f in "$(readlink -f "$(command -v node)")" package.json package-lock.json turbo.json tsconfig.base.json infra/setup.sh \
    "$MEDIASOUP_WORKER_BIN" node_modules/mediasoup/worker/out/Release/mediasoup-worker; do
    stat_line "$f"
  done
  # Sources of the workspaces that have a build (packages/*, apps/*), minus what builds and installs write.
  find packages apps \( -name node_modules -o -name dist -o -name .turbo -o -name '*.tsbuildinfo' \) -prune \
    -o -type f -printf '%p %s %T@\n' | LC_ALL=C sort
  for pkg in packages/* apps/*; do
    if [ -d "$pkg/dist" ]; then echo "built $pkg"; else echo "unbuilt $pkg"; fi
  done
} | sha256sum | cut -c1-32
