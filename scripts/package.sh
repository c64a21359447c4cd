#!/usr/bin/env bash
# Builds kyotei's Debian packages (kyotei, libkyotei0, libkyotei-dev) and checks them the way a
# user meets them: lintian, then install, search, build the example against them, and purge.
#
#   scripts/package.sh [WORK_DIR]     default /tmp/kyotei-deb; run as root (it installs packages)
#
# The packages are built from a clean clone of the current commit in WORK_DIR/kyotei (uncommitted
# changes are not in them), so the .deb, .changes and logs land in WORK_DIR, outside the tree.
# Stops with a non-zero status at the first failure; the packages are purged again even then.
# It refuses to run when a kyotei package is already installed, so as not to remove one it did not
# install.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-/tmp/kyotei-deb}
jobs=2  # the build shares the machine: at most two compilers at once
fail() { echo "package.sh: $*" >&2; exit 1; }
step() { printf '== %s (%ds)\n' "$1" "$SECONDS"; }

[ "$(id -u)" -eq 0 ] || fail "run as root: the packages are installed and purged"
for p in kyotei libkyotei0 libkyotei-dev; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" != *"ok installed"* ]] || fail "$p is already installed; remove it first (apt-get purge $p)"
done
[ -z "$(git -C "$root" status --porcelain --untracked-files=no)" ] ||
  echo "package.sh: note: uncommitted changes are not in the packages (they are built from HEAD)"

step "tools and build dependencies"
"$root/scripts/setup.sh" --package --no-build
mkdir -p "$work"
rm -rf "$work/kyotei" "$work"/kyotei_* "$work"/kyotei-dbgsym_* "$work"/libkyotei*
git clone --quiet --no-local "$root" "$work/kyotei"
git -C "$work/kyotei" checkout --quiet --detach "$(git -C "$root" rev-parse HEAD)"
cd "$work/kyotei"
# debian/control's Build-Depends (scripts/packages.txt's build and check packages), if missing
if ! unmet=$(dpkg-checkbuilddeps 2>&1); then
  mapfile -t missing < <(sed -n 's/.*Unmet build dependencies: //p' <<<"$unmet" | sed 's/([^)]*)//g' | tr ' ' '\n' | grep .)
  [ ${#missing[@]} -gt 0 ] || fail "dpkg-checkbuilddeps: $unmet"
  echo "package.sh: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

step "dpkg-buildpackage (log: $work/build.log)"
start=$SECONDS
dpkg-buildpackage -us -uc -b -j"$jobs" >"$work/build.log" 2>&1 || { tail -n 40 "$work/build.log"; fail "the package build failed"; }
build_seconds=$((SECONDS - start))
echo "built in ${build_seconds}s"
cd "$work"
changes=$(ls kyotei_*_"$(dpkg --print-architecture)".changes)
debs=()
for p in kyotei libkyotei0 libkyotei-dev; do debs+=("$work/$(ls "${p}"_*.deb)"); done

step "lintian"
# errors and warnings fail; informational tags are shown
lintian -I --fail-on error,warning "$changes" || fail "lintian found errors or warnings"

step "install"
trap 'echo "== purge"; apt-get purge -y -qq kyotei libkyotei0 libkyotei-dev >/dev/null' EXIT
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${debs[@]}" >/dev/null

step "search with the installed kyotei-search"
cd /  # nothing of the tree around: the programs find their data from their own location
text=$(env -u KYOTEI_DB -u KYOTEI_DATA_DIR kyotei-search 青少年 交流)
echo "$text"
first=$(env -u KYOTEI_DB -u KYOTEI_DATA_DIR kyotei-search --format json --limit 1 青少年 交流 |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["hits"][0]["id"])')
[ "$first" = akita-008 ] || fail "kyotei-search found $first first, not akita-008"
# a user other than root reads the installed data and index (nothing there may need writing)
count=$(runuser -u nobody -- env -u KYOTEI_DB -u KYOTEI_DATA_DIR HOME=/nonexistent kyotei-search --count 青少年 交流)
[ "$count" = 3 ] || fail "kyotei-search as nobody counted '$count' agreements, not 3"
man_page=$(man -w kyotei-search)
zgrep -q /usr/share/kyotei/index "$man_page" || fail "$man_page does not name /usr/share/kyotei/index"

step "the example against libkyotei-dev"
scratch=$(mktemp -d)
example=/usr/share/doc/libkyotei-dev/examples/search.c
[ -f "$example" ] || example=$example.gz
zcat -f "$example" >"$scratch/search.c"
expect='1. akita-008 日本国秋田県と中華人民共和国天津市の青少年交流に関する覚書'
# shellcheck disable=SC2046  # pkg-config's words are meant to be split
cc -std=c11 -Wall -Wextra -Werror -o "$scratch/search" "$scratch/search.c" $(pkg-config --cflags --libs kyotei)
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror -o "$scratch/search-static" "$scratch/search.c" $(pkg-config --cflags kyotei) \
  $(pkg-config --static --libs kyotei | sed 's/-lkyotei /-l:libkyotei.a /')
for program in search search-static; do
  out=$(env -u KYOTEI_DATA_DIR "$scratch/$program" 青少年 交流)
  [ "$(head -n1 <<<"$out")" = "$expect" ] || fail "$program printed '$(head -n1 <<<"$out")' first"
  echo "$program: $(head -n1 <<<"$out")"
done
rm -rf "$scratch"

step "purge"
trap - EXIT
apt-get purge -y -qq kyotei libkyotei0 libkyotei-dev >/dev/null
[ ! -e /usr/share/kyotei ] || fail "/usr/share/kyotei is still there after the purge"
step "done: the packages are in $work (built in ${build_seconds}s, all in ${SECONDS}s)"
