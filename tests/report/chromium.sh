#!/usr/bin/env bash
# tests/report/chromium.sh: load an HTML file in headless Chromium (Debian's `chromium`),
# save a screenshot, and fail if the page wrote anything to the browser console (a script
# error, a refused resource, a console.error). The one helper used by the report tests and
# by the docs screenshots (tests/report/screenshots.sh).
#
# usage: chromium.sh FILE.html OUT.png WIDTHxHEIGHT [FRAGMENT]
#   exit 0: loaded, no console message, screenshot written
#   exit 1: console messages (printed) or no screenshot
#   exit 77: chromium is not installed (CTest SKIP_RETURN_CODE)
set -uo pipefail
html=$1 png=$2 size=$3 fragment=${4:-}
command -v chromium >/dev/null 2>&1 || { echo "chromium.sh: chromium not installed: skipped"; exit 77; }
[ -f "$html" ] || { echo "chromium.sh: no file $html"; exit 1; }
url="file://$(readlink -f "$html")${fragment:+#$fragment}"
profile=$(mktemp -d)
log=$(mktemp)
trap 'rm -rf "$profile" "$log"' EXIT
rm -f "$png"
# --no-sandbox: CI runs as root, where Chromium refuses its sandbox. --enable-logging=stderr
# --v=0 prints every console message as a line "...:INFO:CONSOLE:N] "message", source: ...".
# A fresh profile per call; no network is needed (the report fetches nothing).
timeout 90 chromium --headless=new --no-sandbox --disable-gpu --no-first-run \
  --no-default-browser-check --disable-extensions --hide-scrollbars --force-device-scale-factor=1 \
  --user-data-dir="$profile" --enable-logging=stderr --v=0 \
  --window-size="${size/x/,}" --screenshot="$png" "$url" >"$log" 2>&1
rc=$?
if grep -q ':CONSOLE' "$log"; then
  echo "chromium.sh: console messages while loading $html:"
  grep ':CONSOLE' "$log"
  exit 1
fi
if [ ! -s "$png" ]; then
  echo "chromium.sh: no screenshot of $html (chromium exit $rc):"
  tail -20 "$log"
  exit 1
fi
echo "chromium.sh: $html loaded without console messages; screenshot $png ($size)"
exit 0
