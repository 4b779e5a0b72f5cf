#!/usr/bin/env bash
# JSON ingestion benchmark: normalized JSONL events per second per core, in memory and end to end.
#
#   bench/ingest_bench.sh [EVENTS]      (default 1000000)
#
# 1. build/release/bench/ingest_bench (Google Benchmark, one thread, lines generated in memory),
#    one run per layout (Winlogbeat compact, WinlogbeatFull as Winlogbeat 8 ships it, EvtxDump),
#    BENCH_REPS repetitions (default 3), the best (fastest) repetition reported. Rows:
#      parse only            memchr line split + simdjson DOM parse per line: the library floor
#                            (for DOM readers; On-Demand, used for Winlogbeat, may go below it)
#      read                  sources: split, parse, dialect mapping to RawEvent
#      read+normalize        + events::normalize to ProcessEvent ("normalized ingestion")
#      read+normalize+merge  + sort, dedup, net1 folding (the streaming engine without analysis)
#    events/s are per core (CPU time of the benchmark thread); MB/s are input bytes (1e6). The
#    "vs parse" column is how many times the parse alone's time a row takes. The target line
#    checks read+normalize on the compact Winlogbeat layout against 1 M events/s/core.
# 2. End to end with the CLI on a file of EVENTS lines written by bench/make_winlogbeat.py (4688
#    and Sysmon 1, 20 hosts, 50 users, 30 commands; cached in build/bench/), once per layout in
#    LAYOUTS (default "compact full"; empty skips part 2): `cmdsentry events --threads 1` and
#    `cmdsentry scan -t 1 --format jsonl`, output to /dev/null, the fastest of RUNS runs (default
#    3), wall seconds and peak RSS from /usr/bin/time, the record count from cmdsentry's stderr
#    summary checked against EVENTS. If jq is installed, `jq -c .` on the same file (JQ_RUNS
#    runs, default 1, 0 skips it) is the outside reference: "vs jq" is jq's time over cmdsentry's.
#    The binaries are built only when missing: rebuild after changing src/.
# BENCH_EVENTS sets the in-memory line count (default EVENTS; a WinlogbeatFull line is ~3.3 KB,
# so 1 M of them take 3.3 GB while that layout runs). SEED (default 1) picks the generated file.
set -euo pipefail
cd "$(dirname "$0")/.."
events=${1:-1000000}
bench_events=${BENCH_EVENTS:-$events}
reps=${BENCH_REPS:-3}
runs=${RUNS:-3}
jq_runs=${JQ_RUNS:-1}
seed=${SEED:-1}
layouts=${LAYOUTS-compact full}
bin=$PWD/build/release/cmdsentry
bench=$PWD/build/release/bench/ingest_bench
if [ ! -x "$bin" ] || [ ! -x "$bench" ]; then
  cmake --preset release >/dev/null
  cmake --build --preset release --target cmdsentry ingest_bench
fi
command -v python3 >/dev/null || { echo "missing python3"; exit 2; }
[ -x /usr/bin/time ] || { echo "missing /usr/bin/time (apt-get install time)"; exit 2; }
command -v jq >/dev/null || jq_runs=0
mkdir -p build/bench

load() { cut -d' ' -f1-3 /proc/loadavg; }
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
echo "machine: $(nproc) cores, $cpu, load $(load)"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')," \
  "commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
echo

# --- 1. in memory -------------------------------------------------------------------------------
# table LAYOUT JSON -> prints the layout's table; its best read+normalize rate goes to
# JSON.normalize for the target line.
table() {
  python3 - "$1" "$2" "$reps" <<'EOF'
import json, sys
layout, path, reps = sys.argv[1], sys.argv[2], sys.argv[3]
best = {}
for b in json.load(open(path))["benchmarks"]:
    if b.get("run_type", "iteration") != "iteration":
        continue
    name = b["name"].split("/")[0][len("BM_"):-len(layout)]
    if name not in best or b["items_per_second"] > best[name]["items_per_second"]:
        best[name] = b
parse = best["ParseOnly"]["items_per_second"]
line = best["ParseOnly"]["bytes_per_second"] / parse
print("%-28s %14s %10s %10s" % ("%s (%.0f B/line)" % (layout, line), "events/s/core", "MB/s",
                                "vs parse"))
for key, label in [("ParseOnly", "parse only (simdjson floor)"), ("Read", "read"),
                   ("Normalize", "read+normalize"), ("Pipeline", "read+normalize+merge")]:
    rate = best[key]["items_per_second"]
    print("%-28s %14s %10.1f %9.2fx" % (label, format(round(rate), ","),
                                          best[key]["bytes_per_second"] / 1e6, parse / rate))
print("read+normalize vs simdjson parse alone: %.2fx the parse time (best of %s repetitions)"
      % (parse / best["Normalize"]["items_per_second"], reps))
with open(path + ".normalize", "w") as f:
    f.write("%.0f\n" % best["Normalize"]["items_per_second"])
EOF
}

echo "== in memory: bench/ingest_bench, $bench_events events per layout, 1 thread," \
  "best of $reps repetitions"
for layout in Winlogbeat WinlogbeatFull EvtxDump; do
  out=build/bench/ingest-$layout.json
  CMDSENTRY_BENCH_EVENTS=$bench_events "$bench" --benchmark_filter="^BM_[A-Za-z]+$layout\$" \
    --benchmark_repetitions="$reps" --benchmark_format=json >"$out" 2>/dev/null
  table "$layout" "$out"
  echo "  (load $(load))"
  echo
done
awk -v r="$(cat build/bench/ingest-Winlogbeat.json.normalize)" 'BEGIN {
  printf "target: read+normalize, compact Winlogbeat layout, >= 1 M events/s/core: %s (%.2f M)\n",
    (r >= 1e6 ? "PASS" : "MISS"), r / 1e6 }'
echo

# --- 2. end to end ------------------------------------------------------------------------------
# time_it N PATTERN CMD... -> "seconds peak_kib count" of the fastest of N runs; count is what the
# sed expression PATTERN prints from the command's stderr ("-" for an empty PATTERN or no match).
time_it() {
  local n=$1 pattern=$2; shift 2
  local best="" best_mem=0 count="" tf ef out s m
  tf=$(mktemp); ef=$(mktemp)
  for _ in $(seq "$n"); do
    /usr/bin/time -o "$tf" -f "%e %M" "$@" >/dev/null 2>"$ef" || true
    out=$(tail -n 1 "$tf"); s=${out% *}; m=${out#* }
    [ -n "$pattern" ] && count=$(sed -n "$pattern" "$ef" | head -n 1)
    if [ -z "$best" ] || awk "BEGIN{exit !($s < $best)}"; then best=$s; fi
    [ "$m" -gt "$best_mem" ] && best_mem=$m
  done
  rm -f "$tf" "$ef"
  echo "$best $best_mem ${count:--}"
}

for layout in $layouts; do
  file=build/bench/winlogbeat-$layout-$events-s$seed.jsonl
  if [ ! -s "$file" ]; then
    echo "writing $file..."
    flag=()
    [ "$layout" = full ] && flag=(--full)
    python3 bench/make_winlogbeat.py "${flag[@]}" --seed "$seed" "$events" "$file.tmp"
    mv "$file.tmp" "$file"
  fi
  bytes=$(stat -c %s "$file")
  cat "$file" >/dev/null  # into the page cache before the first timed run
  echo "== end to end, $layout layout: $file ($events events, $bytes bytes), 1 thread," \
    "best of $runs runs (jq: $jq_runs)"
  rows=()
  read -r s m c < <(time_it "$runs" 's/.* \([0-9][0-9]*\) records read.*/\1/p' \
    "$bin" events --threads 1 "$file")
  rows+=("cmdsentry events --threads 1|$s|$m|$c")
  read -r s m c < <(time_it "$runs" 's/.*), \([0-9][0-9]*\) records,.*/\1/p' \
    "$bin" scan -t 1 --format jsonl "$file")
  rows+=("cmdsentry scan -t 1 --format jsonl|$s|$m|$c")
  jq_s=0
  if [ "$jq_runs" -gt 0 ]; then
    read -r jq_s m c < <(time_it "$jq_runs" "" jq -c . "$file")
    rows+=("jq -c . (reference)|$jq_s|$m|$c")
  fi
  printf '%-36s %8s %13s %9s %9s %11s %7s\n' \
    command seconds events/s MB/s "peak MiB" "events read" "vs jq"
  for r in "${rows[@]}"; do
    IFS='|' read -r label s m c <<<"$r"
    awk -v l="$label" -v s="$s" -v m="$m" -v c="$c" -v n="$events" -v b="$bytes" -v jq="$jq_s" '
      function commas(x,  s) {
        s = sprintf("%.0f", x)
        while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9](,|$)/, ",&", s)
        return s
      }
      BEGIN {
        if (s <= 0) s = 0.005
        vs = jq > 0 ? sprintf("%6.1fx", jq / s) : "      -"
        printf "%-36s %8.2f %13s %9.1f %9.1f %11s %s\n", l, s, commas(n / s), b / s / 1e6,
          m / 1024, c, vs
      }'
    if [ "$c" != - ] && [ "$c" != "$events" ]; then echo "  ^ read $c events, expected $events"; fi
  done
  echo "  (load $(load))"
  echo
done
