#!/usr/bin/env bash
# Runs every suite (C++ unit, PostgreSQL, integration, browser) and ends with one line
# `N passed, N failed` summing them all. Exits non-zero when anything failed.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-build}"
cd "$root"

passed=0
failed=0
tmp="$(mktemp -d /tmp/hudhud-test.XXXXXX)"
chmod 0755 "$tmp"  # the PostgreSQL server runs as user postgres and needs to reach $tmp/pg
pgdir="$tmp/pg"
cleanup() {
  bash scripts/pg-test-server.sh stop "$pgdir" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

# A real PostgreSQL 15 for the pg-labelled tests and the multi-node integration tests.
if pg_url="$(bash scripts/pg-test-server.sh start "$pgdir")"; then
  export HUDHUD_TEST_PG_URL="$pg_url"
  echo "test: PostgreSQL at $pg_url"
else
  echo "test: could not start PostgreSQL; pg tests will fail" >&2
  failed=$((failed + 1))
fi

export HUDHUD_BINARY="$root/$build/hudhud"
# Meta's official OpenAPI spec for the conformance tests (never copied into this repository):
# ../shared/peers/specs beside the project, else the workspace's shared folder when this is a
# clone made elsewhere. Without it those tests skip with a message.
if [ -z "${HUDHUD_PEER_SPECS:-}" ]; then
  for d in "$root/../shared/peers/specs" /work/shared/peers/specs; do
    if [ -d "$d" ]; then export HUDHUD_PEER_SPECS="$d"; break; fi
  done
fi
ctest_log="$tmp/ctest.log"
ctest --test-dir "$build" --output-on-failure -j "$(nproc)" --timeout 600 2>&1 | tee "$ctest_log"
summary="$(grep -E '[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$ctest_log" | tail -n1)"
if [ -n "$summary" ]; then
  total="$(sed -E 's/.*out of ([0-9]+).*/\1/' <<<"$summary")"
  bad="$(sed -E 's/.* ([0-9]+) tests? failed.*/\1/' <<<"$summary")"
  passed=$((passed + total - bad))
  failed=$((failed + bad))
else
  echo "test: ctest printed no summary" >&2
  failed=$((failed + 1))
fi

# The dashboard's own unit tests (node's test runner).
if [ -f web/package.json ]; then
  web_log="$tmp/web.log"
  (cd web && npm test --silent) 2>&1 | tee "$web_log"
  wp="$(grep -E '^# pass [0-9]+' "$web_log" | tail -n1 | awk '{print $3}')"
  wf="$(grep -E '^# fail [0-9]+' "$web_log" | tail -n1 | awk '{print $3}')"
  if [ -n "$wp" ] && [ -n "$wf" ]; then
    passed=$((passed + wp))
    failed=$((failed + wf))
  else
    echo "test: web unit tests printed no summary" >&2
    failed=$((failed + 1))
  fi
fi

# Browser tests drive Debian's chromium against a real server on a fresh database.
if [ -f tests/e2e/run.sh ]; then
  e2e_log="$tmp/e2e.log"
  bash tests/e2e/run.sh "$root/$build/hudhud" 2>&1 | tee "$e2e_log"
  line="$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$e2e_log" | tail -n1)"
  if [ -n "$line" ]; then
    passed=$((passed + $(sed -E 's/^([0-9]+) passed.*/\1/' <<<"$line")))
    failed=$((failed + $(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")))
  else
    echo "test: browser suite printed no summary" >&2
    failed=$((failed + 1))
  fi
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
