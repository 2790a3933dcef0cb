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
--
-- The incidents' own columns are kpi_major_incident_ticket's, computed per changed ticket
-- after a day's export; this model adds those affected, which cross tickets (issue 14).
WITH build AS (
    SELECT as_of, sla_calendar FROM cfg_build
),

-- The SLA calendar's business seconds up to as-of, where an incident without a
-- resolution ends (as the ASOF join of the ticket model takes them at its resolution).
as_of_clock AS (
    SELECT before_seconds + epoch(least(b.as_of, span_end)) - epoch(span_start) AS seconds
    FROM calendar_span, build AS b
    WHERE calendar = b.sla_calendar AND span_start <= b.as_of
    ORDER BY span_start DESC
    LIMIT 1
),

major AS (
    SELECT
        *,
        coalesce(resolved_at, (SELECT as_of FROM build)) AS ended_at,
        CASE WHEN resolved_at IS NOT NULL THEN resolved_clock_seconds ELSE (SELECT seconds FROM as_of_clock) END
            AS ended_clock_seconds
    FROM kpi_major_incident_ticket
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

-- Distinct customers and requesters grouped first, each on its own, and counted after:
-- the same counts as count(DISTINCT ...), cheaper than DuckDB's distinct aggregates over
-- the 282,178 related rows at 1M tickets (issue 14).
customers AS (
    SELECT source, ticket_id, count(customer) AS customers_affected,
        string_agg(customer, ', ' ORDER BY customer) AS customers
    FROM (SELECT DISTINCT source, ticket_id, customer FROM related)
    GROUP BY source, ticket_id
),

users AS (
    SELECT source, ticket_id, count(requester) AS users_affected
    FROM (SELECT DISTINCT source, ticket_id, requester FROM related)
    GROUP BY source, ticket_id
)

SELECT
    m.source,
    m.ticket_id,
    m.title,
    m.month,
    m.opened_at,
    m.resolved_at,
    (epoch(m.ended_at) - epoch(m.opened_at)) / 60 AS duration_minutes,
    (coalesce(m.ended_clock_seconds, 0) - coalesce(m.opened_clock_seconds, 0)) / 60 AS business_minutes,
    a.customers_affected,
    a.customers,
    u.users_affected,
    m.teams,
    m.handovers,
    m.problem_id,
    m.response_minutes,
    m.response_outcome,
    m.sla_outcome,
    m.major_basis
FROM major AS m
JOIN customers AS a ON a.source = m.source AND a.ticket_id = m.ticket_id
JOIN users AS u ON u.source = m.source AND u.ticket_id = m.ticket_id
