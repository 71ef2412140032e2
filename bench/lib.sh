# lib.sh - what bench/run.sh and bench/pg.sh share: reading wrk's output.  Sourced, not run.

# wrk_field FILE FIELD: one figure from a wrk output (latencies in milliseconds), or "-".
#   rps, p50, p99, non2xx (responses that were not 2xx or 3xx), errors (the socket errors
#   line, empty when none), ok (2xx answers, as bench/vote.lua counts them)
wrk_field() {
	local file=$1
	if [ ! -s "$file" ]; then
		echo "-"
		return 0
	fi
	case "$2" in
	rps) awk '/^Requests\/sec:/ { print $2 }' "$file" ;;
	p50 | p99)
		awk -v q="${2#p}%" '$1 == q {
			v = $2; unit = v; sub(/[0-9.]+/, "", unit); sub(/[a-z]+$/, "", v);
			if (unit == "us") v /= 1000; else if (unit == "s") v *= 1000; else if (unit == "m") v *= 60000;
			printf "%.2f\n", v }' "$file"
		;;
	non2xx) awk '/Non-2xx or 3xx responses:/ { print $NF; found = 1 } END { if (!found) print 0 }' "$file" ;;
	errors) sed -n 's/^ *Socket errors: //p' "$file" ;;
	ok) awk '$1 == "status" && $2 == "2xx" { n = $3 } END { print n + 0 }' "$file" ;;
	esac
}

# ratio A B: A / B to two places, or "-" when either is not a number.
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && b > 0) printf "%.2f\n", a / b; else print "-" }'
}
