#!/usr/bin/env bash
# pg.sh - the PostgreSQL benchmark: `make bench` runs it after bench/run.sh.
#
# In one run, so that every figure sees the same machine:
#   1. pgbench on a throwaway PostgreSQL 15 cluster (durable: fsync and synchronous_commit on),
#      64 clients: a one-row insert per transaction, and 16-row inserts: the database's own
#      limit on this machine;
#   2. SQLite mode: one involve server on SQLite, votes straight to it;
#   3. PostgreSQL mode: two involve servers sharing that PostgreSQL, behind nginx (the config
#      the cluster tests run, deploy/nginx/cluster.conf.in, with a worker per core), votes
#      through nginx.
# Votes are wrk, 64 connections, bench/vote.lua (a new browser and a new ballot per request).
# Reports votes/s, p50, p99, the PostgreSQL mode's ratio to SQLite mode, checks that the
# database counts at least every vote wrk saw accepted, and appends the table to
# bench/RESULTS.md.
#
# Environment: INVOLVE_BIN (default build-release/src/cli/involve), BENCH_DURATION (10s),
# BENCH_CONNECTIONS (64), BENCH_THREADS (2), BENCH_RESULTS (default bench/RESULTS.md;
# /dev/null records nothing), BENCH_NOTE.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=bench/lib.sh
. bench/lib.sh

involve=${INVOLVE_BIN:-$root/build-release/src/cli/involve}
duration=${BENCH_DURATION:-10s}
connections=${BENCH_CONNECTIONS:-64}
threads=${BENCH_THREADS:-2}
results_file=${BENCH_RESULTS:-$root/bench/RESULTS.md}
pgbin=/usr/lib/postgresql/15/bin

# The goals (see RESULTS.md).
GOAL_VOTES=10000
GOAL_P99_MS=50

for tool in wrk curl jq nginx psql "$pgbin/pgbench"; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "bench: $tool is missing (make bench installs it)" >&2
		exit 1
	fi
done
[ -x "$involve" ] || { echo "bench: $involve is not built" >&2; exit 1; }

tmp=$(mktemp -d /tmp/involve-pgbench.XXXXXX)
chmod 755 "$tmp"
pids=()
failures=()

cleanup() {
	local p
	for p in ${pids[@]+"${pids[@]}"}; do
		kill "$p" 2>/dev/null || true
	done
	for p in ${pids[@]+"${pids[@]}"}; do
		wait "$p" 2>/dev/null || true
	done
	[ ! -f "$tmp/nginx/nginx.pid" ] || kill "$(cat "$tmp/nginx/nginx.pid")" 2>/dev/null || true
	scripts/pg-cluster.sh stop "$tmp/pg" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_ready() {
	for _ in $(seq 100); do
		if curl -s -o /dev/null --max-time 1 "$1"; then
			return 0
		fi
		sleep 0.1
	done
	echo "bench: $1 did not answer" >&2
	return 1
}

# wrk_value FILE FIELD: wrk_field, requests/s rounded; "bad" counts answers that were not
# 2xx and socket errors.
wrk_value() {
	case "$2" in
	rps) wrk_field "$1" rps | awk '{ printf "%.0f\n", $1 }' ;;
	bad) echo $(($(wrk_field "$1" non2xx) + $([ -z "$(wrk_field "$1" errors)" ] && echo 0 || echo 1))) ;;
	*) wrk_field "$1" "$2" ;;
	esac
}

# ticks PID...: user + system CPU the processes and their children have used so far.
ticks() {
	local p sum=0 t
	for p in "$@"; do
		for t in $(pgrep -P "$p") "$p"; do
			t=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$t/stat" 2>/dev/null || echo 0)
			sum=$((sum + t))
		done
	done
	echo "$sum"
}

# us_per_vote TICKS VOTES
us_per_vote() {
	awk -v t="$1" -v n="$2" -v hz="$(getconf CLK_TCK)" 'BEGIN {
		if (n > 0) printf "%.1f\n", t * 1e6 / hz / n; else print "-" }'
}


# --- PostgreSQL ------------------------------------------------------------------------------
# Durability stays as shipped; the memory settings are what a server of this size would get.
PG_CLUSTER_OPTIONS="-c shared_buffers=512MB -c max_wal_size=4GB -c checkpoint_timeout=15min" \
	scripts/pg-cluster.sh start "$tmp/pg" >"$tmp/pg.env"
pg_url=$(sed -n 's/^INVOLVE_TEST_PG_URL=//p' "$tmp/pg.env")
pg_server=${pg_url%/*}
echo "bench: PostgreSQL at $pg_server" >&2

psql -qX "$pg_url" -c 'CREATE TABLE pgb (id bigserial PRIMARY KEY, poll bigint NOT NULL,
	voter bytea NOT NULL, cast_at bigint NOT NULL, UNIQUE (poll, voter))'
cat >"$tmp/one.sql" <<'SQL'
INSERT INTO pgb (poll, voter, cast_at) VALUES (1, decode(md5(random()::text), 'hex'), 1);
SQL
cat >"$tmp/sixteen.sql" <<'SQL'
INSERT INTO pgb (poll, voter, cast_at)
SELECT 1, decode(md5(random()::text), 'hex'), 1 FROM generate_series(1, 16);
SQL
pgbench_tps() {
	timeout 120 "$pgbin/pgbench" -n -c "$connections" -j "$threads" -T "$(tr -d s <<<"$duration")" \
		-f "$1" "$pg_url" >"$tmp/$2.pgbench" 2>&1 || { cat "$tmp/$2.pgbench" >&2; return 1; }
	awk '/^tps = / { printf "%.0f\n", $3 }' "$tmp/$2.pgbench"
}
echo "bench: pgbench, one-row inserts" >&2
tps_one=$(pgbench_tps "$tmp/one.sql" one)
echo "bench: pgbench, 16-row inserts" >&2
tps_sixteen=$(pgbench_tps "$tmp/sixteen.sql" sixteen)
psql -qX "$pg_url" -c 'DROP TABLE pgb'

# --- involve: an organisation, an administrator and a token ----------------------------------
# setup DATA [--database URL]: prints the token.
setup() {
	local data=$1
	shift
	mkdir -p "$data"
	"$involve" org create --slug bench --name Bench --data "$data" "$@" >>"$tmp/setup.log" 2>&1
	echo 'a long enough password' | "$involve" user add --org bench --email b@example.org \
		--role administrator --data "$data" "$@" >>"$tmp/setup.log" 2>&1
	"$involve" token create --org bench --user b@example.org --data "$data" "$@" \
		2>>"$tmp/setup.log" | awk 'NF { last = $NF } END { print last }'
}

# make_poll URL TOKEN: prints "POLL OPTION".
make_poll() {
	curl -s --max-time 10 -H "Authorization: Bearer $2" -H 'Content-Type: application/json' \
		--data '{"question":"How satisfied are you with access to pharmacy services?","options":["Satisfied","Not satisfied"]}' \
		"$1/api/v1/polls" | jq -r '"\(.id) \(.options[0].id)"'
}

votes() {
	echo "bench: $1: wrk -c$connections -d$duration $2" >&2
	timeout --kill-after=5 60 wrk -t"$threads" -c"$connections" -d"$duration" --latency \
		-s bench/vote.lua "$2" -- "$3" "$4" >"$tmp/$1.wrk" 2>&1
	sed 's/^/    /' "$tmp/$1.wrk" >&2
}

# --- SQLite mode ------------------------------------------------------------------------------
token=$(setup "$tmp/sqlite")
port=$(free_port)
"$involve" serve --data "$tmp/sqlite" --listen "127.0.0.1:$port" --vote-rate-limit 0 \
	--no-access-log >"$tmp/sqlite.log" 2>&1 &
pids+=($!)
sqlite_pid=$!
wait_ready "http://127.0.0.1:$port/healthz"
read -r poll option < <(make_poll "http://127.0.0.1:$port" "$token")
votes sqlite "http://127.0.0.1:$port/" "$poll" "$option"
sqlite_total=$(curl -s "http://127.0.0.1:$port/api/v1/polls/$poll/results" | jq -r .total)
kill "$sqlite_pid"
wait "$sqlite_pid" || true

# --- PostgreSQL mode: two servers behind nginx -----------------------------------------------
psql -qX "$pg_url" -c 'CREATE DATABASE involve_bench'
db_url=$pg_server/involve_bench
token=$(setup "$tmp/pgdata" --database "$db_url")
upstreams=
node_ports=()
node_pids=()
for n in 1 2; do
	port=$(free_port)
	"$involve" serve --data "$tmp/pgdata" --database "$db_url" --listen "127.0.0.1:$port" \
		--vote-rate-limit 0 --no-access-log >"$tmp/node$n.log" 2>&1 &
	pids+=($!)
	node_pids+=($!)
	node_ports+=("$port")
	upstreams+="server 127.0.0.1:$port max_fails=1 fail_timeout=5s; "
	wait_ready "http://127.0.0.1:$port/healthz"
done
lb_port=$(free_port)
# Started as root, nginx's worker runs as nobody and must reach its prefix.
mkdir -p "$tmp/nginx/tmp"
chmod 755 "$tmp/nginx"
sed -e "s|@PREFIX@|$tmp/nginx|g" -e "s|@LISTEN@|127.0.0.1:$lb_port|g" \
	-e "s|@UPSTREAMS@|$upstreams|g" -e 's|^worker_processes 1;|worker_processes auto;|' \
	deploy/nginx/cluster.conf.in >"$tmp/nginx/nginx.conf"
nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/error.log" >"$tmp/nginx.log" 2>&1 &
pids+=($!)
nginx_pid=$!
wait_ready "http://127.0.0.1:$lb_port/healthz"
read -r poll option < <(make_poll "http://127.0.0.1:$lb_port" "$token")
postmaster=$(head -n1 "$tmp/pg/data/postmaster.pid")
before_nodes=$(ticks "${node_pids[@]}")
before_nginx=$(ticks "$nginx_pid")
before_pg=$(ticks "$postmaster")
votes postgresql "http://127.0.0.1:$lb_port/" "$poll" "$option"
cpu_nodes=$(($(ticks "${node_pids[@]}") - before_nodes))
cpu_nginx=$(($(ticks "$nginx_pid") - before_nginx))
cpu_pg=$(($(ticks "$postmaster") - before_pg))
pg_total=$(psql -qAtX "$db_url" -c "SELECT count(*) FROM ballot WHERE poll_id = $poll")
pg_counter=$(psql -qAtX "$db_url" -c "SELECT ballots FROM poll WHERE id = $poll")

# --- checks and report ---------------------------------------------------------------------
sqlite_ok=$(wrk_value "$tmp/sqlite.wrk" ok)
pg_ok=$(wrk_value "$tmp/postgresql.wrk" ok)
[ "$sqlite_total" -ge "$sqlite_ok" ] || failures+=("SQLite counted $sqlite_total for $sqlite_ok accepted")
[ "$pg_total" -ge "$pg_ok" ] || failures+=("PostgreSQL holds $pg_total ballots for $pg_ok accepted")
[ "$pg_total" = "$pg_counter" ] || failures+=("PostgreSQL: $pg_total ballot rows, counter $pg_counter")
for run in sqlite postgresql; do
	bad=$(wrk_value "$tmp/$run.wrk" bad)
	[ "$bad" = 0 ] || failures+=("$run: responses that were not 2xx, or socket errors")
done
pg_rps=$(wrk_value "$tmp/postgresql.wrk" rps)
pg_p99=$(wrk_value "$tmp/postgresql.wrk" p99)
votes_met=$(awk -v a="$pg_rps" -v b="$GOAL_VOTES" 'BEGIN { print (a >= b) ? "yes" : "**no**" }')
p99_met=$(awk -v a="$pg_p99" -v b="$GOAL_P99_MS" 'BEGIN { print (a < b) ? "yes" : "**no**" }')

report=$tmp/report.md
{
	echo
	echo "### $(date -u '+%Y-%m-%d %H:%M UTC') — PostgreSQL mode; nproc $(nproc), wrk -t$threads -c$connections -d$duration"
	echo
	echo "| load | req/s | p50 ms | p99 ms | / SQLite mode |"
	echo "|---|---:|---:|---:|---:|"
	printf '| votes, SQLite mode (one server) | %s | %s | %s | 1.00 |\n' \
		"$(wrk_value "$tmp/sqlite.wrk" rps)" "$(wrk_value "$tmp/sqlite.wrk" p50)" \
		"$(wrk_value "$tmp/sqlite.wrk" p99)"
	printf '| votes, PostgreSQL mode (two servers behind nginx) | %s | %s | %s | %s |\n' \
		"$pg_rps" "$(wrk_value "$tmp/postgresql.wrk" p50)" "$pg_p99" \
		"$(ratio "$pg_rps" "$(wrk_value "$tmp/sqlite.wrk" rps)")"
	echo
	echo "- pgbench, $connections clients, durable: one-row inserts $tps_one commits/s;" \
		"16-row inserts $tps_sixteen commits/s = $((tps_sixteen * 16)) rows/s."
	echo "- CPU per vote in PostgreSQL mode (µs, user + system): both involve servers" \
		"$(us_per_vote "$cpu_nodes" "$pg_ok"), nginx $(us_per_vote "$cpu_nginx" "$pg_ok")," \
		"PostgreSQL $(us_per_vote "$cpu_pg" "$pg_ok")."
	echo "- Goals: ≥ $GOAL_VOTES durable votes/s in PostgreSQL mode: $votes_met ($pg_rps);" \
		"p99 < $GOAL_P99_MS ms: $p99_met ($pg_p99 ms)."
	echo "- Durability: PostgreSQL holds $pg_total ballots for $pg_ok votes wrk saw accepted;" \
		"SQLite counted $sqlite_total for $sqlite_ok."
	if [ -n "${BENCH_NOTE:-}" ]; then
		echo "- Note: $BENCH_NOTE"
	fi
	for f in ${failures[@]+"${failures[@]}"}; do
		echo "- **Problem:** $f"
	done
} >"$report"
echo
cat "$report"
if [ "$results_file" != /dev/null ]; then
	cat "$report" >>"$results_file"
	echo "bench: appended to ${results_file#"$root"/}" >&2
fi
[ "${#failures[@]}" -eq 0 ]
