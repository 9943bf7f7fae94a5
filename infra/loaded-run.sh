#!/usr/bin/env bash
# Issue 9's condition: the README's test command on a fresh clone with two CPU-bound busy loops beside it.
# Usage: infra/loaded-run.sh REV NAME — clones this checkout at REV into /tmp/NAME, runs `.ci/run` there with
# two `while :; do :; done` loops in the same session, stops them at the end; the log goes to /tmp/NAME.log,
# one line of result (rev, exit code, seconds, load) to /tmp/NAME.result. Start it in its own session and do
# not run anything else meanwhile: (setsid infra/loaded-run.sh HEAD run1 >/dev/null 2>&1 &)
# Sessions share the CPU first (kernel autogroups): `nice` does not make other work yield to it; in a shell
# that must yield, `echo 19 > /proc/self/autogroup` does (see docs/BENCHMARKS.md, "Under load").
set -u
REV=$(git -C "$(dirname "$0")/.." rev-parse "${1:?REV}")
NAME=${2:?NAME}
DIR=/tmp/$NAME
SRC=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$DIR"
git clone -q "$SRC" "$DIR" && git -C "$DIR" checkout -q "$REV" || exit 1
(while :; do :; done) & B1=$!
(while :; do :; done) & B2=$!
start=$(date +%s)
(cd "$DIR" && PLAYWRIGHT_TRANSFORM_CACHE_DIR=$DIR/.pw-cache CI=true bash .ci/run) > "/tmp/$NAME.log" 2>&1
rc=$?
kill "$B1" "$B2"
echo "rev=$REV rc=$rc seconds=$(($(date +%s) - start)) load_end=$(cut -d' ' -f1-3 /proc/loadavg)" > "/tmp/$NAME.result"
