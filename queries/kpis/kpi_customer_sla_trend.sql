-- grain: one row per local month, billed customer and scope with SLA outcomes (all priorities)
--
-- The customer's SLA compliance month by month (the report shows the 12 months up to the
-- report month): kpi_customer_sla_by_month summed over priorities. The own row of a
-- month equals the customer's row of kpi_sla_by_customer_month.
SELECT
    month,
    customer,
    scope,
    sum(met) AS met,
    sum(breached) AS breached,
    sum(breached_open) AS breached_open,
    CAST(sum(met) AS DOUBLE) / nullif(sum(met) + sum(breached) + sum(breached_open), 0) AS compliance,
    max(target) AS target
FROM kpi_customer_sla_by_month
GROUP BY month, customer, scope
