//! `itsm export`: the built tables written as files for other tools (Power BI, Excel Power
//! Query, pandas): Parquet (the arrow-rs `parquet` crate, snappy, DuckDB's types kept:
//! DECIMAL as Decimal128, TIMESTAMP as timestamps, DATE as dates), CSV (render's
//! formula-safe CSV writer) or one xlsx workbook (render's export workbook, text always as
//! string cells), and always a `README.txt` naming each table's files, rows, columns with
//! types and definition (the model's header comment in `queries/`, or the canonical
//! table's documentation).
//!
//! Owns: which tables a `--tables` selection means (the groups `kpis`, `marts`,
//! `canonical`, or table names), which tables are partitioned by month ([`partition_rule`]),
//! pseudonymising person columns ([`PERSON_COLUMNS`]) with the reports' salt, and the
//! directory layout. Must not: compute figures (the tables are written as built) or parse
//! command lines.

mod parquet;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::compute::ModelSet;
use crate::render::output::{write_table, OutputFormat};
use crate::store::{Store, StoreError};
use crate::table::{Table, Value};

/// The canonical (ingested) tables and their documentation (DESIGN §3, `src/model.rs`,
/// the store's migrations).
pub const CANONICAL: &[(&str, &str)] = &[
    ("ticket", "one row per ticket, latest known state, key (source, ticket_id): the canonical model of DESIGN §3 every source is mapped into; instants are UTC"),
    ("ticket_event", "optional history, one row per change of a ticket (status, assignment, worklog, reopen), key (source, ticket_id, occurred_at, kind); instants are UTC"),
    ("team", "one row per assignment group: its support line (1, 2, 3; empty when not configured) and the customer an on-site team serves"),
    ("ingest_batch", "one row per loaded file (one batch, one transaction): source, profile, file, content hash, rows read = loaded + rejected, new and updated, when"),
    ("rejected_row", "one row per rejected input row: its batch, line (and workbook sheet), the raw record and the reason it was rejected"),
    ("ingest_warning", "one row per value set empty so that its row could load: batch, line (and workbook sheet), column, the value and why"),
];

pub use crate::render::personal::{hidden, Hidden, CELL_VALUE_TABLES, PERSON_COLUMNS, RAW_COLUMNS};

/// `reason` with the quoted `value` replaced by `'…'`: the rule of `reason_without_value`
/// in `queries/macros.sql` (a unit test runs both on the same cases).
pub fn reason_without_value(reason: &str, value: Option<&str>) -> String {
    match value {
        Some(v) if !v.trim().is_empty() => {
            reason.replace(&format!("'{v}'"), "'…'").replace(&format!("'{}'", v.trim()), "'…'")
        }
        _ => reason.to_string(),
    }
}

/// Excel's rows per sheet, the header included.
pub const EXCEL_MAX_ROWS: i64 = 1_048_576;

/// Tables with more rows than this are partitioned by month in Parquet whatever their kind.
pub const LARGE_ROWS: i64 = 1_000_000;

/// The file formats of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// Apache Parquet, snappy-compressed; large tables partitioned by month (Hive style).
    Parquet,
    /// One CSV file per table.
    Csv,
    /// One workbook, one sheet per table.
    Xlsx,
}

impl ExportFormat {
    /// The format's name as `--format` takes it.
    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::Parquet => "parquet",
            ExportFormat::Csv => "csv",
            ExportFormat::Xlsx => "xlsx",
        }
    }
}

/// What to export.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// Groups (`kpis`, `marts`, `canonical`) and table names; empty: all three groups.
    pub tables: Vec<String>,
    /// File format.
    pub format: ExportFormat,
    /// Output directory (created when missing).
    pub out: PathBuf,
    /// Write person columns as they are instead of pseudonymised.
    pub show_personal_data: bool,
}

/// Errors of an export. Each names the table or file a user can act on.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// `--tables` names neither a group nor a table of the database.
    #[error("'{name}' is neither a group (kpis, marts, canonical) nor a table of the database; tables: {known}")]
    UnknownTable {
        /// The name given.
        name: String,
        /// The exportable tables, comma-separated.
        known: String,
    },
    /// A table has more rows than an Excel sheet holds.
    #[error(
        "table {table} has {rows} rows; an Excel sheet holds {} below its header. \
         Export it as parquet or csv, or leave it out of --tables",
        EXCEL_MAX_ROWS - 1
    )]
    TooManyRowsForExcel {
        /// The table.
        table: String,
        /// Its rows.
        rows: i64,
    },
    /// A text cell is longer than an Excel cell holds.
    #[error(transparent)]
    Sheet(#[from] crate::render::export::SheetError),
    /// A file or directory could not be written.
    #[error("{what} '{path}'")]
    Write {
        /// `creating` or `writing`.
        what: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The system's reason.
        source: std::io::Error,
    },
    /// A Parquet file could not be written.
    #[error("writing Parquet file '{path}'")]
    Parquet {
        /// The file.
        path: PathBuf,
        /// The writer's reason.
        source: ::parquet::errors::ParquetError,
    },
    /// A person column could not be pseudonymised.
    #[error("pseudonymising column {column} of {table}")]
    Arrow {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// Arrow's reason.
        source: arrow::error::ArrowError,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The report layer failed (opening the database, the pseudonym salt).
    #[error(transparent)]
    Report(#[from] crate::report::ReportError),
    /// The models could not be read.
    #[error(transparent)]
    Models(#[from] crate::compute::ModelError),
}

/// Shorthand for export results.
pub type Result<T> = std::result::Result<T, ExportError>;

/// The group a table belongs to, if any.
fn group_of(name: &str) -> Option<&'static str> {
    if name.starts_with("kpi_") {
        Some("kpis")
    } else if name.starts_with("dim_") || name.starts_with("fct_") {
        Some("marts")
    } else if CANONICAL.iter().any(|(c, _)| *c == name) {
        Some("canonical")
    } else {
        None
    }
}

/// The tables `selection` names (groups expanded, in the database's order; empty: the
/// three groups), checked against `relations`.
pub fn select_tables(selection: &[String], relations: &[String]) -> Result<Vec<String>> {
    let all = ["kpis".to_string(), "marts".into(), "canonical".into()];
    let selection = if selection.is_empty() { &all[..] } else { selection };
    let mut chosen = BTreeSet::new();
    for name in selection {
        match name.as_str() {
            "kpis" | "marts" | "canonical" => {
                chosen.extend(relations.iter().filter(|r| group_of(r) == Some(name.as_str())).cloned())
            }
            // The pseudonym salt stays in the database (`crate::report::pseudonym_salt`).
            _ if relations.iter().any(|r| r == name) && name != "store_secret" => {
                chosen.insert(name.clone());
            }
            _ => {
                let known: Vec<&str> = relations.iter().filter(|r| group_of(r).is_some()).map(String::as_str).collect();
                return Err(ExportError::UnknownTable { name: name.clone(), known: known.join(", ") });
            }
        }
    }
    // Canonical first, then marts, then KPIs, each by name: the README reads top-down.
    let rank = |t: &String| match group_of(t) {
        Some("canonical") => 0,
        Some("marts") => 1,
        Some("kpis") => 2,
        _ => 3,
    };
    let mut tables: Vec<String> = chosen.into_iter().collect();
    tables.sort_by_key(|t| (rank(t), t.clone()));
    Ok(tables)
}

/// One column of a table: name and DuckDB type.
#[derive(Debug, Clone)]
pub struct ColumnInfo {
    /// Column name.
    pub name: String,
    /// DuckDB's type name (`DECIMAL(18,2)`, `TIMESTAMP`).
    pub ty: String,
}

/// The partition rule: a table is partitioned by month when it is large — the canonical
/// `ticket` and `ticket_event`, a per-ticket model (`-- incremental: ticket`: its rows
/// grow with the tickets), or any table over [`LARGE_ROWS`] rows — and has a column to
/// take the month from: `month` (a DATE), else `opened_at`, else `occurred_at`, else its
/// first DATE or TIMESTAMP column. Returns that column; `None`: one file.
pub fn partition_rule(table: &str, rows: i64, per_ticket: bool, columns: &[ColumnInfo]) -> Option<String> {
    let large = rows > LARGE_ROWS || per_ticket || matches!(table, "ticket" | "ticket_event");
    if !large || rows == 0 {
        return None;
    }
    let is_time = |c: &ColumnInfo| c.ty == "DATE" || c.ty == "TIMESTAMP";
    ["month", "opened_at", "occurred_at"]
        .iter()
        .find_map(|want| columns.iter().find(|c| c.name == *want && is_time(c)))
        .or_else(|| columns.iter().find(|c| is_time(c)))
        .map(|c| c.name.clone())
}

/// The one workbook an xlsx export writes, every table a sheet of it.
pub const WORKBOOK: &str = "tables.xlsx";

/// What was written for one table.
#[derive(Debug, Clone)]
pub struct Exported {
    /// The table.
    pub table: String,
    /// Its rows.
    pub rows: i64,
    /// Its columns.
    pub columns: Vec<ColumnInfo>,
    /// Files written, relative to the output directory, in order.
    pub files: Vec<String>,
    /// The column the month partitions come from, when partitioned.
    pub partitioned_by: Option<String>,
    /// The table's definition.
    pub definition: String,
    /// Person columns written as pseudonyms.
    pub pseudonymised: Vec<String>,
}

/// The definition of `table`: the header comment of its model (the `-- grain:` line and
/// the comment lines after it), or the canonical table's documentation.
pub fn definition(table: &str, models: &ModelSet) -> String {
    if let Some((_, doc)) = CANONICAL.iter().find(|(c, _)| *c == table) {
        return doc.to_string();
    }
    let Some(model) = models.model(table) else {
        return "(no model in queries/ defines this table)".into();
    };
    let mut lines = Vec::new();
    for line in model.sql.lines() {
        let Some(comment) = line.trim_start().strip_prefix("--") else { break };
        let comment = comment.strip_prefix(' ').unwrap_or(comment).trim_end();
        if comment.starts_with("incremental:") {
            continue;
        }
        lines.push(comment.to_string());
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    if lines.is_empty() {
        format!("grain: {}", model.grain)
    } else {
        lines.join("\n")
    }
}

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn columns_of(store: &Store, table: &str) -> Result<Vec<ColumnInfo>> {
    let t = store.query_table_with(
        "SELECT column_name, data_type FROM information_schema.columns \
         WHERE table_schema = 'main' AND table_name = ? ORDER BY ordinal_position",
        &[table],
    )?;
    Ok(t.rows.iter().map(|r| ColumnInfo { name: r[0].to_string(), ty: r[1].to_string() }).collect())
}

fn create_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|source| ExportError::Write { what: "creating", path: dir.into(), source })
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).map_err(|source| ExportError::Write { what: "writing", path: path.into(), source })
}

/// `data` of `table` with its personal data hidden as [`hidden`] says (unless `salt` is
/// `None`).
fn pseudonymise_table(table: &str, mut data: Table, salt: Option<&str>) -> Table {
    let Some(salt) = salt else { return data };
    let rules: Vec<(usize, Hidden)> =
        data.columns.iter().enumerate().filter_map(|(i, c)| hidden(table, c).map(|h| (i, h))).collect();
    let value_at = data.columns.iter().position(|c| c == "value");
    for row in &mut data.rows {
        // The reason loses the value before the value becomes a pseudonym.
        let value = value_at.and_then(|i| row.get(i)).filter(|v| !v.is_null()).map(Value::to_string);
        for &(i, rule) in &rules {
            let Some(v) = row.get_mut(i) else { continue };
            match rule {
                Hidden::Empty => *v = Value::Null,
                _ if v.is_null() => {}
                Hidden::Pseudonym => *v = Value::Text(crate::render::pseudonym(&v.to_string(), salt)),
                Hidden::ValueTakenOut => *v = Value::Text(reason_without_value(&v.to_string(), value.as_deref())),
            }
        }
    }
    data
}

/// Writes the export: the chosen tables in `options.format` and `README.txt` into
/// `options.out`. The database must be built (`itsm build`).
pub fn export(store: &Store, models: &ModelSet, options: &ExportOptions) -> Result<Vec<Exported>> {
    let relations = store.relations()?;
    let tables = select_tables(&options.tables, &relations)?;
    let salt = if options.show_personal_data { None } else { Some(crate::report::pseudonym_salt(store)?) };
    let mut plan = Vec::new();
    for table in &tables {
        let rows = store.query_i64(&format!("SELECT count(*) FROM {}", quote(table)))?;
        let columns = columns_of(store, table)?;
        if options.format == ExportFormat::Xlsx && rows >= EXCEL_MAX_ROWS {
            return Err(ExportError::TooManyRowsForExcel { table: table.clone(), rows });
        }
        plan.push((table.clone(), rows, columns));
    }
    create_dir(&options.out)?;
    let mut done = Vec::new();
    let mut book = (options.format == ExportFormat::Xlsx).then(crate::render::export::ExportWorkbook::new);
    for (table, rows, columns) in plan {
        let pseudonymised: Vec<String> = if salt.is_some() {
            columns.iter().filter(|c| hidden(&table, &c.name).is_some()).map(|c| c.name.clone()).collect()
        } else {
            Vec::new()
        };
        let per_ticket = models.model(&table).is_some_and(|m| m.by_ticket);
        let mut entry = Exported {
            table: table.clone(),
            rows,
            columns,
            files: Vec::new(),
            partitioned_by: None,
            definition: definition(&table, models),
            pseudonymised,
        };
        match options.format {
            ExportFormat::Parquet => {
                entry.partitioned_by = partition_rule(&table, rows, per_ticket, &entry.columns);
                let written = parquet::write_table(
                    store,
                    &table,
                    entry.partitioned_by.as_deref(),
                    salt.as_deref(),
                    &options.out,
                )?;
                entry.files = written.files;
                entry.rows = written.rows;
            }
            ExportFormat::Csv => {
                let data = pseudonymise_table(
                    &table,
                    store.query_table(&format!("SELECT * FROM {}", quote(&table)))?,
                    salt.as_deref(),
                );
                let mut bytes = Vec::new();
                write_table(&mut bytes, OutputFormat::Csv, &data).map_err(|source| ExportError::Write {
                    what: "writing",
                    path: options.out.join(&table),
                    source,
                })?;
                let name = format!("{table}.csv");
                write_file(&options.out.join(&name), &bytes)?;
                entry.files.push(name);
                entry.rows = data.rows.len() as i64;
            }
            ExportFormat::Xlsx => {
                let data = pseudonymise_table(
                    &table,
                    store.query_table(&format!("SELECT * FROM {}", quote(&table)))?,
                    salt.as_deref(),
                );
                entry.rows = data.rows.len() as i64;
                if let Some(book) = book.as_mut() {
                    let sheet = book.add(&table, &data)?;
                    entry.files.push(format!("{WORKBOOK}, sheet {sheet}"));
                }
            }
        }
        done.push(entry);
    }
    if let Some(book) = book {
        book.save(&options.out.join(WORKBOOK))?;
    }
    write_file(&options.out.join("README.txt"), readme(&done, options, store.path()).as_bytes())?;
    Ok(done)
}

/// The text of `README.txt`.
pub fn readme(done: &[Exported], options: &ExportOptions, db: &Path) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "itsm export: {} tables from {} as {}", done.len(), db.display(), options.format.name());
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "Instants (TIMESTAMP) are UTC. Money is DECIMAL: exact in Parquet (Decimal128) and CSV \
         (the digits as stored); an Excel cell holds a double (15 significant digits)."
    );
    if options.show_personal_data {
        let _ = writeln!(out, "Personal data: shown as it is (--show-personal-data).");
    } else {
        let _ = writeln!(
            out,
            "Personal data: the columns {} hold stable pseudonyms (P-xxxxxx), the same ones the \
             reports show, and a rejected row's raw line ({}) is left empty. In {} the cell's \
             text (value) is a pseudonym too and is taken out of the reason ('…'): a file with \
             shifted columns puts names in any column. Export with --show-personal-data for \
             the names.",
            PERSON_COLUMNS.join(", "),
            RAW_COLUMNS.join(", "),
            CELL_VALUE_TABLES.join(", ")
        );
    }
    match options.format {
        ExportFormat::Parquet => {
            let _ = writeln!(
                out,
                "Layout: a small table is one file, <table>.parquet. A large one (canonical ticket and \
                 ticket_event, per-ticket marts, any table over {LARGE_ROWS} rows) is a folder partitioned \
                 by month in Hive style, <table>/month=YYYY-MM/part-0.parquet (month of the column named \
                 below; rows without one in month=__HIVE_DEFAULT_PARTITION__). Every file holds all of \
                 the table's columns. Read a folder whole, e.g. DuckDB: \
                 read_parquet('<table>/*/*.parquet', hive_partitioning = false); pandas: \
                 pd.read_parquet('<table>'); Power BI: Get data > Folder. Readers that add the \
                 partition key show it as a text column `month` (YYYY-MM)."
            );
        }
        ExportFormat::Csv => {
            let _ = writeln!(
                out,
                "Layout: one file per table, <table>.csv, UTF-8, comma-separated, header row. Text \
                 that a spreadsheet would take for a formula (starting with = + - @, tab or carriage \
                 return, also after leading blanks) is written with a leading apostrophe."
            );
        }
        ExportFormat::Xlsx => {
            let _ = writeln!(
                out,
                "Layout: one workbook, tables.xlsx, one sheet per table (sheet names shortened to \
                 Excel's 31 characters where needed). Text is written as text cells, never as formulas."
            );
        }
    }
    for e in done {
        let _ = writeln!(out);
        let _ = writeln!(out, "== {}", e.table);
        let group = group_of(&e.table).unwrap_or("table");
        let _ = writeln!(out, "Group: {group}");
        match (&e.partitioned_by, e.files.len()) {
            (Some(column), n) => {
                let _ = writeln!(
                    out,
                    "Files: {}/month=YYYY-MM/part-0.parquet, {n} files, by the month of {column}",
                    e.table
                );
                for f in &e.files {
                    let _ = writeln!(out, "  {f}");
                }
            }
            _ => {
                let _ = writeln!(out, "File: {}", e.files.join(", "));
            }
        }
        let _ = writeln!(out, "Rows: {}", e.rows);
        let _ = writeln!(out, "Columns:");
        for c in &e.columns {
            let note = match hidden(&e.table, &c.name).filter(|_| e.pseudonymised.contains(&c.name)) {
                Some(Hidden::Empty) => "  (left empty: the raw line may hold personal data; --show-personal-data)",
                Some(Hidden::Pseudonym) => "  (pseudonymised)",
                Some(Hidden::ValueTakenOut) => "  (the quoted value taken out: '…'; --show-personal-data)",
                None => "",
            };
            let _ = writeln!(out, "  {} {}{note}", c.name, c.ty);
        }
        let _ = writeln!(out, "Definition:");
        for line in e.definition.lines() {
            let _ = writeln!(out, "  {line}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(name: &str, ty: &str) -> ColumnInfo {
        ColumnInfo { name: name.into(), ty: ty.into() }
    }

    #[test]
    fn groups_expand_and_unknown_names_are_refused() {
        let rel: Vec<String> =
            ["cfg_build", "dim_team", "fct_ticket", "kpi_sla_by_month", "stg_ticket", "ticket", "team"]
                .iter()
                .map(|s| s.to_string())
                .collect();
        assert_eq!(select_tables(&[], &rel).unwrap(), ["team", "ticket", "dim_team", "fct_ticket", "kpi_sla_by_month"]);
        assert_eq!(select_tables(&["kpis".into()], &rel).unwrap(), ["kpi_sla_by_month"]);
        assert_eq!(
            select_tables(&["stg_ticket".into(), "marts".into()], &rel).unwrap(),
            ["dim_team", "fct_ticket", "stg_ticket"]
        );
        // The database's pseudonym salt is never written out, not even when named.
        let mut with_secret = rel.clone();
        with_secret.push("store_secret".into());
        assert!(select_tables(&["store_secret".into()], &with_secret).is_err());
        assert!(!select_tables(&[], &with_secret).unwrap().contains(&"store_secret".to_string()));
        let err = select_tables(&["nope".into()], &rel).unwrap_err().to_string();
        assert!(err.contains("'nope'") && err.contains("kpi_sla_by_month"), "{err}");
    }

    #[test]
    fn the_partition_rule_takes_large_tables_and_a_month_column() {
        let cols = [col("source", "VARCHAR"), col("opened_at", "TIMESTAMP"), col("month", "DATE")];
        assert_eq!(partition_rule("ticket", 10, false, &cols).as_deref(), Some("month"));
        assert_eq!(partition_rule("ticket", 0, false, &cols), None, "an empty table is one file");
        assert_eq!(partition_rule("kpi_sla_by_month", 13, false, &cols), None, "small");
        assert_eq!(partition_rule("kpi_x", LARGE_ROWS + 1, false, &cols[..2]).as_deref(), Some("opened_at"));
        assert_eq!(
            partition_rule("fct_x", 5, true, &[col("a", "VARCHAR"), col("start_at", "TIMESTAMP")]).as_deref(),
            Some("start_at")
        );
        assert_eq!(partition_rule("fct_x", 5, true, &[col("a", "VARCHAR")]), None, "no column to take a month from");
    }

    #[test]
    fn pseudonyms_replace_person_columns_only() {
        let t = Table {
            columns: vec!["requester".into(), "title".into()],
            rows: vec![
                vec![Value::Text("Anna Berg".into()), Value::Text("Anna Berg".into())],
                vec![Value::Null, Value::Null],
            ],
        };
        let p = pseudonymise_table("x", t.clone(), Some("s"));
        assert_eq!(p.rows[0][0], Value::Text(crate::render::pseudonym("Anna Berg", "s")));
        assert_eq!(p.rows[0][1], Value::Text("Anna Berg".into()));
        assert!(p.rows[1][0].is_null());
        assert_eq!(pseudonymise_table("x", t.clone(), None).rows, t.rows);
        let r = Table { columns: vec!["raw".into()], rows: vec![vec![Value::Text("1;Anna Berg".into())]] };
        assert!(pseudonymise_table("x", r.clone(), Some("s")).rows[0][0].is_null(), "the raw line is left empty");
        assert_eq!(pseudonymise_table("x", r.clone(), None).rows, r.rows);
    }

    #[test]
    fn a_rejected_cell_is_a_pseudonym_and_leaves_the_reason() {
        let t = Table {
            columns: vec!["column_name".into(), "value".into(), "reason".into()],
            rows: vec![
                vec![
                    Value::Text("opened_at".into()),
                    Value::Text(" Anna Berg".into()),
                    Value::Text("invalid date 'Anna Berg' in column opened_at".into()),
                ],
                vec![Value::Text("priority".into()), Value::Null, Value::Text("missing value".into())],
            ],
        };
        let p = pseudonymise_table("rejected_row", t.clone(), Some("s"));
        assert_eq!(p.rows[0][0], Value::Text("opened_at".into()), "the header is no personal data");
        assert_eq!(p.rows[0][1], Value::Text(crate::render::pseudonym(" Anna Berg", "s")));
        assert_eq!(p.rows[0][2], Value::Text("invalid date '…' in column opened_at".into()));
        assert_eq!(p.rows[1][1], Value::Null);
        assert_eq!(p.rows[1][2], Value::Text("missing value".into()));
        // Another table's value and reason (e.g. ticket_event.value, a status) stay.
        assert_eq!(pseudonymise_table("ticket_event", t.clone(), Some("s")).rows, t.rows);
        assert_eq!(pseudonymise_table("fct_ingest_warning", t.clone(), None).rows, t.rows);
    }

    /// The Rust rule and the SQL macro the data-quality KPIs use take the same text out.
    #[test]
    fn reason_without_value_equals_the_macro() {
        let path = std::env::temp_dir().join(format!("itsm-reason-{}.duckdb", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let mut store = crate::store::Store::open(&path).unwrap();
        let tx = store.begin_derive().unwrap();
        tx.execute(include_str!("../../queries/macros.sql"), "the macros").unwrap();
        let literal = |s: Option<&str>| s.map_or("NULL".to_string(), |s| format!("'{}'", s.replace('\'', "''")));
        let cases = [
            ("bad 'x' here", Some("x")),
            ("bad ' x ' and 'x'", Some(" x ")),
            ("bad 'x'", Some("  ")),
            ("no quote of x", Some("x")),
            ("bad 'x'", None),
            ("it's 'a'b'", Some("a'b")),
        ];
        for (reason, value) in cases {
            let sql = format!("SELECT reason_without_value({}, {})", literal(Some(reason)), literal(value));
            let sql = tx.query_column(&sql).unwrap().concat();
            assert_eq!(reason_without_value(reason, value), sql, "{reason:?} {value:?}");
        }
        drop(tx);
        drop(store);
        let _ = std::fs::remove_file(&path);
    }
}
