-- grain: one row per local month of opening and data-quality measure
--
-- How far the figures rest on weak data, per local month of opening: tickets = tickets
-- with the issue, total = tickets opened that month (all kinds), share = tickets / total.
-- flat_fallback: no assignment or no status history, so metrics fell back to the ticket
-- row; missing_first_response: resolved incidents and requests without a first response
-- time; non_positive_duration: resolved at or before opening (by the SLA clock or by the
-- ticket row, whose resolved_at may precede opened_at); paused_from_creation: the
-- SLA clock paused from the first instant; no_sla_target: in SLA scope but no target
-- (fct_ticket_sla outcome no_target). Every measure is listed for every month, 0 included.
WITH measures AS (
    SELECT measure
    FROM (VALUES
        ('flat_fallback'),
        ('missing_first_response'),
        ('non_positive_duration'),
        ('paused_from_creation'),
        ('no_sla_target')
    ) AS m (measure)
),

counted AS (
    SELECT
        f.opened_month AS month,
        count(*) AS total,
        count(*) FILTER (WHERE f.basis = 'flat' OR f.status_basis = 'flat') AS flat_fallback,
        count(*) FILTER (
            WHERE f.kind IN ('incident', 'request') AND f.resolved_at IS NOT NULL AND f.first_response_at IS NULL
        ) AS missing_first_response,
        count(*) FILTER (WHERE f.resolved_at <= f.opened_at OR t.resolved_at <= t.opened_at) AS non_positive_duration,
        count(*) FILTER (WHERE c.paused_from_start) AS paused_from_creation,
        count(*) FILTER (WHERE s.outcome = 'no_target') AS no_sla_target
    FROM fct_ticket_flow AS f
    JOIN fct_ticket AS t ON t.source = f.source AND t.ticket_id = f.ticket_id
    JOIN fct_ticket_clock AS c ON c.source = f.source AND c.ticket_id = f.ticket_id
    LEFT JOIN fct_ticket_sla AS s ON s.source = f.source AND s.ticket_id = f.ticket_id
    GROUP BY f.opened_month
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
