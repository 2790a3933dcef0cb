-- grain: one row per month, customer and service: incidents and requests resolved in the month that the base agreement covers (not billable)
--
-- Shown on the billing basis, not priced: what the customer gets within the base agreement.
SELECT
    f.resolved_month AS month,
    f.customer,
    t.service,
    count(*) FILTER (WHERE f.kind = 'incident') AS incidents,
    count(*) FILTER (WHERE f.kind = 'request') AS requests
FROM fct_ticket_flow AS f
JOIN fct_ticket AS t ON t.source = f.source AND t.ticket_id = f.ticket_id
WHERE f.kind IN ('incident', 'request')
  AND f.resolved_month IS NOT NULL
  AND NOT f.cancelled
  AND NOT coalesce(t.billable, false)
GROUP BY f.resolved_month, f.customer, t.service
