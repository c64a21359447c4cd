#!/usr/bin/env bash
# Runs kyotei's unit and end-to-end tests under valgrind memcheck (tests/valgrind/run.py): every
# test must pass with no memory error and no leak. About 11 minutes on two cores.
#
#   scripts/valgrind.sh [-R REGEX]     only the tests whose name matches REGEX
set -euo pipefail
cd "$(dirname "$0")/.."
build=build
cmake -S . -B "$build" >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
exec python3 tests/valgrind/run.py --build "$build" -j 2 "$@"
