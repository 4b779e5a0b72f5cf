#!/usr/bin/env bash
# EVTX decoding benchmark: cmdsentry dump beside the Rust evtx_dump (and libevtx's evtxexport),
# side by side on the same corpora, JSONL and XML, one thread and all threads.
#
#   bench/evtx_bench.sh [SIZE_MIB] [EVTX_DIR]      (defaults: 512, ../shared/data/evtx)
#
# Corpora (built with ../shared/tools/build-evtx-corpus, which repeats the valid chunks of the
# given files and prints the record count a reader must find; cached in build/bench-data/ with
# that line beside them, never committed):
#   - all:    SIZE_MIB of chunks from every EVTX file under EVTX_DIR;
#   - attack: ATTACK_MIB (default SIZE_MIB/2) of chunks from EVTX_DIR/sbousseaden_EVTX-ATTACK-SAMPLES
#             (fewer, larger records: Sysmon command lines, PowerShell script blocks).
# For each corpus, format (jsonl, xml) and thread count (1, nproc) the row runs
# `cmdsentry dump -q --format F -t T` and `evtx_dump -o F -t T` (EVTX_DUMP, default
# ../shared/peers/evtx_dump) RUNS times each (default 7), alternating run by run so both see the
# same machine load, output to /dev/null; it prints the medians, the ratio evtx_dump/cmdsentry
# (> 1: cmdsentry is faster) and the largest maximum resident set size of each. Record counts
# are checked: cmdsentry's from its end-of-run summary on every run, evtx_dump's from one extra
# untimed run piped into a counter (`Record N` headers in XML, lines in JSONL).
# Targets (issue 15), printed as PASS/FAIL lines after the table, on the all-data-set corpus:
# ratio >= 1.5 for JSONL on 1 thread and on all threads and for XML on 1 thread, and
# cmdsentry's peak RSS < 64 MiB on every row.
# libevtx (evtxexport -f xml, single-threaded) is the second reference: it stops at the first
# record it cannot parse and takes ~75 s per GiB, so it runs LIBEVTX_RUNS times (default 1) on a
# LIBEVTX_MIB corpus (default 32) of the files it reads to the end, beside cmdsentry --format xml
# -t 1 on the same corpus. LIBEVTX=0 skips it. A row whose peer is missing says so.
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-512}
data=${2:-../shared/data/evtx}
attack_size=${ATTACK_MIB:-$((size / 2))}
runs=${RUNS:-7}
bin=$PWD/build/release/cmdsentry
peer=${EVTX_DUMP:-../shared/peers/evtx_dump}
builder=../shared/tools/build-evtx-corpus
[ -x "$bin" ] || { cmake --preset release >/dev/null && cmake --build --preset release --target cmdsentry; }
[ -x "$builder" ] || { echo "missing $builder (the shared data set)"; exit 2; }
threads=$(nproc)
mkdir -p build/bench build/bench-data

echo "machine: $threads cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')," \
  "load $(cut -d' ' -f1-3 /proc/loadavg) at start"
echo "cmdsentry: $bin"
if [ -x "$peer" ]; then
  echo "evtx_dump: $peer ($("$peer" --version 2>/dev/null | head -n 1))"
else
  echo "evtx_dump: absent ($peer not found; set EVTX_DUMP=PATH): its rows show n/a"
fi
echo "medians of $runs alternating runs per row; output to /dev/null"
echo

# build_corpus NAME SIZE INPUT... -> sets corpus (path) and records (promised count)
build_corpus() {
  local name=$1 mib=$2; shift 2
  corpus=build/bench-data/evtx-corpus-${name}-${mib}.evtx
  local info
  # The builder is deterministic (same input and size, same bytes): keep the corpus and its
  # summary line, and build again only when either is missing.
  if [ -s "$corpus" ] && [ -s "$corpus.info" ]; then
    info=$(cat "$corpus.info")
  else
    info=$("$builder" "$corpus" "$mib" "$@" | tail -n 1)
    echo "$info" >"$corpus.info"
  fi
  records=$(echo "$info" | sed -n 's/.* \([0-9]*\) records.*/\1/p')
  echo "corpus $name: $info"
}

# one_run OUT CMD... : runs CMD once (stdout to /dev/null), appends "seconds peak_kib" to OUT;
# a cmdsentry run also appends its decoded-record count from the summary on stderr to OUT.count.
one_run() {
  local out=$1; shift
  local tf ef t0 t1
  tf=$(mktemp); ef=$(mktemp)
  # Wall time in ns around the run (/usr/bin/time's %e has 10 ms steps); %M for peak memory.
  t0=$(date +%s%N)
  /usr/bin/time -o "$tf" -f "%M" "$@" >/dev/null 2>"$ef" || true
  t1=$(date +%s%N)
  echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", (b - a) / 1e9}') $(tail -n 1 "$tf")" >>"$out"
  sed -n 's/.*records: \([0-9]*\) decoded.*/\1/p' "$ef" >>"$out.count"
  rm -f "$tf" "$ef"
}

median() { sort -n | awk '{a[NR]=$1} END{if (NR==0) print "nan"; else if (NR%2) printf "%.3f\n", a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }
peak_mib() { awk 'BEGIN{m=0} {if ($2>m) m=$2} END{printf "%.1f", m/1024}'; }

# peer_count FORMAT THREADS: records evtx_dump writes (one untimed run).
peer_count() {
  if [ "$1" = xml ]; then
    "$peer" -t "$2" -o xml "$corpus" 2>/dev/null | grep -c '^Record ' || true
  else
    "$peer" -t "$2" -o jsonl "$corpus" 2>/dev/null | wc -l
  fi
}

table=()
# row CORPUS FORMAT THREADS
row() {
  local name=$1 fmt=$2 t=$3 ours theirs
  ours=$(mktemp); theirs=$(mktemp)
  for _ in $(seq "$runs"); do
    one_run "$ours" "$bin" dump -q --format "$fmt" -t "$t" "$corpus"
    [ -x "$peer" ] && one_run "$theirs" "$peer" -t "$t" -o "$fmt" "$corpus"
  done
  local s_ours m_ours c_ours s_peer="n/a" m_peer="n/a" c_peer="n/a" ratio="n/a" note=""
  s_ours=$(cut -d' ' -f1 "$ours" | median)
  m_ours=$(peak_mib <"$ours")
  c_ours=$(sort -u "$ours.count" | tr '\n' ' ' | sed 's/ $//')
  [ "$c_ours" = "$records" ] || note="cmdsentry count $c_ours != $records promised"
  if [ -x "$peer" ]; then
    s_peer=$(cut -d' ' -f1 "$theirs" | median)
    m_peer=$(peak_mib <"$theirs")
    c_peer=$(peer_count "$fmt" "$t")
    ratio=$(awk -v a="$s_peer" -v b="$s_ours" 'BEGIN{printf "%.2fx", a / (b > 0 ? b : 0.001)}')
    [ "$c_peer" = "$records" ] || note="${note:+$note; }evtx_dump count $c_peer != $records"
  else
    note="${note:+$note; }evtx_dump absent"
  fi
  rm -f "$ours" "$ours.count" "$theirs" "$theirs.count"
  table+=("$name|$fmt|$t|$s_ours|$s_peer|$ratio|$m_ours|$m_peer|$records|$c_peer|${note:-ok}")
}

build_corpus all "$size" "$data"
for fmt in jsonl xml; do for t in 1 "$threads"; do row all "$fmt" "$t"; done; done
attack_dir=$data/sbousseaden_EVTX-ATTACK-SAMPLES
if [ -d "$attack_dir" ] && [ "$attack_size" -gt 0 ]; then
  build_corpus attack "$attack_size" "$attack_dir"
  for fmt in jsonl xml; do for t in 1 "$threads"; do row attack "$fmt" "$t"; done; done
else
  table+=("attack|-|-|n/a|n/a|n/a|n/a|n/a|0|n/a|no $attack_dir (or ATTACK_MIB=0)")
fi
echo
printf '%-7s %-6s %7s %11s %11s %8s %9s %9s %9s %9s  %s\n' corpus format threads \
  "cmdsentry s" "evtx_dump s" ratio "ours MiB" "peer MiB" records "peer rec" check
for r in "${table[@]}"; do
  IFS='|' read -r n f t a b ratio ma mb c cp note <<<"$r"
  printf '%-7s %-6s %7s %11s %11s %8s %9s %9s %9s %9s  %s\n' "$n" "$f" "$t" "$a" "$b" "$ratio" \
    "$ma" "$mb" "$c" "$cp" "$note"
done
echo "ratio = evtx_dump median / cmdsentry median (above 1: cmdsentry is faster)."
# Targets: PASS/FAIL per line (n/a when the peer is absent).
target() {  # target LABEL CORPUS FORMAT THREADS
  local r
  for r in "${table[@]}"; do
    IFS='|' read -r n f t _ _ ratio _ _ _ _ note <<<"$r"
    [ "$n" = "$2" ] && [ "$f" = "$3" ] && [ "$t" = "$4" ] || continue
    if [ "$ratio" = n/a ]; then
      echo "target $1: n/a ($note)"
    else
      awk -v x="${ratio%x}" -v l="$1" -v n="$note" 'BEGIN{
        v = (x >= 1.5 && n == "ok") ? "PASS" : "FAIL"
        printf "target %s >= 1.50x: %s (%.2fx%s)\n", l, v, x, n == "ok" ? "" : "; " n }'
    fi
  done
}
target "all-data-set JSONL, 1 thread" all jsonl 1
target "all-data-set JSONL, $threads threads" all jsonl "$threads"
target "all-data-set XML, 1 thread" all xml 1
peak=$(for r in "${table[@]}"; do IFS='|' read -r _ _ _ _ _ _ ma _ <<<"$r"; echo "0 $ma"; done |
  awk '{if ($2 != "n/a" && $2 + 0 > m) m = $2 + 0} END{printf "%.1f", m}')
awk -v m="$peak" 'BEGIN{printf "target cmdsentry peak RSS < 64 MiB on every row: %s (%.1f MiB)\n", m < 64 ? "PASS" : "FAIL", m}'
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg) (a shared machine: compare rows of one run, not runs)"

# ---- libevtx, the second reference --------------------------------------------------------
[ "${LIBEVTX:-1}" = 0 ] && exit 0
echo
if ! command -v evtxexport >/dev/null; then
  echo "libevtx: absent (evtxexport not installed: apt-get install libevtx-utils)"
  exit 0
fi
list=build/bench/libevtx-readable.txt
if [ ! -s "$list" ]; then
  echo "selecting the EVTX files evtxexport reads without error..."
  find "$data" -name '*.evtx' -print0 | sort -z | while IFS= read -r -d '' f; do
    evtxexport -f xml "$f" >/dev/null 2>&1 && printf '%s\n' "$f"
  done >"$list"
fi
mapfile -t inputs <"$list"
build_corpus libevtx "${LIBEVTX_MIB:-32}" "${inputs[@]}"
ours=$(mktemp); theirs=$(mktemp)
lib_count=0
for _ in $(seq "${LIBEVTX_RUNS:-1}"); do
  one_run "$ours" "$bin" dump -q --format xml -t 1 "$corpus"
  tf=$(mktemp)
  # evtxexport's records are counted through a pipe (it has no summary); the counter is cheap
  # beside its ~75 s per GiB.
  # shellcheck disable=SC2016
  /usr/bin/time -o "$tf" -f "%e %M" bash -c 'evtxexport -f xml "$0" 2>/dev/null | grep -c "^<Event " > "$1" || true' \
    "$corpus" "$tf.count"
  tail -n 1 "$tf" >>"$theirs"
  lib_count=$(cat "$tf.count"); rm -f "$tf" "$tf.count"
done
s_ours=$(cut -d' ' -f1 "$ours" | median); s_lib=$(cut -d' ' -f1 "$theirs" | median)
c_ours=$(sort -u "$ours.count" | tr '\n' ' ' | sed 's/ $//')
printf '%-40s %9s %9s %9s %9s\n' "libevtx corpus (${#inputs[@]} files), xml, 1 thread" seconds "peak MiB" records check
printf '%-40s %8ss %9s %9s %9s\n' "cmdsentry dump --format xml" "$s_ours" "$(peak_mib <"$ours")" "$c_ours" \
  "$([ "$c_ours" = "$records" ] && echo ok || echo "!= $records")"
printf '%-40s %8ss %9s %9s %9s\n' "evtxexport -f xml (libevtx)" "$s_lib" "$(peak_mib <"$theirs")" "$lib_count" \
  "$([ "$lib_count" = "$records" ] && echo ok || echo "!= $records")"
awk -v a="$s_lib" -v b="$s_ours" 'BEGIN{printf "cmdsentry is %.1fx libevtx\n", a / (b > 0 ? b : 0.001)}'
rm -f "$ours" "$ours.count" "$theirs" "$theirs.count"
