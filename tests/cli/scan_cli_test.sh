#!/bin/sh
# End-to-end checks of `cmdsentry scan`. Usage: scan_cli_test.sh CASE BINARY SOURCE_DIR WORK_DIR
# Each case exits 0 on success; `fail` prints what went wrong.
set -u
case_name=$1 bin=$2 src=$3 work=$4
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
sample=$src/samples/quickstart.evtx
golden=$src/tests/golden/scan

fail() { echo "FAIL ($case_name): $*" >&2; exit 1; }
# expect_line FILE PATTERN: a line of FILE contains the fixed string PATTERN.
expect_line() { grep -qF -- "$2" "$1" || fail "no line with '$2' in $1"; }
no_line() { ! grep -qF -- "$2" "$1" || fail "unexpected '$2' in $1"; }
has_byte() { od -An -tx1 -v "$1" | tr -s ' \n' '\n\n' | grep -qx "$2"; }

quickstart_finds_study_commands() {
  "$bin" scan --format jsonl --no-summary -q "$sample" > out.jsonl || fail "exit $?"
  # The sample's RAT typed these (docs/evtx-writer.md, "Scenario").
  for c in tasklist ver ipconfig systeminfo "net time" netstat whoami "net start" qprocess query \
           set; do
    expect_line out.jsonl "\"phase\":\"recon\",\"command\":\"$c\","
  done
  for c in dir "net view" ping "net use" type "net user" "net localgroup" "net group" nltest \
           dsquery csvde; do
    expect_line out.jsonl "\"phase\":\"discovery\",\"command\":\"$c\","
  done
  for c in at reg "netsh advfirewall" wusa wmic sc rundll32; do
    expect_line out.jsonl "\"phase\":\"spread\",\"command\":\"$c\","
  done
  expect_line out.jsonl '"phase":"credential-access","command":"ntdsutil"'
  expect_line out.jsonl '"phase":"impact","command":"vssadmin delete shadows"'
  # The chain `ver & ipconfig /all & net view`: ver on the shell's record, the others on their
  # own child processes, linked to it.
  expect_line out.jsonl '"command":"ver","rule":"ver"'
  n=$(grep -c '"via":{"timestamp":"2026-03-02T13:17:40.088000Z"' out.jsonl)
  [ "$n" = 2 ] || fail "expected ipconfig and net view via the 13:17:40 chain, got $n"
  # Obfuscated lines: carets and %COMSPEC%.
  expect_line out.jsonl '"reasons":["caret"]'
  # The second host, without command lines.
  expect_line out.jsonl '"host":"DC01.corp.example","user":"CORP\\adm-tsato","phase":"recon","command":"whoami"'
  # conhost.exe and net1.exe helpers are not findings.
  no_line out.jsonl '"command":"proxy execution"'
  no_line out.jsonl 'net1.exe"'
}

quickstart_fields() {
  "$bin" scan -f jsonl --no-summary -q "$sample" > all.jsonl || fail "exit $?"
  grep '"type":"finding"' all.jsonl > out.jsonl
  [ -s out.jsonl ] || fail "no findings"
  for k in type incident timestamp host user phase command args technique noise image command_line \
           parent_image obfuscation source record tactic process_id parent_process_id logon_id \
           via_cmd origin chunk offset; do
    n=$(grep -c "\"$k\":" out.jsonl)
    total=$(wc -l < out.jsonl)
    [ "$n" = "$total" ] || fail "key $k in $n of $total findings"
  done
  expect_line out.jsonl '"decoded":"IEX (New-Object Net.WebClient).DownloadString('
  if command -v python3 > /dev/null; then
    python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' out.jsonl \
      || fail "invalid JSON"
  fi
}

quickstart_csv() {
  "$bin" scan -f csv --no-summary -q "$sample" > out.csv || fail "exit $?"
  "$bin" scan -f jsonl --no-summary -q "$sample" | grep '"type":"finding"' > out.jsonl \
    || fail "no findings"
  head -1 out.csv | grep -q '^timestamp,host,user,phase,command,args,technique,noise,image,command_line,parent_image,obfuscation_score,obfuscation_reasons,source,record,' \
    || fail "CSV header: $(head -1 out.csv)"
  # One row per finding (no field of the sample has a line break).
  [ $(($(wc -l < out.csv) - 1)) = "$(wc -l < out.jsonl)" ] || fail "row count differs from JSONL"
  expect_line out.csv ',recon,tasklist,/v,'
  expect_line out.csv ",discovery,ping,\"'-n 1 fs-02.corp.example\","
}

quickstart_incidents() {
  "$bin" scan -f jsonl --no-summary -q "$sample" > out.jsonl || fail "exit $?"
  # The sample's intrusion on WKS-FIN-07 (implant in Temp, recon -> discovery -> spread toward
  # FS-02 and DC01) is one incident, written before its findings, which name it.
  expect_line out.jsonl '"type":"incident","id":"inc-000001","host":"WKS-FIN-07.corp.example","user":"CORP\\akimura"'
  expect_line out.jsonl '"phases":["recon","discovery","spread"]'
  expect_line out.jsonl '"targets":["FS-02","DC01"]'
  first_incident=$(grep -n '"type":"incident"' out.jsonl | head -1 | cut -d: -f1)
  first_member=$(grep -n '"incident":"inc-000001"' out.jsonl | head -1 | cut -d: -f1)
  [ "$first_incident" -lt "$first_member" ] || fail "incident record after its findings"
  # The ordinary commands before the intrusion (ipconfig /flushdns, ping) are not in it.
  expect_line out.jsonl '"type":"finding","incident":null,"timestamp":"2026-03-02T11:03:05'
  # --no-incidents: no incident records, findings with "incident":null.
  "$bin" scan -f jsonl --no-summary -q --no-incidents "$sample" > plain.jsonl || fail "exit $?"
  no_line plain.jsonl '"type":"incident"'
  [ "$(grep -c '"type":"finding"' plain.jsonl)" = "$(grep -c '"type":"finding"' out.jsonl)" ] \
    || fail "correlation changed the number of findings"
  # --incidents-only: only the incident and its findings.
  "$bin" scan -f jsonl --no-summary -q --incidents-only "$sample" > only.jsonl || fail "exit $?"
  no_line only.jsonl '"incident":null'
  # The table prints the incident block.
  COLUMNS=160 "$bin" scan -f table "$sample" > out.txt 2> err.txt || fail "exit $?"
  expect_line out.txt '== INCIDENT inc-000001  score '
  expect_line out.txt '   phases   recon -> discovery -> spread'
  expect_line out.txt 'Incidents: '
}

quickstart_table() {
  COLUMNS=160 "$bin" scan -f table "$sample" > out.txt 2> err.txt || fail "exit $?"
  expect_line out.txt 'TIME (UTC)           HOST'
  expect_line out.txt 'WKS-FIN-07    CORP\akimura      recon              discovery          tasklist'
  expect_line out.txt 'Summary (JPCERT/CC 2015 form):'
  expect_line out.txt '== Host DC01.corp.example ('
  expect_line out.txt '  Rank  Command                 Count  Hosts  Users  First seen (UTC)  Last seen (UTC)   Options'
  expect_line out.txt '     3  whoami                      2      2      2  2026-03-02 13:15  2026-03-02 14:36  /all'
  expect_line err.txt 'cmdsentry: scan: 1 file(s) read'
}

summary_placement() {
  # CSV/JSONL: the summary goes to stderr so the output stays machine-readable.
  "$bin" scan -f jsonl -q "$sample" > out.jsonl 2> err.txt || fail "exit $?"
  no_line out.jsonl 'Summary'
  expect_line err.txt 'Summary (JPCERT/CC 2015 form):'
  "$bin" scan -f csv --summary-format json -q "$sample" > out.csv 2> err.txt || fail "exit $?"
  expect_line err.txt '{"type":"summary","findings":'
  "$bin" scan -f csv --no-summary -q "$sample" > out.csv 2> err.txt || fail "exit $?"
  [ ! -s err.txt ] || fail "stderr not empty with --no-summary -q: $(cat err.txt)"
}

summary_only_json() {
  "$bin" scan --summary-only --summary-format json -q "$sample" > out.json || fail "exit $?"
  [ "$(wc -l < out.json)" = 1 ] || fail "one line expected"
  expect_line out.json '{"type":"summary","findings":'
  expect_line out.json '{"phase":"spread","rows":[{"rank":1,"command":"sc","count":2,"options":["create","start"],"first":"2026-03-02T14:31:10'
  expect_line out.json '"hosts":[{"host":"DC01.corp.example"'
}

hostile_csv() {
  "$bin" scan -f csv --no-summary -q "$golden/hostile_text/input.jsonl" > out.csv || fail "exit $?"
  # Every cell that starts with = + - @ is quoted and prefixed with a single quote.
  expect_line out.csv "\"'=cmd|' /C calc'!A0\""
  expect_line out.csv "\"'+CORP\\@SUM(1+1)\""
  if grep -q ',[=+@-]' out.csv; then fail "unneutralised formula: $(grep ',[=+@-]' out.csv)"; fi
}

hostile_table() {
  COLUMNS=240 "$bin" scan -f table "$golden/hostile_text/input.jsonl" > out.txt 2> err.txt \
    || fail "exit $?"
  for b in 1b 07 0d 9b; do
    if has_byte out.txt $b; then fail "byte 0x$b in the table"; fi
    if has_byte err.txt $b; then fail "byte 0x$b on stderr"; fi
  done
  expect_line out.txt '\x1b[2J\x1b]0;owned\x07'
  expect_line out.txt '\u{202e}exe.ssasl'
  expect_line out.txt 'WS01\x1b[31m'
}

hostile_jsonl() {
  "$bin" scan -f jsonl --no-summary -q "$golden/hostile_text/input.jsonl" > out.jsonl \
    || fail "exit $?"
  for b in 1b 07 0d; do
    if has_byte out.jsonl $b; then fail "raw byte 0x$b in JSONL"; fi
  done
  expect_line out.jsonl '\u001b[2J\u001b]0;owned\u0007'
  [ "$(wc -l < out.jsonl)" = 3 ] || fail "3 findings, one per line"
}

stdin_and_output_file() {
  cat "$golden/chain_with_children/input.jsonl" | "$bin" scan -q --no-summary --no-incidents \
    -o found.jsonl - || fail "exit $?"
  # Not a terminal and no --format: JSON Lines.
  [ "$(wc -l < found.jsonl)" = 5 ] || fail "5 findings expected: $(cat found.jsonl)"
  expect_line found.jsonl '"source":"-","record":103'
}

rules_override() {
  cat > mine.yaml <<'YAML'
format: cmdsentry-kb/1
entries:
  - name: whoami
    phase: recon
    tactic: discovery
    techniques: [T1033]
    study: true
    noise: high
    match: {programs: [whoami]}
    sources: [JP15]
  - name: notepad
    phase: collection
    noise: high
    match: {programs: [notepad]}
    sources: [local]
YAML
  "$bin" scan -f jsonl --no-summary --rules mine.yaml "$golden/study_phase_over_tactic/input.jsonl" \
    "$golden/chain_with_children/input.jsonl" > out.jsonl 2> err.txt || fail "exit $?"
  expect_line out.jsonl '"command":"whoami","rule":"whoami","tactic":"discovery","technique":["T1033"],"noise":"high"'
  expect_line out.jsonl '"phase":"collection","command":"notepad"'
  expect_line err.txt 'override'
}

rules_error() {
  printf 'entries:\n  - name: x\n    phase: lunch\n    match: {programs: [x]}\n    sources: [me]\n' > bad.yaml
  "$bin" scan -f jsonl --rules bad.yaml "$sample" > out.jsonl 2> err.txt
  [ $? = 2 ] || fail "exit 2 expected for a broken rules file"
  expect_line err.txt "unknown phase 'lunch'"
}

missing_input() {
  "$bin" scan -f jsonl -q --no-summary "$sample" does-not-exist.evtx > out.jsonl 2> err.txt
  [ $? = 1 ] || fail "exit 1 expected when an input cannot be read"
  expect_line err.txt 'does-not-exist.evtx'
  [ -s out.jsonl ] || fail "the readable input must still be scanned"
}

max_noise() {
  "$bin" scan -f jsonl --no-summary -q --max-noise low "$sample" > out.jsonl || fail "exit $?"
  no_line out.jsonl '"noise":"high"'
  no_line out.jsonl '"noise":"medium"'
  expect_line out.jsonl '"noise":"very-low"'
}

filters() {
  "$bin" scan -f jsonl --no-summary -q "$sample" > all.jsonl || fail "exit $?"
  total=$(grep -c '"type":"finding"' all.jsonl)
  # --host by first DNS label, any case: only DC01's findings and incident.
  "$bin" scan -f jsonl --no-summary -q --host dc01 "$sample" > out.jsonl || fail "exit $?"
  dc=$(grep '"type":"finding"' all.jsonl | grep -c '"host":"DC01.corp.example"')
  [ "$(grep -c '"type":"finding"' out.jsonl)" = "$dc" ] || fail "--host: $(grep -c finding out.jsonl) vs $dc"
  no_line out.jsonl '"host":"WKS-FIN-07'
  expect_line out.jsonl '"type":"incident","id":"inc-000002","host":"DC01.corp.example"'
  # --user by name alone, --phase as a list.
  "$bin" scan -f jsonl --no-summary -q --user AKIMURA --phase spread,impact "$sample" > out.jsonl ||
    fail "exit $?"
  n=$(jq -s '[.[] | select(.type=="finding" and .user=="CORP\\akimura" and
               (.phase=="spread" or .phase=="impact"))] | length' all.jsonl)
  [ "$n" -gt 0 ] || fail "no spread/impact findings of akimura in the sample"
  [ "$(grep -c '"type":"finding"' out.jsonl)" = "$n" ] || fail "--user/--phase: expected $n"
  # --from/--to, inclusive, ISO 8601 with or without T/Z; the summary counts what is written.
  "$bin" scan -f jsonl -q --from 2026-03-02T14:00:00Z --to "2026-03-02 14:30" "$sample" \
    > out.jsonl 2> summary.txt || fail "exit $?"
  n=$(jq -s '[.[] | select(.type=="finding" and .timestamp >= "2026-03-02T14:00" and
               .timestamp <= "2026-03-02T14:30")] | length' all.jsonl)
  [ "$n" -gt 0 ] && [ "$n" -lt "$total" ] || fail "the window should hold some findings: $n"
  [ "$(grep -c '"type":"finding"' out.jsonl)" = "$n" ] || fail "--from/--to: expected $n"
  expect_line summary.txt "Summary (JPCERT/CC 2015 form): $n findings"
  # A span back from now: the sample is from March 2026.
  "$bin" scan -f jsonl --no-summary -q --from 1h "$sample" > out.jsonl || fail "exit $?"
  [ "$(grep -c '"type":"finding"' out.jsonl)" = 0 ] || fail "--from 1h kept old findings"
  "$bin" scan -f jsonl --no-summary -q --to 1h "$sample" > out.jsonl || fail "exit $?"
  [ "$(grep -c '"type":"finding"' out.jsonl)" = "$total" ] || fail "--to 1h dropped findings"
  usage_exit 2 scan --from yesterday "$sample"
  expect_line err.txt "--from wants an ISO 8601 time"
  usage_exit 2 scan --from 2026-03-03 --to 2026-03-02 "$sample"
}

no_clobber() {
  echo keep > taken.jsonl
  "$bin" scan -q -f jsonl -o taken.jsonl "$sample" 2> err.txt
  [ $? = 2 ] || fail "exit 2 expected when -o exists"
  expect_line err.txt 'use --force'
  [ "$(cat taken.jsonl)" = keep ] || fail "-o overwrote an existing file"
  "$bin" scan -q --no-summary -f jsonl -o taken.jsonl --force "$sample" || fail "--force exit $?"
  expect_line taken.jsonl '"type":"finding"'
  echo keep > taken.html
  "$bin" scan -q --no-summary -f jsonl --html taken.html "$sample" > /dev/null 2> err.txt
  [ $? = 2 ] || fail "exit 2 expected when --html exists"
  [ "$(cat taken.html)" = keep ] || fail "--html overwrote an existing file"
  # Devices are not files to protect.
  "$bin" scan -q -f jsonl -o /dev/null "$sample" || fail "-o /dev/null exit $?"
  # The same rule for the other commands that write files.
  for cmd in "dump -q $sample" "events -q $sample" "policy generate --deny net" \
             "policy simulate -q restrict.xml $sample"; do
    [ -f restrict.xml ] || "$bin" policy generate --deny net -o restrict.xml || fail "generate"
    echo keep > taken.out
    # shellcheck disable=SC2086
    "$bin" $cmd -o taken.out > /dev/null 2> err.txt
    [ $? = 2 ] || fail "$cmd: exit 2 expected when -o exists"
    [ "$(cat taken.out)" = keep ] || fail "$cmd overwrote an existing file"
    # shellcheck disable=SC2086
    "$bin" $cmd -o taken.out --force > /dev/null 2>&1 || fail "$cmd --force exit $?"
    [ "$(cat taken.out)" != keep ] || fail "$cmd --force did not write"
  done
}

progress() {
  # A run that lasts over a second (stdin held open 2 s) with stderr on a pseudo-terminal and the
  # findings in a file: the progress line is drawn in place and cleared; not with -q, not when
  # stderr is no terminal.
  in=$golden/chain_with_children/input.jsonl
  script -qec "sh -c '(cat $in; sleep 2) | $bin scan - -f jsonl -o $work/p.jsonl --no-summary'" \
    /dev/null < /dev/null > tty.txt
  expect_line tty.txt '/s), '
  expect_line tty.txt '5 findings, event time 2024-05-01 10:05'
  grep -q "$(printf '\r\033\[K')" tty.txt || fail "progress line not redrawn in place"
  [ "$(grep -c '"type":"finding"' p.jsonl)" = 5 ] || fail "findings file"
  script -qec "sh -c '(cat $in; sleep 2) | $bin scan - -q -f jsonl -o $work/q.jsonl --no-summary'" \
    /dev/null < /dev/null > tty.txt
  no_line tty.txt '/s), '
  (cat "$in"; sleep 2) | "$bin" scan - -f jsonl -o r.jsonl --no-summary 2> err.txt || fail "exit $?"
  no_line err.txt '/s), '
}

docs() {
  # Completions and the man page come from the option definitions: every option is there.
  "$bin" completion bash > c.bash || fail "completion bash exit $?"
  bash -n c.bash || fail "bash completion is not valid bash"
  cat > try.bash <<'BASH'
. ./c.bash
comp() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _cmdsentry; echo "${COMPREPLY[*]}"; }
comp cmdsentry sc
comp cmdsentry scan --ht
comp cmdsentry policy ""
comp cmdsentry -q policy generate --de
comp cmdsentry report run.jsonl --fo
BASH
  bash try.bash > got.txt || fail "completion run"
  printf 'scan\n--html\ngenerate simulate\n--deny --deny-group\n--force\n' > want.txt
  cmp -s got.txt want.txt || fail "completions: $(cat got.txt)"
  "$bin" completion zsh > _cmdsentry || fail "completion zsh exit $?"
  expect_line _cmdsentry '#compdef cmdsentry'
  expect_line _cmdsentry "'--profile[fields of CSV and JSONL"
  if command -v zsh > /dev/null; then zsh -n _cmdsentry || fail "zsh completion syntax"; fi
  "$bin" manpage > cmdsentry.1 || fail "manpage exit $?"
  expect_line cmdsentry.1 '.TH CMDSENTRY 1'
  for c in "scan" "report" "dump" "events" "baseline learn" "policy simulate" "rules check"; do
    expect_line cmdsentry.1 ".SS \"cmdsentry $c\""
  done
  expect_line cmdsentry.1 '\-\-html VALUE'
  if command -v man > /dev/null; then
    MANWIDTH=100 man -l cmdsentry.1 > man.txt 2> man.err || fail "man -l: $(cat man.err)"
    expect_line man.txt 'cmdsentry - find attacker commands in Windows event logs'
    expect_line man.txt '--from VALUE'
  fi
  usage_exit 2 completion fish
}

time_zones() {
  # The table in UTC by default, or in a zone (POSIX form here: no tzdata needed), plain or ISO.
  COLUMNS=200 "$bin" scan -q --no-summary -f table "$sample" > utc.txt || fail "exit $?"
  expect_line utc.txt 'TIME (UTC)'
  expect_line utc.txt '2026-03-02 13:12:04  WKS-FIN-07'
  expect_line utc.txt '== INCIDENT inc-000001  score 44  WKS-FIN-07  CORP\akimura  2026-03-02 13:12:04 -> 14:54:02 UTC'
  COLUMNS=200 "$bin" scan -q --no-summary -f table --tz JST-9 --iso "$sample" > jst.txt || fail "exit $?"
  expect_line jst.txt 'TIME (JST-9)'
  expect_line jst.txt '2026-03-02T22:12:04+09:00  WKS-FIN-07'
  expect_line jst.txt '2026-03-02T22:12:04+09:00 -> 23:54:02 JST-9'
  COLUMNS=200 TZ=EST5 "$bin" scan -q --no-summary -f table --local "$sample" > local.txt || fail "exit $?"
  expect_line local.txt 'TIME (local)'
  expect_line local.txt '2026-03-02 08:12:04  WKS-FIN-07'
  COLUMNS=200 "$bin" scan -q --no-summary -f table --iso "$sample" > iso.txt || fail "exit $?"
  expect_line iso.txt '2026-03-02T13:12:04Z  WKS-FIN-07'
  # JSONL and CSV stay UTC ISO 8601 whatever the table shows.
  "$bin" scan -q --no-summary -f jsonl --tz JST-9 "$sample" > out.jsonl || fail "exit $?"
  expect_line out.jsonl '"timestamp":"2026-03-02T13:12:04'
  usage_exit 2 scan --tz Mars/Olympus "$sample"
}

profiles() {
  # Timesketch: every record (findings, incidents, automation) has message, datetime and
  # timestamp_desc, datetime ISO 8601 UTC.
  "$bin" scan -q --no-summary -f jsonl --profile timesketch "$sample" > ts.jsonl || fail "exit $?"
  bad=$(jq -s '[.[] | select((.message | type) != "string" or (.timestamp_desc | type) != "string"
               or (.datetime | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$") | not))] | length' ts.jsonl)
  [ "$bad" = 0 ] || fail "$bad record(s) without the Timesketch fields"
  expect_line ts.jsonl '"timestamp_desc":"Incident start","type":"incident"'
  expect_line ts.jsonl '{"message":"[recon] tasklist: tasklist  /v (WKS-FIN-07.corp.example, CORP\\akimura)"'
  "$bin" scan -q --no-summary -f csv --profile timesketch "$sample" > ts.csv || fail "exit $?"
  head -1 ts.csv | grep -q '^message,datetime,timestamp_desc,timestamp,host,' || fail "timesketch CSV header"
  # Minimal: the short shape; verbose: standard plus GUIDs.
  "$bin" scan -q --no-summary --no-incidents -f jsonl --profile minimal "$sample" > min.jsonl || fail "exit $?"
  [ "$(jq -c 'keys' min.jsonl | sort -u)" = \
    '["command","command_line","host","incident","level","phase","record","rule","source","timestamp","type","user"]' ] ||
    fail "minimal keys: $(jq -c keys min.jsonl | sort -u)"
  "$bin" scan -q --no-summary -f jsonl --profile verbose "$sample" > v.jsonl || fail "exit $?"
  expect_line v.jsonl '"process_guid":"{'
  usage_exit 2 scan --profile huge "$sample"
}

color() {
  # On a terminal (util-linux `script` gives the scan a pseudo-terminal): coloured by phase and
  # level, unless NO_COLOR or --color never; into a file only with --color always.
  tty_run() { script -qec "$*" /dev/null < /dev/null | tr -d '\r'; }
  tty_run env -u NO_COLOR TERM=xterm COLUMNS=200 "$bin" scan -q --no-summary "$sample" > tty.txt
  expect_line tty.txt "$(printf '\033[34mrecon\033[0m')"
  expect_line tty.txt "$(printf '\033[1;31m')"
  expect_line tty.txt 'TIME (UTC)'
  tty_run env NO_COLOR=1 TERM=xterm COLUMNS=200 "$bin" scan -q --no-summary "$sample" > tty.txt
  expect_line tty.txt 'TIME (UTC)'
  ! grep -q "$(printf '\033')" tty.txt || fail "colour despite NO_COLOR"
  tty_run env -u NO_COLOR TERM=xterm "$bin" scan -q --no-summary --color never "$sample" > tty.txt
  ! grep -q "$(printf '\033')" tty.txt || fail "colour despite --color never"
  "$bin" scan -q --no-summary -f table "$sample" > file.txt || fail "exit $?"
  ! grep -q "$(printf '\033')" file.txt || fail "colour into a file"
  NO_COLOR=1 "$bin" scan -q --no-summary -f table --color always "$sample" > file.txt || fail "exit $?"
  expect_line file.txt "$(printf '\033[34mrecon')"
  usage_exit 2 scan --color sometimes "$sample"
}

# usage_exit CODE ARGS...: the binary run with ARGS exits with CODE.
# AppLocker 8002-8004 records (tests/cli/policy/applocker-decisions.jsonl, written to EVTX):
# the decision on findings (JSONL, CSV, table) and the summary's counts over all executions.
applocker() {
  "$(dirname "$bin")/cmdsentry-mkevtx" "$src/tests/cli/policy/applocker-decisions.jsonl" al.evtx \
    > /dev/null || fail "mkevtx exit $?"
  "$bin" scan al.evtx -f jsonl --no-incidents > out.jsonl 2> err.txt || fail "exit $?"
  expect_line out.jsonl '"command":"net view","rule":"net view"'
  expect_line out.jsonl '"applocker":{"decision":"audited","policy":"EXE","rule_name":"-"'
  expect_line out.jsonl '"applocker":{"decision":"allowed","policy":"EXE","rule_name":"(Default Rule) All files located in the Windows folder"'
  expect_line out.jsonl '"applocker":{"decision":"blocked","ran":false,"policy":"EXE","rule_name":"Deny ipconfig for staff"'
  expect_line err.txt 'AppLocker (executions with an 8002-8004 record): 1 allowed, 1 audited (would have been blocked), 2 blocked (did not run)'
  "$bin" scan al.evtx --summary-only --summary-format json > sum.json || fail "exit $?"
  expect_line sum.json '"applocker":{"allowed":1,"audited":1,"blocked":2}}'
  # An EXE and a DLL blocked: DLL checks are not executions.
  "$bin" scan "$src/tests/golden/events/applocker_8004_blocked_exe_and_dll/input.jsonl" \
    --summary-only --summary-format json > dll.json 2> /dev/null || fail "exit $?"
  expect_line dll.json '"applocker":{"allowed":0,"audited":0,"blocked":1}}'
  "$bin" scan al.evtx -f csv --no-incidents > out.csv 2> /dev/null || fail "exit $?"
  head -1 out.csv | grep -q ',automation,applocker' || fail "no applocker column"
  grep -q 'ipconfig.*,blocked' out.csv || fail "no blocked row in CSV"
  COLUMNS=200 "$bin" scan al.evtx -f table --no-incidents --color never > out.txt 2> /dev/null \
    || fail "exit $?"
  expect_line out.txt '[blocked by AppLocker: did not run]'
  expect_line out.txt '[AppLocker audit: would be blocked]'
  # Without AppLocker records: no field, no summary line.
  "$bin" scan "$sample" -f jsonl > plain.jsonl 2> plain.txt || fail "exit $?"
  no_line plain.jsonl '"applocker":'
  no_line plain.txt 'AppLocker ('
}

usage_exit() {
  want=$1
  shift
  "$bin" "$@" > out.txt 2> err.txt
  got=$?
  [ "$got" = "$want" ] || fail "exit $got, expected $want, for: $* ($(cat err.txt))"
}

usage_errors() {
  # docs/scan.md: 2 for usage errors, in every subcommand (CLI11's own codes are 105-109).
  usage_exit 2
  usage_exit 2 no-such-command
  usage_exit 2 scan --no-such-option "$sample"
  usage_exit 2 scan
  usage_exit 2 scan --format nope "$sample"
  usage_exit 2 scan --max-noise loud "$sample"
  usage_exit 2 events --threads many "$sample"
  usage_exit 2 dump --no-such-option "$sample"
  expect_line err.txt 'no-such-option'
  expect_line err.txt 'Run with --help'
  # Help and version are not errors.
  usage_exit 0 --help
  expect_line out.txt 'scan'
  usage_exit 0 scan --help
  # Every subcommand's help ends with examples.
  for c in scan report dump events "baseline learn" "baseline show" recommend "policy generate" \
           "policy simulate" "rules check"; do
    # shellcheck disable=SC2086
    "$bin" $c --help > help.txt || fail "$c --help exit $?"
    expect_line help.txt 'Examples:'
    expect_line help.txt "  cmdsentry $c "
  done
  usage_exit 0 --version
}

"$case_name"
