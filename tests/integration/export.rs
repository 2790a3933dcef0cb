//! `itsm export` (issue 17 item 3): the exported files read back equal the source tables
//! row for row — Parquet read by the arrow-rs reader and appended into DuckDB, and by
//! DuckDB's own `read_parquet` (the Python duckdb package, an independent reader); CSV and
//! xlsx for a KPI table — and DECIMAL money survives to the öre.

use std::path::{Path, PathBuf};
use std::process::Command;

use arrow::datatypes::{DataType, TimeUnit};
use calamine::{open_workbook_auto, Data, Reader};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use crate::{fixture, itsm, itsm_ok, Tmp};

/// The demo: the sample organisation's tickets with its price list, built.
fn demo(name: &str) -> Tmp {
    let t = Tmp::new(&format!("export-{name}"));
    itsm_ok(&t.0, &["demo", "--dir", "d", "--quiet"]);
    t
}

/// The billing fixture of tests/integration/billing.rs (hand-computed to the öre).
fn billing(name: &str) -> Tmp {
    let t = Tmp::new(&format!("export-{name}"));
    std::fs::copy(fixture("billing-itsm.toml"), t.path("itsm.toml")).unwrap();
    std::fs::copy(fixture("billing-prices.csv"), t.path("billing-prices.csv")).unwrap();
    itsm_ok(&t.0, &["ingest", &fixture("billing-tickets.csv")]);
    itsm_ok(&t.0, &["build", "--as-of", "2026-10-31 17:00"]);
    t
}

/// The tables README.txt lists, in order.
fn readme_tables(dir: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join("README.txt")).unwrap();
    text.lines().filter_map(|l| l.strip_prefix("== ")).map(String::from).collect()
}

/// The Parquet files of `table` in `dir`: one file, or every month partition.
fn parquet_files(dir: &Path, table: &str) -> Vec<PathBuf> {
    let single = dir.join(format!("{table}.parquet"));
    if single.exists() {
        return vec![single];
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join(table))
        .unwrap_or_else(|e| panic!("{table}: neither {table}.parquet nor a folder: {e}"))
        .map(|e| e.unwrap().path())
        .inspect(|p| {
            let name = p.file_name().unwrap().to_str().unwrap();
            let month = name.strip_prefix("month=").unwrap_or_else(|| panic!("{}: not month=…", p.display()));
            assert!(
                month == "__HIVE_DEFAULT_PARTITION__" || itsm::model::parse_month(month).is_ok(),
                "{}",
                p.display()
            );
        })
        .map(|p| p.join("part-0.parquet"))
        .collect();
    files.sort();
    files
}

/// A DuckDB connection with the source database attached read-only as `src`.
fn attach(db: &Path) -> duckdb::Connection {
    let conn = duckdb::Connection::open_in_memory().unwrap();
    conn.execute_batch(&format!("ATTACH '{}' AS src (READ_ONLY)", db.display())).unwrap();
    conn
}

fn count(conn: &duckdb::Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Rows of `a` missing from `b` and rows of `b` missing from `a` (EXCEPT ALL both ways).
fn differences(conn: &duckdb::Connection, a: &str, b: &str) -> (i64, i64) {
    (
        count(conn, &format!("SELECT count(*) FROM (SELECT * FROM {a} EXCEPT ALL SELECT * FROM {b})")),
        count(conn, &format!("SELECT count(*) FROM (SELECT * FROM {b} EXCEPT ALL SELECT * FROM {a})")),
    )
}

/// Creates `back` shaped like the source table `table` (HUGEINT as DECIMAL(38,0), Parquet
/// having no 128-bit integer) and appends every Parquet file of `table` in `dir` into it,
/// read with the parquet crate. Returns the rows read.
fn load_parquet(conn: &duckdb::Connection, dir: &Path, table: &str, back: &str) -> i64 {
    let hugeints: Vec<String> = {
        let mut stmt = conn
            .prepare(&format!(
                "SELECT column_name FROM duckdb_columns() WHERE database_name = 'src' AND table_name = '{table}' \
                 AND data_type = 'HUGEINT'"
            ))
            .unwrap();
        stmt.query_map([], |r| r.get::<_, String>(0)).unwrap().map(Result::unwrap).collect()
    };
    let replace = if hugeints.is_empty() {
        String::new()
    } else {
        let casts: Vec<String> =
            hugeints.iter().map(|c| format!("CAST(\"{c}\" AS DECIMAL(38, 0)) AS \"{c}\"")).collect();
        format!(" REPLACE ({})", casts.join(", "))
    };
    conn.execute_batch(&format!("CREATE TABLE {back} AS SELECT *{replace} FROM src.\"{table}\" LIMIT 0")).unwrap();
    let mut read = 0i64;
    let mut appender = conn.appender(back).unwrap();
    for file in parquet_files(dir, table) {
        let reader =
            ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&file).unwrap()).unwrap().build().unwrap();
        for batch in reader {
            let batch = batch.unwrap();
            read += batch.num_rows() as i64;
            appender.append_record_batch(batch).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        }
    }
    appender.flush().unwrap();
    read
}

/// Reads every table of the export with the parquet crate into DuckDB ([`load_parquet`])
/// and compares with the source table: counts and EXCEPT ALL both ways. Returns the
/// tables compared.
fn compare_with_parquet_crate(db: &Path, dir: &Path) -> usize {
    let conn = attach(db);
    let tables = readme_tables(dir);
    for (i, table) in tables.iter().enumerate() {
        let back = format!("back_{i}");
        let read = load_parquet(&conn, dir, table, &back);
        let source = count(&conn, &format!("SELECT count(*) FROM src.\"{table}\""));
        assert_eq!(read, source, "{table}: rows read back from Parquet");
        assert_eq!(differences(&conn, &format!("src.\"{table}\""), &back), (0, 0), "{table}: EXCEPT ALL both ways");
    }
    tables.len()
}

/// `python3` with the duckdb package, or why not. Under CI (which installs it) a missing
/// package fails the test; elsewhere the caller skips with the printed reason.
fn python_duckdb() -> Option<String> {
    let ok = Command::new("python3").args(["-c", "import duckdb"]).output().is_ok_and(|o| o.status.success());
    if ok {
        return Some("python3".into());
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI installs the Python duckdb package (.ci/run: pip install duckdb==2.0.0), but `python3 -c 'import duckdb'` fails"
    );
    eprintln!("SKIPPED: DuckDB's read_parquet check needs `python3 -c 'import duckdb'` (pip install duckdb==2.0.0)");
    None
}

/// DuckDB's own reader over the export: for each table, source rows, rows read back, the
/// EXCEPT ALL differences both ways and whether the column types agree (HUGEINT read back
/// as DECIMAL(38,0)); one line per table.
const READ_PARQUET_CHECK: &str = r#"
import duckdb, os, sys
out, db = sys.argv[1], sys.argv[2]
c = duckdb.connect()
c.execute(f"ATTACH '{db}' AS src (READ_ONLY)")
for line in open(os.path.join(out, 'README.txt'), encoding='utf-8'):
    if not line.startswith('== '):
        continue
    t = line[3:].strip()
    single = os.path.join(out, t + '.parquet')
    path = single if os.path.exists(single) else os.path.join(out, t, '*', '*.parquet')
    q = f"read_parquet('{path}', hive_partitioning = false)"
    s = f'src."{t}"'
    n_src = c.execute(f"SELECT count(*) FROM {s}").fetchone()[0]
    n_back = c.execute(f"SELECT count(*) FROM {q}").fetchone()[0]
    a = c.execute(f"SELECT count(*) FROM (SELECT * FROM {s} EXCEPT ALL SELECT * FROM {q})").fetchone()[0]
    b = c.execute(f"SELECT count(*) FROM (SELECT * FROM {q} EXCEPT ALL SELECT * FROM {s})").fetchone()[0]
    ta = [x[1] for x in c.execute(f"DESCRIBE SELECT * FROM {q}").fetchall()]
    tb = [x[1].replace('HUGEINT', 'DECIMAL(38,0)') for x in c.execute(f"DESCRIBE SELECT * FROM {s}").fetchall()]
    print(t, n_src, n_back, a, b, 'types-equal' if ta == tb else f'types-differ {ta} {tb}')
if os.path.isdir(os.path.join(out, 'ticket')):
    # The partitions hold their month's tickets, read as Hive partitions by DuckDB.
    p = os.path.join(out, 'ticket', '*', '*.parquet')
    wrong = c.execute(f"SELECT count(*) FROM read_parquet('{p}', hive_partitioning = true) "
                      "WHERE month <> strftime(opened_at, '%Y-%m')").fetchone()[0]
    print('ticket-partitions-wrong', wrong)
"#;

#[test]
fn parquet_export_reads_back_equal_to_the_source_tables_row_for_row() {
    let t = demo("parquet");
    let db = t.path("d/itsm.duckdb");
    let out = itsm_ok(
        &t.0,
        &["export", "--db", db.to_str().unwrap(), "--format", "parquet", "--out", "pq", "--show-personal-data"],
    );
    assert!(out.contains("exported") && out.contains("README.txt"), "{out}");
    let dir = t.path("pq");
    let tables = readme_tables(&dir);
    // The three groups by default: every kpi_*, dim_*, fct_* table and the six canonical ones.
    let conn = attach(&db);
    let expected = count(
        &conn,
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'src' AND (table_name SIMILAR TO '(kpi|dim|fct)_.*' \
         OR table_name IN ('ticket', 'ticket_event', 'team', 'ingest_batch', 'rejected_row', 'ingest_warning'))",
    );
    assert_eq!(tables.len() as i64, expected, "{tables:?}");
    assert!(expected > 60, "the demo builds every model: {expected}");

    // Large tables are month partitions, small ones one file.
    for large in ["ticket", "ticket_event", "fct_ticket", "fct_billing_charge"] {
        let files = parquet_files(&dir, large);
        assert!(files.len() >= 12, "{large}: the demo's 13 months, got {files:?}");
        assert!(!dir.join(format!("{large}.parquet")).exists());
    }
    assert!(dir.join("kpi_sla_by_month.parquet").is_file() && dir.join("team.parquet").is_file());

    // Types kept: DECIMAL as Decimal128, TIMESTAMP as microsecond timestamps, DATE as
    // dates; snappy-compressed.
    let file = std::fs::File::open(dir.join("kpi_billing_total.parquet")).unwrap();
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).unwrap();
    let schema = builder.schema().clone();
    assert_eq!(schema.field_with_name("tickets_amount").unwrap().data_type(), &DataType::Decimal128(38, 2));
    assert_eq!(schema.field_with_name("month").unwrap().data_type(), &DataType::Date32);
    let codec = builder.metadata().row_group(0).column(0).compression();
    assert_eq!(codec, parquet::basic::Compression::SNAPPY);
    let ticket = parquet_files(&dir, "ticket").remove(0);
    let builder = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(ticket).unwrap()).unwrap();
    assert_eq!(
        builder.schema().field_with_name("opened_at").unwrap().data_type(),
        &DataType::Timestamp(TimeUnit::Microsecond, None)
    );
    assert_eq!(builder.schema().field_with_name("cost").unwrap().data_type(), &DataType::Decimal128(18, 2));

    // (a) the arrow-rs reader, appended into DuckDB: every table equal.
    assert_eq!(compare_with_parquet_crate(&db, &dir), tables.len());

    // (b) DuckDB's read_parquet, through the Python package.
    let Some(python) = python_duckdb() else { return };
    let script = t.path("check.py");
    std::fs::write(&script, READ_PARQUET_CHECK).unwrap();
    let run = Command::new(python).arg(&script).arg(&dir).arg(&db).output().unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&run.stderr));
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), tables.len() + 1, "{stdout}");
    for line in &lines[..tables.len()] {
        let f: Vec<&str> = line.split(' ').collect();
        assert_eq!(f[1], f[2], "rows: {line}");
        assert_eq!((f[3], f[4], f[5]), ("0", "0", "types-equal"), "{line}");
    }
    assert_eq!(lines[tables.len()], "ticket-partitions-wrong 0");
}

#[test]
fn exports_pseudonymise_person_columns_by_default() {
    let t = demo("personal");
    let db = t.path("d/itsm.duckdb");
    let dbs = db.to_str().unwrap();
    itsm_ok(&t.0, &["export", "--db", dbs, "--tables", "ticket", "ticket_event", "--format", "parquet", "--out", "pq"]);
    itsm_ok(&t.0, &["export", "--db", dbs, "--tables", "kpi_breached_ticket", "--format", "csv", "--out", "csv"]);
    let conn = attach(&db);
    load_parquet(&conn, &t.path("pq"), "ticket", "t");
    load_parquet(&conn, &t.path("pq"), "ticket_event", "e");
    conn.execute_batch(&format!(
        "CREATE TABLE b AS SELECT * FROM read_csv('{}/csv/kpi_breached_ticket.csv', all_varchar = true);",
        t.0.display()
    ))
    .unwrap();
    // The sample names its requesters; none of them is in the export, and each name has
    // one pseudonym: as many distinct pseudonyms as names.
    let names = count(&conn, "SELECT count(DISTINCT requester) FROM src.ticket");
    assert!(names > 10, "{names}");
    assert_eq!(count(&conn, "SELECT count(DISTINCT requester) FROM t"), names);
    assert_eq!(count(&conn, "SELECT count(*) FROM t WHERE requester IN (SELECT requester FROM src.ticket)"), 0);
    assert_eq!(count(&conn, "SELECT count(*) FROM t WHERE NOT regexp_full_match(requester, 'P-[0-9a-f]{6}')"), 0);
    assert_eq!(count(&conn, "SELECT count(*) FROM e WHERE agent IN (SELECT agent FROM src.ticket_event)"), 0);
    assert_eq!(
        count(&conn, "SELECT count(*) FROM e WHERE agent IS NULL"),
        count(&conn, "SELECT count(*) FROM src.ticket_event WHERE agent IS NULL"),
        "NULL stays NULL"
    );
    assert_eq!(count(&conn, "SELECT count(*) FROM b WHERE last_agent IN (SELECT agent FROM src.ticket_event)"), 0);
    // The other columns are untouched.
    assert_eq!(
        differences(&conn, "(SELECT * EXCLUDE (requester) FROM src.ticket)", "(SELECT * EXCLUDE (requester) FROM t)"),
        (0, 0)
    );
    let readme = std::fs::read_to_string(t.path("pq/README.txt")).unwrap();
    assert!(readme.contains("requester VARCHAR  (pseudonymised)"), "{readme}");
}

#[test]
fn csv_and_xlsx_of_a_kpi_table_read_back_equal_and_money_exact() {
    let t = billing("csv-xlsx");
    let db = t.db();
    itsm_ok(&t.0, &["export", "--tables", "kpi_billing_line", "--format", "csv", "--out", "csv"]);
    itsm_ok(&t.0, &["export", "--tables", "kpi_billing_line", "kpis", "--format", "xlsx", "--out", "xlsx"]);
    itsm_ok(&t.0, &["export", "--tables", "kpi_billing_line", "--format", "parquet", "--out", "pq"]);

    // CSV: read back by DuckDB with the source's column types: equal row for row.
    let conn = attach(&db);
    let types: Vec<(String, String)> = {
        let mut stmt = conn
            .prepare(
                "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = 'src' \
                 AND table_name = 'kpi_billing_line' ORDER BY column_index",
            )
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
    };
    let columns: Vec<String> = types.iter().map(|(n, ty)| format!("'{n}': '{ty}'")).collect();
    conn.execute_batch(&format!(
        "CREATE TABLE c AS SELECT * FROM read_csv('{}', header = true, columns = {{{}}})",
        t.path("csv/kpi_billing_line.csv").display(),
        columns.join(", ")
    ))
    .unwrap();
    let source = count(&conn, "SELECT count(*) FROM src.kpi_billing_line");
    assert!(source >= 10, "{source}");
    assert_eq!(count(&conn, "SELECT count(*) FROM c"), source);
    assert_eq!(differences(&conn, "src.kpi_billing_line", "c"), (0, 0));
    let csv = std::fs::read_to_string(t.path("csv/kpi_billing_line.csv")).unwrap();
    // B4: 61 min → 3 started half hours = 1,5 h × 950,00 = 1 425,00 (tests/integration/billing.rs).
    assert!(csv.contains(",customer,Kävlinge,work,Infrastructure,950.00,,2,90,1.5000,1425.00"), "{csv}");
    assert!(csv.contains("\"Surfplatta, specialmodell\""), "a comma in a value is quoted: {csv}");

    // Parquet: the money column's exact digits (Decimal128 scale 2): 12 500,00 Ny dator B1,
    // 890,50 Headset B3, 1 425,00 above; their sum in öre 1 250 000 + 89 050 + 142 500.
    let file = std::fs::File::open(t.path("pq/kpi_billing_line.parquet")).unwrap();
    let reader = ParquetRecordBatchReaderBuilder::try_new(file).unwrap().build().unwrap();
    let mut ore = Vec::new();
    for batch in reader {
        let batch = batch.unwrap();
        let amounts = batch.column_by_name("amount").unwrap();
        let amounts = amounts.as_any().downcast_ref::<arrow::array::Decimal128Array>().unwrap();
        assert_eq!(amounts.scale(), 2);
        ore.extend(amounts.iter().flatten());
    }
    for want in [1_250_000i128, 89_050, 142_500, 55_000] {
        assert!(ore.contains(&want), "{want} öre in {ore:?}");
    }

    // xlsx: read back with calamine, cell by cell against the source, by type.
    let mut wb = open_workbook_auto(t.path("xlsx/tables.xlsx")).unwrap();
    let names = wb.sheet_names().to_vec();
    assert!(names.contains(&"kpi_billing_line".to_string()) && names.len() > 30, "{names:?}");
    let range = wb.worksheet_range("kpi_billing_line").unwrap();
    let store = itsm::store::Store::open_read_only(&db).unwrap();
    let src = store.query_table("SELECT * FROM kpi_billing_line").unwrap();
    let mut cells = range.rows();
    let header: Vec<String> = cells.next().unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!(header, src.columns);
    let mut n = 0;
    for (row, sheet) in src.rows.iter().zip(cells) {
        n += 1;
        for ((v, cell), column) in row.iter().zip(sheet).zip(&src.columns) {
            use itsm::table::Value;
            match (v, cell) {
                (Value::Null, Data::Empty) => {}
                (Value::Text(s), Data::String(c)) => assert_eq!(s, c, "{column}"),
                (Value::Int(i), Data::Float(f)) => assert_eq!(*i as f64, *f, "{column}"),
                (Value::Decimal { value, scale }, Data::Float(f)) => {
                    // Exact to the öre: the double read back, printed at the column's scale,
                    // is the DECIMAL's text.
                    assert_eq!(format!("{f:.*}", usize::from(*scale)), v.to_string(), "{column} {value}");
                }
                (Value::Date(d), Data::DateTime(x)) => {
                    let (y, m, day, ..) = x.to_ymd_hms_milli();
                    assert_eq!(format!("{y:04}-{m:02}-{day:02}"), d.to_string(), "{column}");
                }
                (Value::Bool(b), Data::Bool(c)) => assert_eq!(b, c, "{column}"),
                (v, c) => panic!("{column}: {v:?} written as {c:?}"),
            }
        }
    }
    assert_eq!(n as i64, source);
    let readme = std::fs::read_to_string(t.path("xlsx/README.txt")).unwrap();
    assert!(
        readme.contains("== kpi_billing_line") && readme.contains("File: tables.xlsx, sheet kpi_billing_line"),
        "{readme}"
    );
}

#[test]
fn readme_lists_files_rows_columns_and_the_model_header() {
    let t = billing("readme");
    itsm_ok(&t.0, &["export", "--tables", "kpi_sla_by_month", "canonical", "--format", "parquet", "--out", "pq"]);
    let readme = std::fs::read_to_string(t.path("pq/README.txt")).unwrap();
    let sla = &readme[readme.find("== kpi_sla_by_month").unwrap()..];
    assert!(sla.contains("File: kpi_sla_by_month.parquet\nRows: "), "{sla}");
    assert!(sla.contains("  month DATE\n"), "{sla}");
    // The model's header comment, from queries/kpis/kpi_sla_by_month.sql.
    assert!(sla.contains("  grain: one row per local month with SLA outcomes (the whole organisation)\n"), "{sla}");
    assert!(sla.contains("SLA compliance (DESIGN §5) = met / (met + breached + breached_open)"), "{sla}");
    let ticket = &readme[readme.find("== ticket\n").unwrap()..];
    // The billing fixture: its tickets.csv rows, all loaded (tests/integration/billing.rs).
    let rows = crate::scalar(&t.db(), "SELECT count(*) FROM ticket");
    assert!(ticket.contains(&format!("Rows: {rows}\n")), "{ticket}");
    assert!(ticket.contains("by the month of opened_at"), "{ticket}");
    assert!(
        ticket.contains("  cost DECIMAL(18,2)\n") && ticket.contains("one row per ticket, latest known state"),
        "{ticket}"
    );
    assert_eq!(readme_tables(&t.path("pq")).len(), 7, "kpi_sla_by_month and the six canonical tables");
}

#[test]
fn unknown_tables_and_sheets_too_large_are_refused_with_a_message() {
    let t = billing("refuse");
    let out = itsm(&t.0, &["export", "--tables", "kpi_nope", "--format", "csv", "--out", "x"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("'kpi_nope' is neither a group") && err.contains("kpi_sla_by_month"), "{err}");
    assert!(!t.path("x").exists(), "nothing written");
    // Excel's limit, checked before anything is written: a table of 1 048 576 rows.
    let db = t.db();
    {
        let conn = duckdb::Connection::open(&db).unwrap();
        conn.execute_batch("CREATE TABLE kpi_big AS SELECT range AS n FROM range(1048576)").unwrap();
    }
    let out = itsm(&t.0, &["export", "--tables", "kpi_big", "--format", "xlsx", "--out", "y"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("table kpi_big has 1048576 rows; an Excel sheet holds 1048575"), "{err}");
    assert!(!t.path("y").exists(), "nothing written");
    // Parquet takes it, as month-less single file (no date column to partition by).
    itsm_ok(&t.0, &["export", "--tables", "kpi_big", "--format", "parquet", "--out", "z"]);
    assert!(t.path("z/kpi_big.parquet").is_file());
}

#[test]
fn a_rejected_rows_raw_line_is_left_empty_unless_personal_data_is_shown_and_reexports_replace_files() {
    let t = Tmp::new("export-raw");
    itsm_ok(&t.0, &["ingest", &fixture("bad-rows.csv"), "--profile", "generic"]);
    itsm_ok(&t.0, &["build"]);
    let rejected = crate::scalar(&t.db(), "SELECT count(*) FROM rejected_row WHERE raw IS NOT NULL AND raw <> ''");
    assert!(rejected > 0, "the fixture has rejected rows with their raw line");
    itsm_ok(&t.0, &["export", "--tables", "rejected_row", "--format", "csv", "--out", "a"]);
    itsm_ok(&t.0, &["export", "--tables", "rejected_row", "--format", "csv", "--out", "b", "--show-personal-data"]);
    let raw = |dir: &str| -> Vec<String> {
        let mut r = csv::Reader::from_path(t.path(&format!("{dir}/rejected_row.csv"))).unwrap();
        let i = r.headers().unwrap().iter().position(|h| h == "raw").unwrap();
        r.records().map(|rec| rec.unwrap()[i].to_string()).collect()
    };
    let (hidden, shown) = (raw("a"), raw("b"));
    assert_eq!(hidden.len() as i64, crate::scalar(&t.db(), "SELECT count(*) FROM rejected_row"));
    assert!(hidden.iter().all(String::is_empty), "{hidden:?}");
    assert_eq!(shown.iter().filter(|r| !r.is_empty()).count() as i64, rejected);
    let readme = std::fs::read_to_string(t.path("a/README.txt")).unwrap();
    assert!(readme.contains("raw VARCHAR  (left empty"), "{readme}");

    // A second Parquet export into the same directory replaces the table's files: a stale
    // month folder does not survive it.
    itsm_ok(&t.0, &["export", "--tables", "ticket", "--format", "parquet", "--out", "pq"]);
    let stale = t.path("pq/ticket/month=1999-01");
    std::fs::create_dir_all(&stale).unwrap();
    std::fs::write(stale.join("part-0.parquet"), b"old").unwrap();
    itsm_ok(&t.0, &["export", "--tables", "ticket", "--format", "parquet", "--out", "pq"]);
    assert!(!stale.exists(), "the stale partition was removed");
    assert!(!parquet_files(&t.path("pq"), "ticket").is_empty());
}

/// A file with shifted columns puts names where a date or a label belongs: the rejected
/// or emptied cell (`value`) and its quote in `reason` name a person. Every export of the
/// canonical tables and their marts shows a pseudonym and `'…'` unless asked.
#[test]
fn a_rejected_or_emptied_cells_text_is_a_pseudonym_unless_personal_data_is_shown() {
    let t = Tmp::new("export-cell");
    let header = std::fs::read_to_string(fixture("bad-rows.csv")).unwrap().lines().next().unwrap().to_string();
    let ok = "INC1,incident,Printer,Kävlinge,Klient,Skrivare,PRN-1,phone,Low,Normal,Medium,Closed,\
              2026-10-05T08:00:00+02:00,{fr},2026-10-05T08:30:00+02:00,2026-10-08T08:30:00+02:00,\
              Service Desk,Service Desk,Service Desk,0,0,,,25,false,,Anna Berg,2026-10-08T08:30:00+02:00";
    // INC1's first response holds a name (optional: set empty, a warning); INC2's opening
    // instant holds one (required: the row is rejected).
    let warned = ok.replace("{fr}", "Zelda Quist");
    let rejected = ok.replace("INC1", "INC2").replace("2026-10-05T08:00:00+02:00", "Yngve Rask").replace("{fr}", "");
    std::fs::write(t.path("shifted.csv"), format!("{header}\n{warned}\n{rejected}\n")).unwrap();
    itsm_ok(&t.0, &["ingest", t.path("shifted.csv").to_str().unwrap(), "--profile", "generic"]);
    itsm_ok(&t.0, &["build"]);
    let db = t.db();
    assert_eq!(crate::scalar(&db, "SELECT count(*) FROM rejected_row WHERE value = 'Yngve Rask'"), 1);
    assert_eq!(crate::scalar(&db, "SELECT count(*) FROM ingest_warning WHERE value = 'Zelda Quist'"), 1);
    assert_eq!(crate::scalar(&db, "SELECT count(*) FROM rejected_row WHERE reason LIKE '%Yngve Rask%'"), 1);
    let tables = ["rejected_row", "ingest_warning", "fct_rejected_row", "fct_ingest_warning"];
    let mut args = vec!["export", "--tables"];
    args.extend(tables);
    for (format, out, shown) in [("csv", "h", false), ("parquet", "hp", false), ("csv", "s", true)] {
        let mut a = args.clone();
        a.extend(["--format", format, "--out", out]);
        if shown {
            a.push("--show-personal-data");
        }
        itsm_ok(&t.0, &a);
    }
    let conn = attach(&db);
    for table in tables {
        let (name, person) =
            if table.contains("rejected") { ("Yngve Rask", "opened_at") } else { ("Zelda Quist", "first_response_at") };
        let csv = |dir: &str| format!("read_csv('{}/{dir}/{table}.csv', all_varchar = true)", t.0.display());
        let pq = load_parquet(&conn, &t.path("hp"), table, &format!("{table}_pq"));
        assert!(pq > 0, "{table}");
        for hidden in [csv("h"), format!("{table}_pq")] {
            let text = format!("SELECT count(*) FROM {hidden} AS r WHERE CAST(r AS VARCHAR) LIKE '%{name}%'");
            assert_eq!(count(&conn, &text), 0, "{table}: {hidden} names no one");
            let pseudonym = format!(
                "SELECT count(*) FROM {hidden} WHERE column_name = '{person}' AND regexp_full_match(value, 'P-[0-9a-f]{{6}}') \
                 AND reason LIKE '%''…''%'"
            );
            assert_eq!(count(&conn, &pseudonym), 1, "{table}: {hidden}");
        }
        let shown = format!("SELECT count(*) FROM {} WHERE value = '{name}' AND reason LIKE '%{name}%'", csv("s"));
        assert_eq!(count(&conn, &shown), 1, "{table} with --show-personal-data");
    }
    let readme = std::fs::read_to_string(t.path("h/README.txt")).unwrap();
    assert!(readme.contains("reason VARCHAR  (the quoted value taken out"), "{readme}");
}

/// QA: an xlsx export said "91 files" for the one workbook it writes. The summary counts
/// the workbook as one file and its sheets, a table each; CSV still counts a file a table.
#[test]
fn the_xlsx_summary_counts_one_workbook_and_its_sheets() {
    let t = billing("summary");
    let tables = ["export", "--tables", "kpi_billing_line", "fct_ticket", "--out"];
    let xlsx = itsm_ok(&t.0, &[&tables[..], &["xlsx", "--format", "xlsx"]].concat());
    assert!(xlsx.contains("rows, 1 file, tables.xlsx, with 2 sheets) as xlsx to xlsx"), "{xlsx}");
    assert!(!xlsx.contains("2 files"), "{xlsx}");
    let csv = itsm_ok(&t.0, &[&tables[..], &["csv", "--format", "csv"]].concat());
    assert!(csv.contains("rows, 2 files) as csv to csv"), "{csv}");
}
