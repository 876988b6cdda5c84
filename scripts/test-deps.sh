#!/usr/bin/env bash
# Installs the Debian packages the tests run against, when missing: Dovecot (the real POP3
# server, with LMTP for delivery), Postfix (the real submission server), nginx (the reverse proxy of e2e tests), Chromium with CJK and emoji fonts (browser
# tests, so screenshots show what people see), Firefox ESR and WebKitGTK's WebDriver with Xvfb
# (the sanitizer corpus in every engine),
# Caddy and HAProxy (to validate the shipped proxy configs with their own tools), and
# fail2ban (to check the shipped filter with fail2ban-regex).
# Idempotent and silent when all is present; runs as root (CI) or through sudo.
set -euo pipefail

has_package() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

has_cjk_font() {
  has_package fonts-noto-cjk || { command -v fc-list >/dev/null && fc-list | grep -qi 'Noto Sans CJK'; }
}

# Paths, not `command -v`: /usr/sbin is often missing from a non-root PATH.
want=()
[ -x /usr/sbin/dovecot ] || want+=(dovecot-core)
[ -x /usr/lib/dovecot/pop3 ] || want+=(dovecot-pop3d)
[ -x /usr/lib/dovecot/lmtp ] || want+=(dovecot-lmtpd)
[ -x /usr/sbin/postfix ] || want+=(postfix)
[ -x /usr/sbin/nginx ] || want+=(nginx)
[ -x /usr/bin/chromium ] || want+=(chromium)
[ -x /usr/bin/firefox-esr ] || want+=(firefox-esr)
[ -x /usr/bin/WebKitWebDriver ] || want+=(webkit2gtk-driver)
[ -x /usr/bin/Xvfb ] || want+=(xvfb)
[ -x /usr/bin/caddy ] || want+=(caddy)
[ -x /usr/sbin/haproxy ] || want+=(haproxy)
[ -x /usr/bin/fail2ban-regex ] || want+=(fail2ban)
has_cjk_font || want+=(fonts-noto-cjk)
has_package fonts-noto-color-emoji || want+=(fonts-noto-color-emoji)
[ ${#want[@]} -eq 0 ] && exit 0

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "test-deps: need root or sudo to install ${want[*]}" >&2; exit 1; }
  as_root=(sudo)
fi
# `env` inside sudo: sudo drops DEBIAN_FRONTEND from the caller's environment.
apt=("${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -qq -o DPkg::Lock::Timeout=300)

echo "test-deps: installing ${want[*]}"
# Postfix asks how to configure the system's mail; the tests run a private instance only.
echo 'postfix postfix/main_mailer_type select No configuration' |
  "${as_root[@]}" debconf-set-selectionslog=$(mktemp)
trap 'rm -f "$log"' EXIT
# Quiet unless it fails; then apt's own words say why.
if ! { "${apt[@]}" update && "${apt[@]}" install -y --no-install-recommends "${want[@]}"; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "test-deps: apt-get failed" >&2
  exit 1
fi
