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

-- Tickets opened per month (all kinds), and the flagged tickets of kpi_data_quality_ticket
-- counted per measure: fct_ticket_flow's row of a ticket has exactly one row in fct_ticket
-- and fct_ticket_clock (it is built from them), so these are the tickets of every month.
totals AS (
    SELECT opened_month AS month, count(*) AS total
    FROM fct_ticket_flow
    GROUP BY opened_month
),

issues AS (
    SELECT
        opened_month AS month,
        count(*) FILTER (WHERE flat_fallback) AS flat_fallback,
        count(*) FILTER (WHERE missing_first_response) AS missing_first_response,
        count(*) FILTER (WHERE non_positive_duration) AS non_positive_duration,
        count(*) FILTER (WHERE paused_from_creation) AS paused_from_creation,
        count(*) FILTER (WHERE no_sla_target) AS no_sla_target,
        count(*) FILTER (WHERE entry_assumed) AS entry_assumed,
        count(*) FILTER (WHERE reopen_count_unknown) AS reopen_count_unknown,
        count(*) FILTER (WHERE reassignment_count_unknown) AS reassignment_count_unknown,
        count(*) FILTER (WHERE status_timestamp_conflict) AS status_timestamp_conflict,
        count(*) FILTER (WHERE resolution_inferred) AS resolution_inferred,
        count(*) FILTER (WHERE history_closed_by_row) AS history_closed_by_row
    FROM kpi_data_quality_ticket
    GROUP BY opened_month
),

counted AS (
    SELECT
        o.month,
        o.total,
        coalesce(i.flat_fallback, 0) AS flat_fallback,
        coalesce(i.missing_first_response, 0) AS missing_first_response,
        coalesce(i.non_positive_duration, 0) AS non_positive_duration,
        coalesce(i.paused_from_creation, 0) AS paused_from_creation,
        coalesce(i.no_sla_target, 0) AS no_sla_target,
        coalesce(i.entry_assumed, 0) AS entry_assumed,
        coalesce(i.reopen_count_unknown, 0) AS reopen_count_unknown,
        coalesce(i.reassignment_count_unknown, 0) AS reassignment_count_unknown,
        coalesce(i.status_timestamp_conflict, 0) AS status_timestamp_conflict,
        coalesce(i.resolution_inferred, 0) AS resolution_inferred,
        coalesce(i.history_closed_by_row, 0) AS history_closed_by_row
    FROM totals AS o
    LEFT JOIN issues AS i ON i.month IS NOT DISTINCT FROM o.month
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
