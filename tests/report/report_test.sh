#!/usr/bin/env bash
# tests/report/report_test.sh: the HTML report checks (issue 5).
#
# usage: report_test.sh MODE PLANCAST OUTDIR
#   content  run, compare, sensitivity, audit, solve, discover and merge reports of
#            tests/report/four.yaml: one SVG chart per indicator, every target id, the run
#            report's first page (an answer per target, the exceedance curves, their hover
#            titles, integer axis ticks), no http(s) reference, UTF-8 Chinese titles,
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
  "$pc" audit "$scenario" --report "$out/audit.html" >/dev/null || return 1
  "$pc" solve "$scenario" --target core_va_2025 --vary parameters.core_trend.mean \
    --probability 0.5 --runs 1000 --threads 2 --quiet --report "$out/solve.html" || return 1
  "$pc" discover "$scenario" --target core_va_2025 --find met --runs 4000 --threads 2 --quiet \
    --report "$out/discover.html" || return 1
  "$pc" run "$scenario" --runs 4000 --threads 2 --quiet --shard 1/2 --json "$out/shard1.json" &&
    "$pc" run "$scenario" --runs 4000 --threads 2 --quiet --shard 2/2 --json "$out/shard2.json" &&
    "$pc" merge "$out/shard2.json" "$out/shard1.json" --quiet --report "$out/merge.html" || return 1
}
reports=(run compare sobol tornado audit solve discover merge)

# The <figure> of one indicator's fan chart holds an <svg>.
has_chart() { grep -q "<figure class=\"chart\" id=\"indicator-$2\"><figcaption>.*" "$1" &&
  awk -v id="id=\"indicator-$2\"" 'index($0, id) {f = 1} f && /<svg / {print "svg"; exit}' "$1" |
  grep -q svg; }
no_http() { ! grep -qiE 'https?:' "$1"; }
no_fetch() { ! grep -qiE '<(link|img|iframe|object|embed)\b|src=|@import|url\(' "$1"; }

case "$mode" in
content)
  check "reports written" make_reports
  for f in "${reports[@]}"; do
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
  # The first page (issue 19, 3): before the target table and the fan charts, an answer per
  # target in calibrated words with its interval, the growth it needs (audit) and the
  # assumption that moves it most; an exceedance curve per target indicator and year.
  order_ok() { awk '/<section id="answer">/ {a = NR} /<section id="targets">/ {t = NR}
    /<section id="indicators">/ {i = NR} END {exit !(a && t && i && a < t && t < i)}' "$1"; }
  check "run.html: the first page comes before the target table and the fan charts" order_ok "$out/run.html"
  words='(virtually certain|very likely|likely|about as likely as not|unlikely|very unlikely|exceptionally unlikely)'
  for t in "${targets[@]}"; do
    check "run.html: first-page answer for $t in words, with its interval" \
      grep -qE "id=\"answer-$t\"><h3>.*</h3>" "$out/run.html"
  done
  n=$(grep -cE "<p class=\"verdict\"><b>$words</b> \([0-9.<]+%, 95% interval [0-9.<]+%–[0-9.<]+%\)</p>" "$out/run.html")
  check "run.html: 3 verdicts 'WORDS (P%, 95% interval A%–B%)' (found $n)" test "$n" -eq 3
  check "run.html: the growth core_va_2025 needs, against history and assumption" \
    grep -qE 'Growth needed</span> 506.9 \(2020\) -&gt; 1,350 needs [0-9.]+%/yr over 5 years; history' "$out/run.html"
  check "run.html: the assumption that moves core_va_2025 most" \
    bash -c "grep -A4 'id=\"answer-core_va_2025\"' '$out/run.html' | grep -q 'Moves it most</span> <b>core_trend</b>: rank correlation +0'"
  check "run.html: the assumption that moves listed_by_2030 most" \
    bash -c "grep -A4 'id=\"answer-listed_by_2030\"' '$out/run.html' | grep -q 'Moves it most</span> <b>New listings (listings)</b>'"
  check "run.html: no discover box unless asked" bash -c "! grep -q 'Mostly missed when' '$out/run.html'"
  "$pc" run "$scenario" --runs 4000 --threads 2 --quiet --report "$out/run_discover.html" --report-discover
  check "--report-discover: share_2025 mostly missed when core_trend is low (as plancast discover)" \
    bash -c "grep -A5 'id=\"answer-share_2025\"' '$out/run_discover.html' | grep -qE 'Mostly missed when</span> <b>core_trend</b> ≤ 0\.[0-9]+: [0-9.]+% of the runs in this box miss the target'"
  check "--report-discover: listed_by_2030 mostly missed when listings is low" \
    bash -c "grep -A5 'id=\"answer-listed_by_2030\"' '$out/run_discover.html' | grep -q 'Mostly missed when</span> <b>New listings (listings)</b> ≤ '"
  "$pc" run "$scenario" --runs 100 --quiet --report-discover 2>"$out/err.txt"
  rc=$?
  check "--report-discover without --report: exit 2 (got $rc)" test "$rc" -eq 2
  check "--report-discover without --report: says so" grep -q -- '--report-discover needs --report' "$out/err.txt"
  for c in core_va-2025 core_va_share-2025 listed_companies-2030; do
    check "run.html: exceedance curve of $c" grep -q "<figure class=\"chart\" id=\"exceed-$c\">" "$out/run.html"
  done
  # Hover: native SVG tooltips, no script.
  n=$(grep -cE '<circle class="pt" [^>]*><title>P\(value ≥ [0-9,.]+\) = [0-9.]+%</title></circle>' "$out/run.html")
  check "run.html: 19 hover points per exceedance curve (found $n)" test "$n" -eq 57
  check "run.html: each target marked on its curve with a tooltip" \
    grep -qE '<circle class="target" [^>]*><title>core_va_2025 ≥ 1350: [0-9.]+%</title>' "$out/run.html"
  check "run.html: no script" bash -c "! grep -qi '<script' '$out/run.html'"
  # GDP at 6% a year: its fan's axis has ticks 2,500 apart, once written "12,500.0".
  "$pc" run "$scenario" --runs 2000 --threads 2 --quiet --set parameters.gdp_trend.mean=0.06 \
    --report "$out/ticks.html"
  check "ticks.html: the axis reads 12,500" grep -q 'class="tick" text-anchor="end">12,500<' "$out/ticks.html"
  for f in run ticks; do
    check "$f.html: no axis tick like 12,500.0" bash -c "! grep -qE 'class=\"tick[^\"]*\"[^>]*>-?[0-9]{1,3}(,[0-9]{3})+\\.0<' '$out/$f.html'"
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
  # audit: every finding graded, with its numbers; the needed growth of core_va_2025 charted.
  n=$(grep -c '<tr id="finding-' "$out/audit.html")
  check "audit.html: the 6 findings of four.yaml (found $n)" test "$n" -eq 6
  check "audit.html: grades shown" bash -c "grep -q '>warning</span>' '$out/audit.html' && grep -q '>ok</span>' '$out/audit.html'"
  check "audit.html: a finding's numbers" grep -q '<code>required_rate</code> 0.216416' "$out/audit.html"
  check "audit.html: needed growth chart of core_va_2025" grep -q 'id="growth-target-core_va_2025"><figcaption>' "$out/audit.html"
  check "audit.html: chart has needed, history and assumption" bash -c "grep -A30 'id=\"growth-target-core_va_2025\"' '$out/audit.html' | grep -q '>history</text>' && grep -A30 'id=\"growth-target-core_va_2025\"' '$out/audit.html' | grep -q '>assumption</text>'"
  check "audit.html: the implied value charted too" grep -q 'id="growth-implied-gdp"' "$out/audit.html"
  # solve: the answer with its interval, the trajectory chart with a point per evaluation.
  value=$(grep -o '</code> = <strong>[0-9.]*</strong>' "$out/solve.html" | grep -o '[0-9][0-9.]*')
  check "solve.html: the answer ($value) near 0.22" python3 -c "import sys; v=float('$value'); sys.exit(not 0.2 < v < 0.24)"
  check "solve.html: its 95% interval" grep -q '(95% interval [0-9.]* to [0-9.]*)' "$out/solve.html"
  check "solve.html: trajectory chart" grep -q 'id="trajectory"><svg' "$out/solve.html"
  pts=$(grep -c '<circle .*parameters.core_trend.mean = ' "$out/solve.html")
  rows=$(grep -c '^<tr><td class="num">[0-9]*</td><td class="num">' "$out/solve.html")
  check "solve.html: a point per evaluation ($pts points, $rows rows)" bash -c "test '$pts' -gt 3 && test '$pts' -eq '$rows'"
  # discover: the chosen box's limits, the trajectory.
  check "discover.html: core_trend limited from below" grep -q '<td>core_trend</td><td><strong>≥ 0\.' "$out/discover.html"
  check "discover.html: trajectory chart" grep -q 'id="trajectory"><svg' "$out/discover.html"
  check "discover.html: the chosen box marked" grep -q '>chosen box [0-9]*</text>' "$out/discover.html"
  # merge: the run report of the whole job, byte for byte.
  "$pc" run "$scenario" --runs 4000 --threads 2 --quiet --report "$out/run4000.html"
  check "merge.html: identical to the run's report" cmp -s "$out/merge.html" "$out/run4000.html"
  # A folder that does not exist: exit 1 before any work, no file.
  "$pc" run "$scenario" --runs 2000000 --quiet --report "$out/no/such/dir/r.html" 2>"$out/err.txt"
  rc=$?
  check "--report into a missing folder: exit 1 at once (got $rc)" test "$rc" -eq 1
  check "--report into a missing folder: says why" grep -q 'cannot write' "$out/err.txt"
  "$pc" sensitivity "$scenario" --of core_va_2025 --quiet --report "$out/no/such/dir/s.html" 2>/dev/null
  rc=$?
  check "sensitivity --report into a missing folder: exit 1 (got $rc)" test "$rc" -eq 1
  for c in "audit $scenario" "solve $scenario --target core_va_2025 --vary parameters.core_trend.mean --probability 0.5 --runs 100 --quiet" "discover $scenario --target core_va_2025 --runs 500 --quiet"; do
    name=${c%% *}
    # shellcheck disable=SC2086
    "$pc" $c --report "$out/no/such/dir/$name.html" >/dev/null 2>"$out/err.txt"
    rc=$?
    check "$name --report into a missing folder: exit 1 (got $rc)" test "$rc" -eq 1
    check "$name --report into a missing folder: says why" grep -q 'cannot write' "$out/err.txt"
    # shellcheck disable=SC2086
    "$pc" $c --report - >/dev/null 2>&1
    rc=$?
    check "$name --report -: refused, exit 2 (got $rc)" test "$rc" -eq 2
    # shellcheck disable=SC2086
    "$pc" $c --report "$out/$name-same.html" --json "$out/$name-same.html" >/dev/null 2>&1
    rc=$?
    check "$name --report and --json the same file: exit 2 (got $rc)" test "$rc" -eq 2
    check "$name --report and --json the same file: nothing written" test ! -e "$out/$name-same.html"
  done
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
  for f in "${reports[@]}"; do
    check "$f.html: loads in Chromium with no console message" \
      "$here/chromium.sh" "$out/$f.html" "$out/$f.png" 1200x1600
    check "$f.html: screenshot is not blank" python3 "$here/png_check.py" "$out/$f.png"
  done
  check "run.html#answer: the first page renders (screenshot not blank)" bash -c \
    "'$here/chromium.sh' '$out/run.html' '$out/answer.png' 1200x900 answer && python3 '$here/png_check.py' '$out/answer.png'"
  # Printing: A4 pages (595 x 842 points).
  for f in run audit solve discover; do
    profile=$(mktemp -d)
    timeout 90 chromium --headless=new --no-sandbox --disable-gpu --user-data-dir="$profile" \
      --no-pdf-header-footer --print-to-pdf="$out/$f.pdf" "file://$out/$f.html" >/dev/null 2>&1
    rm -rf "$profile"
    check "$f.html prints to a PDF" test -s "$out/$f.pdf"
    check "$f.pdf pages are A4" bash -c "grep -aq 'MediaBox \[0 0 59[45]\.[0-9]* 84[12]\.[0-9]*\]' '$out/$f.pdf'"
  done
  ;;
*)
  echo "usage: report_test.sh content|browser PLANCAST OUTDIR" >&2
  exit 2
  ;;
esac
exit "$fail"
