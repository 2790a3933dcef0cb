//! Ingest: source files into the canonical tables, one batch per file.
//!
//! A run reads the file, decodes it, finds which kind of file it is from the header, maps
//! every record through the profile into Arrow record batches and bulk-appends them inside
//! one store transaction, keeping every rejected row with its line, column, value and
//! reason. It never talks SQL: the store does the upsert.

pub mod api;
pub mod csv;
pub mod excel;
mod json;
mod notes;
pub mod profile;
pub mod rows;
pub mod values;

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::time::Instant;

use sha2::{Digest, Sha256};

use crate::model::FileKind;
use crate::progress::Progress;
use crate::store::{BatchCounts, BatchMeta, BatchWriter, LoadTarget, Store, StoreError, TeamRow, TeamRule};
use notes::{merge_reasons, RowNotes};
use profile::Profile;
use rows::RowMapper;

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
        missing.iter().map(|(field, col)| format!("{col} (field {field})")).collect::<Vec<_>>().join(", ")
    )]
    MissingColumns {
        /// The file.
        path: PathBuf,
        /// Kind the file was taken for.
        kind: FileKind,
        /// Profile name.
        profile: String,
        /// (canonical field, the accepted column names quoted, e.g. `'state' or 'incident_state'`).
        missing: Vec<(String, String)>,
        /// Header columns, comma-separated.
        found: String,
    },
    /// A workbook could not be read, or has no sheet with data.
    #[error("{message}")]
    Workbook {
        /// The file.
        path: PathBuf,
        /// What is wrong, naming the file and sheet.
        message: String,
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
    /// Rejections by reason (values in quotes elided), most frequent first: (reason, rows).
    pub rejections_by_reason: Vec<(String, i64)>,
    /// Values set empty so their rows could load (kept in `ingest_warning`).
    pub warnings: i64,
    /// Warnings by reason (values in quotes elided), most frequent first.
    pub warnings_by_reason: Vec<(String, i64)>,
    /// Wall time of the run in seconds.
    pub seconds: f64,
}

/// Ingests one file as one batch. See the module docs. A workbook (`.xlsx`, `.xlsm`,
/// `.xls`, `.ods`) is read sheet by sheet: each sheet whose header matches the profile's
/// tickets or history columns is loaded, all of them in the one batch of the file.
pub fn ingest_file(store: &mut Store, path: &Path, opts: &IngestOptions<'_>) -> Result<IngestReport, IngestError> {
    let started = Instant::now();
    let started_at_us = now_micros();
    let bytes = std::fs::read(path).map_err(|source| IngestError::Read { path: path.into(), source })?;
    let sha256 = hex(&Sha256::digest(&bytes));
    let store_err = |source| IngestError::Store { path: path.into(), source };
    let already = store.batch_with_sha256(&opts.source, &sha256).map_err(store_err)?;
    if is_workbook(path) {
        return ingest_workbook(store, path, &bytes, sha256, already, started, started_at_us, opts);
    }
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
    if let Some(log) = &opts.profile.eventlog {
        let lower: Vec<String> = header.iter().map(|h| h.to_lowercase()).collect();
        if lower.contains(&log.case.to_lowercase()) {
            let mut report = IngestReport::new(path, FileKind::History, encoding, delim as char);
            if let Some(batch_id) = already {
                return Ok(report.already_in(batch_id, started));
            }
            let mut writer = store.begin_batch().map_err(store_err)?;
            let progress = Progress::bytes(opts.progress, bytes.len() as u64, &format!("{}", path.display()));
            stage_event_log(&mut writer, &mut report, &header, &mut reader, log, &progress, opts, path)?;
            progress.set(bytes.len() as u64, report.rows_read);
            let mut meta = batch_meta(
                opts,
                path,
                "eventlog",
                sha256,
                bytes.len(),
                encoding,
                delim as char,
                &report,
                started_at_us,
            );
            meta.derive_tickets = Some(log.kind.clone());
            return commit(writer, &meta, &mut report, started, &progress, opts, path);
        }
    }
    let kind = checked_kind(path, opts, &header)?;
    let mut report = IngestReport::new(path, kind, encoding, delim as char);
    if let Some(batch_id) = already {
        return Ok(report.already_in(batch_id, started));
    }
    let mut writer = store.begin_batch().map_err(store_err)?;
    let batch_id = writer.batch_id();
    let mut rejects = RowNotes::rejects(batch_id);
    let progress = Progress::bytes(opts.progress, bytes.len() as u64, &format!("{}", path.display()));
    stage(
        &mut writer,
        &mut rejects,
        &mut report,
        &header,
        &mut |f| reader.next_record(f).map(|p| (p.line, Cow::Borrowed(p.raw), p.end as u64)),
        &progress,
        opts,
        path,
    )?;
    if rejects.len > 0 {
        report.rejections_by_reason = rejects.by_reason();
        writer.append(LoadTarget::Rejects, rejects.finish()).map_err(store_err)?;
    }
    progress.set(bytes.len() as u64, report.rows_read);
    let meta =
        batch_meta(opts, path, kind.name(), sha256, bytes.len(), encoding, delim as char, &report, started_at_us);
    commit(writer, &meta, &mut report, started, &progress, opts, path)
}

/// Ingests what a REST API returns as one batch: every record fetched (all pages) is a
/// ticket row mapped through the profile, in one transaction. `label` names the batch (the
/// URL without credentials); `sha256` of the records makes an identical fetch a no-op.
pub fn ingest_records(
    store: &mut Store,
    label: &str,
    records: &[api::Record],
    opts: &IngestOptions<'_>,
) -> Result<IngestReport, IngestError> {
    let started = Instant::now();
    let started_at_us = now_micros();
    let path = Path::new(label);
    // The header is every key seen, in first-seen order; each row is aligned to it through
    // one index of key positions (records can have hundreds of fields).
    let mut header: Vec<String> = Vec::new();
    let mut position: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
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
    let mapped: std::collections::BTreeSet<&str> = opts
        .profile
        .mapping(opts.kind.unwrap_or(FileKind::Tickets))
        .columns
        .values()
        .flat_map(|h| h.names().iter().map(String::as_str))
        .collect();
    let mut unreadable: Vec<(u64, rows::Warning)> = Vec::new();
    let rows: Vec<Vec<String>> = records
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut row = vec![String::new(); header.len()];
            for (k, v) in r {
                row[position[k.as_str()]] = v.clone();
            }
            for name in &mapped {
                let warn = |value: String| rows::Warning {
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
                        let parts: Vec<String> =
                            r.iter().filter(|(k, _)| k.starts_with(&nested)).map(|(k, v)| format!("{k}={v}")).collect();
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
    let sha256 = hex(&digest.finalize());
    let kind = checked_kind(
        path,
        &IngestOptions { kind: Some(opts.kind.unwrap_or(FileKind::Tickets)), ..opts.clone() },
        &header,
    )?;
    let mut report = IngestReport::new(path, kind, "json", ' ');
    let store_err = |source| IngestError::Store { path: path.into(), source };
    if let Some(batch_id) = store.batch_with_sha256(&opts.source, &sha256).map_err(store_err)? {
        return Ok(report.already_in(batch_id, started));
    }
    let mut writer = store.begin_batch().map_err(store_err)?;
    let mut rejects = RowNotes::rejects(writer.batch_id());
    let progress = Progress::bytes(false, rows.len() as u64, label);
    let kind_opts = IngestOptions { kind: Some(kind), ..opts.clone() };
    let mut it = rows.iter().enumerate();
    stage(
        &mut writer,
        &mut rejects,
        &mut report,
        &header,
        &mut |f| {
            let (i, cells) = it.next()?;
            f.clear();
            f.extend(cells.iter().map(|c| Cow::Borrowed(c.as_str())));
            let raw: Vec<String> = header.iter().zip(cells).map(|(h, c)| format!("{h}={c}")).collect();
            Some((i as u64 + 1, Cow::Owned(raw.join("; ")), i as u64 + 1))
        },
        &progress,
        &kind_opts,
        path,
    )?;
    if rejects.len > 0 {
        report.rejections_by_reason = rejects.by_reason();
        writer.append(LoadTarget::Rejects, rejects.finish()).map_err(store_err)?;
    }
    if !unreadable.is_empty() {
        let mut notes = RowNotes::warnings(writer.batch_id());
        notes.extend(unreadable);
        report.warnings += notes.len as i64;
        report.warnings_by_reason = merge_reasons(&report.warnings_by_reason, notes.by_reason());
        writer.append(LoadTarget::Warnings, notes.finish()).map_err(store_err)?;
    }
    let bytes: usize = rows.iter().flatten().map(String::len).sum();
    let meta = batch_meta(opts, path, kind.name(), sha256, bytes, "json", ' ', &report, started_at_us);
    commit(writer, &meta, &mut report, started, &progress, opts, path)
}

/// Whether the file is a spreadsheet workbook, by its extension.
fn is_workbook(path: &Path) -> bool {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_lowercase();
    matches!(ext.as_str(), "xlsx" | "xlsm" | "xls" | "xlsb" | "ods")
}

/// The kind of a file or sheet with this header, and its required columns checked.
fn checked_kind(path: &Path, opts: &IngestOptions<'_>, header: &[String]) -> Result<FileKind, IngestError> {
    let found = header.join(", ");
    let kind = match opts.kind {
        Some(k) => k,
        None => detect_kind(opts.profile, header).ok_or_else(|| IngestError::UnknownFileKind {
            path: path.into(),
            profile: opts.profile.name.clone(),
            found: found.clone(),
        })?,
    };
    let missing = rows::missing_columns(opts.profile, kind, header);
    if !missing.is_empty() {
        return Err(IngestError::MissingColumns {
            path: path.into(),
            kind,
            profile: opts.profile.name.clone(),
            missing,
            found,
        });
    }
    Ok(kind)
}

/// One workbook as one batch: every sheet that holds tickets or history (or the sheet
/// named by `--sheet`), bulk-appended through the same mapping as CSV.
#[allow(clippy::too_many_arguments)]
fn ingest_workbook(
    store: &mut Store,
    path: &Path,
    bytes: &[u8],
    sha256: String,
    already: Option<i64>,
    started: Instant,
    started_at_us: i64,
    opts: &IngestOptions<'_>,
) -> Result<IngestReport, IngestError> {
    let profile = opts.profile;
    // A row is a header when it holds at least half of some kind's required columns.
    let is_header = |row: &[String]| {
        let lower: Vec<String> = row.iter().map(|c| c.trim().to_lowercase()).collect();
        [FileKind::Tickets, FileKind::History].iter().any(|&k| {
            let need = rows::required_columns(profile, k);
            let hits = need.iter().filter(|alts| alts.iter().any(|c| lower.contains(&c.to_lowercase()))).count();
            !need.is_empty() && hits * 2 >= need.len()
        })
    };
    let sheets = excel::read_workbook(path, opts.sheet.as_deref(), &is_header)
        .map_err(|e| IngestError::Workbook { path: path.into(), message: e.to_string() })?;
    let mut kinds = Vec::new();
    for sheet in &sheets {
        let sheet_path = PathBuf::from(format!("{} [sheet {}]", path.display(), sheet.sheet));
        kinds.push(checked_kind(&sheet_path, opts, &sheet.header)?);
    }
    let file_kind = match kinds.as_slice() {
        [only] => only.name().to_string(),
        _ => "workbook".to_string(),
    };
    let mut report = IngestReport::new(path, kinds[0], "xlsx", ' ');
    let store_err = |source| IngestError::Store { path: path.into(), source };
    if let Some(batch_id) = already {
        return Ok(report.already_in(batch_id, started));
    }
    let mut writer = store.begin_batch().map_err(store_err)?;
    let mut rejects = RowNotes::rejects(writer.batch_id());
    let total: u64 = sheets.iter().map(|s| s.rows.len() as u64).sum();
    let progress = Progress::bytes(opts.progress, total, &format!("{}", path.display()));
    let mut done = 0u64;
    for (sheet, kind) in sheets.iter().zip(&kinds) {
        report.kind = *kind;
        let sheet_opts = IngestOptions { kind: Some(*kind), ..opts.clone() };
        let mut rows = sheet.rows.iter();
        stage(
            &mut writer,
            &mut rejects,
            &mut report,
            &sheet.header,
            &mut |f| {
                let (row, cells) = rows.next()?;
                f.clear();
                f.extend(cells.iter().map(|c| Cow::Borrowed(c.as_str())));
                done += 1;
                Some((*row as u64, Cow::Owned(format!("{}!{row}: {}", sheet.sheet, cells.join(";"))), done))
            },
            &progress,
            &sheet_opts,
            path,
        )?;
    }
    if rejects.len > 0 {
        report.rejections_by_reason = rejects.by_reason();
        writer.append(LoadTarget::Rejects, rejects.finish()).map_err(store_err)?;
    }
    let meta = batch_meta(opts, path, &file_kind, sha256, bytes.len(), "xlsx", ' ', &report, started_at_us);
    commit(writer, &meta, &mut report, started, &progress, opts, path)
}

/// Maps every record `next` yields (line or row number, raw text, progress position) and
/// appends them to the batch in chunks; rejections go to `rejects`.
#[allow(clippy::too_many_arguments)]
fn stage<'a>(
    writer: &mut BatchWriter<'_>,
    rejects: &mut RowNotes,
    report: &mut IngestReport,
    header: &[String],
    next: &mut dyn FnMut(&mut Vec<Cow<'a, str>>) -> Option<(u64, Cow<'a, str>, u64)>,
    progress: &Progress,
    opts: &IngestOptions<'_>,
    path: &Path,
) -> Result<(), IngestError> {
    let store_err = |source| IngestError::Store { path: path.into(), source };
    let kind = opts.kind.unwrap_or(report.kind);
    let batch_id = writer.batch_id();
    let mut mapper = RowMapper::new(opts.profile, kind, header, &opts.source, batch_id);
    let target = match kind {
        FileKind::Tickets => LoadTarget::Tickets,
        FileKind::History => LoadTarget::Events,
    };
    let mut warnings = RowNotes::warnings(batch_id);
    let mut fields: Vec<Cow<'a, str>> = Vec::new();
    while let Some((line, raw, position)) = next(&mut fields) {
        report.rows_read += 1;
        match mapper.map(&fields, line) {
            Ok(()) => report.rows_loaded += 1,
            Err(rejection) => {
                report.rows_rejected += 1;
                if report.first_rejections.len() < 10 {
                    report.first_rejections.push((line, rejection.column.clone(), rejection.reason.clone()));
                }
                rejects.push(line, &raw, rejection);
            }
        }
        if mapper.pending() >= CHUNK_ROWS {
            writer.append(target, mapper.finish_batch()).map_err(store_err)?;
            warnings.extend(mapper.take_warnings());
            progress.set(position, report.rows_read);
            if opts.verbose {
                eprintln!("batch {batch_id}: {} rows staged, not yet committed", report.rows_loaded);
            }
        }
    }
    if mapper.pending() > 0 {
        writer.append(target, mapper.finish_batch()).map_err(store_err)?;
    }
    warnings.extend(mapper.take_warnings());
    report.warnings += warnings.len as i64;
    report.warnings_by_reason = merge_reasons(&report.warnings_by_reason, warnings.by_reason());
    if warnings.len > 0 {
        writer.append(LoadTarget::Warnings, warnings.finish()).map_err(store_err)?;
    }
    Ok(())
}

/// An event log's rows, each as a status event and (when a team is named) an assignment
/// event, mapped through the profile's history rules. A row whose status event is rejected
/// is rejected whole, so rows read = loaded + rejected counts lines of the file.
#[allow(clippy::too_many_arguments)]
fn stage_event_log<'a>(
    writer: &mut BatchWriter<'_>,
    report: &mut IngestReport,
    header: &[String],
    reader: &mut csv::Reader<'a>,
    log: &profile::EventLogMapping,
    progress: &Progress,
    opts: &IngestOptions<'_>,
    path: &Path,
) -> Result<(), IngestError> {
    let store_err = |source| IngestError::Store { path: path.into(), source };
    let col = |name: &str| header.iter().position(|h| h.eq_ignore_ascii_case(name.trim()));
    let missing = |name: &str| IngestError::MissingColumns {
        path: path.into(),
        kind: FileKind::History,
        profile: opts.profile.name.clone(),
        missing: vec![("eventlog".into(), format!("'{name}'"))],
        found: header.join(", "),
    };
    let case = col(&log.case).ok_or_else(|| missing(&log.case))?;
    let at = col(&log.timestamp).ok_or_else(|| missing(&log.timestamp))?;
    let status = col(&log.status).ok_or_else(|| missing(&log.status))?;
    let team = log.team.as_deref().map(|t| col(t).ok_or_else(|| missing(t))).transpose()?;
    let agent = log.agent.as_deref().map(|a| col(a).ok_or_else(|| missing(a))).transpose()?;
    // The events are read as canonical history columns.
    let mut events = opts.profile.clone();
    events.history.columns = ["ticket_id", "occurred_at", "kind", "value", "agent", "minutes"]
        .iter()
        .map(|c| (c.to_string(), profile::Headers::one(c)))
        .collect();
    let event_header: Vec<String> = events.history.columns.keys().cloned().collect();
    let order: Vec<usize> = ["agent", "kind", "minutes", "occurred_at", "ticket_id", "value"]
        .iter()
        .map(|c| event_header.iter().position(|h| h == c).unwrap_or(0))
        .collect();
    let batch_id = writer.batch_id();
    let mut mapper = RowMapper::new(&events, FileKind::History, &event_header, &opts.source, batch_id);
    let mut rejects = RowNotes::rejects(batch_id);
    let mut fields: Vec<Cow<'a, str>> = Vec::new();
    while let Some(pos) = reader.next_record(&mut fields) {
        report.rows_read += 1;
        let cell = |i: usize| fields.get(i).map(|c| c.trim()).unwrap_or("");
        // Fields in event_header order (sorted names): agent, kind, minutes, occurred_at, ticket_id, value.
        let record = |kind: &'static str, value: &str| -> Vec<Cow<'static, str>> {
            let mut r = vec![Cow::Borrowed(""); 6];
            r[order[0]] = Cow::Owned(agent.map(cell).unwrap_or("").to_string());
            r[order[1]] = Cow::Borrowed(kind);
            r[order[3]] = Cow::Owned(cell(at).to_string());
            r[order[4]] = Cow::Owned(cell(case).to_string());
            r[order[5]] = Cow::Owned(value.to_string());
            r
        };
        let mut outcome = mapper.map(&record("status", cell(status)), pos.line);
        if outcome.is_ok() {
            if let Some(t) = team.map(cell).filter(|t| !opts.profile.is_null(t)) {
                outcome = mapper.map(&record("assignment", t), pos.line);
            }
        }
        match outcome {
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
            writer.append(LoadTarget::Events, mapper.finish_batch()).map_err(store_err)?;
            progress.set(pos.end as u64, report.rows_read);
        }
    }
    if mapper.pending() > 0 {
        writer.append(LoadTarget::Events, mapper.finish_batch()).map_err(store_err)?;
    }
    if rejects.len > 0 {
        report.rejections_by_reason = rejects.by_reason();
        writer.append(LoadTarget::Rejects, rejects.finish()).map_err(store_err)?;
    }
    let mut warnings = RowNotes::warnings(batch_id);
    warnings.extend(mapper.take_warnings());
    report.warnings = warnings.len as i64;
    report.warnings_by_reason = warnings.by_reason();
    if warnings.len > 0 {
        writer.append(LoadTarget::Warnings, warnings.finish()).map_err(store_err)?;
    }
    Ok(())
}

/// The batch row of a file.
#[allow(clippy::too_many_arguments)]
fn batch_meta(
    opts: &IngestOptions<'_>,
    path: &Path,
    file_kind: &str,
    sha256: String,
    bytes: usize,
    encoding: &str,
    delimiter: char,
    report: &IngestReport,
    started_at_us: i64,
) -> BatchMeta {
    BatchMeta {
        source: opts.source.clone(),
        profile: opts.profile.name.clone(),
        file: path.display().to_string(),
        file_kind: file_kind.into(),
        sha256,
        bytes: bytes as i64,
        encoding: encoding.into(),
        delimiter: delimiter.to_string(),
        rows_read: report.rows_read,
        rows_loaded: report.rows_loaded,
        rows_rejected: report.rows_rejected,
        warnings: report.warnings,
        started_at_us,
        teams: opts.teams.clone(),
        team_rules: opts.team_rules.clone(),
        derive_tickets: None,
        derive_events: file_kind == "tickets" && opts.profile.tickets.snapshots,
    }
}

/// Merges and commits the batch and completes the report.
fn commit(
    writer: BatchWriter<'_>,
    meta: &BatchMeta,
    report: &mut IngestReport,
    started: Instant,
    progress: &Progress,
    opts: &IngestOptions<'_>,
    path: &Path,
) -> Result<IngestReport, IngestError> {
    let batch_id = writer.batch_id();
    progress.message(&format!("{} rows read; merging and committing", report.rows_read));
    let staged = started.elapsed().as_secs_f64();
    report.counts = writer.commit(meta).map_err(|source| IngestError::Store { path: path.into(), source })?;
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
    Ok(report.clone())
}

impl IngestReport {
    /// The report of content that batch `batch_id` already holds: nothing written.
    fn already_in(mut self, batch_id: i64, started: Instant) -> IngestReport {
        self.batch_id = batch_id;
        self.already_ingested = true;
        self.seconds = started.elapsed().as_secs_f64();
        self
    }

    fn new(path: &Path, kind: FileKind, encoding: &'static str, delimiter: char) -> IngestReport {
        IngestReport {
            path: path.into(),
            kind,
            batch_id: 0,
            already_ingested: false,
            rows_read: 0,
            rows_loaded: 0,
            rows_rejected: 0,
            counts: BatchCounts::default(),
            encoding,
            delimiter,
            first_rejections: Vec::new(),
            rejections_by_reason: Vec::new(),
            warnings: 0,
            warnings_by_reason: Vec::new(),
            seconds: 0.0,
        }
    }
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
    match (t, h) {
        (t, h) if t == 0.0 && h == 0.0 => None,
        (t, h) if t >= h => Some(FileKind::Tickets),
        _ => Some(FileKind::History),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn now_micros() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_micros() as i64).unwrap_or_default()
}
