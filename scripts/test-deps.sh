#!/usr/bin/env bash
# Installs the Debian packages the tests run against, when missing: Dovecot (the
# real POP3 server). Idempotent; runs as root (CI) or through sudo.
set -euo pipefail

want=()
command -v dovecot >/dev/null 2>&1 || want+=(dovecot-core)
[ -x /usr/lib/dovecot/pop3 ] || want+=(dovecot-pop3d)
[ ${#want[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing test dependencies: ${want[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
