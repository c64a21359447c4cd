#!/usr/bin/env bash
# Starts or stops a lighttpd on 127.0.0.1 that runs kyotei-search as a CGI program (mod_cgi), for
# the CGI tests, the benchmark and trying the search page by hand. It installs nothing: lighttpd
# is a Debian package that scripts/setup.sh --test installs.
#
#   scripts/cgi-server.sh start DIR BIN DB [DATA_DIR]
#       writes DIR/lighttpd.conf, starts lighttpd and prints the search page's URL
#       (http://127.0.0.1:PORT/cgi-bin/kyotei-search). BIN is the built kyotei-search, DB the index
#       handed to it as KYOTEI_DB, DATA_DIR (optional) its KYOTEI_DATA_DIR.
#   scripts/cgi-server.sh stop DIR
#       stops the lighttpd started with DIR and waits until it is gone.
#
# DIR also receives lighttpd.pid, error.log (lighttpd's log) and cgi.log (the program's stderr).
# Environment: KYOTEI_CGI_PORT picks the port (default: a free one); KYOTEI_CGI_IDLE=SECONDS makes
# lighttpd stop by itself after that long without a request (the tests set it, so that a test run
# killed before it could stop its server leaves nothing behind for long); KYOTEI_TEMPLATE,
# ASAN_OPTIONS, UBSAN_OPTIONS and LSAN_OPTIONS are passed on to the program when set.
set -euo pipefail

die() { echo "cgi-server.sh: $*" >&2; exit 2; }

# A string for lighttpd's configuration: paths are quoted, so only \ and " need care.
quote() { local s=${1//\\/\\\\}; printf '"%s"' "${s//\"/\\\"}"; }

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

write_config() {
  local dir=$1 bin=$2 db=$3 data=$4 port=$5
  local env_lines="  \"KYOTEI_DB\" => $(quote "$db"),"
  [ -n "$data" ] && env_lines+=$'\n'"  \"KYOTEI_DATA_DIR\" => $(quote "$data"),"
  local name
  for name in KYOTEI_TEMPLATE ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do
    [ -n "${!name:-}" ] && env_lines+=$'\n'"  \"$name\" => $(quote "${!name}"),"
  done
  mkdir -p "$dir/www"
  cat >"$dir/lighttpd.conf" <<CONF
server.modules = ("mod_alias", "mod_setenv", "mod_cgi")
server.document-root = $(quote "$dir/www")
server.bind = "127.0.0.1"
server.port = $port
server.pid-file = $(quote "$dir/lighttpd.pid")
server.errorlog = $(quote "$dir/error.log")
# The tests send hostile requests (10,000 parameters, %00, %FF, bad escapes, control characters):
# kyotei-search, not lighttpd, must be the one to refuse them, as behind servers that pass
# QUERY_STRING on as it came. A site keeps lighttpd's own checks on as a first line of defence.
server.max-request-field-size = 65535
server.http-parseopts = (
  "url-normalize" => "disable",
  "url-ctrls-reject" => "disable",
  "url-invalid-utf8-reject" => "disable",
)
# the program's stderr: its log lines for the operator
server.breakagelog = $(quote "$dir/cgi.log")
alias.url = ("/cgi-bin/kyotei-search" => $(quote "$bin"))
\$HTTP["url"] =^ "/cgi-bin/" {
  cgi.assign = ("" => "")
}
setenv.add-environment = (
$env_lines
)
CONF
}

start() {
  [ $# -ge 3 ] || die "usage: cgi-server.sh start DIR BIN DB [DATA_DIR]"
  local dir=$1 bin=$2 db=$3 data=${4:-}
  command -v lighttpd >/dev/null || die "lighttpd is not installed (scripts/setup.sh --test installs it)"
  [ -x "$bin" ] || die "$bin: not an executable"
  mkdir -p "$dir"
  # lighttpd runs the program from elsewhere: every path must be absolute
  dir=$(realpath "$dir") bin=$(realpath "$bin") db=$(realpath -m "$db")
  [ -z "$data" ] || data=$(realpath -m "$data")
  local attempt port
  for attempt in 1 2 3 4 5; do
    port=${KYOTEI_CGI_PORT:-$(free_port)}
    write_config "$dir" "$bin" "$db" "$data" "$port"
    rm -f "$dir/lighttpd.pid"
    # lighttpd binds before it daemonizes: a taken port fails here and another is tried
    local idle=()
    [ -n "${KYOTEI_CGI_IDLE:-}" ] && idle=(-i "$KYOTEI_CGI_IDLE")
    if lighttpd -f "$dir/lighttpd.conf" "${idle[@]}" 2>>"$dir/error.log"; then
      local i
      for i in $(seq 50); do
        [ -s "$dir/lighttpd.pid" ] && { echo "http://127.0.0.1:$port/cgi-bin/kyotei-search"; return 0; }
        sleep 0.1
      done
    fi
    [ -n "${KYOTEI_CGI_PORT:-}" ] && break
  done
  die "lighttpd did not start; see $dir/error.log"
}

stop() {
  [ $# -eq 1 ] || die "usage: cgi-server.sh stop DIR"
  local pidfile=$1/lighttpd.pid pid i
  [ -s "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  kill "$pid" 2>/dev/null || { rm -f "$pidfile"; return 0; }
  for i in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile"; return 0; }
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  *) die "usage: cgi-server.sh start DIR BIN DB [DATA_DIR] | stop DIR" ;;
esac
