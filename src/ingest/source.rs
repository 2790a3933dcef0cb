//! Where the records of a batch come from: one trait, [`RecordSource`], over the rows of a
//! CSV file, of a workbook sheet and of what an API returned, each row with its line (or
//! sheet row), the raw text kept when it is rejected, and a progress position.
//!
//! Must not: map values or write anything; [`super::batch::BatchLoad`] does that.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use sha2::{Digest, Sha256};

use super::api::Record;
use super::profile::Profile;
use super::rows::Warning;
use super::IngestError;
use crate::model::FileKind;
use crate::tabular::{csv, stream, workbook::DataRows};

/// One record of a source.
pub(super) struct Row<'r> {
    /// Line (CSV), sheet row (workbook) or record number (API), 1-based.
    pub line: u64,
    /// The record as the source has it, stored with a rejection.
    pub raw: Cow<'r, str>,
    /// Progress position after this record (bytes of a file, rows of a workbook).
    pub position: u64,
    /// The cells, aligned with the header.
    pub fields: Vec<&'r str>,
}

/// A stream of records after the header.
pub(super) trait RecordSource {
    /// The next record; `None` at the end.
    fn next_row(&mut self) -> Result<Option<Row<'_>>, IngestError>;
}

/// The records of a CSV file: its decoded text ([`CsvRows::new`]) or the file read as a
/// stream ([`CsvRows::open`], never whole in memory).
pub(super) struct CsvRows<Rd> {
    reader: Rd,
    path: PathBuf,
}

impl<'a> CsvRows<csv::Reader<'a>> {
    /// Rows of `text` split on `delim`; `path` names the file in errors.
    pub fn new(text: &'a str, delim: u8, path: PathBuf) -> CsvRows<csv::Reader<'a>> {
        CsvRows { reader: csv::Reader::new(text, delim), path }
    }
}

impl CsvRows<stream::StreamReader<std::io::BufReader<std::fs::File>>> {
    /// Rows of the file at `path`, in `encoding`, split on `delim`.
    pub fn open(path: &std::path::Path, encoding: stream::Streamable, delim: u8) -> Result<Self, IngestError> {
        let read = |source| IngestError::Read { path: path.into(), source };
        let file = std::fs::File::open(path).map_err(read)?;
        let reader = stream::StreamReader::new(std::io::BufReader::new(file), encoding, delim).map_err(read)?;
        Ok(CsvRows { reader, path: path.into() })
    }
}

impl<Rd: csv::Records> CsvRows<Rd> {
    /// The first record, trimmed: the header. `None` when the file has no record.
    pub fn header(&mut self) -> Result<Option<Vec<String>>, IngestError> {
        Ok(self.next_row()?.map(|row| row.fields.iter().map(|f| f.trim().to_string()).collect()))
    }

    /// Passes over `n` records (the title lines [`csv::title_records`] counted).
    pub fn skip(&mut self, n: usize) -> Result<(), IngestError> {
        for _ in 0..n {
            self.next_row()?;
        }
        Ok(())
    }
}

impl<Rd: csv::Records> RecordSource for CsvRows<Rd> {
    fn next_row(&mut self) -> Result<Option<Row<'_>>, IngestError> {
        let path = &self.path;
        let record = self.reader.next_record().map_err(|source| IngestError::Csv { path: path.clone(), source })?;
        Ok(record.map(|r| Row { line: r.line, raw: Cow::Borrowed(r.raw), position: r.end, fields: r.fields }))
    }
}

/// The data rows of one workbook sheet, read as they come; the position counts rows over all
/// sheets.
pub(super) struct SheetRows<'s> {
    rows: DataRows<'s>,
    sheet: &'s str,
    done: u64,
}

impl<'s> SheetRows<'s> {
    /// Rows of the sheet named `sheet`, counting on from `done` rows of earlier sheets.
    pub fn new(rows: DataRows<'s>, sheet: &'s str, done: u64) -> SheetRows<'s> {
        SheetRows { rows, sheet, done }
    }

    /// Rows of this sheet and the earlier ones given out so far.
    pub fn done(&self) -> u64 {
        self.done
    }
}

impl RecordSource for SheetRows<'_> {
    fn next_row(&mut self) -> Result<Option<Row<'_>>, IngestError> {
        let SheetRows { rows, sheet, done } = self;
        let Some((row, cells)) = rows.next_row()? else { return Ok(None) };
        *done += 1;
        Ok(Some(Row {
            line: row as u64,
            raw: Cow::Owned(format!("{sheet}!{row}: {}", cells.join(";"))),
            position: *done,
            fields: cells.iter().map(String::as_str).collect(),
        }))
    }
}

/// What an API fetch returned, as a table: the header is every key seen, in first-seen
/// order, and each record a row aligned to it.
pub(super) struct ApiTable {
    /// Every key seen.
    pub header: Vec<String>,
    /// The records' cells.
    pub rows: Vec<Vec<String>>,
    /// Mapped fields holding a structure the profile cannot read, set empty: (record, warning).
    pub unreadable: Vec<(u64, Warning)>,
    /// sha256 of header and cells: an identical fetch is the same batch.
    pub sha256: String,
    /// Bytes of cell text.
    pub bytes: usize,
}

impl ApiTable {
    /// The records as rows for `kind` of `profile`.
    pub fn new(records: &[Record], profile: &Profile, kind: FileKind) -> ApiTable {
        // One index of key positions (records can have hundreds of fields).
        let mut header: Vec<String> = Vec::new();
        let mut position: HashMap<&str, usize> = HashMap::new();
        for r in records {
            for (k, _) in r {
                if !position.contains_key(k.as_str()) {
                    position.insert(k.as_str(), header.len());
                    header.push(k.clone());
                }
            }
        }
        // A mapped field that holds a structure the profile cannot read (an object with no
        // display value, an array of objects) is set empty with a warning, never silently.
        let mapped: BTreeSet<&str> =
            profile.mapping(kind).columns.values().flat_map(|h| h.names().iter().map(String::as_str)).collect();
        let mut unreadable: Vec<(u64, Warning)> = Vec::new();
        let rows: Vec<Vec<String>> = records
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let mut row = vec![String::new(); header.len()];
                for (k, v) in r {
                    row[position[k.as_str()]] = v.clone();
                }
                for name in &mapped {
                    let warn = |value: String| Warning {
                        column: name.to_string(),
                        value,
                        reason: "an object or array with no display value, name or value: set empty".into(),
                    };
                    match position.get(name) {
                        Some(&p) if row[p].starts_with("[{") || row[p].starts_with("[[") => {
                            unreadable.push((i as u64 + 1, warn(std::mem::take(&mut row[p]))));
                        }
                        Some(&p) if !row[p].is_empty() => {}
                        _ => {
                            let nested = format!("{name}.");
                            let parts: Vec<String> = r
                                .iter()
                                .filter(|(k, _)| k.starts_with(&nested))
                                .map(|(k, v)| format!("{k}={v}"))
                                .collect();
                            if !parts.is_empty() && !r.iter().any(|(k, _)| k == name) {
                                unreadable.push((i as u64 + 1, warn(parts.join("; "))));
                            }
                        }
                    }
                }
                row
            })
            .collect();
        let mut digest = Sha256::new();
        for row in &rows {
            for cell in row {
                digest.update(cell.as_bytes());
                digest.update([0x1f]);
            }
            digest.update([0x1e]);
        }
        digest.update(header.join("\u{1f}").as_bytes());
        let sha256 = super::hex(&digest.finalize());
        let bytes = rows.iter().flatten().map(String::len).sum();
        ApiTable { header, rows, unreadable, sha256, bytes }
    }
}

/// The rows of an [`ApiTable`]; a rejected record is kept as `key=value; …`.
pub(super) struct ApiRows<'t> {
    table: &'t ApiTable,
    next: usize,
    /// Rows of the batch before this table's first (its lines follow theirs).
    offset: usize,
}

impl<'t> ApiRows<'t> {
    /// Rows of `table`.
    pub fn new(table: &'t ApiTable) -> ApiRows<'t> {
        ApiRows { table, next: 0, offset: 0 }
    }

    /// Rows of `table` numbered after the batch's first `offset` rows (the history rows
    /// after the ticket records they came with).
    pub fn after(table: &'t ApiTable, offset: usize) -> ApiRows<'t> {
        ApiRows { table, next: 0, offset }
    }
}

impl RecordSource for ApiRows<'_> {
    fn next_row(&mut self) -> Result<Option<Row<'_>>, IngestError> {
        let Some(cells) = self.table.rows.get(self.next) else { return Ok(None) };
        self.next += 1;
        let n = (self.offset + self.next) as u64;
        let raw: Vec<String> = self.table.header.iter().zip(cells).map(|(h, c)| format!("{h}={c}")).collect();
        Ok(Some(Row {
            line: n,
            raw: Cow::Owned(raw.join("; ")),
            position: n,
            fields: cells.iter().map(String::as_str).collect(),
        }))
    }
}
