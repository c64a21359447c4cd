#!/usr/bin/env bash
# Sets kyotei up on a Debian machine: installs the Debian packages it needs (only those missing),
# builds it in build/ and indexes the bundled corpus (build/share/kyotei/index).
#
#   scripts/setup.sh            build for use
#   scripts/setup.sh --test     also install what the test suite (and its benchmark smoke test) needs
#   scripts/setup.sh --compare  also the other engines the benchmarks compare kyotei with
#   scripts/setup.sh --data     also what dict/tools/gen_places.py reads to make dict/places.tsv again
#   scripts/setup.sh --package  also what scripts/package.sh needs to build the Debian packages
#   scripts/setup.sh --no-build only install the packages
#
# The packages are those of scripts/packages.txt, the one list, which says why each is needed.
# Run as root (or with sudo) on a fresh machine; later runs only rebuild what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

# The names of the packages of the GROUPs given (a line of packages.txt: NAME GROUP [ROLE...] # why).
packages_of() {
  awk -v groups=" $* " '{ sub(/#.*/, "") } NF >= 2 && index(groups, " " $2 " ") { print $1 }' scripts/packages.txt
}

groups=(build)
build_type=RelWithDebInfo
tests=OFF  # the tests need cmocka, which only --test installs
build=yes
for arg in "$@"; do
  case "$arg" in
    --test) groups+=(test bench); tests=ON ;;
    --compare) groups+=(compare) ;;
    --data) groups+=(data) ;;
    --package) groups+=(package) ;;
    --no-build) build=no ;;
    *) echo "setup.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done
mapfile -t want < <(packages_of "${groups[@]}")

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup.sh: installing ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup.sh: these Debian packages are missing; run as root (sudo) to install them" >&2
    exit 2
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

[ "$build" = yes ] || exit 0
cmake -S . -B build -DCMAKE_BUILD_TYPE="$build_type" -DKYOTEI_TESTS="$tests" >/dev/null
cmake --build build -j"$(nproc)"
echo "setup.sh: kyotei is built; the bundled corpus is indexed in build/share/kyotei/index"
