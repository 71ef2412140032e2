#!/usr/bin/env bash
# pg-cluster.sh - a throwaway PostgreSQL 15 cluster for tests and benchmarks.
#
#   scripts/pg-cluster.sh start DIR   creates DIR (its parent must be searchable by the
#                                     postgres user, as /tmp is), a cluster in it and starts the server on a
#                                     free port of 127.0.0.1 (and a socket in DIR/sock);
#                                     prints INVOLVE_TEST_PG_URL=postgresql://... (the database
#                                     "involve") and PGPORT=N
#   scripts/pg-cluster.sh stop DIR    stops the server and removes DIR
#
# initdb refuses to run as root, so when started as root the cluster belongs to the `postgres`
# user that Debian's package creates.  The server keeps its durability settings (fsync,
# synchronous_commit, full_page_writes); only initdb's own one-time sync is skipped.
# Extra server settings may be given in PG_CLUSTER_OPTIONS ("-c name=value ...").
set -euo pipefail

bin=/usr/lib/postgresql/15/bin
cmd=${1:-}
dir=${2:-}
if [ -z "$cmd" ] || [ -z "$dir" ]; then
	echo "usage: $0 start|stop DIR" >&2
	exit 2
fi

as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

case "$cmd" in
start)
	if [ ! -x "$bin/initdb" ]; then
		echo "pg-cluster: $bin/initdb not found (install postgresql-15)" >&2
		exit 1
	fi
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	mkdir -p "$dir/sock"
	[ "$(id -u)" -ne 0 ] || chown -R postgres: "$dir"
	# A free port: bind to port 0 and read what the kernel chose.
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
		--no-sync >"$dir/initdb.log" 2>&1 || {
		cat "$dir/initdb.log" >&2
		exit 1
	}
	# In the cluster's own configuration, so that a restart or a later `pg_ctl start` (as the
	# fault tests do) comes back on the same port and socket.
	cat >>"$dir/data/postgresql.conf" <<CONF
port = $port
unix_socket_directories = '$dir/sock'
listen_addresses = '127.0.0.1'
max_connections = 300
fsync = on
synchronous_commit = on
full_page_writes = on
CONF
	as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
		${PG_CLUSTER_OPTIONS:+-o "$PG_CLUSTER_OPTIONS"} start >/dev/null || {
		cat "$dir/server.log" >&2
		exit 1
	}
	as_owner "$bin/psql" -h "$dir/sock" -p "$port" -U postgres -d postgres -qAt \
		-c 'CREATE DATABASE involve' >/dev/null
	echo "$port" >"$dir/port"
	echo "INVOLVE_TEST_PG_URL=postgresql://postgres@127.0.0.1:$port/involve"
	echo "PGPORT=$port"
	;;
stop)
	[ -d "$dir" ] || exit 0
	if [ -f "$dir/data/postmaster.pid" ]; then
		as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null 2>&1 ||
			as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
	fi
	rm -rf "$dir"
	;;
*)
	echo "usage: $0 start|stop DIR" >&2
	exit 2
	;;
esac
