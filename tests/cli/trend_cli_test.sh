#!/bin/sh
# End-to-end checks of `cmdsentry trend`. Usage: trend_cli_test.sh CASE BINARY SOURCE_DIR WORK_DIR
# Each case exits 0 on success, 77 when it needs ../shared and it is absent; `fail` says why.
set -u
case_name=$1 bin=$2 src=$3 work=$4
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
sample=$src/samples/quickstart.evtx
hostile=$src/tests/golden/scan/hostile_text/input.jsonl
schema=$src/docs/trend.schema.json

fail() { echo "FAIL ($case_name): $*" >&2; exit 1; }
expect_line() { grep -qF -- "$2" "$1" || fail "no line with '$2' in $1"; }
has_byte() { od -An -tx1 -v "$1" | tr -s ' \n' '\n\n' | grep -qx "$2"; }
# Validates $1 against docs/trend.schema.json (python3-jsonschema), else only parses it.
valid_json() {
  command -v python3 > /dev/null || return 0
  python3 - "$1" "$schema" << 'PY' || fail "$1 does not match docs/trend.schema.json"
import json, sys
doc = json.load(open(sys.argv[1]))
try:
    import jsonschema
except ImportError:
    sys.exit(0)
jsonschema.validate(doc, json.load(open(sys.argv[2])))
PY
}

# A small study: group G's recon ranking, and group H's.
tables() {
  printf 'scope,phase,rank,command,count,options\n' > t.csv
  printf 'G,recon,1,whoami,9,/all\nG,recon,2,ipconfig,5,/all\nG,discovery,1,net user,4,\n' >> t.csv
  printf 'H,recon,1,ipconfig,7,\nH,recon,2,tasklist,1,\n' >> t.csv
}

quickstart_table() {
  tables
  "$bin" trend "$sample" --tables t.csv > out.txt 2> err.txt || fail "exit $?"
  expect_line out.txt 'Trend against the JPCERT/CC 2015 study (t.csv):'
  expect_line out.txt 'recon: '
  expect_line out.txt 'Closest study group (mean Spearman over the phases): '
  expect_line out.txt 'Commands the study did not list (heaviest per tactic):'
  expect_line err.txt 'cmdsentry: trend: 1 file(s) read'
}

json_schema() {
  tables
  for by in execution host incident file; do
    "$bin" trend "$sample" "$hostile" --tables t.csv --format json --by $by -o $by.json \
      2> /dev/null || fail "--by $by: exit $?"
    valid_json $by.json
    expect_line $by.json "\"by\":\"$by\""
  done
  # The sample's intrusion runs whoami: it is observed with its study rank.
  expect_line execution.json '"command":"whoami"'
}

csv_neutralised() {
  tables
  "$bin" trend "$hostile" --tables t.csv --format csv > out.csv 2> /dev/null
  [ $? -le 1 ] || fail "exit $?"
  expect_line out.csv 'section,phase,rank,command,count,weight,units,share,options,study_rank,spearman,kendall'
  ! grep -q '^[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,=' out.csv || fail "a formula cell in out.csv"
  "$bin" trend "$hostile" --tables t.csv > out.txt 2> /dev/null
  ! has_byte out.txt 1b || fail "an escape byte reached the terminal table"
}

bad_tables() {
  printf 'scope,phase,rank,command,count,options\nG,recon,1,whoami,x,\n' > bad.csv
  "$bin" trend "$sample" --tables bad.csv > out.txt 2> err.txt
  [ $? -eq 2 ] || fail "a broken tables file must exit 2"
  expect_line err.txt "bad.csv:2: count 'x' is not a non-negative integer"
  "$bin" trend "$sample" --tables missing.csv > /dev/null 2> err.txt
  [ $? -eq 2 ] || fail "a missing tables file must exit 2"
}

usage_errors() {
  tables
  "$bin" trend "$sample" --tables t.csv --by user > /dev/null 2>&1
  [ $? -eq 2 ] || fail "--by user must be a usage error"
  "$bin" trend "$sample" --tables t.csv --format xml > /dev/null 2>&1
  [ $? -eq 2 ] || fail "--format xml must be a usage error"
  "$bin" trend "$sample" --tables t.csv --by incident --no-incidents > /dev/null 2>&1
  [ $? -eq 2 ] || fail "--by incident --no-incidents must be a usage error"
  "$bin" trend --help > help.txt || fail "--help exit $?"
  expect_line help.txt '--by'
}

# The default tables (../shared/reference beside the source tree) on the shipped sample.
default_tables() {
  [ -f "$src/../shared/reference/jpcert-2015-tables.csv" ] || { echo "SKIP: ../shared absent"; exit 77; }
  "$bin" trend "$sample" --format json -o out.json 2> /dev/null || fail "exit $?"
  valid_json out.json
  expect_line out.json '"groups":[{"group":"A",'
}

# trend counts what scan's summary counts (the same engine stages and SummaryBuilder).
same_counts_as_scan() {
  tables
  command -v python3 > /dev/null || { echo "SKIP: no python3"; exit 77; }
  "$bin" scan "$sample" "$hostile" --summary-only --summary-format json -o s.json 2> /dev/null
  "$bin" trend "$sample" "$hostile" --tables t.csv --format json -o t.json 2> /dev/null
  python3 - s.json t.json << 'PY' || fail "trend and scan --summary-only count differently"
import json, sys
s = json.load(open(sys.argv[1]))["all"]
t = json.load(open(sys.argv[2]))
assert s["findings"] == t["findings"], (s["findings"], t["findings"])
scan = {p["phase"]: {r["command"]: r["count"] for r in p["rows"]} for p in s["phases"]}
seen = 0
for p in t["phases"]:
    trend = {r["command"]: r["count"] for r in p["observed"]}
    assert trend == scan.get(p["phase"], {}), p["phase"]
    seen += len(trend)
assert seen > 0
PY
}

"$case_name"
