#!/usr/bin/env bash
# run.sh - the quick-poll benchmark: `make bench` runs it after building build-release/.
#
# Shared machines are noisy, so nothing here is an absolute figure: each run first measures
# bench/baseline/baseline.c (libmicrohttpd + one durable SQLite insert per POST with group
# commit: the least a machine must do to take a vote) and then involve, with the same load,
# one after the other, and reports involve as a ratio of the baseline.
#
#   load       wrk, 64 connections, 2 threads, BENCH_DURATION (default 10s) each, --latency
#   baseline   GET /  and  POST (a vote body)
#   involve    GET /o/bench/polls/{id}  (the public poll page)  and
#              POST /api/v1/polls/{id}/votes with bench/vote.lua (every request a new ballot)
#
# Then it checks that the poll's results count at least every vote wrk saw accepted, prints
# a Markdown table and appends it to bench/RESULTS.md.  Everything listens on 127.0.0.1 only,
# every step has a time limit, and the servers and the temporary directory are removed on
# exit, however it ends.
#
# Environment: INVOLVE_BIN (default build-release/src/cli/involve; the baseline is built
# beside its build directory), BENCH_DURATION, BENCH_CONNECTIONS, BENCH_THREADS,
# BENCH_RESULTS (default bench/RESULTS.md; set it to /dev/null to record nothing).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

involve=${INVOLVE_BIN:-$root/build-release/src/cli/involve}
build_dir=$(cd "$(dirname "$involve")/../.." && pwd)
duration=${BENCH_DURATION:-10s}
connections=${BENCH_CONNECTIONS:-64}
threads=${BENCH_THREADS:-2}
results_file=${BENCH_RESULTS:-$root/bench/RESULTS.md}
baseline_bin=$build_dir/bench-baseline

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

tmp=$(mktemp -d /tmp/involve-bench.XXXXXX)
server_pid=

stop_server() {
	if [ -n "$server_pid" ]; then
		kill "$server_pid" 2>/dev/null || true
		# Bounded: a server that ignores SIGTERM for 5 s is killed.
		for _ in $(seq 50); do
			kill -0 "$server_pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
		server_pid=
	fi
}

cleanup() {
	stop_server
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

# wait_ready URL: waits up to 10 s for the server just started to answer URL.
wait_ready() {
	for _ in $(seq 100); do
		if ! kill -0 "$server_pid" 2>/dev/null; then
			return 1
		fi
		if curl -s -o /dev/null --max-time 1 "$1"; then
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

# run_wrk NAME URL [POLL OPTION]: runs the load, votes when POLL and OPTION are given; the
# output is kept in $tmp/NAME.wrk.
run_wrk() {
	local name=$1 url=$2
	local args=(-t"$threads" -c"$connections" -d"$duration" --latency)
	shift 2
	if [ $# -gt 0 ]; then
		args+=(-s bench/vote.lua "$url" -- "$@")
	else
		args+=("$url")
	fi
	echo "bench: $name: wrk ${args[*]}" >&2
	# The duration plus a margin: wrk itself never runs longer than asked, but a server
	# that stops answering must not hang the benchmark.
	timeout --kill-after=5 "$(($(to_seconds "$duration") + 30))" wrk "${args[@]}" \
		>"$tmp/$name.wrk" 2>&1 || {
		cat "$tmp/$name.wrk" >&2
		echo "bench: wrk failed for $name" >&2
		return 1
	}
	sed 's/^/    /' "$tmp/$name.wrk" >&2
}

to_seconds() {
	case "$1" in
	*m) echo $((${1%m} * 60)) ;;
	*s) echo "${1%s}" ;;
	*) echo "$1" ;;
	esac
}

# wrk_value NAME FIELD: one figure from a wrk output, latencies in milliseconds.
wrk_value() {
	local file=$tmp/$1.wrk
	if [ ! -s "$file" ]; then
		echo "-"
		return 0
	fi
	case "$2" in
	rps) awk '/^Requests\/sec:/ { print $2 }' "$file" ;;
	requests) awk '/requests in/ { print $1 }' "$file" ;;
	p50 | p99)
		awk -v q="${2#p}%" '$1 == q {
			v = $2; unit = v; sub(/[0-9.]+/, "", unit); sub(/[a-z]+$/, "", v);
			if (unit == "us") v /= 1000; else if (unit == "s") v *= 1000; else if (unit == "m") v *= 60000;
			printf "%.2f\n", v }' "$file"
		;;
	non2xx) awk '/Non-2xx or 3xx responses:/ { print $NF; found = 1 } END { if (!found) print 0 }' "$file" ;;
	errors) sed -n 's/^ *Socket errors: //p' "$file" ;;
	ok) awk '$1 == "status" && $2 == "2xx" { print $3 }' "$file" ;;
	esac
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a ~ /^[0-9.]+$/ && b > 0) printf "%.2f\n", a / b; else print "-" }'
}

# at_least A B: A >= B, as numbers (false when either is not a number).
at_least() {
	awk -v a="$1" -v b="$2" 'BEGIN { exit !(a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && a + 0 >= b + 0) }'
}

# server_alive WHAT: true while the server runs; otherwise records how it ended, with the
# end of its log, and forgets it.
server_alive() {
	local status=0
	if kill -0 "$server_pid" 2>/dev/null; then
		return 0
	fi
	wait "$server_pid" 2>/dev/null || status=$?
	if [ "$status" -gt 128 ]; then
		failures+=("the server died during $1 (signal $((status - 128)): $(kill -l $((status - 128))))")
	else
		failures+=("the server exited during $1 (status $status)")
	fi
	echo "bench: the server is gone; the end of its log:" >&2
	tail -n 5 "$2" >&2
	server_pid=
	return 1
}

failures=()

# --- the baseline --------------------------------------------------------------------------
echo "bench: building $baseline_bin" >&2
cc -O2 -o "$baseline_bin" bench/baseline/baseline.c -lmicrohttpd -lsqlite3 -lpthread

mkdir -p "$tmp/baseline"
port=
for _ in 1 2 3; do
	port=$(free_port)
	"$baseline_bin" "$port" "$tmp/baseline/ballots.db" >"$tmp/baseline.log" 2>&1 &
	server_pid=$!
	if wait_ready "http://127.0.0.1:$port/"; then
		break
	fi
	stop_server
	port=
done
if [ -z "$port" ]; then
	cat "$tmp/baseline.log" >&2
	echo "bench: the baseline did not start" >&2
	exit 1
fi

run_wrk base_get "http://127.0.0.1:$port/"
run_wrk base_post "http://127.0.0.1:$port/" 1 1
base_rss=$(rss_kib "$server_pid")
stop_server
base_post_ok=$(wrk_value base_post ok)
if command -v sqlite3 >/dev/null 2>&1; then
	base_rows=$(sqlite3 "$tmp/baseline/ballots.db" 'SELECT count(*) FROM ballot')
	if ! at_least "$base_rows" "${base_post_ok:-0}"; then
		failures+=("baseline stored $base_rows rows for $base_post_ok accepted POSTs")
	fi
fi

# --- involve -------------------------------------------------------------------------------
data=$tmp/involve
mkdir -p "$data"
email=b@example.org
timeout 30 "$involve" org create --slug bench --name Bench --data "$data" >"$tmp/setup.log" 2>&1 ||
	{ cat "$tmp/setup.log" >&2; exit 1; }
echo 'a long enough password' |
	timeout 30 "$involve" user add --org bench --email "$email" --role administrator --data "$data" \
		>>"$tmp/setup.log" 2>&1 || { cat "$tmp/setup.log" >&2; exit 1; }
token=$(timeout 30 "$involve" token create --org bench --user "$email" --data "$data" 2>>"$tmp/setup.log" |
	awk 'NF { last = $NF } END { print last }')
if [ -z "$token" ]; then
	cat "$tmp/setup.log" >&2
	echo "bench: no API token" >&2
	exit 1
fi

port=
for _ in 1 2 3; do
	port=$(free_port)
	(cd "$root" && exec "$involve" serve --data "$data" --listen "127.0.0.1:$port" \
		--vote-rate-limit 0 --no-access-log) >"$tmp/involve.log" 2>&1 &
	server_pid=$!
	if wait_ready "http://127.0.0.1:$port/healthz"; then
		break
	fi
	stop_server
	port=
done
if [ -z "$port" ]; then
	cat "$tmp/involve.log" >&2
	echo "bench: involve did not start" >&2
	exit 1
fi
base=http://127.0.0.1:$port

question="How satisfied are you with access to pharmacy services in your local area?"
poll=$(jq -n --arg q "$question" '{question: $q, options: ["Very satisfied", "Fairly satisfied",
	"Neither", "Fairly dissatisfied", "Very dissatisfied", "Don'\''t know"]}' |
	curl -s --max-time 10 -w '\n%{http_code}' -H "Authorization: Bearer $token" \
		-H 'Content-Type: application/json' --data-binary @- "$base/api/v1/polls")
poll_status=$(tail -n1 <<<"$poll")
poll=$(sed '$d' <<<"$poll")
if [ "$poll_status" != 201 ]; then
	echo "bench: creating the poll answered $poll_status: $poll" >&2
	exit 1
fi
poll_id=$(jq -r .id <<<"$poll")
option_id=$(jq -r '.options[0].id' <<<"$poll")

# The public page; while it is not served yet, the poll's JSON stands in for it.
get_path=/o/bench/polls/$poll_id
get_name="poll page"
page_status=$(curl -s -o /dev/null --max-time 10 -w '%{http_code}' "$base$get_path")
if [ "$page_status" != 200 ]; then
	echo "bench: $get_path answered $page_status; measuring GET /api/v1/polls/$poll_id instead" >&2
	get_path=/api/v1/polls/$poll_id
	get_name="poll JSON (the page answered $page_status)"
fi

# A server that dies under load is a finding, not the end of the report.
inv_rss=0
total=
run_wrk inv_get "$base$get_path"
if server_alive "the page GET load" "$tmp/involve.log"; then
	run_wrk inv_post "$base/" "$poll_id" "$option_id"
	if server_alive "the vote load" "$tmp/involve.log"; then
		inv_rss=$(rss_kib "$server_pid")
		total=$(curl -s --max-time 10 -H "Authorization: Bearer $token" \
			"$base/api/v1/polls/$poll_id/results" | jq -r '.total // empty' || true)
	fi
fi
stop_server
inv_post_ok=$(wrk_value inv_post ok)
if [ -z "$total" ] || ! at_least "$total" "$inv_post_ok"; then
	failures+=("the poll's results count ${total:-nothing} for $inv_post_ok accepted votes")
fi

# --- the report ----------------------------------------------------------------------------
for run in base_get base_post inv_get inv_post; do
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

get_ratio=$(ratio "$(wrk_value inv_get rps)" "$(wrk_value base_get rps)")
post_ratio=$(ratio "$(wrk_value inv_post rps)" "$(wrk_value base_post rps)")
post_p99=$(wrk_value inv_post p99)
met() {
	if "$@"; then echo yes; else echo "**no**"; fi
}
get_met=$(met at_least "$get_ratio" "$GOAL_GET_RATIO")
post_met=$(met at_least "$post_ratio" "$GOAL_POST_RATIO")
p99_met=$(met at_least "$GOAL_POST_P99_MS" "$post_p99")
if [ "$p99_met" = yes ] && [ "$post_p99" = "$GOAL_POST_P99_MS.00" ]; then
	p99_met="**no**" # the goal is strictly under
fi

row() {
	printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$1" \
		"$(wrk_value "$2" rps)" "$(wrk_value "$2" p50)" "$(wrk_value "$2" p99)" \
		"$(wrk_value "$3" rps)" "$(wrk_value "$3" p50)" "$(wrk_value "$3" p99)" "$4"
}

report=$tmp/report.md
{
	echo "### $(date -u '+%Y-%m-%d %H:%M UTC') — nproc $(nproc), wrk -t$threads -c$connections -d$duration"
	echo
	echo "| load | baseline req/s | baseline p50 ms | baseline p99 ms | involve req/s | involve p50 ms | involve p99 ms | involve / baseline |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|"
	row "GET $get_name" base_get inv_get "$get_ratio"
	row "POST vote (durable)" base_post inv_post "$post_ratio"
	echo
	echo "- Goals: page GET ≥ $GOAL_GET_RATIO of baseline: $get_met ($get_ratio);" \
		"votes ≥ $GOAL_POST_RATIO of baseline: $post_met ($post_ratio);" \
		"votes p99 < $GOAL_POST_P99_MS ms: $p99_met ($post_p99 ms)."
	if [ "$inv_rss" -gt 0 ]; then
		echo "- involve RSS after the load: $((inv_rss / 1024)) MiB ($inv_rss KiB);" \
			"baseline: $((base_rss / 1024)) MiB."
	else
		echo "- involve RSS after the load: not measured; baseline: $((base_rss / 1024)) MiB."
	fi
	echo "- Durability: the poll's results count ${total:-no} ballots;" \
		"wrk saw $inv_post_ok votes accepted (the baseline stored ${base_rows:-?} rows for $base_post_ok)."
	echo "- GET path measured: \`${get_path%"$poll_id"}{id}\`."
	if [ "${#failures[@]}" -gt 0 ]; then
		for f in "${failures[@]}"; do
			echo "- **Problem:** $f"
		done
	fi
	echo
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
