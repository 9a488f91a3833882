#!/bin/sh
# Chromium and a CJK font for the audit.html browser test (tests/test_audit_browser.py).
#
# Idempotent and quick when both are present. Installs with apt-get only as root and only when
# allowed — CI is set, or XXGK_INSTALL_BROWSER=1 (`make test` sets it; `make test
# XXGK_INSTALL_BROWSER=0` opts out). Otherwise it says why and the browser test skips with that reason.
# Never fails the build: a machine without a browser still runs every other test.
set -u

have_browser() { command -v chromium >/dev/null 2>&1; }
have_cjk_font() { command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=zh family 2>/dev/null)" ]; }

if have_browser && have_cjk_font; then
    exit 0
fi
allowed="${XXGK_INSTALL_BROWSER:-0}"
[ -n "${CI:-}" ] && allowed=1
if [ "$allowed" != 1 ]; then
    echo "setup_browser: chromium or a CJK font is missing; set XXGK_INSTALL_BROWSER=1 (or CI) to install them" >&2
    exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "setup_browser: chromium or a CJK font is missing and this is not root on a Debian-like system; install chromium and fonts-noto-cjk by hand" >&2
    exit 0
fi
echo "setup_browser: installing chromium and fonts-noto-cjk (one time)" >&2
apt-get update -qq >/dev/null &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null ||
    echo "setup_browser: apt-get failed; the browser test will skip" >&2
exit 0
