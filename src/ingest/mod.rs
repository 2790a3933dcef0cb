//! Ingest: source files and API fetches into the canonical tables, one batch per file.
//!
//! A run reads the file (through [`crate::tabular`]), finds which kind of file it is from
//! the header, maps every record through the profile into Arrow record batches and
//! bulk-appends them inside one store transaction ([`batch`]), keeping every rejected row
//! with its line, column, value and reason. It never talks SQL: the store does the upsert.
//! Layout: `source` (records of CSV, sheets, API), `batch` (the one batch skeleton, with
//! the mapping on a thread of its own), `direct` (which rows of a source's first load skip
//! the merge), `eventlog`, `rows` (record → canonical row), `notes` (rejections, warnings), `api`
//! (HTTP), `api_batch` (a fetch as one batch, its changelog as history), `profile`, `detect`
//! (which built-in profile reads a file).

pub mod api;
mod api_batch;
mod batch;
pub mod detect;
mod direct;
mod eventlog;
mod notes;
pub mod profile;
mod report;
pub mod rows;
mod source;

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::model::FileKind;
use crate::progress::Progress;
use crate::store::{Store, StoreError, TeamRow, TeamRule};
use crate::tabular::workbook::{self, ExcelError};
use crate::tabular::{csv, stream};
pub use api_batch::ingest_records;
use batch::{BatchLoad, Clock, Content};
use profile::Profile;
pub use report::{FirstRejection, Form, IngestReport, Origin};
use source::{CsvRows, RecordSource, SheetRows};

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
    /// The text could not be split into records.
    #[error("'{}'", path.display())]
    Csv {
        /// The file.
        path: PathBuf,
        /// Why.
        source: csv::CsvError,
    },
    /// The file is UTF-8 except for some bytes (two encodings mixed): reading it as
    /// Windows-1252 would garble every other non-ASCII letter.
    #[error("'{}': {source}", path.display())]
    Encoding {
        /// The file.
        path: PathBuf,
        /// Where the first byte that is not UTF-8 is.
        source: csv::MixedEncoding,
    },
    /// The column of a required field appears twice in the header: which one holds the
    /// field cannot be told.
    #[error(
        "'{input}': the header has column '{column}' twice (columns {first} and {second}); profile '{profile}' \
         reads the required field {field} from it and cannot tell which one holds it: rename or remove one"
    )]
    DuplicateColumn {
        /// The file (or sheet).
        input: Origin,
        /// The column name as the header has it (the first time).
        column: String,
        /// 1-based positions of its first two occurrences.
        first: usize,
        /// See `first`.
        second: usize,
        /// The canonical field the profile maps to it.
        field: String,
        /// Profile name.
        profile: String,
    },
    /// The file has no header line.
    #[error("'{path}' is empty: expected a header line")]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// The header matches neither the profile's tickets nor its history columns.
    #[error(
        "'{input}': the header matches neither the tickets nor the history columns of profile '{profile}'; \
         columns found: {found}"
    )]
    UnknownFileKind {
        /// The file (or sheet, or API).
        input: Origin,
        /// Profile name.
        profile: String,
        /// Header columns, comma-separated.
        found: String,
    },
    /// Required columns are absent.
    #[error(
        "'{input}' ({kind} file) lacks {} required by profile '{profile}': {}; columns found: {found}",
        if missing.len() == 1 { "a column" } else { "columns" },
        missing.iter().map(|(field, col)| format!("{col} (field {field})")).collect::<Vec<_>>().join(", ")
    )]
    MissingColumns {
        /// The file (or sheet, or API).
        input: Origin,
        /// Kind the file was taken for.
        kind: FileKind,
        /// Profile name.
        profile: String,
        /// (canonical field, the accepted column names quoted, e.g. `'state' or 'incident_state'`).
        missing: Vec<(String, String)>,
        /// Header columns, comma-separated.
        found: String,
    },
    /// A workbook could not be read, or has no sheet with data (the error names the file
    /// and sheet).
    #[error(transparent)]
    Workbook(#[from] ExcelError),
    /// A built-in profile failed to load while detecting a file's profile (a bug in the
    /// shipped profiles).
    #[error(transparent)]
    Profile(#[from] profile::ProfileError),
    /// The store failed; the batch was rolled back.
    #[error("'{input}'")]
    Store {
        /// The file (or API).
        input: Origin,
        /// What failed (boxed: a store error is large, and rare).
        source: Box<StoreError>,
    },
}

impl IngestError {
    /// The store failed while handling `input`.
    fn store(input: &Origin) -> impl Fn(StoreError) -> IngestError + '_ {
        |source| IngestError::Store { input: input.clone(), source: Box::new(source) }
    }
}

/// How to ingest.
#[derive(Clone)]
pub struct IngestOptions<'p> {
    /// Source name: part of every ticket's key.
    pub source: String,
    /// The profile.
    pub profile: &'p Profile,
    /// Force the kind instead of reading it from the header.
    pub kind: Option<FileKind>,
    /// Only this sheet of a workbook (default: every sheet with tickets or history).
    pub sheet: Option<String>,
    /// Teams from configuration, written to `team` with the batch.
    pub teams: Vec<TeamRow>,
    /// Lines by team-name pattern (`[[team_rules]]`).
    pub team_rules: Vec<TeamRule>,
    /// Show a progress bar (only on a terminal).
    pub progress: bool,
    /// Report each chunk handed to the store on stderr (`--verbose`).
    pub verbose: bool,
}

impl<'p> IngestOptions<'p> {
    /// Options for `source` through `profile`: the kind read from the header, every sheet,
    /// no configured teams or team rules, quiet. Set the rest with struct update syntax.
    pub fn new(source: impl Into<String>, profile: &'p Profile) -> IngestOptions<'p> {
        IngestOptions {
            source: source.into(),
            profile,
            kind: None,
            sheet: None,
            teams: Vec::new(),
            team_rules: Vec::new(),
            progress: false,
            verbose: false,
        }
    }
}

/// Ingests one file as one batch. See the module docs. A workbook (`.xlsx`, `.xlsm`,
/// `.xls`, `.xlsb`, `.ods`) is read sheet by sheet: each sheet whose header matches the
/// profile's tickets or history columns is loaded, all of them in the one batch of the file.
pub fn ingest_file(store: &mut Store, path: &Path, opts: &IngestOptions<'_>) -> Result<IngestReport, IngestError> {
    ingest_scanned(store, path, None, opts)
}

/// The first pass over a delimited file, done ahead (see [`prescan`]).
#[derive(Debug)]
pub struct Scanned {
    /// The profile's encoding the pass decided under.
    choice: csv::EncodingChoice,
    sha256: String,
    size: usize,
    streamable: Option<stream::Streamable>,
    /// How long the pass took.
    seconds: f64,
}

/// The first pass of [`ingest_file`] over a regular delimited file (its hash, its size and
/// whether it streams, for `profile`'s encoding), so that it can run while the file before
/// it is being ingested: during a tickets file's staging one core has time to spare (1M
/// sample: the store thread waited 1.6 s for mapping). `None` for what that pass does not
/// cover (a workbook, a FIFO); a file that changes before its ingest is read as it is then,
/// as between the two passes of [`ingest_file`].
pub fn prescan(path: &Path, profile: &Profile) -> Result<Option<Scanned>, IngestError> {
    let read = |source| IngestError::Read { path: path.into(), source };
    // Looked at before opening: opening a FIFO would wait for its writer, and closing it
    // unread would lose what the writer sends before the ingest opens it.
    if !std::fs::metadata(path).map_err(read)?.is_file() || workbook::is_workbook(path) {
        return Ok(None);
    }
    let file = std::fs::File::open(path).map_err(read)?;
    let (mut hasher, mut size, started) = (Sha256::new(), 0usize, std::time::Instant::now());
    let streamable = stream::scan(file, profile.encoding, |block| {
        hasher.update(block);
        size += block.len();
    })
    .map_err(read)?;
    let sha256 = hex(&hasher.finalize());
    Ok(Some(Scanned { choice: profile.encoding, sha256, size, streamable, seconds: started.elapsed().as_secs_f64() }))
}

/// Runs `each` on every file in order with the file's first pass ([`prescan`] under
/// the profile `profile_of` gives it) done on a thread of its own, one file after the
/// other: each later file's first pass runs while the one before it is ingested. A file
/// without a profile or whose first pass failed gets `None` and is scanned (and its error
/// said) by the ingest itself. Stops at the first error.
pub fn prescanned<E>(
    files: &[PathBuf],
    profile_of: impl Fn(&Path) -> Option<Profile> + Send,
    mut each: impl FnMut(&Path, Option<Scanned>) -> Result<(), E>,
) -> Result<(), E> {
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::channel();
        scope.spawn(move || {
            for file in files {
                let scanned = profile_of(file).and_then(|p| prescan(file, &p).ok().flatten());
                if tx.send(scanned).is_err() {
                    break;
                }
            }
        });
        for file in files {
            each(file, rx.recv().ok().flatten())?;
        }
        Ok(())
    })
}

/// [`ingest_file`] with its first pass done already (`scanned`, from [`prescan`] with the
/// same profile) or not.
pub fn ingest_scanned(
    store: &mut Store,
    path: &Path,
    scanned: Option<Scanned>,
    opts: &IngestOptions<'_>,
) -> Result<IngestReport, IngestError> {
    let clock = Clock::start();
    let origin = Origin::File(path.into());
    let read = |source| IngestError::Read { path: path.into(), source };
    // First pass: the hash, and whether the file can be streamed (see tabular::stream).
    let mut hasher = Sha256::new();
    let mut size = 0usize;
    let file = std::fs::File::open(path).map_err(read)?;
    // A FIFO or a device can be read once only: read it whole.
    let regular = file.metadata().map_err(read)?.is_file();
    let mut whole = None;
    let mut done = None;
    let ahead = scanned.filter(|s| regular && s.choice == opts.profile.encoding);
    let streamable = if let Some(Scanned { sha256, size: bytes, streamable, seconds, .. }) = ahead {
        size = bytes;
        done = Some((sha256, seconds));
        streamable
    } else if !regular {
        let mut bytes = Vec::new();
        std::io::copy(&mut std::io::BufReader::new(file), &mut bytes).map_err(read)?;
        hasher.update(&bytes);
        size = bytes.len();
        whole = Some(bytes);
        None
    } else if workbook::is_workbook(path) {
        std::io::copy(&mut std::io::BufReader::new(file), &mut HashWriter(&mut hasher, &mut size)).map_err(read)?;
        None
    } else {
        stream::scan(file, opts.profile.encoding, |block| {
            hasher.update(block);
            size += block.len();
        })
        .map_err(read)?
    };
    let (sha256, seconds, ahead) = match done {
        Some((sha256, seconds)) => (sha256, seconds, " ahead"),
        None => (hex(&hasher.finalize()), clock.started.elapsed().as_secs_f64(), ""),
    };
    if opts.verbose {
        eprintln!("{}: hashed and scanned{ahead} in {seconds:.2} s", path.display());
    }
    let already = store.batch_with_sha256(&opts.source, &sha256).map_err(IngestError::store(&origin))?;
    if workbook::is_workbook(path) {
        let content = Content::file("workbook", sha256, size);
        return ingest_workbook(store, (path, whole), content, already, clock, opts);
    }
    let csv_file = CsvFile { path, origin: &origin, sha256, size, clock, already };
    match streamable {
        Some(encoding) => {
            let head = stream::head_text(std::fs::File::open(path).map_err(read)?, encoding).map_err(read)?;
            let delim = match opts.profile.delimiter.as_str() {
                "auto" => csv::detect_delimiter(&head),
                d => d.as_bytes()[0],
            };
            let form = Form::Csv { encoding: encoding.name(), delimiter: delim as char };
            let mut rows = CsvRows::open(path, encoding, delim)?;
            rows.skip(csv::title_records(&head, delim, &|row| csv_header(opts.profile, row)))?;
            let header = rows.header()?;
            ingest_csv(store, csv_file, form, header, &mut rows, opts)
        }
        None => {
            // UTF-16, lossy UTF-8, mixed encodings (refused with the place), or not a
            // regular file: read whole.
            let bytes = match whole {
                Some(bytes) => bytes,
                None => std::fs::read(path).map_err(read)?,
            };
            let (text, encoding) = csv::decode_checked(&bytes, opts.profile.encoding)
                .map_err(|source| IngestError::Encoding { path: path.into(), source })?;
            let delim = match opts.profile.delimiter.as_str() {
                "auto" => csv::detect_delimiter(&text),
                d => d.as_bytes()[0],
            };
            let form = Form::Csv { encoding, delimiter: delim as char };
            let mut rows = CsvRows::new(&text, delim, path.into());
            rows.skip(csv::title_records(&text, delim, &|row| csv_header(opts.profile, row)))?;
            let header = rows.header()?;
            ingest_csv(store, csv_file, form, header, &mut rows, opts)
        }
    }
}

/// Whether `row` is the header of a CSV file read with `profile`: a tickets or history
/// header ([`looks_like_header`]) or an event log's.
fn csv_header(profile: &Profile, row: &[String]) -> bool {
    looks_like_header(profile, row) || profile.eventlog.as_ref().is_some_and(|log| eventlog::is_event_log(log, row))
}

/// What [`ingest_file`] knows of a CSV file before its records.
struct CsvFile<'p> {
    path: &'p Path,
    origin: &'p Origin,
    sha256: String,
    size: usize,
    clock: Clock,
    /// The batch that already holds the same bytes.
    already: Option<i64>,
}

/// The records of a CSV file (after its `header`) as one batch.
fn ingest_csv(
    store: &mut Store,
    file: CsvFile<'_>,
    form: Form,
    header: Option<Vec<String>>,
    rows: &mut (dyn RecordSource + Send),
    opts: &IngestOptions<'_>,
) -> Result<IngestReport, IngestError> {
    let CsvFile { path, origin, sha256, size, clock, already } = file;
    let header = header.ok_or_else(|| IngestError::Empty { path: path.into() })?;
    let progress = || Progress::bytes(opts.progress, size as u64, &origin.to_string());
    let total = size as u64;
    if let Some(log) = opts.profile.eventlog.as_ref().filter(|log| eventlog::is_event_log(log, &header)) {
        let report = IngestReport::new(origin.clone(), FileKind::History, form);
        if let Some(batch_id) = already {
            return Ok(report.already_in(batch_id, clock));
        }
        let mut load = BatchLoad::open(store, opts, report, progress(), clock)?;
        load.stage_event_log(origin, &header, log, rows)?;
        let mut content = Content::file("eventlog", sha256, size);
        content.derive_tickets = Some(log.kind.clone());
        return load.commit(content, total);
    }
    let kind = checked_kind(origin, opts, opts.kind, &header)?;
    let report = IngestReport::new(origin.clone(), kind, form);
    if let Some(batch_id) = already {
        return Ok(report.already_in(batch_id, clock));
    }
    let mut load = BatchLoad::open(store, opts, report, progress(), clock)?;
    load.set_total(total);
    load.stage(&header, kind, rows)?;
    load.commit(Content::file(kind.name(), sha256, size), total)
}

/// Feeds what is written to a hasher, counting the bytes.
struct HashWriter<'h>(&'h mut Sha256, &'h mut usize);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        *self.1 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Whether `row` is a header row of `profile`: it holds at least half of some kind's
/// required columns. Finds the header below a report's title rows, in a sheet or a CSV file.
fn looks_like_header(profile: &Profile, row: &[String]) -> bool {
    let lower: Vec<String> = row.iter().map(|c| c.trim().to_lowercase()).collect();
    [FileKind::Tickets, FileKind::History].iter().any(|&k| {
        let need = rows::required_columns(profile, k);
        let hits = need.iter().filter(|alts| alts.iter().any(|c| lower.contains(&c.to_lowercase()))).count();
        !need.is_empty() && hits * 2 >= need.len()
    })
}

/// One workbook as one batch: every sheet that holds tickets or history (or the sheet
/// named by `--sheet`), bulk-appended through the same mapping as CSV. `bytes` is the file
/// read whole already when it is not a regular file (a FIFO can be read once only).
fn ingest_workbook(
    store: &mut Store,
    (path, bytes): (&Path, Option<Vec<u8>>),
    content: Content,
    already: Option<i64>,
    clock: Clock,
    opts: &IngestOptions<'_>,
) -> Result<IngestReport, IngestError> {
    let is_header = |row: &[String]| looks_like_header(opts.profile, row);
    match bytes {
        Some(bytes) => {
            let book = workbook::Workbook::from_bytes(path, bytes)?;
            load_workbook(store, path, book, &is_header, content, already, clock, opts)
        }
        None => load_workbook(store, path, workbook::Workbook::open(path)?, &is_header, content, already, clock, opts),
    }
}

/// [`ingest_workbook`] of the open workbook `book`: every sheet's header is found and its
/// kind checked before the batch opens, then the sheets' rows are staged as they are read.
#[allow(clippy::too_many_arguments)]
fn load_workbook<RS: std::io::Read + std::io::Seek + Send>(
    store: &mut Store,
    path: &Path,
    mut book: workbook::Workbook<RS>,
    is_header: &dyn Fn(&[String]) -> bool,
    mut content: Content,
    already: Option<i64>,
    clock: Clock,
    opts: &IngestOptions<'_>,
) -> Result<IngestReport, IngestError> {
    let sheets = book.heads(opts.sheet.as_deref(), is_header)?;
    let mut kinds = Vec::new();
    for sheet in &sheets {
        let sheet_origin = Origin::File(PathBuf::from(format!("{} [sheet {}]", path.display(), sheet.sheet)));
        kinds.push(checked_kind(&sheet_origin, opts, opts.kind, &sheet.header)?);
    }
    if let [only] = kinds.as_slice() {
        content.file_kind = only.name().to_string();
    }
    let report = IngestReport::new(Origin::File(path.into()), kinds[0], Form::Workbook);
    if let Some(batch_id) = already {
        return Ok(report.already_in(batch_id, clock));
    }
    // Rows as the sheets declare them: the progress bar's estimate.
    let total: u64 = sheets.iter().map(|s| s.rows_hint).sum();
    let progress = Progress::bytes(opts.progress, total, &format!("{}", path.display()));
    let mut load = BatchLoad::open(store, opts, report, progress, clock)?;
    let mut done = 0u64;
    for (sheet, kind) in sheets.iter().zip(&kinds) {
        load.set_kind(*kind);
        load.set_sheet(&sheet.sheet);
        let mut rows = SheetRows::new(book.rows(sheet)?, &sheet.sheet, done);
        load.stage(&sheet.header, *kind, &mut rows)?;
        done = rows.done();
    }
    load.commit(content, done)
}

/// The kind of a file or sheet with this header (`forced`, else detected), and its required
/// columns checked.
fn checked_kind(
    input: &Origin,
    opts: &IngestOptions<'_>,
    forced: Option<FileKind>,
    header: &[String],
) -> Result<FileKind, IngestError> {
    // Control characters (a binary file read as text) are shown escaped, not sent to the terminal.
    let found = header
        .iter()
        .map(|h| {
            h.chars().map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() }).collect()
        })
        .collect::<Vec<String>>()
        .join(", ");
    let kind = match forced {
        Some(k) => k,
        None => detect_kind(opts.profile, header).ok_or_else(|| IngestError::UnknownFileKind {
            input: input.clone(),
            profile: opts.profile.name.clone(),
            found: found.clone(),
        })?,
    };
    duplicate_column(input, opts.profile, kind, header)?;
    let missing = rows::missing_columns(opts.profile, kind, header);
    if !missing.is_empty() {
        return Err(IngestError::MissingColumns {
            input: input.clone(),
            kind,
            profile: opts.profile.name.clone(),
            missing,
            found,
        });
    }
    Ok(kind)
}

/// Refuses a header that holds the column of a required field (ticket id, kind, status,
/// opened; or the profile's `required`) more than once, compared as the mapping compares
/// them (trimmed, case-insensitively): two `status` columns leave the ticket's status to
/// chance. Other columns may repeat and the first is read, as multi-valued fields of Jira
/// exports (`Component/s`, `Labels`) do by design.
fn duplicate_column(input: &Origin, profile: &Profile, kind: FileKind, header: &[String]) -> Result<(), IngestError> {
    let lower: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
    let required = profile.required_fields(kind);
    for (field, headers) in profile.mapping(kind).columns.iter().filter(|(f, _)| required.contains(f)) {
        let Some(first) = headers.find(&lower) else { continue };
        if let Some(second) = lower.iter().skip(first + 1).position(|h| *h == lower[first]) {
            return Err(IngestError::DuplicateColumn {
                input: input.clone(),
                column: header[first].trim().to_string(),
                first: first + 1,
                second: first + second + 2,
                field: field.clone(),
                profile: profile.name.clone(),
            });
        }
    }
    Ok(())
}

/// The kind whose mapped columns the header holds the largest share of.
fn detect_kind(profile: &Profile, header: &[String]) -> Option<FileKind> {
    let lower: Vec<String> = header.iter().map(|h| h.to_lowercase()).collect();
    let share = |kind: FileKind| {
        let cols = &profile.mapping(kind).columns;
        let hits = cols.values().filter(|c| c.find(&lower).is_some()).count();
        if cols.is_empty() {
            0.0
        } else {
            hits as f64 / cols.len() as f64
        }
    };
    let (t, h) = (share(FileKind::Tickets), share(FileKind::History));
    if t == 0.0 && h == 0.0 {
        return None;
    }
    // The kind whose required columns are all there first, then the larger share, as
    // profile detection ranks it (detect::score): a narrow tickets file (ticket_id, kind,
    // status, opened_at, title) has a smaller share of the tickets mapping than of the
    // history one, yet only the tickets mapping can read it.
    let usable = |kind: FileKind| rows::missing_columns(profile, kind, header).is_empty();
    if (usable(FileKind::History), h) > (usable(FileKind::Tickets), t) {
        Some(FileKind::History)
    } else {
        Some(FileKind::Tickets)
    }
}

/// Lower-case hex of a digest.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An empty directory of this test run named `name`.
    fn fresh_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("itsm-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// A FIFO is left to the ingest unopened: opening it would wait for its writer.
    #[test]
    fn a_fifo_is_not_scanned_ahead() {
        let dir = fresh_dir("prescan-fifo");
        let fifo = dir.join("tickets.csv");
        match std::process::Command::new("mkfifo").arg(&fifo).status() {
            Ok(s) if s.success() => {}
            other => {
                eprintln!("skipped: mkfifo is not available here ({other:?})");
                return;
            }
        }
        let profile = Profile::load("generic").unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let path = fifo.clone();
        std::thread::spawn(move || tx.send(prescan(&path, &profile).map(|s| s.is_none())));
        let none = rx.recv_timeout(std::time::Duration::from_secs(10)).expect("prescan does not open the FIFO");
        assert!(none.unwrap());
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A file's first pass done ahead loads the same batch as the pass done in place; a pass
    /// made under another encoding choice than the ingest's profile is not used.
    #[test]
    fn a_file_scanned_ahead_loads_as_scanned_in_place_and_a_scan_under_another_encoding_is_ignored() {
        let dir = fresh_dir("prescan");
        let path = dir.join("tickets.csv");
        std::fs::write(
            &path,
            "ticket_id,kind,title,priority,status,opened_at\nT1,incident,Åsa kan inte logga in,P3,Open,2026-03-02 09:00\n",
        )
        .unwrap();
        let profile = Profile::load("generic").unwrap();
        let opts = IngestOptions { kind: Some(FileKind::Tickets), ..IngestOptions::new("s", &profile) };
        let title = |store: &Store| store.query_table("SELECT title FROM ticket").unwrap().rows[0][0].to_string();

        let mut ahead = Store::open(&dir.join("ahead.duckdb")).unwrap();
        let scanned = prescan(&path, &profile).unwrap().expect("a regular CSV file is scanned");
        let a = ingest_scanned(&mut ahead, &path, Some(scanned), &opts).unwrap();
        let mut in_place = Store::open(&dir.join("in-place.duckdb")).unwrap();
        let b = ingest_file(&mut in_place, &path, &opts).unwrap();
        assert_eq!((a.rows_loaded, &a.form), (b.rows_loaded, &b.form));
        assert_eq!(title(&ahead), "Åsa kan inte logga in");
        let sha = |store: &Store| store.query_table("SELECT sha256, bytes FROM ingest_batch").unwrap().rows;
        assert_eq!(sha(&ahead), sha(&in_place));

        let mut cp1252 = profile.clone();
        cp1252.encoding = csv::EncodingChoice::Windows1252;
        let other = prescan(&path, &cp1252).unwrap();
        let mut ignored = Store::open(&dir.join("ignored.duckdb")).unwrap();
        ingest_scanned(&mut ignored, &path, other, &opts).unwrap();
        assert_eq!(title(&ignored), "Åsa kan inte logga in");
        let _ = std::fs::remove_dir_all(&dir);
    }

    fn header(cols: &[&str]) -> Vec<String> {
        cols.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn a_required_column_twice_is_refused_naming_both_positions_and_other_repeats_pass() {
        let p = Profile::load("generic").unwrap();
        let origin = Origin::File("t.csv".into());
        let h = header(&["ticket_id", "kind", "Status", "opened_at", "title", " status "]);
        let err = duplicate_column(&origin, &p, FileKind::Tickets, &h).unwrap_err();
        assert_eq!(
            err.to_string(),
            "'t.csv': the header has column 'Status' twice (columns 3 and 6); profile 'generic' reads the \
             required field status from it and cannot tell which one holds it: rename or remove one"
        );
        // An optional column may repeat (Jira's Component/s, Labels): the first is read.
        let h = header(&["ticket_id", "kind", "status", "opened_at", "title", "TITLE", "notes", "notes"]);
        assert!(duplicate_column(&origin, &p, FileKind::Tickets, &h).is_ok());
    }
}
