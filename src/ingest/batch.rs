//! The one batch skeleton every source goes through: open a store batch, stage the rows of
//! one or more [`RecordSource`]s through the row mapper in chunks, keep rejections and
//! warnings, then commit with the batch row — or, on any error, drop the writer so the store
//! rolls the whole batch back (all or nothing).
//!
//! Must not: read files or decide what kind a file is (mod.rs and source.rs do).

use std::time::{Duration, Instant};

use arrow::record_batch::RecordBatch;

use super::direct::{DirectKeys, Split};
use super::notes::RowNotes;
use super::report::FirstRejection;
use super::rows::{Rejection, RowMapper, Warning};
use super::source::RecordSource;
use super::{IngestError, IngestOptions, IngestReport};
use crate::model::FileKind;
use crate::progress::Progress;
use crate::store::{BatchMeta, BatchWriter, LoadTarget, Store, StoreError};

/// Rows converted before they are handed to the store in one record batch.
pub(super) const CHUNK_ROWS: usize = 64 * 1024;

/// At most this many keys are reserved ahead in the direct path's key set (a guard against
/// an estimate from an odd first chunk): 64 M keys, 1 GiB of hash table.
const MAX_RESERVED_KEYS: usize = 64 << 20;

/// Mapped chunks that may wait for the store (see [`BatchLoad::stage`]).
const QUEUED_CHUNKS: usize = 8;

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
    /// The source's full progress position, when known before its rows (a file's size).
    total: Option<u64>,
}

/// One chunk of mapped rows on its way from the mapping thread to the store.
struct Staged {
    /// The rows, in the load table's shape.
    rows: Option<RecordBatch>,
    /// Source position after the chunk, on a chunk boundary (for progress).
    position: Option<u64>,
    /// Rows read and loaded so far (for progress).
    read: i64,
    loaded: i64,
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
            total: None,
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

    /// Says the source's full progress position (a file's size) before its rows are staged:
    /// the direct path's key set is then sized from the first chunk.
    pub fn set_total(&mut self, total: u64) {
        self.total = Some(total);
    }

    /// The workbook sheet whose rows are staged next: rejected rows and warnings keep it.
    pub fn set_sheet(&mut self, sheet: &str) {
        self.rejects.set_sheet(sheet);
        self.warnings.set_sheet(sheet);
    }

    /// Sets the kind the report names (the last sheet's, for a workbook).
    pub fn set_kind(&mut self, kind: FileKind) {
        self.report.kind = kind;
    }

    /// Maps every record of `rows` (with this `header`, as `kind`) into the batch. Reading
    /// and mapping run on a thread of their own, a chunk ahead of the store's appends.
    pub fn stage(
        &mut self,
        header: &[String],
        kind: FileKind,
        rows: &mut (dyn RecordSource + Send),
    ) -> Result<(), IngestError> {
        let mut mapper = RowMapper::new(self.opts.profile, kind, header, &self.opts.source, self.batch_id());
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
        let total = self.total;
        let BatchLoad { writer, opts, report, rejects, warnings, progress, .. } = self;
        let origin = report.origin.clone();
        let (result, keys) = std::thread::scope(|scope| {
            // Up to QUEUED_CHUNKS mapped chunks wait for the store, so that a slow append
            // (DuckDB compressing a row group) does not stop the mapping at once.
            let (tx, rx) = std::sync::mpsc::sync_channel::<Staged>(QUEUED_CHUNKS);
            let producer = scope.spawn(move || -> Result<Duration, IngestError> {
                // Time spent waiting for the store to take a chunk.
                let mut waited = Duration::ZERO;
                let chunk = |mapper: &mut RowMapper, report: &IngestReport, position: Option<u64>| {
                    let rows = (mapper.pending() > 0).then(|| mapper.finish_batch());
                    Staged { rows, position, read: report.rows_read, loaded: report.rows_loaded }
                };
                while let Some(row) = rows.next_row()? {
                    let outcome = mapper.map(&row.fields, row.line);
                    tally(report, rejects, row.line, &row.raw, outcome);
                    if mapper.pending() >= CHUNK_ROWS {
                        let staged = chunk(&mut mapper, report, Some(row.position));
                        warnings.extend(mapper.take_warnings());
                        let start = Instant::now();
                        let sent = tx.send(staged);
                        waited += start.elapsed();
                        if sent.is_err() {
                            // The store failed: its error is the one reported.
                            return Ok(waited);
                        }
                    }
                }
                let staged = chunk(&mut mapper, report, None);
                warnings.extend(mapper.take_warnings());
                let _ = tx.send(staged);
                Ok(waited)
            });
            let mut stored = Ok(());
            let mut first = true;
            // Time the store spent waiting for a mapped chunk.
            let mut starved = Duration::ZERO;
            loop {
                let start = Instant::now();
                let Ok(staged) = rx.recv() else { break };
                starved += start.elapsed();
                if let (Some(keys), Some(total), Some(position), true) = (keys.as_mut(), total, staged.position, first)
                {
                    // Rows in all, estimated from the first chunk's share of the source.
                    let rows = u128::from(total) * staged.read.max(0) as u128 / u128::from(position.max(1));
                    keys.reserve(usize::try_from(rows).unwrap_or(usize::MAX).min(MAX_RESERVED_KEYS));
                }
                first = false;
                // The direct path's key split runs here, beside the appends: the mapping
                // thread is the busier of the two (1M history: the store waited 2.0 s for it).
                let rows = staged.rows.map(|batch| match keys.as_mut() {
                    Some(keys) => keys.split(batch),
                    None => Split { direct: None, suspects: Some(batch), moved: Vec::new() },
                });
                stored = append_staged(writer, target, rows);
                if stored.is_err() {
                    break;
                }
                if let Some(position) = staged.position {
                    progress.set(position, staged.read);
                    if opts.verbose {
                        eprintln!("batch {}: {} rows staged, not yet committed", writer.batch_id(), staged.loaded);
                    }
                }
            }
            drop(rx);
            let produced = producer.join().expect("the mapping thread does not panic");
            match (stored, produced) {
                (Err(e), _) => (Err(IngestError::Store { input: origin, source: Box::new(e) }), None),
                (Ok(()), Err(e)) => (Err(e), None),
                (Ok(()), Ok(waited)) => {
                    if opts.verbose {
                        eprintln!(
                            "batch {}: mapping waited {:.2} s for the store, the store waited {:.2} s for mapping",
                            writer.batch_id(),
                            waited.as_secs_f64(),
                            starved.as_secs_f64()
                        );
                    }
                    (Ok(()), keys)
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

    /// Records what the input held and the batch passed over on purpose (the report says it).
    pub fn passed_over(&mut self, what: Vec<(String, u64)>) {
        self.report.passed_over.extend(what);
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
                report.first_rejections.push(FirstRejection {
                    sheet: rejects.sheet().map(str::to_string),
                    line,
                    column: rejection.column.clone(),
                    reason: rejection.reason.clone(),
                });
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
