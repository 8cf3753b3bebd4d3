#!/bin/bash
# Before/after of bench/order.py across commits, one after the other on the
# same machine: each commit is exported (git archive) into a temporary
# folder, today's bench/order.py copied in, and run on SQLite then on the
# PostgreSQL database of BENCH_DATABASE_URL (dropped and recreated).
#
#   bench/compare_orders.sh 7a7ffc6 7d16f35 HEAD
#   ORDERS=100 BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/comptoir_perf_bench \
#       bench/compare_orders.sh 7a7ffc6 HEAD
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
py="$root/.venv/bin/python"
orders=${ORDERS:-100}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for commit in "$@"; do
    mkdir -p "$tmp/$commit"
    git -C "$root" archive "$commit" | tar -x -C "$tmp/$commit"
    cp "$root/bench/order.py" "$tmp/$commit/bench/order.py"
done
for database in sqlite ${BENCH_DATABASE_URL:+postgresql}; do
    for commit in "$@"; do
        echo "=== $database $commit"
        extra=()
        if [ "$database" = postgresql ]; then
            extra=(--database-url "$BENCH_DATABASE_URL")
        fi
        (cd "$tmp/$commit" && "$py" bench/order.py --orders "$orders" --warmup 10 \
            --skip-pretix "${extra[@]}")
    done
done
