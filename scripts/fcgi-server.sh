#!/usr/bin/env bash
# Starts or stops a web server on 127.0.0.1 that serves the search page from kyotei-search over
# FastCGI, for the FastCGI tests, the load benchmark and trying it by hand. It installs nothing:
# lighttpd and nginx are Debian packages that scripts/setup.sh --test installs.
#
#   scripts/fcgi-server.sh start DIR BIN DB lighttpd|nginx [DATA_DIR]
#       writes DIR/lighttpd.conf or DIR/nginx.conf, starts the server and prints the search
#       page's URL (http://127.0.0.1:PORT/search).
#         lighttpd  mod_fastcgi starts BIN --fastcgi itself (bin-path), handing it a Unix socket
#                   as standard input; KYOTEI_FCGI_WORKERS processes (default 2, "max-procs")
#         nginx     this script starts BIN --fastcgi --listen SOCKET --workers N (a Unix socket;
#                   KYOTEI_FCGI_WORKERS, default 2), then nginx with fastcgi_pass to it
#       BIN is the built kyotei-search, DB the index (its KYOTEI_DB), DATA_DIR (optional) its
#       KYOTEI_DATA_DIR.
#   scripts/fcgi-server.sh stop DIR
#       stops what start started with DIR (the web server, kyotei-search and its workers) and
#       waits until they are gone.
#
# DIR also receives the servers' pid files, error.log (the web server's log, where the requests'
# FastCGI error streams go too) and fastcgi.log (kyotei-search's own stderr).
# Environment: KYOTEI_CGI_PORT picks the port (default: a free one); KYOTEI_CGI_IDLE=SECONDS stops
# everything by itself after that long (lighttpd: without a request; nginx: after that long in any
# case), so that a test run killed before it could stop its servers leaves nothing behind for
# long; KYOTEI_TEMPLATE, ASAN_OPTIONS, UBSAN_OPTIONS and LSAN_OPTIONS are passed on to kyotei-search.
set -euo pipefail

die() { echo "fcgi-server.sh: $*" >&2; exit 2; }

# A string for lighttpd's or nginx's configuration: paths are quoted, so only \ and " need care.
quote() { local s=${1//\\/\\\\}; printf '"%s"' "${s//\"/\\\"}"; }

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

passed_on() {  # NAME=VALUE lines of the variables handed to kyotei-search
  local name
  for name in KYOTEI_TEMPLATE ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do
    [ -n "${!name:-}" ] && printf '%s\n' "$name=${!name}"
  done
  return 0
}

write_lighttpd() {
  local dir=$1 bin=$2 db=$3 data=$4 port=$5 socket=$6 workers=$7
  local env_lines="      \"KYOTEI_DB\" => $(quote "$db"),"
  [ -n "$data" ] && env_lines+=$'\n'"      \"KYOTEI_DATA_DIR\" => $(quote "$data"),"
  local line
  while IFS= read -r line; do
    env_lines+=$'\n'"      $(quote "${line%%=*}") => $(quote "${line#*=}"),"
  done < <(passed_on)
  mkdir -p "$dir/www"
  cat >"$dir/lighttpd.conf" <<CONF
server.modules = ("mod_fastcgi")
server.document-root = $(quote "$dir/www")
server.bind = "127.0.0.1"
server.port = $port
server.pid-file = $(quote "$dir/lighttpd.pid")
server.errorlog = $(quote "$dir/error.log")
# the stderr of the kyotei-search processes lighttpd starts: their own messages (not a request's)
server.breakagelog = $(quote "$dir/fastcgi.log")
# As for the CGI tests (scripts/cgi-server.sh): kyotei-search, not lighttpd, refuses hostile requests.
server.max-request-field-size = 65535
server.http-parseopts = (
  "url-normalize" => "disable",
  "url-ctrls-reject" => "disable",
  "url-invalid-utf8-reject" => "disable",
)
fastcgi.server = (
  "/search" => ((
    "socket" => $(quote "$socket"),
    "bin-path" => $(quote "$bin --fastcgi"),
    "max-procs" => $workers,
    "check-local" => "disable",
    "bin-environment" => (
$env_lines
    ),
  )),
)
CONF
}

write_nginx() {
  local dir=$1 port=$2 socket=$3
  mkdir -p "$dir/nginx"
  cat >"$dir/nginx.conf" <<CONF
daemon on;
worker_processes 1;
pid $(quote "$dir/nginx.pid");
error_log $(quote "$dir/error.log") notice;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $(quote "$dir/nginx/body");
  fastcgi_temp_path $(quote "$dir/nginx/fastcgi");
  proxy_temp_path $(quote "$dir/nginx/proxy");
  uwsgi_temp_path $(quote "$dir/nginx/uwsgi");
  scgi_temp_path $(quote "$dir/nginx/scgi");
  server {
    listen 127.0.0.1:$port;
    location = /search {
      include /etc/nginx/fastcgi_params;
      fastcgi_pass unix:$socket;
    }
  }
}
CONF
}

wait_for_pidfile() {
  local i
  for i in $(seq 50); do
    [ -s "$1" ] && return 0
    sleep 0.1
  done
  return 1
}

watchdog() {  # stops everything after KYOTEI_CGI_IDLE seconds, whatever happens to the caller
  local dir=$1
  [ -n "${KYOTEI_CGI_IDLE:-}" ] || return 0
  (
    sleep "$KYOTEI_CGI_IDLE"
    "$0" stop "$dir"
  ) </dev/null >/dev/null 2>&1 &
  echo $! >"$dir/watchdog.pid"
}

# A Unix socket's path is limited to 107 bytes: the socket lives in a short folder of its own.
socket_dir() {
  local sockdir
  sockdir=$(mktemp -d /tmp/kyotei-fcgi.XXXXXX)
  chmod 755 "$sockdir"  # nginx's workers run as another user
  echo "$sockdir" >"$1/socket-dir"
  echo "$sockdir"
}

start_lighttpd() {
  local dir=$1 bin=$2 db=$3 data=$4
  command -v lighttpd >/dev/null || die "lighttpd is not installed (scripts/setup.sh --test installs it)"
  local sockdir attempt port
  sockdir=$(socket_dir "$dir")
  for attempt in 1 2 3 4 5; do
    port=${KYOTEI_CGI_PORT:-$(free_port)}
    write_lighttpd "$dir" "$bin" "$db" "$data" "$port" "$sockdir/kyotei.sock" "${KYOTEI_FCGI_WORKERS:-2}"
    rm -f "$dir/lighttpd.pid"
    local idle=()
    [ -n "${KYOTEI_CGI_IDLE:-}" ] && idle=(-i "$KYOTEI_CGI_IDLE")
    if lighttpd -f "$dir/lighttpd.conf" "${idle[@]}" 2>>"$dir/error.log" && wait_for_pidfile "$dir/lighttpd.pid"; then
      echo "http://127.0.0.1:$port/search"
      return 0
    fi
    [ -n "${KYOTEI_CGI_PORT:-}" ] && break
  done
  die "lighttpd did not start; see $dir/error.log"
}

start_nginx() {
  local dir=$1 bin=$2 db=$3 data=$4
  command -v nginx >/dev/null || die "nginx is not installed (scripts/setup.sh --test installs it)"
  local sockdir socket i
  sockdir=$(socket_dir "$dir")
  socket=$sockdir/kyotei.sock
  (
    # nginx's workers (another user when nginx starts as root) must be able to connect
    umask 0111
    export KYOTEI_DB=$db
    [ -z "$data" ] || export KYOTEI_DATA_DIR=$data
    exec "$bin" --fastcgi --listen "$socket" --workers "${KYOTEI_FCGI_WORKERS:-2}"
  ) </dev/null >>"$dir/fastcgi.log" 2>&1 &
  echo $! >"$dir/kyotei.pid"
  for i in $(seq 50); do  # listening once the socket is there
    [ -S "$socket" ] && break
    kill -0 "$(cat "$dir/kyotei.pid")" 2>/dev/null || break
    sleep 0.1
  done
  [ -S "$socket" ] || die "kyotei-search --fastcgi did not start; see $dir/fastcgi.log"
  local attempt port
  for attempt in 1 2 3 4 5; do
    port=${KYOTEI_CGI_PORT:-$(free_port)}
    write_nginx "$dir" "$port" "$socket"
    rm -f "$dir/nginx.pid"
    if nginx -p "$dir/nginx" -c "$dir/nginx.conf" -e "$dir/error.log" 2>>"$dir/error.log" &&
        wait_for_pidfile "$dir/nginx.pid"; then
      echo "http://127.0.0.1:$port/search"
      return 0
    fi
    [ -n "${KYOTEI_CGI_PORT:-}" ] && break
  done
  die "nginx did not start; see $dir/error.log"
}

start() {
  [ $# -ge 4 ] || die "usage: fcgi-server.sh start DIR BIN DB lighttpd|nginx [DATA_DIR]"
  local dir=$1 bin=$2 db=$3 server=$4 data=${5:-}
  [ -x "$bin" ] || die "$bin: not an executable"
  mkdir -p "$dir"
  # the servers run the program from elsewhere: every path must be absolute
  dir=$(realpath "$dir") bin=$(realpath "$bin") db=$(realpath -m "$db")
  [ -z "$data" ] || data=$(realpath -m "$data")
  case "$server" in
    lighttpd) start_lighttpd "$dir" "$bin" "$db" "$data" ;;
    nginx) start_nginx "$dir" "$bin" "$db" "$data" ;;
    *) die "unknown server '$server': expected lighttpd or nginx" ;;
  esac
  watchdog "$dir"
}

stop_pid() {  # TERM, then wait up to 40 s (a worker finishes its request, bounded at 30 s), then KILL
  local pidfile=$1 pid i
  [ -s "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  kill "$pid" 2>/dev/null || { rm -f "$pidfile"; return 0; }
  for i in $(seq 400); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile"; return 0; }
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

stop() {
  [ $# -eq 1 ] || die "usage: fcgi-server.sh stop DIR"
  local dir=$1
  [ -s "$dir/watchdog.pid" ] && { kill "$(cat "$dir/watchdog.pid")" 2>/dev/null || true; }
  rm -f "$dir/watchdog.pid"
  stop_pid "$dir/nginx.pid"
  stop_pid "$dir/lighttpd.pid"  # lighttpd stops the kyotei-search processes it started
  stop_pid "$dir/kyotei.pid"
  if [ -s "$dir/socket-dir" ]; then
    rm -rf -- "$(cat "$dir/socket-dir")"
    rm -f "$dir/socket-dir"
  fi
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  *) die "usage: fcgi-server.sh start DIR BIN DB lighttpd|nginx [DATA_DIR] | stop DIR" ;;
esac
