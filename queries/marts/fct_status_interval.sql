-- grain: one row per interval [starts_at, ends_at) in which a ticket had one status, from opening to the build's as-of instant
--
-- The SLA clock of DESIGN §4 reads these rows: `clock` is 'running' while the ticket is
-- worked on, 'paused' in a pause status (cfg_sla_pause, default pending), 'reopened' while
-- it sat resolved before being reopened (excluded from elapsed time), 'ended' from its
-- final resolution (or cancellation). Tickets with status history use it (basis
-- 'history'); flat exports fall back to open from opened_at to resolved_at (basis 'flat').
-- start_clock / end_clock are business seconds of the SLA calendar since its first span,
-- so business time between any two instants is a subtraction.
WITH build AS (
    SELECT as_of, sla_calendar FROM cfg_build
),

clock AS (
    SELECT span_start, span_end, before_seconds
    FROM calendar_span
    WHERE calendar = (SELECT sla_calendar FROM build)
),

tickets AS (
    SELECT source, ticket_id, status, opened_at, resolved_at, closed_at, updated_at
    FROM fct_ticket
    WHERE opened_at <= (SELECT as_of FROM build)
),

recorded AS (
    SELECT
        e.source,
        e.ticket_id,
        greatest(e.occurred_at, t.opened_at) AS starts_at,
        e.occurred_at,
        e.status_order,
        e.value AS status
    FROM stg_ticket_event AS e
    JOIN tickets AS t ON t.source = e.source AND t.ticket_id = e.ticket_id
    WHERE e.kind IN ('status', 'reopen')
      AND e.value IS NOT NULL
      AND e.occurred_at <= (SELECT as_of FROM build)
),

first_recorded AS (
    SELECT source, ticket_id, min(starts_at) AS first_at
    FROM recorded
    GROUP BY source, ticket_id
),

-- Before its first recorded status a ticket is new.
implicit_new AS (
    SELECT t.source, t.ticket_id, t.opened_at AS starts_at, t.opened_at AS occurred_at, -1 AS status_order, 'new' AS status
    FROM tickets AS t
    JOIN first_recorded AS f ON f.source = t.source AND f.ticket_id = t.ticket_id
    WHERE f.first_at > t.opened_at
),

flat_tickets AS (
    SELECT
        t.*,
        CASE
            WHEN coalesce(t.resolved_at, CASE WHEN t.status = 'closed' THEN t.closed_at END) <= (SELECT as_of FROM build)
                THEN coalesce(t.resolved_at, CASE WHEN t.status = 'closed' THEN t.closed_at END)
        END AS resolution_at,
        CASE
            WHEN t.status = 'cancelled' AND coalesce(t.closed_at, t.updated_at) <= (SELECT as_of FROM build)
                THEN coalesce(t.closed_at, t.updated_at)
        END AS cancelled_at
    FROM tickets AS t
    WHERE NOT EXISTS (SELECT 1 FROM first_recorded AS f WHERE f.source = t.source AND f.ticket_id = t.ticket_id)
),

-- Flat exports: open from opening until resolved (or cancelled); pauses are unknown.
flat AS (
    SELECT source, ticket_id, opened_at AS starts_at, opened_at AS occurred_at, 1 AS status_order, 'open' AS status
    FROM flat_tickets
    UNION ALL
    SELECT source, ticket_id, greatest(resolution_at, opened_at), resolution_at, 3, 'resolved'
    FROM flat_tickets
    WHERE resolution_at IS NOT NULL
    UNION ALL
    SELECT source, ticket_id, greatest(cancelled_at, opened_at), cancelled_at, 5, 'cancelled'
    FROM flat_tickets
    WHERE resolution_at IS NULL AND cancelled_at IS NOT NULL
),

changes AS (
    SELECT *, 'history' AS basis FROM recorded
    UNION ALL
    SELECT *, 'history' AS basis FROM implicit_new
    UNION ALL
    SELECT *, 'flat' AS basis FROM flat
),

intervals AS (
    SELECT
        source,
        ticket_id,
        basis,
        row_number() OVER w AS seq,
        status,
        starts_at,
        coalesce(lead(starts_at) OVER w, (SELECT as_of FROM build)) AS ends_at,
        status IN ('resolved', 'closed', 'cancelled') AS is_terminal,
        lag(status) OVER w IN ('resolved', 'closed', 'cancelled')
            AND status NOT IN ('resolved', 'closed', 'cancelled') AS is_reopen
    FROM changes
    WINDOW w AS (PARTITION BY source, ticket_id ORDER BY starts_at, occurred_at, status_order, status)
),

classified AS (
    SELECT
        *,
        CASE
            WHEN is_terminal AND seq < coalesce(max(seq) FILTER (WHERE NOT is_terminal) OVER (PARTITION BY source, ticket_id), 0) THEN 'reopened'
            WHEN is_terminal THEN 'ended'
            WHEN status IN (SELECT status FROM cfg_sla_pause) THEN 'paused'
            ELSE 'running'
        END AS clock
    FROM intervals
),

clocked AS (
    SELECT
        i.*,
        coalesce(cs.before_seconds + epoch(least(i.starts_at, cs.span_end)) - epoch(cs.span_start), 0) AS start_clock,
        coalesce(ce.before_seconds + epoch(least(i.ends_at, ce.span_end)) - epoch(ce.span_start), 0) AS end_clock
    FROM classified AS i
    ASOF LEFT JOIN clock AS cs ON i.starts_at >= cs.span_start
    ASOF LEFT JOIN clock AS ce ON i.ends_at >= ce.span_start
)

SELECT
    source,
    ticket_id,
    seq,
    status,
    clock,
    is_reopen,
    basis,
    starts_at,
    ends_at,
    start_clock,
    end_clock,
    end_clock - start_clock AS business_seconds
FROM clocked
