#!/usr/bin/env bash
# Server-side only: the event log's INSERTs against the raw baseline's, driven by pgbench on the
# server itself, so no Go client shares the CPU. Each run gets a fresh database with the real
# events table (the eventstore migrations, applied in order) and the benchmarks' raw table. The
# store itself sends its events with COPY, which pgbench cannot; this prices the table, not that.
# Usage: services/platform/benchmarks/testdata/pgbench/run.sh [seconds]   (PG* env picks the server)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
migrations="$here/../../../eventstore/migrations"
secs=${1:-10}
export PGHOST=${PGHOST:-127.0.0.1} PGUSER=${PGUSER:-postgres}
fresh() {
	psql -qX -d postgres -c "DROP DATABASE IF EXISTS ft_pgbench" -c "CREATE DATABASE ft_pgbench" >/dev/null 2>&1
	for m in "$migrations"/*.sql; do
		PGOPTIONS="-c familytime.runtime_role=$PGUSER" psql -qX -v ON_ERROR_STOP=1 -d ft_pgbench -f "$m"
	done
	psql -qX -d ft_pgbench -c "CREATE SEQUENCE ordered_ids" \
		-c "CREATE TABLE raw_events (position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, stream_id text NOT NULL, event_id uuid NOT NULL, payload bytea NOT NULL)"
}
run() { # script clients
	fresh
	pgbench -n -M prepared -c "$2" -j 2 -T "$secs" -f "$here/$1.sql" ft_pgbench 2>/dev/null | sed -n 's/^tps = \([0-9]*\).*/\1/p'
}
printf '%-34s %s\n' "(a) raw single-row INSERT, 16" "$(run raw_single 16) tps"
printf '%-34s %s\n' "(a) event single-row INSERT, 16" "$(run event_single 16) tps"
printf '%-34s %s\n' "(b) raw 100-row INSERT, 4" "$(run raw_batch100 4) tps (x100 rows)"
printf '%-34s %s\n' "(b) event 100-row INSERT, 4" "$(run event_batch100 4) tps (x100 rows)"
psql -qX -d postgres -c "DROP DATABASE IF EXISTS ft_pgbench" >/dev/null 2>&1
