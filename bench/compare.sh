#!/usr/bin/env bash
# compare.sh - the current build against a previous revision, measured alternately in one run.
# `make bench BENCH_PREVIOUS=REV` runs it in place of bench/run.sh.
#
# On a shared machine a figure from one run does not compare with a figure from another, and
# one before/after pair of runs can land on a quiet and a busy minute.  So this builds REV's
# release binary and runs it beside the current one and the baseline (bench/baseline), and
# loads the three in turn, baseline → previous → current, page GETs and then votes, in each of
# BENCH_ROUNDS rounds (3).  Every figure is kept; each build is reported as a ratio of the
# baseline of its own round, and current / previous as well, with the median of each ratio over
# the rounds.  CPU time per request, the figure other work disturbs least, is compared the same
# way.
#
#   previous   REV, checked out in a throw-away git worktree under /tmp and built there as
#              `make bench` builds (meson, buildtype release, -Dtests=disabled when REV's
#              meson_options.txt has that option); web/static/nhsuk is made by REV's own
#              scripts/build-static.sh from this checkout's node_modules.  It is started from
#              its own checkout, where an older build finds web/templates and web/static.
#   current    INVOLVE_BIN (default build-release/src/cli/involve), started from this checkout.
#   loads      as bench/run.sh: wrk -t2 -c64 -dBENCH_DURATION --latency; GET is the public poll
#              page /o/bench/polls/{id} (the baseline: GET /), POST is bench/vote.lua's votes
#              (every request a new browser and a new ballot).  Each involve has its own data
#              directory, organisation and six-option poll, made by its own commands; votes
#              accumulate in it over the rounds, in both builds alike.
#
# Checks: every answer 2xx or 3xx, no socket errors, and each poll's results count at least
# every vote wrk saw accepted.  Appends the report to bench/RESULTS.md; exits 1 when a check
# failed.  Everything listens on 127.0.0.1; every step has a time limit; the servers, the
# worktree and the temporary directory are removed on exit, however it ends.
#
# Environment: BENCH_PREVIOUS (required: a revision git understands, e.g. HEAD~1 or main),
# BENCH_ROUNDS (3), and as bench/run.sh: INVOLVE_BIN, BENCH_DURATION, BENCH_CONNECTIONS,
# BENCH_THREADS, BENCH_RESULTS, BENCH_NOTE.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=bench/lib.sh
. bench/lib.sh

# Building a revision from scratch on a small, busy machine.
BUILD_SECONDS=1800

require wrk curl jq cc git meson ninja
if [ -z "${BENCH_PREVIOUS:-}" ]; then
	echo "bench: set BENCH_PREVIOUS to the revision to compare with (e.g. HEAD~1)" >&2
	exit 2
fi
if ! previous_commit=$(git rev-parse --verify --quiet "$BENCH_PREVIOUS^{commit}"); then
	echo "bench: BENCH_PREVIOUS=$BENCH_PREVIOUS is not a commit here" >&2
	exit 2
fi
require_involve
build_dir=$(cd "$(dirname "$involve")/../.." && pwd)
current_name=$(git describe --always --dirty 2>/dev/null || echo unknown)
previous_name="$(git rev-parse --short "$previous_commit") ($BENCH_PREVIOUS)"

bench_begin compare
load_before=$(cut -d' ' -f1 /proc/loadavg)

# --- the previous build, in its own worktree --------------------------------------------------
prev=$tmp/previous
remove_worktree() {
	git -C "$root" worktree remove --force "$prev" >/dev/null 2>&1 || true
	git -C "$root" worktree prune >/dev/null 2>&1 || true
}
bench_at_exit remove_worktree

# build_failed WHAT: shows the build's log and exits.
build_failed() {
	tail -n 30 "$tmp/previous-build.log" >&2
	echo "bench: $1 failed for $previous_name" >&2
	exit 1
}

echo "bench: building $previous_name in $prev" >&2
limited 120 git worktree add --detach --quiet "$prev" "$previous_commit" \
	>"$tmp/previous-build.log" 2>&1 || build_failed "git worktree add"
meson_options=(-Dbuildtype=release)
if grep -qs "option('tests'" "$prev/meson_options.txt" "$prev/meson.options"; then
	meson_options+=(-Dtests=disabled)
fi
# The static files first: a build that carries them inside it reads them while building.
if [ -x "$prev/scripts/build-static.sh" ]; then
	ln -s "$root/node_modules" "$prev/node_modules"
	limited 120 "$prev/scripts/build-static.sh" >>"$tmp/previous-build.log" 2>&1 ||
		build_failed "scripts/build-static.sh (is node_modules installed here?)"
fi
limited "$BUILD_SECONDS" meson setup "$prev/build-release" "$prev" "${meson_options[@]}" \
	>>"$tmp/previous-build.log" 2>&1 || build_failed "meson setup"
limited "$BUILD_SECONDS" ninja -C "$prev/build-release" >>"$tmp/previous-build.log" 2>&1 ||
	build_failed "the build"
prev_bin=$prev/build-release/src/cli/involve

# --- the servers: the baseline, then each involve with its own organisation and poll -----------
serve_baseline "$build_dir"
base_pid=$server_pid
base_url=$server_url

# start_involve NAME BIN DIR: starts it on its own data and opens its poll; sets NAME_pid,
# NAME_url, NAME_poll, NAME_option.  Its public page must be served: the comparison is of
# that page.
start_involve() {
	local name=$1 token pair poll status
	token=$(involve_prepare "$2" "$tmp/$name-data")
	serve_involve "$name" "$2" "$3" "$tmp/$name-data"
	pair=$(make_poll "$server_url" "$token")
	read -r poll _ <<<"$pair"
	status=$(curl -s -o /dev/null --max-time 10 -w '%{http_code}' \
		"$server_url/o/bench/polls/$poll")
	if [ "$status" != 200 ]; then
		echo "bench: $name: /o/bench/polls/$poll answered $status" >&2
		exit 1
	fi
	printf -v "${name}_token" %s "$token"
	printf -v "${name}_pid" %s "$server_pid"
	printf -v "${name}_url" %s "$server_url"
	read -r "${name}_poll" "${name}_option" <<<"$pair"
}
start_involve prev "$prev_bin" "$prev"
start_involve cur "$involve" "$root"
# Assigned through printf -v and read above.
# shellcheck disable=SC2154
{
	servers=(base prev cur)
	declare -A pid=([base]=$base_pid [prev]=$prev_pid [cur]=$cur_pid)
	declare -A get_url=([base]=$base_url/ [prev]=$prev_url/o/bench/polls/$prev_poll
		[cur]=$cur_url/o/bench/polls/$cur_poll)
	declare -A vote_args=([base]="$base_url/ 1 1" [prev]="$prev_url/ $prev_poll $prev_option"
		[cur]="$cur_url/ $cur_poll $cur_option")
	declare -A poll=([prev]=$prev_poll [cur]=$cur_poll)
	declare -A url=([prev]=$prev_url [cur]=$cur_url)
	declare -A token=([prev]=$prev_token [cur]=$cur_token)
	declare -A log=([base]=$tmp/baseline.log [prev]=$tmp/prev.log [cur]=$tmp/cur.log)
}

# --- the rounds -------------------------------------------------------------------------------
declare -A gone=()
for r in $(seq "$rounds"); do
	for load in get post; do
		for s in "${servers[@]}"; do
			# A server that died is a finding; the others carry on without it.
			[ -z "${gone[$s]:-}" ] || continue
			if ! alive "${pid[$s]}" "before ${s}_${load}_$r" "${log[$s]}"; then
				gone[$s]=1
				continue
			fi
			if [ "$load" = get ]; then
				measure "${s}_get_$r" "${pid[$s]}" "${get_url[$s]}"
			else
				# shellcheck disable=SC2086 # URL POLL OPTION, split on purpose
				measure "${s}_post_$r" "${pid[$s]}" ${vote_args[$s]}
			fi
			check_run "${s}_${load}_$r"
		done
	done
done
load_after=$(cut -d' ' -f1 /proc/loadavg)

# --- durability: every accepted vote counted --------------------------------------------------
declare -A total accepted
for s in prev cur; do
	accepted[$s]=0
	for r in $(seq "$rounds"); do
		n=$(wrk_value "${s}_post_$r" ok)
		[ "$n" = - ] || accepted[$s]=$((accepted[$s] + n))
	done
	total[$s]=$(results_total "${url[$s]}" "${poll[$s]}" "${token[$s]}")
	if ! at_least "${total[$s]:-x}" "${accepted[$s]}"; then
		failures+=("$s: the poll's results count ${total[$s]:-nothing} for ${accepted[$s]} accepted votes")
	fi
done

# --- the report -------------------------------------------------------------------------------
# rows LOAD LABEL: one row per round, then the medians.
rows() {
	local load=$1 label=$2 r b p c
	local -a pb=() cb=() cp=() cpu_cp=()
	for r in $(seq "$rounds"); do
		b=$(wrk_value "base_${load}_$r" rps)
		p=$(wrk_value "prev_${load}_$r" rps)
		c=$(wrk_value "cur_${load}_$r" rps)
		pb+=("$(ratio "$p" "$b")")
		cb+=("$(ratio "$c" "$b")")
		cp+=("$(ratio "$c" "$p")")
		cpu_cp+=("$(ratio "$(wrk_value "cur_${load}_$r" cpu)" "$(wrk_value "prev_${load}_$r" cpu)")")
		printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s / %s / %s | %s / %s / %s | %s |\n' \
			"$label" "$r" "$b" "$p" "$c" "${pb[-1]}" "${cb[-1]}" "${cp[-1]}" \
			"$(wrk_value "base_${load}_$r" p99)" "$(wrk_value "prev_${load}_$r" p99)" \
			"$(wrk_value "cur_${load}_$r" p99)" \
			"$(wrk_value "base_${load}_$r" cpu)" "$(wrk_value "prev_${load}_$r" cpu)" \
			"$(wrk_value "cur_${load}_$r" cpu)" "${cpu_cp[-1]}"
	done
	printf '| %s | **median** | | | | **%s** | **%s** | **%s** | | | **%s** |\n' "$label" \
		"$(median "${pb[@]}")" "$(median "${cb[@]}")" "$(median "${cp[@]}")" \
		"$(median "${cpu_cp[@]}")"
}

report=$tmp/report.md
{
	echo
	echo "### $(date -u '+%Y-%m-%d %H:%M UTC') — current $current_name against previous" \
		"$previous_name; nproc $(nproc), wrk -t$threads -c$connections -d$duration, $rounds rounds"
	echo
	echo "| load | round | baseline req/s | previous req/s | current req/s | previous / baseline | current / baseline | current / previous | p99 ms baseline / previous / current | CPU µs/req baseline / previous / current | CPU current / previous |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	rows get "GET poll page"
	rows post "POST vote (durable)"
	echo
	echo "- Each round loads baseline, previous, current in turn; the medians are of the" \
		"rounds' ratios. previous: \`$(git log -1 --format='%h %s' "$previous_commit")\`;" \
		"current: \`$current_name\` ($involve)."
	echo "- Durability: the previous build's poll counts ${total[prev]:-no} ballots for" \
		"${accepted[prev]} accepted votes, the current's ${total[cur]:-no} for ${accepted[cur]}."
	echo "- Load average (1 min) before: $load_before, after: $load_after."
	report_problems
} >"$report"

report_append "$report"
[ "${#failures[@]}" -eq 0 ]
