-- grain: one row per ticket whose SLA was breached (resolved or still open), in the local month of its breach
-- incremental: ticket
--
-- The tickets behind the SLA figures: breach instant, breach team, priority and how far
-- past target (business minutes). Requester and last agent are personal data: reports
-- show them pseudonymised unless asked otherwise.
SELECT
    s.outcome_month AS month,
    s.source,
    s.ticket_id,
    t.title,
    s.customer,
    s.priority,
    s.outcome,
    s.breach_at,
    s.breach_team,
    s.breach_team_basis,
    s.target_minutes,
    s.elapsed_minutes,
    s.overrun_minutes,
    t.requester,
    t.last_agent
FROM fct_ticket_sla AS s
JOIN fct_ticket AS t ON t.source = s.source AND t.ticket_id = s.ticket_id
WHERE s.outcome IN ('breached', 'breached_open')
