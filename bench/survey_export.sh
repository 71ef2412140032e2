#!/usr/bin/env bash
# survey_export.sh - a survey's responses downloaded as CSV over HTTP: `GET
# /api/v1/surveys/1/export?format=csv` of BENCH_EXPORT_ROWS (1,000,000) responses to the
# ten-question survey of bench/survey_import.sh, imported first with `involve survey import`,
# from `involve serve` (release build) on SQLite and on PostgreSQL.
#
# In one run, so that every figure sees the same machine, and for each engine:
#   1. the baseline: the same rows read by the database's own client, as CSV (SQLite: the
#      sqlite3 shell's -csv of a SELECT of the export's columns in id order; PostgreSQL:
#      psql's \copy (SELECT ...) TO STDOUT), counted by wc;
#   2. involve: the export fetched with curl by an administrator's token and counted by wc,
#      while the server's RSS is sampled from /proc/PID/status (VmRSS) every 50 ms, and its
#      peak since it started (VmHWM) read at the end.
# Reports seconds, rows/s, the ratio to the baseline, the file's size, the server's CPU time for
# the export and its peak RSS (sampled, and VmHWM), checks that the file has every row, and
# appends the table to bench/RESULTS.md.  Not part of `make bench`: run it alone, e.g.
#   INVOLVE_BIN=build-release/src/cli/involve BENCH_EXPORT_ROWS=200000 bench/survey_export.sh
#
# Environment: INVOLVE_BIN (default build-release/src/cli/involve), BENCH_EXPORT_ROWS
# (1000000), BENCH_RESULTS (default bench/RESULTS.md; /dev/null records nothing), BENCH_NOTE.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=bench/lib.sh
. bench/lib.sh

pgbin=/usr/lib/postgresql/15/bin
rows=${BENCH_EXPORT_ROWS:-1000000}

# The goal (see RESULTS.md): with 1,000,000 responses, at least 200,000 rows/s with the
# server's RSS under 100 MB throughout.
GOAL_ROWS_PER_S=200000
GOAL_RSS_MIB=100
GOAL_ROWS=1000000

require python3 psql sqlite3 curl "$pgbin/postgres"
require_involve

bench_begin survey-export
stop_cluster() {
	scripts/pg-cluster.sh stop "$tmp/pg" >/dev/null 2>&1 || true
}
bench_at_exit stop_cluster

# The export's columns, as the baseline reads them.
COLUMNS="id, submitted_at, channel, answers"
SELECT="SELECT $COLUMNS FROM survey_response WHERE survey_id = 1 AND state = 'submitted' ORDER BY id"

load_before=$(cut -d' ' -f1 /proc/loadavg)
echo "bench: making $rows responses" >&2
python3 bench/survey_import.py definition >"$tmp/survey.json"
limited 600 python3 bench/survey_import.py rows "$rows" "$tmp/responses.csv" "$tmp/unused.tsv"
rm -f "$tmp/unused.tsv"

# timed OUT COMMAND...: runs COMMAND (a pipeline ending in wc -l), its output into OUT, and
# prints the seconds it took (wall clock), or "-" when it failed.
timed() {
	local out=$1 start end
	shift
	start=$(date +%s.%N)
	if ! "$@" >"$out"; then
		echo -
		return 0
	fi
	end=$(date +%s.%N)
	awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f\n", b - a }'
}

# per_second SECONDS: rows/s.
per_second() {
	awk -v s="$1" -v n="$rows" 'BEGIN { if (s > 0) printf "%.0f\n", n / s; else print "-" }'
}

# prepare NAME DATA [--database URL]: the organisation, its administrator's token
# ($tmp/NAME.token), survey 1 and its responses imported.
prepare() {
	local name=$1 data=$2
	shift 2
	involve_prepare "$involve" "$data" "$@" >"$tmp/$name.token"
	limited 60 "$involve" survey create --org bench --file "$tmp/survey.json" --data "$data" "$@" \
		2>/dev/null | grep -q '^Created survey 1,' ||
		{ echo "bench: cannot create the survey" >&2; exit 1; }
	echo "bench: $name, importing $rows responses" >&2
	limited 1200 "$involve" survey import --org bench --survey 1 --file "$tmp/responses.csv" \
		--data "$data" "$@" >"$tmp/$name.import" 2>&1 ||
		{ cat "$tmp/$name.import" >&2; echo "bench: the import failed" >&2; exit 1; }
}

# sample PID OUT: VmRSS of PID in KiB, one line every 50 ms, until it is stopped.
sample() {
	while [ -r "/proc/$1/status" ]; do
		awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || break
		sleep 0.05
	done >"$2"
}

# cpu_of PID: its user + system clock ticks so far.
cpu_of() {
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# export NAME DATA [--database URL]: serves DATA and fetches the export; sets NAME's figures
# in $tmp/NAME.result: seconds lines sampled_peak_kib hwm_kib cpu_s mib.
export_over_http() {
	local name=$1 data=$2 token pid url sampler t0 t1 s lines peak hwm bytes
	shift 2
	token=$(cat "$tmp/$name.token")
	serve_involve "$name" "$involve" "$root" "$data" "$@"
	pid=$server_pid
	url=$server_url
	sample "$pid" "$tmp/$name.rss" &
	sampler=$!
	track "$sampler"
	echo "bench: $name, the export over HTTP" >&2
	t0=$(cpu_of "$pid")
	s=$(timed "$tmp/$name.lines" bash -c 'set -o pipefail; curl -sf --max-time 600 \
		-H "Authorization: Bearer $1" "$2/api/v1/surveys/1/export?format=csv" |
		tee >(wc -c >"$3") | wc -l' _ "$token" "$url" "$tmp/$name.bytes")
	t1=$(cpu_of "$pid")
	hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status")
	stop "$sampler"
	stop "$pid"
	lines=$(cat "$tmp/$name.lines")
	sleep 0.2 # the byte count, from tee's process substitution
	bytes=$(cat "$tmp/$name.bytes" 2>/dev/null || echo 0)
	peak=$(sort -n "$tmp/$name.rss" | tail -n1)
	echo "$s $lines ${peak:-0} ${hwm:-0} $(awk -v t=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" \
		'BEGIN { printf "%.2f", t / hz }') $(awk -v b="$bytes" 'BEGIN { printf "%.0f", b / 1048576 }')" \
		>"$tmp/$name.result"
}

# --- SQLite -----------------------------------------------------------------------------------
prepare sqlite "$tmp/sqlite"
echo "bench: SQLite, baseline" >&2
sqlite_base=$(timed "$tmp/sqlite-base.lines" bash -c 'set -o pipefail; sqlite3 -csv "$1" "$2" |
	wc -l' _ "$tmp/sqlite/involve.db" "$SELECT")
export_over_http sqlite "$tmp/sqlite"
read -r sqlite_s sqlite_lines sqlite_peak sqlite_hwm sqlite_cpu sqlite_mib <"$tmp/sqlite.result"

# --- PostgreSQL -------------------------------------------------------------------------------
# Durability stays as shipped; the memory settings are what a server of this size would get
# (as bench/pg.sh).
PG_CLUSTER_OPTIONS="-c shared_buffers=512MB -c max_wal_size=4GB -c checkpoint_timeout=15min" \
	limited 120 scripts/pg-cluster.sh start "$tmp/pg" >"$tmp/pg.env"
pg_url=$(sed -n 's/^INVOLVE_TEST_PG_URL=//p' "$tmp/pg.env")
pg_server=${pg_url%/*}
limited 60 psql -qX "$pg_url" -c 'CREATE DATABASE involve_bench'
db_url=$pg_server/involve_bench
prepare postgresql "$tmp/pgdata" --database "$db_url"
limited 600 psql -qX "$db_url" -c 'VACUUM ANALYZE survey_response'
echo "bench: PostgreSQL, baseline" >&2
pg_base=$(timed "$tmp/pg-base.lines" bash -c 'set -o pipefail; psql -qX "$1" \
	-c "\\copy ($2) TO STDOUT WITH (FORMAT csv)" | wc -l' _ "$db_url" "$SELECT")
export_over_http postgresql "$tmp/pgdata" --database "$db_url"
read -r pg_s pg_lines pg_peak pg_hwm pg_cpu pg_mib <"$tmp/postgresql.result"

# --- checks and report ------------------------------------------------------------------------
load_after=$(cut -d' ' -f1 /proc/loadavg)
[ "$sqlite_base" != - ] || failures+=("SQLite: the baseline failed")
[ "$pg_base" != - ] || failures+=("PostgreSQL: the baseline failed")
[ "$sqlite_s" != - ] || failures+=("SQLite: the export failed")
[ "$pg_s" != - ] || failures+=("PostgreSQL: the export failed")
# The header and one line per response (no answer here holds a line break).
[ "$sqlite_lines" = $((rows + 1)) ] || failures+=("SQLite: the file has $sqlite_lines lines, not $((rows + 1))")
[ "$pg_lines" = $((rows + 1)) ] || failures+=("PostgreSQL: the file has $pg_lines lines, not $((rows + 1))")

# met ROWS_PER_S PEAK_KIB: whether the goal is met.
met() {
	awk -v r="$1" -v k="$2" -v gr="$GOAL_ROWS_PER_S" -v gk="$GOAL_RSS_MIB" -v n="$rows" \
		-v g="$GOAL_ROWS" 'BEGIN {
			if (n < g) print "not measured"
			else if (r >= gr && k / 1024 < gk) print "yes"
			else print "**no**"
		}'
}

# per_cpu_second CPU_S: rows for each second of the server's CPU time, which a busy machine
# moves less than the seconds.
per_cpu_second() {
	awk -v s="$1" -v n="$rows" 'BEGIN { if (s > 0) printf "%.0f\n", n / s; else print "-" }'
}
sqlite_rps=$(per_second "$sqlite_s")
pg_rps=$(per_second "$pg_s")

report=$tmp/report.md
{
	echo
	echo "### $(date -u '+%Y-%m-%d %H:%M UTC') — survey export (CSV over HTTP); nproc $(nproc)," \
		"$rows responses"
	echo
	echo "| engine | involve s | involve rows/s | baseline s | baseline rows/s | / baseline |" \
		"file MiB | server CPU s | rows per CPU s | RSS peak sampled MiB | VmHWM MiB | goal |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
	printf '| SQLite | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$sqlite_s" \
		"$sqlite_rps" "$sqlite_base" "$(per_second "$sqlite_base")" \
		"$(ratio "$sqlite_s" "$sqlite_base")" "$sqlite_mib" "$sqlite_cpu" \
		"$(per_cpu_second "$sqlite_cpu")" "$((sqlite_peak / 1024))" "$((sqlite_hwm / 1024))" \
		"$(met "$sqlite_rps" "$sqlite_hwm")"
	printf '| PostgreSQL | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$pg_s" \
		"$pg_rps" "$pg_base" "$(per_second "$pg_base")" "$(ratio "$pg_s" "$pg_base")" \
		"$pg_mib" "$pg_cpu" "$(per_cpu_second "$pg_cpu")" "$((pg_peak / 1024))" \
		"$((pg_hwm / 1024))" "$(met "$pg_rps" "$pg_hwm")"
	echo
	echo "- Goal: at least $GOAL_ROWS_PER_S rows/s with the server's RSS under $GOAL_RSS_MIB MB" \
		"throughout (VmHWM, its peak since it started), with $GOAL_ROWS responses."
	echo "- Lines: SQLite $sqlite_lines, PostgreSQL $pg_lines (the header and $rows rows)."
	echo "- / baseline is involve's seconds over the baseline's: the database's own client" \
		"reading the same rows as CSV."
	echo "- Load average (1 min) before: $load_before, after: $load_after."
	report_problems
} >"$report"

report_append "$report"
[ "${#failures[@]}" -eq 0 ]
