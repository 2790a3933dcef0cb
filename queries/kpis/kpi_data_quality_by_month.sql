-- grain: one row per local month of opening and data-quality measure
--
-- How far the figures rest on weak data, per local month of opening: tickets = tickets
-- with the issue, total = tickets opened that month (all kinds), share = tickets / total.
-- flat_fallback: no assignment or no status history, so metrics fell back to the ticket
-- row; missing_first_response: resolved incidents and requests without a first response
-- time; non_positive_duration: resolved at or before opening (by the SLA clock or by the
-- ticket row, whose resolved_at may precede opened_at); paused_from_creation: the
-- SLA clock paused from the first instant; no_sla_target: in SLA scope but no target
-- (fct_ticket_sla outcome no_target).
-- The repairs the edge rules allow (DESIGN §5a), each counted: entry_assumed (a user
-- ticket whose first team is unknown or has no configured line: 1st-line entry assumed,
-- §5a.1), reopen_count_unknown and reassignment_count_unknown (flat rows with an empty
-- count, read as 0), status_timestamp_conflict (a cancelled or open row that carries a
-- resolved_at: the status won, §5a.2), resolution_inferred (a resolved or closed row
-- without resolved_at: resolved at closed_at, else updated_at) and history_closed_by_row
-- (the row ended a ticket whose history had not, §5a.3). Every measure is listed for
-- every month, 0 included.
WITH measures AS (
    SELECT measure
    FROM (VALUES
        ('flat_fallback'),
        ('missing_first_response'),
        ('non_positive_duration'),
        ('paused_from_creation'),
        ('no_sla_target'),
        ('entry_assumed'),
        ('reopen_count_unknown'),
        ('reassignment_count_unknown'),
        ('status_timestamp_conflict'),
        ('resolution_inferred'),
        ('history_closed_by_row')
    ) AS m (measure)
),

flagged AS (
    SELECT
        f.*,
        f.kind IN ('incident', 'request') AND NOT f.cancelled AND f.channel IS DISTINCT FROM 'monitoring'
            AS user_ticket,
        t.resolved_at AS row_resolved_at,
        t.opened_at AS row_opened_at,
        c.paused_from_start,
        s.outcome
    FROM fct_ticket_flow AS f
    JOIN fct_ticket AS t ON t.source = f.source AND t.ticket_id = f.ticket_id
    JOIN fct_ticket_clock AS c ON c.source = f.source AND c.ticket_id = f.ticket_id
    LEFT JOIN fct_ticket_sla AS s ON s.source = f.source AND s.ticket_id = f.ticket_id
),

counted AS (
    SELECT
        opened_month AS month,
        count(*) AS total,
        count(*) FILTER (WHERE basis = 'flat' OR status_basis = 'flat') AS flat_fallback,
        count(*) FILTER (
            WHERE kind IN ('incident', 'request') AND resolved_at IS NOT NULL AND first_response_at IS NULL
        ) AS missing_first_response,
        count(*) FILTER (WHERE resolved_at <= opened_at OR row_resolved_at <= row_opened_at) AS non_positive_duration,
        count(*) FILTER (WHERE paused_from_start) AS paused_from_creation,
        count(*) FILTER (WHERE outcome = 'no_target') AS no_sla_target,
        count(*) FILTER (WHERE user_ticket AND entry_basis = 'assumed') AS entry_assumed,
        count(*) FILTER (WHERE kind IN ('incident', 'request') AND reopen_count_unknown) AS reopen_count_unknown,
        count(*) FILTER (WHERE kind IN ('incident', 'request') AND reassignment_count_unknown)
            AS reassignment_count_unknown,
        count(*) FILTER (WHERE status_repair = 'status_timestamp_conflict') AS status_timestamp_conflict,
        count(*) FILTER (WHERE status_repair = 'resolution_inferred') AS resolution_inferred,
        count(*) FILTER (WHERE status_repair = 'history_closed_by_row') AS history_closed_by_row
    FROM flagged
    GROUP BY opened_month
),

listed AS (
    SELECT
        c.month,
        m.measure,
        CASE m.measure
            WHEN 'flat_fallback' THEN c.flat_fallback
            WHEN 'missing_first_response' THEN c.missing_first_response
            WHEN 'non_positive_duration' THEN c.non_positive_duration
            WHEN 'paused_from_creation' THEN c.paused_from_creation
            WHEN 'no_sla_target' THEN c.no_sla_target
            WHEN 'entry_assumed' THEN c.entry_assumed
            WHEN 'reopen_count_unknown' THEN c.reopen_count_unknown
            WHEN 'reassignment_count_unknown' THEN c.reassignment_count_unknown
            WHEN 'status_timestamp_conflict' THEN c.status_timestamp_conflict
            WHEN 'resolution_inferred' THEN c.resolution_inferred
            WHEN 'history_closed_by_row' THEN c.history_closed_by_row
        END AS tickets,
        c.total
    FROM counted AS c
    CROSS JOIN measures AS m
)

SELECT
    month,
    measure,
    tickets,
    total,
    CAST(tickets AS DOUBLE) / nullif(total, 0) AS share
FROM listed
ORDER BY month, measure
