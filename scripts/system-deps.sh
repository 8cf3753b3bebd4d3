#!/usr/bin/env bash
# Debian packages the tests need: Chromium for the browser tests (never a
# browser download), poppler-utils for PNG pages of sample documents, and
# Node's npm for axe-core (the accessibility checker the browser tests inject,
# pinned in package.json / package-lock.json).
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v chromium >/dev/null || need+=(chromium)
command -v pdftoppm >/dev/null || need+=(poppler-utils)
command -v npm >/dev/null || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "Missing Debian packages: ${need[*]} (sudo apt-get install ${need[*]})" >&2
  fi
fi
# axe-core from the npm registry, exactly the locked version; reinstalled
# only when the lock file is newer than what is installed.
if command -v npm >/dev/null; then
  if [ ! -f node_modules/axe-core/axe.min.js ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
  fi
fi
