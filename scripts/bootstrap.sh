#!/usr/bin/env bash
# Installs what Hudhud needs to build, test and run on Debian 12, idempotently.
# Quick when nothing is missing: it asks dpkg first and calls apt only for what is absent.
set -euo pipefail

DEBS=(
  build-essential cmake ninja-build pkg-config git ca-certificates curl
  libboost-dev libssl-dev libcurl4-openssl-dev
  libsqlite3-dev libpq-dev postgresql postgresql-contrib
  libsodium-dev libicu-dev libphonenumber-dev libstemmer-dev libhnswlib-dev
  libspdlog-dev libfmt-dev libcli11-dev libsimdjson-dev nlohmann-json3-dev libtomlplusplus-dev
  libgtest-dev libgmock-dev libbenchmark-dev libpoppler-cpp-dev
  nodejs npm chromium wrk
  python3-yaml
)

missing=()
for p in "${DEBS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    # nodejs/npm may come from elsewhere on a developer machine; a working binary is enough.
    case "$p" in
      nodejs) command -v node >/dev/null 2>&1 && continue ;;
      npm) command -v npm >/dev/null 2>&1 && continue ;;
    esac
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "bootstrap: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages, only when a package.json or lock file changed: web/ (front end and browser tests)
# and tests/peers/ (pinned test peers such as Prism for the conformance tests).
root="$(cd "$(dirname "$0")/.." && pwd)"
for dir in web tests/peers; do
  [ -f "$root/$dir/package.json" ] || continue
  stamp="$root/$dir/node_modules/.hudhud-stamp"
  want="$(cat "$root/$dir/package.json" "$root/$dir/package-lock.json" 2>/dev/null | sha256sum | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "bootstrap: npm install in $dir/"
    (cd "$root/$dir" && npm install --no-audit --no-fund --loglevel=error)
    echo "$want" >"$stamp"
  fi
done
