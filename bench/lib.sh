# lib.sh - what the benchmark scripts share: the settings, the temporary directory and the
# processes that must not outlive the script, starting involve and the baseline, putting wrk's
# load on them and reading its output, medians and ratios.  Sourced, not run.
#
# The script sets root (the repository) and cds there before sourcing this file; it then has:
#   involve       INVOLVE_BIN (default build-release/src/cli/involve)
#   duration, connections, threads   wrk's load: BENCH_DURATION (10s), BENCH_CONNECTIONS (64),
#                 BENCH_THREADS (2)
#   rounds        BENCH_ROUNDS (3): how many times the scripts that alternate loads do so
#   results_file  BENCH_RESULTS (default bench/RESULTS.md; /dev/null records nothing)
#   failures      an array of problems found, each a line of the report
# and, after bench_begin NAME, tmp: a directory of its own under /tmp.
# shellcheck shell=bash

# shellcheck disable=SC2034 # the settings are for the scripts that source this file
involve=${INVOLVE_BIN:-$root/build-release/src/cli/involve}
duration=${BENCH_DURATION:-10s}
connections=${BENCH_CONNECTIONS:-64}
threads=${BENCH_THREADS:-2}
# shellcheck disable=SC2034
rounds=${BENCH_ROUNDS:-3}
results_file=${BENCH_RESULTS:-$root/bench/RESULTS.md}
failures=()
tmp=

# Seconds a server may take to answer after it is started.
BENCH_START_SECONDS=10
# A wrk run may take this much longer than asked before it is killed: wrk never runs longer
# than asked, but a server that stops answering must not hang the benchmark.
BENCH_WRK_MARGIN_SECONDS=30

# --- processes and the temporary directory ----------------------------------------------------

bench_pids=()
bench_exit_hooks=()

# bench_begin NAME: makes $tmp (/tmp/involve-NAME.XXXXXX) and sets the traps that, however the
# script ends, run the exit hooks, stop every process still tracked and remove $tmp.  The
# directory is world-readable: nginx's workers run as nobody and must reach their files.
bench_begin() {
	tmp=$(mktemp -d "/tmp/involve-$1.XXXXXX")
	chmod 755 "$tmp"
	trap bench_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

bench_cleanup() {
	local hook i
	# The last started first: the load generators before the servers they load.
	for ((i = ${#bench_pids[@]} - 1; i >= 0; i--)); do
		stop "${bench_pids[i]}"
	done
	for hook in ${bench_exit_hooks[@]+"${bench_exit_hooks[@]}"}; do
		"$hook" || true
	done
	[ -z "$tmp" ] || rm -rf "$tmp"
}

# bench_at_exit FUNCTION: FUNCTION runs on exit, once the tracked processes are stopped and
# before the temporary directory is removed.
bench_at_exit() {
	bench_exit_hooks+=("$1")
}

# track PID: PID is stopped on exit unless untracked first.  Only children of this script are
# tracked, and each is untracked once it has been waited for, so that a number the kernel has
# given to another process since is never signalled.
track() {
	bench_pids+=("$1")
}

untrack() {
	local kept=() p
	for p in ${bench_pids[@]+"${bench_pids[@]}"}; do
		[ "$p" = "$1" ] || kept+=("$p")
	done
	bench_pids=(${kept[@]+"${kept[@]}"})
}

# stop PID: SIGTERM, then SIGKILL after 5 s; waits for it and untracks it.
stop() {
	[ -n "$1" ] || return 0
	kill "$1" 2>/dev/null || true
	for _ in $(seq 50); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
	untrack "$1"
}

# limited SECONDS COMMAND...: runs COMMAND with a time limit and returns its status.  It runs
# in the background and is waited for, so that an interrupt is handled at once (bash runs traps
# only between foreground commands) and stops it too.
limited() {
	local pid status=0
	timeout --kill-after=5 "$@" &
	pid=$!
	track "$pid"
	wait "$pid" || status=$?
	untrack "$pid"
	return "$status"
}

# require TOOL...: exits when one is missing.
require() {
	local tool
	for tool in "$@"; do
		if ! command -v "$tool" >/dev/null 2>&1; then
			echo "bench: $tool is missing (make bench installs it)" >&2
			exit 1
		fi
	done
}

# --- servers --------------------------------------------------------------------------------

# A port nobody listens on now: a connection to it is refused.
free_port() {
	local port
	for _ in $(seq 100); do
		port=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "$port"
			return 0
		fi
	done
	echo "bench: no free port found" >&2
	return 1
}

# wait_ready PID URL: waits up to BENCH_START_SECONDS for the server just started to answer URL.
wait_ready() {
	for _ in $(seq $((BENCH_START_SECONDS * 10))); do
		kill -0 "$1" 2>/dev/null || return 1
		if curl -s -o /dev/null --max-time 1 "$2"; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# serve NAME DIR PATH COMMAND...: starts COMMAND in DIR, in the background, with every
# argument "{port}" replaced by a free port, and waits until it answers PATH on that port.  A
# port taken meanwhile by someone else is retried twice.  Sets server_pid and server_url
# (http://127.0.0.1:PORT); the server's output goes to $tmp/NAME.log.  Exits when it does not
# start.
serve() {
	local name=$1 dir=$2 path=$3 port a args
	shift 3
	for _ in 1 2 3; do
		port=$(free_port)
		args=()
		for a in "$@"; do
			args+=("${a//\{port\}/$port}")
		done
		(cd "$dir" && exec "${args[@]}") >"$tmp/$name.log" 2>&1 &
		server_pid=$!
		track "$server_pid"
		server_url=http://127.0.0.1:$port
		wait_ready "$server_pid" "$server_url$path" && return 0
		stop "$server_pid"
	done
	cat "$tmp/$name.log" >&2
	echo "bench: $name did not start" >&2
	exit 1
}

# serve_baseline BUILD_DIR: builds bench/baseline/baseline.c into BUILD_DIR and starts it with
# its database in $tmp/baseline (serve's server_pid and server_url).
serve_baseline() {
	local bin=$1/bench-baseline
	echo "bench: building $bin" >&2
	limited 120 cc -O2 -o "$bin" bench/baseline/baseline.c -lmicrohttpd -lsqlite3 -lpthread
	mkdir -p "$tmp/baseline"
	serve baseline "$root" / "$bin" "{port}" "$tmp/baseline/ballots.db"
}

# involve_prepare BIN DATA [--database URL]: one organisation (slug "bench"), one
# administrator and one API token in DATA, made by BIN's own commands; prints the token.
involve_prepare() {
	local bin=$1 data=$2 log=$tmp/setup.log token
	shift 2
	mkdir -p "$data"
	if ! timeout 30 "$bin" org create --slug bench --name Bench --data "$data" "$@" >>"$log" 2>&1 ||
		! echo 'a long enough password' | timeout 30 "$bin" user add --org bench \
			--email b@example.org --role administrator --data "$data" "$@" >>"$log" 2>&1; then
		cat "$log" >&2
		echo "bench: setting up $data with $bin failed" >&2
		exit 1
	fi
	token=$(timeout 30 "$bin" token create --org bench --user b@example.org --data "$data" "$@" \
		2>>"$log" | awk 'NF { last = $NF } END { print last }')
	if [ -z "$token" ]; then
		cat "$log" >&2
		echo "bench: $bin token create printed no token" >&2
		exit 1
	fi
	echo "$token"
}

# serve_involve NAME BIN DIR DATA [--database URL]: starts `BIN serve` in DIR (an older build
# reads web/templates and web/static from there) on DATA, with no vote limit and no access log
# (serve's server_pid and server_url).
serve_involve() {
	local name=$1 bin=$2 dir=$3 data=$4
	shift 4
	serve "$name" "$dir" /healthz "$bin" serve --data "$data" --listen "127.0.0.1:{port}" \
		--vote-rate-limit 0 --no-access-log "$@"
}

# make_poll URL TOKEN: opens the benchmarks' six-option poll through the API; prints
# "POLL OPTION" (the poll's id and its first option's), or exits.
make_poll() {
	local question="How satisfied are you with access to pharmacy services in your local area?"
	local reply status
	reply=$(jq -n --arg q "$question" '{question: $q, options: ["Very satisfied",
		"Fairly satisfied", "Neither", "Fairly dissatisfied", "Very dissatisfied",
		"Don'\''t know"]}' |
		curl -s --max-time 10 -w '\n%{http_code}' -H "Authorization: Bearer $2" \
			-H 'Content-Type: application/json' --data-binary @- "$1/api/v1/polls")
	status=$(tail -n1 <<<"$reply")
	reply=$(sed '$d' <<<"$reply")
	if [ "$status" != 201 ]; then
		echo "bench: creating the poll at $1 answered $status: $reply" >&2
		exit 1
	fi
	jq -r '"\(.id) \(.options[0].id)"' <<<"$reply"
}

# require_involve: exits unless $involve (INVOLVE_BIN) has been built.
require_involve() {
	if [ ! -x "$involve" ]; then
		echo "bench: $involve is not built" >&2
		exit 1
	fi
}

# start_involve_poll: one organisation, its token and one open six-option poll in
# $tmp/involve, served from the repository root (a build that reads web/ from its working
# folder finds it there); sets token, inv_pid, inv_url, poll and option.
start_involve_poll() {
	local pair
	token=$(involve_prepare "$involve" "$tmp/involve")
	serve_involve involve "$involve" "$root" "$tmp/involve"
	inv_pid=$server_pid
	inv_url=$server_url
	pair=$(make_poll "$inv_url" "$token")
	read -r poll option <<<"$pair"
}

# results_total URL POLL TOKEN: the poll's results total as its organisation's staff see it
# (the public may not see a poll's results before voting), or nothing.
results_total() {
	curl -s --max-time 10 -H "Authorization: Bearer $3" "$1/api/v1/polls/$2/results" |
		jq -r '.total // empty' 2>/dev/null || true
}

# --- measuring --------------------------------------------------------------------------------

# rss_kib PID: the process's resident set, in KiB.
rss_kib() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0
}

# cpu_ticks PID...: user + system time the processes and their children (nginx's workers) have
# used so far, in clock ticks.
cpu_ticks() {
	local p t sum=0
	for p in "$@"; do
		for t in $(pgrep -P "$p") "$p"; do
			t=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$t/stat" 2>/dev/null || echo 0)
			sum=$((sum + t))
		done
	done
	echo "$sum"
}

to_seconds() {
	case "$1" in
	*m) echo $((${1%m} * 60)) ;;
	*s) echo "${1%s}" ;;
	*) echo "$1" ;;
	esac
}

# wrk_start NAME THREADS CONNECTIONS DURATION URL [POLL OPTION [SLUG COOKIE]]: starts wrk in
# the background: GETs of URL, or with POLL and OPTION bench/vote.lua's votes (see there); a
# wrk_script set beforehand (bench/survey.lua) is run with the arguments in their place.
# Its output goes to $tmp/NAME.wrk; its pid is left in wrk_pid (tracked).
wrk_start() {
	local name=$1 seconds
	local args=(-t"$2" -c"$3" -d"$4" --latency)
	local url=$5
	seconds=$(to_seconds "$4")
	shift 5
	if [ $# -gt 0 ]; then
		args+=(-s "${wrk_script:-bench/vote.lua}" "$url" -- "$@")
	else
		args+=("$url")
	fi
	echo "bench: $name: wrk ${args[*]}" >&2
	timeout --kill-after=5 "$((seconds + BENCH_WRK_MARGIN_SECONDS))" wrk "${args[@]}" \
		>"$tmp/$name.wrk" 2>&1 &
	wrk_pid=$!
	track "$wrk_pid"
}

# wrk_finish NAME PID: waits for the wrk started as NAME, shows its output; a wrk that failed
# is a problem for the report, and its output is dropped (its figures read "-").  Waiting in
# the background lets an interrupt be handled at once (bash runs traps only between
# foreground commands).
wrk_finish() {
	local ok=0
	wait "$2" || ok=$?
	untrack "$2"
	sed 's/^/    /' "$tmp/$1.wrk" >&2
	if [ "$ok" -ne 0 ]; then
		failures+=("$1: wrk failed")
		rm -f "$tmp/$1.wrk"
	fi
}

# measure NAME PID URL [POLL OPTION [SLUG COOKIE]]: wrk's load (threads, connections,
# duration) on the server PID, as wrk_start describes; the server's CPU time during it is kept
# in $tmp/NAME.cpu (see wrk_value's "cpu").
measure() {
	local name=$1 pid=$2 before
	shift 2
	before=$(cpu_ticks "$pid")
	wrk_start "$name" "$threads" "$connections" "$duration" "$@"
	wrk_finish "$name" "$wrk_pid"
	echo $(($(cpu_ticks "$pid") - before)) >"$tmp/$name.cpu"
}

# wrk_field FILE FIELD: one figure from a wrk output (latencies in milliseconds), or "-".
#   rps, p50, p99, non2xx (responses that were not 2xx or 3xx), errors (the socket errors
#   line, empty when none), ok (2xx answers, as bench/vote.lua counts them), statuses (every
#   status bench/vote.lua saw: "409: 51234, 503: 2")
wrk_field() {
	local file=$1
	if [ ! -s "$file" ]; then
		echo "-"
		return 0
	fi
	case "$2" in
	rps) awk '/^Requests\/sec:/ { print $2 }' "$file" ;;
	p50 | p99)
		awk -v q="${2#p}%" '$1 == q {
			v = $2; unit = v; sub(/[0-9.]+/, "", unit); sub(/[a-z]+$/, "", v);
			if (unit == "us") v /= 1000; else if (unit == "s") v *= 1000; else if (unit == "m") v *= 60000;
			printf "%.2f\n", v }' "$file"
		;;
	non2xx) awk '/Non-2xx or 3xx responses:/ { print $NF; found = 1 } END { if (!found) print 0 }' "$file" ;;
	errors) sed -n 's/^ *Socket errors: //p' "$file" ;;
	ok) awk '$1 == "status" && $2 == "2xx" { n = $3 } END { print n + 0 }' "$file" ;;
	statuses)
		awk '$1 == "status" && $2 ~ /^[0-9]+$/ { s = s sep $2 ": " $3; sep = ", " }
			END { print (s == "" ? "-" : s) }' "$file"
		;;
	esac
}

# wrk_value NAME FIELD: wrk_field of the run NAME (in $tmp), or the server's CPU time per
# request during it ("cpu", in microseconds), as measure kept it.
wrk_value() {
	local file=$tmp/$1.wrk
	if [ "$2" != cpu ]; then
		wrk_field "$file" "$2"
		return 0
	fi
	if [ ! -s "$file" ]; then
		echo "-"
		return 0
	fi
	awk -v ticks="$(cat "$tmp/$1.cpu" 2>/dev/null || echo 0)" -v hz="$(getconf CLK_TCK)" \
		'/requests in/ { n = $1 } END {
			if (n > 0 && ticks > 0) printf "%.1f\n", ticks * 1e6 / hz / n; else print "-" }' "$file"
}

# check_run NAME: every answer of the run NAME 2xx or 3xx, and no socket errors; otherwise a
# problem for the report.
check_run() {
	local n errors
	n=$(wrk_value "$1" non2xx)
	if [ "$n" = - ]; then
		failures+=("$1: not measured")
		return 0
	fi
	[ "$n" = 0 ] || failures+=("$1: $n responses were not 2xx or 3xx")
	errors=$(wrk_value "$1" errors)
	[ -z "$errors" ] || failures+=("$1: socket errors: $errors")
}

# alive PID WHAT LOG: true while the server runs; otherwise records how it ended (in failures,
# and WHAT in died) and shows the end of its LOG.  A server that dies under load is a finding
# for the report, not the end of the benchmark.
died=()
alive() {
	local status=0
	kill -0 "$1" 2>/dev/null && return 0
	died+=("$2")
	wait "$1" 2>/dev/null || status=$?
	untrack "$1"
	if [ "$status" -gt 128 ]; then
		failures+=("the server died during $2 (signal $(kill -l $((status - 128))))")
	else
		failures+=("the server exited during $2 (status $status)")
	fi
	echo "bench: the server is gone; the end of its log:" >&2
	tail -n 5 "$3" >&2
	return 1
}

# did_die WHAT: whether a server died during WHAT (its figures then mean little).
did_die() {
	local d
	for d in ${died[@]+"${died[@]}"}; do
		[ "$d" = "$1" ] && return 0
	done
	return 1
}

# --- arithmetic ------------------------------------------------------------------------------

# ratio A B: A / B to two places, or "-" when either is not a number.
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && b > 0) printf "%.2f\n", a / b; else print "-" }'
}

# median VALUE...: the median of the values that are numbers (the mean of the middle two when
# their count is even), to two places; "-" when none is.
median() {
	printf '%s\n' "$@" | awk '/^[0-9.]+$/' | sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) print "-";
		else if (NR % 2) printf "%.2f\n", v[(NR + 1) / 2];
		else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# at_least A B: A >= B, as numbers (false when either is not a number).
at_least() {
	awk -v a="$1" -v b="$2" 'BEGIN { exit !(a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && a + 0 >= b + 0) }'
}

# --- the report -----------------------------------------------------------------------------

# report_problems: the report's closing lines: BENCH_NOTE, then every problem found.
report_problems() {
	local f
	if [ -n "${BENCH_NOTE:-}" ]; then
		echo "- Note: $BENCH_NOTE"
	fi
	for f in ${failures[@]+"${failures[@]}"}; do
		echo "- **Problem:** $f"
	done
}

# report_append FILE: shows the report FILE and appends it to results_file.
report_append() {
	echo
	cat "$1"
	[ "$results_file" != /dev/null ] || return 0
	if [ ! -s "$results_file" ]; then
		echo "bench: $results_file has no header; not appending" >&2
		return 0
	fi
	cat "$1" >>"$results_file"
	echo "bench: appended to ${results_file#"$root"/}" >&2
}
