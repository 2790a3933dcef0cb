//! A table function that hands DuckDB the Arrow record batch ingest built, so that a batch
//! is stored by `INSERT INTO table SELECT * FROM itsm_batch_rows()` instead of through an
//! `Appender`.
//!
//! Why: on the 1M sample the Appender's path cost the store thread about a quarter of its
//! CPU before DuckDB stored a value. duckdb-rs converts every string through the C API,
//! which copies it into the vector and checks its UTF-8 again, and the Appender then copies
//! each chunk into a buffer of its own before appending it to the table. Here a chunk's
//! strings point into the batch's Arrow buffers (Rust strings, so valid UTF-8 already) and
//! the `INSERT` appends the chunk to the table, which copies each value into storage once.
//!
//! The only `unsafe` code of the project is here: writing DuckDB's `string_t` entries and
//! fixed-width values into a vector's memory. What keeps it sound: the record batch (and
//! with it every buffer a `string_t` points to) is held by the bind data for the whole
//! statement, DuckDB copies every value it stores, and each write stays within the
//! chunk's capacity (`duckdb_vector_size`) and the vector's declared type.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use arrow::array::{Array, AsArray};
use arrow::datatypes::{
    DataType, Decimal128Type, Float64Type, Int32Type, Int64Type, TimeUnit, TimestampMicrosecondType,
};
use arrow::record_batch::RecordBatch;
use duckdb::core::{DataChunkHandle, FlatVector, LogicalTypeHandle, LogicalTypeId};
use duckdb::ffi;
use duckdb::vtab::{BindInfo, InitInfo, TableFunctionInfo, VTab};
use duckdb::Connection;

use super::{sql_err, Result, StoreError};

/// The table function's name.
pub const FUNCTION: &str = "itsm_batch_rows";

type Error = Box<dyn std::error::Error>;

/// The batch the next `SELECT … FROM itsm_batch_rows()` reads; the function's extra info.
#[derive(Clone, Default)]
pub(super) struct Feed(Arc<Mutex<Option<RecordBatch>>>);

impl Feed {
    /// Registers the table function on `conn`, reading what this feed holds.
    pub(super) fn register(conn: &Connection) -> Result<Feed> {
        let feed = Feed::default();
        conn.register_table_function_with_extra_info::<BatchRows, _>(FUNCTION, &feed)
            .map_err(sql_err("registering the batch table function"))?;
        Ok(feed)
    }

    /// Stores `batch` in `table` (`catalog.main.table`), whose columns it matches in order.
    pub(super) fn insert(&self, conn: &Connection, table: &str, batch: RecordBatch) -> Result<()> {
        let context = format!("appending {} rows to {table}", batch.num_rows());
        if batch.num_rows() == 0 {
            return Ok(());
        }
        for field in batch.schema().fields() {
            if !supported(field.data_type()) {
                return Err(StoreError::Check {
                    context,
                    message: format!(
                        "column {} has the Arrow type {}, which the store does not take",
                        field.name(),
                        field.data_type()
                    ),
                });
            }
        }
        // Not a cached statement: the function binds the batch when the statement is prepared.
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(batch);
        let done = conn.execute(&format!("INSERT INTO {table} SELECT * FROM {FUNCTION}()"), []);
        self.0.lock().unwrap_or_else(|p| p.into_inner()).take();
        done.map(|_| ()).map_err(sql_err(context))
    }
}

/// The Arrow types ingest builds, and how DuckDB stores them.
fn supported(ty: &DataType) -> bool {
    matches!(
        ty,
        DataType::Utf8
            | DataType::Int32
            | DataType::Int64
            | DataType::Float64
            | DataType::Boolean
            | DataType::Timestamp(TimeUnit::Microsecond, None)
    ) || matches!(ty, DataType::Decimal128(p, s) if (10..=18).contains(p) && *s >= 0)
}

fn duckdb_type(ty: &DataType) -> LogicalTypeHandle {
    match ty {
        DataType::Utf8 => LogicalTypeHandle::from(LogicalTypeId::Varchar),
        DataType::Int32 => LogicalTypeHandle::from(LogicalTypeId::Integer),
        DataType::Int64 => LogicalTypeHandle::from(LogicalTypeId::Bigint),
        DataType::Float64 => LogicalTypeHandle::from(LogicalTypeId::Double),
        DataType::Boolean => LogicalTypeHandle::from(LogicalTypeId::Boolean),
        DataType::Decimal128(p, s) => LogicalTypeHandle::decimal(*p, *s as u8),
        _ => LogicalTypeHandle::from(LogicalTypeId::Timestamp),
    }
}

struct BatchRows;

struct Bound {
    batch: RecordBatch,
}

struct Position {
    next: AtomicUsize,
}

impl VTab for BatchRows {
    type BindData = Bound;
    type InitData = Position;

    fn bind(bind: &BindInfo) -> std::result::Result<Bound, Error> {
        // SAFETY: the extra info is the `Feed` cloned into the function at registration,
        // which DuckDB keeps (and never moves) for as long as the function exists.
        let feed = unsafe { &*bind.get_extra_info::<Feed>() };
        let batch = feed.0.lock().map_err(|_| "the batch feed is poisoned")?.clone();
        let batch = batch.ok_or("itsm_batch_rows() reads a batch only while ingest stores one")?;
        for field in batch.schema().fields() {
            bind.add_result_column(field.name(), duckdb_type(field.data_type()));
        }
        bind.set_cardinality(batch.num_rows() as u64, true);
        Ok(Bound { batch })
    }

    fn init(init: &InitInfo) -> std::result::Result<Position, Error> {
        init.set_max_threads(1);
        Ok(Position { next: AtomicUsize::new(0) })
    }

    fn func(func: &TableFunctionInfo<Self>, output: &mut DataChunkHandle) -> std::result::Result<(), Error> {
        let batch = &func.get_bind_data().batch;
        let position = func.get_init_data();
        // SAFETY: a plain call without arguments; DuckDB's compile-time vector size.
        let capacity = unsafe { ffi::duckdb_vector_size() } as usize;
        let start = position.next.load(Ordering::Relaxed);
        let len = capacity.min(batch.num_rows() - start);
        for (i, column) in batch.columns().iter().enumerate() {
            fill(column.as_ref(), start, len, &mut output.flat_vector(i))?;
        }
        output.set_len(len);
        position.next.store(start + len, Ordering::Relaxed);
        Ok(())
    }
}

/// Writes rows `start .. start + len` of `column` into `out` (len ≤ the vector size).
fn fill(column: &dyn Array, start: usize, len: usize, out: &mut FlatVector<'_>) -> std::result::Result<(), Error> {
    if len > out.capacity() {
        return Err("a chunk larger than DuckDB's vector".into());
    }
    match column.data_type() {
        DataType::Utf8 => {
            let strings = column.as_string::<i32>();
            let nulls = strings.nulls();
            // SAFETY: a VARCHAR vector's data is `capacity` `duckdb_string_t`s; `len` fits.
            let slots = unsafe { std::slice::from_raw_parts_mut(out.as_mut_ptr::<ffi::duckdb_string_t>(), len) };
            for (row, slot) in slots.iter_mut().enumerate() {
                let null = nulls.is_some_and(|n| n.is_null(start + row));
                *slot = string_t(if null { "" } else { strings.value(start + row) });
            }
        }
        DataType::Int32 => copy(out, &column.as_primitive::<Int32Type>().values()[start..start + len]),
        DataType::Int64 => copy(out, &column.as_primitive::<Int64Type>().values()[start..start + len]),
        DataType::Float64 => copy(out, &column.as_primitive::<Float64Type>().values()[start..start + len]),
        DataType::Timestamp(TimeUnit::Microsecond, None) => {
            copy(out, &column.as_primitive::<TimestampMicrosecondType>().values()[start..start + len])
        }
        // DECIMAL(10 ≤ p ≤ 18) is stored as a 64-bit integer of the same scale (a narrower
        // one in fewer bits: not taken, see `supported`).
        DataType::Decimal128(..) => {
            let values = &column.as_primitive::<Decimal128Type>().values()[start..start + len];
            let narrowed = values.iter().map(|v| i64::try_from(*v)).collect::<std::result::Result<Vec<i64>, _>>();
            copy(out, &narrowed.map_err(|_| "a decimal beyond DECIMAL(18)")?);
        }
        DataType::Boolean => {
            let bools = column.as_boolean();
            let bytes: Vec<bool> = (start..start + len).map(|r| bools.value(r)).collect();
            copy(out, &bytes);
        }
        other => return Err(format!("the Arrow type {other} is not stored").into()),
    }
    if let Some(nulls) = column.nulls().filter(|n| n.null_count() > 0) {
        for row in 0..len {
            if nulls.is_null(start + row) {
                out.set_null(row);
            }
        }
    }
    Ok(())
}

/// Copies fixed-width values into the first `values.len()` slots of `out`.
fn copy<T: Copy>(out: &mut FlatVector<'_>, values: &[T]) {
    // SAFETY: callers pass the Rust type of the vector's DuckDB type (INTEGER: i32,
    // BIGINT/TIMESTAMP/DECIMAL(18): i64, DOUBLE: f64, BOOLEAN: bool) and at most its capacity.
    unsafe { out.as_mut_slice_with_len::<T>(values.len()).copy_from_slice(values) }
}

/// DuckDB's string header for `s`: up to 12 bytes inline, longer ones as length, prefix and
/// a pointer into the Arrow buffer (which outlives the statement, see the module docs).
fn string_t(s: &str) -> ffi::duckdb_string_t {
    let bytes = s.as_bytes();
    let length = bytes.len() as u32;
    if bytes.len() <= 12 {
        // The unused inline bytes must be zero: DuckDB compares inline strings whole.
        let mut inlined = [0 as std::os::raw::c_char; 12];
        for (to, from) in inlined.iter_mut().zip(bytes) {
            *to = *from as std::os::raw::c_char;
        }
        ffi::duckdb_string_t {
            value: ffi::duckdb_string_t__bindgen_ty_1 {
                inlined: ffi::duckdb_string_t__bindgen_ty_1__bindgen_ty_2 { length, inlined },
            },
        }
    } else {
        let mut prefix = [0 as std::os::raw::c_char; 4];
        for (to, from) in prefix.iter_mut().zip(bytes) {
            *to = *from as std::os::raw::c_char;
        }
        ffi::duckdb_string_t {
            value: ffi::duckdb_string_t__bindgen_ty_1 {
                pointer: ffi::duckdb_string_t__bindgen_ty_1__bindgen_ty_1 {
                    length,
                    prefix,
                    ptr: bytes.as_ptr() as *mut std::os::raw::c_char,
                },
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use arrow::array::{
        ArrayRef, BooleanArray, Decimal128Array, Float64Array, Int32Array, Int64Array, StringArray,
        TimestampMicrosecondArray,
    };
    use arrow::datatypes::{Field, Schema};

    /// Every stored type, with NULLs, strings inline (≤ 12 bytes) and not, non-ASCII text,
    /// over several of DuckDB's vectors: read back equal, row for row.
    #[test]
    fn a_batch_is_stored_value_for_value_across_vectors() {
        let n = 5_000usize;
        let text = |i: usize| match i % 5 {
            0 => None,
            1 => Some(String::new()),
            2 => Some(format!("kort {i}")),
            3 => Some(format!("ärende {i} med en längre text än tolv byte")),
            _ => Some("exactly12byt".to_string()),
        };
        let columns: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from((0..n).map(text).collect::<Vec<_>>())),
            Arc::new(Int32Array::from((0..n).map(|i| (i % 7 != 0).then_some(i as i32 - 2_000)).collect::<Vec<_>>())),
            Arc::new(Int64Array::from((0..n).map(|i| i as i64 * 1_000_000_007).collect::<Vec<_>>())),
            Arc::new(Float64Array::from((0..n).map(|i| (i % 3 != 0).then_some(i as f64 / 8.0)).collect::<Vec<_>>())),
            Arc::new(BooleanArray::from((0..n).map(|i| (i % 4 != 0).then_some(i % 3 == 0)).collect::<Vec<_>>())),
            Arc::new(TimestampMicrosecondArray::from(
                (0..n)
                    .map(|i| (i % 6 != 0).then_some(1_700_000_000_000_000 + i as i64 * 61_000_001))
                    .collect::<Vec<_>>(),
            )),
            Arc::new(
                Decimal128Array::from(
                    (0..n).map(|i| (i % 9 != 0).then_some(i as i128 * 12_345 + 99)).collect::<Vec<_>>(),
                )
                .with_precision_and_scale(18, 2)
                .unwrap(),
            ),
        ];
        let schema = Schema::new(vec![
            Field::new("t", DataType::Utf8, true),
            Field::new("i", DataType::Int32, true),
            Field::new("b", DataType::Int64, false),
            Field::new("f", DataType::Float64, true),
            Field::new("o", DataType::Boolean, true),
            Field::new("at_", DataType::Timestamp(TimeUnit::Microsecond, None), true),
            Field::new("m", DataType::Decimal128(18, 2), true),
        ]);
        let batch = RecordBatch::try_new(Arc::new(schema), columns).unwrap();
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE x (t VARCHAR, i INTEGER, b BIGINT, f DOUBLE, o BOOLEAN, at_ TIMESTAMP, m DECIMAL(18, 2))",
        )
        .unwrap();
        let feed = Feed::register(&conn).unwrap();
        feed.insert(&conn, "x", batch.slice(0, 3_000)).unwrap();
        feed.insert(&conn, "x", batch.slice(3_000, n - 3_000)).unwrap();
        // The batch is gone once stored: the function reads nothing outside an insert.
        assert!(conn.execute("SELECT * FROM itsm_batch_rows()", []).is_err());

        let mut stmt = conn
            .prepare(
                "SELECT t, i, b, f, o, epoch_us(at_), CAST(m * 100 AS BIGINT) FROM x \
                 ORDER BY b",
            )
            .unwrap();
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, Option<String>>(0)?,
                    r.get::<_, Option<i32>>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, Option<f64>>(3)?,
                    r.get::<_, Option<bool>>(4)?,
                    r.get::<_, Option<i64>>(5)?,
                    r.get::<_, Option<i64>>(6)?,
                ))
            })
            .unwrap()
            .collect::<std::result::Result<Vec<_>, _>>()
            .unwrap();
        assert_eq!(rows.len(), n);
        for (i, row) in rows.into_iter().enumerate() {
            let expected = (
                text(i),
                (i % 7 != 0).then_some(i as i32 - 2_000),
                i as i64 * 1_000_000_007,
                (i % 3 != 0).then_some(i as f64 / 8.0),
                (i % 4 != 0).then_some(i % 3 == 0),
                (i % 6 != 0).then_some(1_700_000_000_000_000 + i as i64 * 61_000_001),
                (i % 9 != 0).then_some(i as i64 * 12_345 + 99),
            );
            assert_eq!(row, expected, "row {i}");
        }
        // Inline strings compare whole (their unused bytes are zero): equal to literals.
        let kort: i64 = conn.query_row("SELECT count(*) FROM x WHERE t = 'kort 2'", [], |r| r.get(0)).unwrap();
        assert_eq!(kort, 1);
    }

    #[test]
    fn a_type_the_store_does_not_take_is_an_error_naming_the_column() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE x (u VARCHAR)").unwrap();
        let feed = Feed::register(&conn).unwrap();
        let schema = Schema::new(vec![Field::new("u", DataType::UInt8, true)]);
        let batch = RecordBatch::try_new(
            Arc::new(schema),
            vec![Arc::new(arrow::array::UInt8Array::from(vec![1u8])) as ArrayRef],
        )
        .unwrap();
        let err = feed.insert(&conn, "x", batch).unwrap_err().to_string();
        assert!(err.contains("column u has the Arrow type UInt8"), "{err}");
        // DuckDB keeps DECIMAL(5, 2) in 32 bits, not in the 64 the feed writes.
        let narrow = Decimal128Array::from(vec![Some(12_345i128)]).with_precision_and_scale(5, 2).unwrap();
        let schema = Schema::new(vec![Field::new("u", DataType::Decimal128(5, 2), true)]);
        let batch = RecordBatch::try_new(Arc::new(schema), vec![Arc::new(narrow) as ArrayRef]).unwrap();
        let err = feed.insert(&conn, "x", batch).unwrap_err().to_string();
        assert!(err.contains("column u has the Arrow type Decimal128(5, 2)"), "{err}");
    }
}
