#!/usr/bin/env python3
"""The write floor of `itsm build` (issue 14): every table the last build materialised,
copied whole (CREATE TABLE AS SELECT *) in one transaction with the build's settings, then
committed. A build that computes and writes the same tables cannot be much faster than this,
however cheap its queries. Needs Python duckdb of the binary's DuckDB (2.0.0).

    python3 benches/write_floor.py BUILT.duckdb [SCRATCH.duckdb]

BUILT is left untouched: the copies go to a copy of it (SCRATCH, removed afterwards).
"""
import os
import shutil
import sys
import time

import duckdb

built = sys.argv[1]
scratch = sys.argv[2] if len(sys.argv) > 2 else built + ".floor"
shutil.copy(built, scratch)
try:
    con = duckdb.connect(scratch)
    tables = con.execute(
        "SELECT name, rows, seconds FROM build_model WHERE materialized = 'TABLE' ORDER BY seconds DESC"
    ).fetchall()
    # The settings `itsm build` uses (src/compute/mod.rs).
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET write_buffer_row_group_count = 1")
    con.execute("SET max_vacuum_tasks = 0")
    scan_start = time.time()
    for name, _, _ in tables:
        con.execute(f'EXPLAIN ANALYZE SELECT * FROM "{name}"').fetchall()
    scan = time.time() - scan_start
    con.execute("BEGIN")
    start = time.time()
    per = []
    for name, rows, built_in in tables:
        s = time.time()
        con.execute(f'CREATE TABLE "floor_{name}" AS SELECT * FROM "{name}"')
        per.append((time.time() - s, name, rows, built_in))
    copied = time.time()
    con.execute("COMMIT")
    committed = time.time()
    print(
        f"{len(tables)} tables: copies {copied - start:.2f} s (of which reading them: {scan:.2f} s), "
        f"commit {committed - copied:.2f} s, together {committed - start:.2f} s; "
        f"the build's own models: {sum(t[2] for t in tables):.2f} s"
    )
    for seconds, name, rows, built_in in sorted(per, reverse=True)[:10]:
        print(f"  {name:32} {rows:>10} rows  copied in {seconds:5.2f} s, built in {built_in:5.2f} s")
finally:
    for f in (scratch, scratch + ".wal"):
        if os.path.exists(f):
            os.remove(f)
