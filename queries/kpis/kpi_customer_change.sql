-- grain: one row per billed customer and change of its own or shared delivered (resolved) in a local month
--
-- Changes delivered for the customer: change tickets of the customer's own or of the
-- shared customer, resolved and not cancelled, in the local month of their resolution.
SELECT
    resolved_month AS month,
    customer,
    scope,
    ticket_id,
    title,
    service,
    ci,
    resolved_at
FROM kpi_customer_ticket
WHERE kind = 'change' AND resolved_month IS NOT NULL AND NOT cancelled
