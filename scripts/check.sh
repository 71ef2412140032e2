#!/usr/bin/env bash
# check.sh - runs every test once and ends with one line: "N passed, N failed".
#
# `make check` builds the sanitizer build first and then runs this.  In order:
#   1. every Criterion test binary meson knows about (unit and handler tests)
#   2. node --test on tests/http/*.test.mjs   (the real server over HTTP)
#   3. node --test on tests/browser/*.test.mjs (pages in Chromium, checked with axe)
#   4. node --test on *.test.mjs in any other folder of tests/ (fault/: crash tests, ...)
#   5. every executable tests/fault/*.sh        (crash and disk-full tests)
#   6. every libFuzzer target of tests/fuzz (scripts/fuzz.sh), FUZZ_CHECK_SECONDS (10) each
# Before them it starts a throwaway PostgreSQL cluster (scripts/pg-cluster.sh) whose URL the
# tests find in INVOLVE_TEST_PG_URL, and removes it at the end, and starts the fuzzing build at
# the lowest priority, for 6. to wait for.
# The machine has two cores or so, and one test at a time leaves much of them idle: two
# Criterion binaries run at a time, two fuzz targets, and two files of a node suite, except in
# the suites whose tests measure a load they make (fault/, cluster/, hardening/).
# Each suite's own output is shown as it runs; a Criterion binary's or a fuzz target's, once it
# and those started before it have finished.  Nothing is ever skipped: a suite that cannot
# run (no node, a binary that crashed before reporting) is counted as failed, and a skipped
# test counts as failed too.  Exits 0 only when every test passed.
#
# Environment: CHECK_BUILD_DIR (default build-check), INVOLVE_BIN (default its involve),
# CHECK_NODE_TIMEOUT / CHECK_FAULT_TIMEOUT (seconds per node suite / per fault script),
# CHECK_NODE_JOBS / CHECK_UNIT_JOBS / CHECK_FUZZ_JOBS (how many node test files, Criterion
# binaries, fuzz targets run at a time: 2; 1 runs them one by one).
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
root=$PWD
build_dir=${CHECK_BUILD_DIR:-build-check}
export INVOLVE_BIN=${INVOLVE_BIN:-$root/$build_dir/src/cli/involve}
export INVOLVE_ROOT=$root
node_timeout=${CHECK_NODE_TIMEOUT:-1200}
node_jobs=${CHECK_NODE_JOBS:-2}
[ "$node_jobs" -ge 1 ] 2>/dev/null || node_jobs=1
fault_timeout=${CHECK_FAULT_TIMEOUT:-600}

# Stop at the first sanitizer report with a stack trace, and make it a failure: a report in a
# Criterion worker turns into a crashed test, one in the server into a non-zero exit status
# that the HTTP tests' stop() turns into a failed test.
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=1:detect_leaks=1:print_summary=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1:print_summary=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-print_suppressions=0}

total_passed=0
total_failed=0
report=()

tmp=$(mktemp -d)
pg_dir=
cleanup() {
	[ -z "$pg_dir" ] || scripts/pg-cluster.sh stop "$pg_dir"
	rm -rf "$tmp"
}
trap cleanup EXIT

# count SUITE PASSED FAILED: adds to the totals and to the summary printed at the end.
count() {
	total_passed=$((total_passed + $2))
	total_failed=$((total_failed + $3))
	# Not in the closing line's form, so that line stays the only one of its kind.
	report+=("$(printf '%-12s %5d tests, %5d not passed' "$1" $(($2 + $3)) "$3")")
}

heading() {
	printf '\n==== %s ====\n' "$1"
}

# --- side by side -----------------------------------------------------------------------------
# Jobs that share nothing (no port, file or database) run a few at a time, each into a log of
# its own; the logs are shown, and counted, in the order the jobs were started, each as soon as
# it and those before it have finished.
#   spawn NAME CODE   runs the shell code CODE in the background: its output into
#                     $tmp/NAME.log, its exit status, once it has finished, into $tmp/NAME.rc
#   slots N           returns once fewer than N of the jobs spawn started still run (slots 1:
#                     once all have finished)
spawned=()

spawn() {
	local name=$1 code=$2
	(
		(eval "$code") </dev/null >"$tmp/$name.log" 2>&1
		# The status last, and whole: the file's being there says the log is complete.
		echo $? >"$tmp/$name.rc.new" && mv "$tmp/$name.rc.new" "$tmp/$name.rc"
	) &
	spawned+=("$!")
}

# Which of them still run is asked of the shell's own list of jobs: process ids come round again
# within minutes here, so another process may have the id of one that has finished.
slots() {
	local pid running live
	while :; do
		running=" $(jobs -pr | tr '\n' ' ') "
		live=()
		for pid in "${spawned[@]}"; do
			if [[ $running == *" $pid "* ]]; then
				live+=("$pid")
			fi
		done
		spawned=("${live[@]}")
		[ "${#spawned[@]}" -ge "$1" ] || return 0
		wait -n "${spawned[@]}"
	done
}

# settle PREFIX N: once jobs PREFIX-0 to PREFIX-(N-1) have all finished, gives one that left no
# status (killed from outside) a failed one, so that it is shown and counted all the same.
settle() {
	local i
	for ((i = 0; i < $2; i++)); do
		if [ ! -f "$tmp/$1-$i.rc" ]; then
			echo "check: it ended without an exit status" >>"$tmp/$1-$i.log"
			echo 1 >"$tmp/$1-$i.rc"
		fi
	done
}

# --- 1. Criterion ----------------------------------------------------------------------------
# meson's own list of tests, one per line: name, timeout, then the shell-quoted command.
# CHECK_UNIT_JOBS binaries (2) run side by side: every test in them makes its own database or
# directory, and one binary alone keeps at most one core busy (the PostgreSQL store's mostly
# waits for the server).
run_criterion() {
	local list="$tmp/tests.txt" jobs=${CHECK_UNIT_JOBS:-2} names=() shown=0 tp=0 tf=0
	local name timeout cmd i

	heading "unit tests (Criterion, $build_dir)"
	if ! meson introspect "$build_dir" --tests >"$tmp/tests.json" 2>"$tmp/introspect.err"; then
		cat "$tmp/introspect.err"
		echo "check: cannot list the tests of $build_dir (has it been built?)"
		count unit 0 1
		return
	fi
	if ! python3 - "$tmp/tests.json" >"$list" <<'EOF'; then
import json, shlex, sys
for t in json.load(open(sys.argv[1])):
    env = ['%s=%s' % kv for kv in sorted((t.get('env') or {}).items())]
    cmd = (['env'] + env if env else []) + t['cmd']
    print('%s\t%s\t%s' % (t['name'], int(t.get('timeout') or 300), shlex.join(cmd)))
EOF
		echo "check: cannot read meson's test list"
		count unit 0 1
		return
	fi

	[ "$jobs" -ge 1 ] 2>/dev/null || jobs=1
	while IFS=$'\t' read -r name timeout cmd; do
		[ -n "$name" ] || continue
		[ "$timeout" -gt 0 ] 2>/dev/null || timeout=300
		slots "$jobs"
		show_unit
		i=${#names[@]}
		names+=("$name")
		# --verbose lists every test, and prints [SKIP] for skipped ones, which count as
		# failed.  Criterion writes its report to stderr.
		spawn "unit-$i" "timeout --kill-after=10 $timeout $cmd --color=never --verbose"
	done <"$list"
	slots 1
	settle unit "${#names[@]}"
	show_unit
	count unit "$tp" "$tf"
}

# Shows and counts the logs of run_criterion's binaries that have finished, from the first not
# shown yet up to the first still running.
show_unit() {
	local name out rc synth t p f warn skip

	while [ "$shown" -lt "${#names[@]}" ] && [ -f "$tmp/unit-$shown.rc" ]; do
		name=${names[shown]}
		out="$tmp/unit-$shown.log"
		rc=$(cat "$tmp/unit-$shown.rc")
		shown=$((shown + 1))
		echo "---- $name"
		cat "$out"
		synth=$(grep -a 'Synthesis: Tested:' "$out" | tail -n 1)
		if [ -z "$synth" ]; then
			echo "check: $name crashed or printed no Criterion synthesis (exit status $rc)"
			tf=$((tf + 1))
			continue
		fi
		t=$(sed -E 's/.*Tested: *([0-9]+).*/\1/' <<<"$synth")
		p=$(sed -E 's/.*Passing: *([0-9]+).*/\1/' <<<"$synth")
		# A leak found when a test's worker exits is reported as a warning, not a failure.
		warn=$(grep -ac 'crashed during its setup or teardown' "$out")
		skip=$(grep -ac '^\[SKIP\]' "$out")
		[ "$warn" -le "$p" ] || warn=$p
		p=$((p - warn))
		f=$((t - p + skip))
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			echo "check: $name exited with status $rc although every test passed"
			f=1
		fi
		tp=$((tp + p))
		tf=$((tf + f))
	done
}

# --- 2, 3, 4. node --test -----------------------------------------------------------------------
# Files are listed explicitly: given a directory, Node 18 and Node 20 pick files differently.
# run_node_suite SUITE DIR [JOBS]: JOBS files at a time (1 unless given).
run_node_suite() {
	local suite=$1 dir=$2 jobs=${3:-1} files tap opts rc line tests pass f

	heading "$suite tests (node --test $dir)"
	shopt -s nullglob
	files=("$dir"/*.test.mjs)
	shopt -u nullglob
	if [ "${#files[@]}" -eq 0 ]; then
		echo "no test files in $dir"
		count "$suite" 0 0
		return
	fi
	# Several at a time, the largest first: the files that take longest are among the largest,
	# and one started last would run on alone at the end.
	if [ "$jobs" -gt 1 ]; then
		mapfile -t files < <(ls -S -d -- "${files[@]}")
	fi
	if ! command -v node >/dev/null 2>&1; then
		echo "check: node is not installed; every file in $dir counts as failed"
		count "$suite" 0 "${#files[@]}"
		return
	fi

	# Two reporters: the readable one to the screen, TAP to a file for counting.
	tap="$tmp/${suite//\//_}.tap"
	opts=(--test --test-reporter=spec --test-reporter-destination=stdout
		--test-reporter=tap --test-reporter-destination="$tap")
	# Each file starts servers and browsers of its own, on ports the kernel hands out, with
	# data directories and databases of their own; the machine is small, so a few at a time.
	if node --help 2>/dev/null | grep -q -- '--test-concurrency'; then
		opts+=(--test-concurrency="$jobs")
	fi
	timeout --kill-after=10 "$node_timeout" node "${opts[@]}" "${files[@]}" </dev/null
	rc=$?

	tests=$(grep -a -E '^# tests [0-9]+' "$tap" 2>/dev/null | tail -n 1 | awk '{print $3}')
	pass=$(grep -a -E '^# pass [0-9]+' "$tap" 2>/dev/null | tail -n 1 | awk '{print $3}')
	if [ -z "$tests" ] || [ -z "$pass" ]; then
		echo "check: node --test printed no totals for $dir (exit status $rc)"
		count "$suite" 0 "${#files[@]}"
		return
	fi
	# Everything that did not pass failed: fail, cancelled, skipped and todo alike.
	f=$((tests - pass))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
			echo "check: $suite tests did not finish within $node_timeout s"
		else
			echo "check: node --test exited with status $rc although every test passed"
		fi
		f=1
	fi
	count "$suite" "$pass" "$f"
}

# --- 5. fault scripts ------------------------------------------------------------------------
# A script may print its own "N passed, N failed" line (the last one counts); otherwise it is
# one test, passed when it exits 0.
run_fault() {
	local script out rc line p f tp=0 tf=0 any=0

	heading "fault scripts (tests/fault/*.sh)"
	for script in tests/fault/*.sh; do
		if [ ! -f "$script" ] || [ ! -x "$script" ]; then
			continue
		fi
		any=1
		out="$tmp/fault-$(basename "$script").log"
		echo "---- $script"
		timeout --kill-after=10 "$fault_timeout" "$script" </dev/null 2>&1 | tee "$out"
		rc=${PIPESTATUS[0]}
		line=$(grep -a -E '^([A-Za-z]+: )?[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
		if [ -n "$line" ]; then
			p=$(sed -E 's/^([A-Za-z]+: )?([0-9]+) passed.*/\2/' <<<"$line")
			f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
			if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
				echo "check: $script exited with status $rc although it reported no failure"
				f=1
			fi
		elif [ "$rc" -eq 0 ]; then
			p=1
			f=0
		else
			echo "check: $script exited with status $rc"
			p=0
			f=1
		fi
		tp=$((tp + p))
		tf=$((tf + f))
	done
	[ "$any" -eq 1 ] || echo "no executable scripts in tests/fault"
	count fault-sh "$tp" "$tf"
}

# --- 6. fuzzing -------------------------------------------------------------------------------
# The libFuzzer targets of tests/fuzz in their own clang build, build-fuzz.  Each target is one
# test: passed when every committed input (its regressions and seeds) still passes and a run of
# FUZZ_CHECK_SECONDS finds nothing.  A build that fails fails every target.
run_fuzz() {
	local seconds=${FUZZ_CHECK_SECONDS:-10} jobs=${CHECK_FUZZ_JOBS:-2} i tp=0 tf=0 shown=0
	local targets=()

	heading "fuzzing (scripts/fuzz.sh, $seconds s a target)"
	mapfile -t targets < <(scripts/fuzz.sh targets)
	[ "${#targets[@]}" -gt 0 ] || targets=(unknown) # a broken script still counts
	if ! wait_fuzz_build; then
		echo "check: the fuzzing build failed"
		count fuzz 0 "${#targets[@]}"
		return
	fi
	# CHECK_FUZZ_JOBS targets (2) side by side: a target's corpus, findings and logs are its
	# own, and a fuzzer keeps one core busy, so on as many cores each gets the time it would
	# have alone.
	[ "$jobs" -ge 1 ] 2>/dev/null || jobs=1
	for i in "${!targets[@]}"; do
		slots "$jobs"
		show_fuzz
		spawn "fuzz-$i" "scripts/fuzz.sh regress $(printf '%q' "${targets[i]}") &&
			scripts/fuzz.sh run $seconds $(printf '%q' "${targets[i]}")"
	done
	slots 1
	settle fuzz "${#targets[@]}"
	show_fuzz
	count fuzz "$tp" "$tf"
}

# The fuzzing build (scripts/fuzz.sh build: clang, every target) starts before the tests, at the
# lowest priority, and run_fuzz waits for it: made from nothing it takes minutes of both cores,
# and at that priority it takes only what the tests leave idle, which is much (a test file
# waits for its server, its browser, its database).
start_fuzz_build() {
	(nice -n 19 scripts/fuzz.sh build </dev/null >"$tmp/fuzz-build.log" 2>&1) &
	fuzz_build=$!
}

# Waits for the fuzzing build and shows its output; its exit status.
wait_fuzz_build() {
	local rc
	wait "$fuzz_build"
	rc=$?
	cat "$tmp/fuzz-build.log"
	return "$rc"
}

# Shows and counts run_fuzz's targets that have finished, from the first not shown yet up to the
# first still running.
show_fuzz() {
	while [ "$shown" -lt "${#targets[@]}" ] && [ -f "$tmp/fuzz-$shown.rc" ]; do
		cat "$tmp/fuzz-$shown.log"
		if [ "$(cat "$tmp/fuzz-$shown.rc")" -eq 0 ]; then
			tp=$((tp + 1))
		else
			tf=$((tf + 1))
		fi
		shown=$((shown + 1))
	done
}

# One throwaway PostgreSQL cluster for every suite: each test makes its own database in it.  A
# cluster that does not start leaves INVOLVE_TEST_PG_URL unset, so the PostgreSQL tests fail.
heading "PostgreSQL for the tests"
pg_dir=$(mktemp -d /tmp/involve-pg-XXXXXX)
if pg_env=$(scripts/pg-cluster.sh start "$pg_dir"); then
	export INVOLVE_TEST_PG_URL=$(sed -n 's/^INVOLVE_TEST_PG_URL=//p' <<<"$pg_env")
	echo "cluster at $INVOLVE_TEST_PG_URL"
else
	echo "check: the PostgreSQL cluster did not start"
	count postgresql 0 1
fi

start_fuzz_build
run_criterion
run_node_suite http tests/http "$node_jobs"
INVOLVE_TEST_CLUSTER=1 run_node_suite http-cluster tests/http "$node_jobs"
run_node_suite browser tests/browser "$node_jobs"
# Any other folder with node tests runs too, so a new folder cannot be forgotten here.  The
# crash, scale-out and hardening tests run one file at a time: they measure what a server does
# under a load they make themselves (kill -9 during votes, a node lost under load, floods of
# connections, a low open-file limit, a full disk), which another file's load would change.
while IFS= read -r dir; do
	case "$dir" in
	tests/http | tests/browser | tests/lib | tests/unit | tests/unit/*) ;;
	tests/fault | tests/cluster | tests/hardening) run_node_suite "${dir#tests/}" "$dir" 1 ;;
	*) run_node_suite "${dir#tests/}" "$dir" "$node_jobs" ;;
	esac
done < <(find tests -name '*.test.mjs' -not -path '*/node_modules/*' -printf '%h\n' | sort -u)
run_fault
run_fuzz

heading summary
printf '%s\n' "${report[@]}"
echo
echo "$total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ]
