#!/usr/bin/env bash
# flood.sh - do durable votes keep flowing while a flood of refused votes arrives?
# `make bench` runs it after bench/page.sh.
#
# Accepted votes are bench/vote.lua's API votes (every request a new browser and a new ballot,
# wrk -t2 -c64).  The flood is a second wrk posting the public vote form,
# POST /o/bench/polls/{id} with options=<id>, as one browser that has already voted: it sends
# the involve_voter cookie of one real first vote, so every flood request reaches the store and
# is refused there as a second vote (409).  Each round measures the accepted votes alone, then
# again under the flood (started half a second before them and ending half a second after),
# BENCH_ROUNDS times (3).  Reported: accepted votes/s alone and under the flood, their ratio
# (the median over the rounds is the figure), p99 of each, and the flood's own rate and status
# codes.  A figure, not a pass/fail test; the checks are that the flood really was refused with
# 409 and nothing else, that the votes were all accepted, and that the poll counts at least
# every accepted vote.
#
# Appends the report to bench/RESULTS.md; exits 1 when a check failed.  Everything listens on
# 127.0.0.1; every step has a time limit; the server and the temporary directory are removed on
# exit, however it ends.
#
# Environment: as bench/run.sh (INVOLVE_BIN, BENCH_DURATION, BENCH_CONNECTIONS, BENCH_THREADS,
# BENCH_RESULTS, BENCH_NOTE), BENCH_ROUNDS (3), and the flood's own wrk:
# BENCH_FLOOD_CONNECTIONS (64), BENCH_FLOOD_THREADS (1).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=bench/lib.sh
. bench/lib.sh

flood_connections=${BENCH_FLOOD_CONNECTIONS:-64}
flood_threads=${BENCH_FLOOD_THREADS:-1}

require wrk curl jq
require_involve

bench_begin flood
load_before=$(cut -d' ' -f1 /proc/loadavg)

start_involve_poll
form_url=$inv_url/o/bench/polls/$poll

# form_vote [COOKIE]: one vote through the public form; prints the status.  Its headers are
# kept in $tmp/form.head.
form_vote() {
	local header=()
	[ $# -eq 0 ] || header=(-H "Cookie: involve_voter=$1")
	curl -s --max-time 10 -o /dev/null -D "$tmp/form.head" -w '%{http_code}' \
		-H 'Content-Type: application/x-www-form-urlencoded' ${header[@]+"${header[@]}"} \
		--data "options=$option" "$form_url"
}

# The flooding browser's first vote, accepted; its second, refused.
status=$(form_vote)
cookie=$(sed -n 's/^Set-Cookie: involve_voter=\([^;]*\).*/\1/ip' "$tmp/form.head" | tr -d '\r')
if [ "$status" != 303 ] || [ -z "$cookie" ]; then
	echo "bench: the first vote through the form answered $status (cookie: ${cookie:-none})" >&2
	exit 1
fi
status=$(form_vote "$cookie")
if [ "$status" != 409 ]; then
	echo "bench: a second vote with the same cookie answered $status, not 409" >&2
	exit 1
fi

# --- the rounds: votes alone, then votes under the flood ---------------------------------------
flood_seconds=$(($(to_seconds "$duration") + 1))
ratios=()
for r in $(seq "$rounds"); do
	alive "$inv_pid" "alone_$r" "$tmp/involve.log" || break
	measure "alone_$r" "$inv_pid" "$inv_url/" "$poll" "$option"
	check_run "alone_$r"

	alive "$inv_pid" "flooded_$r" "$tmp/involve.log" || break
	wrk_start "flood_$r" "$flood_threads" "$flood_connections" "${flood_seconds}s" "$inv_url/" \
		"$poll" "$option" bench "$cookie"
	flood_pid=$wrk_pid
	sleep 0.5
	measure "flooded_$r" "$inv_pid" "$inv_url/" "$poll" "$option"
	check_run "flooded_$r"
	wrk_finish "flood_$r" "$flood_pid"

	# The flood must be refused, every request, with 409: anything else measures something else.
	others=$(awk '$1 == "status" && $2 ~ /^[0-9]+$/ && $2 != 409 { n += $3 } END { print n + 0 }' \
		"$tmp/flood_$r.wrk" 2>/dev/null || echo 0)
	refused=$(awk '$1 == "status" && $2 == 409 { n = $3 } END { print n + 0 }' \
		"$tmp/flood_$r.wrk" 2>/dev/null || echo 0)
	[ "$others" = 0 ] || failures+=("flood_$r: $others answers were not 409")
	[ "$refused" -gt 0 ] || failures+=("flood_$r: no request was refused with 409")
	errors=$(wrk_value "flood_$r" errors)
	[ -z "$errors" ] || failures+=("flood_$r: socket errors: $errors")
	ratios+=("$(ratio "$(wrk_value "flooded_$r" rps)" "$(wrk_value "alone_$r" rps)")")
done
load_after=$(cut -d' ' -f1 /proc/loadavg)

# --- durability: every accepted vote counted, the flooding browser's first among them ----------
accepted=1
for r in $(seq "$rounds"); do
	for run in alone flooded flood; do
		n=$(wrk_value "${run}_$r" ok)
		[ "$n" = - ] || accepted=$((accepted + n))
	done
done
total=$(results_total "$inv_url" "$poll" "$token")
if ! at_least "${total:-x}" "$accepted"; then
	failures+=("the poll's results count ${total:-nothing} for $accepted accepted votes")
fi

# --- the report -------------------------------------------------------------------------------
report=$tmp/report.md
{
	echo
	echo "### $(date -u '+%Y-%m-%d %H:%M UTC') — votes under a flood of refused second votes;" \
		"nproc $(nproc), votes wrk -t$threads -c$connections -d$duration," \
		"flood wrk -t$flood_threads -c$flood_connections, $rounds rounds"
	echo
	echo "| round | votes/s alone | p99 ms alone | votes/s under the flood | p99 ms under the flood | under the flood / alone | flood req/s | flood p99 ms | flood statuses |"
	echo "|---:|---:|---:|---:|---:|---:|---:|---:|---|"
	for r in $(seq "$rounds"); do
		printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$r" \
			"$(wrk_value "alone_$r" rps)" "$(wrk_value "alone_$r" p99)" \
			"$(wrk_value "flooded_$r" rps)" "$(wrk_value "flooded_$r" p99)" \
			"${ratios[r - 1]:--}" "$(wrk_value "flood_$r" rps)" "$(wrk_value "flood_$r" p99)" \
			"$(wrk_value "flood_$r" statuses)"
	done
	printf '| **median** | | | | | **%s** | | | |\n' "$(median ${ratios[@]+"${ratios[@]}"})"
	echo
	echo "- The flood: \`POST /o/bench/polls/{id}\` (form, \`options={option}\`) with the" \
		"\`involve_voter\` cookie of a browser that has voted; each is refused at the" \
		"store's commit as a second vote. It starts half a second before the votes and ends" \
		"half a second after; its rate is over its whole run."
	echo "- Durability: the poll's results count ${total:-no} ballots for $accepted accepted" \
		"votes (the flooding browser's first vote included)."
	echo "- Load average (1 min) before: $load_before, after: $load_after."
	report_problems
} >"$report"

report_append "$report"
[ "${#failures[@]}" -eq 0 ]
