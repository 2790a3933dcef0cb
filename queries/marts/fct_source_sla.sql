-- grain: one row per ticket that carries the source tool's own SLA verdict and has an SLA outcome of ours in a month
-- incremental: ticket
--
-- ServiceNow exports `made_sla`, the tool's own verdict under its own SLA definitions
-- (carried as source_sla_met). Ours follows DESIGN §4 (office hours, pauses, reopens), so
-- the two can differ; a user sees both side by side (issue 12).
SELECT
    f.source,
    f.ticket_id,
    f.outcome_month AS month,
    f.outcome,
    f.outcome = 'met' AS our_sla_met,
    s.source_sla_met
FROM fct_ticket_sla AS f
JOIN stg_ticket_source AS s ON s.source = f.source AND s.ticket_id = f.ticket_id
WHERE s.source_sla_met IS NOT NULL
  AND f.outcome_month IS NOT NULL
  AND f.outcome IN ('met', 'breached', 'breached_open')
