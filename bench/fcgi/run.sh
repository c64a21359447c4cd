#!/usr/bin/env bash
# Load test of the search page: requests per second and p50/p99 latency, measured with wrk on
# 127.0.0.1, for kyotei-search over FastCGI (lighttpd's mod_fastcgi and nginx's fastcgi_pass, two
# workers each), beside kyotei-search as a CGI program and Xapian Omega's CGI (both behind
# lighttpd's mod_cgi), on the bundled corpus. bench/fcgi/README.md has the figures of one run.
#
#   bench/fcgi/run.sh [BUILD]          BUILD: kyotei's build tree (default build)
#
# Environment: KYOTEI_BENCH_SECONDS, the length of each measured run (default 10); each is
# preceded by a 2-second run that is not counted (the workers warm, the pages in the cache).
# Needs the Debian packages wrk, lighttpd and nginx (scripts/setup.sh --test installs them), and
# xapian-omega for Omega's column (left out without it). Everything it starts listens on
# 127.0.0.1 only and is stopped when it ends.
set -euo pipefail
cd "$(dirname "$0")/../.."

build=${1:-build}
seconds=${KYOTEI_BENCH_SECONDS:-10}
bin=$(realpath "$build/bin/kyotei-search")
index=$(realpath "$build/share/kyotei/index")
omega=/usr/lib/cgi-bin/omega/omega
for program in wrk lighttpd nginx; do
  command -v "$program" >/dev/null || { echo "run.sh: $program is not installed (scripts/setup.sh --test)" >&2; exit 2; }
done
[ -x "$bin" ] && [ -d "$index" ] || { echo "run.sh: build kyotei first ($bin, $index)" >&2; exit 2; }

work=$(mktemp -d /tmp/kyotei-bench-fcgi.XXXXXX)
cleanup() {
  scripts/cgi-server.sh stop "$work/cgi" || true
  scripts/fcgi-server.sh stop "$work/fcgi-lighttpd" || true
  scripts/fcgi-server.sh stop "$work/fcgi-nginx" || true
  [ -s "$work/omega-lighttpd.pid" ] && kill "$(cat "$work/omega-lighttpd.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
export KYOTEI_CGI_IDLE=1800 KYOTEI_FCGI_WORKERS=2  # nothing outlives a killed run for long

declare -A url
url[cgi]=$(scripts/cgi-server.sh start "$work/cgi" "$bin" "$index")
url[fcgi-lighttpd]=$(scripts/fcgi-server.sh start "$work/fcgi-lighttpd" "$bin" "$index" lighttpd)
url[fcgi-nginx]=$(scripts/fcgi-server.sh start "$work/fcgi-nginx" "$bin" "$index" nginx)
fronts=(fcgi-nginx fcgi-lighttpd cgi)

# Omega's CGI on the same agreements, indexed as bench/cgi/bench.py indexes them, behind lighttpd.
if [ -x "$omega" ] && command -v scriptindex >/dev/null; then
  conf=$(python3 -c 'import sys; sys.path.insert(0, "bench/cgi"); import bench; print(bench.build_omega(sys.argv[1]))' \
         "$work")
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  mkdir -p "$work/omega-www"
  cat >"$work/omega-lighttpd.conf" <<CONF
server.modules = ("mod_alias", "mod_setenv", "mod_cgi")
server.document-root = "$work/omega-www"
server.bind = "127.0.0.1"
server.port = $port
server.pid-file = "$work/omega-lighttpd.pid"
server.errorlog = "$work/omega-error.log"
alias.url = ("/omega" => "$omega")
\$HTTP["url"] =^ "/omega" { cgi.assign = ("" => "") }
setenv.add-environment = ("OMEGA_CONFIG_FILE" => "$conf", "XAPIAN_CJK_NGRAM" => "1")
CONF
  lighttpd -f "$work/omega-lighttpd.conf" -i 1800
  for _ in $(seq 50); do [ -s "$work/omega-lighttpd.pid" ] && break; sleep 0.1; done
  url[omega-cgi]="http://127.0.0.1:$port/omega"
  fronts+=(omega-cgi)
fi

# wrk's latency in milliseconds: "635.00us", "1.23ms", "1.01s"
ms() {
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000;
                         printf "%.2f", n }'
}

measure() {  # front, query string, connections -> "req/s p50 p99"
  local target="${url[$1]}?$2" out
  wrk -t1 -c"$3" -d2s "$target" >/dev/null
  out=$(wrk -t"$(( $3 < 2 ? 1 : 2 ))" -c"$3" -d"${seconds}s" --latency "$target")
  if grep -q "Non-2xx" <<<"$out"; then
    echo "run.sh: $1 answered errors for $2:" >&2
    echo "$out" >&2
    exit 1
  fi
  printf '%s %s %s\n' "$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' <<<"$out")" \
    "$(ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")" "$(ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")"
}

queries=("青少年 交流" "交流")
encoded=("%E9%9D%92%E5%B0%91%E5%B9%B4+%E4%BA%A4%E6%B5%81" "%E4%BA%A4%E6%B5%81")

echo "$(uname -m), $(nproc) cores, $(lighttpd -v 2>&1 | head -1 | cut -d' ' -f1), $(nginx -v 2>&1 | cut -d' ' -f3);" \
     "wrk, ${seconds} s a run after 2 s of warm-up; FastCGI: 2 workers"
echo
echo "| front | query | connections | requests/s | p50 ms | p99 ms |"
echo "| --- | --- | ---: | ---: | ---: | ---: |"
for front in "${fronts[@]}"; do
  for i in "${!queries[@]}"; do
    if [ "$front" = omega-cgi ]; then qs="DB=agreements&DEFAULTOP=and&P=${encoded[$i]}"; else qs="q=${encoded[$i]}"; fi
    for conns in 1 4; do
      read -r rps p50 p99 < <(measure "$front" "$qs" "$conns")
      echo "| $front | ${queries[$i]} | $conns | $rps | $p50 | $p99 |"
    done
  done
done

# What a FastCGI worker holds after all that: resident and virtual size (the supervisor's children)
echo
for pid in $(cat "/proc/$(cat "$work/fcgi-nginx/kyotei.pid")/task/"*/children); do
  awk -v pid="$pid" '/^VmRSS|^VmHWM|^VmSize/ { v[$1] = $2 } END {
    printf "worker %s: resident %.1f MiB (peak %.1f MiB), address space %.0f MiB\n", pid, v["VmRSS:"] / 1024,
           v["VmHWM:"] / 1024, v["VmSize:"] / 1024 }' "/proc/$pid/status"
done
