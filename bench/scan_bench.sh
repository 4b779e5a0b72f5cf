#!/bin/sh
# Times `cmdsentry scan --format jsonl` over one large EVTX file built from the valid chunks of
# the DEV log set, and prints MB/s and records/s.
#
# Usage: bench/scan_bench.sh [SIZE_MIB] [CMDSENTRY] [THREADS]
#   SIZE_MIB   corpus size (default 256; the file is cached in $TMPDIR and reused)
#   CMDSENTRY  binary (default build/release/cmdsentry, else build/dev/cmdsentry)
#   THREADS    --threads (default 0 = all cores)
# Needs ../shared/data/evtx and ../shared/tools/build-evtx-corpus. Keep sizes small on shared
# machines: the scan is CPU-bound and uses every core unless THREADS says otherwise.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
size=${1:-256}
bin=${2:-}
threads=${3:-0}
if [ -z "$bin" ]; then
  bin=$root/build/release/cmdsentry
  [ -x "$bin" ] || bin=$root/build/dev/cmdsentry
fi
data=$root/../shared/data/evtx
tool=$root/../shared/tools/build-evtx-corpus
[ -d "$data" ] || { echo "scan_bench: $data is absent" >&2; exit 77; }
[ -x "$bin" ] || { echo "scan_bench: no cmdsentry binary at $bin (build it first)" >&2; exit 2; }

corpus=${TMPDIR:-/tmp}/cmdsentry-scan-bench-${size}MiB.evtx
if [ ! -f "$corpus" ] || [ ! -f "$corpus.info" ]; then
  echo "scan_bench: building $corpus" >&2
  "$tool" "$corpus" "$size" "$data" | tee "$corpus.info" >&2
fi
# build-evtx-corpus: "...: N bytes, C chunks from D distinct, R records"
file_records=$(sed -n 's/.* \([0-9][0-9]*\) records.*/\1/p' "$corpus.info" | head -1)
bytes=$(wc -c < "$corpus")
err=$(mktemp)
trap 'rm -f "$err"' EXIT

start=$(date +%s.%N)
"$bin" scan --format jsonl --no-summary --threads "$threads" -o /dev/null "$corpus" 2> "$err" || true
end=$(date +%s.%N)

# "cmdsentry: scan: ... N records, ...; E executions analysed, ... M findings"
executions=$(sed -n 's/.* \([0-9][0-9]*\) executions analysed.*/\1/p' "$err" | head -1)
findings=$(sed -n 's/.* \([0-9][0-9]*\) findings (.*/\1/p' "$err" | head -1)
awk -v s="$start" -v e="$end" -v b="$bytes" -v r="${file_records:-0}" -v x="${executions:-0}" \
    -v f="${findings:-0}" -v bin="$bin" -v t="$threads" 'BEGIN {
  d = e - s
  printf "scan_bench: %s, threads %s\n", bin, t
  printf "  %.1f MiB, %d records (%d executions), %d findings in %.2f s\n", b / 1048576, r, x, f, d
  printf "  %.1f MB/s, %.0f records/s\n", b / 1e6 / d, r / d
}'
