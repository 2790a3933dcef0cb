//! Ingest: source files into the canonical tables, one batch per file.
//!
//! A run reads the file, decodes it, finds which kind of file it is from the header, maps
//! every record through the profile into Arrow record batches and bulk-appends them inside
//! one store transaction, keeping every rejected row with its line, column, value and
//! reason. It never talks SQL: the store does the upsert.

pub mod csv;
pub mod profile;
pub mod rows;
pub mod values;

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use arrow::array::{ArrayRef, Int64Builder, StringBuilder};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;
use sha2::{Digest, Sha256};

use crate::model::FileKind;
use crate::progress::Progress;
use crate::store::{BatchCounts, BatchMeta, LoadTarget, Store, StoreError, TeamRow};
use profile::Profile;
use rows::{Rejection, RowMapper};

/// Rows converted before they are handed to the store in one record batch.
const CHUNK_ROWS: usize = 64 * 1024;

/// Errors that stop a whole file. Row-level problems are not errors: they are rejections.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The file could not be read.
    #[error("cannot read '{path}'")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file has no header line.
    #[error("'{path}' is empty: expected a header line")]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// The header matches neither the profile's tickets nor its history columns.
    #[error(
        "'{path}': the header matches neither the tickets nor the history columns of profile '{profile}'; \
         columns found: {found}"
    )]
    UnknownFileKind {
        /// The file.
        path: PathBuf,
        /// Profile name.
        profile: String,
        /// Header columns, comma-separated.
        found: String,
    },
    /// Required columns are absent.
    #[error(
        "'{path}' ({kind} file) lacks {} required by profile '{profile}': {}; columns found: {found}",
        if missing.len() == 1 { "a column" } else { "columns" },
        missing.iter().map(|(field, col)| format!("'{col}' (field {field})")).collect::<Vec<_>>().join(", ")
    )]
    MissingColumns {
        /// The file.
        path: PathBuf,
        /// Kind the file was taken for.
        kind: FileKind,
        /// Profile name.
        profile: String,
        /// (canonical field, expected column name).
        missing: Vec<(String, String)>,
        /// Header columns, comma-separated.
        found: String,
    },
    /// The store failed; the batch was rolled back.
    #[error("'{path}'")]
    Store {
        /// The file.
        path: PathBuf,
        /// What failed.
        source: StoreError,
    },
}

/// How to ingest.
pub struct IngestOptions<'p> {
    /// Source name: part of every ticket's key.
    pub source: String,
    /// The profile.
    pub profile: &'p Profile,
    /// Force the kind instead of reading it from the header.
    pub kind: Option<FileKind>,
    /// Teams from configuration, written to `team` with the batch.
    pub teams: Vec<TeamRow>,
    /// Show a progress bar (only on a terminal).
    pub progress: bool,
    /// Report each chunk handed to the store on stderr (`--verbose`).
    pub verbose: bool,
}

/// What one file did.
#[derive(Debug, Clone)]
pub struct IngestReport {
    /// The file.
    pub path: PathBuf,
    /// Tickets or history.
    pub kind: FileKind,
    /// The batch written, or the earlier batch that already holds this exact file.
    pub batch_id: i64,
    /// True when the file was ingested before (same source and sha256): nothing was written.
    pub already_ingested: bool,
    /// Data rows read.
    pub rows_read: i64,
    /// Rows accepted.
    pub rows_loaded: i64,
    /// Rows rejected.
    pub rows_rejected: i64,
    /// Effect on the canonical tables.
    pub counts: BatchCounts,
    /// Encoding read.
    pub encoding: &'static str,
    /// Delimiter used.
    pub delimiter: char,
    /// The first few rejections: (line, column, reason).
    pub first_rejections: Vec<(u64, Option<String>, String)>,
    /// Wall time of the run in seconds.
    pub seconds: f64,
}

/// Ingests one file as one batch. See the module docs.
pub fn ingest_file(store: &mut Store, path: &Path, opts: &IngestOptions<'_>) -> Result<IngestReport, IngestError> {
    let started = Instant::now();
    let started_at_us = now_micros();
    let bytes = std::fs::read(path).map_err(|source| IngestError::Read { path: path.into(), source })?;
    let sha256 = hex(&Sha256::digest(&bytes));
    let (text, encoding) = csv::decode(&bytes, opts.profile.encoding);
    let delim = match opts.profile.delimiter.as_str() {
        "auto" => csv::detect_delimiter(&text),
        d => d.as_bytes()[0],
    };
    let mut reader = csv::Reader::new(&text, delim);
    let mut fields: Vec<Cow<'_, str>> = Vec::new();
    if reader.next_record(&mut fields).is_none() {
        return Err(IngestError::Empty { path: path.into() });
    }
    let header: Vec<String> = fields.iter().map(|f| f.trim().to_string()).collect();
    let found = header.join(", ");
    let kind = match opts.kind {
        Some(k) => k,
        None => detect_kind(opts.profile, &header).ok_or_else(|| IngestError::UnknownFileKind {
            path: path.into(),
            profile: opts.profile.name.clone(),
            found: found.clone(),
        })?,
    };
    let missing = rows::missing_columns(opts.profile, kind, &header);
    if !missing.is_empty() {
        return Err(IngestError::MissingColumns {
            path: path.into(),
            kind,
            profile: opts.profile.name.clone(),
            missing,
            found,
        });
    }
    let mut report = IngestReport {
        path: path.into(),
        kind,
        batch_id: 0,
        already_ingested: false,
        rows_read: 0,
        rows_loaded: 0,
        rows_rejected: 0,
        counts: BatchCounts::default(),
        encoding,
        delimiter: delim as char,
        first_rejections: Vec::new(),
        seconds: 0.0,
    };
    let store_err = |source| IngestError::Store { path: path.into(), source };
    if let Some(batch_id) = store.batch_with_sha256(&opts.source, &sha256).map_err(store_err)? {
        report.batch_id = batch_id;
        report.already_ingested = true;
        report.seconds = started.elapsed().as_secs_f64();
        return Ok(report);
    }

    let mut writer = store.begin_batch().map_err(store_err)?;
    let batch_id = writer.batch_id();
    let mut mapper = RowMapper::new(opts.profile, kind, &header, &opts.source, batch_id);
    let mut rejects = RejectBuffer::new(batch_id);
    let progress = Progress::bytes(opts.progress, bytes.len() as u64, &format!("{}", path.display()));
    let target = match kind {
        FileKind::Tickets => LoadTarget::Tickets,
        FileKind::History => LoadTarget::Events,
    };
    while let Some(pos) = reader.next_record(&mut fields) {
        report.rows_read += 1;
        match mapper.map(&fields, pos.line) {
            Ok(()) => report.rows_loaded += 1,
            Err(rejection) => {
                report.rows_rejected += 1;
                if report.first_rejections.len() < 10 {
                    report.first_rejections.push((pos.line, rejection.column.clone(), rejection.reason.clone()));
                }
                rejects.push(pos.line, pos.raw, rejection);
            }
        }
        if mapper.pending() >= CHUNK_ROWS {
            writer.append(target, mapper.finish_batch()).map_err(store_err)?;
            progress.set(pos.end as u64, report.rows_read);
            if opts.verbose {
                eprintln!("batch {batch_id}: {} rows staged, not yet committed", report.rows_loaded);
            }
        }
    }
    if mapper.pending() > 0 {
        writer.append(target, mapper.finish_batch()).map_err(store_err)?;
    }
    if rejects.len > 0 {
        writer.append(LoadTarget::Rejects, rejects.finish()).map_err(store_err)?;
    }
    progress.set(bytes.len() as u64, report.rows_read);
    progress.message(&format!("{} rows read; merging and committing", report.rows_read));
    let meta = BatchMeta {
        source: opts.source.clone(),
        profile: opts.profile.name.clone(),
        file: path.display().to_string(),
        file_kind: kind.name().into(),
        sha256,
        bytes: bytes.len() as i64,
        encoding: encoding.into(),
        delimiter: (delim as char).to_string(),
        rows_read: report.rows_read,
        rows_loaded: report.rows_loaded,
        rows_rejected: report.rows_rejected,
        started_at_us,
        teams: opts.teams.clone(),
    };
    let staged = started.elapsed().as_secs_f64();
    report.counts = writer.commit(&meta).map_err(store_err)?;
    progress.finish();
    if opts.verbose {
        let total = started.elapsed().as_secs_f64();
        eprintln!(
            "batch {batch_id}: read and staged in {staged:.2} s, merged and committed in {:.2} s",
            total - staged
        );
    }
    report.batch_id = batch_id;
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// The kind whose mapped columns the header holds the largest share of.
fn detect_kind(profile: &Profile, header: &[String]) -> Option<FileKind> {
    let lower: Vec<String> = header.iter().map(|h| h.to_lowercase()).collect();
    let share = |kind: FileKind| {
        let cols = &profile.mapping(kind).columns;
        let hits = cols.values().filter(|c| lower.contains(&c.trim().to_lowercase())).count();
        if cols.is_empty() {
            0.0
        } else {
            hits as f64 / cols.len() as f64
        }
    };
    let (t, h) = (share(FileKind::Tickets), share(FileKind::History));
    match (t, h) {
        (t, h) if t == 0.0 && h == 0.0 => None,
        (t, h) if t >= h => Some(FileKind::Tickets),
        _ => Some(FileKind::History),
    }
}

/// Rejected rows on their way to `rejected_row`.
struct RejectBuffer {
    batch_id: i64,
    len: usize,
    rows: Int64Builder,
    column: StringBuilder,
    value: StringBuilder,
    reason: StringBuilder,
    raw: StringBuilder,
}

impl RejectBuffer {
    fn new(batch_id: i64) -> RejectBuffer {
        RejectBuffer {
            batch_id,
            len: 0,
            rows: Int64Builder::new(),
            column: StringBuilder::new(),
            value: StringBuilder::new(),
            reason: StringBuilder::new(),
            raw: StringBuilder::new(),
        }
    }

    fn push(&mut self, line: u64, raw: &str, r: Rejection) {
        self.len += 1;
        self.rows.append_value(line as i64);
        self.column.append_option(r.column);
        self.value.append_option(r.value);
        self.reason.append_value(r.reason);
        self.raw.append_value(raw);
    }

    fn finish(mut self) -> RecordBatch {
        let schema = Schema::new(vec![
            Field::new("batch_id", DataType::Int64, false),
            Field::new("row_number", DataType::Int64, false),
            Field::new("column_name", DataType::Utf8, true),
            Field::new("value", DataType::Utf8, true),
            Field::new("reason", DataType::Utf8, false),
            Field::new("raw", DataType::Utf8, false),
        ]);
        let batch_ids: ArrayRef = Arc::new(arrow::array::Int64Array::from(vec![self.batch_id; self.len]));
        let arrays: Vec<ArrayRef> = vec![
            batch_ids,
            Arc::new(self.rows.finish()),
            Arc::new(self.column.finish()),
            Arc::new(self.value.finish()),
            Arc::new(self.reason.finish()),
            Arc::new(self.raw.finish()),
        ];
        RecordBatch::try_new(Arc::new(schema), arrays).expect("reject columns follow rejected_row")
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn now_micros() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_micros() as i64).unwrap_or_default()
}
