#!/usr/bin/env bash
# survey_crosstab.sh - reading a survey of BENCH_CROSSTAB_ROWS (1,000,000) responses: the
# cross-tabulation of two questions and the results, over HTTP, on SQLite and on PostgreSQL
# (release build).
#
# For each engine, in one run so that every figure sees the same machine:
#   1. the responses: bench/survey_import.py's ten-question survey, made with
#      `involve survey create` and filled by `involve survey import` (as survey_import.sh);
#   2. involve: `involve serve` on that database; BENCH_CROSSTAB_READS (20) requests one after
#      another of each of GET /api/v1/surveys/1/crosstab?row=visit&col=better (a single choice
#      by a multiple choice), ?row=channel&col=fft and ?row=rating&col=week, and of
#      GET /api/v1/surveys/1/results: the median and the slowest of curl's total time (with 20,
#      the slowest is the p99), and the CPU time per request of involve and of the database's
#      processes (PostgreSQL's postmaster and its backends): on a machine others load, the
#      figure that moves least;
#   3. the baseline: the engine's own GROUP BY of two small whole-number columns over a table
#      of as many rows, (survey_id, response_id, a, b) with its primary key, made beside
#      involve's tables - what a cross-tab costs the engine with the answers already in columns
#      and nothing sent over HTTP - timed by the engine's own client (sqlite3 .timer, psql
#      \timing), median of 5, with its CPU time (sqlite3's user + sys; the PostgreSQL server's
#      processes over the 5 runs, a connection's start included); and a count(*) of the
#      survey's submitted responses.
# Reports each figure and its ratio to the GROUP BY, checks that every cross-tab counts every
# response (fft is required: its cells add up to the responses), and appends the table to
# bench/RESULTS.md.  Not part of `make bench`: run it alone, e.g.
#   INVOLVE_BIN=build-release/src/cli/involve bench/survey_crosstab.sh
#
# Environment: INVOLVE_BIN (default build-release/src/cli/involve), BENCH_CROSSTAB_ROWS
# (1000000), BENCH_CROSSTAB_READS (20), BENCH_RESULTS (default bench/RESULTS.md; /dev/null
# records nothing), BENCH_NOTE.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=bench/lib.sh
. bench/lib.sh

pgbin=/usr/lib/postgresql/15/bin
rows=${BENCH_CROSSTAB_ROWS:-1000000}
reads=${BENCH_CROSSTAB_READS:-20}
# The goals (the issue "Surveys and consultations"): at a million responses.
GOAL_CROSSTAB_MS=200
GOAL_RESULTS_MS=5

require python3 psql sqlite3 curl jq "$pgbin/postgres"
require_involve

bench_begin survey-crosstab
stop_cluster() {
	scripts/pg-cluster.sh stop "$tmp/pg" >/dev/null 2>&1 || true
}
bench_at_exit stop_cluster

load_before=$(cut -d' ' -f1 /proc/loadavg)
echo "bench: making $rows responses" >&2
python3 bench/survey_import.py definition >"$tmp/survey.json"
limited 600 python3 bench/survey_import.py rows "$rows" "$tmp/responses.csv" "$tmp/baseline.tsv"

# setup ARGS...: organisation bench, its open survey 1 with every response imported, and an
# administrator's API token (printed).
setup() {
	local log=$tmp/setup.log
	limited 60 "$involve" org create --slug bench --name Bench "$@" >>"$log" 2>&1
	limited 60 "$involve" survey create --org bench --file "$tmp/survey.json" "$@" 2>>"$log" |
		grep -q '^Created survey 1,' || { cat "$log" >&2; echo "bench: no survey" >&2; exit 1; }
	limited 1200 "$involve" survey import --org bench --survey 1 --file "$tmp/responses.csv" \
		"$@" >>"$log" 2>&1 || { cat "$log" >&2; echo "bench: the import failed" >&2; exit 1; }
	echo 'a long enough password' | limited 30 "$involve" user add --org bench \
		--email b@example.org --role administrator "$@" >>"$log" 2>&1
	limited 30 "$involve" token create --org bench --user b@example.org "$@" 2>>"$log" |
		awk 'NF { last = $NF } END { print last }'
}

# times URL: BENCH_CROSSTAB_READS requests of URL one after another, each one's milliseconds,
# sorted.
times() {
	local i
	for ((i = 0; i < reads; i++)); do
		curl -s -o /dev/null --max-time 30 -H "Authorization: Bearer $token" \
			-w '%{http_code} %{time_total}\n' "$1"
	done | awk '$1 == 200 { printf "%.2f\n", $2 * 1000 } $1 != 200 { print "failed" }' | sort -g
}

# slowest VALUES: the last (largest) of sorted values.
slowest() {
	printf '%s\n' "$@" | awk '/^[0-9.]+$/ { v = $1 } END { print (v == "" ? "-" : v) }'
}

# cpu_ms_per TICKS_BEFORE TICKS_AFTER N: the CPU milliseconds per one of N (ticks are 1/100 s).
cpu_ms_per() {
	awk -v a="$1" -v b="$2" -v n="$3" -v hz="$(getconf CLK_TCK)" \
		'BEGIN { printf "%.0f\n", (b - a) * 1000 / hz / n }'
}

# read_all NAME URL PID...: the timings of the cross-tabs and the results into NAME_*
# variables; the CPU time of the PIDs (and their children) per request.
crosstabs=("row=visit&col=better" "row=channel&col=fft" "row=rating&col=week")
read_all() {
	local name=$1 url=$2 i t sum c0
	shift 2
	for i in "${!crosstabs[@]}"; do
		# One first, unmeasured: a survey of a database from before coding is coded then.
		curl -s -o /dev/null --max-time 600 -H "Authorization: Bearer $token" \
			"$url/api/v1/surveys/1/crosstab?${crosstabs[i]}"
		c0=$(cpu_ticks "$@")
		t=$(times "$url/api/v1/surveys/1/crosstab?${crosstabs[i]}")
		printf -v "${name}_x${i}_cpu" '%s' "$(cpu_ms_per "$c0" "$(cpu_ticks "$@")" "$reads")"
		grep -q failed <<<"$t" && failures+=("$name: a cross-tab ${crosstabs[i]} failed")
		printf -v "${name}_x${i}_p50" '%s' "$(median $t)"
		printf -v "${name}_x${i}_max" '%s' "$(slowest $t)"
	done
	c0=$(cpu_ticks "$@")
	t=$(times "$url/api/v1/surveys/1/results")
	printf -v "${name}_results_cpu" '%s' "$(cpu_ms_per "$c0" "$(cpu_ticks "$@")" "$reads")"
	grep -q failed <<<"$t" && failures+=("$name: the results failed")
	printf -v "${name}_results_p50" '%s' "$(median $t)"
	printf -v "${name}_results_max" '%s' "$(slowest $t)"
	sum=$(curl -s --max-time 600 -H "Authorization: Bearer $token" \
		"$url/api/v1/surveys/1/crosstab?row=channel&col=fft" | jq '[.cells[][] // 0] | add')
	[ "$sum" = "$rows" ] || failures+=("$name: channel by fft counts ${sum:-nothing} of $rows")
}

# The baseline's table: as many rows, two answers as small whole numbers.
baseline_sql="CREATE TABLE bench_pairs (survey_id BIGINT NOT NULL, response_id BIGINT NOT NULL,
	a SMALLINT NOT NULL, b SMALLINT NOT NULL, PRIMARY KEY (survey_id, response_id));"
group_by="SELECT a, b, count(*) FROM bench_pairs WHERE survey_id = 1 GROUP BY a, b;"
count_sql="SELECT count(*) FROM survey_response WHERE survey_id = 1 AND state = 'submitted';"

# sqlite_ms DB SQL: the median of 5 runs' real time in ms, as sqlite3's .timer reports it,
# and the median of their CPU time (user + sys).
sqlite_ms() {
	local out
	out=$(for _ in 1 2 3 4 5; do
		printf '.timer on\n%s\n' "$2" | limited 120 sqlite3 "$1" |
			sed -n 's/^Run Time: real \([0-9.]*\) user \([0-9.]*\) sys \([0-9.]*\).*/\1 \2 \3/p'
	done)
	echo "$(median $(awk '{ printf "%.2f\n", $1 * 1000 }' <<<"$out"))" \
		"$(median $(awk '{ printf "%.0f\n", ($2 + $3) * 1000 }' <<<"$out"))"
}

# psql_ms URL SQL PID: the median of 5 runs' time in ms, as psql's \timing reports it, and the
# CPU time per run of the server PID (the postmaster) and its children.
psql_ms() {
	local t c0
	c0=$(cpu_ticks "$3")
	t=$(for _ in 1 2 3 4 5; do
		printf '\\timing on\n%s\n' "$2" | limited 120 psql -qX "$1" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p'
	done)
	echo "$(median $t) $(cpu_ms_per "$c0" "$(cpu_ticks "$3")" 5)"
}

# --- SQLite -----------------------------------------------------------------------------------
echo "bench: SQLite, import" >&2
token=$(setup --data "$tmp/sqlite")
db=$tmp/sqlite/involve.db
serve_involve involve_sqlite "$involve" "$root" "$tmp/sqlite"
pid=$server_pid
echo "bench: SQLite, reading" >&2
read_all sqlite "$server_url" "$pid"
stop "$pid"
limited 300 sqlite3 "$db" "$baseline_sql" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL
	SELECT i + 1 FROM n WHERE i < $rows) INSERT INTO bench_pairs SELECT 1, i, i % 3, i % 6 FROM n;"
read -r sqlite_group sqlite_group_cpu <<<"$(sqlite_ms "$db" "$group_by")"
read -r sqlite_count sqlite_count_cpu <<<"$(sqlite_ms "$db" "$count_sql")"

# --- PostgreSQL -------------------------------------------------------------------------------
# Durability stays as shipped; the memory settings are what a server of this size would get
# (as bench/pg.sh).
PG_CLUSTER_OPTIONS="-c shared_buffers=512MB -c max_wal_size=4GB -c checkpoint_timeout=15min" \
	limited 120 scripts/pg-cluster.sh start "$tmp/pg" >"$tmp/pg.env"
pg_url=$(sed -n 's/^INVOLVE_TEST_PG_URL=//p' "$tmp/pg.env")
limited 60 psql -qX "$pg_url" -c 'CREATE DATABASE involve_bench'
db_url=${pg_url%/*}/involve_bench
postmaster=$(head -n1 "$tmp/pg/data/postmaster.pid")
echo "bench: PostgreSQL, import" >&2
token=$(setup --data "$tmp/pgdata" --database "$db_url")
# As autovacuum would soon after a load this size: the planner's statistics.
limited 600 psql -qX "$db_url" -c 'VACUUM ANALYZE'
serve_involve involve_pg "$involve" "$root" "$tmp/pgdata" --database "$db_url"
pid=$server_pid
echo "bench: PostgreSQL, reading" >&2
read_all pg "$server_url" "$pid" "$postmaster"
stop "$pid"
limited 300 psql -qX "$db_url" -c "$baseline_sql" -c "INSERT INTO bench_pairs SELECT 1, i, i % 3,
	i % 6 FROM generate_series(1, $rows) AS i" -c 'VACUUM ANALYZE bench_pairs'
read -r pg_group pg_group_cpu <<<"$(psql_ms "$db_url" "$group_by" "$postmaster")"
read -r pg_count pg_count_cpu <<<"$(psql_ms "$db_url" "$count_sql" "$postmaster")"

# --- report -----------------------------------------------------------------------------------
load_after=$(cut -d' ' -f1 /proc/loadavg)
met() {
	awk -v v="$1" -v g="$2" 'BEGIN { print (v ~ /^[0-9.]+$/ && v < g) ? "yes" : "**no**" }'
}
report=$tmp/report.md
{
	echo
	echo "### $(date -u '+%Y-%m-%d %H:%M UTC') — survey cross-tab and results at $rows responses;" \
		"nproc $(nproc), $reads reads each"
	echo
	echo "| engine | read | p50 ms | slowest ms | / GROUP BY (p50) | CPU ms | goal |"
	echo "|---|---|---:|---:|---:|---:|---|"
	for e in sqlite pg; do
		label=SQLite
		group=$sqlite_group
		group_cpu=$sqlite_group_cpu
		count=$sqlite_count
		count_cpu=$sqlite_count_cpu
		if [ "$e" = pg ]; then
			label=PostgreSQL
			group=$pg_group
			group_cpu=$pg_group_cpu
			count=$pg_count
			count_cpu=$pg_count_cpu
		fi
		for i in "${!crosstabs[@]}"; do
			p50_var=${e}_x${i}_p50
			max_var=${e}_x${i}_max
			cpu_var=${e}_x${i}_cpu
			printf '| %s | crosstab?%s | %s | %s | %s | %s | < %s ms: %s |\n' "$label" \
				"${crosstabs[i]}" "${!p50_var}" "${!max_var}" "$(ratio "${!p50_var}" "$group")" \
				"${!cpu_var}" "$GOAL_CROSSTAB_MS" "$(met "${!max_var}" "$GOAL_CROSSTAB_MS")"
		done
		p50_var=${e}_results_p50
		max_var=${e}_results_max
		cpu_var=${e}_results_cpu
		printf '| %s | results | %s | %s | %s | %s | < %s ms: %s |\n' "$label" "${!p50_var}" \
			"${!max_var}" "$(ratio "${!p50_var}" "$group")" "${!cpu_var}" "$GOAL_RESULTS_MS" \
			"$(met "${!max_var}" "$GOAL_RESULTS_MS")"
		printf '| %s | baseline: GROUP BY a, b of %s rows | %s | | 1.00 | %s | |\n' "$label" \
			"$rows" "$group" "$group_cpu"
		printf '| %s | baseline: count(*) of the responses | %s | | %s | %s | |\n' "$label" \
			"$count" "$(ratio "$count" "$group")" "$count_cpu"
	done
	echo
	echo "- involve's times are curl's, over HTTP on the loopback; the baselines' are the" \
		"engine's own (sqlite3 .timer, psql \\timing), with no HTTP and no JSON."
	echo "- CPU ms: per request, involve's and the database's processes' user + system time" \
		"(SQLite: in involve's); per run for the baselines (PostgreSQL's with a connection's" \
		"start)."
	echo "- Load average (1 min) before: $load_before, after: $load_after."
	report_problems
} >"$report"

report_append "$report"
[ "${#failures[@]}" -eq 0 ]
