#!/usr/bin/env bash
# tests/report/report_test.sh: the HTML report checks (issue 5).
#
# usage: report_test.sh MODE PLANCAST OUTDIR
#   content  run, compare and sensitivity reports of tests/report/four.yaml: one SVG chart
#            per indicator, every target id, no http(s) reference, UTF-8 Chinese titles,
#            escaped markup, an A4 print rule; a bad --report folder fails before any work.
#   browser  the same reports in headless Chromium: no console message, screenshot not
#            blank, printed to a PDF on A4. Negative controls first: a page that logs an
#            error must be caught and a blank page must read as blank. Exit 77 (skipped)
#            only when chromium is absent.
set -uo pipefail
mode=$1 pc=$2 out=$3
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
scenario=$here/four.yaml
indicators=(gdp core_va core_va_share listed_companies)
targets=(core_va_2025 share_2025 listed_by_2030)
fail=0
check() {  # check DESCRIPTION COMMAND...: run COMMAND, report, remember a failure
  local what=$1
  shift
  if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; fail=1; fi
}
mkdir -p "$out"
rm -f "$out"/*.html "$out"/*.png "$out"/*.pdf

make_reports() {
  "$pc" run "$scenario" --runs 4000 --threads 2 --quiet --report "$out/run.html" || return 1
  "$pc" compare "$scenario" --runs 3000 --threads 2 --quiet --report "$out/compare.html" || return 1
  "$pc" sensitivity "$scenario" --of core_va_2025 --runs 500 --threads 2 --quiet \
    --report "$out/sobol.html" || return 1
  "$pc" sensitivity "$scenario" --of core_va@2025 --method tornado --runs 500 --threads 2 \
    --quiet --report "$out/tornado.html" || return 1
}

# The <figure> of one indicator's fan chart holds an <svg>.
has_chart() { grep -q "<figure class=\"chart\" id=\"indicator-$2\"><figcaption>.*" "$1" &&
  awk -v id="id=\"indicator-$2\"" 'index($0, id) {f = 1} f && /<svg / {print "svg"; exit}' "$1" |
  grep -q svg; }
no_http() { ! grep -qiE 'https?:' "$1"; }
no_fetch() { ! grep -qiE '<(link|img|iframe|object|embed)\b|src=|@import|url\(' "$1"; }

case "$mode" in
content)
  check "reports written" make_reports
  for f in run compare sobol tornado; do
    check "$f.html: doctype and UTF-8" grep -q '<meta charset="utf-8">' "$out/$f.html"
    check "$f.html: no http(s) reference" no_http "$out/$f.html"
    check "$f.html: nothing fetched (no link/img/src/url())" no_fetch "$out/$f.html"
    check "$f.html: A4 print rule" grep -q '@page { size: A4' "$out/$f.html"
    check "$f.html: complete (ends with </html>)" bash -c "tail -1 '$out/$f.html' | grep -q '</html>'"
  done
  for i in "${indicators[@]}"; do
    check "run.html: fan chart (SVG) of $i" has_chart "$out/run.html" "$i"
    check "compare.html: fan chart (SVG) of $i" has_chart "$out/compare.html" "$i"
  done
  n=$(grep -c '<figure class="chart" id="indicator-' "$out/run.html")
  check "run.html: exactly 4 indicator charts (found $n)" test "$n" -eq 4
  for t in "${targets[@]}"; do
    check "run.html: target $t" grep -q "id=\"target-$t\"" "$out/run.html"
    check "compare.html: target $t" grep -q "id=\"target-$t\"" "$out/compare.html"
  done
  check "run.html: first-reach curve of the 'by' target" grep -q 'id="reach-listed_by_2030"' "$out/run.html"
  check "run.html: Chinese title in UTF-8" grep -q '数字经济核心产业增加值' "$out/run.html"
  check "run.html: markup in a title escaped" grep -q 'Listed companies &lt;&amp;&gt; &quot;quoted&quot;' "$out/run.html"
  check "run.html: assumptions table" grep -q 'gamma(shape' "$out/run.html"
  check "run.html: runs and seed" grep -q '<dt>seed</dt><dd>11</dd>' "$out/run.html"
  # Issue 19 part 2: every assumption as the file writes it, parameters by their titles.
  check "run.html: a parameter by its title" grep -q '<td>GDP growth (地区生产总值) (gdp_trend)</td>' "$out/run.html"
  check "run.html: a distribution as written" grep -q '<code>{dist: gamma, mean: 3.4, sd: 1.0}</code>' "$out/run.html"
  check "run.html: a rate as a percentage a year" grep -q '>7% a year</td>' "$out/run.html"
  check "run.html: a unit after a value" grep -q ' firms a year</td>' "$out/run.html"
  check "run.html: noise in words" grep -q 'sd 1% around the trend of its yearly rate' "$out/run.html"
  check "run.html: own shocks in words" grep -q '5% a year chance of a shock of -15% to -3% (uniform)' "$out/run.html"
  check "run.html: an event's shocks in words" grep -q 'in the years of event recession, a shock of -5%' "$out/run.html"
  check "run.html: the event, its chance and share of run-years" grep -qE '<td>recession</td><td>8% a year</td><td>2021–2030</td><td>gdp</td><td class="num">[0-9.]+%</td>' "$out/run.html"
  check "sobol.html: a parameter by its title" grep -q 'GDP growth (地区生产总值) (gdp_trend)' "$out/sobol.html"
  check "tornado.html: a parameter by its title" grep -q '<td>GDP growth (地区生产总值) (gdp_trend)</td>' "$out/tornado.html"
  check "compare.html: each variant its own dash pattern" bash -c "grep -q 'stroke-width=\"4\" stroke-dasharray=\"7 3\"' '$out/compare.html' && grep -q 'stroke-width=\"4\" stroke-dasharray=\"2 2.5\"' '$out/compare.html'"
  check "compare.html: every variant's probability at the target" bash -c "grep -qE 'class=\"lab\" text-anchor=\"start\">policy_push [0-9.]+%<' '$out/compare.html' && grep -qE 'class=\"lab\" text-anchor=\"start\">slow [0-9.]+%<' '$out/compare.html'"
  check "compare.html: every variant overlaid" bash -c "grep -q 'policy_push: median' '$out/compare.html' && grep -q 'slow: median' '$out/compare.html'"
  check "sobol.html: S1/ST chart" grep -q "id=\"sobol\"><svg" "$out/sobol.html"
  check "tornado.html: tornado chart" grep -q 'id="tornado"><svg' "$out/tornado.html"
  # A folder that does not exist: exit 1 before any work, no file.
  "$pc" run "$scenario" --runs 2000000 --quiet --report "$out/no/such/dir/r.html" 2>"$out/err.txt"
  rc=$?
  check "--report into a missing folder: exit 1 at once (got $rc)" test "$rc" -eq 1
  check "--report into a missing folder: says why" grep -q 'cannot write' "$out/err.txt"
  "$pc" sensitivity "$scenario" --of core_va_2025 --quiet --report "$out/no/such/dir/s.html" 2>/dev/null
  rc=$?
  check "sensitivity --report into a missing folder: exit 1 (got $rc)" test "$rc" -eq 1
  "$pc" compare "$scenario" --runs 100 --quiet --report - >/dev/null 2>&1
  rc=$?
  check "compare --report -: refused, exit 2 (got $rc)" test "$rc" -eq 2
  "$pc" run "$scenario" --runs 100 --quiet --report "$out/same.html" --json "$out/same.html" 2>"$out/err.txt"
  rc=$?
  check "--report and --json the same file: exit 2 (got $rc)" test "$rc" -eq 2
  check "--report and --json the same file: nothing written" test ! -e "$out/same.html"
  ;;
browser)
  command -v chromium >/dev/null 2>&1 || { echo "chromium not installed: skipped"; exit 77; }
  # Negative controls: the detectors must be able to fail.
  printf '<!DOCTYPE html><meta charset="utf-8"><p>x</p><script>console.error("planted")</script>\n' >"$out/planted.html"
  "$here/chromium.sh" "$out/planted.html" "$out/planted.png" 800x600 >/dev/null
  rc=$?
  check "control: a console.error is caught (exit $rc)" test "$rc" -eq 1
  printf '<!DOCTYPE html><meta charset="utf-8"><title>blank</title>\n' >"$out/blank.html"
  "$here/chromium.sh" "$out/blank.html" "$out/blank.png" 800x600 >/dev/null
  check "control: a blank page reads as blank" bash -c "! python3 '$here/png_check.py' '$out/blank.png'"
  check "reports written" make_reports
  for f in run compare sobol tornado; do
    check "$f.html: loads in Chromium with no console message" \
      "$here/chromium.sh" "$out/$f.html" "$out/$f.png" 1200x1600
    check "$f.html: screenshot is not blank" python3 "$here/png_check.py" "$out/$f.png"
  done
  # Printing: A4 pages (595 x 842 points).
  profile=$(mktemp -d)
  timeout 90 chromium --headless=new --no-sandbox --disable-gpu --user-data-dir="$profile" \
    --no-pdf-header-footer --print-to-pdf="$out/run.pdf" "file://$out/run.html" >/dev/null 2>&1
  rm -rf "$profile"
  check "run.html prints to a PDF" test -s "$out/run.pdf"
  check "run.pdf pages are A4" bash -c "grep -aq 'MediaBox \[0 0 59[45]\.[0-9]* 84[12]\.[0-9]*\]' '$out/run.pdf'"
  ;;
*)
  echo "usage: report_test.sh content|browser PLANCAST OUTDIR" >&2
  exit 2
  ;;
esac
exit "$fail"
