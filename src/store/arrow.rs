//! Query results as Arrow record batches, streamed: for writers that keep DuckDB's types
//! as they are (DECIMAL as Decimal128, TIMESTAMP as microsecond timestamps, DATE as
//! Date32), such as `itsm export`'s Parquet files. The store hands batches out one at a
//! time, so a table larger than memory is never held whole.

use duckdb::arrow::datatypes::SchemaRef;
use duckdb::arrow::record_batch::RecordBatch;

use super::{sql_err, Store, StoreError};

impl Store {
    /// The Arrow schema of `sql`'s result (the query runs with `LIMIT 0`).
    pub fn arrow_schema(&self, sql: &str) -> Result<SchemaRef, StoreError> {
        let context = format!("reading the columns of `{}`", sql.trim());
        let wrapped = format!("SELECT * FROM ({sql}) AS q LIMIT 0");
        let mut stmt = self.conn.prepare(&wrapped).map_err(sql_err(context.clone()))?;
        let stream = stmt.stream_arrow([]).map_err(sql_err(context))?;
        Ok(stream.get_schema())
    }

    /// Runs `sql` and hands each record batch of its result to `each`, in order; stops at
    /// the first error (DuckDB's, or the one `each` returns).
    pub fn for_each_arrow_batch<E: From<StoreError>>(
        &self,
        sql: &str,
        mut each: impl FnMut(RecordBatch) -> Result<(), E>,
    ) -> Result<(), E> {
        let context = format!("running `{}`", sql.trim());
        let mut stmt = self.conn.prepare(sql).map_err(sql_err(context.clone()))?;
        let stream = stmt.stream_arrow([]).map_err(sql_err(context.clone()))?;
        for batch in stream {
            each(batch.map_err(sql_err(context.clone()))?)?;
        }
        Ok(())
    }
}
