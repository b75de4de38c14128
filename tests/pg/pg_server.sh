#!/usr/bin/env bash
# Starts and stops a throwaway PostgreSQL 15 server for the tests: a new
# cluster (initdb) in DIR, listening on 127.0.0.1:PORT and on a Unix socket
# in DIR only. fsync is off: the tests stop and kill rapportd, never this
# server, so its own durability is not what they test, and each test makes
# a database of its own (a checkpoint's worth of syncs each);
# RAPPORT_PG_FSYNC=on keeps it on, for benchmarks. PostgreSQL
# refuses to run as root, so under root the server runs as the unprivileged
# user nobody, which owns DIR (DIR's parent must let nobody through: a
# mktemp -d directory needs chmod 711).
#   tests/pg/pg_server.sh start DIR [PORT]   # prints the server's URI
#   tests/pg/pg_server.sh stop DIR
# The URI names the database "postgres" and the superuser "rapport", which
# may create databases (each test makes its own).
set -euo pipefail

bin=${RAPPORT_PG_BIN:-/usr/lib/postgresql/15/bin}
cmd=${1:?usage: $0 start|stop DIR [PORT]}
dir=${2:?usage: $0 start|stop DIR [PORT]}

as_owner() {
  if [ "$(id -u)" = 0 ]; then
    setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"
  else
    "$@"
  fi
}

case "$cmd" in
  start)
    port=${3:-0}
    # RAPPORT_PG_FSYNC=on for benchmarks that compare durable commits.
    fsync=${RAPPORT_PG_FSYNC:-off}
    if [ "$port" = 0 ]; then
      # A free port: ask the kernel for one.
      port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    fi
    # What a killed run left behind.
    if [ -d "$dir/data" ]; then "$0" stop "$dir"; fi
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then
      chown nobody:nogroup "$dir"
      if ! as_owner test -w "$dir"; then
        echo "$0: the user nobody cannot reach $dir (a parent directory is" \
             "private); choose a directory under /tmp" >&2
        exit 1
      fi
    fi
    chmod 700 "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -U rapport --auth=trust \
      --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=300 -c shared_buffers=128MB -c fsync=$fsync -c full_page_writes=$fsync -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.max=10000" \
      start >/dev/null ||
      { cat "$dir/server.log" >&2; exit 1; }
    echo "$port" >"$dir/port"
    echo "postgresql://rapport@127.0.0.1:$port/postgres"
    ;;
  stop)
    if [ -d "$dir/data" ]; then
      as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    # A run's hundreds of test databases take long to delete: moved aside
    # at once and deleted in the background, so that nothing waits for it.
    if [ -d "$dir" ]; then
      doomed=$(mktemp -d "$dir.removed.XXXXXX")
      mv "$dir" "$doomed/"
      setsid rm -rf "$doomed" </dev/null >/dev/null 2>&1 &
    fi
    ;;
  *) echo "usage: $0 start|stop DIR [PORT]" >&2; exit 2 ;;
esac
