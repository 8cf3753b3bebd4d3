#!/usr/bin/env bash
# Debian packages the tests need: Chromium for the browser tests (never a
# browser download) and poppler-utils for PNG pages of sample documents.
set -euo pipefail
need=()
command -v chromium >/dev/null || need+=(chromium)
command -v pdftoppm >/dev/null || need+=(poppler-utils)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "Missing Debian packages: ${need[*]} (sudo apt-get install ${need[*]})" >&2
  fi
fi
