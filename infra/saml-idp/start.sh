#!/usr/bin/env bash
# Debian's SimpleSAMLphp (apt: simplesamlphp php-cli php-xml) as a loopback SAML IdP for the SSO tests (R11):
# users alice/alicepass and bob/bobpass (email alice@acme.test, bob@acme.test), response and assertion
# signed with RSA-SHA256. Runs in the foreground (exec php -S): start it with setsid and stop its process
# group (php's built-in server may leave workers otherwise).
# Env: IDP_PORT (default 8089), IDP_DIR (state: cert/, log/, sps.json — the SPs, see metadata/saml20-sp-remote.php).
# IdP metadata: http://127.0.0.1:$IDP_PORT/saml2/idp/metadata.php
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export IDP_PORT=${IDP_PORT:-8089} IDP_DIR=${IDP_DIR:-$(mktemp -d /tmp/tsudoi-idp.XXXX)}
command -v php >/dev/null && [ -d /usr/share/simplesamlphp/www ] && php -r 'exit(class_exists("DOMDocument") ? 0 : 1);' || {
  echo "needs: apt-get install simplesamlphp php-cli php-xml" >&2
  exit 1
}
mkdir -p "$IDP_DIR"/{cert,log,data,tmp}
[ -f "$IDP_DIR/cert/idp.crt" ] || openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 \
  -subj "/CN=127.0.0.1 test IdP" -keyout "$IDP_DIR/cert/idp.key" -out "$IDP_DIR/cert/idp.crt" 2>/dev/null
[ -f "$IDP_DIR/sps.json" ] || echo '[]' >"$IDP_DIR/sps.json"
export SIMPLESAMLPHP_CONFIG_DIR="$here/config"
exec php -S "127.0.0.1:$IDP_PORT" -t /usr/share/simplesamlphp/www >"$IDP_DIR/log/php.log" 2>&1
