-- grain: one row per billed customer and major incident it may see, in the local month the incident was opened
--
-- Major incidents (DESIGN §7a: priority high with impact high) of the customer's own
-- and of the shared customer: duration (wall-clock hours from opening to resolution, NULL
-- while open), business minutes to the first response, the linked problem (NULL when
-- its record is another customer's: kpi_customer_ticket.problem_visible).
SELECT
    c.opened_month AS month,
    c.customer,
    c.scope,
    c.ticket_id,
    c.title,
    c.service,
    c.ci,
    c.status,
    c.opened_at,
    c.resolved_at,
    (epoch(c.resolved_at) - epoch(c.opened_at)) / 3600.0 AS duration_hours,
    s.response_minutes,
    CASE WHEN c.problem_visible THEN c.problem_id END AS problem_id
FROM kpi_customer_ticket AS c
LEFT JOIN fct_ticket_sla AS s ON s.source = c.source AND s.ticket_id = c.ticket_id
WHERE c.kind = 'incident' AND c.priority = 'high' AND c.impact = 'high' AND NOT c.cancelled
