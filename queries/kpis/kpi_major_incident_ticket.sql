-- grain: one row per major incident (cfg_major_rule: priority and impact, or the source's major flag): its own columns, without those affected
-- incremental: ticket
--
-- The per-ticket part of kpi_major_incident (see it for the definitions): which incidents
-- are major and on what basis, their SLA row, duration, business minutes and the teams that
-- held them. Each row depends on its ticket only, so after a day's export it is computed
-- for the changed tickets; kpi_major_incident adds the customers and users affected,
-- which cross tickets (issue 14: the whole model read fct_ticket, fct_ticket_sla and
-- fct_assignment_segment's 1.4 M rows in every build). As-of reaches a row only through
-- the SLA row of an open ticket, which every build recomputes; the end of an incident
-- without a resolution (as-of) is taken in kpi_major_incident, because such a ticket may
-- be closed or cancelled and then is not recomputed when as-of moves.
WITH clock AS (
    SELECT span_start, span_end, before_seconds
    FROM calendar_span
    WHERE calendar = (SELECT sla_calendar FROM cfg_build)
),

-- The major incidents by the rule or the flag, found on fct_ticket before their SLA row
-- is joined (issue 14: joining every incident's SLA row first cost 0.1 s).
major_ticket AS MATERIALIZED (
    SELECT t.*, r.priority AS rule_priority
    FROM fct_ticket AS t
    LEFT JOIN (SELECT DISTINCT priority, impact FROM cfg_major_rule) AS r
        ON r.priority = t.sla_priority AND r.impact = t.impact
    WHERE t.kind = 'incident'
      AND (r.priority IS NOT NULL OR t.major_incident = 'major')
),

major AS (
    SELECT
        t.source,
        t.ticket_id,
        t.title,
        t.ci,
        t.problem_id,
        t.customer,
        t.requester,
        t.opened_at,
        s.resolved_at,
        s.outcome AS sla_outcome,
        s.response_minutes,
        s.response_outcome,
        CASE
            WHEN t.rule_priority IS NOT NULL AND t.major_incident = 'major' THEN 'both'
            WHEN t.rule_priority IS NOT NULL THEN 'rule'
            ELSE 'source'
        END AS major_basis
    FROM major_ticket AS t
    JOIN fct_ticket_sla AS s ON s.source = t.source AND s.ticket_id = t.ticket_id
    WHERE s.outcome <> 'cancelled'
),

teams AS (
    SELECT
        g.source,
        g.ticket_id,
        string_agg(g.team, ' → ' ORDER BY g.seq) AS teams,
        count(*) - 1 AS handovers
    FROM fct_assignment_segment AS g
    JOIN major AS m ON m.source = g.source AND m.ticket_id = g.ticket_id
    GROUP BY g.source, g.ticket_id
)

SELECT
    m.source,
    m.ticket_id,
    m.title,
    d.month,
    m.opened_at,
    m.resolved_at,
    -- The SLA calendar's business seconds up to the opening and, once resolved, up to the
    -- resolution; kpi_major_incident takes the one at the as-of instant for an incident
    -- without a resolution and subtracts.
    co.before_seconds + epoch(least(m.opened_at, co.span_end)) - epoch(co.span_start) AS opened_clock_seconds,
    CASE WHEN m.resolved_at IS NOT NULL THEN
        ce.before_seconds + epoch(least(m.resolved_at, ce.span_end)) - epoch(ce.span_start)
    END AS resolved_clock_seconds,
    m.ci,
    m.customer,
    m.requester,
    g.teams,
    g.handovers,
    m.problem_id,
    m.response_minutes,
    m.response_outcome,
    m.sla_outcome,
    m.major_basis
FROM major AS m
LEFT JOIN teams AS g ON g.source = m.source AND g.ticket_id = m.ticket_id
ASOF LEFT JOIN local_day AS d ON m.opened_at >= d.day_start
ASOF LEFT JOIN clock AS co ON m.opened_at >= co.span_start
ASOF LEFT JOIN clock AS ce ON m.resolved_at >= ce.span_start
