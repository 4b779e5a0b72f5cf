#!/bin/sh
# The HTML report in a real browser: headless Chromium (Debian's `chromium`, installed by
# scripts/install-deps.sh) loads the page with the test hash (#cs-test&host=...&phase=...), in
# which the page applies the filters and writes what it drew into <pre id="cs-test-result">;
# --dump-dom hands the DOM back, and the page's console (errors, CSP violations) comes on stderr
# with --enable-logging. Without chromium each case exits 77 (CTest: skipped) with a message.
# Usage: html_report_test.sh CASE BINARY SOURCE_DIR WORK_DIR
set -u
case_name=$1 bin=$2 src=$3 work=$4
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
sample=$src/samples/quickstart.evtx

fail() { echo "FAIL ($case_name): $*" >&2; exit 1; }

browser=""
for b in chromium chromium-browser google-chrome; do
  if command -v "$b" >/dev/null 2>&1; then browser=$b; break; fi
done

chrome() {  # chrome OUTFILE ARGS...: one fresh headless run
  out=$1; shift
  rm -rf "$work/profile"
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --disable-default-apps --disable-extensions --user-data-dir="$work/profile" \
    --enable-logging=stderr --v=0 "$@" > "$out" 2> "$out.stderr"
}

# page FILE HASH: loads FILE#HASH, leaves the page's test result (JSON) in result.json and fails
# on any console message (script errors and CSP violations are console messages).
page() {
  chrome dom.html --virtual-time-budget=10000 --window-size=1400,1000 --dump-dom "file://$work/$1$2" ||
    fail "chromium exit $? on $1$2: $(tail -5 dom.html.stderr)"
  if grep -q 'CONSOLE' dom.html.stderr; then
    fail "console messages on $1$2: $(grep CONSOLE dom.html.stderr | head -5)"
  fi
  sed -n 's/.*<pre id="cs-test-result">\([^<]*\)<\/pre>.*/\1/p' dom.html |
    sed 's/&lt;/</g; s/&gt;/>/g; s/&quot;/"/g; s/&nbsp;/ /g; s/&amp;/\&/g' > result.json
  [ -s result.json ] || fail "no test result in the DOM of $1$2"
  jq -e . result.json > /dev/null || fail "test result is not JSON: $(head -c 400 result.json)"
  [ "$(jq -r '.errors | length' result.json)" = 0 ] || fail "page errors: $(jq -c .errors result.json)"
  [ "$(jq -r .unsafe_nodes result.json)" = 0 ] || fail "unsafe nodes in the DOM of $1$2"
}
check() {  # check JQ_EXPRESSION: true on result.json
  jq -e "$1" result.json > /dev/null || fail "expected $1 in $(head -c 1500 result.json)"
}

quickstart_page() {
  "$bin" scan -q --no-summary -f jsonl -o run.jsonl --html report.html "$sample" || fail "scan exit $?"
  page report.html '#cs-test'
  n=$(grep -c '"type":"finding"' run.jsonl)
  i=$(grep -c '"type":"incident"' run.jsonl)
  check ".findings == $n and .shown == $n and .incidents == $i and .incident_cards == $i"
  check '.timeline_lanes == 2 and .timeline_points == .findings'
  check '.top_phases[0:3] == ["① recon", "② discovery", "③ spread"]'
  check '.table_rows_visible > 10 and .table_rows_in_dom < 60'
  check '.overview[0] == (.findings | tostring) and .overview[2] == "2"'
  # A screenshot of the whole page for people (build dir, not compared).
  chrome shot.log --hide-scrollbars --window-size=1400,2200 --virtual-time-budget=10000 \
    --screenshot="$work/quickstart.png" "file://$work/report.html" || fail "screenshot exit $?"
  [ -s quickstart.png ] || fail "no screenshot"
}

filters_and_sort() {
  "$bin" scan -q --no-summary -f jsonl -o run.jsonl --html report.html "$sample" || fail "scan exit $?"
  total=$(grep -c '"type":"finding"' run.jsonl)
  dc=$(grep '"type":"finding"' run.jsonl | grep -c '"host":"DC01.corp.example"')
  page report.html '#cs-test&host=DC01.corp.example'
  check ".shown == $dc and .shown < $total and .timeline_lanes == 1 and .timeline_points == $dc"
  check '[.first_rows[][1]] | all(. == "DC01.corp.example")'
  check '.incident_cards == 1'
  spread=$(grep '"type":"finding"' run.jsonl | grep -c '"phase":"spread"')
  page report.html '#cs-test&phase=spread'
  check ".shown == $spread and ([.first_rows[][3]] | all(. == \"spread\"))"
  check '.top_phases == ["③ spread"]'
  # Text matches (case-insensitively) the command line, command, rule, host, user, image,
  # parent image, incident, tactic, technique and source.
  text=$(jq -s '[.[] | select(.type=="finding") | [.command_line, .command, .rule, .host, .user,
    .image, .parent_image, (.incident // ""), .tactic, (.technique | join(" ")), .source] |
    join("\n") | ascii_downcase | select(contains("mstsc_upd"))] | length' run.jsonl)
  page report.html '#cs-test&text=MSTSC_UPD'
  check ".shown == $text and .shown > 0 and .shown < $total"
  page report.html '#cs-test&level=high&sort=time:desc'
  check '.shown > 0 and ([.first_rows[][4]] | all(. == "high" or . == "critical"))'
  check '[.first_rows[][0]] as $t | $t == ($t | sort | reverse)'
  page report.html '#cs-test&user=nobody'
  check '.shown == 0 and .table_rows_visible == 0 and .timeline_points == 0 and .incident_cards == 0'
}

report_from_jsonl() {
  "$bin" scan -q --no-summary -f jsonl -o run.jsonl --html direct.html "$sample" || fail "scan exit $?"
  "$bin" report run.jsonl --html saved.html -q || fail "report exit $?"
  page direct.html '#cs-test&sort=host:asc'
  jq -c 'del(.load_ms, .apply_ms)' result.json > direct.json
  page saved.html '#cs-test&sort=host:asc'
  jq -c 'del(.load_ms, .apply_ms)' result.json > saved.json
  cmp -s direct.json saved.json || fail "scan --html and report differ: $(cat direct.json) vs $(cat saved.json)"
  # The output filters apply to a saved run too.
  dc=$(grep '"type":"finding"' run.jsonl | grep -c '"host":"DC01.corp.example"')
  "$bin" report run.jsonl --html dc.html -q --host DC01 || fail "report --host exit $?"
  page dc.html '#cs-test'
  check ".findings == $dc and .incidents == 1"
  # From stdin, and the clobber rule.
  "$bin" report - --html saved.html -q < run.jsonl 2> err.txt && fail "overwrote without --force"
  grep -q 'use --force' err.txt || fail "no --force hint: $(cat err.txt)"
  "$bin" report - --html saved.html -q --force < run.jsonl || fail "report --force exit $?"
  # A malformed line is skipped, counted, and the exit status says so.
  { cat run.jsonl; echo 'not json'; } > bad.jsonl
  "$bin" report bad.jsonl --html bad.html 2> err.txt
  [ $? = 1 ] || fail "malformed line: expected exit 1"
  grep -q 'line .*skipped' err.txt || fail "no skipped-line warning: $(cat err.txt)"
  "$bin" report missing.jsonl --html x.html 2> /dev/null
  [ $? = 1 ] || fail "missing run: expected exit 1"
  "$bin" report run.jsonl 2> /dev/null
  [ $? = 2 ] || fail "missing --html: expected exit 2"
}

hostile_page() {
  "$bin" scan -q --no-summary --no-incidents -f jsonl -o run.jsonl --html report.html \
    "$src/tests/cli/report/hostile.jsonl" || fail "scan exit $?"
  n=$(grep -c '"type":"finding"' run.jsonl)
  [ "$n" -ge 8 ] || fail "expected 8 findings, got $n"
  page report.html '#cs-test&sort=time:asc'
  check ".findings == $n"
  # The DOM holds the strings as text: no element or handler came from them.
  ! grep -qi '<img\|<svg\|<textarea\|<b>bold' dom.html ||
    fail "markup from the logs in the DOM: $(grep -oi '<img[^>]*>\|<svg[^>]*>\|<textarea>\|<b>bold' dom.html | head -3)"
  grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' dom.html || fail "script text not shown as text"
  grep -q 'exe.ssasl' dom.html || fail "RLO row missing"
  grep -q '⟨U+202E⟩exe.ssasl' dom.html || fail "RLO not shown visibly"
  ! grep -q "$(printf '\342\200\256')" dom.html || fail "raw RLO in the DOM"
  grep -q '⟨U+001B⟩\[2J⟨U+0007⟩' dom.html || fail "controls not shown visibly"
  grep -q '⟨40 spaces⟩' dom.html || fail "padding not shown"
  grep -q 'whoami /priv ⟨U+E0069⟩⟨U+E0067⟩⟨U+E006E⟩' dom.html || fail "tag characters not shown"
  grep -q '&lt;img src=x onerror=alert(4)&gt;' dom.html || fail "hostile host name not shown as text"
  # The raw file: no log text outside the JSON blocks, which hold no < > &.
  [ "$(grep -c '<script' report.html)" = "$(grep -c '</script>' report.html)" ] || fail "script tags unbalanced"
  ! grep -qi '<img\|<svg\|</textarea' report.html || fail "raw markup from the logs in the file"
}

csp_blocks_injected_markup() {
  # Were markup ever to get into the page, the Content-Security-Policy would stop it: a copy of
  # the report with an inline script and an event handler added by hand runs neither, and
  # Chromium says why; the page's own script (allowed by its hash) still draws.
  "$bin" scan -q --no-summary --html report.html "$sample" > /dev/null || fail "scan exit $?"
  sed 's|<body>|<body><script>document.title="pwned"</script><img src="data:," onerror="document.title=\x27pwned2\x27">|' \
    report.html > injected.html
  grep -q 'pwned2' injected.html || fail "injection did not apply"
  chrome dom.html --virtual-time-budget=10000 --dump-dom "file://$work/injected.html#cs-test" ||
    fail "chromium exit $?"
  grep -q 'Executing inline script violates the following Content Security Policy' dom.html.stderr || fail "no CSP refusal: $(grep CONSOLE dom.html.stderr | head -3)"
  grep -q 'Executing inline event handler violates the following Content Security Policy' dom.html.stderr || fail "no CSP refusal of the handler"
  ! grep -q '<title>pwned' dom.html || fail "injected script ran"
  grep -q '<pre id="cs-test-result">{' dom.html || fail "the page's own script did not run"
}

hostile_sinks() {
  # The same hostile lines through the other sinks.
  in=$src/tests/cli/report/hostile.jsonl
  "$bin" scan -q --no-summary --no-incidents -f csv "$in" > out.csv || fail "csv exit $?"
  ! LC_ALL=C grep -q "$(printf '[\001-\010\013\014\016-\037\177]')" out.csv || fail "control bytes in CSV"
  ! grep -q "$(printf '\342\200\256')" out.csv || fail "raw RLO in CSV"
  "$bin" scan -q --no-summary --no-incidents -f jsonl "$in" > out.jsonl || fail "jsonl exit $?"
  n=$(grep -c '"type":"finding"' out.jsonl)
  [ "$(grep -c '' out.csv)" = $((n + 1)) ] || fail "CSV rows are not one line each: $(grep -c '' out.csv) lines, $n findings"
  grep -q '\\u{202e}exe.ssasl' out.csv || fail "RLO not visible in CSV"
  grep -q '<script>alert(1)</script>' out.csv || fail "CSV changed the text"
  COLUMNS=200 "$bin" scan -q --no-summary --no-incidents -f table "$in" > out.txt || fail "table exit $?"
  ! LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" out.txt || fail "control bytes in table"
  ! grep -q "$(printf '\342\200\256')" out.txt || fail "raw RLO in table"
  ! LC_ALL=C grep -q "$(printf '[\001-\011\013-\037\177]')" out.jsonl || fail "control bytes in JSONL"
  jq -r 'select(.type=="finding") | .command_line' out.jsonl > lines.txt || fail "JSONL not parseable"
  grep -qxF 'whoami <script>alert(1)</script>' lines.txt || fail "JSONL changed the text"
  grep -qxF 'ipconfig /all "><img src=x onerror=alert(2)>' lines.txt || fail "JSONL changed the text"
}

large_run() {
  python3 "$src/tests/cli/report/make_run.py" 100000 > big.jsonl || fail "make_run.py exit $?"
  "$bin" report big.jsonl --html big.html -q || fail "report exit $?"
  page big.html '#cs-test&scroll=50000'
  check '.findings == 100000 and .shown == 100000 and .incidents == 50'
  # Virtualised: a screenful of rows exists, whatever the run's size; the one at the scroll
  # position is row 50,000 in time order.
  check '.table_rows_in_dom < 60 and .table_rows_visible > 10'
  check '.first_rows[0][6] | endswith("row-050000")'
  check '.incident_cards == 50 and .timeline_lanes == 40 and .timeline_points > 0'
  echo "large_run: page load $(jq .load_ms result.json) ms, filters+draw $(jq .apply_ms result.json) ms, $(stat -c %s big.html) bytes"
  page big.html '#cs-test&text=row-09999&phase=recon'
  check '.shown == 2 and .apply_ms >= 0'
  echo "large_run: text+phase filter $(jq .apply_ms result.json) ms"
}

if [ -z "$browser" ]; then
  echo "SKIP ($case_name): chromium is not installed (scripts/install-deps.sh installs it)"
  exit 77
fi
"$case_name"
