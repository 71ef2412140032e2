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

# The goals (see RESULTS.md): involve as a share of the baseline, and the votes' p99.
GOAL_GET_RATIO=0.50
GOAL_POST_RATIO=0.50
GOAL_POST_P99_MS=20

require wrk curl jq cc
require_involve
build_dir=$(cd "$(dirname "$involve")/../.." && pwd)

bench_begin bench
load_before=$(cut -d' ' -f1 /proc/loadavg)

# --- the baseline, and involve with one organisation, one token and one open poll -----------
serve_baseline "$build_dir"
base_pid=$server_pid
base_url=$server_url

start_involve_poll
poll_id=$poll
option_id=$option

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
measure base_get "$base_pid" "$base_url/"
measure inv_get "$inv_pid" "$inv_url$get_path"
measure base_post "$base_pid" "$base_url/" 1 1
base_rss=$(rss_kib "$base_pid")
if alive "$inv_pid" inv_get "$tmp/involve.log"; then
	measure inv_post "$inv_pid" "$inv_url/" "$poll_id" "$option_id"
	if alive "$inv_pid" inv_post "$tmp/involve.log"; then
		inv_rss=$(rss_kib "$inv_pid")
		total=$(results_total "$inv_url" "$poll_id" "$token")
	fi
fi
stop "$inv_pid"
stop "$base_pid"
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
	check_run "$run"
done

# --- the report ------------------------------------------------------------------------------
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
	report_problems
} >"$report"

report_append "$report"
[ "${#failures[@]}" -eq 0 ]
