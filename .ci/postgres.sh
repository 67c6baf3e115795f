#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the cluster-mode tests and exports its connection
# string in TBRMFLOW_TEST_POSTGRES. Source it (`. .ci/postgres.sh`) so the variable reaches the
# caller. Installs Debian's postgresql package when no initdb is found. The cluster lives in a temp
# directory, listens only on 127.0.0.1 (port TBRMFLOW_PG_PORT, default 54329) and is stopped when the
# sourcing shell exits.
tbrmflow_pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$tbrmflow_pg_bin" ] || [ ! -x "$tbrmflow_pg_bin/initdb" ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  tbrmflow_pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi
tbrmflow_pg_port=${TBRMFLOW_PG_PORT:-54329}
tbrmflow_pg_dir=$(mktemp -d /tmp/tbrmflow-pg.XXXXXX)
# initdb refuses to run as root: run the server as the postgres user when we are root.
tbrmflow_pg_as=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown postgres "$tbrmflow_pg_dir"
  tbrmflow_pg_as=(runuser -u postgres --)
fi
"${tbrmflow_pg_as[@]}" "$tbrmflow_pg_bin/initdb" -D "$tbrmflow_pg_dir/data" -U tbrmflow --auth=trust -E UTF8 >/dev/null
"${tbrmflow_pg_as[@]}" "$tbrmflow_pg_bin/pg_ctl" -D "$tbrmflow_pg_dir/data" -l "$tbrmflow_pg_dir/log" -w \
  -o "-h 127.0.0.1 -p $tbrmflow_pg_port -k $tbrmflow_pg_dir -c max_connections=200 -c fsync=off" start >/dev/null
"${tbrmflow_pg_as[@]}" "$tbrmflow_pg_bin/createdb" -h 127.0.0.1 -p "$tbrmflow_pg_port" -U tbrmflow tbrmflow_test
export TBRMFLOW_TEST_POSTGRES="Host=127.0.0.1;Port=$tbrmflow_pg_port;Username=tbrmflow;Database=tbrmflow_test"
trap '"${tbrmflow_pg_as[@]}" "$tbrmflow_pg_bin/pg_ctl" -D "$tbrmflow_pg_dir/data" -m immediate stop >/dev/null 2>&1; rm -rf "$tbrmflow_pg_dir"' EXIT
echo "PostgreSQL on 127.0.0.1:$tbrmflow_pg_port (data in $tbrmflow_pg_dir); TBRMFLOW_TEST_POSTGRES is set"
