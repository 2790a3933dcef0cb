//! Parquet files of one table, written from the store's Arrow batches with the arrow-rs
//! `parquet` crate (snappy): one file, or one file per month (`month=YYYY-MM`, Hive style)
//! when the table is partitioned. Personal data is hidden batch by batch (`super::hidden`).

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, StringArray};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow::record_batch::RecordBatch;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use super::{create_dir, hidden, quote, reason_without_value, ExportError, Hidden, Result};
use crate::store::Store;

/// The name of the partition key the query adds after the table's columns.
const KEY: &str = "__itsm_export_month";
/// The partition of rows without a month (Hive's convention).
const NO_MONTH: &str = "__HIVE_DEFAULT_PARTITION__";

/// What was written.
pub(super) struct Written {
    /// Files relative to the output directory.
    pub files: Vec<String>,
    /// Rows written.
    pub rows: i64,
}

fn props() -> WriterProperties {
    WriterProperties::builder().set_compression(Compression::SNAPPY).build()
}

struct Open {
    writer: ArrowWriter<File>,
    path: std::path::PathBuf,
}

fn open(path: &Path, schema: SchemaRef) -> Result<Open> {
    let parquet = |source| ExportError::Parquet { path: path.into(), source };
    let file =
        File::create(path).map_err(|source| ExportError::Write { what: "writing", path: path.into(), source })?;
    let writer = ArrowWriter::try_new(file, schema, Some(props())).map_err(parquet)?;
    Ok(Open { writer, path: path.into() })
}

impl Open {
    fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        self.writer.write(batch).map_err(|source| ExportError::Parquet { path: self.path.clone(), source })
    }

    fn close(self) -> Result<()> {
        self.writer.close().map(|_| ()).map_err(|source| ExportError::Parquet { path: self.path, source })
    }
}

/// `batch` of `table` with its personal data hidden as [`hidden`] says (`salt` given).
fn pseudonymise(table: &str, batch: RecordBatch, salt: Option<&str>) -> Result<RecordBatch> {
    let Some(salt) = salt else { return Ok(batch) };
    let schema = batch.schema();
    if !schema.fields().iter().any(|f| hidden(table, f.name()).is_some()) {
        return Ok(batch);
    }
    let arrow_err = |column: &str| {
        let (table, column) = (table.to_string(), column.to_string());
        move |source| ExportError::Arrow { table, column, source }
    };
    let text = |name: &str, array: &ArrayRef| -> Result<StringArray> {
        let cast = arrow::compute::cast(array, &DataType::Utf8).map_err(arrow_err(name))?;
        Ok(cast.as_any().downcast_ref::<StringArray>().expect("cast to Utf8 gives a StringArray").clone())
    };
    // The reason loses the row's value before the value becomes a pseudonym.
    let value = match schema.index_of("value") {
        Ok(i) => Some(text("value", batch.column(i))?),
        Err(_) => None,
    };
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(batch.num_columns());
    let mut fields = Vec::with_capacity(batch.num_columns());
    for (field, array) in schema.fields().iter().zip(batch.columns()) {
        let rule = hidden(table, field.name());
        let out: ArrayRef = match rule {
            None => array.clone(),
            Some(Hidden::Empty) => arrow::array::new_null_array(&DataType::Utf8, array.len()),
            Some(Hidden::Pseudonym) => Arc::new(
                text(field.name(), array)?
                    .iter()
                    .map(|v| v.map(|name| crate::render::pseudonym(name, salt)))
                    .collect::<StringArray>(),
            ),
            Some(Hidden::ValueTakenOut) => Arc::new(
                text(field.name(), array)?
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        let cell = value.as_ref().filter(|a| !a.is_null(i)).map(|a| a.value(i));
                        v.map(|reason| reason_without_value(reason, cell))
                    })
                    .collect::<StringArray>(),
            ),
        };
        columns.push(out);
        fields.push(out_field(field, rule));
    }
    RecordBatch::try_new(Arc::new(Schema::new_with_metadata(fields, schema.metadata().clone())), columns)
        .map_err(arrow_err("*"))
}

/// The field a column of `rule` is written as: text, nullable when left empty.
fn out_field(field: &Field, rule: Option<Hidden>) -> Field {
    match rule {
        None => field.clone(),
        Some(Hidden::Empty) => field.clone().with_data_type(DataType::Utf8).with_nullable(true),
        Some(_) => field.clone().with_data_type(DataType::Utf8),
    }
}

/// The schema batches of `table` are written in (hidden columns as text when `salt` is given).
fn out_schema(table: &str, schema: &Schema, salt: Option<&str>) -> SchemaRef {
    let fields: Vec<_> =
        schema.fields().iter().map(|f| out_field(f, salt.and_then(|_| hidden(table, f.name())))).collect();
    Arc::new(Schema::new_with_metadata(fields, schema.metadata().clone()))
}

/// Writes `table` under `out`: `<table>.parquet`, or `<table>/month=YYYY-MM/part-0.parquet`
/// per month of `partition` when given.
pub(super) fn write_table(
    store: &Store,
    table: &str,
    partition: Option<&str>,
    salt: Option<&str>,
    out: &Path,
) -> Result<Written> {
    // A new export of the table replaces its earlier files (months no longer in the data
    // must not linger beside the new ones); nothing else in `out` is touched.
    let (old_dir, old_file) = (out.join(table), out.join(format!("{table}.parquet")));
    if old_dir.is_dir() {
        std::fs::remove_dir_all(&old_dir).map_err(|source| ExportError::Write {
            what: "replacing",
            path: old_dir.clone(),
            source,
        })?;
    }
    if old_file.is_file() {
        std::fs::remove_file(&old_file).map_err(|source| ExportError::Write {
            what: "replacing",
            path: old_file.clone(),
            source,
        })?;
    }
    let source = store.arrow_schema(&format!("SELECT * FROM {}", quote(table)))?;
    let schema = out_schema(table, &source, salt);
    let n = source.fields().len();
    let mut rows = 0i64;
    let Some(column) = partition else {
        let name = format!("{table}.parquet");
        let mut file = open(&out.join(&name), schema)?;
        store.for_each_arrow_batch(&format!("SELECT * FROM {}", quote(table)), |batch| {
            rows += batch.num_rows() as i64;
            file.write(&pseudonymise(table, batch, salt)?)
        })?;
        file.close()?;
        return Ok(Written { files: vec![name], rows });
    };
    // One pass ordered by month: a new file starts where the month changes.
    let sql = format!(
        "SELECT *, strftime({c}, '%Y-%m') AS {KEY} FROM {t} ORDER BY {KEY} NULLS LAST",
        c = quote(column),
        t = quote(table)
    );
    let dir = out.join(table);
    create_dir(&dir)?;
    let mut files = Vec::new();
    let mut current: Option<(String, Open)> = None;
    store.for_each_arrow_batch(&sql, |batch| {
        let keys = batch.column(n).as_any().downcast_ref::<StringArray>().map(|k| {
            (0..k.len())
                .map(|i| if k.is_null(i) { NO_MONTH.to_string() } else { k.value(i).to_string() })
                .collect::<Vec<_>>()
        });
        let keys = keys.unwrap_or_else(|| vec![NO_MONTH.to_string(); batch.num_rows()]);
        let data = batch.project(&(0..n).collect::<Vec<_>>()).map_err(|source| ExportError::Arrow {
            table: table.to_string(),
            column: KEY.into(),
            source,
        })?;
        let data = pseudonymise(table, data, salt)?;
        rows += data.num_rows() as i64;
        let mut start = 0;
        while start < keys.len() {
            let key = &keys[start];
            let end = keys[start..].iter().position(|k| k != key).map_or(keys.len(), |p| start + p);
            if current.as_ref().is_none_or(|(k, _)| k != key) {
                if let Some((_, file)) = current.take() {
                    file.close()?;
                }
                let rel = format!("{table}/month={key}/part-0.parquet");
                create_dir(&dir.join(format!("month={key}")))?;
                current = Some((key.clone(), open(&out.join(&rel), schema.clone())?));
                files.push(rel);
            }
            if let Some((_, file)) = current.as_mut() {
                file.write(&data.slice(start, end - start))?;
            }
            start = end;
        }
        Ok::<(), ExportError>(())
    })?;
    if let Some((_, file)) = current.take() {
        file.close()?;
    }
    Ok(Written { files, rows })
}
