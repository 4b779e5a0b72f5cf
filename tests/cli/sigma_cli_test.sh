#!/bin/sh
# End-to-end checks of `cmdsentry scan --sigma` and `cmdsentry rules check` on the hand-written
# rules and events of tests/cli/sigma/. Usage: sigma_cli_test.sh CASE BINARY SOURCE_DIR WORK_DIR
set -u
case_name=$1 bin=$2 src=$3 work=$4
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
data=$src/tests/cli/sigma

fail() { echo "FAIL ($case_name): $*" >&2; exit 1; }
expect_line() { grep -qF -- "$2" "$1" || fail "no line with '$2' in $1"; }
no_line() { ! grep -qF -- "$2" "$1" || fail "unexpected '$2' in $1"; }
valid_jsonl() {
  if command -v python3 > /dev/null; then
    python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$1" \
      || fail "invalid JSON in $1"
  fi
}

scan_sigma_jsonl() {
  "$bin" scan -f jsonl --no-summary --sigma "$data/rules" "$data/events.jsonl" > out.jsonl \
    2> err.txt || fail "exit $?"
  expect_line out.jsonl '"engine":"sigma","rule_id":"3b0f7c1e-5a2d-4c4e-9e61-0c2a8f1d7a02"'
  expect_line out.jsonl '"rule_title":"Whoami run by a web server (cmdsentry test rule)"'
  expect_line out.jsonl '"level":"low"'
  expect_line out.jsonl '"tags":["attack.discovery","attack.t1033"]'
  expect_line out.jsonl '{"field":"ParentImage","value":"C:\\Windows\\System32\\inetsrv\\w3wp.exe"}'
  # windash: "/enc" matches the rule's " -enc ".
  expect_line out.jsonl '"rule_id":"3b0f7c1e-5a2d-4c4e-9e61-0c2a8f1d7a01"'
  expect_line out.jsonl '"technique":["T1059.001"]'
  # The deprecated rule is left out by default; notepad matches nothing.
  no_line out.jsonl '7a03'
  no_line out.jsonl 'notepad'
  expect_line err.txt 'sigma: 3 rule(s) from 2 file(s): 2 run, 1 left out'
  expect_line err.txt 'sigma: 2 rule match(es)'
  valid_jsonl out.jsonl
}

# Rules over events that are not executions: a Security logon rule, a Sysmon network rule
# (category network_connection: Sysmon 3 only, not the DNS query 22), and a correlation over the
# logon rule; findings name the event (channel, event id, record), text stays escaped.
scan_sigma_events() {
  ev=$data/event_rules
  "$bin" scan -f jsonl --no-summary --sigma "$ev/rules.yml" "$ev/events.jsonl" > out.jsonl \
    2> err.txt || fail "exit $?"
  [ "$(grep -c '"type":"finding"' out.jsonl)" = 5 ] || fail "expected 5 findings: $(cat out.jsonl)"
  expect_line out.jsonl '"user":"CORP\\admin"'
  expect_line out.jsonl '"source":"'"$ev"'/events.jsonl","record":501'
  expect_line out.jsonl '"channel":"Security","event_id":4625'
  expect_line out.jsonl '"channel":"Microsoft-Windows-Sysmon/Operational","event_id":3'
  expect_line out.jsonl '"image":"C:\\Windows\\System32\\rundll32.exe"'
  expect_line out.jsonl '"engine":"correlation","rule_id":"3b0f7c1e-5a2d-4c4e-9e61-0c2a8f1d7b03"'
  no_line out.jsonl '"record":78'
  expect_line err.txt 'sigma: 2 rule(s) from 1 file(s): 2 run, 0 left out by --min-level/--sigma-status, 0 for log sources cmdsentry does not read; 1 correlation rule(s), 1 run'
  valid_jsonl out.jsonl
  # CSV: the attacker-chosen user name cannot become a formula.
  "$bin" scan -f csv --no-summary -q --sigma "$ev/rules.yml" "$ev/events.jsonl" > out.csv \
    || fail "csv exit $?"
  no_line out.csv ',=cmd'
  no_line out.csv ',"=cmd'
  expect_line out.csv 'calc'
}

scan_sigma_filters() {
  "$bin" scan -f jsonl --no-summary -q --sigma "$data/rules/whoami.yaml" \
    --sigma "$data/rules/encoded_powershell.yml" --min-level high "$data/events.jsonl" \
    > high.jsonl || fail "exit $?"
  expect_line high.jsonl '7a01'
  no_line high.jsonl '7a02'
  "$bin" scan -f jsonl --no-summary -q --sigma "$data/rules" --sigma-status deprecated,test \
    "$data/events.jsonl" > status.jsonl || fail "exit $?"
  expect_line status.jsonl '7a03'
  expect_line status.jsonl '7a01'
  no_line status.jsonl '7a02'
}

scan_sigma_problems() {
  # A broken rule is a warning; the scan runs the others and exits 0.
  "$bin" scan -f jsonl --no-summary --sigma "$data/broken" --sigma "$data/rules" \
    "$data/events.jsonl" > out.jsonl 2> err.txt || fail "exit $?"
  expect_line err.txt 'broken.yml:7'
  expect_line err.txt '[sigma-condition]'
  expect_line err.txt '2 Sigma rule(s) could not be loaded'
  expect_line out.jsonl '7a02'
  # A path that does not exist is fatal.
  "$bin" scan --sigma "$work/nope" "$data/events.jsonl" > /dev/null 2> err2.txt
  [ $? = 2 ] || fail "missing --sigma path: expected exit 2"
  expect_line err2.txt '[sigma-unreadable]'
}

scan_sigma_summary() {
  # The summary counts knowledge-base commands; Sigma's titles are not commands.
  "$bin" scan --summary-only --summary-format json --sigma "$data/rules" "$data/events.jsonl" \
    > summary.json 2> /dev/null || fail "exit $?"
  expect_line summary.json 'whoami'
  no_line summary.json 'cmdsentry test rule'
}

rules_check() {
  "$bin" rules check "$data/rules" > ok.txt || fail "exit $? for good rules"
  expect_line ok.txt '3 rule(s) loaded from 2 file(s), 0 failed'
  "$bin" rules check "$data/rules" "$data/broken" > bad.txt
  [ $? = 1 ] || fail "expected exit 1 with a broken file"
  expect_line bad.txt 'broken.yml:7:'
  expect_line bad.txt "condition names 'filter', which is not a detection"
  expect_line bad.txt 'broken.yml:10:1: end of sequence flow not found [sigma-yaml]'
  expect_line bad.txt '3 rule(s) loaded from 3 file(s), 2 failed'
  # A placeholder needs a value.
  "$bin" rules check "$data/expand" > expand.txt
  [ $? = 1 ] || fail "expected exit 1 for a placeholder without a value"
  expect_line expand.txt 'placeholder %Administrators% has no value'
  "$bin" rules check --sigma-placeholder 'Administrators=IIS APPPOOL\\*' "$data/expand" \
    > /dev/null || fail "exit $? with a placeholder value"
  "$bin" scan -f jsonl --no-summary -q --sigma "$data/expand" \
    --sigma-placeholder 'Administrators=IIS APPPOOL\\*' "$data/events.jsonl" > expand.jsonl \
    || fail "exit $? (scan with a placeholder)"
  expect_line expand.jsonl '7a04'
  "$bin" rules check --format json "$data/broken" "$data/rules" > bad.json
  [ $? = 1 ] || fail "expected exit 1 (json)"
  expect_line bad.json '{"loaded":3,"failed":2,'
  expect_line bad.json '"code":"sigma-yaml"'
  if command -v python3 > /dev/null; then
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["diagnostics"])==2' \
      bad.json || fail "bad JSON"
  fi
}

# `rules export`: the knowledge base as Sigma files that load in our engine, validate against the
# Sigma JSON schema (Debian's python3-jsonschema and python3-yaml, installed by
# scripts/install-deps.sh) and fire on an execution of what they describe.
rules_export() {
  "$bin" rules export -o out --date 2026-12-03 2> export.txt || fail "export exit $?"
  expect_line export.txt 'Sigma rule(s) from the knowledge base and 5 correlation rule(s) in out'
  n=$(ls out/*.yml | wc -l)
  [ "$n" -gt 100 ] || fail "only $n rule files"
  "$bin" rules check --format json out > check.json || fail "rules check exit $? on the export"
  expect_line check.json "{\"loaded\":$n,\"failed\":0,"
  # A second export into the same folder needs --force; a bad date is a usage error.
  "$bin" rules export -o out 2> again.txt
  [ $? = 1 ] || fail "expected exit 1 when rule files exist"
  expect_line again.txt '--force overwrites it'
  "$bin" rules export -o out --force > /dev/null 2>&1 || fail "exit $? with --force"
  "$bin" rules export -o out2 --date 2026-13-01 > /dev/null 2>&1
  [ $? = 2 ] || fail "expected exit 2 for a bad --date"
  # The exported rules as Sigma: whoami and an encoded PowerShell on Sysmon 1 records fire them.
  "$bin" scan -f jsonl --no-summary -q --sigma out "$data/events.jsonl" > scan.jsonl \
    || fail "scan exit $?"
  expect_line scan.jsonl '"title":"cmdsentry: whoami"'
  expect_line scan.jsonl '"title":"cmdsentry: powershell -encodedcommand"'
  # The correlation rules on a crafted intrusion (host WS9, CORP\mallory): five distinct recon
  # commands in two minutes (the burst), then a discovery and a spread command (the chain).
  i=0
  for cmd in whoami ipconfig tasklist systeminfo netstat ping at; do
    i=$((i + 1))
    printf '{"Channel":"Microsoft-Windows-Sysmon/Operational","EventID":1,"Computer":"WS9","TimeCreated":"2026-03-02T13:0%d:00.000Z","EventRecordID":%d,"ProcessId":%d,"ParentProcessId":4,"Image":"C:\\\\Windows\\\\System32\\\\%s.exe","CommandLine":"%s","ParentImage":"C:\\\\Windows\\\\System32\\\\cmd.exe","User":"CORP\\\\mallory"}\n' \
      "$i" "$i" "$((100 + i))" "$cmd" "$cmd" >> intrusion.jsonl
  done
  "$bin" scan -f jsonl --no-summary -q --no-incidents --sigma out intrusion.jsonl > corr.jsonl \
    || fail "scan exit $? on the intrusion"
  expect_line corr.jsonl '"engine":"correlation","rule_id":"'"$(sed -n 's/^id: //p' out/cmdsentry_recon_burst.yml)"'"'
  expect_line corr.jsonl '"correlation_type":"temporal","group":[{"field":"Computer","value":"WS9"},{"field":"User","value":"CORP\\mallory"}],"value":5'
  expect_line corr.jsonl '"title":"cmdsentry: recon, discovery and spread commands in order"'
  expect_line corr.jsonl '"title":"cmdsentry: at"'   # generate: true keeps the detection rules
  no_line corr.jsonl '"title":"cmdsentry: a recon command"'  # steps of the chain are not reported
  schema="$src/../shared/reference/sigma-specification/json-schema/sigma-detection-rule-schema.json"
  if [ ! -f "$schema" ]; then
    echo "SKIP schema check: $schema is absent (no ../shared next to the repository)"
  elif ! /usr/bin/python3 -c 'import yaml, jsonschema' 2> /dev/null; then
    echo "SKIP schema check: /usr/bin/python3 lacks yaml or jsonschema (scripts/install-deps.sh installs python3-yaml and python3-jsonschema)"
  else
    /usr/bin/python3 - "$schema" out/*.yml <<'PY' || fail "schema"
import json, os, sys, yaml, jsonschema
detection = json.load(open(sys.argv[1]))
correlation = json.load(open(os.path.join(os.path.dirname(sys.argv[1]),
                                          "sigma-correlation-rules-schema.json")))
kinds = {"detection": 0, "correlation": 0}
for f in sys.argv[2:]:
    rule = yaml.safe_load(open(f))
    kind = "correlation" if "correlation" in rule else "detection"
    jsonschema.validate(rule, correlation if kind == "correlation" else detection)
    kinds[kind] += 1
    assert rule["author"] == "cmdsentry knowledge base" and "cmdsentry" in rule["description"], f
assert kinds["correlation"] == 5, kinds
print(f"{kinds['detection']} exported detection and {kinds['correlation']} correlation rules valid against the Sigma schemas")
PY
  fi
}

"$case_name"
