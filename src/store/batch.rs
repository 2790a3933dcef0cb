//! The write side of one ingest batch: a single DuckDB transaction into which ingest
//! bulk-appends Arrow record batches, and which on commit upserts tickets (newest
//! `updated_at` wins per (source, ticket_id)), de-duplicates history and records the batch.
//! While the store holds nothing of a source, ingest may append rows with keys new to the
//! batch straight to `ticket` / `ticket_event` ([`BatchWriter::append_direct`]); only the
//! rest goes through the load tables and the merge. Dropping the writer without committing
//! rolls everything back.

use arrow::record_batch::RecordBatch;
use duckdb::{params, Connection};

use super::feed::Feed;
use super::{sql_err, Result, StoreError, TeamRow, TeamRule};

/// Where appended rows go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadTarget {
    /// Ticket rows: the columns of `ticket` followed by `_row` (the file's row number) and
    /// `_mod` (the source's update counter of a snapshot, e.g. `sys_mod_count`, or NULL).
    Tickets,
    /// History rows: the columns of `ticket_event` but `seq`, followed by `_row` (stored as `seq`).
    Events,
    /// Rejected rows: the columns of `rejected_row`.
    Rejects,
    /// Values set empty so that their rows could load: the columns of `ingest_warning`.
    Warnings,
}

impl LoadTarget {
    fn table(self) -> &'static str {
        match self {
            LoadTarget::Tickets => "load_ticket",
            LoadTarget::Events => "load_event",
            LoadTarget::Rejects => "rejected_row",
            LoadTarget::Warnings => "ingest_warning",
        }
    }
}

/// Columns of `load_ticket` after the ticket's: the file's row number, a snapshot's
/// update counter (e.g. sys_mod_count) and assignee (the agent of derived events).
const LOAD_TICKET_EXTRA: &[(&str, &str)] = &[("_row", "BIGINT"), ("_mod", "BIGINT"), ("_agent", "VARCHAR")];

/// What the batch row records about the file; counts of rows are checked by the table.
#[derive(Debug, Clone)]
pub struct BatchMeta {
    /// Source name (part of the ticket key).
    pub source: String,
    /// Profile name.
    pub profile: String,
    /// File path as the user gave it.
    pub file: String,
    /// `tickets` or `history`.
    pub file_kind: String,
    /// Hex sha256 of the file's bytes.
    pub sha256: String,
    /// File size.
    pub bytes: i64,
    /// Encoding detected or configured.
    pub encoding: String,
    /// Delimiter detected or configured.
    pub delimiter: String,
    /// Data rows read.
    pub rows_read: i64,
    /// Rows that passed validation.
    pub rows_loaded: i64,
    /// Rows rejected.
    pub rows_rejected: i64,
    /// Values set empty (with a row in `ingest_warning`) in rows that loaded.
    pub warnings: i64,
    /// When the run started, microseconds since the Unix epoch (UTC).
    pub started_at_us: i64,
    /// Teams from configuration, written to `team` (configured line and customer win).
    pub teams: Vec<TeamRow>,
    /// Lines by team-name pattern, for teams seen in the data without a configured line.
    pub team_rules: Vec<TeamRule>,
    /// An event log: derive ticket rows of this kind from the events of the batch's cases.
    pub derive_tickets: Option<String>,
    /// A snapshot export: derive status and assignment events from consecutive snapshots.
    pub derive_events: bool,
}

/// The effect of a committed batch on the canonical tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BatchCounts {
    /// Tickets or events that were not in the store before.
    pub new: i64,
    /// Tickets replaced because this batch had a newer `updated_at`.
    pub updated: i64,
    /// Distinct tickets the batch's rows name (read, or derived from an event log).
    pub tickets_in_file: i64,
    /// Tickets that were not in the store before.
    pub tickets_new: i64,
    /// Of `tickets_in_file`, how many the store holds after the commit (all, unless lost).
    pub tickets_stored: i64,
    /// Tickets the store already held in the same or a newer version (nothing replaced).
    pub tickets_unchanged: i64,
    /// Snapshot rows that lost to a newer row of the same ticket in the same file.
    pub snapshots_superseded: i64,
    /// History events the batch staged: read from the file or derived from snapshots.
    pub events_staged: i64,
    /// Events that were not in the store before.
    pub events_new: i64,
    /// Events the store already held (a re-export of known history).
    pub events_known: i64,
    /// Snapshot batches: rows whose status or team differs from the ticket's previous
    /// snapshot, counted apart from the derivation, which must stage as many events.
    pub status_changes: i64,
}

/// An open batch transaction. See the module docs.
pub struct BatchWriter<'c> {
    pub(super) conn: &'c Connection,
    batch_id: i64,
    open: bool,
    /// Ticket rows appended straight to `ticket` ([`BatchWriter::append_direct`]).
    direct_tickets: i64,
    /// Event rows appended straight to `ticket_event`.
    direct_events: i64,
    /// Keys of tickets appended straight to `ticket` that the file names again, with the
    /// file row and update counter of that first row: moved back to `load_ticket` on
    /// commit, where the usual ranking picks the winner.
    moved: Vec<MovedTicket>,
    /// What stores each record batch (see [`Feed`]).
    feed: Feed,
    /// The values [`APPEND_SETTINGS`] had before the batch: the merge and whatever follows
    /// get them back (a setting outlives a rollback).
    saved: Vec<(&'static str, String)>,
}

/// DuckDB settings while a batch appends its rows (restored for the merge).
/// - `threads` 1: appending is this thread's work; with worker threads DuckDB hands
///   row-group compression to them and the hand-offs cost more CPU than they save while
///   the mapping thread keeps the other core busy (1M ingest: ~21 % less CPU with one).
/// - `write_buffer_row_group_count` 1: each row group appended is compressed and written
///   as soon as it is full, on this thread, while it waits for the mapping anyway. With
///   DuckDB's 5 the last few row groups of a large file were left for the commit, one more
///   pass after the staging (1M sample, both files: 8.5–8.7 s against 9.1–9.7 s, and a
///   peak of 0.38 GB against 0.59 GB).
const APPEND_SETTINGS: &[(&str, &str)] = &[("threads", "1"), ("write_buffer_row_group_count", "1")];

/// One key of a ticket appended straight to `ticket` that the file names again (see
/// [`BatchWriter::move_back`]): the ticket id, and the file row and update counter of the
/// row appended.
pub type MovedTicket = (String, i64, Option<i64>);

impl<'c> BatchWriter<'c> {
    pub(super) fn begin(conn: &'c Connection, feed: Feed) -> Result<BatchWriter<'c>> {
        conn.execute_batch("BEGIN TRANSACTION").map_err(sql_err("starting batch transaction"))?;
        let mut writer = BatchWriter {
            conn,
            batch_id: 0,
            open: true,
            direct_tickets: 0,
            direct_events: 0,
            moved: Vec::new(),
            feed,
            saved: Vec::new(),
        };
        for &(name, value) in APPEND_SETTINGS {
            let context = format!("setting {name} for appending");
            let before: String = conn
                .query_row(&format!("SELECT CAST(current_setting('{name}') AS VARCHAR)"), [], |r| r.get(0))
                .map_err(sql_err(context.clone()))?;
            conn.execute_batch(&format!("SET {name} = {value}")).map_err(sql_err(context))?;
            writer.saved.push((name, before));
        }
        writer.batch_id = conn
            .query_row("SELECT coalesce(max(batch_id), 0) + 1 FROM ingest_batch", [], |r| r.get(0))
            .map_err(sql_err("allocating batch id"))?;
        writer.create_load_table("load_ticket", "ticket", &[], LOAD_TICKET_EXTRA)?;
        writer.create_load_table("load_event", "ticket_event", &["seq"], &[("_row", "BIGINT")])?;
        Ok(writer)
    }

    /// Creates the temporary table `name` with the columns of the main table `like` but
    /// `exclude`, then `extra`, each column spelled out.
    ///
    /// Never as `CREATE TEMP TABLE name AS SELECT * FROM like LIMIT 0`. With the DuckDB that
    /// duckdb-rs 1.20000.1 bundles (v2.0.0, source id d54cbbe3df), a table created by an
    /// empty `CREATE TABLE … AS` inside a transaction and then filled in the same
    /// transaction by an `INSERT … SELECT` of about a row group (122,880 rows) or more keeps
    /// the statistics of an empty table: `count(*)` sees every row, but scans with filters
    /// and aggregates (min/max, GROUP BY, joins) see none, also after COMMIT. Issue 12:
    /// snapshot exports deriving 122,880 or more events stored no history at all. Minimal
    /// reproduction (expected 1 and 'x0'; got 0 and NULL), reported upstream:
    ///
    /// ```sql
    /// CREATE TABLE s AS SELECT 'x' || i AS k FROM range(122880) r(i);
    /// BEGIN TRANSACTION;
    /// CREATE TEMP TABLE t AS SELECT ''::VARCHAR AS k LIMIT 0;  -- `CREATE TEMP TABLE t (k VARCHAR)` is fine
    /// INSERT INTO t SELECT k FROM s;
    /// SELECT count(*) FROM t;                   -- 122880
    /// SELECT count(*) FROM t WHERE k = 'x1';    -- 0
    /// SELECT min(k) FROM t;                     -- NULL
    /// COMMIT;
    /// ```
    fn create_load_table(&self, name: &str, like: &str, exclude: &[&str], extra: &[(&str, &str)]) -> Result<()> {
        let context = format!("creating load table {name}");
        let mut columns: Vec<String> = {
            let mut stmt = self
                .conn
                .prepare(
                    "SELECT column_name, data_type FROM information_schema.columns \
                     WHERE table_schema = 'main' AND table_catalog <> 'temp' AND table_name = ? \
                     ORDER BY ordinal_position",
                )
                .map_err(sql_err(context.clone()))?;
            let rows = stmt
                .query_map([like], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
                .map_err(sql_err(context.clone()))?;
            rows.collect::<std::result::Result<Vec<_>, _>>()
                .map_err(sql_err(context.clone()))?
                .into_iter()
                .filter(|(c, _)| !exclude.contains(&c.as_str()))
                .map(|(c, t)| format!("\"{c}\" {t}"))
                .collect()
        };
        columns.extend(extra.iter().map(|(c, t)| format!("\"{c}\" {t}")));
        self.conn.execute_batch(&format!("CREATE TEMP TABLE {name} ({})", columns.join(", "))).map_err(sql_err(context))
    }

    /// The id this batch will have.
    pub fn batch_id(&self) -> i64 {
        self.batch_id
    }

    /// Bulk-appends one record batch whose columns match the target's table in order.
    pub fn append(&mut self, target: LoadTarget, batch: RecordBatch) -> Result<()> {
        // Load tables are temporary (never written to the database file); rejected rows
        // go straight to their table in the main database.
        let temp = !matches!(target, LoadTarget::Rejects | LoadTarget::Warnings);
        self.append_to(target.table(), temp, batch)
    }

    /// Stores `batch` in `table` (in the temp catalog when `temp`).
    fn append_to(&mut self, table: &'static str, temp: bool, batch: RecordBatch) -> Result<()> {
        let table = if temp { format!("temp.main.{table}") } else { table.to_string() };
        self.feed.insert(self.conn, &table, batch)
    }

    /// Whether rows of `target` (tickets or events) from `source` may skip the load table
    /// and go straight to the canonical table ([`BatchWriter::append_direct`]): only while
    /// that table holds no row of the source at all, so that nothing stored can be
    /// superseded or duplicated by them.
    pub fn direct_allowed(&self, target: LoadTarget, source: &str) -> Result<bool> {
        let table = match target {
            LoadTarget::Tickets => "ticket",
            LoadTarget::Events => "ticket_event",
            LoadTarget::Rejects | LoadTarget::Warnings => return Ok(false),
        };
        let stored: bool = self
            .conn
            .query_row(&format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE source = ?)"), [source], |r| r.get(0))
            .map_err(sql_err(format!("looking for stored rows of source '{source}' in {table}")))?;
        Ok(!stored)
    }

    /// Bulk-appends rows straight to the canonical table, skipping the load table and the
    /// merge: for a source with nothing stored ([`BatchWriter::direct_allowed`]) and rows
    /// whose key the batch has not appended before (the caller keeps the keys; a key seen
    /// again goes to the load table through [`BatchWriter::append`], and for tickets the
    /// first row's key to [`BatchWriter::move_back`]). `batch` has the load table's columns
    /// (for tickets, the extra columns after the ticket's are dropped here).
    pub fn append_direct(&mut self, target: LoadTarget, batch: RecordBatch) -> Result<()> {
        let rows = batch.num_rows() as i64;
        let (table, batch) = match target {
            LoadTarget::Tickets => {
                let width = batch.num_columns() - LOAD_TICKET_EXTRA.len();
                let batch = batch.project(&(0..width).collect::<Vec<_>>()).map_err(|e| StoreError::Check {
                    context: "appending ticket rows".into(),
                    message: e.to_string(),
                })?;
                self.direct_tickets += rows;
                ("ticket", batch)
            }
            LoadTarget::Events => {
                // load_event is ticket_event's columns with `_row` in the place of `seq`.
                self.direct_events += rows;
                ("ticket_event", batch)
            }
            LoadTarget::Rejects | LoadTarget::Warnings => return self.append(target, batch),
        };
        self.append_to(table, false, batch)
    }

    /// Tickets appended straight to `ticket` whose key a later row of the file names again:
    /// on commit their first row goes back to the load table (with its file row and update
    /// counter), so that the usual ranking picks the winner among all of them.
    pub fn move_back(&mut self, moved: Vec<MovedTicket>) {
        self.moved.extend(moved);
    }

    /// Moves the tickets of [`BatchWriter::move_back`] from `ticket` back to `load_ticket`.
    fn move_back_tickets(&mut self) -> Result<()> {
        if self.moved.is_empty() {
            return Ok(());
        }
        let context = "moving tickets named twice back to the load table";
        self.conn
            .execute_batch("CREATE TEMP TABLE load_ticket_moved (ticket_id VARCHAR, _row BIGINT, _mod BIGINT)")
            .map_err(sql_err(context))?;
        {
            let mut app =
                self.conn.appender_to_catalog_and_db("load_ticket_moved", "temp", "main").map_err(sql_err(context))?;
            for (id, row, update_count) in std::mem::take(&mut self.moved) {
                app.append_row(params![id, row, update_count]).map_err(sql_err(context))?;
            }
            app.flush().map_err(sql_err(context))?;
        }
        let batch = self.batch_id;
        self.conn
            .execute_batch(&format!(
                "INSERT INTO load_ticket SELECT t.*, m._row, m._mod, NULL FROM ticket t \
                 JOIN (SELECT DISTINCT ticket_id, _row, _mod FROM load_ticket_moved) m ON m.ticket_id = t.ticket_id \
                 WHERE t.batch_id = {batch}"
            ))
            .map_err(sql_err(context))?;
        let moved = self
            .conn
            .execute(
                &format!(
                    "DELETE FROM ticket WHERE batch_id = {batch} \
                     AND ticket_id IN (SELECT ticket_id FROM load_ticket_moved)"
                ),
                [],
            )
            .map_err(sql_err(context))? as i64;
        self.direct_tickets -= moved;
        self.conn.execute_batch("DROP TABLE load_ticket_moved").map_err(sql_err(context))
    }

    /// Gives DuckDB back the settings it had before the batch (see [`APPEND_SETTINGS`]).
    fn restore_settings(&mut self) -> Result<()> {
        for (name, value) in std::mem::take(&mut self.saved) {
            self.conn.execute_batch(&format!("SET {name} = {value}")).map_err(sql_err(format!("restoring {name}")))?;
        }
        Ok(())
    }

    /// Upserts what was appended, records the batch and commits. Returns the effect.
    pub fn commit(mut self, meta: &BatchMeta) -> Result<BatchCounts> {
        self.restore_settings()?;
        self.move_back_tickets()?;
        let c = self.conn;
        if let Some(kind) = &meta.derive_tickets {
            // `derive_tickets` writes the schema-2 ticket row and `_row` by position: give it
            // that table, then widen its rows by name (the newer columns stay empty).
            c.execute_batch("DROP TABLE load_ticket").map_err(sql_err("preparing derived tickets"))?;
            self.create_load_table(
                "load_ticket",
                "ticket",
                crate::model::TICKET_COLUMNS_AFTER_V2,
                &[("_row", "BIGINT")],
            )?;
            self.derive_tickets(kind)?;
            c.execute_batch("ALTER TABLE load_ticket RENAME TO load_ticket_v2")
                .map_err(sql_err("widening derived tickets"))?;
            self.create_load_table("load_ticket", "ticket", &[], LOAD_TICKET_EXTRA)?;
            c.execute_batch("INSERT INTO load_ticket BY NAME SELECT * FROM load_ticket_v2; DROP TABLE load_ticket_v2;")
                .map_err(sql_err("widening derived tickets"))?;
        }
        let mut counts = BatchCounts::default();
        if meta.derive_events {
            counts.status_changes = self.count_snapshot_changes()?;
            self.derive_events()?;
        }
        let loaded_events = self.count("SELECT count(*) FROM load_event")?;
        counts.events_staged = loaded_events + self.direct_events;
        if meta.derive_events && counts.events_staged != counts.status_changes {
            // The derivation and an independent count disagree: never store a history that
            // silently lost events (issue 12).
            return Err(StoreError::Check {
                context: "deriving history from ticket snapshots".into(),
                message: format!(
                    "{} status and team changes in the rows, but {} events derived",
                    counts.status_changes, counts.events_staged
                ),
            });
        }
        counts.tickets_in_file = self
            .count("SELECT count(*) FROM (SELECT DISTINCT source, ticket_id FROM load_ticket)")?
            + self.direct_tickets;
        let loaded_tickets = self.count("SELECT count(*) FROM load_ticket")?;
        counts.snapshots_superseded = loaded_tickets + self.direct_tickets - counts.tickets_in_file;
        // An empty load table (a first load that went straight to the tables) merges nothing.
        let tickets = if loaded_tickets > 0 { self.merge_tickets()? } else { BatchCounts::default() };
        let events = if loaded_events > 0 { self.merge_events()? } else { BatchCounts::default() };
        let tickets = BatchCounts { new: tickets.new + self.direct_tickets, ..tickets };
        let events = BatchCounts { new: events.new + self.direct_events, ..events };
        counts.new = tickets.new + events.new;
        counts.updated = tickets.updated;
        counts.tickets_new = tickets.new;
        counts.tickets_unchanged = counts.tickets_in_file - tickets.new - tickets.updated;
        counts.events_new = events.new;
        counts.events_known = counts.events_staged - events.new;
        counts.tickets_stored = self.count(
            "SELECT count(*) FROM (SELECT DISTINCT source, ticket_id FROM load_ticket) AS l \
             WHERE EXISTS (SELECT 1 FROM ticket t WHERE t.source = l.source AND t.ticket_id = l.ticket_id)",
        )?;
        if self.direct_tickets > 0 {
            // The rows appended straight to `ticket` are there (each key once by construction).
            // The merge took that for granted; this count does not: a key both appended and
            // merged leaves its appended row uncounted, and the batch fails.
            counts.tickets_stored += self.count(&format!(
                "SELECT count(*) FROM ticket t WHERE batch_id = {} AND NOT EXISTS \
                 (SELECT 1 FROM load_ticket l WHERE l.source = t.source AND l.ticket_id = t.ticket_id)",
                self.batch_id
            ))?;
        }
        let stored_events =
            self.count(&format!("SELECT count(*) FROM ticket_event WHERE batch_id = {}", self.batch_id))?;
        // Read from the main tables only (a load table is what could be wrong): every ticket
        // this batch wrote from snapshots or an event log has a history.
        // Only the signature of a total loss is an error: a ticket whose snapshots never change
        // the stored status can legitimately have no event.
        let without_history =
            if (meta.derive_events || meta.derive_tickets.is_some()) && events.new == 0 && counts.events_staged > 0 {
                self.count(&format!(
                    "SELECT count(*) FROM ticket t WHERE t.batch_id = {} AND NOT EXISTS \
                 (SELECT 1 FROM ticket_event e WHERE e.source = t.source AND e.ticket_id = t.ticket_id)",
                    self.batch_id
                ))?
            } else {
                0
            };
        if stored_events != events.new || counts.tickets_stored != counts.tickets_in_file || without_history > 0 {
            return Err(StoreError::Check {
                context: "writing tickets and history".into(),
                message: format!(
                    "{} tickets in the batch, {} stored, {without_history} of them without any history event; \
                     {} new events inserted, {stored_events} stored",
                    counts.tickets_in_file, counts.tickets_stored, events.new
                ),
            });
        }
        for team in &meta.teams {
            c.execute(
                "INSERT OR REPLACE INTO team VALUES (?, ?, ?)",
                params![team.name, team.line.map(i64::from), team.customer],
            )
            .map_err(sql_err(format!("writing team '{}'", team.name)))?;
        }
        // Names from the rows appended straight to the canonical tables too.
        let direct = if self.direct_tickets + self.direct_events > 0 {
            format!(
                "UNION ALL SELECT first_team FROM ticket WHERE batch_id = {batch} \
                 UNION ALL SELECT resolved_by_team FROM ticket WHERE batch_id = {batch} \
                 UNION ALL SELECT assigned_team FROM ticket WHERE batch_id = {batch} \
                 UNION ALL SELECT value FROM ticket_event WHERE batch_id = {batch} AND kind = 'assignment'",
                batch = self.batch_id
            )
        } else {
            String::new()
        };
        c.execute_batch(&format!(
            "INSERT INTO team (name) \
             SELECT DISTINCT name FROM ( \
               SELECT first_team AS name FROM load_ticket UNION ALL \
               SELECT resolved_by_team FROM load_ticket UNION ALL \
               SELECT assigned_team FROM load_ticket UNION ALL \
               SELECT value FROM load_event WHERE kind = 'assignment' {direct}) AS seen \
             WHERE name IS NOT NULL AND name NOT IN (SELECT name FROM team);\
             DROP TABLE load_ticket; DROP TABLE load_event;",
        ))
        .map_err(sql_err("recording teams seen in the data"))?;
        if !meta.team_rules.is_empty() {
            self.apply_team_rules(&meta.team_rules)?;
        }
        c.execute(
            "INSERT INTO ingest_batch VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, \
             make_timestamp(?::BIGINT), now()::TIMESTAMP, ?, ?, ?, ?, ?, ?, ?, ?)",
            params![
                self.batch_id,
                meta.source,
                meta.profile,
                meta.file,
                meta.file_kind,
                meta.sha256,
                meta.bytes,
                meta.encoding,
                meta.delimiter,
                meta.rows_read,
                meta.rows_loaded,
                meta.rows_rejected,
                counts.new,
                counts.updated,
                meta.started_at_us,
                env!("CARGO_PKG_VERSION"),
                meta.warnings,
                counts.tickets_in_file,
                counts.tickets_stored,
                counts.snapshots_superseded,
                counts.events_staged,
                counts.events_new,
                meta.derive_events.then_some(counts.status_changes),
            ],
        )
        .map_err(sql_err("recording the batch"))?;
        c.execute_batch("COMMIT").map_err(sql_err("committing the batch"))?;
        self.open = false;
        Ok(counts)
    }

    /// Stages ticket rows derived from every event of the cases this batch touches (the
    /// events already stored and the new ones): opened at the first event, updated at the
    /// last, status of the last status event, resolved at the start of the final resolved
    /// stretch, first / last / resolving team from the assignments, team changes and
    /// reopens counted; events at one instant in their source order (DESIGN §5a.4). The
    /// usual merge then keeps the newest `updated_at`.
    fn derive_tickets(&self, kind: &str) -> Result<()> {
        let sql = format!(
            "INSERT INTO load_ticket \
             WITH cases AS (SELECT DISTINCT source, ticket_id FROM load_event), \
             ev AS ( \
               SELECT source, ticket_id, occurred_at, kind, value, minutes, min(batch_id) AS batch_id, min(seq) AS seq \
               FROM ( \
                 SELECT e.source, e.ticket_id, e.occurred_at, e.kind, e.value, e.minutes, e.batch_id, e.seq \
                 FROM ticket_event e JOIN cases c ON c.source = e.source AND c.ticket_id = e.ticket_id \
                 UNION ALL SELECT source, ticket_id, occurred_at, kind, value, minutes, batch_id, _row FROM load_event) \
               GROUP BY source, ticket_id, occurred_at, kind, value, minutes), \
             st AS ( \
               SELECT source, ticket_id, occurred_at, value, value IN ('resolved', 'closed', 'cancelled') AS terminal, \
                 lag(value IN ('resolved', 'closed', 'cancelled')) OVER w AS prev_terminal, \
                 row_number() OVER w AS seq \
               FROM ev WHERE kind IN ('status', 'reopen') AND value IS NOT NULL \
               WINDOW w AS (PARTITION BY source, ticket_id ORDER BY occurred_at, kind = 'reopen', batch_id, seq, value)), \
             st_agg AS ( \
               SELECT source, ticket_id, arg_max(value, seq) AS last_status, \
                 max(occurred_at) FILTER (WHERE NOT terminal) AS last_active, \
                 count(*) FILTER (WHERE prev_terminal AND NOT terminal) AS reopens \
               FROM st GROUP BY source, ticket_id), \
             res AS ( \
               SELECT s.source, s.ticket_id, \
                 min(t.occurred_at) FILTER (WHERE t.value IN ('resolved', 'closed') \
                   AND (s.last_active IS NULL OR t.occurred_at > s.last_active)) AS resolved_at, \
                 max(t.occurred_at) FILTER (WHERE t.value = 'closed') AS closed_at \
               FROM st_agg s JOIN st t ON t.source = s.source AND t.ticket_id = s.ticket_id \
               GROUP BY s.source, s.ticket_id), \
             asg AS ( \
               SELECT source, ticket_id, occurred_at, value, lag(value) OVER w AS prev, row_number() OVER w AS n \
               FROM ev WHERE kind = 'assignment' AND value IS NOT NULL \
               WINDOW w AS (PARTITION BY source, ticket_id ORDER BY occurred_at, batch_id, seq, value)), \
             asg_agg AS ( \
               SELECT a.source, a.ticket_id, arg_min(a.value, a.n) AS first_team, \
                 arg_max(a.value, a.n) AS assigned_team, \
                 arg_max(a.value, a.n) FILTER (WHERE r.resolved_at IS NOT NULL AND a.occurred_at <= r.resolved_at) \
                   AS resolved_by_team, \
                 count(*) FILTER (WHERE a.prev IS NOT NULL AND a.prev <> a.value) AS reassignments \
               FROM asg a LEFT JOIN res r ON r.source = a.source AND r.ticket_id = a.ticket_id \
               GROUP BY a.source, a.ticket_id), \
             allev AS ( \
               SELECT source, ticket_id, min(occurred_at) AS opened_at, max(occurred_at) AS updated_at, \
                 sum(minutes) FILTER (WHERE kind = 'worklog') AS work \
               FROM ev GROUP BY source, ticket_id) \
             SELECT a.source, a.ticket_id, '{kind}', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, \
               coalesce(s.last_status, 'open'), a.opened_at, NULL, \
               CASE WHEN s.last_status IN ('resolved', 'closed') THEN r.resolved_at END, \
               CASE WHEN s.last_status = 'closed' THEN r.closed_at END, \
               g.first_team, CASE WHEN s.last_status IN ('resolved', 'closed') THEN g.resolved_by_team END, \
               g.assigned_team, coalesce(g.reassignments, 0), coalesce(s.reopens, 0), NULL, NULL, a.work, NULL, \
               NULL, NULL, a.updated_at, {batch}, 0 \
             FROM allev a \
             LEFT JOIN st_agg s ON s.source = a.source AND s.ticket_id = a.ticket_id \
             LEFT JOIN res r ON r.source = a.source AND r.ticket_id = a.ticket_id \
             LEFT JOIN asg_agg g ON g.source = a.source AND g.ticket_id = a.ticket_id",
            kind = kind.replace('\'', "''"),
            batch = self.batch_id,
        );
        self.conn.execute_batch(&sql).map_err(sql_err("deriving tickets from the event log"))
    }

    /// The snapshots of each ticket in order (this batch's rows, after the stored row of the
    /// ticket when there is one), each with the status and team of the one before. A
    /// source's update counter (`_mod`, e.g. sys_mod_count) orders first, then the update
    /// time; the stored row carries no counter, so it precedes the file's rows.
    const SNAPSHOT_CHANGES: &'static str = "WITH snaps AS ( \
           SELECT source, ticket_id, updated_at, status, assigned_team, _agent, _row, _mod, 0 AS stored FROM load_ticket \
           UNION ALL \
           SELECT t.source, t.ticket_id, t.updated_at, t.status, t.assigned_team, NULL, -1, NULL, 1 FROM ticket t \
           WHERE EXISTS (SELECT 1 FROM load_ticket l WHERE l.source = t.source AND l.ticket_id = t.ticket_id)), \
         ordered AS ( \
           SELECT *, lag(status) OVER w AS prev_status, lag(assigned_team) OVER w AS prev_team, \
             row_number() OVER w AS pos \
           FROM snaps WINDOW w AS (PARTITION BY source, ticket_id \
             ORDER BY _mod NULLS FIRST, updated_at, stored DESC, _row)) ";

    /// Counts the status and team changes between consecutive snapshots: the number of
    /// events `derive_events` must stage.
    fn count_snapshot_changes(&self) -> Result<i64> {
        let sql = format!(
            "{} SELECT count(*) FILTER (WHERE status IS DISTINCT FROM prev_status) \
               + count(*) FILTER (WHERE assigned_team IS NOT NULL AND assigned_team IS DISTINCT FROM prev_team) \
             FROM ordered WHERE stored = 0",
            Self::SNAPSHOT_CHANGES
        );
        self.count(&sql)
    }

    /// Stages the status and assignment changes between consecutive snapshots of each ticket
    /// as events at the snapshot's `updated_at`. An event's `seq` is its snapshot's position
    /// in the ticket's order, so events at one instant keep the source's order (§5a.4) even
    /// when the update counter, not the file, says what that order is.
    fn derive_events(&self) -> Result<()> {
        let sql = format!(
            "INSERT INTO load_event {changes} \
             SELECT source, ticket_id, updated_at, 'status', status, _agent, NULL, {batch}, pos FROM ordered \
             WHERE stored = 0 AND status IS DISTINCT FROM prev_status \
             UNION ALL \
             SELECT source, ticket_id, updated_at, 'assignment', assigned_team, _agent, NULL, {batch}, pos FROM ordered \
             WHERE stored = 0 AND assigned_team IS NOT NULL AND assigned_team IS DISTINCT FROM prev_team",
            changes = Self::SNAPSHOT_CHANGES,
            batch = self.batch_id,
        );
        self.conn.execute_batch(&sql).map_err(sql_err("deriving history from ticket snapshots"))
    }

    /// Gives each team without a line the line and customer of the first rule it matches.
    fn apply_team_rules(&self, rules: &[TeamRule]) -> Result<()> {
        let names: Vec<String> = {
            let mut stmt = self
                .conn
                .prepare("SELECT name FROM team WHERE line IS NULL ORDER BY name")
                .map_err(sql_err("listing teams without a line"))?;
            let rows = stmt.query_map([], |r| r.get(0)).map_err(sql_err("listing teams without a line"))?;
            rows.collect::<std::result::Result<_, _>>().map_err(sql_err("listing teams without a line"))?
        };
        // One statement for all of them (Volvo's 649 groups gave 414 UPDATEs).
        let text = |s: &str| format!("'{}'", s.replace('\'', "''"));
        let values: Vec<String> = names
            .iter()
            .filter_map(|name| {
                let rule = rules.iter().find(|r| r.matches(name))?;
                Some(format!(
                    "({}, {}, {})",
                    text(name),
                    rule.line,
                    rule.customer.as_deref().map_or("NULL::VARCHAR".to_string(), text)
                ))
            })
            .collect();
        if values.is_empty() {
            return Ok(());
        }
        self.conn
            .execute_batch(&format!(
                "UPDATE team SET line = r.line, customer = coalesce(team.customer, r.customer) \
                 FROM (VALUES {}) AS r(name, line, customer) WHERE team.name = r.name",
                values.join(", ")
            ))
            .map_err(sql_err("applying [[team_rules]] to the teams without a line"))
    }

    fn count(&self, sql: &str) -> Result<i64> {
        self.conn.query_row(sql, [], |r| r.get(0)).map_err(sql_err(format!("running `{sql}`")))
    }

    /// Writes the newest row of each ticket in the load table to `ticket`, replacing a
    /// stored row only when it is newer. In a batch that appended tickets straight to
    /// `ticket`, that table held nothing of the source before, and the load table holds
    /// only keys seen twice, whose first row was moved back to it: none of its keys can be
    /// in `ticket`, so every one is new and nothing is looked up.
    fn merge_tickets(&self) -> Result<BatchCounts> {
        let c = self.conn;
        c.execute_batch(
            "CREATE TEMP TABLE load_ticket_win AS \
             SELECT * EXCLUDE (_row, _mod, _agent, _rank) FROM ( \
               SELECT *, row_number() OVER (PARTITION BY source, ticket_id \
                 ORDER BY _mod DESC NULLS LAST, updated_at DESC, _row DESC) AS _rank \
               FROM load_ticket) AS ranked \
             WHERE _rank = 1",
        )
        .map_err(sql_err("ranking ticket rows by updated_at"))?;
        if self.direct_tickets > 0 {
            let new = c
                .execute("INSERT INTO ticket SELECT * FROM load_ticket_win", [])
                .map_err(sql_err("writing tickets"))? as i64;
            c.execute_batch("DROP TABLE load_ticket_win").map_err(sql_err("writing tickets"))?;
            return Ok(BatchCounts { new, ..Default::default() });
        }
        let new: i64 = c
            .query_row(
                "SELECT count(*) FROM load_ticket_win w WHERE NOT EXISTS \
                 (SELECT 1 FROM ticket t WHERE t.source = w.source AND t.ticket_id = w.ticket_id)",
                [],
                |r| r.get(0),
            )
            .map_err(sql_err("counting new tickets"))?;
        // Two exports taken in the same minute stamp different versions with the same
        // updated_at (ServiceNow's list exports show minutes only), and the ticket table keeps
        // no update counter to tell them apart: of two rows at the same instant that differ,
        // the one ingested later is taken as the newer (exports are loaded in the order they
        // were taken). An identical row changes nothing, so a re-sent export stays a no-op.
        let differs = self
            .ticket_columns()?
            .iter()
            .filter(|c| !["source", "ticket_id", "updated_at", "batch_id"].contains(&c.as_str()))
            .map(|c| format!("w.\"{c}\" IS DISTINCT FROM ticket.\"{c}\""))
            .collect::<Vec<_>>()
            .join(" OR ");
        let updated = c
            .execute(
                &format!(
                    "DELETE FROM ticket WHERE EXISTS (SELECT 1 FROM load_ticket_win w \
                     WHERE w.source = ticket.source AND w.ticket_id = ticket.ticket_id \
                       AND (w.updated_at > ticket.updated_at OR (w.updated_at = ticket.updated_at AND ({differs}))))"
                ),
                [],
            )
            .map_err(sql_err("removing tickets superseded by newer rows"))? as i64;
        c.execute_batch(
            "INSERT INTO ticket SELECT * FROM load_ticket_win w WHERE NOT EXISTS \
             (SELECT 1 FROM ticket t WHERE t.source = w.source AND t.ticket_id = w.ticket_id);\
             DROP TABLE load_ticket_win;",
        )
        .map_err(sql_err("writing tickets"))?;
        Ok(BatchCounts { new, updated, ..Default::default() })
    }

    /// The columns of the `ticket` table, in order.
    fn ticket_columns(&self) -> Result<Vec<String>> {
        let context = "listing the ticket table's columns";
        let mut stmt = self
            .conn
            .prepare(
                "SELECT column_name FROM information_schema.columns \
                 WHERE table_schema = 'main' AND table_catalog <> 'temp' AND table_name = 'ticket' \
                 ORDER BY ordinal_position",
            )
            .map_err(sql_err(context))?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0)).map_err(sql_err(context))?;
        rows.collect::<std::result::Result<Vec<_>, _>>().map_err(sql_err(context))
    }

    fn merge_events(&self) -> Result<BatchCounts> {
        let new = self
            .conn
            .execute(
                "INSERT INTO ticket_event \
                 SELECT l.source, l.ticket_id, l.occurred_at, l.kind, l.value, l.agent, l.minutes, min(l.batch_id), \
                   min(l._row) \
                 FROM load_event l \
                 WHERE NOT EXISTS (SELECT 1 FROM ticket_event e WHERE e.source = l.source AND e.ticket_id = l.ticket_id \
                   AND e.occurred_at = l.occurred_at AND e.kind = l.kind AND e.value IS NOT DISTINCT FROM l.value \
                   AND e.agent IS NOT DISTINCT FROM l.agent AND e.minutes IS NOT DISTINCT FROM l.minutes) \
                 GROUP BY l.source, l.ticket_id, l.occurred_at, l.kind, l.value, l.agent, l.minutes",
                [],
            )
            .map_err(sql_err("writing history events"))? as i64;
        Ok(BatchCounts { new, ..Default::default() })
    }
}

impl Drop for BatchWriter<'_> {
    fn drop(&mut self) {
        if self.open {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
        let _ = self.restore_settings();
    }
}
