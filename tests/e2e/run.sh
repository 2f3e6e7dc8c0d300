#!/usr/bin/env bash
# Starts hudhud on a fresh data folder and runs the browser tests (Debian chromium driven by
# playwright-core) against it. The last line is `N passed, N failed`.
#
# The server's Graph API base URL points at tests/e2e/fake-graph.mjs (started first, on its own
# port), so the inbox test's WhatsApp replies land there; the test reads what it received through
# HUDHUD_E2E_GRAPH_URL.
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${1:-$root/build/hudhud}"
data="$(mktemp -d /tmp/hudhud-e2e.XXXXXX)"
pid=""
graph_pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  [ -n "$graph_pid" ] && kill "$graph_pid" 2>/dev/null && wait "$graph_pid" 2>/dev/null
  rm -rf "$data"
}
trap cleanup EXIT

node "$root/tests/e2e/fake-graph.mjs" --port-file "$data/graph-port" &
graph_pid=$!
for _ in $(seq 100); do [ -s "$data/graph-port" ] && break; sleep 0.1; done
if [ ! -s "$data/graph-port" ]; then
  echo "e2e: the fake Graph API did not start"
  echo "0 passed, 1 failed"
  exit 1
fi
graph_url="http://127.0.0.1:$(cat "$data/graph-port")"

"$bin" serve --listen 127.0.0.1:0 --data "$data" --port-file "$data/port" \
  --log-file "$data/hudhud.log" --password-hash-cost min --web-root "$root/web/dist" \
  --graph-api-url "$graph_url" &
pid=$!
for _ in $(seq 150); do [ -s "$data/port" ] && break; sleep 0.1; done
if [ ! -s "$data/port" ]; then
  echo "e2e: the server did not start"
  echo "0 passed, 1 failed"
  exit 1
fi
HUDHUD_E2E_GRAPH_URL="$graph_url" HUDHUD_E2E_BASE_URL="http://127.0.0.1:$(cat "$data/port")" \
  node "$root/tests/e2e/run.mjs"
status=$?
if [ "$status" -ne 0 ]; then
  echo "e2e: server log tail:" >&2
  tail -n 20 "$data/hudhud.log" >&2
fi
exit "$status"
