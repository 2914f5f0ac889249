#!/usr/bin/env bash
# Builds the fuzz targets with clang (libFuzzer, ASan, UBSan) and runs each one.
#
#   tests/fuzz/run.sh SECONDS [TARGET...]     (default: every target)
#
# BUILD_DIR overrides the build folder (default: build-fuzz; deploy/test.sh passes its
# build-asan, a fuzz build with the suite); KEEP_WORK=1 keeps the
# temporary folder (grown corpora, logs) and prints where it is. Each target starts from a
# copy of its seed corpus and recorded crashes in a temporary folder, so the tree is not
# touched, and its database lives there too (on /dev/shm when it can: fsync there is
# free). A crash, leak, timeout or out-of-memory input is copied to
# tests/fuzz/regressions/<target>/, where ctest's fuzz.replay_<target> replays it, and
# the script exits 1. Prints one line per target: fuzz <name>: execs=N seconds=S.
set -euo pipefail

if [[ $# -lt 1 || ! $1 =~ ^[0-9]+$ ]]; then
  echo "usage: $0 SECONDS [TARGET...]" >&2
  exit 2
fi
duration=$1
shift
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${BUILD_DIR:-$root/build-fuzz}
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then targets=(dispatcher http location scrubber); fi

echo "fuzz: building ${targets[*]} in $build"
# A build folder that is already a fuzz build (deploy/test.sh's build-asan, which has the
# suite as well) keeps its settings; any other is configured for the fuzz targets alone.
if ! grep -qs '^GADEHOLD_FUZZ:BOOL=ON$' "$build/CMakeCache.txt"; then
  nice -n 10 cmake -S "$root" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DGADEHOLD_FUZZ=ON \
    -DGADEHOLD_BUILD_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
nice -n 10 cmake --build "$build" --target "${targets[@]/#/gadehold_fuzz_}"

scratch=/dev/shm
[[ -d $scratch && -w $scratch ]] || scratch=${TMPDIR:-/tmp}
work=$(mktemp -d "$scratch/gadehold-fuzz.XXXXXX")
if [[ -n ${KEEP_WORK:-} ]]; then
  trap 'echo "fuzz: work folder kept: $work"' EXIT
else
  trap 'rm -rf "$work"' EXIT
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=0
summary=()
for t in "${targets[@]}"; do
  dir=$work/$t
  mkdir -p "$dir/corpus" "$dir/artifacts" "$dir/tmp"
  for src in "$here/corpus/$t" "$here/regressions/$t"; do
    [[ -d $src ]] && find "$src" -maxdepth 1 -type f ! -name '.*' ! -name '*.md' -exec cp {} "$dir/corpus/" \;
  done
  echo "fuzz $t: running for ${duration}s from $(find "$dir/corpus" -type f | wc -l) seed inputs"
  status=0
  TMPDIR=$dir/tmp nice -n 10 "$build/tests/fuzz/gadehold_fuzz_$t" "$dir/corpus" \
    -max_total_time="$duration" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
    -print_final_stats=1 -artifact_prefix="$dir/artifacts/" >"$dir/log" 2>&1 || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -n 1)
  crashes=$(find "$dir/artifacts" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \))
  if [[ $status -ne 0 || -n $crashes ]]; then
    failed=1
    echo "fuzz $t: FAILED (exit $status); the end of its log:" >&2
    tail -n 60 "$dir/log" >&2
    if [[ -n $crashes ]]; then
      mkdir -p "$here/regressions/$t"
      for c in $crashes; do
        cp "$c" "$here/regressions/$t/"
        echo "fuzz $t: recorded tests/fuzz/regressions/$t/$(basename "$c")" >&2
      done
    fi
  fi
  summary+=("fuzz $t: execs=${execs:-0} seconds=$duration")
done

printf '%s\n' "${summary[@]}"
exit $failed
