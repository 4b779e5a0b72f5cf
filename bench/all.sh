#!/usr/bin/env bash
# Every benchmark script in sequence: EVTX decoding, scan, JSON ingestion, end to end.
#
#   bench/all.sh [SIZE_MIB] [EVTX_DIR]
#
# The arguments go to bench/evtx_bench.sh; scan_bench.sh runs at its default size,
# ingest_bench.sh with INGEST_EVENTS events (default: its own, 1 M) and engine_bench.sh at
# ENGINE_SIZES events (default: its own, 100 k, 1 M and 4 M; it reads EVTX_SIZES, JQ, RUNS too).
# One script failing (missing data, a tool not installed) does not stop the others; the exit
# status is 1 if any failed.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
status=0
run() {
  echo "### $*"
  "$@" || { echo "### $1 failed (exit $?)"; status=1; }
  echo
}
run bench/evtx_bench.sh "$@"
run bench/scan_bench.sh
run bench/ingest_bench.sh ${INGEST_EVENTS:+"$INGEST_EVENTS"}
run bench/engine_bench.sh
exit "$status"
