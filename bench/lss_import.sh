#!/usr/bin/env bash
# lss_import.sh - bringing a survey across from LimeSurvey: `involve survey import-lss` of a
# BENCH_LSS_QUESTIONS (500) question survey structure file, as LimeSurvey 5 exports one
# (bench/lss_import.py: HTML texts, answer options, subquestions, thirty attributes a
# question, conditions on earlier answers; about 3.4 MB).
#
# In one run, so that every figure sees the same machine, BENCH_LSS_ROUNDS (5) rounds of:
#   1. the baseline: `xmllint --noout` of the same file, libxml2 parsing it and nothing more;
#   2. `involve survey import-lss --dry-run`: the file read, mapped, checked and reported;
#   3. `involve survey import-lss`: the same, and the draft survey kept (SQLite).
# Each is a whole process, timed from outside (/usr/bin/time: seconds, peak RSS).  Reports the
# median of each, the ratio to the baseline, checks that every question came across, and
# appends the table to bench/RESULTS.md.  Not part of `make bench`: run it alone, e.g.
#   INVOLVE_BIN=build-release/src/cli/involve bench/lss_import.sh
#
# Environment: INVOLVE_BIN (default build-release/src/cli/involve), BENCH_LSS_QUESTIONS (500),
# BENCH_LSS_ROUNDS (5), BENCH_RESULTS (default bench/RESULTS.md; /dev/null records nothing),
# BENCH_NOTE.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=bench/lib.sh
. bench/lib.sh

questions=${BENCH_LSS_QUESTIONS:-500}
lss_rounds=${BENCH_LSS_ROUNDS:-5}

# The goal (see RESULTS.md): a 500-question survey file in under a second.
GOAL_SECONDS=1
GOAL_QUESTIONS=500

require python3 xmllint /usr/bin/time
require_involve

bench_begin lss-import
load_before=$(cut -d' ' -f1 /proc/loadavg)
echo "bench: making a $questions-question survey file" >&2
limited 120 python3 bench/lss_import.py "$questions" "$tmp/survey.lss"
file_kib=$(($(stat -c %s "$tmp/survey.lss") / 1024))
limited 60 "$involve" org create --slug bench --name Bench --data "$tmp/data" >/dev/null 2>&1

# timed NAME COMMAND...: runs COMMAND, its output in $tmp/NAME.out, and appends "seconds KiB"
# to $tmp/NAME.times; a failure is a problem of the report.
timed() {
	local name=$1
	shift
	if ! limited 120 /usr/bin/time -f '%e %M' -a -o "$tmp/$name.times" "$@" \
		>"$tmp/$name.out" 2>"$tmp/$name.err"; then
		cat "$tmp/$name.err" >&2
		failures+=("$name failed")
	fi
}

for round in $(seq "$lss_rounds"); do
	echo "bench: round $round of $lss_rounds" >&2
	timed xmllint xmllint --noout "$tmp/survey.lss"
	timed dry_run "$involve" survey import-lss --dry-run --file "$tmp/survey.lss"
	timed import "$involve" survey import-lss --org bench --file "$tmp/survey.lss" \
		--data "$tmp/data"
done

# column NAME N: the Nth column of NAME's times, one a line.
column() {
	awk -v n="$2" '{ print $n }' "$tmp/$1.times"
}

# shellcheck disable=SC2046 # one value a word
base_s=$(median $(column xmllint 1))
# shellcheck disable=SC2046
dry_s=$(median $(column dry_run 1))
# shellcheck disable=SC2046
import_s=$(median $(column import 1))
# shellcheck disable=SC2046
base_kib=$(median $(column xmllint 2))
# shellcheck disable=SC2046
dry_kib=$(median $(column dry_run 2))
# shellcheck disable=SC2046
import_kib=$(median $(column import 2))
slowest=$(sort -g <(column import 1) | tail -n 1)

# Every question came across, as one involve question each.
want="$questions questions: $questions carried over, as $questions involve questions."
grep -qF "$want" "$tmp/dry_run.out" || failures+=("the dry run did not carry every question over")
grep -qF "$want" "$tmp/import.out" || failures+=("the import did not carry every question over")
grep -q '^Created survey [0-9]*, .*: a draft' "$tmp/import.out" ||
	failures+=("the import made no draft")
made=$(limited 60 "$involve" survey list --org bench --data "$tmp/data" 2>/dev/null |
	awk -F'\t' 'NR > 1 && $3 == "draft"' | wc -l)
[ "$made" = "$lss_rounds" ] || failures+=("$made drafts made in $lss_rounds rounds")
met=$(awk -v s="$import_s" -v g="$GOAL_SECONDS" -v n="$questions" -v q="$GOAL_QUESTIONS" \
	'BEGIN { print (n >= q && s < g) ? "yes" : (n < q ? "not measured" : "**no**") }')
load_after=$(cut -d' ' -f1 /proc/loadavg)

report=$tmp/report.md
{
	echo
	echo "### $(date -u '+%Y-%m-%d %H:%M UTC') — LimeSurvey import; nproc $(nproc)," \
		"$questions questions ($file_kib KiB of .lss), median of $lss_rounds"
	echo
	echo "| run | seconds | / xmllint | peak RSS MiB |"
	echo "|---|---:|---:|---:|"
	printf '| baseline: xmllint --noout | %s | 1.00 | %s |\n' "$base_s" \
		"$(awk -v k="$base_kib" 'BEGIN { printf "%.0f", k / 1024 }')"
	printf '| involve survey import-lss --dry-run | %s | %s | %s |\n' "$dry_s" \
		"$(ratio "$dry_s" "$base_s")" "$(awk -v k="$dry_kib" 'BEGIN { printf "%.0f", k / 1024 }')"
	printf '| involve survey import-lss (a draft kept, SQLite) | %s | %s | %s |\n' "$import_s" \
		"$(ratio "$import_s" "$base_s")" \
		"$(awk -v k="$import_kib" 'BEGIN { printf "%.0f", k / 1024 }')"
	echo
	echo "- Goal: a $GOAL_QUESTIONS-question survey file imported in under $GOAL_SECONDS s:" \
		"$met ($import_s s; slowest of $lss_rounds: $slowest s)."
	echo "- Each is a whole process (start, read, exit); the import also opens and migrates" \
		"the store and keeps the survey in one transaction."
	echo "- Load average (1 min) before: $load_before, after: $load_after."
	report_problems
} >"$report"

report_append "$report"
[ "${#failures[@]}" -eq 0 ]
