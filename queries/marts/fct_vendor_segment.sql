-- grain: one row per assignment segment held by a vendor's team: its holding time in the vendor's own calendar, the UC outcome and the SLA breach it caused
-- incremental: ticket
--
-- DESIGN §7b. A vendor's holding is an assignment segment (fct_assignment_segment) of a
-- team its rule matches (dim_vendor_team), measured in the vendor's calendar, not the SLA
-- calendar: a 24x7 vendor's night and weekend count, an office vendor's do not. Pauses
-- (cfg_sla_pause statuses) and time resolved before a reopen inside the holding are
-- measured in the same calendar and taken out: running_minutes is the UC clock.
-- sla_running_minutes is the organisation's SLA clock over the same holding, for
-- comparison. uc_outcome: met (handed back or resolved within the UC target), breached
-- (handed back past it), breached_open (still held at as-of, already past it), open (held,
-- not past it), cancelled (the ticket was cancelled while the vendor held it, within
-- target: counts nowhere, as DESIGN §5a.6), no_target (no UC target for the priority).
-- A decided outcome belongs to the local month the holding ended (outcome_month); each
-- holding is received in the local month it started (received_month).
-- Response (optional target per vendor): business minutes of the vendor's calendar from
-- the assignment to the first status change or worklog entry after it while it held
-- the ticket; no pause.
-- caused_sla_breach: the ticket's SLA breach team (fct_ticket_sla) is this team and this
-- is its last holding that began before the breach instant (sla_breach_month = the
-- breach's outcome month).
WITH build AS (
    SELECT as_of FROM cfg_build
),

segments AS (
    SELECT
        g.source,
        g.ticket_id,
        g.seq,
        g.team,
        v.vendor,
        v.calendar,
        v.response_minutes AS response_target_minutes,
        g.basis,
        g.starts_at,
        g.ends_at,
        g.is_last,
        g.running_minutes AS sla_running_minutes,
        t.kind,
        t.customer,
        t.sla_priority AS priority,
        g.is_last AND c.resolved_at IS NULL AND c.cancelled_at IS NULL AS is_held,
        g.is_last AND c.cancelled_at IS NOT NULL AS ended_cancelled
    -- The vendor teams' holdings through a semi join first: DuckDB's estimate of the join
    -- with dim_vendor_team alone stays at all 1.4 M segments (with none configured too),
    -- and on it the tickets and their clocks became the hash tables' side (issue 14).
    FROM (SELECT * FROM fct_assignment_segment SEMI JOIN dim_vendor_team USING (team)) AS g
    JOIN dim_vendor_team AS v ON v.team = g.team
    JOIN fct_ticket AS t ON t.source = g.source AND t.ticket_id = g.ticket_id
    JOIN fct_ticket_clock AS c ON c.source = g.source AND c.ticket_id = g.ticket_id
),

clocked AS (
    SELECT
        s.*,
        coalesce(cs.before_seconds + epoch(least(s.starts_at, cs.span_end)) - epoch(cs.span_start), 0) AS start_clock,
        coalesce(ce.before_seconds + epoch(least(s.ends_at, ce.span_end)) - epoch(ce.span_start), 0) AS end_clock
    FROM segments AS s
    ASOF LEFT JOIN calendar_span AS cs ON cs.calendar = s.calendar AND s.starts_at >= cs.span_start
    ASOF LEFT JOIN calendar_span AS ce ON ce.calendar = s.calendar AND s.ends_at >= ce.span_start
),

-- Paused and resolved-before-reopen stretches inside each holding, as instants.
stops AS (
    SELECT
        s.source,
        s.ticket_id,
        s.seq,
        s.calendar,
        i.clock,
        greatest(s.starts_at, i.starts_at) AS from_at,
        least(s.ends_at, i.ends_at) AS to_at
    FROM segments AS s
    JOIN fct_status_interval AS i
        ON i.source = s.source AND i.ticket_id = s.ticket_id
        AND i.clock IN ('paused', 'reopened')
        AND i.starts_at < s.ends_at AND i.ends_at > s.starts_at
),

-- ... measured in the vendor's calendar.
stops_clocked AS (
    SELECT
        o.source,
        o.ticket_id,
        o.seq,
        o.clock,
        coalesce(ce.before_seconds + epoch(least(o.to_at, ce.span_end)) - epoch(ce.span_start), 0)
            - coalesce(cs.before_seconds + epoch(least(o.from_at, cs.span_end)) - epoch(cs.span_start), 0) AS seconds
    FROM stops AS o
    ASOF LEFT JOIN calendar_span AS cs ON cs.calendar = o.calendar AND o.from_at >= cs.span_start
    ASOF LEFT JOIN calendar_span AS ce ON ce.calendar = o.calendar AND o.to_at >= ce.span_start
),

stopped AS (
    SELECT
        source,
        ticket_id,
        seq,
        coalesce(sum(seconds) FILTER (WHERE clock = 'paused'), 0) AS paused_seconds,
        coalesce(sum(seconds) FILTER (WHERE clock = 'reopened'), 0) AS reopened_seconds
    FROM stops_clocked
    GROUP BY source, ticket_id, seq
),

responses AS (
    SELECT s.source, s.ticket_id, s.seq, min(e.occurred_at) AS responded_at
    -- The holdings of vendors with a response target, straight from the segments (their
    -- tickets' rows are joined in `segments`, which response_clocked reads). The holding
    -- must not be empty to hold a response; with that filter DuckDB estimates these rows
    -- under the events' and makes them the hash table's side: the 5.9 M events were it,
    -- even with no vendor configured (issue 14: 0.8 s of the 1M build for no rows).
    -- As-of from `build` in the join condition, for the same reason.
    FROM (
        SELECT g.source, g.ticket_id, g.seq, g.starts_at, g.ends_at, b.as_of
        FROM fct_assignment_segment AS g
        CROSS JOIN build AS b
        SEMI JOIN dim_vendor_team AS v ON v.team = g.team AND v.response_minutes IS NOT NULL
        WHERE g.starts_at < g.ends_at
    ) AS s
    JOIN stg_ticket_event AS e
        ON e.source = s.source AND e.ticket_id = s.ticket_id AND e.occurred_at <= s.as_of
    WHERE e.kind IN ('status', 'worklog', 'reopen')
      AND e.occurred_at > s.starts_at AND e.occurred_at <= s.ends_at
    GROUP BY s.source, s.ticket_id, s.seq
),

response_clocked AS (
    SELECT
        r.source,
        r.ticket_id,
        r.seq,
        r.responded_at,
        coalesce(cr.before_seconds + epoch(least(r.responded_at, cr.span_end)) - epoch(cr.span_start), 0)
            AS response_clock
    FROM responses AS r
    JOIN segments AS s ON s.source = r.source AND s.ticket_id = r.ticket_id AND s.seq = r.seq
    ASOF LEFT JOIN calendar_span AS cr ON cr.calendar = s.calendar AND r.responded_at >= cr.span_start
),

breach_holding AS (
    SELECT s.source, s.ticket_id, max(s.seq) AS seq, any_value(l.outcome_month) AS sla_breach_month
    FROM segments AS s
    JOIN fct_ticket_sla AS l ON l.source = s.source AND l.ticket_id = s.ticket_id
    WHERE l.breach_team = s.team AND l.breach_at IS NOT NULL AND s.starts_at < l.breach_at
    GROUP BY s.source, s.ticket_id
),

measured AS (
    SELECT
        c.*,
        (c.end_clock - c.start_clock) / 60 AS held_minutes,
        coalesce(p.paused_seconds, 0) / 60 AS paused_minutes,
        coalesce(p.reopened_seconds, 0) / 60 AS reopened_minutes,
        (c.end_clock - c.start_clock - coalesce(p.paused_seconds, 0) - coalesce(p.reopened_seconds, 0)) / 60
            AS running_minutes,
        u.uc_minutes AS uc_target_minutes,
        r.responded_at,
        CASE WHEN r.responded_at IS NOT NULL THEN (r.response_clock - c.start_clock) / 60 END AS response_minutes,
        b.seq IS NOT NULL AS caused_sla_breach,
        b.sla_breach_month
    FROM clocked AS c
    LEFT JOIN stopped AS p ON p.source = c.source AND p.ticket_id = c.ticket_id AND p.seq = c.seq
    LEFT JOIN cfg_vendor_uc AS u ON u.vendor = c.vendor AND u.priority = c.priority
    LEFT JOIN response_clocked AS r ON r.source = c.source AND r.ticket_id = c.ticket_id AND r.seq = c.seq
    LEFT JOIN breach_holding AS b ON b.source = c.source AND b.ticket_id = c.ticket_id AND b.seq = c.seq
),

judged AS (
    SELECT
        m.*,
        CASE
            WHEN m.uc_target_minutes IS NULL THEN 'no_target'
            WHEN m.running_minutes > m.uc_target_minutes AND m.is_held THEN 'breached_open'
            WHEN m.running_minutes > m.uc_target_minutes THEN 'breached'
            WHEN m.is_held THEN 'open'
            WHEN m.ended_cancelled THEN 'cancelled'
            ELSE 'met'
        END AS uc_outcome,
        CASE
            WHEN m.response_target_minutes IS NULL THEN NULL
            WHEN m.response_minutes IS NOT NULL AND m.response_minutes <= m.response_target_minutes THEN 'met'
            WHEN m.response_minutes IS NOT NULL THEN 'breached'
            WHEN m.held_minutes > m.response_target_minutes THEN CASE WHEN m.is_held THEN 'breached_open' ELSE 'breached' END
            WHEN m.is_held THEN 'open'
            ELSE 'no_response'
        END AS response_outcome
    FROM measured AS m
)

SELECT
    j.source,
    j.ticket_id,
    j.seq,
    j.vendor,
    j.team,
    j.calendar,
    j.basis,
    j.kind,
    j.customer,
    j.priority,
    j.starts_at,
    j.ends_at,
    j.is_held,
    dr.month AS received_month,
    j.held_minutes,
    j.paused_minutes,
    j.reopened_minutes,
    j.running_minutes,
    j.sla_running_minutes,
    j.uc_target_minutes,
    j.uc_outcome,
    CASE WHEN j.uc_outcome IN ('met', 'breached') THEN de.month END AS outcome_month,
    j.response_target_minutes,
    j.responded_at,
    j.response_minutes,
    j.response_outcome,
    j.caused_sla_breach,
    j.sla_breach_month
FROM judged AS j
ASOF LEFT JOIN local_day AS dr ON j.starts_at >= dr.day_start
ASOF LEFT JOIN local_day AS de ON j.ends_at >= de.day_start
