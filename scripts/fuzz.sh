#!/usr/bin/env bash
# Runs every libFuzzer target of build/fuzz for SECONDS each, starting from fuzz/corpus/<target>.
# New inputs go to a scratch folder, so the committed corpus only changes by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
for bin in build/fuzz/fuzz/fuzz_*; do
  [ -x "$bin" ] || continue
  name=$(basename "$bin")
  scratch=$(mktemp -d)
  dict=()
  [ -f "fuzz/$name.dict" ] && dict=(-dict="fuzz/$name.dict")
  echo "== $name: ${seconds}s"
  "$bin" "${dict[@]}" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    "$scratch" "fuzz/corpus/$name" 2>&1 | tail -n 12
  rm -rf "$scratch"
done
