#!/usr/bin/env bash
# Runs one libFuzzer target for a bounded time, for ctest.
#   run_fuzzer.sh FUZZER WORK_DIR SECONDS DICT SEED_DIR...
# New inputs go to WORK_DIR/corpus (never into the source tree); a crashing input is written to
# WORK_DIR/artifacts/. Fails on any crash, leak, timeout, out-of-memory or sanitizer report;
# prints libFuzzer's final statistics (executions, coverage) either way.
set -uo pipefail
fuzzer=$1 work=$2 seconds=$3 dict=$4
shift 4
if [ ! -x "$fuzzer" ]; then
  echo "$fuzzer is not built: build the target $(basename "$fuzzer") first" >&2
  exit 1
fi
mkdir -p "$work/corpus" "$work/artifacts"
seeds=()
for dir in "$@"; do [ -d "$dir" ] && seeds+=("$dir"); done
log="$work/last_run.log"
status=0
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
"$fuzzer" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=5 \
  -print_final_stats=1 -dict="$dict" -artifact_prefix="$work/artifacts/" \
  "$work/corpus" "${seeds[@]}" > "$log" 2>&1 || status=$?
# The start, the findings and the statistics; the progress lines in between are in the log.
grep -v -E '^#[0-9]+\s+(NEW|REDUCE|pulse)' "$log" | tail -n 80
if [ "$status" -ne 0 ] ||
   grep -q -E 'runtime error:|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|SUMMARY: ' "$log"; then
  echo "FAILED: $(basename "$fuzzer") exited with $status; the input is in $work/artifacts/," \
       "the full log in $log" >&2
  exit 1
fi
echo "passed: $(basename "$fuzzer"), ${seconds}s, no crash, leak or sanitizer report"
