#!/usr/bin/env bash
# page.sh - the public poll page against nginx serving the very same bytes as a static file.
# `make bench` runs it after bench/run.sh (or bench/compare.sh).
#
# bench/run.sh compares the page with the baseline's tiny fixed page; this is the second anchor:
# what a well-tuned static file server does with the same response on this machine at this
# moment.  involve's rendered page is fetched once, and nginx serves those bytes from a file at
# the same path, with the same headers as far as nginx allows (involve's own headers are copied
# into add_header; nginx adds Server, Last-Modified, Accept-Ranges and Connection).  Then the same
# wrk load (wrk -t2 -c64 -dBENCH_DURATION --latency) goes to nginx and to involve in turn,
# BENCH_ROUNDS times (3), and involve / nginx is reported as the median of the rounds' ratios.
#
#   nginx   nginx-light, started as root with its own prefix, pid and logs in the temporary
#           directory, worker_processes 2, listening on 127.0.0.1 only (reuseport: a socket
#           per worker); no access log, an open-file cache, sendfile off (cheaper for a small
#           file), and keep-alive for up to a million requests on a connection (the default,
#           1,000, would make wrk reconnect and measure connecting).
#   involve `involve serve --vote-rate-limit 0 --no-access-log` with one six-option poll, the
#           page /o/bench/polls/{id}, as bench/run.sh.
#
# Checks: nginx answers the same body byte for byte, both keep the connection alive (curl's
# second request on one connection makes no new one), every answer under load is 2xx, no socket
# errors.  The report gives each response's header size.  Appends the report to
# bench/RESULTS.md; exits 1 when a check failed.  Everything listens on 127.0.0.1; every step
# has a time limit; the servers and the temporary directory are removed on exit.
#
# Environment: as bench/run.sh (INVOLVE_BIN, BENCH_DURATION, BENCH_CONNECTIONS, BENCH_THREADS,
# BENCH_RESULTS, BENCH_NOTE), and BENCH_ROUNDS (3).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=bench/lib.sh
. bench/lib.sh

# The goal (see RESULTS.md): involve's page as a share of nginx's static copy of it.
GOAL_NGINX_RATIO=0.95
NGINX_WORKERS=2
# Requests on one kept-alive connection before nginx closes it; far beyond any run's count.
NGINX_KEEPALIVE_REQUESTS=1000000

require wrk curl jq nginx cmp
require_involve

bench_begin page
load_before=$(cut -d' ' -f1 /proc/loadavg)

# --- involve and its page ---------------------------------------------------------------------
start_involve_poll
path=/o/bench/polls/$poll

# fetch URL NAME: the response's headers to $tmp/NAME.head, its body to $tmp/NAME.body; prints
# the status.
fetch() {
	curl -s --max-time 10 -D "$tmp/$2.head" -o "$tmp/$2.body" -w '%{http_code}' "$1"
}
status=$(fetch "$inv_url$path" involve)
if [ "$status" != 200 ]; then
	echo "bench: $path answered $status" >&2
	exit 1
fi
# Anonymous visitors all get the same page but for the vote form's own single-use key (each
# copy sent has its own, written into the cached page); a second fetch shows it, and nginx
# serves the first copy, key and all: the same number of bytes.
fetch "$inv_url$path" involve2 >/dev/null
without_key() {
	sed -E 's/name="ballot_key" value="[^"]*"/name="ballot_key" value=""/' "$1"
}
cmp -s <(without_key "$tmp/involve.body") <(without_key "$tmp/involve2.body") ||
	failures+=("involve's page changed between two fetches (beyond its ballot key): nginx serves the first")

# --- nginx, serving those bytes at the same path ----------------------------------------------
mkdir -p "$tmp/nginx/html${path%/*}"
cp "$tmp/involve.body" "$tmp/nginx/html$path"
chmod -R a+rX "$tmp/nginx"

# involve's headers, as nginx add_header lines: all but those nginx writes itself.  A value
# nginx's configuration cannot hold verbatim (quotes, backslashes, $) is left out and said so.
copied=
while IFS= read -r line; do
	line=${line%$'\r'}
	name=${line%%:*}
	value=${line#*: }
	case "${name,,}" in
	http/* | '' | date | content-type | content-length | connection | keep-alive | server) continue ;;
	esac
	case "$value" in
	*'"'* | *\\* | *'$'*)
		failures+=("involve's header $name was not copied to nginx")
		continue
		;;
	esac
	copied+="		add_header $name \"$value\" always;"$'\n'
done <"$tmp/involve.head"

# The port is filled in when nginx is started (serve's {port}).
cat >"$tmp/nginx/nginx.conf.in" <<EOF
daemon off;
worker_processes $NGINX_WORKERS;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;

events {
	worker_connections 1024;
}

http {
	access_log off;
	server_tokens off;
	etag off;
	types { }
	default_type text/html;
	charset utf-8;
	# For a page of a few KB, reading it into a buffer and one writev cost less CPU than
	# sendfile with TCP_CORK around it (on 2 cores: about 16 µs a request against 20).
	sendfile off;
	tcp_nodelay on;
	open_file_cache max=16 inactive=60s;
	open_file_cache_valid 60s;
	keepalive_timeout 75s;
	keepalive_requests $NGINX_KEEPALIVE_REQUESTS;
	client_body_temp_path $tmp/nginx/client_body;
	proxy_temp_path $tmp/nginx/proxy;
	fastcgi_temp_path $tmp/nginx/fastcgi;
	uwsgi_temp_path $tmp/nginx/uwsgi;
	scgi_temp_path $tmp/nginx/scgi;

	server {
		# A listening socket per worker: connections are shared evenly (14 µs a request).
		listen 127.0.0.1:@PORT@ reuseport;
		root $tmp/nginx/html;
$copied	}
}
EOF
# shellcheck disable=SC2016 # expanded by the inner shell
serve nginx "$tmp/nginx" "$path" bash -c 'sed "s/@PORT@/$1/" nginx.conf.in >nginx.conf &&
	exec nginx -p "$PWD" -c "$PWD/nginx.conf" -e "$PWD/error.log"' nginx "{port}"
nginx_pid=$server_pid
nginx_url=$server_url

status=$(fetch "$nginx_url$path" nginx)
[ "$status" = 200 ] || failures+=("nginx answered $status for the page")
cmp -s "$tmp/involve.body" "$tmp/nginx.body" ||
	failures+=("nginx's body differs from involve's")

# keep_alive URL: "yes" when a second request reuses the first one's connection.
keep_alive() {
	local connects
	connects=$(curl -s --max-time 10 -o /dev/null -o /dev/null -w '%{num_connects}\n' "$1" "$1" |
		tail -n1)
	if [ "$connects" = 0 ]; then echo yes; else echo no; fi
}
inv_keep=$(keep_alive "$inv_url$path")
nginx_keep=$(keep_alive "$nginx_url$path")
[ "$inv_keep" = yes ] || failures+=("involve did not keep the connection alive")
[ "$nginx_keep" = yes ] || failures+=("nginx did not keep the connection alive")

# --- the rounds: nginx, then involve ----------------------------------------------------------
ratios=()
cpu_ratios=()
for r in $(seq "$rounds"); do
	measure "nginx_$r" "$nginx_pid" "$nginx_url$path"
	check_run "nginx_$r"
	if alive "$inv_pid" "involve_$r" "$tmp/involve.log"; then
		measure "involve_$r" "$inv_pid" "$inv_url$path"
		check_run "involve_$r"
	fi
	ratios+=("$(ratio "$(wrk_value "involve_$r" rps)" "$(wrk_value "nginx_$r" rps)")")
	cpu_ratios+=("$(ratio "$(wrk_value "involve_$r" cpu)" "$(wrk_value "nginx_$r" cpu)")")
done
load_after=$(cut -d' ' -f1 /proc/loadavg)
page_ratio=$(median "${ratios[@]}")
goal_met=$(at_least "$page_ratio" "$GOAL_NGINX_RATIO" && echo yes || echo "**no**")

# --- the report -------------------------------------------------------------------------------
# header_list NAME: the response's header names, in order.
header_list() {
	sed -n '2,$ { s/\r$//; s/:.*//p }' "$tmp/$1.head" | paste -sd, - | sed 's/,/, /g'
}
report=$tmp/report.md
{
	echo
	echo "### $(date -u '+%Y-%m-%d %H:%M UTC') — poll page against nginx; nproc $(nproc)," \
		"wrk -t$threads -c$connections -d$duration, $rounds rounds"
	echo
	echo "| round | nginx req/s | nginx p50 ms | nginx p99 ms | involve req/s | involve p50 ms | involve p99 ms | involve / nginx | nginx CPU µs/req | involve CPU µs/req | CPU involve / nginx |"
	echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	for r in $(seq "$rounds"); do
		printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$r" \
			"$(wrk_value "nginx_$r" rps)" "$(wrk_value "nginx_$r" p50)" \
			"$(wrk_value "nginx_$r" p99)" "$(wrk_value "involve_$r" rps)" \
			"$(wrk_value "involve_$r" p50)" "$(wrk_value "involve_$r" p99)" \
			"${ratios[r - 1]}" "$(wrk_value "nginx_$r" cpu)" "$(wrk_value "involve_$r" cpu)" \
			"${cpu_ratios[r - 1]}"
	done
	printf '| **median** | | | | | | | **%s** | | | **%s** |\n' "$page_ratio" \
		"$(median "${cpu_ratios[@]}")"
	echo
	echo "- Goal: involve's page ≥ $GOAL_NGINX_RATIO × nginx serving the same bytes:" \
		"$goal_met ($page_ratio, the median of the rounds' ratios)."
	echo "- The page: \`${path%"$poll"}{id}\`, $(wc -c <"$tmp/involve.body") bytes of body;" \
		"nginx's copy $(cmp -s "$tmp/involve.body" "$tmp/nginx.body" && echo identical || echo "**differs**")."
	echo "- Response headers: involve $(wc -c <"$tmp/involve.head") bytes ($(header_list involve));" \
		"nginx $(wc -c <"$tmp/nginx.head") bytes ($(header_list nginx)). Keep-alive:" \
		"involve $inv_keep, nginx $nginx_keep."
	echo "- nginx $(nginx -v 2>&1 | sed 's|.*/||'): worker_processes $NGINX_WORKERS," \
		"keepalive_requests $NGINX_KEEPALIVE_REQUESTS, listen reuseport, sendfile off," \
		"open_file_cache, no access log." \
		"Load average (1 min) before: $load_before, after: $load_after."
	report_problems
} >"$report"

report_append "$report"
[ "${#failures[@]}" -eq 0 ]
