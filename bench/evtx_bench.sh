#!/usr/bin/env bash
# EVTX decoding benchmark: cmdsentry dump against libevtx's evtxexport, side by side on one corpus.
#
#   bench/evtx_bench.sh [SIZE_MIB] [EVTX_DIR]      (defaults: 1024, ../shared/data/evtx)
#
# The corpus is built with ../shared/tools/build-evtx-corpus from the EVTX files under EVTX_DIR
# that evtxexport reads without error (evtxexport stops at the first record it cannot parse, so
# an unfiltered corpus would let it "finish" early). The tool prints the record count a reader
# must find; every row checks it exported that many records. Rows:
#   - evtxexport -f xml (libevtx 20181227), the reference the targets are stated against
#   - cmdsentry dump --format jsonl, 1 thread and all threads   (full rendering)
#   - cmdsentry dump --event-id 4688,1, 1 thread and all threads (filtered decode: records that are
#     not process creations cost only a look at their EventID value)
# evtxexport's output goes to a pipe that counts its records; cmdsentry writes to /dev/null and
# its own end-of-run summary gives the count. Each cmdsentry row is the fastest of RUNS runs
# (default 3); peak memory is the largest maximum resident set size seen. Set SKIP_EVTXEXPORT=SECS
# to reuse a known evtxexport time instead of running it (it takes ~75 s per GiB). INGEST=1 then
# runs bench/ingest_bench.sh [INGEST_EVENTS], so the JSON ingestion figures print beside these.
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-1024}
data=${2:-../shared/data/evtx}
runs=${RUNS:-3}
bin=$PWD/build/release/cmdsentry
builder=../shared/tools/build-evtx-corpus
[ -x "$bin" ] || { cmake --preset release >/dev/null && cmake --build --preset release --target cmdsentry; }
[ -x "$builder" ] || { echo "missing $builder (the shared data set)"; exit 2; }
command -v evtxexport >/dev/null || { echo "missing evtxexport (apt-get install libevtx-utils)"; exit 2; }
mkdir -p build/bench
corpus=build/bench/corpus-${size}.evtx
list=build/bench/libevtx-readable.txt
if [ ! -s "$list" ]; then
  echo "selecting the EVTX files evtxexport reads without error..."
  find "$data" -name '*.evtx' -print0 | sort -z | while IFS= read -r -d '' f; do
    evtxexport -f xml "$f" >/dev/null 2>&1 && printf '%s\n' "$f"
  done > "$list"
fi
mapfile -t inputs < "$list"
info=$("$builder" "$corpus" "$size" "${inputs[@]}" | tail -n 1)
records=$(echo "$info" | sed -n 's/.* \([0-9]*\) records.*/\1/p')
bytes=$(stat -c %s "$corpus")
threads=$(nproc)
echo "corpus: $info (from ${#inputs[@]} files evtxexport reads)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo

# time_it RUNS PATTERN CMD... -> "seconds peak_kib count" of the fastest run; count = output lines
# matching PATTERN (a record count check).
time_it() {
  local n=$1 pattern=$2; shift 2
  local best="" best_mem=0 count=0
  for _ in $(seq "$n"); do
    local tf cf
    tf=$(mktemp); cf=$(mktemp)
    if [ "$pattern" = "@summary" ]; then
      # cmdsentry counts its own records (stderr summary); output goes straight to /dev/null so
      # no reader process competes for the cores.
      /usr/bin/time -o "$tf" -f "%e %M" "$@" >/dev/null 2>"$cf.err" || true
      sed -n 's/.*records: \([0-9]*\) decoded.*/\1/p' "$cf.err" > "$cf"
      rm -f "$cf.err"
    else
      # shellcheck disable=SC2016  # "$@" and "$0" belong to the inner bash
      /usr/bin/time -o "$tf" -f "%e %M" bash -c '"$@" 2>/dev/null | grep -c "$0" > '"$cf"' || true' \
        "$pattern" "$@" || true
    fi
    local out s m
    out=$(tail -n 1 "$tf"); s=${out% *}; m=${out#* }
    count=$(cat "$cf"); rm -f "$tf" "$cf"
    if [ -z "$best" ] || awk "BEGIN{exit !($s < $best)}"; then best=$s; fi
    [ "$m" -gt "$best_mem" ] && best_mem=$m
  done
  echo "$best $best_mem $count"
}

rows=()
run_row() {  # label threads runs pattern cmd...
  local label=$1 t=$2 n=$3 pattern=$4; shift 4
  read -r s m c < <(time_it "$n" "$pattern" "$@")
  rows+=("$label|$t|$s|$m|$c")
}

if [ -n "${SKIP_EVTXEXPORT:-}" ]; then
  rows+=("evtxexport -f xml (libevtx, time given)|1|$SKIP_EVTXEXPORT|0|$records")
else
  run_row "evtxexport -f xml (libevtx)" 1 1 '^<Event ' evtxexport -f xml "$corpus"
fi
run_row "cmdsentry dump --format jsonl" 1 "$runs" @summary "$bin" dump -q -t 1 "$corpus"
run_row "cmdsentry dump --format jsonl" "$threads" "$runs" @summary "$bin" dump -q -t "$threads" "$corpus"
run_row "cmdsentry dump --event-id 4688,1" 1 "$runs" @summary "$bin" dump -q -t 1 --event-id 4688,1 "$corpus"
run_row "cmdsentry dump --event-id 4688,1" "$threads" "$runs" @summary "$bin" dump -q -t "$threads" --event-id 4688,1 "$corpus"

ref=$(echo "${rows[0]}" | cut -d'|' -f3)
printf '%-34s %7s %9s %12s %10s %9s %9s %13s\n' tool threads seconds records/s MB/s "peak MiB" "records" "vs evtxexport"
for r in "${rows[@]}"; do
  IFS='|' read -r label t s m c <<<"$r"
  awk -v l="$label" -v t="$t" -v s="$s" -v m="$m" -v c="$c" -v rec="$records" -v b="$bytes" -v ref="$ref" 'BEGIN{
    if (s <= 0) s = 0.001;
    printf "%-34s %7d %9.2f %12.0f %10.1f %9.1f %9d %12.1fx\n", l, t, s, rec / s, b / s / 1e6, m / 1024, c, ref / s }'
done
echo
echo "records/s and MB/s are over the whole corpus ($records records, $bytes bytes): the filtered rows"
echo "decode every record's EventID but render only the process creations they output (records column)."
echo
if [ "${INGEST:-0}" = 1 ]; then
  bench/ingest_bench.sh ${INGEST_EVENTS:+"$INGEST_EVENTS"}
else
  echo "JSON ingestion (events/s per core, Winlogbeat and evtx_dump JSONL): bench/ingest_bench.sh,"
  echo "or INGEST=1 bench/evtx_bench.sh for both sets of figures in one run."
fi
