#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test with ctest; then the suite again
# under AddressSanitizer + UndefinedBehaviorSanitizer (with leak checking) in build-asan
# (clang), without the browser, load, build and contract tests; then each libFuzzer target
# for FUZZ_SECONDS (default 60), built in the same build-asan (build-fuzz with SANITIZE=0).
# Exits non-zero on any failure.
#
#   SANITIZE=0       skip the sanitizer build and run (quick local runs; CI always runs it)
#   FUZZ_SECONDS=0   skip the fuzzers (quick local runs; CI always runs them)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${CI:-}" = "true" ]; then
  SANITIZE=1
  FUZZ_SECONDS=60
fi
SANITIZE="${SANITIZE:-1}"
FUZZ_SECONDS="${FUZZ_SECONDS:-60}"

./deploy/install-deps.sh
./deploy/build.sh
(cd build && ctest --output-on-failure --timeout 600 -j "$(nproc)")

if [ "$SANITIZE" != "0" ]; then
  echo "test.sh: the suite again under ASan + UBSan (build-asan), without the browser, load, build and contract tests" >&2
  # Some tests run in the Release build only, to keep CI well within its time:
  # - browser (web.e2e.*): their time goes to Chromium and the dashboard's JavaScript,
  #   which the sanitizers do not see; the server paths they use are the ones the C++
  #   and Python tests run here.
  # - load (load.*): the benchmarks' quick runs, which check only that their figures come
  #   out; under ASan they take several times longer and the figures mean nothing (floods
  #   of requests and connections still run here: integration.test_hostile_load).
  #   GADEHOLD_LOAD=OFF also leaves the load generator and benchmarks out of this build.
  # - build (build.*) and contract (contract.*): they test CMake, the source tree and the
  #   .proto files, not the compiled code.
  # The dashboard is still built and embedded: tests/integration/web_test.cpp compares
  # what the server sends with the bundle, and is the sanitizers' test of serving it.
  # One sanitized build serves the suite and the fuzzers: clang, with libFuzzer's coverage
  # instrumentation as well (GADEHOLD_FUZZ), so the library is compiled under ASan once.
  BUILD_DIR=build-asan ./deploy/build.sh -DCMAKE_CXX_COMPILER=clang++ -DGADEHOLD_SANITIZE=ON \
    -DGADEHOLD_FUZZ=ON -DGADEHOLD_LOAD=OFF
  # Any report fails the test that caused it: UBSan halts, ASan aborts, and LeakSanitizer
  # makes the process exit non-zero at exit.
  (cd build-asan &&
    ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1" \
    UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
    ctest --output-on-failure --timeout 1200 -j "$(nproc)" --label-exclude '^(browser|load|build|contract)$')
fi

if [ "$FUZZ_SECONDS" != "0" ]; then
  if [ "$SANITIZE" != "0" ]; then fuzz_build=build-asan; else fuzz_build=build-fuzz; fi
  echo "test.sh: each fuzz target for ${FUZZ_SECONDS} s ($fuzz_build)" >&2
  BUILD_DIR="$PWD/$fuzz_build" ./tests/fuzz/run.sh "$FUZZ_SECONDS"
fi
