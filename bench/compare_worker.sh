#!/bin/bash
# Before/after of bench/worker.py across commits, one after the other on the
# same machine, in ROUNDS rounds (each round runs every commit once, so the
# load of the moment weighs on all of them alike): each commit is exported
# (git archive) into a temporary folder, today's bench/worker.py and
# bench/order.py copied in, and run on SQLite then on the PostgreSQL
# database of BENCH_DATABASE_URL (dropped and recreated).
#
#   bench/compare_worker.sh d75d86f HEAD
#   SALES=150 ROUNDS=2 BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/comptoir_worker_bench \
#       bench/compare_worker.sh d75d86f a3f6ed8 HEAD
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
py="$root/.venv/bin/python"
sales=${SALES:-100}
rounds=${ROUNDS:-1}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for commit in "$@"; do
    mkdir -p "$tmp/$commit"
    git -C "$root" archive "$commit" | tar -x -C "$tmp/$commit"
    cp "$root/bench/worker.py" "$root/bench/order.py" "$tmp/$commit/bench/"
done
for database in sqlite ${BENCH_DATABASE_URL:+postgresql}; do
    for round in $(seq "$rounds"); do
        for commit in "$@"; do
            echo "=== $database $commit (round $round)"
            extra=()
            if [ "$database" = postgresql ]; then
                extra=(--database-url "$BENCH_DATABASE_URL")
            fi
            (cd "$tmp/$commit" && "$py" bench/worker.py --sales "$sales" --warmup 10 \
                "${extra[@]}")
        done
    done
done
