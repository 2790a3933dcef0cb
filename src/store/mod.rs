//! The store: one embedded DuckDB file holding the canonical model (DESIGN §3).
//!
//! This is the only module that imports `duckdb`. It owns opening and migrating the file,
//! the transaction of an ingest batch, and the few read queries the CLI needs. It does not
//! parse files (ingest) or compute KPIs (compute): it takes Arrow record batches in and
//! hands typed result tables ([`Table`]) out.

mod arrow;
mod batch;
mod derive;
mod feed;
mod migrations;
mod values;

/// The team rows and rules the store writes are the model's (config builds them too).
pub use crate::model::{TeamRow, TeamRule};
pub use batch::{BatchCounts, BatchMeta, BatchWriter, LoadTarget, MovedTicket};
pub use derive::Derive;

use std::path::{Path, PathBuf};

use duckdb::Connection;

use crate::table::Table;

/// Errors of the store. Each names the database file or the statement that failed.
/// DuckDB's reasons are boxed: they are large, and every layer's error carries a store error.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database file could not be opened or created.
    #[error("cannot open database '{path}'")]
    Open {
        /// The database file.
        path: PathBuf,
        /// DuckDB's reason.
        source: Box<duckdb::Error>,
    },
    /// Another process holds the database file's lock: DuckDB lets one process at a time
    /// write a database (and no other process read it meanwhile).
    #[error(
        "database '{path}' is busy: {holder} has it open, and only one process at a time may use it; \
         wait for that command to finish (or stop it) and run this one again"
    )]
    Busy {
        /// The database file.
        path: PathBuf,
        /// Who holds the lock as DuckDB names it, e.g. `another process (PID 4711: /usr/bin/itsm)`
        /// (boxed: it keeps every error of the store small).
        holder: Box<str>,
    },
    /// The file was written by a newer itsm than this one.
    #[error(
        "database '{path}' has schema version {found}, newer than the {supported} this itsm understands; \
         use a newer itsm or another --db"
    )]
    TooNew {
        /// The database file.
        path: PathBuf,
        /// Version recorded in the file.
        found: i64,
        /// Newest version this build knows.
        supported: i64,
    },
    /// A migration step failed; the file is left at the version before it.
    #[error("migrating '{path}' to schema version {version}")]
    Migrate {
        /// The database file.
        path: PathBuf,
        /// The version being applied.
        version: i64,
        /// DuckDB's reason.
        source: Box<duckdb::Error>,
    },
    /// A batch's own consistency check failed (what was staged is not what was stored);
    /// the batch is rolled back rather than committed with silently lost rows.
    #[error("{context}: {message}; the batch is rolled back")]
    Check {
        /// What the store was doing.
        context: String,
        /// The counts that disagree.
        message: String,
    },
    /// A statement failed.
    #[error("{context}")]
    Sql {
        /// What the store was doing.
        context: String,
        /// DuckDB's reason.
        source: Box<duckdb::Error>,
    },
}

/// Shorthand for store results.
pub type Result<T> = std::result::Result<T, StoreError>;

pub(crate) fn sql_err(context: impl Into<String>) -> impl FnOnce(duckdb::Error) -> StoreError {
    let context = context.into();
    move |source| StoreError::Sql { context, source: Box::new(source) }
}

/// The error of opening `path`: [`StoreError::Busy`] when another process holds the file's
/// lock, else [`StoreError::Open`] with DuckDB's reason.
fn open_error(path: &Path, source: duckdb::Error) -> StoreError {
    match lock_holder(&source.to_string()) {
        Some(holder) => StoreError::Busy { path: path.to_owned(), holder: holder.into() },
        None => StoreError::Open { path: path.to_owned(), source: Box::new(source) },
    }
}

/// Who holds the lock, when DuckDB's message says the file is locked
/// (`Could not set lock on file "…": Conflicting lock is held in /usr/bin/itsm (PID 4711)`):
/// `another process (PID 4711: /usr/bin/itsm)`, or `another process` when it names none.
fn lock_holder(message: &str) -> Option<String> {
    if !message.contains("Could not set lock on file") {
        return None;
    }
    let held = message.split_once("Conflicting lock is held in ").map(|(_, rest)| rest);
    let parsed = held.and_then(|rest| {
        let (program, after) = rest.split_once(" (PID ")?;
        let pid: String = after.chars().take_while(char::is_ascii_digit).collect();
        (!pid.is_empty()).then(|| format!("another process (PID {pid}: {program})"))
    });
    Some(parsed.unwrap_or_else(|| "another process".to_string()))
}

/// One ingest batch as `itsm status` shows it.
#[derive(Debug, Clone)]
pub struct BatchRow {
    /// Batch id.
    pub batch_id: i64,
    /// Source name.
    pub source: String,
    /// Profile used.
    pub profile: String,
    /// File path as given.
    pub file: String,
    /// tickets or history.
    pub file_kind: String,
    /// Rows read (data rows, header excluded).
    pub rows_read: i64,
    /// Rows that passed validation.
    pub rows_loaded: i64,
    /// Rows kept in `rejected_row`.
    pub rows_rejected: i64,
    /// Rows that added a ticket or event that was not there before.
    pub rows_new: i64,
    /// Tickets replaced by a newer `updated_at`.
    pub rows_updated: i64,
    /// Values set empty so their rows could load (`ingest_warning`); None before schema 3.
    pub warnings: Option<i64>,
    /// Distinct tickets in the file; None before schema 3.
    pub tickets_in_file: Option<i64>,
    /// Of those, tickets the store holds; None before schema 3.
    pub tickets_stored: Option<i64>,
    /// History events staged (read or derived); None before schema 3.
    pub events_staged: Option<i64>,
    /// When the batch committed, UTC, `YYYY-MM-DD HH:MM:SS`.
    pub finished_at: String,
}

/// An open store.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// The table function batches are stored through, registered by the first batch.
    feed: Option<feed::Feed>,
}

impl Store {
    /// Opens (creating if needed) the database file and migrates it to the latest schema.
    pub fn open(path: &Path) -> Result<Store> {
        let conn = Connection::open(path).map_err(|source| open_error(path, source))?;
        let store = Store { conn, path: path.to_owned(), feed: None };
        store.apply_memory_limit()?;
        store.migrate()?;
        Ok(store)
    }

    /// `ITSM_MEMORY_LIMIT` (e.g. `4GB`), when set, caps DuckDB's memory; beyond it DuckDB
    /// spills to a temporary directory beside the database, so a build larger than memory
    /// completes (issue 14's 5M-ticket run). Unset: DuckDB's default, 80 % of RAM.
    fn apply_memory_limit(&self) -> Result<()> {
        let Ok(limit) = std::env::var("ITSM_MEMORY_LIMIT") else { return Ok(()) };
        self.conn
            .execute_batch(&format!("SET memory_limit = '{}'", limit.replace('\'', "''")))
            .map_err(sql_err(format!("setting ITSM_MEMORY_LIMIT='{limit}'")))
    }

    /// Turns off DuckDB's access to files other than the database (COPY, read_csv, …) for
    /// the rest of this connection; it cannot be turned on again.
    pub fn forbid_file_access(&self) -> Result<()> {
        self.conn.execute_batch("SET enable_external_access = false").map_err(sql_err("forbidding file access"))
    }

    /// Opens an existing file read-only (no migration; a newer or older schema is an error),
    /// for commands that must not change it, such as `itsm query`.
    pub fn open_read_only(path: &Path) -> Result<Store> {
        let open = |source| open_error(path, source);
        let config = duckdb::Config::default().access_mode(duckdb::AccessMode::ReadOnly).map_err(open)?;
        let conn = Connection::open_with_flags(path, config).map_err(open)?;
        let store = Store { conn, path: path.to_owned(), feed: None };
        store.apply_memory_limit()?;
        let (found, supported) = (store.schema_version()?, migrations::latest());
        if found > supported {
            return Err(StoreError::TooNew { path: store.path.clone(), found, supported });
        }
        Ok(store)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn migrate(&self) -> Result<()> {
        self.conn
            .execute_batch(
                "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL, applied_at TIMESTAMP NOT NULL)",
            )
            .map_err(sql_err("creating schema_version"))?;
        let found = self.schema_version()?;
        let supported = migrations::latest();
        if found > supported {
            return Err(StoreError::TooNew { path: self.path.clone(), found, supported });
        }
        for version in found + 1..=supported {
            let step = migrations::MIGRATIONS[(version - 1) as usize];
            let sql = format!(
                "BEGIN TRANSACTION;\n{step}\nINSERT INTO schema_version VALUES ({version}, now()::TIMESTAMP);\nCOMMIT;"
            );
            if let Err(source) = self.conn.execute_batch(&sql) {
                let _ = self.conn.execute_batch("ROLLBACK");
                return Err(StoreError::Migrate { path: self.path.clone(), version, source: Box::new(source) });
            }
        }
        Ok(())
    }

    /// The schema version of the open file.
    pub fn schema_version(&self) -> Result<i64> {
        self.query_i64("SELECT coalesce(max(version), 0) FROM schema_version")
    }

    /// Runs a query that returns one integer (a count, a max) and returns it.
    pub fn query_i64(&self, sql: &str) -> Result<i64> {
        self.conn.query_row(sql, [], |r| r.get::<_, i64>(0)).map_err(sql_err(format!("running `{sql}`")))
    }

    /// Runs a query and returns every value as DuckDB prints it (NULL as an empty
    /// string), row by row: for printing and for tests comparing with expected text.
    pub fn query_text(&self, sql: &str) -> Result<Vec<Vec<String>>> {
        let table = self.query_table(sql)?;
        Ok(table.rows.into_iter().map(|r| r.iter().map(ToString::to_string).collect()).collect())
    }

    /// Runs a query and returns its column names and typed values. Types without a
    /// [`Value`] variant of their own (intervals, lists, structs, times, blobs, time-zoned
    /// timestamps) come back as the text DuckDB prints for them.
    pub fn query_table(&self, sql: &str) -> Result<Table> {
        self.query_table_with(sql, &[])
    }

    /// Keeps the result of `sql` (with `?` parameters bound to text values) as the
    /// connection's temporary table `temp.<name>`, replacing one of that name: for a report
    /// that reads one costly result several ways. It is gone when the store is closed and
    /// never touches the database file (a read-only store can do it too).
    pub fn keep_temp_with(&self, name: &str, sql: &str, params: &[&str]) -> Result<()> {
        let context = format!("keeping temp.{name}");
        let create = format!("CREATE OR REPLACE TEMP TABLE {name} AS {sql}");
        let mut stmt = self.conn.prepare(&create).map_err(sql_err(context.clone()))?;
        stmt.execute(duckdb::params_from_iter(params)).map_err(sql_err(context))?;
        Ok(())
    }

    /// [`Store::query_table`] with `?` parameters bound to text values (DuckDB casts
    /// them where the query says, e.g. `?::TIMESTAMP`).
    pub fn query_table_with(&self, sql: &str, params: &[&str]) -> Result<Table> {
        let context = format!("running `{}`", sql.trim());
        let mut stmt = self.conn.prepare(sql).map_err(sql_err(context.clone()))?;
        let mut table = Table::default();
        let mut rows = stmt.query(duckdb::params_from_iter(params)).map_err(sql_err(context.clone()))?;
        let stmt_ref = rows.as_ref().ok_or_else(|| StoreError::Check {
            context: context.clone(),
            message: "the statement returned no result".into(),
        })?;
        let n = stmt_ref.column_count();
        let exotic: Vec<usize> = (0..n).filter(|&i| !values::is_plain(&stmt_ref.column_type(i))).collect();
        if !exotic.is_empty() {
            drop(rows);
            return self.query_table_cast(sql, params, &stmt.column_names(), &exotic);
        }
        while let Some(row) = rows.next().map_err(sql_err(context.clone()))? {
            let values = (0..n)
                .map(|i| row.get_ref(i).map(values::value))
                .collect::<std::result::Result<Vec<_>, _>>()
                .map_err(sql_err(context.clone()))?;
            table.rows.push(values);
        }
        drop(rows);
        table.columns = stmt.column_names();
        Ok(table)
    }

    /// The query again with the columns of types without a [`Value`] variant cast to
    /// VARCHAR by DuckDB (by name; every column when names repeat).
    fn query_table_cast(&self, sql: &str, params: &[&str], columns: &[String], exotic: &[usize]) -> Result<Table> {
        let quote = |c: &str| format!("\"{}\"", c.replace('"', "\"\""));
        let unique = {
            let mut names = columns.to_vec();
            names.sort();
            names.dedup();
            names.len() == columns.len()
        };
        let wrapped = if unique {
            let casts: Vec<String> = exotic
                .iter()
                .map(|&i| format!("CAST({} AS VARCHAR) AS {}", quote(&columns[i]), quote(&columns[i])))
                .collect();
            format!("SELECT * REPLACE ({}) FROM ({sql}) AS q", casts.join(", "))
        } else {
            format!("SELECT COLUMNS(*)::VARCHAR FROM ({sql}) AS q")
        };
        let context = format!("running `{}`", sql.trim());
        let mut stmt = self.conn.prepare(&wrapped).map_err(sql_err(context.clone()))?;
        let mut rows = stmt.query(duckdb::params_from_iter(params)).map_err(sql_err(context.clone()))?;
        let mut table = Table::default();
        while let Some(row) = rows.next().map_err(sql_err(context.clone()))? {
            let n = row.as_ref().column_count();
            let values = (0..n)
                .map(|i| row.get_ref(i).map(values::value))
                .collect::<std::result::Result<Vec<_>, _>>()
                .map_err(sql_err(context.clone()))?;
            table.rows.push(values);
        }
        drop(rows);
        table.columns = columns.to_vec();
        Ok(table)
    }

    /// Names of the tables and views in the main schema, sorted.
    pub fn relations(&self) -> Result<Vec<String>> {
        let sql = "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1";
        let mut stmt = self.conn.prepare(sql).map_err(sql_err("listing tables"))?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0)).map_err(sql_err("listing tables"))?;
        rows.collect::<std::result::Result<_, _>>().map_err(sql_err("listing tables"))
    }

    /// Starts a build: one transaction in which derived tables are replaced.
    pub fn begin_derive(&mut self) -> Result<Derive<'_>> {
        Derive::begin(&self.conn)
    }

    /// The batch that already holds a file with this content for this source, if any.
    pub fn batch_with_sha256(&self, source: &str, sha256: &str) -> Result<Option<i64>> {
        let mut stmt = self
            .conn
            .prepare("SELECT batch_id FROM ingest_batch WHERE source = ? AND sha256 = ? ORDER BY batch_id LIMIT 1")
            .map_err(sql_err("looking up batch by sha256"))?;
        let mut rows = stmt.query([source, sha256]).map_err(sql_err("looking up batch by sha256"))?;
        match rows.next().map_err(sql_err("looking up batch by sha256"))? {
            Some(row) => Ok(Some(row.get(0).map_err(sql_err("reading batch id"))?)),
            None => Ok(None),
        }
    }

    /// Starts an ingest batch: one transaction that either commits whole or leaves the file
    /// as it was (also when the process dies before the commit).
    pub fn begin_batch(&mut self) -> Result<BatchWriter<'_>> {
        let feed = match &self.feed {
            Some(feed) => feed.clone(),
            None => self.feed.insert(feed::Feed::register(&self.conn)?).clone(),
        };
        BatchWriter::begin(&self.conn, feed)
    }

    /// All batches, oldest first.
    pub fn batches(&self) -> Result<Vec<BatchRow>> {
        let sql = "SELECT batch_id, source, profile, file, file_kind, rows_read, rows_loaded, rows_rejected, \
                   rows_new, rows_updated, strftime(finished_at, '%Y-%m-%d %H:%M:%S'), \
                   warnings, tickets_in_file, tickets_stored, events_staged \
                   FROM ingest_batch ORDER BY batch_id";
        let mut stmt = self.conn.prepare(sql).map_err(sql_err("listing batches"))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(BatchRow {
                    batch_id: r.get(0)?,
                    source: r.get(1)?,
                    profile: r.get(2)?,
                    file: r.get(3)?,
                    file_kind: r.get(4)?,
                    rows_read: r.get(5)?,
                    rows_loaded: r.get(6)?,
                    rows_rejected: r.get(7)?,
                    rows_new: r.get(8)?,
                    rows_updated: r.get(9)?,
                    finished_at: r.get(10)?,
                    warnings: r.get(11)?,
                    tickets_in_file: r.get(12)?,
                    tickets_stored: r.get(13)?,
                    events_staged: r.get(14)?,
                })
            })
            .map_err(sql_err("listing batches"))?;
        rows.collect::<std::result::Result<_, _>>().map_err(sql_err("listing batches"))
    }

    /// Row counts of the canonical tables, in a fixed order.
    pub fn table_counts(&self) -> Result<Vec<(&'static str, i64)>> {
        ["ticket", "ticket_event", "team", "ingest_batch", "rejected_row", "ingest_warning"]
            .into_iter()
            .map(|t| Ok((t, self.query_i64(&format!("SELECT count(*) FROM {t}"))?)))
            .collect()
    }

    /// Earliest and latest `opened_at` (UTC, `YYYY-MM-DD HH:MM`) per source with its ticket count.
    pub fn ticket_ranges(&self) -> Result<Vec<(String, i64, String, String)>> {
        let sql = "SELECT source, count(*), strftime(min(opened_at), '%Y-%m-%d %H:%M'), \
                   strftime(max(opened_at), '%Y-%m-%d %H:%M') FROM ticket GROUP BY source ORDER BY source";
        let mut stmt = self.conn.prepare(sql).map_err(sql_err("reading ticket date range"))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .map_err(sql_err("reading ticket date range"))?;
        rows.collect::<std::result::Result<_, _>>().map_err(sql_err("reading ticket date range"))
    }

    /// Teams in the `team` table, by name.
    pub fn teams(&self) -> Result<Vec<TeamRow>> {
        let mut stmt = self
            .conn
            .prepare("SELECT name, line, customer FROM team ORDER BY name")
            .map_err(sql_err("listing teams"))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(TeamRow { name: r.get(0)?, line: r.get::<_, Option<i64>>(1)?.map(|l| l as u8), customer: r.get(2)? })
            })
            .map_err(sql_err("listing teams"))?;
        rows.collect::<std::result::Result<_, _>>().map_err(sql_err("listing teams"))
    }

    /// Loads a CSV file into a table with DuckDB's own reader (types sniffed, as a user of
    /// `read_csv` would) and returns its row count. Used by the ingest benchmark as the
    /// baseline the Rust ingest path is compared with.
    pub fn read_csv_baseline(&self, file: &Path, table: &str) -> Result<i64> {
        let path = file.to_string_lossy().replace('\'', "''");
        self.conn
            .execute_batch(&format!(
                "CREATE OR REPLACE TABLE {table} AS SELECT * FROM read_csv('{path}', header = true)"
            ))
            .map_err(sql_err(format!("reading '{path}' with read_csv")))?;
        self.query_i64(&format!("SELECT count(*) FROM {table}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ColumnType, EVENT_COLUMNS, TICKET_COLUMNS};
    use crate::table::Value;

    fn temp_db(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("itsm-store-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("t.duckdb")
    }

    #[test]
    fn a_locked_file_is_busy_naming_the_holder_and_other_failures_stay_open_errors() {
        // DuckDB's message as `itsm report` printed it while `itsm build` ran (issue 18).
        let locked = "IO Error: Could not set lock on file \"/tmp/x/itsm.duckdb\": Conflicting lock is held in \
                      /opt/itsm/bin/itsm (PID 23931). See also https://duckdb.org/docs/current/connect/concurrency";
        assert_eq!(lock_holder(locked).as_deref(), Some("another process (PID 23931: /opt/itsm/bin/itsm)"));
        let unnamed = "IO Error: Could not set lock on file \"/tmp/x/itsm.duckdb\": Resource temporarily unavailable";
        assert_eq!(lock_holder(unnamed).as_deref(), Some("another process"));
        assert_eq!(lock_holder("IO Error: Cannot open file \"/nope/x.duckdb\": No such file or directory"), None);
        let busy = StoreError::Busy { path: PathBuf::from("itsm.duckdb"), holder: lock_holder(locked).unwrap().into() };
        let text = busy.to_string();
        assert!(text.starts_with("database 'itsm.duckdb' is busy: another process (PID 23931"), "{text}");
        assert!(text.contains("wait for that command to finish"), "{text}");
        // A file that cannot be opened for another reason keeps DuckDB's reason.
        let missing = temp_db("open-error").with_file_name("no-such-dir").join("x.duckdb");
        let err = Store::open(&missing).err().expect("a missing directory fails");
        assert!(matches!(err, StoreError::Open { .. }), "{err:?}");
    }

    fn columns(store: &Store, table: &str) -> Vec<(String, String)> {
        let mut stmt = store
            .conn
            .prepare("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position")
            .unwrap();
        stmt.query_map([table], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(|r| r.unwrap()).collect()
    }

    fn sql_type(ty: ColumnType) -> &'static str {
        match ty {
            ColumnType::Text => "VARCHAR",
            ColumnType::Instant => "TIMESTAMP",
            ColumnType::Int => "INTEGER",
            ColumnType::Number => "DOUBLE",
            ColumnType::Bool => "BOOLEAN",
            ColumnType::Money => "DECIMAL(18,2)",
            ColumnType::BatchId => "BIGINT",
        }
    }

    #[test]
    fn tables_match_the_canonical_model() {
        let store = Store::open(&temp_db("model")).unwrap();
        for (table, model) in [("ticket", TICKET_COLUMNS), ("ticket_event", EVENT_COLUMNS)] {
            let mut want: Vec<(String, String)> =
                model.iter().map(|c| (c.name.to_string(), sql_type(c.ty).to_string())).collect();
            if table == "ticket_event" {
                // Written by the store from the row number, not mapped by profiles.
                want.push(("seq".to_string(), "BIGINT".to_string()));
            }
            assert_eq!(columns(&store, table), want, "table {table}");
        }
    }

    #[test]
    fn a_batch_appends_with_one_duckdb_thread_and_one_buffered_row_group_and_gives_the_settings_back() {
        let mut store = Store::open(&temp_db("threads")).unwrap();
        store.conn.execute_batch("SET threads = 3; SET write_buffer_row_group_count = 7").unwrap();
        let settings = |conn: &Connection| {
            conn.query_row(
                "SELECT CAST(current_setting('threads') AS BIGINT), \
                 CAST(current_setting('write_buffer_row_group_count') AS BIGINT)",
                [],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
            )
            .unwrap()
        };
        {
            let _writer = store.begin_batch().unwrap();
        } // dropped: rolled back
        assert_eq!(settings(&store.conn), (3, 7), "a rolled-back batch gives the settings back");
        let writer = store.begin_batch().unwrap();
        assert_eq!(settings(writer.conn), (1, 1));
        drop(writer);
        assert_eq!(settings(&store.conn), (3, 7));
    }

    #[test]
    fn team_rules_match_globs_case_insensitively() {
        let rule = |p: &str| TeamRule { pattern: p.into(), line: 1, customer: None };
        assert!(rule("*2nd*").matches("G96 2nd"));
        assert!(rule("group ?").matches("Group 5") && !rule("group ?").matches("Group 56"));
        assert!(rule("*").matches("") && !rule("V5").matches("V5 3rd"));
    }

    #[test]
    fn each_database_draws_its_own_pseudonym_salt_once() {
        let salt = |store: &Store| store.query_table("SELECT secret FROM store_secret").unwrap().rows;
        let (a, b) = (temp_db("salt-a"), temp_db("salt-b"));
        let first = salt(&Store::open(&a).unwrap());
        assert_eq!(first.len(), 1);
        let text = first[0][0].to_string();
        assert!(text.len() == 64 && text.chars().all(|c| c.is_ascii_hexdigit()), "{text}");
        assert_eq!(salt(&Store::open(&a).unwrap()), first, "reopening keeps it");
        assert_ne!(salt(&Store::open(&b).unwrap()), first, "another database, another salt");
    }

    #[test]
    fn reopening_keeps_version_and_newer_file_is_refused() {
        let path = temp_db("version");
        let store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), migrations::latest());
        store.conn.execute_batch("INSERT INTO schema_version VALUES (999, now()::TIMESTAMP)").unwrap();
        drop(store);
        match Store::open(&path) {
            Err(StoreError::TooNew { found: 999, .. }) => {}
            other => panic!("expected TooNew, got {:?}", other.err()),
        }
    }

    #[test]
    fn older_file_is_migrated_on_open() {
        let path = temp_db("older");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch("CREATE TABLE schema_version (version BIGINT NOT NULL, applied_at TIMESTAMP NOT NULL)")
                .unwrap();
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), migrations::latest());
        assert_eq!(store.query_i64("SELECT count(*) FROM ticket").unwrap(), 0);
    }

    #[test]
    fn a_schema_3_file_migrates_to_the_latest_and_keeps_every_row() {
        // A file as the previous version made it: its DDL is the released migrations 1–3,
        // which are never edited, recorded as version 3.
        let path = temp_db("schema3");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch("CREATE TABLE schema_version (version BIGINT NOT NULL, applied_at TIMESTAMP NOT NULL)")
                .unwrap();
            for (i, step) in migrations::MIGRATIONS[..3].iter().enumerate() {
                conn.execute_batch(step).unwrap();
                conn.execute_batch(&format!("INSERT INTO schema_version VALUES ({}, now()::TIMESTAMP)", i + 1))
                    .unwrap();
            }
            conn.execute_batch(
                "INSERT INTO ingest_batch VALUES (1, 'src', 'generic', 't.csv', 'tickets', 'ab', 10, 'utf-8', ',', \
                   3, 2, 1, 2, 0, TIMESTAMP '2026-03-01 08:00', TIMESTAMP '2026-03-01 08:01', '0.1.0', 1, 2, 2, 0, 1, 1, NULL);
                 INSERT INTO team VALUES ('Service Desk', 1, NULL), ('V1 3rd', 3, NULL);
                 INSERT INTO ticket SELECT 'src', 'T' || i, 'incident', 'Titel ' || i, 'Kävlinge', NULL, NULL, NULL,
                   'phone', NULL, NULL, 'high', 'resolved', TIMESTAMP '2026-03-02 08:00', NULL,
                   TIMESTAMP '2026-03-02 09:00', NULL, 'Service Desk', 'V1 3rd', 'V1 3rd', 1, 0, NULL, NULL, 12.5,
                   true, NULL, 'Anna', TIMESTAMP '2026-03-02 09:00', 1, true, 'Solved', 'Sub', 'Lund', 'CHG1'
                   FROM range(2) r(i);
                 INSERT INTO ticket_event VALUES ('src', 'T0', TIMESTAMP '2026-03-02 08:30', 'assignment', 'V1 3rd',
                   NULL, NULL, 1, 7);
                 INSERT INTO rejected_row VALUES (1, 4, 'opened_at', 'x', 'bad date', 'raw');
                 INSERT INTO ingest_warning VALUES (1, 3, 'channel', 'Fax', 'unknown; set empty');",
            )
            .unwrap();
        }
        let counts = |store: &Store| -> Vec<i64> {
            ["ingest_batch", "team", "ticket", "ticket_event", "rejected_row", "ingest_warning"]
                .iter()
                .map(|t| store.query_i64(&format!("SELECT count(*) FROM {t}")).unwrap())
                .collect()
        };
        let store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), migrations::latest());
        assert_eq!(counts(&store), vec![1, 2, 2, 1, 1, 1], "every row survives");
        // The old columns keep their values; the new cost (4) and major_incident (5) columns are empty.
        let kept = store
            .query_text(
                "SELECT ticket_id, title, work_minutes, caused_by, events_new, cost IS NULL, major_incident IS NULL \
                 FROM ticket, ingest_batch ORDER BY ticket_id",
            )
            .unwrap();
        assert_eq!(
            kept,
            vec![
                vec!["T0", "Titel 0", "12.5", "CHG1", "1", "true", "true"],
                vec!["T1", "Titel 1", "12.5", "CHG1", "1", "true", "true"]
            ]
        );
        let cost_type = columns(&store, "ticket").into_iter().find(|(c, _)| c == "cost").map(|(_, t)| t);
        assert_eq!(cost_type.as_deref(), Some("DECIMAL(18,2)"));
        drop(store);
        // Opening again changes nothing.
        let store = Store::open(&path).unwrap();
        assert_eq!((store.schema_version().unwrap(), counts(&store)), (migrations::latest(), vec![1, 2, 2, 1, 1, 1]));
    }

    #[test]
    fn typed_values_print_as_duckdb_casts_them() {
        let store = Store::open(&temp_db("typed")).unwrap();
        let values =
            "(1.0::DOUBLE), (0.1), (1e15), (1e16), (1e-5), (-0.0), (1.0/3), (12345678901234567890.0), (2e-300)";
        let sql = format!("SELECT v, v::VARCHAR AS text FROM (VALUES {values}) t(v)");
        let table = store.query_table(&sql).unwrap();
        for row in &table.rows {
            assert!(matches!(row[0], Value::Float(_)), "{row:?}");
            assert_eq!(row[0].to_string(), row[1].to_string());
        }
        let sql = "SELECT 12.50::DECIMAL(9,2) AS d, 170141183460469231731687303715884105727::HUGEINT AS h, \
                   DATE '2026-10-01' AS m, TIMESTAMP '2026-10-01 12:00:00.25' AS t, true AS b, 7::TINYINT AS i, \
                   NULL AS n, INTERVAL 90 MINUTE AS iv, TIMESTAMPTZ '2026-10-01 12:00:00+00' AS tz";
        let row = &store.query_table(sql).unwrap().rows[0];
        assert_eq!(row[0], Value::Decimal { value: 1250, scale: 2 });
        assert_eq!(row[1].to_string(), "170141183460469231731687303715884105727");
        assert!(matches!(row[2], Value::Date(_)) && row[2].to_string() == "2026-10-01");
        assert!(matches!(row[3], Value::Timestamp(_)) && row[3].to_string() == "2026-10-01 12:00:00.25");
        assert_eq!((&row[4], &row[5], &row[6]), (&Value::Bool(true), &Value::Int(7), &Value::Null));
        assert_eq!(row[7], Value::Text("01:30:00".into()));
        assert!(matches!(&row[8], Value::Text(t) if t.starts_with("2026-10-01")), "{:?}", row[8]);
        let bound = store.query_table_with("SELECT CAST(? AS DATE) + 1 AS d", &["2026-10-01"]).unwrap();
        assert_eq!(bound.rows[0][0].to_string(), "2026-10-02");
    }
}
