#!/usr/bin/env bash
# survey_import.sh - importing a survey's responses from CSV: `involve survey import` of
# BENCH_IMPORT_ROWS (1,000,000) responses to a ten-question survey (single, likert, fft,
# rating, number, multiple, a grid of three rows, date, postcode, text), on SQLite and on
# PostgreSQL.
#
# In one run, so that every figure sees the same machine, and for each engine:
#   1. the baseline: the same responses, already as answers JSON, loaded by the database's own
#      bulk path into a table of survey_response's shape, indexes and reference to its survey,
#      in one durable transaction (SQLite: one prepared INSERT per row, from Python's sqlite3, WAL and
#      synchronous=FULL as involve runs it; PostgreSQL: psql's \copy);
#   2. involve: `involve survey import` of the CSV (release build), which reads, checks,
#      converts and counts every row besides writing it, into an open survey made with
#      `involve survey create`.
# Reports seconds, rows/s, the ratio to the baseline, the import's CPU time and its peak memory
# (RSS, which counts the pages of the mapped file the kernel holds), checks that the survey
# counts every row, and appends the table to bench/RESULTS.md.  Not part of `make bench`: run
# it alone, e.g.
#   INVOLVE_BIN=build-release/src/cli/involve BENCH_IMPORT_ROWS=200000 bench/survey_import.sh
#
# Environment: INVOLVE_BIN (default build-release/src/cli/involve), BENCH_IMPORT_ROWS
# (1000000), BENCH_RESULTS (default bench/RESULTS.md; /dev/null records nothing), BENCH_NOTE.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=bench/lib.sh
. bench/lib.sh

pgbin=/usr/lib/postgresql/15/bin
rows=${BENCH_IMPORT_ROWS:-1000000}

# The goal (see RESULTS.md): a million responses well under a minute on SQLite.
GOAL_SECONDS=60
GOAL_ROWS=1000000

require python3 psql /usr/bin/time "$pgbin/postgres"
require_involve

bench_begin survey-import
stop_cluster() {
	scripts/pg-cluster.sh stop "$tmp/pg" >/dev/null 2>&1 || true
}
bench_at_exit stop_cluster

load_before=$(cut -d' ' -f1 /proc/loadavg)
echo "bench: making $rows responses" >&2
python3 bench/survey_import.py definition >"$tmp/survey.json"
limited 600 python3 bench/survey_import.py rows "$rows" "$tmp/responses.csv" "$tmp/baseline.tsv"
csv_mib=$(awk -v b="$(stat -c %s "$tmp/responses.csv")" 'BEGIN { printf "%.0f", b / 1048576 }')

# seconds COMMAND...: runs it and prints the seconds it took (wall clock), or "-" when it
# failed.
seconds() {
	local start end
	start=$(date +%s.%N)
	if ! "$@" >&2; then
		echo -
		return 0
	fi
	end=$(date +%s.%N)
	awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f\n", b - a }'
}

# cpu USER SYSTEM: their sum, in seconds.
cpu() {
	awk -v u="$1" -v s="$2" 'BEGIN { printf "%.2f\n", u + s }'
}

# per_second SECONDS: rows/s.
per_second() {
	awk -v s="$1" -v n="$rows" 'BEGIN { if (s > 0) printf "%.0f\n", n / s; else print "-" }'
}

# import NAME ARGS...: `involve survey import` of the CSV into survey 1 of organisation bench,
# timed by /usr/bin/time (seconds, peak RSS, user and system CPU seconds into $tmp/NAME.time);
# its output in
# $tmp/NAME.out.
import() {
	local name=$1
	shift
	limited 1200 /usr/bin/time -f '%e %M %U %S' -o "$tmp/$name.time" "$involve" survey import \
		--org bench --survey 1 --file "$tmp/responses.csv" "$@" >"$tmp/$name.out" 2>&1 ||
		{ cat "$tmp/$name.out" >&2; failures+=("$name: the import failed"); }
}

# prepare ARGS...: the organisation and its open survey (survey 1).
prepare() {
	limited 60 "$involve" org create --slug bench --name Bench "$@" >/dev/null 2>&1
	limited 60 "$involve" survey create --org bench --file "$tmp/survey.json" "$@" 2>/dev/null |
		grep -q '^Created survey 1,' || { echo "bench: cannot create the survey" >&2; exit 1; }
}

# responses_of ARGS...: the survey's count of responses.
responses_of() {
	limited 60 "$involve" survey show --org bench --survey 1 "$@" 2>/dev/null |
		sed -n 's/^Responses: //p'
}

# --- SQLite -----------------------------------------------------------------------------------
echo "bench: SQLite, baseline" >&2
mkdir -p "$tmp/base"
prepare --data "$tmp/sqlite"
cat >"$tmp/baseline.py" <<'PY'
import sqlite3, sys
# survey_response and its indexes as the migration made them, and the survey it refers to.
schema = sqlite3.connect(sys.argv[1]).execute(
    "SELECT sql FROM sqlite_master WHERE tbl_name = 'survey_response' AND sql IS NOT NULL "
    "ORDER BY type DESC").fetchall()
db = sqlite3.connect(sys.argv[2], isolation_level=None)
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA synchronous=FULL")
db.execute("PRAGMA foreign_keys=ON")
db.execute("CREATE TABLE survey (id INTEGER PRIMARY KEY)")
db.execute("INSERT INTO survey VALUES (1)")
for (sql,) in schema:
    db.execute(sql)
def rows(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            v = line.rstrip("\n").split("\t")
            v[4] = v[4].replace("\\\\", "\\")
            yield v
db.execute("BEGIN")
db.executemany("INSERT INTO survey_response (survey_id, channel, state, version, answers, page, "
               "created_at, updated_at, submitted_at, entered_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
               "?, ?)", rows(sys.argv[3]))
db.execute("COMMIT")
PY
sqlite_base=$(seconds limited 1200 python3 "$tmp/baseline.py" "$tmp/sqlite/involve.db" \
	"$tmp/base/base.db" "$tmp/baseline.tsv")
echo "bench: SQLite, involve survey import" >&2
import sqlite --data "$tmp/sqlite"
read -r sqlite_s sqlite_kib sqlite_user sqlite_sys <"$tmp/sqlite.time"
sqlite_n=$(responses_of --data "$tmp/sqlite")

# --- PostgreSQL -------------------------------------------------------------------------------
# Durability stays as shipped; the memory settings are what a server of this size would get
# (as bench/pg.sh).
PG_CLUSTER_OPTIONS="-c shared_buffers=512MB -c max_wal_size=4GB -c checkpoint_timeout=15min" \
	limited 120 scripts/pg-cluster.sh start "$tmp/pg" >"$tmp/pg.env"
pg_url=$(sed -n 's/^INVOLVE_TEST_PG_URL=//p' "$tmp/pg.env")
pg_server=${pg_url%/*}
limited 60 psql -qX "$pg_url" -c 'CREATE DATABASE involve_bench'
db_url=$pg_server/involve_bench
prepare --data "$tmp/pgdata" --database "$db_url"
echo "bench: PostgreSQL, baseline" >&2
limited 60 psql -qX "$db_url" -c 'CREATE TABLE baseline_response (LIKE survey_response INCLUDING ALL)' \
	-c 'ALTER TABLE baseline_response ADD FOREIGN KEY (survey_id) REFERENCES survey (id)'
pg_base=$(seconds limited 1200 psql -qX "$db_url" -c "\\copy baseline_response (survey_id, \
channel, state, version, answers, page, created_at, updated_at, submitted_at, entered_by) FROM \
'$tmp/baseline.tsv'")
echo "bench: PostgreSQL, involve survey import" >&2
import postgresql --data "$tmp/pgdata" --database "$db_url"
read -r pg_s pg_kib pg_user pg_sys <"$tmp/postgresql.time"
pg_n=$(responses_of --data "$tmp/pgdata" --database "$db_url")

# --- checks and report ------------------------------------------------------------------------
load_after=$(cut -d' ' -f1 /proc/loadavg)
[ "$sqlite_base" != - ] || failures+=("SQLite: the baseline failed")
[ "$pg_base" != - ] || failures+=("PostgreSQL: the baseline failed")
[ "$sqlite_n" = "$rows" ] || failures+=("SQLite: the survey counts ${sqlite_n:-nothing} of $rows")
[ "$pg_n" = "$rows" ] || failures+=("PostgreSQL: the survey counts ${pg_n:-nothing} of $rows")
met=$(awk -v s="$sqlite_s" -v g="$GOAL_SECONDS" -v n="$rows" -v r="$GOAL_ROWS" \
	'BEGIN { print (n >= r && s < g) ? "yes" : (n < r ? "not measured" : "**no**") }')

report=$tmp/report.md
{
	echo
	echo "### $(date -u '+%Y-%m-%d %H:%M UTC') — survey import; nproc $(nproc), $rows responses" \
		"($csv_mib MiB of CSV)"
	echo
	echo "| engine | involve s | involve rows/s | baseline s | baseline rows/s | / baseline |" \
		"involve CPU s | peak RSS MiB |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|"
	printf '| SQLite | %s | %s | %s | %s | %s | %s | %s |\n' "$sqlite_s" \
		"$(per_second "$sqlite_s")" "$sqlite_base" "$(per_second "$sqlite_base")" \
		"$(ratio "$sqlite_s" "$sqlite_base")" "$(cpu "$sqlite_user" "$sqlite_sys")" \
		"$((sqlite_kib / 1024))"
	printf '| PostgreSQL (COPY) | %s | %s | %s | %s | %s | %s | %s |\n' "$pg_s" \
		"$(per_second "$pg_s")" "$pg_base" "$(per_second "$pg_base")" \
		"$(ratio "$pg_s" "$pg_base")" "$(cpu "$pg_user" "$pg_sys")" "$((pg_kib / 1024))"
	echo
	echo "- Goal: $GOAL_ROWS responses in under $GOAL_SECONDS s on SQLite: $met ($sqlite_s s)."
	echo "- Counted: SQLite $sqlite_n, PostgreSQL $pg_n of $rows."
	echo "- involve CPU s is the command's user + system time: on a busy machine it moves less" \
		"than the seconds.  PostgreSQL's own work is in the server's processes, not in it."
	echo "- Load average (1 min) before: $load_before, after: $load_after."
	report_problems
} >"$report"

report_append "$report"
[ "${#failures[@]}" -eq 0 ]
