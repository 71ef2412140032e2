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
# Then, with involve and the baseline stopped, pgbench sends that cluster the writer's own
# transaction for a batch of 64 of those responses, from one client and from two: what
# PostgreSQL alone takes on this machine, as a ratio to the same baseline.
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
[ "$engine" = postgresql ] && require psql /usr/lib/postgresql/15/bin/pgbench
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
	PG_CLUSTER_OPTIONS="-c shared_buffers=512MB -c max_wal_size=4GB -c checkpoint_timeout=15min ${PG_EXTRA:-}" \
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
# The whole machine's busy time, in clock ticks: every process's, wrk's and the database's
# too (pgbench's connections below end with it, and their server processes with them, before
# their own times could be read).
busy_ticks() {
	awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat
}
# per_response TICKS RESPONSES/S: microseconds of CPU a response over the run.
per_response() {
	awk -v k="$1" -v n="$2" -v d="$(tr -d s <<<"$duration")" -v hz="$(getconf CLK_TCK)" \
		'BEGIN { if (n > 0) printf "%.1f\n", k * 1e6 / hz / (n * d); else print "-" }'
}
# busy_share TICKS: the share of the machine's cores busy over the run, in per cent.
busy_share() {
	awk -v k="$1" -v d="$(tr -d s <<<"$duration")" -v hz="$(getconf CLK_TCK)" -v c="$(nproc)" \
		'BEGIN { printf "%.0f\n", k * 100 / hz / d / c }'
}
wrk_script=bench/survey.lua
busy_before=$(busy_ticks)
measure inv_post "$inv_pid" "$inv_url/" "$survey"
busy_inv=$(($(busy_ticks) - busy_before))
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

# PostgreSQL's own limit for these writes (BENCH_ENGINE=postgresql), with nothing else running:
# pgbench sends the writer's transaction for a batch (src/store/responses.c, with
# pg/response_batch.c's two statements): lock the survey's row (shared), insert the batch's
# responses, then their coded answers' pack, its counts and the count of responses, commit.  Its
# values are the ones involve wrote above: the newest 64 responses' answers, coded answers of
# their size, and the counts a batch of 64 adds (each count a batch of 64 would expect to touch
# at least once, at its expected size).  64 a batch is all wrk's connections at once, the most
# a batch can hold here.  One client is one writer thread; two are the two an involve server on
# PostgreSQL runs, batches side by side (src/store/db.c).
pg_alone=()
if [ "$engine" = postgresql ]; then
	pg_url=$(sed -n 's/^INVOLVE_TEST_PG_URL=//p' "$tmp/pg.env")
	sql() { limited 60 psql -XAtq -v ON_ERROR_STOP=1 "$pg_url" -c "$1"; }
	sql 'CREATE SEQUENCE bench_respondent'
	answers=$(sql "SELECT quote_literal(array_agg(answers)::text) FROM (SELECT answers
		FROM survey_response WHERE survey_id = $survey AND state = 'submitted'
		ORDER BY id DESC LIMIT 64) r")
	# A batch's pack of coded answers: 64 entries the size of the survey's own (a pack's bytes
	# over its count), ids one apart; its first id below any response's, so never another's.
	coded=$(sql "SELECT repeat(encode(substring(coded FROM 1 FOR length(coded) / n), 'hex'), 64)
		FROM survey_coded_pack WHERE survey_id = $survey ORDER BY n DESC LIMIT 1")
	items=$(sql "SELECT concat_ws(', ', quote_literal(array_agg(question)::text) || '::text[]',
		quote_literal(array_agg(row_key)::text) || '::text[]',
		quote_literal(array_agg(value)::text) || '::text[]',
		quote_literal(array_agg(greatest(1, round(64.0 * n / s.responses)))::text) || '::bigint[]',
		quote_literal(array_agg(64.0 * total / s.responses)::text) || '::double precision[]')
		FROM survey_tally, survey s WHERE survey_id = $survey AND s.id = $survey
		AND n * 64 >= s.responses")
	version=$(sql "SELECT version FROM survey WHERE id = $survey")
	cat >"$tmp/batch.sql" <<SQL
BEGIN;
SELECT org_id, opens_at, closes_at, closed_at, version, responses, kind, uncoded FROM survey
WHERE id = $survey FOR KEY SHARE;
INSERT INTO survey_response (survey_id, channel, state, version, answers, page, created_at,
updated_at, submitted_at, entered_by, respondent) SELECT s, ch, 'submitted', v, a, '', t, t, t, 0,
decode(r, 'hex') FROM unnest(array_fill($survey::bigint, ARRAY[64]),
array_fill('online'::text, ARRAY[64]), array_fill($version, ARRAY[64]), $answers::text[],
array_fill(1765000800::bigint, ARRAY[64]),
(SELECT array_agg(lpad(to_hex(nextval('bench_respondent')), 64, '0')) FROM generate_series(1, 64)))
WITH ORDINALITY AS u(s, ch, v, a, t, r, k) ORDER BY k ON CONFLICT DO NOTHING
RETURNING survey_id, encode(respondent, 'hex'), id;
WITH tally AS (INSERT INTO survey_tally AS t (survey_id, question, row_key, value, n, total)
SELECT $survey, q, r, v, n, x FROM unnest($items) AS u(q, r, v, n, x) ORDER BY q, r, v
ON CONFLICT (survey_id, question, row_key, value) DO UPDATE SET n = t.n + excluded.n,
total = t.total + excluded.total RETURNING 1),
pack AS (INSERT INTO survey_coded_pack (survey_id, first_id, last_id, n, ids, coded) VALUES
($survey, -nextval('bench_respondent'), 0, 64, decode(repeat('01', 64), 'hex'),
decode('$coded', 'hex')) RETURNING 1)
UPDATE survey SET responses = responses + 64, coded_loose = coded_loose + 64 WHERE id = $survey
AND (SELECT count(*) FROM tally) >= 0 AND (SELECT count(*) FROM pack) >= 0 RETURNING coded_loose;
COMMIT;
SQL
	for clients in 1 2; do
		echo "bench: PostgreSQL alone, the writer's batch of 64, $clients client(s)" >&2
		before=$(busy_ticks)
		limited 120 /usr/lib/postgresql/15/bin/pgbench -n -M prepared -c "$clients" \
			-j "$clients" -T "$(tr -d s <<<"$duration")" -f "$tmp/batch.sql" "$pg_url" \
			>"$tmp/alone$clients.pgbench" 2>&1 || { cat "$tmp/alone$clients.pgbench" >&2; exit 1; }
		ticks=$(($(busy_ticks) - before))
		share=$(busy_share "$ticks")
		tps=$(awk '/^tps = / { print $3 }' "$tmp/alone$clients.pgbench")
		per_s=$(awk -v t="$tps" 'BEGIN { printf "%.0f\n", t * 64 }')
		cpu_us=$(per_response "$ticks" "$per_s")
		share_of_base=$(ratio "$per_s" "$(wrk_value base_post rps)")
		pg_alone+=("$clients client(s) $per_s responses/s ($share_of_base of the baseline), \
the machine $share % busy, $cpu_us µs of CPU a response")
	done
fi

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
	echo
	printf 'While involve took responses the machine was %s %% busy, %s µs of CPU a response %s\n' \
		"$(busy_share "$busy_inv")" "$(per_response "$busy_inv" "$(wrk_value inv_post rps)")" \
		"(involve's, the database's, wrk's and anything else's)."
	if [ ${#pg_alone[@]} -gt 0 ]; then
		echo
		printf '%s %s: %s.\n' "PostgreSQL alone (pgbench, nothing else running; the machine's CPU" \
			"is PostgreSQL's and pgbench's), the writer's transaction for a batch of 64 responses" \
			"$(printf '%s; ' "${pg_alone[@]}" | sed 's/; $//')"
	fi
	report_problems
} >"$report"
report_append "$report"
[ ${#failures[@]} -eq 0 ]
