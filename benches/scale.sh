#!/bin/bash
# Scale curve (issue 14; figures in BENCHMARKS.md § "Scale curve"): generates the sample at
# 100k, 1M and 5M tickets, then ingests and builds each into a fresh database under
# /usr/bin/time -v with DuckDB's memory limit at 4 GB, and prints wall time, CPU time and
# peak memory. Needs about 8 GB of disk under DIR and 10–15 minutes on an idle 2-core machine.
#
#   bash benches/scale.sh [DIR]   (default DIR: /tmp/itsm-scale; ITSM: the binary to use;
#                                  SIZES: other ticket counts, e.g. SIZES=20000 for a quick try)
set -euo pipefail
dir="${1:-/tmp/itsm-scale}"
itsm="${ITSM:-${CARGO_TARGET_DIR:-$HOME/.cache/itsm-target}/release/itsm}"
export ITSM_MEMORY_LIMIT=4GB
mkdir -p "$dir"
measure() { # label, command…
  local label=$1; shift
  /usr/bin/time -v "$@" > "$dir/$label.log" 2> "$dir/$label.time"
  printf '%-14s %s\n' "$label" "$(grep -E 'Elapsed|User time|System time|Maximum resident' "$dir/$label.time" \
    | sed 's/^\t//' | tr '\n' ';')"
}
for n in ${SIZES:-100000 1000000 5000000}; do
  [ -f "$dir/s$n/history.csv" ] || "$itsm" sample --tickets $n --months 13 --end-month 2026-10 --out "$dir/s$n" >/dev/null
  rm -f "$dir/db$n.duckdb" "$dir/db$n.duckdb.wal"
  echo "== $n tickets (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  measure "ingest-$n" "$itsm" ingest "$dir/s$n/tickets.csv" "$dir/s$n/history.csv" --db "$dir/db$n.duckdb"
  measure "build-$n" "$itsm" build --db "$dir/db$n.duckdb"
done
