#!/usr/bin/env bash
# Shared-inbox benchmarks (issue 4). Prints one line per figure; BENCHMARKS.md records a run.
#   bench/inbox_bench.sh [build-dir]
# Sizes and load from the environment (defaults are the issue's full scale):
#   CONVERSATIONS=1000000 MESSAGES=10000000 [CONTACTS=3/4 of CONVERSATIONS]
#   REQUESTS=2000 (per latency figure) LATENCY_CONNECTIONS=2 FIGURES=list,messages,search
#   WS_CONNECTIONS=10000 WS_EVENTS=5   BACKENDS="sqlite postgres"   GEN_THREADS=1
#   KEEP=1 keeps the generated databases (and prints where) instead of deleting them.
# For each backend: starts a throwaway server on an empty database (PostgreSQL: a throwaway
# PostgreSQL 15 from scripts/pg-test-server.sh), does the first-run set-up and creates an API
# token and four inboxes through the API, stops it, fills the database with
# hudhud_gen_inbox_data, starts the server again and runs hudhud_inbox_latency and
# hudhud_ws_fanout against it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-build}"
bin="$root/$build/hudhud"
for t in hudhud hudhud_gen_inbox_data hudhud_inbox_latency hudhud_ws_fanout; do
  [ -x "$root/$build/$t" ] || { echo "missing $build/$t: ninja -C $build $t" >&2; exit 1; }
done
conversations="${CONVERSATIONS:-1000000}"
messages="${MESSAGES:-10000000}"
requests="${REQUESTS:-2000}"
ws_connections="${WS_CONNECTIONS:-10000}"
tmp="$(mktemp -d /tmp/hudhud-inbox-bench.XXXXXX)"
chmod 0755 "$tmp"  # the PostgreSQL server runs as user postgres and needs to reach $tmp/pg
# The server holds one descriptor per WebSocket: raise the soft limit to the hard one.
ulimit -n "$(ulimit -Hn)"
pids=()
cleanup() {
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
  if [ -n "${KEEP:-}" ]; then
    echo "kept: $tmp (PostgreSQL: bash scripts/pg-test-server.sh stop $tmp/pg when done)" >&2
    return
  fi
  bash "$root/scripts/pg-test-server.sh" stop "$tmp/pg" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

start_server() {  # start_server NAME [extra args...] ; sets PORT and PID
  local name="$1"; shift
  mkdir -p "$tmp/$name"
  rm -f "$tmp/$name/port"
  "$bin" serve --listen 127.0.0.1:0 --data "$tmp/$name" --port-file "$tmp/$name/port" \
    --log-file "$tmp/$name/log" --log-level warn "$@" &
  PID=$!
  pids+=("$PID")
  for _ in $(seq 3000); do [ -s "$tmp/$name/port" ] && break; sleep 0.02; done
  PORT="$(cat "$tmp/$name/port")"
  until curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null; do sleep 0.05; done
}
stop_server() { kill "$PID"; wait "$PID" 2>/dev/null || true; }

setup_workspace() {  # setup_workspace PORT ; sets TOKEN and WS, creates the inboxes
  local port="$1" jar="$tmp/jar.$1" out csrf i
  out="$(curl -sf -c "$jar" -X POST "http://127.0.0.1:$port/api/v1/setup" \
    -d '{"workspace_name":"Inbox Bench","name":"Bench Agent","email":"bench@example.com","password":"bench-password"}')"
  WS="$(sed -E 's/.*"workspace":\{[^}]*"id":([0-9]+).*/\1/' <<<"$out")"
  csrf="$(sed -E 's/.*"csrf_token":"([^"]+)".*/\1/' <<<"$out")"
  out="$(curl -sf -b "$jar" -H "X-CSRF-Token: $csrf" -X POST \
    "http://127.0.0.1:$port/api/v1/workspaces/$WS/api-tokens" -d '{"name":"bench"}')"
  TOKEN="$(sed -E 's/.*"token":"([^"]+)".*/\1/' <<<"$out")"
  for i in 1 2 3; do
    curl -sf -H "Authorization: Bearer $TOKEN" -X POST \
      "http://127.0.0.1:$port/api/v1/workspaces/$WS/inboxes" \
      -d "{\"name\":\"WhatsApp $i\",\"channel_kind\":\"whatsapp\",\"settings\":{\"phone_number_id\":\"10000000000000$i\"},\"credentials\":{\"app_secret\":\"s$i\",\"verify_token\":\"v\",\"access_token\":\"t\"}}" >/dev/null
  done
  curl -sf -H "Authorization: Bearer $TOKEN" -X POST \
    "http://127.0.0.1:$port/api/v1/workspaces/$WS/inboxes" -d '{"name":"API","channel_kind":"api"}' >/dev/null
}

run_backend() {  # run_backend NAME DATABASE_URL
  local name="$1" url="$2" gen range
  start_server "$name" --database "$url"
  setup_workspace "$PORT"
  stop_server
  gen="$("$root/$build/hudhud_gen_inbox_data" --database "$url" --workspace "$WS" \
    --conversations "$conversations" --messages "$messages" ${CONTACTS:+--contacts "$CONTACTS"} \
    --threads "${GEN_THREADS:-1}" 2>"$tmp/$name.gen.log")" || { cat "$tmp/$name.gen.log" >&2; exit 1; }
  echo "${name}_generate: $gen"
  range="$(sed -E 's/.*conversations=([0-9]+\.\.[0-9]+).*/\1/' <<<"$gen")"
  start_server "$name" --database "$url"
  "$root/$build/hudhud_inbox_latency" --port "$PORT" --token "$TOKEN" --workspace "$WS" \
    --requests "$requests" --connections "${LATENCY_CONNECTIONS:-2}" --conversations "$range" \
    ${FIGURES:+--figures "$FIGURES"} ${VERBOSE:+--verbose 1} | sed "s/^/${name}_/"
  "$root/$build/hudhud_ws_fanout" --port "$PORT" --token "$TOKEN" --workspace "$WS" --pid "$PID" \
    --connections "$ws_connections" --events "${WS_EVENTS:-5}" | sed "s/^/${name}_/" || true
  if [ -n "${KEEP:-}" ]; then echo "${name}: database $url, token $TOKEN, workspace $WS" >&2; fi
  stop_server
}

echo "hudhud inbox benchmarks: $(nproc) cores, $conversations conversations, $messages messages, $(date -u +%Y-%m-%dT%H:%MZ)"
for backend in ${BACKENDS:-sqlite postgres}; do
  case "$backend" in
    sqlite) run_backend sqlite "sqlite:$tmp/sqlite/hudhud.db" ;;
    postgres)
      if pg_url="$(bash "$root/scripts/pg-test-server.sh" start "$tmp/pg")"; then
        psql -q "$pg_url" -c 'CREATE DATABASE hudhud_inbox' >/dev/null
        run_backend postgres "${pg_url/\/\/\/postgres?/\/\/\/hudhud_inbox?}"
      else
        echo "postgres: could not start a test server"
      fi ;;
  esac
done
