#!/usr/bin/env bash
# fuzz.sh - builds and runs the libFuzzer targets in tests/fuzz (see tests/fuzz/README.md).
#
#   scripts/fuzz.sh build                    sets up build-fuzz (clang, -Dfuzz=true, ASan and
#                                            UBSan, coverage for libFuzzer) and builds the targets
#   scripts/fuzz.sh targets                  lists the targets, one a line
#   scripts/fuzz.sh regress [TARGET...]      runs every committed input once through its target:
#                                            tests/fuzz/regressions/<target>/ and the seed corpus
#   scripts/fuzz.sh run SECONDS [TARGET...]  fuzzes each target for SECONDS
#
# `make fuzz` is build, regress, then run $(FUZZ_SECONDS); `make check` does the same with
# FUZZ_CHECK_SECONDS.  A run starts from the committed seeds in tests/fuzz/corpus/<target>/ and
# from what earlier runs found, kept in build-fuzz/corpus/<target>/; new inputs go only there,
# so the repository's corpus changes only when someone copies an input in on purpose.  A crash
# leaves its input in build-fuzz/artifacts/<target>/ and the run's output in
# build-fuzz/logs/<target>.log.  Exit status: 0 when every target passed, 1 otherwise, 2 for
# wrong usage.
#
# Environment: FUZZ_BUILD_DIR (default build-fuzz).
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
root=$PWD
build=${FUZZ_BUILD_DIR:-build-fuzz}
# The list tests/fuzz/meson.build builds: fuzz_targets = ['request', 'json', ...]
read -r -a targets <<<"$(sed -n "s/^fuzz_targets = \[\(.*\)\]/\1/p" tests/fuzz/meson.build |
	tr -d "',")"
if [ "${#targets[@]}" -eq 0 ]; then
	echo "fuzz: no fuzz_targets list in tests/fuzz/meson.build" >&2
	exit 1
fi
setup_opts=(-Dbuildtype=debugoptimized -Db_sanitize=address,undefined -Db_lundef=false
	"-Dc_args=-fsanitize=fuzzer-no-link -fno-sanitize-recover=all" -Dfuzz=true)
# Ten seconds for one input, 2 GiB for the process: past either is a finding.
fuzz_opts=(-rss_limit_mb=2048 -timeout=10 -print_final_stats=1)

# A sanitizer report stops the run with a stack trace; leaks are looked for after every
# input that allocated more than it freed, and at exit.
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=1:detect_leaks=1:print_summary=1}
ubsan=halt_on_error=1:abort_on_error=1:print_stacktrace=1:print_summary=1
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-$ubsan}

usage() {
	echo "usage: $0 build | targets | regress [TARGET...] | run SECONDS [TARGET...]" >&2
	exit 2
}

known() {
	local t
	for t in "${targets[@]}"; do
		[ "$t" = "$1" ] && return 0
	done
	return 1
}

# The targets named on the command line, or all of them.
pick() {
	local t
	if [ "$#" -eq 0 ]; then
		chosen=("${targets[@]}")
		return
	fi
	chosen=()
	for t in "$@"; do
		known "$t" || { echo "fuzz: no target \"$t\" (targets: ${targets[*]})" >&2; exit 2; }
		chosen+=("$t")
	done
}

# The fixture's database lives in a folder of its own under $TMPDIR: in memory when /dev/shm
# can be used (the store syncs every commit, and a fuzzer commits thousands a second).
scratch=
cleanup() {
	[ -z "$scratch" ] || rm -rf "$scratch"
}
trap cleanup EXIT
use_scratch() {
	if [ -d /dev/shm ] && [ -w /dev/shm ]; then
		scratch=$(mktemp -d /dev/shm/involve-fuzz-run-XXXXXX)
	else
		scratch=$(mktemp -d "${TMPDIR:-/tmp}/involve-fuzz-run-XXXXXX")
	fi
	export TMPDIR=$scratch
}

do_build() {
	local opts="${setup_opts[*]}" t names=()

	if ! command -v clang >/dev/null 2>&1; then
		echo "fuzz: clang is not installed (scripts/install-deps.sh check installs it)" >&2
		return 1
	fi
	# Set up once; options last applied are remembered, as the Makefile does for its builds.
	if [ ! -f "$build/build.ninja" ]; then
		CC=clang meson setup "$build" "${setup_opts[@]}" ||
			CC=clang meson setup --wipe "$build" "${setup_opts[@]}" || return 1
	elif [ "$(cat "$build/.fuzz-options" 2>/dev/null)" != "$opts" ]; then
		meson configure "$build" "${setup_opts[@]}" || return 1
	fi
	echo "$opts" >"$build/.fuzz-options"
	for t in "${targets[@]}"; do
		names+=("tests/fuzz/fuzz_$t")
	done
	ninja -C "$build" "${names[@]}"
}

# regress TARGET: every committed input once.  libFuzzer runs files given by name once each
# and fails on the first that crashes.
do_regress() {
	local t=$1 files=()

	shopt -s nullglob
	files=(tests/fuzz/regressions/"$t"/* tests/fuzz/corpus/"$t"/*)
	shopt -u nullglob
	if [ "${#files[@]}" -eq 0 ]; then
		echo "fuzz_$t: no committed inputs"
		return 0
	fi
	echo "fuzz_$t: running ${#files[@]} committed inputs"
	mkdir -p "$build/artifacts/$t"
	"$build/tests/fuzz/fuzz_$t" "${fuzz_opts[@]}" -artifact_prefix="$build/artifacts/$t/" \
		"${files[@]}" >"$build/logs/$t-regress.log" 2>&1
	local rc=$?
	if [ "$rc" -ne 0 ]; then
		tail -n 60 "$build/logs/$t-regress.log"
		echo "fuzz_$t: a committed input fails (exit status $rc; log $build/logs/$t-regress.log)"
		return 1
	fi
	return 0
}

# run TARGET SECONDS
do_run() {
	local t=$1 seconds=$2 rc log="$build/logs/$t.log"

	mkdir -p "$build/corpus/$t" "$build/artifacts/$t"
	echo "fuzz_$t: fuzzing for $seconds s"
	# libFuzzer stops between inputs once the time is up; the outer timeout only catches a
	# run that stopped answering altogether.
	timeout --kill-after=10 $((seconds + 120)) "$build/tests/fuzz/fuzz_$t" "${fuzz_opts[@]}" \
		-max_total_time="$seconds" -artifact_prefix="$build/artifacts/$t/" \
		"$build/corpus/$t" "tests/fuzz/corpus/$t" >"$log" 2>&1
	rc=$?
	grep -a -E '^#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units|stat::peak_rss_mb' "$log" |
		sed "s/^/fuzz_$t: /"
	if [ "$rc" -ne 0 ]; then
		tail -n 80 "$log"
		echo "fuzz_$t: FAILED (exit status $rc); the input is in $build/artifacts/$t/, the output in $log"
		return 1
	fi
	echo "fuzz_$t: passed"
	return 0
}

[ "$#" -ge 1 ] || usage
cmd=$1
shift
case "$cmd" in
build)
	[ "$#" -eq 0 ] || usage
	do_build
	exit
	;;
targets)
	printf '%s\n' "${targets[@]}"
	exit 0
	;;
regress)
	pick "$@"
	;;
run)
	[ "$#" -ge 1 ] && [ "$1" -gt 0 ] 2>/dev/null || usage
	seconds=$1
	shift
	pick "$@"
	;;
*)
	usage
	;;
esac

for t in "${chosen[@]}"; do
	if [ ! -x "$build/tests/fuzz/fuzz_$t" ]; then
		echo "fuzz: $build/tests/fuzz/fuzz_$t is not built (scripts/fuzz.sh build)" >&2
		exit 1
	fi
done
mkdir -p "$build/logs"
use_scratch
failed=0
for t in "${chosen[@]}"; do
	if [ "$cmd" = regress ]; then
		do_regress "$t" || failed=1
	else
		do_run "$t" "$seconds" || failed=1
	fi
done
exit "$failed"
