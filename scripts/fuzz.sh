#!/usr/bin/env bash
# Runs kyotei's libFuzzer targets (tests/fuzz) under ASan+UBSan, built with clang in build-fuzz/.
#
#   scripts/fuzz.sh [-t SECONDS] [-j JOBS] [TARGET...]
#
#   -t SECONDS  how long each target runs (default 45)
#   -j JOBS     how many targets run at once (default 2: one a core on a 2-core machine)
#   -o DIR      where corpora, reproducers and logs go (default build-fuzz/fuzz)
#   TARGET      reader decode query cgi tokenize snippet (default: all)
#
# Each target starts from its seeds in tests/fuzz/seeds/<target> plus whatever earlier runs
# added to DIR/corpus/<target>; a crash, leak, timeout (10 s for one input), memory blow-up
# (2 GB) or sanitizer report stops the target, leaves the reproducer in DIR/artifacts/<target>/
# and makes this script fail. The log of each target is DIR/<target>.log; its last lines say how
# many inputs it ran.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=45
jobs=2
out=build-fuzz/fuzz
while getopts "t:j:o:" opt; do
  case "$opt" in
    t) seconds=$OPTARG ;;
    j) jobs=$OPTARG ;;
    o) out=$OPTARG ;;
    *) echo "usage: scripts/fuzz.sh [-t SECONDS] [-j JOBS] [-o DIR] [TARGET...]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(reader decode query cgi tokenize snippet)

if ! command -v clang >/dev/null; then
  echo "fuzz.sh: clang is needed (Debian package clang)" >&2
  exit 2
fi
build=build-fuzz
CC=clang CXX=clang++ cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKYOTEI_FUZZ=ON >/dev/null
cmake --build "$build" -j"$(nproc)" --target kt_bundled_index "${targets[@]/#/fuzz_}" >/dev/null

mkdir -p "$out"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:allocator_may_return_null=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

run_one() {
  local t=$1
  mkdir -p "$out/corpus/$t" "$out/artifacts/$t"
  # the fuzzer adds what it finds to the first directory only: the seeds in the tree stay as they are
  nice -n 10 "$build/bin/fuzz_$t" "$out/corpus/$t" "tests/fuzz/seeds/$t" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
    -artifact_prefix="$out/artifacts/$t/" -print_final_stats=1 \
    $( [ -f "tests/fuzz/dicts/$t.dict" ] && echo "-dict=tests/fuzz/dicts/$t.dict" ) \
    >"$out/$t.log" 2>&1
}

failed=()
pids=()
names=()
for t in "${targets[@]}"; do
  run_one "$t" &
  pids+=($!)
  names+=("$t")
  if [ ${#pids[@]} -ge "$jobs" ]; then
    if ! wait "${pids[0]}"; then failed+=("${names[0]}"); fi
    pids=("${pids[@]:1}")
    names=("${names[@]:1}")
  fi
done
for i in "${!pids[@]}"; do
  if ! wait "${pids[$i]}"; then failed+=("${names[$i]}"); fi
done

for t in "${targets[@]}"; do
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$t.log" | tail -1)
  printf 'fuzz %-9s %3s s  %10s inputs  %s\n' "$t" "$seconds" "${runs:-?}" \
    "$(case " ${failed[*]} " in *" $t "*) echo FAILED;; *) echo ok;; esac)"
done
if [ ${#failed[@]} -gt 0 ]; then
  for t in "${failed[@]}"; do
    echo "== fuzz_$t failed; the end of $out/$t.log:" >&2
    tail -n 60 "$out/$t.log" >&2
  done
  exit 1
fi
