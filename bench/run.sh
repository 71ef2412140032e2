#!/usr/bin/env bash
# run.sh - the quick-poll benchmark: `make bench` runs it after building build-release/.
#
# Shared machines are noisy, so no figure here stands alone.  Beside involve runs
# bench/baseline/baseline.c (libmicrohttpd + one durable SQLite insert per POST with group
# commit: the least a machine must do to take a vote), and every load is run on the baseline
# and then at once on involve, so each pair sees the same machine; involve is reported as a
# ratio of the baseline.  The server CPU time per request is reported too: it is the figure
# other work on the machine disturbs least.
#
#   load       wrk, 64 connections, 2 threads, BENCH_DURATION (default 10s) each, --latency
#   GET        baseline: GET /          involve: GET /o/bench/polls/{id} (the public poll page)
#   POST       baseline: POST a vote    involve: POST /api/v1/polls/{id}/votes (bench/vote.lua;
#              wrk keeps no cookies, so every request is a new browser and a new ballot)
#
# Then it checks that the poll's results count at least every vote wrk saw accepted (and the
# baseline's table every POST), prints a Markdown table and appends it to bench/RESULTS.md.
# Everything listens on 127.0.0.1 only, every step has a time limit, and the servers and the
# temporary directory are removed on exit, however it ends.  Exits 1 when a check failed.
#
# Environment: INVOLVE_BIN (default build-release/src/cli/involve; the baseline is built in
# the same build directory), BENCH_DURATION, BENCH_CONNECTIONS, BENCH_THREADS, BENCH_RESULTS
# (default bench/RESULTS.md; /dev/null records nothing), BENCH_NOTE (a line added to the
# report, e.g. what changed since the last run).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=bench/lib.sh
. bench/lib.sh

involve=${INVOLVE_BIN:-$root/build-release/src/cli/involve}
duration=${BENCH_DURATION:-10s}
connections=${BENCH_CONNECTIONS:-64}
threads=${BENCH_THREADS:-2}
results_file=${BENCH_RESULTS:-$root/bench/RESULTS.md}

# The goals (see RESULTS.md): involve as a share of the baseline, and the votes' p99.
GOAL_GET_RATIO=0.50
GOAL_POST_RATIO=0.50
GOAL_POST_P99_MS=20

for tool in wrk curl jq cc; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "bench: $tool is missing (make bench installs it)" >&2
		exit 1
	fi
done
if [ ! -x "$involve" ]; then
	echo "bench: $involve is not built" >&2
	exit 1
fi
build_dir=$(cd "$(dirname "$involve")/../.." && pwd)
baseline_bin=$build_dir/bench-baseline

tmp=$(mktemp -d /tmp/involve-bench.XXXXXX)
base_pid=
inv_pid=
wrk_pid=
failures=()

# stop PID: SIGTERM, then SIGKILL after 5 s.
stop() {
	[ -n "$1" ] || return 0
	kill "$1" 2>/dev/null || true
	for _ in $(seq 50); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

cleanup() {
	stop "$wrk_pid"
	stop "$base_pid"
	stop "$inv_pid"
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

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

# wait_ready PID URL: waits up to 10 s for the server just started to answer URL.
wait_ready() {
	for _ in $(seq 100); do
		kill -0 "$1" 2>/dev/null || return 1
		if curl -s -o /dev/null --max-time 1 "$2"; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# rss_kib PID: the process's resident set, in KiB.
rss_kib() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0
}

# cpu_ticks PID: user + system time the process has used so far, in clock ticks.
cpu_ticks() {
	awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || echo 0
}

to_seconds() {
	case "$1" in
	*m) echo $((${1%m} * 60)) ;;
	*s) echo "${1%s}" ;;
	*) echo "$1" ;;
	esac
}

# run_wrk NAME PID URL [POLL OPTION]: puts the load on the server PID, votes when POLL and
# OPTION are given.  wrk's output is kept in $tmp/NAME.wrk, the server's CPU time during it
# in $tmp/NAME.cpu.
run_wrk() {
	local name=$1 pid=$2 url=$3 before
	local args=(-t"$threads" -c"$connections" -d"$duration" --latency)
	shift 3
	if [ $# -gt 0 ]; then
		args+=(-s bench/vote.lua "$url" -- "$@")
	else
		args+=("$url")
	fi
	echo "bench: $name: wrk ${args[*]}" >&2
	before=$(cpu_ticks "$pid")
	# The duration plus a margin: wrk never runs longer than asked, but a server that
	# stops answering must not hang the benchmark.  In the background, so that an
	# interrupt is handled at once (bash runs traps only between foreground commands).
	timeout --kill-after=5 "$(($(to_seconds "$duration") + 30))" wrk "${args[@]}" \
		>"$tmp/$name.wrk" 2>&1 &
	wrk_pid=$!
	if ! wait "$wrk_pid"; then
		wrk_pid=
		sed 's/^/    /' "$tmp/$name.wrk" >&2
		failures+=("$name: wrk failed")
		rm -f "$tmp/$name.wrk"
		return 0
	fi
	wrk_pid=''
	echo $(($(cpu_ticks "$pid") - before)) >"$tmp/$name.cpu"
	sed 's/^/    /' "$tmp/$name.wrk" >&2
}

# wrk_value NAME FIELD: one figure of the run NAME (bench/lib.sh's wrk_field), or its server's
# CPU time per request ("cpu", in microseconds).
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

# at_least A B: A >= B, as numbers (false when either is not a number).
at_least() {
	awk -v a="$1" -v b="$2" 'BEGIN { exit !(a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && a + 0 >= b + 0) }'
}

# alive PID WHAT LOG: true while the server runs; otherwise records how it ended.  A server
# that dies under load is a finding for the report, not the end of the benchmark.
died=()
alive() {
	local status=0
	kill -0 "$1" 2>/dev/null && return 0
	died+=("$2")
	wait "$1" 2>/dev/null || status=$?
	if [ "$status" -gt 128 ]; then
		failures+=("involve died during $2 (signal $(kill -l $((status - 128))))")
	else
		failures+=("involve exited during $2 (status $status)")
	fi
	echo "bench: the server is gone; the end of its log:" >&2
	tail -n 5 "$3" >&2
	return 1
}

load_before=$(cut -d' ' -f1 /proc/loadavg)

# --- the baseline ----------------------------------------------------------------------------
echo "bench: building $baseline_bin" >&2
cc -O2 -o "$baseline_bin" bench/baseline/baseline.c -lmicrohttpd -lsqlite3 -lpthread

mkdir -p "$tmp/baseline"
base_port=
for _ in 1 2 3; do
	base_port=$(free_port)
	"$baseline_bin" "$base_port" "$tmp/baseline/ballots.db" >"$tmp/baseline.log" 2>&1 &
	base_pid=$!
	wait_ready "$base_pid" "http://127.0.0.1:$base_port/" && break
	stop "$base_pid"
	base_pid=''
	base_port=''
done
if [ -z "$base_port" ]; then
	cat "$tmp/baseline.log" >&2
	echo "bench: the baseline did not start" >&2
	exit 1
fi
base_url=http://127.0.0.1:$base_port

# --- involve, with one organisation, one administrator, one token and one open poll ----------
data=$tmp/involve
mkdir -p "$data"
email=b@example.org
setup_failed() {
	cat "$tmp/setup.log" >&2
	echo "bench: $1" >&2
	exit 1
}
timeout 30 "$involve" org create --slug bench --name Bench --data "$data" >"$tmp/setup.log" 2>&1 ||
	setup_failed "involve org create failed"
echo 'a long enough password' |
	timeout 30 "$involve" user add --org bench --email "$email" --role administrator \
		--data "$data" >>"$tmp/setup.log" 2>&1 || setup_failed "involve user add failed"
token=$(timeout 30 "$involve" token create --org bench --user "$email" --data "$data" \
	2>>"$tmp/setup.log" | awk 'NF { last = $NF } END { print last }')
[ -n "$token" ] || setup_failed "involve token create printed no token"

inv_port=
for _ in 1 2 3; do
	inv_port=$(free_port)
	"$involve" serve --data "$data" --listen "127.0.0.1:$inv_port" --vote-rate-limit 0 \
		--no-access-log >"$tmp/involve.log" 2>&1 &
	inv_pid=$!
	wait_ready "$inv_pid" "http://127.0.0.1:$inv_port/healthz" && break
	stop "$inv_pid"
	inv_pid=''
	inv_port=''
done
if [ -z "$inv_port" ]; then
	cat "$tmp/involve.log" >&2
	echo "bench: involve did not start" >&2
	exit 1
fi
inv_url=http://127.0.0.1:$inv_port

question="How satisfied are you with access to pharmacy services in your local area?"
poll=$(jq -n --arg q "$question" '{question: $q, options: ["Very satisfied", "Fairly satisfied",
	"Neither", "Fairly dissatisfied", "Very dissatisfied", "Don'\''t know"]}' |
	curl -s --max-time 10 -w '\n%{http_code}' -H "Authorization: Bearer $token" \
		-H 'Content-Type: application/json' --data-binary @- "$inv_url/api/v1/polls")
poll_status=$(tail -n1 <<<"$poll")
poll=$(sed '$d' <<<"$poll")
if [ "$poll_status" != 201 ]; then
	echo "bench: creating the poll answered $poll_status: $poll" >&2
	exit 1
fi
poll_id=$(jq -r .id <<<"$poll")
option_id=$(jq -r '.options[0].id' <<<"$poll")

# The public page; should it not be served, the poll's JSON stands in for it, and says so.
get_path=/o/bench/polls/$poll_id
get_name="poll page"
page_status=$(curl -s -o /dev/null --max-time 10 -w '%{http_code}' "$inv_url$get_path")
if [ "$page_status" != 200 ]; then
	echo "bench: $get_path answered $page_status; measuring GET /api/v1/polls/$poll_id instead" >&2
	get_path=/api/v1/polls/$poll_id
	get_name="poll JSON (the page answered $page_status)"
	failures+=("the poll page answered $page_status: its JSON was measured instead")
fi

# --- the loads, in pairs ---------------------------------------------------------------------
inv_rss=0
total=
run_wrk base_get "$base_pid" "$base_url/"
run_wrk inv_get "$inv_pid" "$inv_url$get_path"
run_wrk base_post "$base_pid" "$base_url/" 1 1
base_rss=$(rss_kib "$base_pid")
if alive "$inv_pid" inv_get "$tmp/involve.log"; then
	run_wrk inv_post "$inv_pid" "$inv_url/" "$poll_id" "$option_id"
	if alive "$inv_pid" inv_post "$tmp/involve.log"; then
		inv_rss=$(rss_kib "$inv_pid")
		total=$(curl -s --max-time 10 -H "Authorization: Bearer $token" \
			"$inv_url/api/v1/polls/$poll_id/results" | jq -r '.total // empty' || true)
	fi
fi
stop "$inv_pid"
inv_pid=
stop "$base_pid"
base_pid=
load_after=$(cut -d' ' -f1 /proc/loadavg)

# --- the checks ------------------------------------------------------------------------------
inv_post_ok=$(wrk_value inv_post ok)
if [ -z "$total" ] || ! at_least "$total" "$inv_post_ok"; then
	failures+=("the poll's results count ${total:-nothing} for $inv_post_ok accepted votes")
fi
base_post_ok=$(wrk_value base_post ok)
base_rows='?'
if command -v sqlite3 >/dev/null 2>&1; then
	base_rows=$(sqlite3 "$tmp/baseline/ballots.db" 'SELECT count(*) FROM ballot' || echo ?)
	if ! at_least "$base_rows" "$base_post_ok"; then
		failures+=("the baseline stored $base_rows rows for $base_post_ok accepted POSTs")
	fi
fi
for run in base_get inv_get base_post inv_post; do
	n=$(wrk_value $run non2xx)
	if [ "$n" = - ]; then
		failures+=("$run: not measured")
		continue
	fi
	if [ "$n" != 0 ]; then
		failures+=("$run: $n responses were not 2xx or 3xx")
	fi
	errors=$(wrk_value $run errors)
	if [ -n "$errors" ]; then
		failures+=("$run: socket errors: $errors")
	fi
done

# --- the report ------------------------------------------------------------------------------
# did_die RUN: whether involve died during RUN (its figures then mean little).
did_die() {
	local d
	for d in ${died[@]+"${died[@]}"}; do
		[ "$d" = "$1" ] && return 0
	done
	return 1
}
get_ratio=$(ratio "$(wrk_value inv_get rps)" "$(wrk_value base_get rps)")
post_ratio=$(ratio "$(wrk_value inv_post rps)" "$(wrk_value base_post rps)")
post_p99=$(wrk_value inv_post p99)
met() {
	if "$@"; then echo yes; else echo "**no**"; fi
}
get_met="$(met at_least "$get_ratio" "$GOAL_GET_RATIO") ($get_ratio)"
post_met="$(met at_least "$post_ratio" "$GOAL_POST_RATIO") ($post_ratio)"
# Strictly under the goal.
p99_met="$(met awk -v a="$post_p99" -v b="$GOAL_POST_P99_MS" \
	'BEGIN { exit !(a ~ /^[0-9.]+$/ && a + 0 < b + 0) }') ($post_p99 ms)"
if did_die inv_get; then
	get_met="**no** (involve died)"
fi
if did_die inv_post; then
	post_met="**no** (involve died)"
	p99_met="**no** (involve died)"
fi

row() {
	local rps
	rps=$(wrk_value "$3" rps)
	if did_die "$3"; then
		rps="$rps (died)"
	fi
	printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$1" \
		"$(wrk_value "$2" rps)" "$(wrk_value "$2" p50)" "$(wrk_value "$2" p99)" \
		"$rps" "$(wrk_value "$3" p50)" "$(wrk_value "$3" p99)" \
		"$(ratio "$(wrk_value "$3" rps)" "$(wrk_value "$2" rps)")" \
		"$(wrk_value "$2" cpu)" "$(wrk_value "$3" cpu)" \
		"$(ratio "$(wrk_value "$3" cpu)" "$(wrk_value "$2" cpu)")"
}

report=$tmp/report.md
{
	echo
	echo "### $(date -u '+%Y-%m-%d %H:%M UTC') — nproc $(nproc), wrk -t$threads -c$connections -d$duration"
	echo
	echo "| load | baseline req/s | baseline p50 ms | baseline p99 ms | involve req/s | involve p50 ms | involve p99 ms | involve / baseline | baseline CPU µs/req | involve CPU µs/req | CPU involve / baseline |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	row "GET $get_name" base_get inv_get
	row "POST vote (durable)" base_post inv_post
	echo
	echo "- Goals: page GET ≥ $GOAL_GET_RATIO × baseline: $get_met;" \
		"votes ≥ $GOAL_POST_RATIO × baseline: $post_met;" \
		"votes p99 < $GOAL_POST_P99_MS ms: $p99_met."
	if [ "$inv_rss" -gt 0 ]; then
		echo "- involve RSS after the load: $((inv_rss / 1024)) MiB;" \
			"baseline: $((base_rss / 1024)) MiB."
	else
		echo "- involve RSS after the load: not measured; baseline: $((base_rss / 1024)) MiB."
	fi
	echo "- Durability: the poll's results count ${total:-no} ballots for $inv_post_ok votes" \
		"wrk saw accepted; the baseline stored $base_rows rows for $base_post_ok."
	echo "- GET measured: \`${get_path%"$poll_id"}{id}\`. Load average (1 min) before:" \
		"$load_before, after: $load_after."
	if [ -n "${BENCH_NOTE:-}" ]; then
		echo "- Note: $BENCH_NOTE"
	fi
	for f in ${failures[@]+"${failures[@]}"}; do
		echo "- **Problem:** $f"
	done
} >"$report"

echo
cat "$report"
if [ "$results_file" != /dev/null ]; then
	if [ ! -s "$results_file" ]; then
		echo "bench: $results_file has no header; not appending" >&2
	else
		cat "$report" >>"$results_file"
		echo "bench: appended to ${results_file#"$root"/}" >&2
	fi
fi
[ "${#failures[@]}" -eq 0 ]
