#!/usr/bin/env bash
# survey.sh - durable survey responses against the baseline's POST, and reading the results
# and a cross-tabulation of the responses that load left behind (SQLite, release build).
#
#   POST       baseline: POST a vote (one durable insert)   involve: POST a ten-question
#              response to /api/v1/surveys/{id}/responses (bench/survey.lua; a new browser
#              each time); goal: involve at least 0.35 of the baseline
#   results    GET /api/v1/surveys/{id}/results, BENCH_READS (200) times one after another:
#              the median and p99 of curl's total time, and the number of responses counted
#   crosstab   GET …/crosstab?row=who&col=fft, BENCH_READS / 10 times: the median
#
# Pairs and ratios as bench/run.sh: a figure alone does not compare across runs on a shared
# machine.  BENCH_ENGINE=postgresql stores the responses in a throwaway PostgreSQL 15 cluster
# (durable, as shipped; one involve server) instead of SQLite; the baseline stays the same.
# Environment: INVOLVE_BIN, BENCH_ENGINE (sqlite), BENCH_DURATION, BENCH_CONNECTIONS,
# BENCH_THREADS, BENCH_READS, BENCH_RESULTS (default bench/RESULTS.md; /dev/null records
# nothing).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=bench/lib.sh
. bench/lib.sh

GOAL_POST_RATIO=0.35
reads=${BENCH_READS:-200}
engine=${BENCH_ENGINE:-sqlite}

require wrk curl jq cc
require_involve
build_dir=$(cd "$(dirname "$involve")/../.." && pwd)
bench_begin survey

store=()
case $engine in
sqlite) engine_name=SQLite ;;
postgresql)
	engine_name=PostgreSQL
	stop_cluster() {
		scripts/pg-cluster.sh stop "$tmp/pg" >/dev/null 2>&1 || true
	}
	bench_at_exit stop_cluster
	# The memory settings bench/pg.sh gives a server of this size; durability as shipped.
	PG_CLUSTER_OPTIONS="-c shared_buffers=512MB -c max_wal_size=4GB -c checkpoint_timeout=15min" \
		limited 120 scripts/pg-cluster.sh start "$tmp/pg" >"$tmp/pg.env"
	store=(--database "$(sed -n 's/^INVOLVE_TEST_PG_URL=//p' "$tmp/pg.env")")
	;;
*)
	echo "bench: BENCH_ENGINE is sqlite or postgresql, not $engine" >&2
	exit 2
	;;
esac

serve_baseline "$build_dir"
base_pid=$server_pid
base_url=$server_url
token=$(involve_prepare "$involve" "$tmp/involve" "${store[@]}")
serve_involve involve "$involve" "$root" "$tmp/involve" "${store[@]}"
inv_pid=$server_pid
inv_url=$server_url

survey=$(jq -n '{title: "Bench survey", pages: [{key: "p1", questions: [
	{key: "who", type: "single", text: "Who are you?", required: true,
	 options: ["Patient", "Carer", "Staff"]},
	{key: "fft", type: "fft", required: true},
	{key: "agree", type: "likert", text: "The service met my needs."},
	{key: "priorities", type: "multiple", text: "What matters most?", max: 3,
	 options: ["Grow our own", "Health inequalities", "Integrated care", "Get the basics right"]},
	{key: "importance", type: "grid", text: "How important is each?",
	 rows: ["Access", "Kindness", "Speed"], options: ["Very important", "Important", "Not important"]},
	{key: "listen", type: "rating", text: "How well do we listen?"},
	{key: "visits", type: "number", text: "How many visits?", min: 0, max: 100},
	{key: "when", type: "date", text: "When did you visit?"},
	{key: "postcode", type: "postcode", text: "Your postcode"},
	{key: "comments", type: "long_text", text: "Anything else?"}]}]}' |
	curl -s --max-time 10 -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
		--data-binary @- "$inv_url/api/v1/surveys" | jq -r '.id // empty')
if [ -z "$survey" ]; then
	echo "bench: the survey could not be created" >&2
	exit 1
fi

measure base_post "$base_pid" "$base_url/" 1 1
wrk_script=bench/survey.lua
measure inv_post "$inv_pid" "$inv_url/" "$survey"
unset wrk_script

# Reading the results the load left: one request at a time, as a page would.
times() {
	local url=$1 n=$2 i
	for ((i = 0; i < n; i++)); do
		curl -s -o /dev/null --max-time 10 -H "Authorization: Bearer $token" \
			-w '%{time_total}\n' "$url"
	done | awk '{ printf "%.3f\n", $1 * 1000 }' | sort -g
}
results_ms=$(times "$inv_url/api/v1/surveys/$survey/results" "$reads")
crosstab_ms=$(times "$inv_url/api/v1/surveys/$survey/crosstab?row=who&col=fft" "$((reads / 10))")
counted=$(curl -s --max-time 10 -H "Authorization: Bearer $token" \
	"$inv_url/api/v1/surveys/$survey/results" | jq -r '.responses // empty')
stop "$inv_pid"
stop "$base_pid"

ok=$(wrk_value inv_post ok)
if [ -z "$counted" ] || ! at_least "$counted" "$ok"; then
	failures+=("the survey's results count ${counted:-nothing} for $ok accepted responses")
fi
check_run base_post
check_run inv_post
post_ratio=$(ratio "$(wrk_value inv_post rps)" "$(wrk_value base_post rps)")
results_p50=$(median $results_ms)
results_p99=$(awk -v n="$reads" 'NR == int(n * 0.99) + (n * 0.99 > int(n * 0.99)) { print; exit }' <<<"$results_ms")
crosstab_p50=$(median $crosstab_ms)
met=no
at_least "$post_ratio" "$GOAL_POST_RATIO" && met=yes

report=$tmp/report.md
{
	echo
	echo "### $(date -u '+%Y-%m-%d %H:%M UTC') — survey responses ($engine_name), nproc $(nproc), wrk -t$threads -c$connections -d$duration"
	echo
	echo "| load | baseline req/s | involve req/s | involve p50 ms | involve p99 ms | involve / baseline | goal 0.35 | baseline CPU µs/req | involve CPU µs/req |"
	echo "|---|---:|---:|---:|---:|---:|---|---:|---:|"
	printf '| POST a ten-question response | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
		"$(wrk_value base_post rps)" "$(wrk_value inv_post rps)" "$(wrk_value inv_post p50)" \
		"$(wrk_value inv_post p99)" "$post_ratio" "$met" "$(wrk_value base_post cpu)" \
		"$(wrk_value inv_post cpu)"
	echo
	echo "Then, with the $counted responses that load left: results p50 $results_p50 ms, p99 $results_p99 ms ($reads reads); cross-tab of two questions p50 $crosstab_p50 ms ($((reads / 10)) reads, each reading every response)."
	report_problems
} >"$report"
report_append "$report"
[ ${#failures[@]} -eq 0 ]
