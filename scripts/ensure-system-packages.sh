#!/usr/bin/env bash
# Installs the Debian packages the service (and, with --for-tests, its tests) needs when they are
# missing: Chromium renders the summary page of PDF reports; DejaVu Sans (fonts-dejavu-core) is the
# font of their tables (without it they print in Helvetica, non-Latin text as '?'); pdftotext reads them back in tests; promtool (from the
# prometheus package, whose server is never started) checks the alert rules in tests. Never puppeteer's own
# browser download. Without root (or passwordless sudo) it says what to install and carries on:
# everything but PDF works, and a PDF report then fails at once with the same advice.
#   bash scripts/ensure-system-packages.sh [--for-tests]
set -euo pipefail

missing=()
if [ -n "${CHROMIUM_PATH:-}" ]; then
  [ -x "$CHROMIUM_PATH" ] || { echo "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable file" >&2; exit 1; }
else
  command -v chromium >/dev/null || missing+=(chromium)
fi
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
if [ "${1:-}" = "--for-tests" ]; then
  command -v pdftotext >/dev/null || missing+=(poppler-utils)
  command -v promtool >/dev/null || missing+=(prometheus)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "missing Debian packages: ${missing[*]} (install them: sudo apt-get install ${missing[*]})" >&2
  echo "PDF reports fail until Chromium is installed (or CHROMIUM_PATH names a browser)." >&2
  [ "${1:-}" = "--for-tests" ] && exit 1
  exit 0
fi
echo "installing Debian packages: ${missing[*]}"
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
