//! The one batch skeleton every source goes through: open a store batch, stage the rows of
//! one or more [`RecordSource`]s through the row mapper in chunks, keep rejections and
//! warnings, then commit with the batch row — or, on any error, drop the writer so the store
//! rolls the whole batch back (all or nothing).
//!
//! Must not: read files or decide what kind a file is (mod.rs and source.rs do).

use std::time::{Duration, Instant};

use super::direct::{key_hashes, DirectKeys, Split};
use super::notes::RowNotes;
use super::rows::{Rejection, RowMapper, Warning};
use super::source::RecordSource;
use super::{IngestError, IngestOptions, IngestReport};
use crate::model::FileKind;
use crate::progress::Progress;
use crate::store::{BatchMeta, BatchWriter, LoadTarget, Store, StoreError};

/// Rows converted before they are handed to the store in one record batch.
pub(super) const CHUNK_ROWS: usize = 64 * 1024;

/// Mapped chunks that may wait for the store (see [`BatchLoad::stage`]).
const QUEUED_CHUNKS: usize = 3;

/// When a run started: for the report's wall time and the batch row.
#[derive(Debug, Clone, Copy)]
pub(super) struct Clock {
    /// Monotonic start.
    pub started: Instant,
    /// Wall-clock start, microseconds since the epoch.
    pub started_at_us: i64,
}

impl Clock {
    /// Now.
    pub fn start() -> Clock {
        let started_at_us = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_micros() as i64)
            .unwrap_or_default();
        Clock { started: Instant::now(), started_at_us }
    }
}

/// What the batch row says about the content, besides the counts.
pub(super) struct Content {
    /// `tickets`, `history`, `eventlog` or `workbook`.
    pub file_kind: String,
    /// sha256 of the content.
    pub sha256: String,
    /// Size of the content in bytes.
    pub bytes: usize,
    /// Tickets are derived from the events (an event log), of this kind.
    pub derive_tickets: Option<String>,
}

impl Content {
    /// Content of this kind, hash and size, not derived.
    pub fn file(file_kind: &str, sha256: String, bytes: usize) -> Content {
        Content { file_kind: file_kind.to_string(), sha256, bytes, derive_tickets: None }
    }
}

/// One batch being loaded.
pub(super) struct BatchLoad<'s, 'o> {
    writer: BatchWriter<'s>,
    opts: &'o IngestOptions<'o>,
    report: IngestReport,
    rejects: RowNotes,
    warnings: RowNotes,
    progress: Progress,
    clock: Clock,
    /// Per target (tickets, events): the keys appended straight to the canonical table,
    /// when the store holds nothing of the source there (see [`super::direct`]); `None`:
    /// every row goes through the load table and the merge. Decided on the first rows.
    direct: [Option<Option<DirectKeys>>; 2],
}

/// Up to [`CHUNK_ROWS`] records read and not yet mapped: their fields' text in one string.
struct RawChunk {
    /// Every field's text, one after the other.
    text: String,
    /// Where each field ends in `text`, record after record.
    ends: Vec<usize>,
    /// The records' raw text (kept for a rejection), one after the other.
    raw: String,
    /// Per record: its line, and where its raw text and its fields end (in `raw`, `ends`).
    lines: Vec<(u64, usize, usize)>,
    /// Source position after the chunk when more may follow (for progress); `None` when
    /// the source ended within it.
    position: Option<u64>,
}

impl RawChunk {
    /// The next records of `rows`, up to [`CHUNK_ROWS`].
    fn read(rows: &mut (dyn RecordSource + Send)) -> Result<RawChunk, IngestError> {
        let mut chunk =
            RawChunk { text: String::new(), ends: Vec::new(), raw: String::new(), lines: Vec::new(), position: None };
        while let Some(row) = rows.next_row()? {
            for field in &row.fields {
                chunk.text.push_str(field);
                chunk.ends.push(chunk.text.len());
            }
            chunk.raw.push_str(&row.raw);
            chunk.lines.push((row.line, chunk.raw.len(), chunk.ends.len()));
            if chunk.lines.len() >= CHUNK_ROWS {
                chunk.position = Some(row.position);
                break;
            }
        }
        Ok(chunk)
    }

    /// Maps every record through `mapper`: the rows loaded as one record batch (with their
    /// merge-key hashes when `hash`), the rows rejected with their raw text.
    fn map(&self, mapper: &mut RowMapper, hash: bool) -> Mapped {
        let mut fields: Vec<&str> = Vec::new();
        let mut rejected = Vec::new();
        let mut loaded = 0;
        let (mut field, mut text_at, mut raw_at) = (0, 0, 0);
        for &(line, raw_end, fields_end) in &self.lines {
            fields.clear();
            for &end in &self.ends[field..fields_end] {
                fields.push(&self.text[text_at..end]);
                text_at = end;
            }
            field = fields_end;
            match mapper.map(&fields, line) {
                Ok(()) => loaded += 1,
                Err(rejection) => rejected.push((line, self.raw[raw_at..raw_end].to_string(), rejection)),
            }
            raw_at = raw_end;
        }
        let batch = (mapper.pending() > 0).then(|| {
            let batch = mapper.finish_batch();
            let hashes = if hash { key_hashes(&batch, mapper.kind()) } else { Vec::new() };
            (batch, hashes)
        });
        Mapped { batch, rejected, loaded, warnings: mapper.take_warnings(), position: self.position }
    }
}

/// One chunk of mapped rows on its way from a mapping thread to the store.
struct Mapped {
    /// The rows loaded, in the load table's shape, with their merge-key hashes (for
    /// [`DirectKeys::split_hashed`]).
    batch: Option<(arrow::record_batch::RecordBatch, Vec<u64>)>,
    /// The rows rejected: line, raw text, why.
    rejected: Vec<(u64, String, Rejection)>,
    /// How many rows loaded.
    loaded: i64,
    /// Values set empty so that their rows could load: (line, warning).
    warnings: Vec<(u64, Warning)>,
    /// Source position after the chunk (see [`RawChunk::position`]).
    position: Option<u64>,
}

impl<'s, 'o> BatchLoad<'s, 'o> {
    /// Opens a store batch for the content `report` describes.
    pub fn open(
        store: &'s mut Store,
        opts: &'o IngestOptions<'o>,
        report: IngestReport,
        progress: Progress,
        clock: Clock,
    ) -> Result<BatchLoad<'s, 'o>, IngestError> {
        let writer = store.begin_batch().map_err(IngestError::store(&report.origin))?;
        let batch_id = writer.batch_id();
        Ok(BatchLoad {
            writer,
            opts,
            report,
            rejects: RowNotes::rejects(batch_id),
            warnings: RowNotes::warnings(batch_id),
            progress,
            clock,
            direct: [None, None],
        })
    }

    /// The batch's id.
    pub fn batch_id(&self) -> i64 {
        self.writer.batch_id()
    }

    /// The options of the run.
    pub fn opts(&self) -> &'o IngestOptions<'o> {
        self.opts
    }

    /// Sets the kind the report names (the last sheet's, for a workbook).
    pub fn set_kind(&mut self, kind: FileKind) {
        self.report.kind = kind;
    }

    /// Maps every record of `rows` (with this `header`, as `kind`) into the batch. A reading
    /// thread splits records into chunks, mapping threads (one per core, up to four) map
    /// whole chunks, and this thread appends them to the store in the file's order.
    pub fn stage(
        &mut self,
        header: &[String],
        kind: FileKind,
        rows: &mut (dyn RecordSource + Send),
    ) -> Result<(), IngestError> {
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(1, 4);
        let mappers: Vec<RowMapper> = (0..threads)
            .map(|_| RowMapper::new(self.opts.profile, kind, header, &self.opts.source, self.batch_id()))
            .collect();
        let target = target(kind);
        let slot = kind as usize;
        if self.direct[slot].is_none() {
            // Snapshot exports derive events from all of a ticket's rows: never direct.
            let allowed = !(kind == FileKind::Tickets && self.opts.profile.tickets.snapshots)
                && self
                    .writer
                    .direct_allowed(target, &self.opts.source)
                    .map_err(IngestError::store(&self.report.origin))?;
            self.direct[slot] = Some(allowed.then(|| DirectKeys::new(kind)));
        }
        let mut keys = self.direct[slot].take().flatten();
        let BatchLoad { writer, opts, report, rejects, warnings, progress, .. } = self;
        let origin = report.origin.clone();
        let direct = keys.is_some();
        let result = std::thread::scope(|scope| {
            let (work_tx, work_rx) = std::sync::mpsc::sync_channel::<(u64, RawChunk)>(1);
            let reader = scope.spawn(move || -> Result<(), IngestError> {
                for seq in 0.. {
                    let chunk = RawChunk::read(rows)?;
                    let last = chunk.position.is_none();
                    if !chunk.lines.is_empty() && work_tx.send((seq, chunk)).is_err() {
                        return Ok(()); // the store failed: its error is the one reported
                    }
                    if last {
                        break;
                    }
                }
                Ok(())
            });
            // Each mapping thread holds the work queue; when the last one ends the reader
            // sees it closed.
            let work_rx = std::sync::Arc::new(std::sync::Mutex::new(work_rx));
            // Up to QUEUED_CHUNKS mapped chunks wait for the store, so that a slow append
            // (DuckDB compressing a row group) does not stop the mapping at once.
            let (mapped_tx, mapped_rx) = std::sync::mpsc::sync_channel::<(u64, Mapped)>(QUEUED_CHUNKS);
            let mapping: Vec<_> = mappers
                .into_iter()
                .map(|mut mapper| {
                    let (work_rx, mapped_tx) = (work_rx.clone(), mapped_tx.clone());
                    scope.spawn(move || {
                        // Time spent waiting for the store to take a chunk.
                        let mut waited = Duration::ZERO;
                        loop {
                            let next = work_rx.lock().expect("no mapping thread panics").recv();
                            let Ok((seq, chunk)) = next else { break };
                            let mapped = chunk.map(&mut mapper, direct);
                            let start = Instant::now();
                            if mapped_tx.send((seq, mapped)).is_err() {
                                break;
                            }
                            waited += start.elapsed();
                        }
                        waited
                    })
                })
                .collect();
            drop((work_rx, mapped_tx));
            let mut stored = Ok(());
            // Chunks mapped ahead of the next one in the file's order.
            let mut ahead = std::collections::BTreeMap::new();
            let mut next = 0u64;
            // Time the store spent waiting for a mapped chunk.
            let mut starved = Duration::ZERO;
            'store: loop {
                let start = Instant::now();
                let Ok((seq, mapped)) = mapped_rx.recv() else { break };
                starved += start.elapsed();
                ahead.insert(seq, mapped);
                while let Some(mapped) = ahead.remove(&next) {
                    next += 1;
                    let Mapped { batch, rejected, loaded, warnings: noted, position } = mapped;
                    for (line, raw, rejection) in rejected {
                        tally(report, rejects, line, &raw, Err(rejection));
                    }
                    report.rows_read += loaded;
                    report.rows_loaded += loaded;
                    warnings.extend(noted);
                    let rows = batch.map(|(batch, hashes)| match keys.as_mut() {
                        Some(keys) => keys.split_hashed(batch, &hashes),
                        None => Split { direct: None, suspects: Some(batch), moved: Vec::new() },
                    });
                    stored = append_staged(writer, target, rows);
                    if stored.is_err() {
                        break 'store;
                    }
                    if let Some(position) = position {
                        progress.set(position, report.rows_read);
                        if opts.verbose {
                            eprintln!(
                                "batch {}: {} rows staged, not yet committed",
                                writer.batch_id(),
                                report.rows_loaded
                            );
                        }
                    }
                }
            }
            drop(mapped_rx);
            let waited: Duration = mapping.into_iter().map(|m| m.join().expect("no mapping thread panics")).sum();
            let read = reader.join().expect("the reading thread does not panic");
            match (stored, read) {
                (Err(e), _) => Err(IngestError::Store { input: origin, source: Box::new(e) }),
                (Ok(()), Err(e)) => Err(e),
                (Ok(()), Ok(())) => {
                    if opts.verbose {
                        eprintln!(
                            "batch {}: {threads} mapping threads waited {:.2} s for the store, the store waited {:.2} s for mapping",
                            writer.batch_id(),
                            waited.as_secs_f64(),
                            starved.as_secs_f64()
                        );
                    }
                    Ok(())
                }
            }
        });
        self.direct[slot] = Some(keys);
        result
    }

    /// Counts one record's outcome; a rejection is kept with the record's raw text.
    pub(super) fn count(&mut self, line: u64, raw: &str, outcome: Result<(), Rejection>) {
        tally(&mut self.report, &mut self.rejects, line, raw, outcome);
    }

    /// Hands the mapper's pending rows to the store and takes its warnings; `position` is
    /// where the source is, for progress, on a chunk boundary.
    pub(super) fn flush(
        &mut self,
        mapper: &mut RowMapper,
        target: LoadTarget,
        position: Option<u64>,
    ) -> Result<(), IngestError> {
        if mapper.pending() > 0 {
            let batch = mapper.finish_batch();
            self.writer.append(target, batch).map_err(IngestError::store(&self.report.origin))?;
        }
        self.warnings.extend(mapper.take_warnings());
        if let Some(position) = position {
            self.progress.set(position, self.report.rows_read);
            if self.opts.verbose {
                eprintln!("batch {}: {} rows staged, not yet committed", self.batch_id(), self.report.rows_loaded);
            }
        }
        Ok(())
    }

    /// Adds warnings found outside the row mapper (values set empty before mapping).
    pub fn warn(&mut self, warnings: Vec<(u64, Warning)>) {
        self.warnings.extend(warnings);
    }

    /// Writes the notes and the batch row, merges and commits; the report of the batch.
    /// `total` is the source's full progress position.
    pub fn commit(self, content: Content, total: u64) -> Result<IngestReport, IngestError> {
        let BatchLoad { mut writer, opts, mut report, rejects, warnings, progress, clock, .. } = self;
        let origin = report.origin.clone();
        let store_err = IngestError::store(&origin);
        progress.set(total, report.rows_read);
        if rejects.len > 0 {
            report.rejections_by_reason = rejects.by_reason();
            writer.append(LoadTarget::Rejects, rejects.finish()).map_err(&store_err)?;
        }
        report.warnings = warnings.len as i64;
        if warnings.len > 0 {
            report.warnings_by_reason = warnings.by_reason();
            writer.append(LoadTarget::Warnings, warnings.finish()).map_err(&store_err)?;
        }
        let meta = BatchMeta {
            source: opts.source.clone(),
            profile: opts.profile.name.clone(),
            file: report.origin.to_string(),
            derive_events: content.file_kind == "tickets" && opts.profile.tickets.snapshots,
            file_kind: content.file_kind,
            sha256: content.sha256,
            bytes: content.bytes as i64,
            encoding: report.form.encoding().into(),
            delimiter: report.form.delimiter().to_string(),
            rows_read: report.rows_read,
            rows_loaded: report.rows_loaded,
            rows_rejected: report.rows_rejected,
            warnings: report.warnings,
            started_at_us: clock.started_at_us,
            teams: opts.teams.clone(),
            team_rules: opts.team_rules.clone(),
            derive_tickets: content.derive_tickets,
        };
        let batch_id = writer.batch_id();
        progress.message(&format!("{} rows read; merging and committing", report.rows_read));
        let staged = clock.started.elapsed().as_secs_f64();
        report.counts = writer.commit(&meta).map_err(&store_err)?;
        progress.finish();
        if opts.verbose {
            let total = clock.started.elapsed().as_secs_f64();
            eprintln!(
                "batch {batch_id}: read and staged in {staged:.2} s, merged and committed in {:.2} s",
                total - staged
            );
        }
        report.batch_id = batch_id;
        report.seconds = clock.started.elapsed().as_secs_f64();
        Ok(report)
    }
}

/// Counts one record's outcome in `report`; a rejection is kept in `rejects` with the
/// record's raw text.
fn tally(report: &mut IngestReport, rejects: &mut RowNotes, line: u64, raw: &str, outcome: Result<(), Rejection>) {
    report.rows_read += 1;
    match outcome {
        Ok(()) => report.rows_loaded += 1,
        Err(rejection) => {
            report.rows_rejected += 1;
            if report.first_rejections.len() < 10 {
                report.first_rejections.push((line, rejection.column.clone(), rejection.reason.clone()));
            }
            rejects.push(line, raw, rejection);
        }
    }
}

/// Appends one staged chunk: rows with new keys straight to the canonical table, the rest
/// to the load table.
fn append_staged(writer: &mut BatchWriter<'_>, target: LoadTarget, rows: Option<Split>) -> Result<(), StoreError> {
    let Some(Split { direct, suspects, moved }) = rows else { return Ok(()) };
    if let Some(batch) = direct {
        writer.append_direct(target, batch)?;
    }
    if let Some(batch) = suspects {
        writer.append(target, batch)?;
    }
    writer.move_back(moved);
    Ok(())
}

/// The store table rows of `kind` go to.
pub(super) fn target(kind: FileKind) -> LoadTarget {
    match kind {
        FileKind::Tickets => LoadTarget::Tickets,
        FileKind::History => LoadTarget::Events,
    }
}
