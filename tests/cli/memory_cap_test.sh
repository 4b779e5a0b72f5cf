#!/bin/sh
# Peak memory of `cmdsentry scan` on an organisation's logs. Usage:
#   memory_cap_test.sh BINARY SOURCE_DIR [WORK_DIR]
# bench/make_org_logs.py writes EVENTS records (default 300000: Security 4688 and Sysmon 1 of the
# same processes, two files, evtx_dump JSON lines) to WORK_DIR (default a temporary directory);
# `cmdsentry scan --format jsonl -o /dev/null -q security.jsonl sysmon.jsonl` runs under
# /usr/bin/time -v and must exit 0 with a peak RSS below CAP_MIB (default 256) MiB; a second run
# writing to a file must report findings. The figures are printed either way; the generated logs
# are deleted at the end. Exits 77 (skipped) without python3 or /usr/bin/time. Meant for a
# release build: sanitizers multiply memory.
set -u
bin=$1 src=$2 work=${3:-}
events=${EVENTS:-300000}
cap_mib=${CAP_MIB:-256}
command -v python3 > /dev/null || { echo "SKIP: no python3"; exit 77; }
[ -x /usr/bin/time ] || { echo "SKIP: no /usr/bin/time (apt-get install time)"; exit 77; }
if [ -n "$work" ]; then
  rm -rf "$work" && mkdir -p "$work" || exit 1
  trap 'rm -f "$work/security.jsonl" "$work/sysmon.jsonl"' EXIT
else
  work=$(mktemp -d) || exit 1
  trap 'rm -rf "$work"' EXIT
fi
sec=$work/security.jsonl sys=$work/sysmon.jsonl

python3 "$src/bench/make_org_logs.py" --events "$events" --seed 1 --out-dir "$work" \
  2> "$work/generator.txt" || { cat "$work/generator.txt"; echo "FAIL: make_org_logs.py"; exit 1; }
sed 's/^make_org_logs: /generator: /' "$work/generator.txt"
bytes=$(( $(wc -c < "$sec") + $(wc -c < "$sys") ))

rc=0
/usr/bin/time -v -o "$work/time.txt" "$bin" scan --format jsonl -o /dev/null -q "$sec" "$sys" \
  2> "$work/scan.err" || rc=$?
kib=$(sed -n 's/.*Maximum resident set size (kbytes): *\([0-9]*\).*/\1/p' "$work/time.txt")
wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); t = 0
  for (i = 1; i <= n; i++) t = t * 60 + p[i]; print t }' "$work/time.txt")
frc=0
"$bin" scan --format jsonl -o "$work/findings.jsonl" -q "$sec" "$sys" 2>> "$work/scan.err" || frc=$?
findings=$(wc -l < "$work/findings.jsonl" 2> /dev/null || echo 0)

awk -v n="$events" -v b="$bytes" -v k="${kib:-0}" -v cap="$cap_mib" -v w="$wall" -v rc="$rc" \
    -v f="$findings" 'BEGIN {
  printf "memory_cap: %d records, %.1f MB: peak RSS %.1f MiB (cap %d MiB), wall %s s, " \
    "exit %d; %d findings\n",
    n, b / 1e6, k / 1024, cap, w, rc, f }'
failed=0
[ "$rc" = 0 ] || { echo "FAIL: scan exited $rc"; sed -n '1,20p' "$work/scan.err"; failed=1; }
if [ -z "$kib" ]; then
  echo "FAIL: no peak RSS in /usr/bin/time's report"; failed=1
elif [ "$kib" -ge $((cap_mib * 1024)) ]; then
  echo "FAIL: peak RSS $((kib / 1024)) MiB >= $cap_mib MiB"; failed=1
fi
[ "$frc" = 0 ] || { echo "FAIL: scan to a file exited $frc"; failed=1; }
[ "$findings" -gt 0 ] || { echo "FAIL: no findings"; failed=1; }
[ "$failed" = 0 ] && echo "PASS"
exit "$failed"
