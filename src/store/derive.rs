//! The write side of `itsm build`: one DuckDB transaction in which the generated inputs
//! (configuration tables, the calendar table) are loaded and every model is replaced. It
//! commits whole or not at all, so a failing model leaves the previous build in place.
//! Dropping the transaction without committing rolls it back.

use arrow::record_batch::RecordBatch;
use duckdb::Connection;

use super::{sql_err, Result};

/// An open build transaction.
pub struct Derive<'c> {
    conn: &'c Connection,
    open: bool,
}

impl<'c> Derive<'c> {
    pub(super) fn begin(conn: &'c Connection) -> Result<Derive<'c>> {
        conn.execute_batch("BEGIN TRANSACTION").map_err(sql_err("starting build transaction"))?;
        Ok(Derive { conn, open: true })
    }

    /// Runs statements; `context` says what they are for in the error.
    pub fn execute(&self, sql: &str, context: &str) -> Result<()> {
        self.conn.execute_batch(sql).map_err(sql_err(context))
    }

    /// Runs one statement and returns the rows it wrote or deleted: DuckDB's count of an
    /// `INSERT`, a `DELETE` or a `CREATE TABLE … AS`. `context` says what it is for in the error.
    pub fn execute_count(&self, sql: &str, context: &str) -> Result<i64> {
        self.conn.query_row(sql, [], |r| r.get::<_, i64>(0)).map_err(sql_err(context))
    }

    /// Replaces `table` (declared by `columns`, e.g. `"a VARCHAR, b BIGINT"`) with the rows
    /// of `batch`, whose columns must match in order and type.
    pub fn load(&self, table: &str, columns: &str, batch: RecordBatch) -> Result<()> {
        let context = format!("loading {} rows into {table}", batch.num_rows());
        self.conn
            .execute_batch(&format!("CREATE OR REPLACE TABLE {table} ({columns})"))
            .map_err(sql_err(context.clone()))?;
        if batch.num_rows() == 0 {
            return Ok(());
        }
        let mut app = self.conn.appender(table).map_err(sql_err(context.clone()))?;
        app.append_record_batch(batch).map_err(sql_err(context.clone()))?;
        app.flush().map_err(sql_err(context))
    }

    /// Runs a query returning one integer.
    pub fn query_i64(&self, sql: &str) -> Result<i64> {
        self.conn.query_row(sql, [], |r| r.get::<_, i64>(0)).map_err(sql_err(format!("running `{sql}`")))
    }

    /// Runs a query returning one text column.
    pub fn query_column(&self, sql: &str) -> Result<Vec<String>> {
        let context = format!("running `{sql}`");
        let mut stmt = self.conn.prepare(sql).map_err(sql_err(context.clone()))?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0)).map_err(sql_err(context.clone()))?;
        rows.collect::<std::result::Result<_, _>>().map_err(sql_err(context))
    }

    /// Makes everything visible.
    pub fn commit(mut self) -> Result<()> {
        self.open = false;
        self.conn.execute_batch("COMMIT").map_err(sql_err("committing the build"))
    }
}

impl Drop for Derive<'_> {
    fn drop(&mut self) {
        if self.open {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}
