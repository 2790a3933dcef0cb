//! What an ingest run says it did: the content's origin and form, and the report of the
//! batch (counts, rejections and warnings by reason, timing).
//!
//! Must not: compute anything; the batch skeleton fills the report.

use std::fmt;
use std::path::PathBuf;

use super::batch::Clock;
use crate::model::FileKind;
use crate::store::BatchCounts;

/// Where a batch's content came from: a file (a workbook sheet is `file [sheet name]`) or
/// an API (its URL without credentials).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A file (or a sheet of one).
    File(PathBuf),
    /// A fetch, by its redacted URL.
    Url(String),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::File(path) => write!(f, "{}", path.display()),
            Origin::Url(url) => f.write_str(url),
        }
    }
}

/// What the content was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// Delimited text in this encoding with this delimiter.
    Csv {
        /// Encoding read (`utf-8`, `utf-8-bom`, `windows-1252`, …).
        encoding: &'static str,
        /// Delimiter used.
        delimiter: char,
    },
    /// A spreadsheet workbook.
    Workbook,
    /// JSON records from a REST API.
    Api,
}

impl Form {
    /// The batch row's `encoding`: the text encoding, `xlsx` or `json`.
    pub fn encoding(&self) -> &'static str {
        match self {
            Form::Csv { encoding, .. } => encoding,
            Form::Workbook => "xlsx",
            Form::Api => "json",
        }
    }

    /// The batch row's `delimiter` (a space when there is none).
    pub fn delimiter(&self) -> char {
        match self {
            Form::Csv { delimiter, .. } => *delimiter,
            Form::Workbook | Form::Api => ' ',
        }
    }
}

/// What one file did.
#[derive(Debug, Clone)]
pub struct IngestReport {
    /// The file or API.
    pub origin: Origin,
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
    /// What the content was read as.
    pub form: Form,
    /// The first few rejections.
    pub first_rejections: Vec<FirstRejection>,
    /// Rejections by reason (values in quotes elided), most frequent first: (reason, rows).
    pub rejections_by_reason: Vec<(String, i64)>,
    /// Values set empty so their rows could load (kept in `ingest_warning`).
    pub warnings: i64,
    /// Warnings by reason (values in quotes elided), most frequent first.
    pub warnings_by_reason: Vec<(String, i64)>,
    /// Parts of the input passed over on purpose, and how many: (what, count). An API's
    /// changelog changes of fields that map to no event kind, by field.
    pub passed_over: Vec<(String, u64)>,
    /// Wall time of the run in seconds.
    pub seconds: f64,
}

impl IngestReport {
    /// The report of content that batch `batch_id` already holds: nothing written.
    pub(super) fn already_in(mut self, batch_id: i64, clock: Clock) -> IngestReport {
        self.batch_id = batch_id;
        self.already_ingested = true;
        self.seconds = clock.started.elapsed().as_secs_f64();
        self
    }

    pub(super) fn new(origin: Origin, kind: FileKind, form: Form) -> IngestReport {
        IngestReport {
            origin,
            kind,
            batch_id: 0,
            already_ingested: false,
            rows_read: 0,
            rows_loaded: 0,
            rows_rejected: 0,
            counts: BatchCounts::default(),
            form,
            first_rejections: Vec::new(),
            rejections_by_reason: Vec::new(),
            warnings: 0,
            warnings_by_reason: Vec::new(),
            passed_over: Vec::new(),
            seconds: 0.0,
        }
    }
}

/// One of a batch's first rejections, as the load summary prints it.
#[derive(Debug, Clone)]
pub struct FirstRejection {
    /// The workbook sheet (None for CSV and API rows): a sheet numbers its rows from its own header.
    pub sheet: Option<String>,
    /// The row's line (of its sheet, for a workbook).
    pub line: u64,
    /// The column at fault, when one is.
    pub column: Option<String>,
    /// Why the row was rejected.
    pub reason: String,
}
