#!/usr/bin/env bash
# Sourced by .ci/run: installs Debian's postgresql if missing, starts a
# throwaway cluster on 127.0.0.1 under a temporary directory, exports
# FEEDBACK_TEST_POSTGRES for the store and replica tests, and stops the cluster
# when the calling shell exits. Run with a command instead
# (`bash .ci/postgres.sh go run ./app/loadgen`, as `make bench` does), it runs
# the command with the cluster up and stops the cluster after it. Durability settings stay at PostgreSQL's
# defaults (fsync and synchronous_commit on): the tests and the bench measure
# what a real deployment would do.
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

if [ -z "$(pg_bin)" ] || [ ! -x "$(pg_bin)/initdb" ]; then
	apt-get update -qq
	apt-get install -y -qq postgresql >/dev/null
fi
PG_BIN="$(pg_bin)"
PG_DIR="$(mktemp -d /tmp/feedback-pg.XXXXXX)"
chown postgres:postgres "$PG_DIR"
chmod 700 "$PG_DIR"
as_postgres() { runuser -u postgres -- "$@"; }
as_postgres "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null

# The first free port from 55432 up: another cluster (or a second CI run) may
# hold one already.
PG_PORT=55432
while ! as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w -t 30 \
	-o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c max_connections=200" start >/dev/null; do
	PG_PORT=$((PG_PORT + 1))
	if [ "$PG_PORT" -gt 55532 ]; then
		cat "$PG_DIR/log" >&2
		echo "postgres: no free port" >&2
		exit 1
	fi
done
stop_postgres() {
	as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
	rm -rf "$PG_DIR"
}
trap stop_postgres EXIT
export FEEDBACK_TEST_POSTGRES="postgres://postgres@127.0.0.1:$PG_PORT/postgres?sslmode=disable"
echo "postgres: $("$PG_BIN/postgres" --version) on 127.0.0.1:$PG_PORT"

if [ "${BASH_SOURCE[0]}" = "$0" ] && [ $# -gt 0 ]; then
	"$@"
	exit $?
fi
