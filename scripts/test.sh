#!/usr/bin/env bash
# Second command of the quick start: the whole test suite.
#   0. every C++ file formatted as .clang-format says (scripts/check-format.sh)
#   1. release build with warnings as errors (the `ci` preset: release flags + -Werror), all
#      unit/golden/CLI tests and the layering check (the data-set tests read ../shared/data if
#      present)
#   2. asan build (ASan + UBSan), the same tests
#   3. fuzz build (clang-14 + libFuzzer), a short run of every fuzzer from its seed corpus
# Set CMDSENTRY_TEST_QUICK=1 to run only step 1.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/check-format.sh
jobs=$(nproc)

cmake --preset ci >/dev/null
cmake --build --preset ci -j "$jobs"
ctest --preset ci -j "$jobs"

if [ "${CMDSENTRY_TEST_QUICK:-0}" = "1" ]; then exit 0; fi

cmake --preset asan >/dev/null
cmake --build --preset asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --preset asan -j "$jobs"

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$jobs"
scripts/fuzz.sh "${CMDSENTRY_FUZZ_SECONDS:-30}"
