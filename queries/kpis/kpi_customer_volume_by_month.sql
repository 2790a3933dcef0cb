-- grain: one row per local month, billed customer, scope, kind and service with tickets opened or resolved in the month
--
-- Tickets opened (local month of opened_at) and resolved (local month of the final
-- resolution, not cancelled) per kind and service, for the customer's own tickets and
-- the shared ones (kpi_customer_ticket). Requesters are counted in
-- kpi_customer_requester_by_month.
WITH counted AS (
    SELECT customer, scope, opened_month AS month, kind, service, 1 AS opened, 0 AS resolved
    FROM kpi_customer_ticket
    UNION ALL
    SELECT customer, scope, resolved_month AS month, kind, service, 0 AS opened, 1 AS resolved
    FROM kpi_customer_ticket
    WHERE resolved_month IS NOT NULL AND NOT cancelled
)

SELECT
    month,
    customer,
    scope,
    kind,
    service,
    sum(opened) AS opened,
    sum(resolved) AS resolved
FROM counted
GROUP BY month, customer, scope, kind, service
