#!/usr/bin/env bash
# Rapport's whole test run, on a fresh Debian 12 machine or a developer's:
# installs what is missing, builds, runs every test (unit, in-process
# integration, end to end with the real binaries), lints the API with buf
# and checks it against the released API (buf breaking), then builds and
# runs the same tests again under AddressSanitizer and
# UndefinedBehaviorSanitizer, and the concurrency tests (ScoreBoard,
# SerialExecutor, the history recorder's thread, API key checks during
# revocations) under ThreadSanitizer. (Debian's protobuf maps crash under
# TSan, so the OIDC verifier's concurrency test runs in the other passes.)
# Last, the libFuzzer targets (clang) run briefly on every input parser.
#   tests/run.sh            # everything
#   RAPPORT_SKIP_SANITIZERS=1 tests/run.sh   # skip the sanitizer pass
#   RAPPORT_SKIP_FUZZ=1 tests/run.sh         # skip the fuzz targets
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
jobs=$(nproc 2>/dev/null || echo 2)

# Each step's wall time, printed again at the end: what to cut when the run
# grows.
run_start=$(date +%s)
step_name=
step_start=$run_start
timings=()
end_step() {
  [ -n "$step_name" ] &&
    timings+=("$(printf '%6ds  %s' $(($(date +%s) - step_start)) "$step_name")")
  step_name=
}
step() {
  end_step
  step_name=$*
  step_start=$(date +%s)
  printf '\n== %s\n' "$*"
}
report() {
  local rc=$?
  end_step
  echo
  if [ "$rc" -eq 0 ]; then
    echo "== all tests passed in $(($(date +%s) - run_start))s"
  else
    echo "== tests/run.sh failed (exit $rc) after $(($(date +%s) - run_start))s"
  fi
  printf '%s\n' "${timings[@]}"
}
trap report EXIT
trap 'exit 143' TERM

step "packages"
deploy/install-deps.sh test

step "Node.js tools and clients (tests/node: buf, grpc-js, Connect)"
# Pinned by tests/node/package-lock.json; installed again only when it changed.
node_dir=$root/tests/node
stamp=$node_dir/node_modules/.rapport-installed-lock
if ! cmp -s "$node_dir/package-lock.json" "$stamp"; then
  if ! npm ci --no-audit --no-fund --prefix "$node_dir" \
      >"$root/.tools-npm.log" 2>&1; then
    cat "$root/.tools-npm.log" >&2
    echo "tests/run.sh: could not install tests/node from the npm registry (behind" \
         "a TLS-inspecting proxy, point NODE_EXTRA_CA_CERTS at its CA)" >&2
    exit 1
  fi
  cp "$node_dir/package-lock.json" "$stamp"
fi
buf=$node_dir/node_modules/.bin/buf

step "buf lint (proto/)"
(cd proto && "$buf" lint)
echo "buf lint: clean"

step "buf breaking (proto/ against the released API, proto/baseline/rapport-v1.binpb)"
# A change that would break a client generated from the released API fails
# here; what may change within v1: docs/api-compatibility.md.
(cd proto && "$buf" breaking --against baseline/rapport-v1.binpb)
echo "buf breaking: compatible with the baseline"

# The builds here keep line tables only (-g1): enough for every stack trace
# and debugger backtrace to name files and lines, at three quarters of the
# compile time of full debug information.
run_suite() {  # run_suite BUILD_DIR CTEST_ARGS -- CMAKE_ARGS...
  local dir=$1 ctest_args=$2; shift 3
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="${RAPPORT_OPT:--O2} -g1 -DNDEBUG" \
    "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
  # shellcheck disable=SC2086
  (cd "$dir" && ctest --output-on-failure -j "$jobs" $ctest_args)
}

step "build and test (RelWithDebInfo)"
run_suite build "" --

if [ -z "${RAPPORT_SKIP_SANITIZERS:-}" ]; then
  step "build and test (AddressSanitizer + UndefinedBehaviorSanitizer)"
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  # -Og: optimized, as the sanitizers' documentation advises, yet compiled
  # under their instrumentation in about two thirds of -O1's time. The tests
  # labelled "static" check files and run none of our compiled code (deploy
  # files, the API's compatibility): they ran once above and are left out.
  RAPPORT_OPT=-Og run_suite build-asan "-LE static" -- \
    -DRAPPORT_SANITIZE=ON -DRAPPORT_BUILD_BENCHMARKS=OFF

  # Only the targets that hold the concurrency tests: a few minutes on two
  # cores. Debian's Abseil is not built with TSan; tests/common/
  # tsan_absl_sync.cc (linked into these targets) makes its mutexes visible.
  step "build and test the concurrency tests (ThreadSanitizer)"
  cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" \
    -DRAPPORT_SANITIZE=thread -DRAPPORT_BUILD_BENCHMARKS=OFF >/dev/null
  cmake --build build-tsan -j "$jobs" \
    --target board_test common_test engine_test auth_test core_test
  (cd build-tsan &&
    TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
    ctest --output-on-failure -j "$jobs" \
      -R '^(ScoreBoardConcurrency|OutreachCacheConcurrency|TopActionsConcurrency|NextActionsConcurrency|SerialExecutorTest|WorkerPoolTest|ParallelForTest|RecorderThreadTest|ApiKeyVerifierTest.ConcurrentChecksAndRevocations)')
fi

if [ -z "${RAPPORT_SKIP_FUZZ:-}" ]; then
  # libFuzzer targets (tests/fuzz, docs/fuzzing.md) built with clang under
  # ASan and UBSan: each replays its checked-in corpus, then runs a bounded
  # number of fuzzed inputs (RAPPORT_FUZZ_RUNS). Any crash, leak or timeout
  # fails the run and keeps the input in build-fuzz/fuzz-brief/artifacts.
  step "fuzz targets (libFuzzer, clang, ASan + UBSan)"
  CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRAPPORT_FUZZ=ON \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
    -DRAPPORT_BUILD_TESTS=OFF -DRAPPORT_BUILD_BENCHMARKS=OFF >/dev/null
  cmake --build build-fuzz -j "$jobs" --target rapport_fuzzers
  tests/fuzz/run_brief.sh build-fuzz
fi
