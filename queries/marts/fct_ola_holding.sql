-- grain: one row per team holding (assignment segment) of an incident or request that was resolved, with the local month of its resolution
-- incremental: ticket
--
-- The OLA population (DESIGN §4), defined once for kpi_ola_by_team_month and its top-12
-- form kpi_ola_by_team_top_month, so the "other" row always reconciles with the full
-- list: each team's own holding of incidents and requests, counted in the month the
-- ticket was resolved (fct_ticket_flow.resolved_month). Open tickets are not counted yet.
SELECT
    f.resolved_month AS month,
    g.team,
    g.line,
    g.source,
    g.ticket_id,
    g.held_minutes,
    g.running_minutes,
    g.paused_minutes
FROM fct_assignment_segment AS g
JOIN fct_ticket_flow AS f ON f.source = g.source AND f.ticket_id = g.ticket_id
WHERE f.resolved_month IS NOT NULL
  AND f.kind IN ('incident', 'request')
