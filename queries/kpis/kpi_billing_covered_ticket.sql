-- grain: one row per incident or request resolved, not cancelled and not billable (covered by the base agreement), with its local month of resolution, customer and service
-- incremental: ticket
--
-- The tickets kpi_billing_covered counts. A ticket's row depends on that ticket only, so
-- after a day's export it is computed for the changed tickets, and kpi_billing_covered
-- counts this narrow table instead of joining fct_ticket_flow with fct_ticket (1M × 1M
-- rows at 1M tickets, for 468 rows; issue 14).
SELECT
    f.source,
    f.ticket_id,
    f.resolved_month AS month,
    f.customer,
    t.service,
    f.kind
FROM fct_ticket_flow AS f
JOIN fct_ticket AS t ON t.source = f.source AND t.ticket_id = f.ticket_id
WHERE f.kind IN ('incident', 'request')
  AND f.resolved_month IS NOT NULL
  AND NOT f.cancelled
  AND NOT coalesce(t.billable, false)
