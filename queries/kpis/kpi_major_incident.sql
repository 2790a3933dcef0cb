-- grain: one row per major incident (cfg_major_rule: priority and impact, or the source's major flag), with the local month it was opened in
--
-- The Incident Manager's view (DESIGN §7a). duration: from opening to the final
-- resolution (or the build's as-of while open), in wall-clock minutes and in business
-- minutes of the SLA calendar (pauses included: this is how long the organisation lived
-- with it). Affected: the incident's customer and requester, and those of the incidents
-- opened while it was open on the same CI or linked to the same problem. teams: every
-- team that held it, in the order it held them (a team holding it twice is named twice),
-- handovers = segments − 1. response_minutes: business minutes to the first response
-- (fct_ticket_sla). sla_outcome: the resolution outcome as of the build.
--
-- Major is the configured rule (cfg_major_rule: the [major] priorities and impacts) or
-- the source's own flag (ticket.major_incident = 'major', where a profile maps one, e.g.
-- ServiceNow's major_incident_state "Accepted"); major_basis says which: 'rule', 'source'
-- or 'both'. A source's 'not_major' does not take an incident out that the rule makes
-- major: the rule is the organisation's definition, the flag adds what its process saw.
WITH build AS (
    SELECT as_of, sla_calendar FROM cfg_build
),

clock AS (
    SELECT span_start, span_end, before_seconds
    FROM calendar_span
    WHERE calendar = (SELECT sla_calendar FROM build)
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
        coalesce(s.resolved_at, (SELECT as_of FROM build)) AS ended_at,
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

-- Two equi-joins, not one join on `ci OR problem_id` (which DuckDB can only run as a
-- nested loop: 23.6 s on the 1M sample); an incident on both is counted once below
-- (distinct customers and requesters). The CI join also matches the UTC day (days since
-- the epoch) of the incident's opening with one of the days the major incident was open:
-- on the CI alone it paired every incident with every major incident on its CI (23 M pairs
-- for 282,178 kept at 1M tickets; issue 14).
related AS (
    SELECT m.source, m.ticket_id, o.customer, o.requester
    FROM (
        SELECT *, unnest(generate_series(epoch_us(opened_at) // 86400000000, epoch_us(ended_at) // 86400000000)) AS day
        FROM major
    ) AS m
    JOIN (
        SELECT *, epoch_us(opened_at) // 86400000000 AS day FROM fct_ticket WHERE kind = 'incident'
    ) AS o
        ON o.source = m.source AND o.ci = m.ci AND o.day = m.day AND o.ticket_id <> m.ticket_id
        AND o.opened_at >= m.opened_at AND o.opened_at <= m.ended_at
    UNION ALL
    SELECT m.source, m.ticket_id, o.customer, o.requester
    FROM major AS m
    JOIN fct_ticket AS o
        ON o.source = m.source AND o.problem_id = m.problem_id AND o.kind = 'incident' AND o.ticket_id <> m.ticket_id
        AND o.opened_at >= m.opened_at AND o.opened_at <= m.ended_at
    UNION ALL
    SELECT source, ticket_id, customer, requester FROM major
),

affected AS (
    SELECT
        source,
        ticket_id,
        count(DISTINCT customer) AS customers_affected,
        string_agg(DISTINCT customer, ', ' ORDER BY customer) AS customers,
        count(DISTINCT requester) AS users_affected
    FROM related
    GROUP BY source, ticket_id
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
    (epoch(m.ended_at) - epoch(m.opened_at)) / 60 AS duration_minutes,
    (coalesce(ce.before_seconds + epoch(least(m.ended_at, ce.span_end)) - epoch(ce.span_start), 0)
        - coalesce(co.before_seconds + epoch(least(m.opened_at, co.span_end)) - epoch(co.span_start), 0)) / 60
        AS business_minutes,
    a.customers_affected,
    a.customers,
    a.users_affected,
    g.teams,
    g.handovers,
    m.problem_id,
    m.response_minutes,
    m.response_outcome,
    m.sla_outcome,
    m.major_basis
FROM major AS m
JOIN affected AS a ON a.source = m.source AND a.ticket_id = m.ticket_id
LEFT JOIN teams AS g ON g.source = m.source AND g.ticket_id = m.ticket_id
ASOF LEFT JOIN local_day AS d ON m.opened_at >= d.day_start
ASOF LEFT JOIN clock AS co ON m.opened_at >= co.span_start
ASOF LEFT JOIN clock AS ce ON m.ended_at >= ce.span_start
