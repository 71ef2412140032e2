#!/usr/bin/env bash
# comments.sh - free text read in the product: how long `involve serve --themes-model` takes
# to read BENCH_COMMENTS_ROWS (100,000) imported responses to bench/survey_import.sh's survey
# (about four in ten answer its free-text question), on SQLite and on PostgreSQL, from the
# moment the server is ready until the survey's comments_through reaches its newest response.
#
# The baseline, in the same run: `involve themes predict` classifying the same comments from a
# CSV file (no database, no JSON): the classifier's own speed on this machine.  Reports
# seconds, comments read per second and the ratio to the baseline, and appends the table to
# bench/RESULTS.md.  The model is trained on the NEAS comments beside the repository.
#
# Environment: INVOLVE_BIN (default build-release/src/cli/involve), BENCH_COMMENTS_ROWS,
# BENCH_RESULTS (default bench/RESULTS.md; /dev/null records nothing).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=bench/lib.sh
. bench/lib.sh

rows=${BENCH_COMMENTS_ROWS:-100000}
NEAS=$root/../shared/data/feedback/neas_labelled_feedback.csv

require python3 psql sqlite3
require_involve
[ -r "$NEAS" ] || { echo "bench: $NEAS is missing" >&2; exit 1; }

bench_begin comments
stop_cluster() {
	scripts/pg-cluster.sh stop "$tmp/pg" >/dev/null 2>&1 || true
}
bench_at_exit stop_cluster

python3 bench/survey_import.py definition >"$tmp/survey.json"
limited 600 python3 bench/survey_import.py rows "$rows" "$tmp/responses.csv" "$tmp/unused.tsv"
limited 120 "$involve" themes train --data "$NEAS" --model "$tmp/model.bin" >/dev/null

# The baseline: the same comments through `themes predict`.
python3 - "$tmp/responses.csv" "$tmp/comments.csv" <<'PY'
import csv, sys
with open(sys.argv[1], newline='', encoding='utf-8-sig') as f, \
        open(sys.argv[2], 'w', newline='', encoding='utf-8') as out:
    w = csv.writer(out)
    w.writerow(['Comment ID', 'FFT answer'])
    for i, row in enumerate(csv.DictReader(f)):
        if row.get('comment', '').strip():
            w.writerow([i, row['comment']])
PY
comments=$(($(wc -l <"$tmp/comments.csv") - 1))
start=$(date +%s.%N)
limited 300 "$involve" themes predict --model "$tmp/model.bin" --data "$tmp/comments.csv" \
	--output "$tmp/predicted.csv" >/dev/null
base_s=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')

# read NAME DATA QUERY [--database URL]: imports, serves with the model, and prints the
# seconds until QUERY (the survey's comments_through) says the newest response was read.
read_all() {
	local name=$1 data=$2 query=$3 start t
	shift 3
	involve_prepare "$involve" "$data" "$@" >/dev/null
	limited 60 "$involve" survey create --org bench --file "$tmp/survey.json" --data "$data" \
		"$@" >/dev/null
	echo "bench: $name, importing $rows responses" >&2
	limited 1200 "$involve" survey import --org bench --survey 1 --file "$tmp/responses.csv" \
		--data "$data" "$@" >/dev/null
	echo "bench: $name, reading the comments" >&2
	serve_involve "$name" "$involve" "$root" "$data" --themes-model "$tmp/model.bin" "$@"
	start=$(date +%s.%N)
	for ((t = 0; t < 6000; t++)); do
		[ "$($query)" = "$rows" ] && break
		sleep 0.05
	done
	awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f\n", b - a }'
	stop "$server_pid"
}

sqlite_q() { sqlite3 "$tmp/sqlite/involve.db" 'SELECT comments_through FROM survey WHERE id = 1'; }
sqlite_s=$(read_all sqlite "$tmp/sqlite" sqlite_q)
sqlite_n=$(sqlite3 "$tmp/sqlite/involve.db" 'SELECT count(*) FROM survey_comment')

PG_CLUSTER_OPTIONS="-c shared_buffers=512MB -c max_wal_size=4GB" \
	limited 120 scripts/pg-cluster.sh start "$tmp/pg" >"$tmp/pg.env"
pg_url=$(sed -n 's/^INVOLVE_TEST_PG_URL=//p' "$tmp/pg.env")
pg_q() { psql -qAtX "$pg_url" -c 'SELECT comments_through FROM survey WHERE id = 1'; }
pg_s=$(read_all postgresql "$tmp/pg-data" pg_q --database "$pg_url")
pg_n=$(psql -qAtX "$pg_url" -c 'SELECT count(*) FROM survey_comment')

rate() { awk -v n="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print "-" }'; }
base_rate=$(rate "$comments" "$base_s")
report=$tmp/report.md
{
	echo
	echo "### $(date -u '+%Y-%m-%d %H:%M UTC') — free text read in the product; nproc $(nproc), $rows responses, $comments comments"
	echo
	echo "| | seconds | comments/s | / baseline |"
	echo "|---|---:|---:|---:|"
	echo "| baseline: themes predict on the comments as CSV | $base_s | $base_rate | 1.00 |"
	for e in sqlite pg; do
		s_var=${e}_s n_var=${e}_n
		r=$(rate "${!n_var}" "${!s_var}")
		echo "| serve --themes-model, $( [ $e = sqlite ] && echo SQLite || echo PostgreSQL) ($(printf '%s' "${!n_var}") comments written) | ${!s_var} | $r | $(awk -v a="$r" -v b="$base_rate" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }') |"
	done
	echo
	echo "- From the server being ready until comments_through reached the newest response: every response walked (its answers read as JSON), each comment's language, identifying details, themes and sentiment, and the rows written a stretch of 500 responses at a time."
	report_problems
} >"$report"
report_append "$report"
[ ${#failures[@]} -eq 0 ]
