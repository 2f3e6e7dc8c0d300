#!/usr/bin/env bash
# Foundation benchmarks (issue 2). Prints one line per figure; BENCHMARKS.md records a run.
#   bench/run.sh [build-dir]        DURATION=10s CONNECTIONS=64 to change the load
# Starts its own servers on 127.0.0.1 (and a throwaway PostgreSQL 15) and stops them after.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-build}"
bin="$root/$build/hudhud"
duration="${DURATION:-10s}"
conns="${CONNECTIONS:-64}"
tmp="$(mktemp -d /tmp/hudhud-bench.XXXXXX)"
chmod 0755 "$tmp"  # the PostgreSQL server runs as user postgres and needs to reach $tmp/pg
pids=()
cleanup() {
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
  bash "$root/scripts/pg-test-server.sh" stop "$tmp/pg" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

start_server() {  # start_server NAME [extra args...] ; sets PORT and PID
  local name="$1"; shift
  mkdir -p "$tmp/$name"
  "$bin" serve --listen 127.0.0.1:0 --data "$tmp/$name" --port-file "$tmp/$name/port" \
    --log-file "$tmp/$name/log" --log-level warn "$@" &
  PID=$!
  pids+=("$PID")
  for _ in $(seq 300); do [ -s "$tmp/$name/port" ] && break; sleep 0.02; done
  PORT="$(cat "$tmp/$name/port")"
}

setup_workspace() {  # setup_workspace PORT ; sets TOKEN and WS
  local port="$1" jar="$tmp/jar.$1"
  local out csrf
  out="$(curl -sf -c "$jar" -X POST "http://127.0.0.1:$port/api/v1/setup" \
    -d '{"workspace_name":"Bench","name":"Bench","email":"bench@example.com","password":"bench-password"}')"
  WS="$(sed -E 's/.*"workspace":\{[^}]*"id":([0-9]+).*/\1/' <<<"$out")"
  csrf="$(sed -E 's/.*"csrf_token":"([^"]+)".*/\1/' <<<"$out")"
  out="$(curl -sf -b "$jar" -H "X-CSRF-Token: $csrf" -X POST \
    "http://127.0.0.1:$port/api/v1/workspaces/$WS/api-tokens" -d '{"name":"bench"}')"
  TOKEN="$(sed -E 's/.*"token":"([^"]+)".*/\1/' <<<"$out")"
}

rps() { grep -E '^Requests/sec' | awk '{printf "%.0f", $2}'; }

# 3b. Signed WhatsApp webhook ingest (verify over raw bytes + durable commit of the raw payload,
# then 200) on the same server, ~1.3 KB deliveries each carrying a new message (WEBHOOK_COUNT
# distinct ones, then repeats); the drainer ingests them on the same cores meanwhile.
webhook_bench() {  # webhook_bench NAME PORT
  local name="$1" port="$2" jar="$tmp/jar.$2" csrf out path
  csrf="$(grep hudhud_csrf "$jar" | awk '{print $7}')"
  out="$(curl -sf -b "$jar" -H "X-CSRF-Token: $csrf" -X POST \
    "http://127.0.0.1:$port/api/v1/workspaces/$WS/inboxes" \
    -d '{"name":"Bench WA","channel_kind":"whatsapp","credentials":{"app_secret":"bench-secret","verify_token":"v","access_token":"t"}}')"
  path="$(sed -E 's#.*"webhook_url":"[a-z]+://[^/]+(/webhooks/[^"]+)".*#\1#' <<<"$out")"
  [ -s "$tmp/webhooks.txt" ] || python3 "$root/bench/gen_webhooks.py" "${WEBHOOK_COUNT:-60000}" bench-secret "$tmp/webhooks.txt"
  WEBHOOKS_FILE="$tmp/webhooks.txt" WEBHOOK_PATH="$path" \
    wrk -t2 -c"$conns" -d"$duration" -s "$root/bench/wrk/whatsapp_webhook.lua" "http://127.0.0.1:$port" >"$tmp/$name.webhook.txt"
  local w
  w="$(rps <"$tmp/$name.webhook.txt")"
  WEBHOOK_RPS="$w"
  echo "${name}_whatsapp_webhooks_per_s=$w ratio=$(awk -v a="$w" -v b="$ceiling" 'BEGIN{printf "%.1f%%", 100*a/b}') ($(grep -E 'p99|non2xx' "$tmp/$name.webhook.txt" | tr '\n' ' '))"
}

echo "hudhud benchmarks: $(nproc) cores, wrk -t2 -c$conns -d$duration, $(date -u +%Y-%m-%d)"

# 1. HTTP ceiling: a trivial inline route.
start_server ceiling
wrk -t2 -c"$conns" -d"$duration" -s "$root/bench/wrk/latency.lua" "http://127.0.0.1:$PORT/healthz" >"$tmp/ceiling.txt"
ceiling="$(rps <"$tmp/ceiling.txt")"
echo "http_ceiling_rps=$ceiling ($(grep p99 "$tmp/ceiling.txt"))"

# 2. Idle resident memory and start-up time to ready on an existing database.
sleep 1
rss_kb="$(awk '/VmRSS/ {print $2}' "/proc/$PID/status")"
echo "idle_rss_mb=$(awk -v k="$rss_kb" 'BEGIN{printf "%.1f", k/1024}')"
kill "$PID"; wait "$PID" 2>/dev/null || true
best=""
for _ in 1 2 3 4 5; do
  rm -f "$tmp/ceiling/port"
  t0=$(date +%s%N)
  "$bin" serve --listen 127.0.0.1:0 --data "$tmp/ceiling" --port-file "$tmp/ceiling/port" \
    --log-file "$tmp/ceiling/log" --log-level warn &
  p=$!
  until [ -s "$tmp/ceiling/port" ] && curl -sf "http://127.0.0.1:$(cat "$tmp/ceiling/port")/readyz" >/dev/null; do sleep 0.002; done
  t1=$(date +%s%N)
  ms=$(( (t1 - t0) / 1000000 ))
  if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
  kill "$p"; wait "$p" 2>/dev/null || true
done
echo "startup_to_ready_ms=$best (best of 5, exec until /readyz answers 200)"

# 3. Durable writes through the API with group commit: SQLite.
start_server sqlite
setup_workspace "$PORT"
TOKEN="$TOKEN" WS="$WS" wrk -t2 -c"$conns" -d"$duration" -s "$root/bench/wrk/post_contact.lua" \
  "http://127.0.0.1:$PORT" >"$tmp/sqlite.txt"
w="$(rps <"$tmp/sqlite.txt")"
echo "sqlite_durable_writes_per_s=$w ratio=$(awk -v a="$w" -v b="$ceiling" 'BEGIN{printf "%.1f%%", 100*a/b}') ($(grep -E 'p99|non2xx' "$tmp/sqlite.txt" | tr '\n' ' '))"
webhook_bench sqlite "$PORT"
kill "$PID"; wait "$PID" 2>/dev/null || true

# 3c. At a fixed rate (default: half the maximum just measured, for about 10 s, over 32
# connections): the webhook POST's latency, and the time from the POST to the message.created
# event on an agent's WebSocket. A fresh server, so the backlog of 3b does not count.
latency_bench() {  # latency_bench NAME [extra server args...]
  local name="$1"; shift
  start_server "$name" "$@"
  setup_workspace "$PORT"
  local jar="$tmp/jar.$PORT" csrf out path cookie
  csrf="$(grep hudhud_csrf "$jar" | awk '{print $7}')"
  cookie="hudhud_session=$(grep hudhud_session "$jar" | awk '{print $7}')"
  out="$(curl -sf -b "$jar" -H "X-CSRF-Token: $csrf" -X POST \
    "http://127.0.0.1:$PORT/api/v1/workspaces/$WS/inboxes" \
    -d '{"name":"Latency WA","channel_kind":"whatsapp","credentials":{"app_secret":"lat-secret","verify_token":"v","access_token":"t"}}')"
  path="$(sed -E 's#.*"webhook_url":"[a-z]+://[^/]+(/webhooks/[^"]+)".*#\1#' <<<"$out")"
  local rate="${LATENCY_RATE:-$((WEBHOOK_RPS / 2))}"
  echo "${name}: $("$root/$build/hudhud_ws_latency" --port "$PORT" --cookie "$cookie" --workspace "$WS" \
    --path "$path" --secret lat-secret --count "${LATENCY_COUNT:-$((rate * 10))}" --rate "$rate" \
    --connections 32)"
  kill "$PID"; wait "$PID" 2>/dev/null || true
}
latency_bench sqlite_latency


if pg_url="$(bash "$root/scripts/pg-test-server.sh" start "$tmp/pg")"; then
  start_server postgres --database "$pg_url"
  setup_workspace "$PORT"
  TOKEN="$TOKEN" WS="$WS" wrk -t2 -c"$conns" -d"$duration" -s "$root/bench/wrk/post_contact.lua" \
    "http://127.0.0.1:$PORT" >"$tmp/pg.txt"
  w="$(rps <"$tmp/pg.txt")"
  echo "postgres_durable_writes_per_s=$w ratio=$(awk -v a="$w" -v b="$ceiling" 'BEGIN{printf "%.1f%%", 100*a/b}') ($(grep -E 'p99|non2xx' "$tmp/pg.txt" | tr '\n' ' '))"
  webhook_bench postgres "$PORT"
  kill "$PID"; wait "$PID" 2>/dev/null || true
  psql -q "$pg_url" -c 'CREATE DATABASE hudhud_latency' >/dev/null
  latency_bench postgres_latency --database "${pg_url/\/\/\/postgres?/\/\/\/hudhud_latency?}"
else
  echo "postgres: could not start a test server"
fi
