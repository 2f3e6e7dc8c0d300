#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests, independent of any system cluster.
#
#   scripts/pg-test-server.sh start DIR   # prints the libpq URL to export as HUDHUD_TEST_PG_URL
#   scripts/pg-test-server.sh stop DIR
#   scripts/pg-test-server.sh url DIR     # prints the URL of a running server
#
# `start` creates DIR if needed (initdb on first use), listens on a Unix socket in DIR and on
# 127.0.0.1 at a free port, trusts local connections (test data only), and is quick and
# idempotent: if the server in DIR already runs it only prints its URL. Running as root, the
# server runs as the `postgres` user (PostgreSQL refuses root) and DIR is chowned to it.
# Everything but the URL goes to stderr; the server log is DIR/server.log.
set -euo pipefail

usage() {
  echo "usage: $0 start|stop|url DIR" >&2
  exit 2
}
[ $# -eq 2 ] || usage
cmd="$1"
dir="$2"

bindir=""
candidates="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV || true)"
for d in "${PG_BINDIR:-}" /usr/lib/postgresql/15/bin $candidates; do
  if [ -n "$d" ] && [ -x "$d/pg_ctl" ]; then bindir="$d"; break; fi
done
if [ -z "$bindir" ]; then
  bindir="$(dirname "$(command -v pg_ctl 2>/dev/null || echo /nonexistent/pg_ctl)")"
  [ -x "$bindir/pg_ctl" ] || { echo "pg-test-server: pg_ctl not found" >&2; exit 1; }
fi

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

url_of() {
  echo "postgresql:///postgres?host=$1&port=$(cat "$1/port")&user=postgres"
}

running() {
  [ -f "$dir/data/PG_VERSION" ] && as_owner "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

free_port() {
  # Ask the kernel for an ephemeral port nobody holds; postgres binds it right after.
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
  else
    local p
    while :; do
      p=$((20000 + RANDOM % 40000))
      (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
    done
  fi
}

case "$cmd" in
  start)
    mkdir -p "$dir"
    dir="$(cd "$dir" && pwd)"
    if running; then
      url_of "$dir"
      exit 0
    fi
    if [ "${#dir}" -gt 80 ]; then
      echo "pg-test-server: '$dir' is too long for a Unix socket path; use a shorter DIR" >&2
      exit 1
    fi
    if [ "$(id -u)" -eq 0 ]; then
      chown postgres: "$dir"
      chmod 755 "$dir"
    fi
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      rm -rf "$dir/data"
      as_owner "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 \
        --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; exit 1; }
      # fsync stays on: tests measure durable commits. The rest keeps a test server small.
      cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
max_connections = 400
shared_buffers = 128MB
log_min_messages = warning
CONF
    fi
    for attempt in 1 2 3 4 5; do
      port="$(free_port)"
      echo "$port" >"$dir/port"
      [ "$(id -u)" -eq 0 ] && chown postgres: "$dir/port"
      if as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
          -o "-p $port" start >&2; then
        url_of "$dir"
        exit 0
      fi
      echo "pg-test-server: start on port $port failed (attempt $attempt)" >&2
      tail -n 5 "$dir/server.log" >&2 || true
    done
    exit 1
    ;;
  stop)
    [ -d "$dir" ] || exit 0
    if running; then
      as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >&2
    fi
    ;;
  url)
    running || { echo "pg-test-server: no server running in $dir" >&2; exit 1; }
    url_of "$(cd "$dir" && pwd)"
    ;;
  *)
    usage
    ;;
esac
