#!/usr/bin/env bash
# build-worker.sh — build mediasoup-worker OFFLINE on Debian 12 (bookworm) from the npm tarball's
# worker/ sources + Debian packages (no GitHub, no PyPI, no meson wraps). Adapted from the tested
# recipe in ../shared/infra/mediasoup/. Called by infra/setup.sh, which caches the result.
#
# Usage: build-worker.sh VERSION OUT_BIN
#   VERSION  mediasoup version whose sources are built (Tsudoi pins 3.19.3)
#   OUT_BIN  where the finished binary is written (atomically)
# Env: WORK (build dir, default /tmp/tsudoi-mediasoup-build-$VERSION), JOBS (default nproc).
#
# Patches (applied to the extracted tarball copy only):
#  1. meson files use system dependency() instead of subproject(); meson_version relaxed to 1.0.
#  2. srtp2_compat.hpp maps the versatica libsrtp fork API onto Debian's libsrtp2 2.5.
#  3. DTLS fix in src/RTC/DtlsTransport.cpp onSslBioOut(): `operationType & BIO_CB_RETURN`
#     (without it the worker SIGSEGVs at the first DTLS handshake with Debian's KTLS-enabled libssl3).
#  4. -Dms_disable_liburing=true (Debian's liburing 2.3 is too old).
set -euo pipefail

VERSION=${1:?usage: build-worker.sh VERSION OUT_BIN}
OUT_BIN=${2:?usage: build-worker.sh VERSION OUT_BIN}
WORK=${WORK:-/tmp/tsudoi-mediasoup-build-$VERSION}
JOBS=${JOBS:-$(nproc)}
export DEBIAN_FRONTEND=noninteractive

log() { printf '\n=== %s\n' "$*"; }

# ---------------------------------------------------------------- 1. apt packages
PKGS=(build-essential pkg-config python3 meson ninja-build
      libuv1-dev libssl-dev libsrtp2-dev libusrsctp-dev libabsl-dev
      libflatbuffers-dev flatbuffers-compiler nlohmann-json3-dev)
missing=()
for p in "${PKGS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  log "apt-get install ${missing[*]}"
  [ -n "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v -e lock -e partial)" ] || apt-get update
  for i in $(seq 1 30); do   # another apt/dpkg may hold the lock
    apt-get install -y --no-install-recommends "${missing[@]}" && break
    echo "apt-get failed (lock busy?), retry $i/30 in 10s"; sleep 10
    [ "$i" = 30 ] && exit 1
  done
fi

# ------------------------------------------------------- 2. sources from npm tarball
log "npm pack mediasoup@$VERSION -> $WORK"
rm -rf "$WORK"; mkdir -p "$WORK"; cd "$WORK"
TGZ=$(npm pack "mediasoup@$VERSION" --silent 2>/dev/null | tail -1)
tar xzf "$TGZ"
W="$WORK/package/worker"

# ----------------------------------------------------------------- 3. patch meson
cat > "$WORK/patch-meson-sysdeps.py" <<'PYEOF'
#!/usr/bin/env python3
"""Rewrite mediasoup worker meson files to use Debian system libraries.

mediasoup's worker/meson.build pulls every third-party lib with
`subproject(...)` (wraps downloaded from GitHub / wrapdb). Offline that fails,
and `--wrap-mode=nodownload` / `--force-fallback-for` do not help because
subproject() (unlike dependency()) has no system fallback. This script:
  * relaxes `meson_version: '>= 1.1.0'` to '>= 1.0.0' (Debian 12 has 1.0.1),
  * deletes every `X_proj = subproject(...)` call,
  * replaces `X_proj.get_variable('foo_dep')` by a system `dependency(...)`,
  * deletes the `X_proj.get_variable('foo_lib')` lines in `link_whole` lists
    (those only feed the optional libmediasoup-worker shared library).
Usage: patch-meson-sysdeps.py <worker-dir>
"""
import pathlib
import re
import sys

ABSL_CONTAINERS = ("declare_dependency(dependencies: ["
                   "dependency('absl_flat_hash_map'), dependency('absl_flat_hash_set'), "
                   "dependency('absl_btree'), dependency('absl_inlined_vector'), "
                   "dependency('absl_memory')])")

DEP_MAP = {
    'absl_container_dep': ABSL_CONTAINERS,
    'absl_strings_dep': "dependency('absl_strings')",
    'absl_types_dep': "dependency('absl_optional')",
    'openssl_dep': "dependency('openssl', version: '>= 1.1.0')",
    'nlohmann_json_dep': "dependency('nlohmann_json')",
    'libuv_dep': "dependency('libuv', version: '>= 1.44.0')",
    # Debian installs srtp.h in <includedir>/srtp2/; mediasoup does #include <srtp.h>.
    'libsrtp2_dep': ("declare_dependency(dependencies: dependency('libsrtp2'), compile_args: "
                     "'-I' + dependency('libsrtp2').get_variable(pkgconfig: 'includedir') + '/srtp2')"),
    # mediasoup >= 3.16.6 wants the versatica libsrtp3 fork: use libsrtp2 + srtp2_compat.hpp.
    'libsrtp3_dep': ("declare_dependency(dependencies: dependency('libsrtp2'), compile_args: "
                     "'-I' + dependency('libsrtp2').get_variable(pkgconfig: 'includedir') + '/srtp2')"),
    'usrsctp_dep': "dependency('usrsctp')",
    'flatbuffers_dep': "dependency('flatbuffers')",
    'uring': "dependency('liburing')",
    # Tests only (mediasoup-worker-test is not built by default).
    'catch2_dep': "dependency('catch2', required: false)",
    'catch2_with_main_dep': "dependency('catch2-with-main', required: false)",
}
LIB_VARS = {
    'absl_container_lib', 'libcrypto_lib', 'libssl_lib', 'libuv', 'libsrtp2',
    'libsrtp3', 'usrsctp', 'flatbuffers_lib', 'liburing',
}


def find_call_end(text, start):
    """Index just past the ')' closing the '(' at/after start."""
    i = text.index('(', start)
    depth = 0
    while True:
        c = text[i]
        if c == '(':
            depth += 1
        elif c == ')':
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1


def patch(path):
    text = path.read_text()
    orig = text
    text = text.replace("meson_version: '>= 1.1.0'", "meson_version: '>= 1.0.0'")
    # Drop `foo_proj = subproject(...)` calls, except wingetopt (Windows only).
    out, pos = [], 0
    for m in re.finditer(r"^([ \t]*)(\w+_proj)\s*=\s*subproject\(", text, re.M):
        if m.start() < pos:
            continue
        end = find_call_end(text, m.end() - 1)
        if 'wingetopt' in text[m.start():end]:
            continue
        out.append(text[pos:m.start()])
        out.append(f"{m.group(1)}# {m.group(2)}: system dependency (patched)")
        pos = end
    out.append(text[pos:])
    text = ''.join(out)
    # link_whole entries for subproject static libs: drop the line.
    text = re.sub(r"^([ \t]*)(?!wingetopt)\w+_proj\.get_variable\('(\w+)'\),?[ \t]*\n",
                  lambda m: '' if m.group(2) in LIB_VARS else m.group(0), text, flags=re.M)
    # Remaining get_variable('..._dep') -> dependency().
    def repl(m):
        proj, var = m.group(1), m.group(2)
        if proj == 'wingetopt_proj':
            return m.group(0)
        if var not in DEP_MAP:
            sys.exit(f'{path}: no mapping for {proj}.get_variable({var!r})')
        return DEP_MAP[var]
    text = re.sub(r"(\w+_proj)\.get_variable\('(\w+)'\)", repl, text)
    if text != orig:
        path.write_text(text)
        print(f'patched {path}')


worker = pathlib.Path(sys.argv[1])
for f in [worker / 'meson.build', *sorted((worker / 'deps').rglob('meson.build'))]:
    patch(f)
PYEOF
python3 "$WORK/patch-meson-sysdeps.py" "$W"

if grep -rqs -e srtp_stream_remove "$W/include" "$W/src"; then
  log "sources use the libsrtp fork API: adding include/srtp2_compat.hpp"
  cat > "$W/include/srtp2_compat.hpp" <<'HEOF'
// srtp2_compat.hpp: lets mediasoup worker code written for the versatica
// libsrtp fork ("3.0-alpha" API used by mediasoup 3.13.18-3.16.0, "3.0.0-beta"
// API used by 3.16.6+) compile against Debian's libsrtp2 (2.5.0).
// Injected right after `#include <srtp.h>` by build-worker.sh.
#ifndef MS_SRTP2_COMPAT_HPP
#define MS_SRTP2_COMPAT_HPP

#include <srtp.h>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstring>

// libsrtp3 renamed srtp_remove_stream() (same semantics, SSRC in network order).
inline srtp_err_status_t srtp_stream_remove(srtp_t session, uint32_t ssrc)
{
	return srtp_remove_stream(session, ssrc);
}

// Error codes added in libsrtp3 (values as in libsrtp3's srtp.h).
constexpr srtp_err_status_t srtp_err_status_buffer_small = static_cast<srtp_err_status_t>(28);
constexpr srtp_err_status_t srtp_err_status_cryptex_err  = static_cast<srtp_err_status_t>(29);

namespace ms_srtp2_compat
{
	using fn2_t = srtp_err_status_t (*)(srtp_t, void*, int*);

	// "3.0-alpha" style: in-place, size_t* length.
	inline srtp_err_status_t InPlace(fn2_t fn, srtp_t ctx, uint8_t* buf, size_t* len)
	{
		if (*len > static_cast<size_t>(INT_MAX))
			return srtp_err_status_bad_param;
		int l                       = static_cast<int>(*len);
		const srtp_err_status_t err = fn(ctx, static_cast<void*>(buf), &l);
		*len                        = static_cast<size_t>(l);
		return err;
	}

	// "3.0.0-beta" style: separate in/out buffers, *outLen = out capacity.
	inline srtp_err_status_t Copy(
	  fn2_t fn, srtp_t ctx, const uint8_t* in, size_t inLen, uint8_t* out, size_t* outLen, size_t extra)
	{
		if (*outLen < inLen + extra)
			return srtp_err_status_buffer_small;
		if (out != in)
			std::memmove(out, in, inLen);
		return InPlace(fn, ctx, out, (*outLen = inLen, outLen));
	}
} // namespace ms_srtp2_compat

// 3.0-alpha API.
inline srtp_err_status_t srtp_protect(srtp_t ctx, uint8_t* rtp, size_t* len)
{
	return ms_srtp2_compat::InPlace(srtp_protect, ctx, rtp, len);
}
inline srtp_err_status_t srtp_unprotect(srtp_t ctx, uint8_t* srtp, size_t* len)
{
	return ms_srtp2_compat::InPlace(srtp_unprotect, ctx, srtp, len);
}
inline srtp_err_status_t srtp_protect_rtcp(srtp_t ctx, uint8_t* rtcp, size_t* len)
{
	return ms_srtp2_compat::InPlace(srtp_protect_rtcp, ctx, rtcp, len);
}
inline srtp_err_status_t srtp_unprotect_rtcp(srtp_t ctx, uint8_t* srtcp, size_t* len)
{
	return ms_srtp2_compat::InPlace(srtp_unprotect_rtcp, ctx, srtcp, len);
}

// 3.0.0-beta API (mki_index must be 0: mediasoup never uses MKI).
inline srtp_err_status_t srtp_protect(
  srtp_t ctx, const uint8_t* rtp, size_t rtpLen, uint8_t* srtp, size_t* srtpLen, size_t mkiIndex)
{
	if (mkiIndex != 0)
		return srtp_err_status_bad_mki;
	return ms_srtp2_compat::Copy(srtp_protect, ctx, rtp, rtpLen, srtp, srtpLen, SRTP_MAX_TRAILER_LEN);
}
inline srtp_err_status_t srtp_unprotect(
  srtp_t ctx, const uint8_t* srtp, size_t srtpLen, uint8_t* rtp, size_t* rtpLen)
{
	return ms_srtp2_compat::Copy(srtp_unprotect, ctx, srtp, srtpLen, rtp, rtpLen, 0);
}
inline srtp_err_status_t srtp_protect_rtcp(
  srtp_t ctx, const uint8_t* rtcp, size_t rtcpLen, uint8_t* srtcp, size_t* srtcpLen, size_t mkiIndex)
{
	if (mkiIndex != 0)
		return srtp_err_status_bad_mki;
	// SRTCP adds a 4-byte E+index word on top of tag/MKI.
	return ms_srtp2_compat::Copy(
	  srtp_protect_rtcp, ctx, rtcp, rtcpLen, srtcp, srtcpLen, SRTP_MAX_TRAILER_LEN + 4);
}
inline srtp_err_status_t srtp_unprotect_rtcp(
  srtp_t ctx, const uint8_t* srtcp, size_t srtcpLen, uint8_t* rtcp, size_t* rtcpLen)
{
	return ms_srtp2_compat::Copy(srtp_unprotect_rtcp, ctx, srtcp, srtcpLen, rtcp, rtcpLen, 0);
}

#endif
HEOF
  for f in $(grep -rl '^#include <srtp.h>$' "$W/include" "$W/src"); do
    sed -i 's|^#include <srtp.h>$|#include <srtp.h>\n#include "srtp2_compat.hpp" // offline-build patch|' "$f"
  done
fi

# DTLS fix (mediasoup >= 3.13.0): onSslBioOut() returns 1 instead of the real
# result for BIO_ctrl() post-callbacks, so BIO_get_ktls_send() on the mem BIO
# reads "true" with Debian's KTLS-enabled libssl3, OpenSSL never allocates its
# write buffer and the worker SIGSEGVs on the first DTLS handshake write
# (upstream's bundled OpenSSL is built without KTLS, so upstream never sees it).
if grep -q '(operationType == BIO_CB_RETURN) ? static_cast<long>(ret) : 1;' "$W/src/RTC/DtlsTransport.cpp"; then
  log "patching DtlsTransport.cpp onSslBioOut() (KTLS / BIO_ctrl result)"
  sed -i 's/(operationType == BIO_CB_RETURN) ? static_cast<long>(ret) : 1;/(operationType \& BIO_CB_RETURN) ? static_cast<long>(ret) : 1; \/\/ offline-build patch/' \
    "$W/src/RTC/DtlsTransport.cpp"
  grep -q '(operationType & BIO_CB_RETURN)' "$W/src/RTC/DtlsTransport.cpp"
fi

# ----------------------------------------------------------------- 4. configure
MESON_OPTS=(--buildtype release -Db_ndebug=true -Db_pie=true -Db_staticpic=true
            --wrap-mode=nodownload)
grep -q "ms_disable_liburing" "$W/meson_options.txt" && MESON_OPTS+=(-Dms_disable_liburing=true)
log "meson setup ${MESON_OPTS[*]}"
cd "$W"
meson setup out/build "${MESON_OPTS[@]}"

# --------------------------------------------------------------------- 5. build
log "ninja (jobs=$JOBS)"
start=$(date +%s)
# Upstream also generates the flatbuffers headers first (libwebrtc needs them,
# but meson does not declare that ordering).
if [ -f fbs/meson.build ]; then ninja -C out/build fbs/FBS; fi
ninja -C out/build -j "$JOBS" mediasoup-worker
secs=$(( $(date +%s) - start ))
BIN="$W/out/build/mediasoup-worker"
mkdir -p "$WORK/out"; cp "$BIN" "$WORK/out/mediasoup-worker"
strip -o "$WORK/out/mediasoup-worker.stripped" "$BIN"
log "built in ${secs}s: $(stat -c %s "$BIN") bytes ($(stat -c %s "$WORK/out/mediasoup-worker.stripped") stripped)"
ldd "$BIN" | grep -E 'uv|ssl|crypto|srtp|usrsctp|absl_raw|flatbuffers|nss3' || true
# Worker sanity: without MEDIASOUP_VERSION it must refuse to run (exit code 41).
set +e; "$BIN" >/dev/null 2>&1; rc=$?; set -e
echo "mediasoup-worker (no env) exit code: $rc"

# ------------------------------------------------------------- 6. publish binary
[ "$rc" -lt 126 ] || { echo "mediasoup-worker sanity check failed (exit $rc)" >&2; exit 1; }
mkdir -p "$(dirname "$OUT_BIN")"
cp "$WORK/out/mediasoup-worker.stripped" "$OUT_BIN.tmp.$$" && mv "$OUT_BIN.tmp.$$" "$OUT_BIN"
rm -rf "$WORK"
log "mediasoup-worker $VERSION -> $OUT_BIN"
