#!/usr/bin/env bash
# Sets kyotei up on a Debian machine: installs the Debian packages it needs (only those missing),
# builds it in build/ and indexes the bundled corpus (build/share/kyotei/index).
#
#   scripts/setup.sh            build for use
#   scripts/setup.sh --test     also install what the test suite needs
#
# Run as root (or with sudo) on a fresh machine; later runs only rebuild what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

# Every package is named in CMakeLists.txt too, beside the find call that needs it.
packages=(
  build-essential cmake pkg-config g++
  libxapian-dev                      # the search engine library
  libmecab-dev mecab mecab-utils     # morphological analysis; mecab-dict-index compiles dict/userdic.csv
  mecab-ipadic-utf8                  # the IPADIC dictionary in UTF-8
  libutf8proc-dev                    # Unicode NFKC normalisation
  libcsv-dev                         # RFC 4180 CSV reading
  libjansson-dev                     # JSON
  liburiparser-dev                   # query strings of the CGI front and its links
  libfcgi-dev                        # FastCGI, for kyotei-search --fastcgi
)
test_packages=(
  libcmocka-dev                      # unit tests
  python3                            # end-to-end tests, corpus checker
  xapian-tools                       # xapian-tcpsrv, for the remote-shard tests
  lighttpd curl                      # the CGI tests: a real web server (scripts/cgi-server.sh) and requests
  nginx                              # the FastCGI tests: a second web server (scripts/fcgi-server.sh)
  wrk                                # bench/fcgi: the load generator
  chromium chromium-driver           # the CGI browser test, headless
  fonts-noto-cjk                     # Japanese glyphs in the browser test's screenshots
  xapian-omega hyperfine             # bench/cgi: Omega's CGI to compare with, and the timer
  clang clang-tidy cppcheck valgrind # hardening: libFuzzer targets, static analysis, memcheck
)

want=("${packages[@]}")
build_type=RelWithDebInfo
tests=OFF  # the tests need cmocka, which only --test installs
for arg in "$@"; do
  case "$arg" in
    --test) want+=("${test_packages[@]}"); tests=ON ;;
    *) echo "setup.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

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

cmake -S . -B build -DCMAKE_BUILD_TYPE="$build_type" -DKYOTEI_TESTS="$tests" >/dev/null
cmake --build build -j"$(nproc)"
echo "setup.sh: kyotei is built; the bundled corpus is indexed in build/share/kyotei/index"
