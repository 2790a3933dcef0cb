//! Tabular files as text: delimited text ([`csv`]), spreadsheet workbooks ([`workbook`]) and
//! the number, date and yes/no forms their cells are written in ([`text`]).
//!
//! A leaf: used by ingest (ticket exports) and by compute (price list, CAB portfolio), it
//! imports nothing from the crate above it. It must not know profiles, canonical columns or
//! the database; callers decide what a column means.

pub mod csv;
pub mod stream;
pub mod text;
pub mod workbook;

use std::path::{Path, PathBuf};

/// Why a small table could not be read. `what` names the file's role ("price list").
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    /// The file could not be read.
    #[error("cannot read {what} '{}': {source}", path.display())]
    Read {
        /// The file's role.
        what: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The text could not be split into records.
    #[error("{what} '{}': {source}", path.display())]
    Csv {
        /// The file's role.
        what: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        source: csv::CsvError,
    },
    /// The workbook could not be read.
    #[error("{what}: {source}")]
    Workbook {
        /// The file's role.
        what: &'static str,
        /// Why (names the file and sheet); boxed, as it is large and rare.
        source: Box<workbook::ExcelError>,
    },
    /// The file has no header.
    #[error("{what} '{}' is empty", path.display())]
    Empty {
        /// The file's role.
        what: &'static str,
        /// The file.
        path: PathBuf,
    },
    /// A column the caller needs is not in the header.
    #[error(
        "{what} '{}' has no column '{column}' (columns: {found}{})",
        path.display(),
        need.map(|n| format!("; need {n}")).unwrap_or_default()
    )]
    MissingColumn {
        /// The file's role.
        what: &'static str,
        /// The file.
        path: PathBuf,
        /// The column missing.
        column: &'static str,
        /// The header, comma-separated.
        found: String,
        /// The columns the file should have, when the caller says.
        need: Option<&'static str>,
    },
    /// A cell's value is not what its column takes.
    #[error("{}: row {row}, column {column}: value '{value}' {problem}", path.display())]
    Cell {
        /// The file.
        path: PathBuf,
        /// Line (CSV) or sheet row of the record.
        row: u64,
        /// The column.
        column: &'static str,
        /// The value as the file has it (trimmed).
        value: String,
        /// What is wrong with it, e.g. "is not a date YYYY-MM-DD".
        problem: &'static str,
    },
}

/// A small table read whole: the lower-cased, trimmed header and each record's 1-based line
/// (or sheet row) with its trimmed cells.
#[derive(Debug, Clone, PartialEq)]
pub struct SmallTable {
    /// Header names, trimmed and lower-cased.
    pub header: Vec<String>,
    /// (line or sheet row, trimmed cells).
    pub rows: Vec<(u64, Vec<String>)>,
}

impl SmallTable {
    /// Finds the columns a reader wants by name; the first `required` of `want` must be in
    /// the header (else [`TableError::MissingColumn`], with `need` as the expected header).
    pub fn columns<'a>(
        &self,
        path: &'a Path,
        what: &'static str,
        want: &'a [&'static str],
        required: usize,
        need: Option<&'static str>,
    ) -> Result<Columns<'a>, TableError> {
        let idx: Vec<Option<usize>> = want.iter().map(|w| self.header.iter().position(|h| h == w)).collect();
        if let Some((column, _)) = want[..required].iter().zip(&idx).find(|(_, i)| i.is_none()) {
            return Err(TableError::MissingColumn {
                what,
                path: path.into(),
                column,
                found: self.header.join(", "),
                need,
            });
        }
        Ok(Columns { path, want, idx })
    }
}

/// The wanted columns of a [`SmallTable`] and where its header has them.
pub struct Columns<'a> {
    path: &'a Path,
    want: &'a [&'static str],
    idx: Vec<Option<usize>>,
}

impl Columns<'_> {
    /// Record `fields` (at `line`) read through these columns.
    pub fn record<'r>(&'r self, line: u64, fields: &'r [String]) -> Record<'r> {
        Record { columns: self, line, fields }
    }
}

/// One record read by wanted column: `cell(k)` is the k-th wanted column's value.
pub struct Record<'r> {
    columns: &'r Columns<'r>,
    line: u64,
    fields: &'r [String],
}

impl Record<'_> {
    /// The value of the k-th wanted column; empty when the file lacks the column.
    pub fn cell(&self, k: usize) -> &str {
        self.columns.idx[k].and_then(|i| self.fields.get(i)).map(String::as_str).unwrap_or("")
    }

    /// The error for the k-th wanted column's value: file, row, column, value and `problem`.
    pub fn bad(&self, k: usize, problem: &'static str) -> TableError {
        TableError::Cell {
            path: self.columns.path.into(),
            row: self.line,
            column: self.columns.want[k],
            value: self.cell(k).to_string(),
            problem,
        }
    }
}

/// Reads a small configuration table (price list, portfolio) whole from CSV (any encoding
/// and delimiter [`csv`] detects) or the first sheet of a workbook. `what` names the file
/// in errors ("price list"). The header is the first row that holds every `required`
/// column name, so a title above it ("Prislista 2026", a date) is passed over; when no row
/// of the first [`csv::TITLE_RECORDS`] does, the first row is the header and the missing
/// column is named by [`SmallTable::columns`].
pub fn read_table(path: &Path, what: &'static str, required: &[&str]) -> Result<SmallTable, TableError> {
    let has_required = |row: &[String]| required.iter().all(|r| row.iter().any(|c| c.trim().eq_ignore_ascii_case(r)));
    if workbook::is_workbook(path) {
        // The first sheet's header row: the first with the required names, else the first
        // non-empty row (when none within the search has them).
        let any = |row: &[String]| row.iter().any(|c| !c.trim().is_empty());
        let sheets = workbook::read_workbook(path, None, &has_required)
            .or_else(|_| workbook::read_workbook(path, None, &any))
            .map_err(|source| TableError::Workbook { what, source: Box::new(source) })?;
        let sheet = sheets.into_iter().next().ok_or_else(|| TableError::Empty { what, path: path.into() })?;
        let header = sheet.header.iter().map(|h| h.trim().to_lowercase()).collect();
        let rows = sheet
            .rows
            .into_iter()
            .map(|(r, cells)| (r as u64, cells.into_iter().map(|c| c.trim().to_string()).collect()))
            .collect();
        return Ok(SmallTable { header, rows });
    }
    let bytes = std::fs::read(path).map_err(|source| TableError::Read { what, path: path.into(), source })?;
    let (text, _) = csv::decode(&bytes, csv::EncodingChoice::Auto);
    let delim = csv::detect_delimiter(&text);
    let mut reader = csv::Reader::new(&text, delim);
    let csv_err = |source| TableError::Csv { what, path: path.into(), source };
    for _ in 0..csv::title_records(&text, delim, &has_required) {
        reader.next_record().map_err(csv_err)?;
    }
    let header = match reader.next_record().map_err(csv_err)? {
        Some(first) => first.fields.iter().map(|f| f.trim().to_lowercase()).collect(),
        None => return Err(TableError::Empty { what, path: path.into() }),
    };
    let mut rows = Vec::new();
    while let Some(rec) = reader.next_record().map_err(csv_err)? {
        rows.push((rec.line, rec.fields.iter().map(|f| f.trim().to_string()).collect()));
    }
    Ok(SmallTable { header, rows })
}
