-- grain: one row per month, customer and service: incidents and requests resolved in the month that the base agreement covers (not billable)
--
-- Shown on the billing basis, not priced: what the customer gets within the base agreement.
-- The tickets are kpi_billing_covered_ticket's (resolved, not cancelled, not billable),
-- computed per changed ticket after a day's export (issue 14).
SELECT
    month,
    customer,
    service,
    count(*) FILTER (WHERE kind = 'incident') AS incidents,
    count(*) FILTER (WHERE kind = 'request') AS requests
FROM kpi_billing_covered_ticket
GROUP BY month, customer, service
