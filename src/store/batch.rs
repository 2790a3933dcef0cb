//! The write side of one ingest batch: a single DuckDB transaction into which ingest
//! bulk-appends Arrow record batches, and which on commit upserts tickets (newest
//! `updated_at` wins per (source, ticket_id)), de-duplicates history and records the batch.
//! Dropping the writer without committing rolls everything back.

use arrow::record_batch::RecordBatch;
use duckdb::{params, Connection};

use super::{sql_err, Result, TeamRow};

/// Where appended rows go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadTarget {
    /// Ticket rows: the columns of `ticket` followed by `_row` (the file's row number).
    Tickets,
    /// History rows: the columns of `ticket_event` but `seq`, followed by `_row` (stored as `seq`).
    Events,
    /// Rejected rows: the columns of `rejected_row`.
    Rejects,
}

impl LoadTarget {
    fn table(self) -> &'static str {
        match self {
            LoadTarget::Tickets => "load_ticket",
            LoadTarget::Events => "load_event",
            LoadTarget::Rejects => "rejected_row",
        }
    }
}

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
    /// When the run started, microseconds since the Unix epoch (UTC).
    pub started_at_us: i64,
    /// Teams from configuration, written to `team` (configured line and customer win).
    pub teams: Vec<TeamRow>,
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
    /// Valid rows that changed nothing (older or equal `updated_at`, or a known event).
    pub unchanged: i64,
}

/// An open batch transaction. See the module docs.
pub struct BatchWriter<'c> {
    conn: &'c Connection,
    batch_id: i64,
    open: bool,
}

impl<'c> BatchWriter<'c> {
    pub(super) fn begin(conn: &'c Connection) -> Result<BatchWriter<'c>> {
        conn.execute_batch("BEGIN TRANSACTION").map_err(sql_err("starting batch transaction"))?;
        let mut writer = BatchWriter { conn, batch_id: 0, open: true };
        writer.batch_id = conn
            .query_row("SELECT coalesce(max(batch_id), 0) + 1 FROM ingest_batch", [], |r| r.get(0))
            .map_err(sql_err("allocating batch id"))?;
        conn.execute_batch(
            "CREATE TEMP TABLE load_ticket AS SELECT *, 0::BIGINT AS _row FROM ticket LIMIT 0;\
             CREATE TEMP TABLE load_event AS SELECT * EXCLUDE (seq), 0::BIGINT AS _row FROM ticket_event LIMIT 0;",
        )
        .map_err(sql_err("creating load tables"))?;
        Ok(writer)
    }

    /// The id this batch will have.
    pub fn batch_id(&self) -> i64 {
        self.batch_id
    }

    /// Bulk-appends one record batch whose columns match the target's table in order.
    pub fn append(&mut self, target: LoadTarget, batch: RecordBatch) -> Result<()> {
        let context = format!("appending {} rows to {}", batch.num_rows(), target.table());
        // Load tables are temporary (never written to the database file); rejected rows
        // go straight to their table in the main database.
        let mut app = match target {
            LoadTarget::Rejects => self.conn.appender(target.table()),
            _ => self.conn.appender_to_catalog_and_db(target.table(), "temp", "main"),
        }
        .map_err(sql_err(context.clone()))?;
        app.append_record_batch(batch).map_err(sql_err(context.clone()))?;
        app.flush().map_err(sql_err(context))
    }

    /// Upserts what was appended, records the batch and commits. Returns the effect.
    pub fn commit(mut self, meta: &BatchMeta) -> Result<BatchCounts> {
        let c = self.conn;
        if let Some(kind) = &meta.derive_tickets {
            self.derive_tickets(kind)?;
        }
        if meta.derive_events {
            self.derive_events()?;
        }
        let tickets = self.merge_tickets()?;
        let events = self.merge_events()?;
        // Rows of an event log are events; its tickets are derived, not read.
        let read_tickets = if meta.derive_tickets.is_some() { 0 } else { tickets.new + tickets.updated };
        let counts = BatchCounts {
            new: tickets.new + events.new,
            updated: tickets.updated,
            unchanged: (meta.rows_loaded - read_tickets - events.new).max(0),
        };
        for team in &meta.teams {
            c.execute(
                "INSERT OR REPLACE INTO team VALUES (?, ?, ?)",
                params![team.name, team.line.map(i64::from), team.customer],
            )
            .map_err(sql_err(format!("writing team '{}'", team.name)))?;
        }
        c.execute_batch(
            "INSERT INTO team (name) \
             SELECT DISTINCT name FROM ( \
               SELECT first_team AS name FROM load_ticket UNION ALL \
               SELECT resolved_by_team FROM load_ticket UNION ALL \
               SELECT assigned_team FROM load_ticket UNION ALL \
               SELECT value FROM load_event WHERE kind = 'assignment') AS seen \
             WHERE name IS NOT NULL AND name NOT IN (SELECT name FROM team);\
             DROP TABLE load_ticket; DROP TABLE load_event;",
        )
        .map_err(sql_err("recording teams seen in the data"))?;
        c.execute(
            "INSERT INTO ingest_batch VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, \
             make_timestamp(?::BIGINT), now()::TIMESTAMP, ?)",
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

    /// Stages the status and assignment changes between consecutive snapshots of each ticket
    /// (this batch's rows, after the stored row of the ticket when there is one) as events
    /// at the snapshot's `updated_at`.
    fn derive_events(&self) -> Result<()> {
        let sql = format!(
            "INSERT INTO load_event \
             WITH snaps AS ( \
               SELECT source, ticket_id, updated_at, status, assigned_team, _row, 0 AS stored FROM load_ticket \
               UNION ALL \
               SELECT t.source, t.ticket_id, t.updated_at, t.status, t.assigned_team, -1, 1 FROM ticket t \
               WHERE EXISTS (SELECT 1 FROM load_ticket l WHERE l.source = t.source AND l.ticket_id = t.ticket_id)), \
             ordered AS ( \
               SELECT *, lag(status) OVER w AS prev_status, lag(assigned_team) OVER w AS prev_team, \
                 row_number() OVER w AS seq \
               FROM snaps WINDOW w AS (PARTITION BY source, ticket_id ORDER BY updated_at, stored DESC, _row)) \
             SELECT source, ticket_id, updated_at, 'status', status, NULL, NULL, {batch}, _row FROM ordered \
             WHERE stored = 0 AND status IS DISTINCT FROM prev_status \
             UNION ALL \
             SELECT source, ticket_id, updated_at, 'assignment', assigned_team, NULL, NULL, {batch}, _row FROM ordered \
             WHERE stored = 0 AND assigned_team IS NOT NULL AND assigned_team IS DISTINCT FROM prev_team",
            batch = self.batch_id,
        );
        self.conn.execute_batch(&sql).map_err(sql_err("deriving history from ticket snapshots"))
    }

    fn merge_tickets(&self) -> Result<BatchCounts> {
        let c = self.conn;
        c.execute_batch(
            "CREATE TEMP TABLE load_ticket_win AS \
             SELECT * EXCLUDE (_row, _rank) FROM ( \
               SELECT *, row_number() OVER (PARTITION BY source, ticket_id ORDER BY updated_at DESC, _row DESC) AS _rank \
               FROM load_ticket) AS ranked \
             WHERE _rank = 1",
        )
        .map_err(sql_err("ranking ticket rows by updated_at"))?;
        let new: i64 = c
            .query_row(
                "SELECT count(*) FROM load_ticket_win w WHERE NOT EXISTS \
                 (SELECT 1 FROM ticket t WHERE t.source = w.source AND t.ticket_id = w.ticket_id)",
                [],
                |r| r.get(0),
            )
            .map_err(sql_err("counting new tickets"))?;
        let updated = c
            .execute(
                "DELETE FROM ticket WHERE EXISTS (SELECT 1 FROM load_ticket_win w \
                 WHERE w.source = ticket.source AND w.ticket_id = ticket.ticket_id AND w.updated_at > ticket.updated_at)",
                [],
            )
            .map_err(sql_err("removing tickets superseded by newer rows"))? as i64;
        c.execute_batch(
            "INSERT INTO ticket SELECT * FROM load_ticket_win w WHERE NOT EXISTS \
             (SELECT 1 FROM ticket t WHERE t.source = w.source AND t.ticket_id = w.ticket_id);\
             DROP TABLE load_ticket_win;",
        )
        .map_err(sql_err("writing tickets"))?;
        Ok(BatchCounts { new, updated, unchanged: 0 })
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
        Ok(BatchCounts { new, updated: 0, unchanged: 0 })
    }
}

impl Drop for BatchWriter<'_> {
    fn drop(&mut self) {
        if self.open {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}
