#!/usr/bin/env bash
# Sets kyotei up with everything the tests need and runs the whole suite twice: once on the
# normal build, once built with AddressSanitizer and UndefinedBehaviorSanitizer; builds kyotei as a
# Release (-O3) and runs its unit tests; then runs each fuzz target for 45 seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh --test

jobs=$(nproc)
echo "== tests (build/)"
# valgrind's run of the suite takes 11 minutes: scripts/valgrind.sh, not CI
ctest --test-dir build --output-on-failure -j"$jobs" -LE valgrind

echo "== Release build and its unit tests (build-release/)"
# -O3 lets the compiler see further into functions, and so warn where -O2 does not (a
# maybe-uninitialized in the dict tests was one); with -Werror such a warning fails here, before a
# distribution's optimised build meets it. The unit tests are enough to show the optimised code runs.
cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-release -j"$jobs"
ctest --test-dir build-release --output-on-failure -j"$jobs" -L unit

echo "== tests under ASan+UBSan (build-asan/)"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DKYOTEI_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j"$jobs"

echo "== fuzzing, each target a short while, under ASan+UBSan (build-fuzz/)"
# any crash, leak, hang or sanitizer report fails; reproducers go to build-fuzz/fuzz/artifacts/
scripts/fuzz.sh -t 45
