#!/usr/bin/env bash
# signin.sh - does a flood of wrong passwords leave the service usable?  `make bench` runs it
# after bench/flood.sh.
#
# Staff sign-in hashes passwords with argon2id (64 MiB and most of a core each), so a flood of
# sign-in attempts could take the machine from everyone else: six clients posting wrong
# passwords once took /healthz from 4 ms to 250-480 ms.  Two floods, each wrk -t1 -c6 (six
# clients, BENCH_SIGNIN_FLOOD_CONNECTIONS) of bench/signin.lua (a wrong password for a new email
# each time):
#   one address   every attempt from 127.0.0.1: after 50 failures the address is throttled
#                 (429), and throttled attempts hash nothing (before that, attempts beyond the
#                 hashing slots are 503);
#   many addresses each attempt claims an address of its own (X-Forwarded-For, from the
#                 trusted proxy 127.0.0.1), so no throttle applies and every attempt wants a
#                 hash: the hashing slots bound them (503 beyond).
# Under each, and alone, it measures the latency of GET /healthz (wrk -t1 -c4) and of votes
# (bench/vote.lua, wrk -t1 -c8), each for BENCH_SIGNIN_DURATION (5s), BENCH_ROUNDS times (3).
# Reported: p50 and p99 of each, and their ratios flooded / alone (the goal: within 2x); the
# floods' rates and statuses.  Checks: the one-address flood is refused with 422 then 429 only,
# the many-address one with 422 and 503 only, and every vote is accepted.  Run on a quiet
# machine: anything else running moves these latencies more than the floods do.
#
# Appends the report to bench/RESULTS.md; exits 1 when a check failed.
#
# Environment: as bench/run.sh (INVOLVE_BIN, BENCH_RESULTS), BENCH_ROUNDS (3),
# BENCH_SIGNIN_DURATION (5s).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=bench/lib.sh
. bench/lib.sh

probe_seconds=${BENCH_SIGNIN_DURATION:-5s}
flood_connections=${BENCH_SIGNIN_FLOOD_CONNECTIONS:-6}

require wrk curl jq
require_involve

bench_begin signin
load_before=$(cut -d' ' -f1 /proc/loadavg)

token=$(involve_prepare "$involve" "$tmp/involve")
serve_involve involve "$involve" "$root" "$tmp/involve" --trusted-proxy 127.0.0.1
inv_pid=$server_pid
inv_url=$server_url
read -r poll option <<<"$(make_poll "$inv_url" "$token")"

# probe NAME: the latency of /healthz, then of votes, each alone on the server but for a flood.
probe() {
	wrk_start "$1_health" 1 4 "$probe_seconds" "$inv_url/healthz"
	wrk_finish "$1_health" "$wrk_pid"
	wrk_start "$1_votes" 1 8 "$probe_seconds" "$inv_url/" "$poll" "$option"
	wrk_finish "$1_votes" "$wrk_pid"
	check_run "$1_votes"
}

# flood_start NAME [spread]: the sign-in flood, long enough to cover both probes.
flood_start() {
	local seconds=$(($(to_seconds "$probe_seconds") * 2 + 2))
	echo "bench: $1: wrk -t1 -c$flood_connections -d${seconds}s -s bench/signin.lua $inv_url ${2:-}" >&2
	timeout --kill-after=5 "$((seconds + BENCH_WRK_MARGIN_SECONDS))" wrk -t1 -c"$flood_connections" \
		-d"${seconds}s" --latency -s bench/signin.lua "$inv_url" -- ${2:-} >"$tmp/$1.wrk" 2>&1 &
	flood_pid=$!
	track "$flood_pid"
	sleep 0.5
}

# statuses_only NAME ALLOWED...: every status of the flood NAME is one of ALLOWED.
statuses_only() {
	local name=$1 others
	shift
	others=$(awk -v ok=" $* " '$1 == "status" && $2 ~ /^[0-9]+$/ && index(ok, " " $2 " ") == 0 {
		n += $3 } END { print n + 0 }' "$tmp/$name.wrk" 2>/dev/null || echo 0)
	[ "$others" = 0 ] || failures+=("$name: $others answers were not $*")
}

for r in $(seq "$rounds"); do
	alive "$inv_pid" "alone_$r" "$tmp/involve.log" || break
	probe "alone_$r"
	for kind in one many; do
		alive "$inv_pid" "${kind}_$r" "$tmp/involve.log" || break
		flood_start "flood_${kind}_$r" "$([ "$kind" = many ] && echo spread || true)"
		probe "${kind}_$r"
		wrk_finish "flood_${kind}_$r" "$flood_pid"
	done
	statuses_only "flood_one_$r" 422 429 503
	statuses_only "flood_many_$r" 422 503
done
load_after=$(cut -d' ' -f1 /proc/loadavg)

# ratio_of FIELD KIND WHAT R: the flooded figure over the one alone, in round R.
ratio_of() {
	ratio "$(wrk_value "${2}_$4_$3" "$1")" "$(wrk_value "alone_$4_$3" "$1")"
}

report=$tmp/report.md
{
	echo
	echo "### $(date -u '+%Y-%m-%d %H:%M UTC') — /healthz and votes under a flood of wrong" \
		"passwords; nproc $(nproc), probes wrk -t1 -c4 (healthz) and -t1 -c8 (votes)" \
		"-d$probe_seconds, floods wrk -t1 -c$flood_connections, $rounds rounds"
	echo
	echo "| round | flood | healthz p50 ms | healthz p99 ms | p50 / alone | p99 / alone | votes/s | votes p50 ms | votes p99 ms | p50 / alone | p99 / alone | flood req/s | flood statuses |"
	echo "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
	for r in $(seq "$rounds"); do
		printf '| %s | none | %s | %s | | | %s | %s | %s | | | | |\n' "$r" \
			"$(wrk_value "alone_${r}_health" p50)" "$(wrk_value "alone_${r}_health" p99)" \
			"$(wrk_value "alone_${r}_votes" rps)" "$(wrk_value "alone_${r}_votes" p50)" \
			"$(wrk_value "alone_${r}_votes" p99)"
		for kind in one many; do
			printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$r" \
				"$([ "$kind" = one ] && echo "one address" || echo "many addresses")" \
				"$(wrk_value "${kind}_${r}_health" p50)" "$(wrk_value "${kind}_${r}_health" p99)" \
				"$(ratio_of p50 "$kind" health "$r")" "$(ratio_of p99 "$kind" health "$r")" \
				"$(wrk_value "${kind}_${r}_votes" rps)" "$(wrk_value "${kind}_${r}_votes" p50)" \
				"$(wrk_value "${kind}_${r}_votes" p99)" \
				"$(ratio_of p50 "$kind" votes "$r")" "$(ratio_of p99 "$kind" votes "$r")" \
				"$(wrk_value "flood_${kind}_$r" rps)" "$(wrk_value "flood_${kind}_$r" statuses)"
		done
	done
	echo
	echo "- One address: 50 failures, then 429 without hashing (signin.h). Many addresses:" \
		"every attempt wants a hash; $(nproc) cores give $(($(nproc) > 1 ? $(nproc) - 1 : 1))" \
		"hashing slot(s), beyond which the answer is 503 with Retry-After (auth.h)."
	echo "- Load average (1 min) before: $load_before, after: $load_after."
	report_problems
} >"$report"

report_append "$report"
[ "${#failures[@]}" -eq 0 ]
