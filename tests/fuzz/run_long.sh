#!/usr/bin/env bash
# Runs every fuzz target for a long time, JOBS targets at once, and prints
# the executions of each and the total. Each target's corpus grows in a
# scratch copy (BUILD_DIR/fuzz-long/<target>), never in tests/fuzz/corpus,
# unless RAPPORT_FUZZ_MERGE=1: then the inputs that add coverage are merged
# (minimised) into the checked-in corpus at the end. Crash artifacts are
# kept in BUILD_DIR/fuzz-long/artifacts/ (docs/fuzzing.md: reproducing).
#   tests/fuzz/run_long.sh [SECONDS_PER_TARGET] [JOBS]   # default 600 2
# RAPPORT_FUZZ_BUILD: the build directory (default build-fuzz);
# RAPPORT_FUZZ_TARGETS: a space-separated subset of the targets.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
seconds=${1:-600}
jobs=${2:-2}
build=${RAPPORT_FUZZ_BUILD:-build-fuzz}
out=$build/fuzz-long
mkdir -p "$out/artifacts"
targets=${RAPPORT_FUZZ_TARGETS:-$(cat "$build/tests/fuzz/targets.txt")}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

run_one() {  # run_one TARGET: one libFuzzer process for `seconds`.
  local target=$1
  local dict=()
  [ -f "$root/tests/fuzz/dict/$target.dict" ] &&
    dict=(-dict="$root/tests/fuzz/dict/$target.dict")
  mkdir -p "$out/$target"
  if "$build/tests/fuzz/$target" -max_total_time="$seconds" -timeout=25 \
      -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 "${dict[@]}" \
      -artifact_prefix="$out/artifacts/$target-" \
      "$out/$target" "$root/tests/fuzz/corpus/$target" \
      >"$out/$target.log" 2>&1; then
    echo ok >"$out/$target.status"
  else
    echo FAILED >"$out/$target.status"
  fi
}
export -f run_one
export root build out seconds

echo "fuzzing $(echo "$targets" | wc -w) targets for ${seconds}s each, $jobs at once"
printf '%s\n' $targets | xargs -P "$jobs" -I{} bash -c 'run_one {}'

total=0
failed=0
for target in $targets; do
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' \
    "$out/$target.log" | tail -1)
  cov=$(grep -oE 'cov: [0-9]+' "$out/$target.log" | tail -1 | cut -d' ' -f2)
  status=$(cat "$out/$target.status")
  [ "$status" = ok ] || failed=1
  total=$((total + ${execs:-0}))
  printf '%-26s %-6s %11s executions  coverage %6s  corpus %5s\n' "$target" \
    "$status" "${execs:-?}" "${cov:-?}" "$(ls "$out/$target" | wc -l)"
done
echo "total: $total executions"
ls "$out/artifacts" 2>/dev/null | sed 's/^/artifact: /'

if [ "${RAPPORT_FUZZ_MERGE:-}" = 1 ]; then
  for target in $targets; do
    "$build/tests/fuzz/$target" -merge=1 "$root/tests/fuzz/corpus/$target" \
      "$out/$target" >"$out/$target.merge.log" 2>&1
  done
  echo "merged the new coverage into tests/fuzz/corpus"
fi
exit $failed
