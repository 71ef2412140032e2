#!/usr/bin/env bash
# pg.sh - the PostgreSQL benchmark: `make bench` runs it last.
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

pgbin=/usr/lib/postgresql/15/bin

# The goals (see RESULTS.md).
GOAL_VOTES=10000
GOAL_P99_MS=50

require wrk curl jq nginx psql "$pgbin/pgbench"
require_involve

bench_begin pgbench
stop_cluster() {
	scripts/pg-cluster.sh stop "$tmp/pg" >/dev/null 2>&1 || true
}
bench_at_exit stop_cluster

# rps NAME: requests/s of the run NAME, rounded.
rps() {
	wrk_value "$1" rps | awk '{ printf "%.0f\n", $1 }'
}

# us_per_vote TICKS VOTES
us_per_vote() {
	awk -v t="$1" -v n="$2" -v hz="$(getconf CLK_TCK)" 'BEGIN {
		if (n > 0) printf "%.1f\n", t * 1e6 / hz / n; else print "-" }'
}

# --- PostgreSQL ------------------------------------------------------------------------------
# Durability stays as shipped; the memory settings are what a server of this size would get.
PG_CLUSTER_OPTIONS="-c shared_buffers=512MB -c max_wal_size=4GB -c checkpoint_timeout=15min" \
	limited 120 scripts/pg-cluster.sh start "$tmp/pg" >"$tmp/pg.env"
pg_url=$(sed -n 's/^INVOLVE_TEST_PG_URL=//p' "$tmp/pg.env")
pg_server=${pg_url%/*}
echo "bench: PostgreSQL at $pg_server" >&2

limited 60 psql -qX "$pg_url" -c 'CREATE TABLE pgb (id bigserial PRIMARY KEY, poll bigint NOT NULL,
	voter bytea NOT NULL, cast_at bigint NOT NULL, UNIQUE (poll, voter))'
cat >"$tmp/one.sql" <<'SQL'
INSERT INTO pgb (poll, voter, cast_at) VALUES (1, decode(md5(random()::text), 'hex'), 1);
SQL
cat >"$tmp/sixteen.sql" <<'SQL'
INSERT INTO pgb (poll, voter, cast_at)
SELECT 1, decode(md5(random()::text), 'hex'), 1 FROM generate_series(1, 16);
SQL
pgbench_tps() {
	limited 120 "$pgbin/pgbench" -n -c "$connections" -j "$threads" -T "$(tr -d s <<<"$duration")" \
		-f "$1" "$pg_url" >"$tmp/$2.pgbench" 2>&1 || { cat "$tmp/$2.pgbench" >&2; return 1; }
	awk '/^tps = / { printf "%.0f\n", $3 }' "$tmp/$2.pgbench"
}
echo "bench: pgbench, one-row inserts" >&2
tps_one=$(pgbench_tps "$tmp/one.sql" one)
echo "bench: pgbench, 16-row inserts" >&2
tps_sixteen=$(pgbench_tps "$tmp/sixteen.sql" sixteen)
limited 60 psql -qX "$pg_url" -c 'DROP TABLE pgb'

# --- SQLite mode ------------------------------------------------------------------------------
token=$(involve_prepare "$involve" "$tmp/sqlite")
serve_involve sqlite "$involve" "$root" "$tmp/sqlite"
sqlite_pid=$server_pid
sqlite_url=$server_url
pair=$(make_poll "$sqlite_url" "$token")
read -r poll option <<<"$pair"
measure sqlite "$sqlite_pid" "$sqlite_url/" "$poll" "$option"
sqlite_total=$(results_total "$sqlite_url" "$poll" "$token")
stop "$sqlite_pid"

# --- PostgreSQL mode: two servers behind nginx -----------------------------------------------
limited 60 psql -qX "$pg_url" -c 'CREATE DATABASE involve_bench'
db_url=$pg_server/involve_bench
token=$(involve_prepare "$involve" "$tmp/pgdata" --database "$db_url")
upstreams=
node_pids=()
for n in 1 2; do
	serve_involve "node$n" "$involve" "$root" "$tmp/pgdata" --database "$db_url"
	node_pids+=("$server_pid")
	upstreams+="server ${server_url#http://} max_fails=1 fail_timeout=5s; "
done
# Started as root, nginx's worker runs as nobody and must reach its prefix.
mkdir -p "$tmp/nginx/tmp"
chmod 755 "$tmp/nginx"
sed -e "s|@PREFIX@|$tmp/nginx|g" -e "s|@UPSTREAMS@|$upstreams|g" \
	-e 's|^worker_processes 1;|worker_processes auto;|' \
	deploy/nginx/cluster.conf.in >"$tmp/nginx/nginx.conf.in"
# The port is filled in when nginx is started (serve's {port}).
# shellcheck disable=SC2016 # expanded by the inner shell
serve nginx "$tmp/nginx" /healthz bash -c 'sed "s|@LISTEN@|127.0.0.1:$1|g" nginx.conf.in \
	>nginx.conf && exec nginx -p "$PWD" -c "$PWD/nginx.conf" -e "$PWD/error.log"' nginx "{port}"
nginx_pid=$server_pid
lb_url=$server_url
pair=$(make_poll "$lb_url" "$token")
read -r poll option <<<"$pair"
postmaster=$(head -n1 "$tmp/pg/data/postmaster.pid")
before_nodes=$(cpu_ticks "${node_pids[@]}")
before_nginx=$(cpu_ticks "$nginx_pid")
before_pg=$(cpu_ticks "$postmaster")
measure postgresql "$nginx_pid" "$lb_url/" "$poll" "$option"
cpu_nodes=$(($(cpu_ticks "${node_pids[@]}") - before_nodes))
cpu_nginx=$(($(cpu_ticks "$nginx_pid") - before_nginx))
cpu_pg=$(($(cpu_ticks "$postmaster") - before_pg))
pg_total=$(limited 60 psql -qAtX "$db_url" -c "SELECT count(*) FROM ballot WHERE poll_id = $poll")
pg_counter=$(limited 60 psql -qAtX "$db_url" -c "SELECT ballots FROM poll WHERE id = $poll")

# --- checks and report ---------------------------------------------------------------------
sqlite_ok=$(wrk_value sqlite ok)
pg_ok=$(wrk_value postgresql ok)
at_least "${sqlite_total:-x}" "$sqlite_ok" ||
	failures+=("SQLite counted ${sqlite_total:-nothing} for $sqlite_ok accepted")
at_least "$pg_total" "$pg_ok" || failures+=("PostgreSQL holds $pg_total ballots for $pg_ok accepted")
[ "$pg_total" = "$pg_counter" ] || failures+=("PostgreSQL: $pg_total ballot rows, counter $pg_counter")
check_run sqlite
check_run postgresql
pg_rps=$(rps postgresql)
pg_p99=$(wrk_value postgresql p99)
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
		"$(rps sqlite)" "$(wrk_value sqlite p50)" "$(wrk_value sqlite p99)"
	printf '| votes, PostgreSQL mode (two servers behind nginx) | %s | %s | %s | %s |\n' \
		"$pg_rps" "$(wrk_value postgresql p50)" "$pg_p99" "$(ratio "$pg_rps" "$(rps sqlite)")"
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
	report_problems
} >"$report"

report_append "$report"
[ "${#failures[@]}" -eq 0 ]
