#!/usr/bin/env bash
# Runs every fuzz target briefly: its checked-in corpus, then a bounded
# number of fuzzed inputs (tests/run.sh's fuzz step). Fails on any crash,
# leak, timeout or out-of-memory; the input that caused it is kept in
# BUILD_DIR/fuzz-brief/artifacts/.
#   tests/fuzz/run_brief.sh [BUILD_DIR]     # default build-fuzz
# RAPPORT_FUZZ_RUNS (default 10000) sets the fuzzed inputs per target.
# New inputs go to a scratch directory, never to tests/fuzz/corpus.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
build=${1:-build-fuzz}
runs=${RAPPORT_FUZZ_RUNS:-10000}
out=$build/fuzz-brief
rm -rf "$out"
mkdir -p "$out/artifacts"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=()
total=0
while read -r target; do
  [ -n "$target" ] || continue
  scratch=$out/$target
  mkdir -p "$scratch"
  dict=()
  [ -f "$root/tests/fuzz/dict/$target.dict" ] &&
    dict=(-dict="$root/tests/fuzz/dict/$target.dict")
  log=$out/$target.log
  start=$(date +%s)
  if "$build/tests/fuzz/$target" -runs="$runs" -timeout=25 -rss_limit_mb=2048 \
      -max_len=65536 -print_final_stats=1 "${dict[@]}" \
      -artifact_prefix="$out/artifacts/$target-" \
      "$scratch" "$root/tests/fuzz/corpus/$target" >"$log" 2>&1; then
    status=ok
  else
    status=FAILED
    failed+=("$target")
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  total=$((total + ${execs:-0}))
  printf '%-26s %-6s %9s executions %4ss\n' "$target" "$status" \
    "${execs:-?}" "$(($(date +%s) - start))"
done <"$build/tests/fuzz/targets.txt"
echo "total: $total executions"
if [ ${#failed[@]} -gt 0 ]; then
  for target in "${failed[@]}"; do
    echo "== $target (log: $out/$target.log)" >&2
    grep -E 'ERROR|fuzz check failed|SUMMARY|Test unit written|runtime error' \
      "$out/$target.log" | head -20 >&2 || tail -30 "$out/$target.log" >&2
  done
  echo "fuzzing failed: ${failed[*]}; reproduce with the target and the" \
       "artifact (docs/fuzzing.md)" >&2
  exit 1
fi
