#!/bin/sh
# End-to-end checks of `cmdsentry policy`. Usage: policy_cli_test.sh CASE BINARY SOURCE_DIR WORK_DIR
# Each case exits 0 on success; `fail` prints what went wrong.
set -u
case_name=$1 bin=$2 src=$3 work=$4
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
sample=$src/samples/quickstart.evtx
hostile=$src/tests/golden/scan/hostile_text/input.jsonl

fail() { echo "FAIL ($case_name): $*" >&2; exit 1; }
expect_line() { grep -qF -- "$2" "$1" || fail "no line with '$2' in $1"; }
no_line() { ! grep -qF -- "$2" "$1" || fail "unexpected '$2' in $1"; }
has_byte() { od -An -tx1 -v "$1" | tr -s ' \n' '\n\n' | grep -qx "$2"; }
json_lines() {
  if command -v python3 > /dev/null; then
    python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$1" \
      || fail "invalid JSON in $1"
  fi
}

generate_deny() {
  "$bin" policy generate --deny net,wmic,at -o p.xml 2> err.txt || fail "exit $?"
  expect_line p.xml '<RuleCollection Type="Exe" EnforcementMode="AuditOnly">'
  expect_line p.xml 'Id="fd686d83-a829-4351-8ff4-27c7de5755d2" Name="(Default Rule) All files"'
  expect_line p.xml 'Id="921cc481-6e17-4653-8f75-050b80acca20"'
  expect_line p.xml 'BinaryName="NET1.EXE"'
  expect_line p.xml '<FilePathCondition Path="%SYSTEM32%\wbem\wmic.exe" />'
  expect_line p.xml '<FilePathCondition Path="%SYSTEM32%\at.exe" />'
  expect_line err.txt 'mode AuditOnly'
  "$bin" policy generate --deny net,wmic,at -o again.xml 2> /dev/null || fail "exit $?"
  cmp -s p.xml again.xml || fail "two runs wrote different policies"
  "$bin" policy generate --deny net --mode enforce --deny-group S-1-5-21-1-2-3-3000 -o e.xml \
    2> /dev/null || fail "exit $?"
  expect_line e.xml '<RuleCollection Type="Exe" EnforcementMode="Enabled">'
  expect_line e.xml 'Name="Deny net.exe (signed by Microsoft, any name)"'
  expect_line e.xml 'Id="a9e18c21-ff8f-43cf-b9fc-db40eed693ba"'
}

generate_srp() {
  "$bin" policy generate --deny net --format srp --deny-group S-1-5-21-1-2-3-3000 -o p.reg \
    2> /dev/null || fail "exit $?"
  expect_line p.reg 'Windows Registry Editor Version 5.00'
  expect_line p.reg '\Safer\CodeIdentifiers\0\Paths\{'
  expect_line p.reg '"ItemData"=hex(2):'
}

from_recommendation() {
  cat > rec.json <<'JSON'
{"format":"cmdsentry-recommendation","version":1,
 "restrictions":[{"executable":"net.exe","original_file_name":"net.exe",
   "paths":["%SYSTEM32%\\net.exe"],"commands":["net view"],
   "exempt_groups":[{"name":"Domain Admins","sid":"S-1-5-21-10-20-30-512"}],
   "impact":{"executions":3,"users":1,"hosts":1},"attack_executions":12,"reason":"seen in the intrusion"}],
 "not_restrictable":[{"command":"dir","reason":"cmd builtin","detect_with":"scan"}]}
JSON
  "$bin" policy generate --from-recommendation rec.json -o p.xml 2> err.txt || fail "exit $?"
  expect_line p.xml 'Name="Allow net.exe for Domain Admins"'
  expect_line p.xml 'UserOrGroupSid="S-1-5-21-10-20-30-512"'
  expect_line p.xml 'seen in the intrusion'
  expect_line err.txt 'cannot be restricted by AppLocker'
  expect_line err.txt ': dir'
}

simulate_jsonl() {
  "$bin" policy generate --deny net,wmic -o p.xml 2> /dev/null || fail "generate exit $?"
  "$bin" policy simulate p.xml "$sample" -f jsonl -q > out.jsonl || fail "exit $?"
  json_lines out.jsonl
  total=$(wc -l < out.jsonl)
  [ "$total" -gt 100 ] || fail "only $total decisions"
  for k in host user image command_line source record decision rule; do
    n=$(grep -c "\"$k\":" out.jsonl)
    [ "$n" = "$total" ] || fail "key $k in $n of $total decisions"
  done
  expect_line out.jsonl '"command_line":"net  view","source":'
  expect_line out.jsonl '"decision":"audited","rule":"implicit deny"'
  expect_line out.jsonl '"decision":"allowed","rule":{"name":"(Default Rule) All files located in the Program Files folder","id":"921cc481-6e17-4653-8f75-050b80acca20"}'
  no_line out.jsonl '"decision":"blocked"'
  "$bin" policy generate --deny net,wmic --mode enforce -o e.xml 2> /dev/null || fail "exit $?"
  "$bin" policy simulate e.xml "$sample" -f jsonl -q > enforce.jsonl || fail "exit $?"
  expect_line enforce.jsonl '"decision":"blocked"'
  no_line enforce.jsonl '"decision":"audited"'
}

simulate_table() {
  "$bin" policy generate --deny net -o p.xml 2> /dev/null || fail "generate exit $?"
  printf 'user,group,sid\nCORP\\akimura,Administrators,S-1-5-32-544\n' > groups.csv
  COLUMNS=200 "$bin" policy simulate p.xml "$sample" -f table > out.txt 2> err.txt || fail "exit $?"
  expect_line out.txt 'DECISION'
  expect_line out.txt 'total: '
  expect_line out.txt 'CORP\akimura'
  expect_line out.txt 'WKS-FIN-07.corp.example'
  expect_line err.txt 'executions replayed'
  # An administrator runs net.exe under the Administrators rule.
  "$bin" policy simulate p.xml "$sample" -f jsonl -q --groups groups.csv > admin.jsonl \
    || fail "exit $?"
  grep -F '"command_line":"net  view"' admin.jsonl > net_view.jsonl || fail "no net view"
  expect_line net_view.jsonl '"decision":"allowed","rule":{"name":"(Default Rule) All files","id":"fd686d83-a829-4351-8ff4-27c7de5755d2"}'
  no_line net_view.jsonl 'implicit deny'
}

# AppLocker 8002/8003/8004 records (tests/cli/policy/applocker-decisions.jsonl, an EVTX writer
# spec): net view audited with its 4688, whoami allowed, ipconfig blocked by a Deny rule, net.exe
# blocked. Replayed against `--deny net` in audit mode: two agree, two differ.
applocker_logged() {
  mkevtx=$(dirname "$bin")/cmdsentry-mkevtx
  [ -x "$mkevtx" ] || fail "no $mkevtx"
  "$mkevtx" "$src/tests/cli/policy/applocker-decisions.jsonl" al.evtx > /dev/null \
    || fail "mkevtx exit $?"
  "$bin" dump al.evtx --format jsonl -o al.jsonl 2> /dev/null || fail "dump exit $?"
  "$bin" policy generate --deny net -o p.xml 2> /dev/null || fail "generate exit $?"
  for input in al.evtx al.jsonl; do
    "$bin" policy simulate p.xml "$input" -f jsonl > out.jsonl 2> err.txt || fail "exit $?"
    json_lines out.jsonl
    [ "$(wc -l < out.jsonl)" = 4 ] || fail "$input: $(wc -l < out.jsonl) decisions, expected 4"
    [ "$(grep -c '"logged_decision":' out.jsonl)" = 4 ] || fail "$input: logged_decision missing"
    expect_line out.jsonl '"command_line":"net view","source":'
    expect_line out.jsonl '"decision":"audited","rule":"implicit deny","logged_decision":"audited","logged_rule":"implicit deny","agrees":true'
    expect_line out.jsonl '"logged_decision":"allowed","logged_rule":{"name":"(Default Rule) All files located in the Windows folder","id":"{a61c8b2c-a319-4cd0-9690-d2177cad7b51}","collection":"EXE"},"agrees":true'
    expect_line out.jsonl '"logged_decision":"blocked","logged_rule":{"name":"Deny ipconfig for staff"'
    [ "$(grep -c '"agrees":false' out.jsonl)" = 2 ] || fail "$input: expected 2 mismatches"
    # One warning per kind of mismatch: logged blocked / simulated allowed, and blocked / audited.
    [ "$(grep -c 'warning: policy simulate: AppLocker logged' err.txt)" = 2 ] \
      || fail "$input: warnings: $(cat err.txt)"
    expect_line err.txt 'AppLocker logged blocked (Deny ipconfig for staff) where the policy decides allowed'
    expect_line err.txt 'a denial either way, the enforcement modes differ'
    expect_line err.txt '4 with an AppLocker record, 2 decided otherwise'
  done
  COLUMNS=200 "$bin" policy simulate p.xml al.evtx -f table > out.txt 2> /dev/null \
    || fail "table exit $?"
  expect_line out.txt 'LOGGED'
  expect_line out.txt 'blocked!'
  expect_line out.txt 'AppLocker records: 4, the policy agrees on 2, differs on 2'
  expect_line out.txt '  logged blocked, simulated allowed: 1'
  expect_line out.txt '  logged blocked, simulated audited: 1'
  # Without AppLocker records: no logged fields, no AppLocker totals.
  "$bin" policy simulate p.xml "$sample" -f jsonl -q > plain.jsonl || fail "exit $?"
  no_line plain.jsonl '"logged_decision"'
}

hostile_text() {
  "$bin" policy generate --deny net -o p.xml 2> /dev/null || fail "generate exit $?"
  COLUMNS=200 "$bin" policy simulate p.xml "$hostile" -f table > out.txt 2> err.txt || fail "exit $?"
  "$bin" policy simulate p.xml "$hostile" -f jsonl > out.jsonl 2>> err.txt || fail "exit $?"
  for b in 1b 07 0d 9b; do
    if has_byte out.txt $b; then fail "byte 0x$b in the table"; fi
    if has_byte out.jsonl $b; then fail "byte 0x$b in JSONL"; fi
    if has_byte err.txt $b; then fail "byte 0x$b on stderr"; fi
  done
  json_lines out.jsonl
  expect_line out.jsonl '\u001b'
}

malformed_policy() {
  printf '<AppLockerPolicy Version="1">\n<RuleCollection Type="Exe" EnforcementMode="Maybe"/>\n</AppLockerPolicy>\n' > bad.xml
  "$bin" policy simulate bad.xml "$sample" > out.txt 2> err.txt
  rc=$?
  [ "$rc" = 2 ] || fail "exit $rc, expected 2"
  expect_line err.txt 'bad.xml: line 2: <RuleCollection> has EnforcementMode="Maybe"'
  printf '<AppLockerPolicy>\n<RuleCollection Type="Exe">\n' > cut.xml
  "$bin" policy simulate cut.xml "$sample" > out.txt 2> err.txt
  [ $? = 2 ] || fail "truncated policy: exit not 2"
  expect_line err.txt 'cut.xml: line 2: malformed XML: Start-end tags mismatch'
}

usage_errors() {
  "$bin" policy generate --deny net > /dev/null 2>&1
  [ $? = 2 ] || fail "no -o: exit not 2"
  "$bin" policy generate --deny frobnicate -o p.xml > /dev/null 2> err.txt
  [ $? = 2 ] || fail "unknown command: exit not 2"
  expect_line err.txt "unknown command 'frobnicate'"
  "$bin" policy generate -o p.xml > /dev/null 2>&1
  [ $? = 2 ] || fail "neither --deny nor --from-recommendation: exit not 2"
  "$bin" policy generate --deny net --exempt nobody -o p.xml > /dev/null 2>&1
  [ $? = 2 ] || fail "bad --exempt: exit not 2"
  "$bin" policy generate --deny net --deny-group S-1-1-0 -o p.xml > /dev/null 2>&1
  [ $? = 2 ] || fail "--deny-group Everyone: exit not 2"
  "$bin" policy generate --help > help.txt || fail "--help exit $?"
  expect_line help.txt '--from-recommendation'
  expect_line help.txt '--collections'
}

"$case_name"
