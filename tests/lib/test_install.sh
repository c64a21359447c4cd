#!/usr/bin/env bash
# libkyotei as a program outside the tree gets it: `cmake --install` into a scratch prefix, then
# examples/search.c compiled with nothing but `pkg-config kyotei` and run over the installed
# data, linked shared and then statically; then what else the install put there (headers, man
# pages naming the prefix, documentation).
#
#   test_install.sh BUILD_DIR SOURCE_DIR
#
# Both programs must find akita-008 first for 青少年 交流, as kyotei-search does.
set -euo pipefail
build=$1
src=$2
cc=${CC:-cc}
cxx=${CXX:-c++}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
fail() { echo "test_install: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$prefix" >"$tmp/install.log"

# libdir is lib/ or lib/<multiarch>/ depending on how the build was configured
pc=$(find "$prefix" -name kyotei.pc -path '*/pkgconfig/*')
[ -n "$pc" ] || fail "no kyotei.pc installed"
export PKG_CONFIG_PATH
PKG_CONFIG_PATH=$(dirname "$pc")
libdir=$(pkg-config --variable=libdir kyotei)
datadir=$(pkg-config --variable=datadir kyotei)
[ "$(pkg-config --variable=prefix kyotei)" = "$prefix" ] || fail "kyotei.pc's prefix is not $prefix"
[ "$datadir" = "$prefix/share/kyotei" ] || fail "kyotei.pc's datadir is $datadir"
[ -f "$datadir/index/XAPIANDB" ] || fail "no bundled index in $datadir/index"
[ -f "$libdir/libkyotei.a" ] || fail "no libkyotei.a in $libdir"
[ "$(readlink "$libdir/libkyotei.so")" = libkyotei.so.0 ] || fail "libkyotei.so is not a link to libkyotei.so.0"

# The example as its README builds it, with strict warnings: the public headers must not warn.
strict=(-std=c11 -pedantic -Wall -Wextra -Werror)
expect='1. akita-008 日本国秋田県と中華人民共和国天津市の青少年交流に関する覚書'
run_example() {  # PROGRAM: runs it for 青少年 交流 and checks the first hit
  local out
  out=$(KYOTEI_DATA_DIR=$datadir LD_LIBRARY_PATH=$libdir "$1" 青少年 交流) || fail "$1 failed: $out"
  [ "$(head -n1 <<<"$out")" = "$expect" ] || fail "$1: first line '$(head -n1 <<<"$out")', expected '$expect'"
  echo "$out"
}

# shellcheck disable=SC2046  # pkg-config's words are meant to be split
"$cc" "${strict[@]}" -o "$tmp/search-shared" "$src/examples/search.c" $(pkg-config --cflags --libs kyotei)
# (outputs are read whole before grep: with pipefail, grep -q leaving early would fail the pipe)
loads=$(LD_LIBRARY_PATH=$libdir ldd "$tmp/search-shared")
grep -q "libkyotei.so.0 => $libdir/" <<<"$loads" || fail "the shared example does not load libkyotei.so.0 from $libdir"
run_example "$tmp/search-shared"

# C++ programs can use the headers too (extern "C").
printf '#include <kyotei/kyotei.h>\nint main() { kt_error e; kt_error_clear(&e); return e.status; }\n' >"$tmp/use.cc"
# shellcheck disable=SC2046
"$cxx" -Wall -Wextra -Werror -o "$tmp/use-cxx" "$tmp/use.cc" $(pkg-config --cflags --libs kyotei)
LD_LIBRARY_PATH=$libdir "$tmp/use-cxx" || fail "the C++ program failed"

# Static: with only libkyotei.a there, as on a system without the shared library, -lkyotei must
# come from the archive and Libs.private/Requires.private must name everything it needs.
rm "$libdir"/libkyotei.so*
# shellcheck disable=SC2046
"$cc" "${strict[@]}" -o "$tmp/search-static" "$src/examples/search.c" $(pkg-config --static --cflags --libs kyotei)
needed=$(readelf -d "$tmp/search-static")
if grep -q 'NEEDED.*libkyotei' <<<"$needed"; then fail "the static example needs libkyotei.so"; fi
run_example "$tmp/search-static"

# Headers, man pages with this prefix's paths, documentation.
for h in kyotei.h version.h error.h agreement.h search.h pivot.h output.h; do
  [ -f "$prefix/include/kyotei/$h" ] || fail "include/kyotei/$h not installed"
done
grep -q "KYOTEI_VERSION_STRING \"$(pkg-config --modversion kyotei)\"" "$prefix/include/kyotei/version.h" ||
  fail "version.h and kyotei.pc disagree on the version"
for page in kyotei-search kyotei-index; do
  man=$prefix/share/man/man1/$page.1
  [ -f "$man" ] || fail "$page.1 not installed"
  grep -q "$datadir" "$man" || fail "$page.1 does not name $datadir"
  if grep -q '@[A-Z_]*@' "$man"; then fail "$page.1 has unconfigured @VARIABLES@"; fi
done
doc=$prefix/share/doc/kyotei
for f in README.md docs/cgi.md examples/search.c examples/README.md; do
  [ -f "$doc/$f" ] || fail "share/doc/kyotei/$f not installed"
done
stray=$(find "$doc" -name '*.1.in' -o -name CMakeLists.txt)
[ -z "$stray" ] || fail "build files installed as documentation: $stray"
for p in kyotei-search kyotei-index; do [ -x "$prefix/bin/$p" ] || fail "$p is not installed"; done
echo "test_install: ok"
