-- grain: one row per local month, billed customer, scope, kind and service with tickets opened or resolved in the month
--
-- Tickets opened (local month of opened_at) and resolved (local month of the final
-- resolution, not cancelled) per kind and service, for the customer's own tickets and
-- the shared ones (kpi_customer_ticket). Requesters are counted in
-- kpi_customer_requester_by_month.
--
-- The 1.2 M ticket rows are counted once per opening and resolution month first (11,585
-- groups in the 1M sample) and those counts summed into the two months after: one pass
-- over the table instead of grouping its rows twice (issue 14).
WITH tickets AS (
    SELECT
        customer,
        scope,
        kind,
        service,
        opened_month,
        CASE WHEN resolved_month IS NOT NULL AND NOT cancelled THEN resolved_month END AS resolved_month,
        count(*) AS n
    FROM kpi_customer_ticket
    GROUP BY ALL
),

counted AS (
    SELECT customer, scope, opened_month AS month, kind, service, n AS opened, 0 AS resolved
    FROM tickets
    UNION ALL
    SELECT customer, scope, resolved_month AS month, kind, service, 0 AS opened, n AS resolved
    FROM tickets
    WHERE resolved_month IS NOT NULL
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
