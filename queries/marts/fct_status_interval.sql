-- grain: one row per interval [starts_at, ends_at) in which a ticket had one status, from opening to its end (a zero-length 'ended' row) or, while open, to the build's as-of instant
-- incremental: ticket
--
-- The SLA clock of DESIGN §4 reads these rows: `clock` is 'running' while the ticket is
-- worked on, 'paused' in a pause status (cfg_sla_pause, default pending), 'reopened' while
-- it sat resolved before being reopened (excluded from elapsed time), 'ended' at its
-- final resolution (or cancellation): that row has length zero, so a ticket that has
-- ended has the same rows at any later as-of (which incremental builds rely on). Tickets with status history use it (basis
-- 'history'); flat exports fall back to the ticket row (basis 'flat'), pauses unknown.
-- start_clock / end_clock are business seconds of the SLA calendar since its first span,
-- so business time between any two instants is a subtraction.
--
-- Edge rules (DESIGN §5a): events at one instant keep their source order, a reopen after
-- the resolution it undoes (§5a.4). Flat rows: the status wins over the timestamps
-- (§5a.2): 'cancelled' is cancelled whatever resolved_at says; an open/new/pending status
-- with a resolved_at is open; resolved/closed without resolved_at is resolved at
-- closed_at, else updated_at. History: when the row is resolved, closed or cancelled and
-- the history's last status is not, the row closes the last interval (§5a.3). Each repair
-- is named in `repair` (one value per ticket): status_timestamp_conflict,
-- resolution_inferred or history_closed_by_row; NULL when nothing was repaired.
WITH build AS (
    SELECT as_of, sla_calendar FROM cfg_build
),

-- The SLA calendar's hours, a table of its own so that DuckDB sees it as the small side of
-- both clock joins in `clocked` (as in fct_assignment_segment; issue 14).
sla_hour AS (
    SELECT hour, before_seconds, open_mask
    FROM calendar_hour
    SEMI JOIN build AS b ON calendar = b.sla_calendar
),

tickets AS (
    SELECT
        source,
        ticket_id,
        status,
        opened_at,
        resolved_at,
        closed_at,
        updated_at,
        -- When the row says the ticket ended, and how (status wins over timestamps).
        CASE
            WHEN status IN ('resolved', 'closed') THEN coalesce(resolved_at, closed_at, updated_at)
            WHEN status = 'cancelled' THEN coalesce(closed_at, resolved_at, updated_at)
        END AS row_ended_at
    FROM fct_ticket
    -- A semi join, not `opened_at <= (SELECT as_of FROM build)`: DuckDB estimates a
    -- comparison with a scalar subquery at a few rows, and on that estimate built the
    -- calendar_hour joins below with millions of intervals as the hash table's side
    -- (issue 14: 0.65 GB more peak memory at 1M tickets).
    SEMI JOIN build AS b ON opened_at <= b.as_of
),

recorded AS (
    SELECT
        e.source,
        e.ticket_id,
        greatest(e.occurred_at, t.opened_at) AS starts_at,
        e.occurred_at,
        e.reopen_last,
        e.batch_id,
        e.seq,
        e.status_order,
        e.value AS status
    FROM stg_ticket_event AS e
    JOIN tickets AS t ON t.source = e.source AND t.ticket_id = e.ticket_id
    SEMI JOIN build AS b ON e.occurred_at <= b.as_of
    WHERE e.kind IN ('status', 'reopen')
      AND e.value IS NOT NULL
),

-- Per ticket: its first and last recorded instant and its last recorded status, from the
-- events alone (a second scan instead of keeping `recorded` for two readers). starts_at =
-- greatest(occurred_at, opened_at) never decreases with occurred_at, so the order by
-- (starts_at, occurred_at, …) is the order by (occurred_at, …), and the first and last
-- starts_at are the first and last occurred_at raised to opened_at.
recorded_events AS (
    SELECT
        e.source,
        e.ticket_id,
        min(e.occurred_at) AS first_occurred_at,
        max(e.occurred_at) AS last_occurred_at,
        last(e.value ORDER BY e.occurred_at, e.reopen_last, e.batch_id, e.seq, e.status_order) AS last_status
    FROM stg_ticket_event AS e
    SEMI JOIN build AS b ON e.occurred_at <= b.as_of
    WHERE e.kind IN ('status', 'reopen')
      AND e.value IS NOT NULL
    GROUP BY e.source, e.ticket_id
),

-- Every ticket with the summary of its recorded statuses (has_history false and the rest
-- NULL without any): one join of the tickets with the summaries, read by the three CTEs
-- below, instead of a join of their own each (issue 14).
ticket_summary AS (
    SELECT
        t.*,
        r.ticket_id IS NOT NULL AS has_history,
        CASE WHEN r.ticket_id IS NOT NULL THEN greatest(r.first_occurred_at, t.opened_at) END AS first_at,
        CASE WHEN r.ticket_id IS NOT NULL THEN greatest(r.last_occurred_at, t.opened_at) END AS last_at,
        r.last_status
    FROM tickets AS t
    LEFT JOIN recorded_events AS r ON r.source = t.source AND r.ticket_id = t.ticket_id
),

-- Before its first recorded status a ticket is new.
implicit_new AS (
    SELECT
        source, ticket_id, opened_at AS starts_at, opened_at AS occurred_at, false AS reopen_last,
        CAST(NULL AS BIGINT) AS batch_id, CAST(NULL AS BIGINT) AS seq, -1 AS status_order, 'new' AS status
    FROM ticket_summary
    WHERE has_history AND first_at > opened_at
),

-- Partial history: the row ended the ticket, the history's last status did not.
closed_by_row AS (
    SELECT
        source, ticket_id, greatest(row_ended_at, last_at) AS starts_at, row_ended_at AS occurred_at,
        false AS reopen_last, CAST(NULL AS BIGINT) AS batch_id, CAST(NULL AS BIGINT) AS seq, 9 AS status_order,
        status
    FROM ticket_summary
    WHERE has_history
      AND row_ended_at <= (SELECT as_of FROM build)
      AND last_status NOT IN ('resolved', 'closed', 'cancelled')
),

flat_tickets AS (
    SELECT
        t.* EXCLUDE (has_history, first_at, last_at, last_status),
        CASE WHEN t.status IN ('resolved', 'closed') AND t.row_ended_at <= (SELECT as_of FROM build)
            THEN t.row_ended_at END AS resolution_at,
        CASE WHEN t.status = 'cancelled' AND t.row_ended_at <= (SELECT as_of FROM build)
            THEN t.row_ended_at END AS cancelled_at,
        CASE
            WHEN t.status IN ('new', 'open', 'pending', 'cancelled') AND t.resolved_at IS NOT NULL
                THEN 'status_timestamp_conflict'
            WHEN t.status IN ('resolved', 'closed') AND t.resolved_at IS NULL THEN 'resolution_inferred'
        END AS repair
    FROM ticket_summary AS t
    WHERE NOT t.has_history
),

-- Flat exports: open from opening until resolved (or cancelled); pauses are unknown.
flat AS (
    SELECT
        source, ticket_id, opened_at AS starts_at, opened_at AS occurred_at, false AS reopen_last,
        CAST(NULL AS BIGINT) AS batch_id, CAST(NULL AS BIGINT) AS seq, 1 AS status_order, 'open' AS status
    FROM flat_tickets
    UNION ALL
    SELECT source, ticket_id, greatest(resolution_at, opened_at), resolution_at, false, NULL, NULL, 3, 'resolved'
    FROM flat_tickets
    WHERE resolution_at IS NOT NULL
    UNION ALL
    SELECT source, ticket_id, greatest(cancelled_at, opened_at), cancelled_at, false, NULL, NULL, 5, 'cancelled'
    FROM flat_tickets
    WHERE cancelled_at IS NOT NULL
),

repairs AS (
    SELECT source, ticket_id, 'history_closed_by_row' AS repair FROM closed_by_row
    UNION ALL
    SELECT source, ticket_id, repair FROM flat_tickets WHERE repair IS NOT NULL
),

-- is_flat (basis 'flat') is a boolean through the window and becomes the basis text after
-- it: one string fewer in the sort's payload of every row (issue 14).
changes AS (
    SELECT *, false AS is_flat FROM recorded
    UNION ALL
    SELECT *, false AS is_flat FROM implicit_new
    UNION ALL
    SELECT *, false AS is_flat FROM closed_by_row
    UNION ALL
    SELECT *, true AS is_flat FROM flat
),

intervals AS (
    SELECT
        source,
        ticket_id,
        is_flat,
        row_number() OVER w AS seq,
        status,
        starts_at,
        -- The last interval runs to as-of while the ticket is open; a ticket that ended
        -- ends there (a zero-length 'ended' row), so its rows do not move with as-of.
        coalesce(
            lead(starts_at) OVER w,
            CASE WHEN status IN ('resolved', 'closed', 'cancelled') THEN starts_at ELSE (SELECT as_of FROM build) END
        ) AS ends_at,
        status IN ('resolved', 'closed', 'cancelled') AS is_terminal,
        lag(status) OVER w IN ('resolved', 'closed', 'cancelled')
            AND status NOT IN ('resolved', 'closed', 'cancelled') AS is_reopen,
        -- A terminal change followed by a non-terminal one was reopened (no terminal and
        -- non-terminal change tie on w's order: the status is part of it).
        coalesce(
            status IN ('resolved', 'closed', 'cancelled')
            AND bool_or(status NOT IN ('resolved', 'closed', 'cancelled'))
                OVER (w ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING),
            false
        ) AS was_reopened
    FROM changes
    WINDOW w AS (PARTITION BY source, ticket_id ORDER BY starts_at, occurred_at, reopen_last, batch_id, seq, status_order)
),

classified AS (
    SELECT
        *,
        CASE
            WHEN was_reopened THEN 'reopened'
            WHEN is_terminal THEN 'ended'
            WHEN status IN (SELECT status FROM cfg_sla_pause) THEN 'paused'
            ELSE 'running'
        END AS clock
    FROM intervals
),

clocked AS (
    SELECT
        i.*,
        coalesce(business_clock(cs.hour, cs.before_seconds, cs.open_mask, i.starts_at), 0) AS start_clock,
        coalesce(business_clock(ce.hour, ce.before_seconds, ce.open_mask, i.ends_at), 0) AS end_clock
    FROM classified AS i
    LEFT JOIN sla_hour AS cs ON cs.hour = clock_hour(i.starts_at)
    LEFT JOIN sla_hour AS ce ON ce.hour = clock_hour(i.ends_at)
)

SELECT
    c.source,
    c.ticket_id,
    c.seq,
    c.status,
    c.clock,
    c.is_reopen,
    CASE WHEN c.is_flat THEN 'flat' ELSE 'history' END AS basis,
    r.repair,
    c.starts_at,
    c.ends_at,
    c.start_clock,
    c.end_clock,
    c.end_clock - c.start_clock AS business_seconds
FROM clocked AS c
LEFT JOIN repairs AS r ON r.source = c.source AND r.ticket_id = c.ticket_id
