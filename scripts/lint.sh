#!/usr/bin/env bash
# Static analysis of every tracked C and C++ source: clang-tidy (checks and reasons in
# .clang-tidy) and cppcheck (suppressions, with reasons, in .cppcheck-suppressions). Any finding
# fails. Run by ctest (label "lint") and usable alone:
#
#   scripts/lint.sh [BUILD_DIR]     flags come from BUILD_DIR/compile_commands.json (default build)
#
# Debian packages: clang-tidy, cppcheck. Without them the script exits 77 (ctest: skipped), or 1
# when CI=true, so that CI cannot pass without having linted.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=$(cd "${1:-build}" && pwd)
db="$build/compile_commands.json"

missing=()
for tool in clang-tidy cppcheck; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "lint.sh: ${missing[*]} not installed (Debian packages clang-tidy, cppcheck)" >&2
  [ "${CI:-}" = true ] && exit 1
  exit 77
fi
if [ ! -f "$db" ]; then
  echo "lint.sh: $db missing: configure the build first (cmake -S . -B build)" >&2
  exit 2
fi

if git rev-parse --git-dir >/dev/null 2>&1; then
  mapfile -t sources < <(git ls-files '*.c' '*.cc')
else
  mapfile -t sources < <(find base corpus dict schema indexer searcher output web cli xapian-c tests bench examples -name '*.c' -o -name '*.cc' | sort)
fi
# the build knows how to compile these; anything else is not linted, and said so
mapfile -t in_db < <(python3 -c 'import json,sys,os; print("\n".join(sorted({os.path.realpath(e["file"]) for e in json.load(open(sys.argv[1]))})))' "$db")
declare -A known=()
for f in "${in_db[@]}"; do known["$f"]=1; done
tidy=()
for f in "${sources[@]}"; do
  if [ -n "${known[$root/$f]:-}" ]; then tidy+=("$f"); else echo "lint.sh: not in this build, not linted: $f"; fi
done

jobs=$(nproc)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
echo "lint.sh: clang-tidy on ${#tidy[@]} files"
# tests see cmocka's assertions as ending the test (tests/lint/include/cmocka.h)
printf '%s\n' "${tidy[@]}" | xargs -P "$jobs" -I{} \
  clang-tidy -p "$build" --quiet --extra-arg-before=-I"$root/tests/lint/include" {} >"$out" 2>/dev/null || true
if grep -qE "(warning|error):" "$out"; then
  grep -E "(warning|error):" "$out" | sort -u
  echo "lint.sh: clang-tidy found the problems above" >&2
  exit 1
fi

echo "lint.sh: cppcheck"
c_files=() cc_files=()
for f in "${sources[@]}"; do case "$f" in *.cc) cc_files+=("$f") ;; *) c_files+=("$f") ;; esac; done
common=(--enable=warning,performance,portability --inline-suppr --quiet --error-exitcode=1 -I . --library=posix
        --suppressions-list=.cppcheck-suppressions -j "$jobs"
        --template='{file}:{line}: {severity}: {message} [{id}]')
cppcheck "${common[@]}" --language=c --std=c11 "${c_files[@]}"
[ ${#cc_files[@]} -eq 0 ] || cppcheck "${common[@]}" --language=c++ --std=c++17 "${cc_files[@]}"
echo "lint.sh: clean"
