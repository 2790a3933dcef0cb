-- grain: one row per local month and billed customer with the FTR population of its own users' tickets
--
-- First-touch and first-contact resolution for the customer's users, with the population
-- and rules of kpi_ftr_by_customer_month (incidents and requests resolved in the month,
-- not cancelled, not from monitoring); equal to that table's row for the customer. Rates
-- are NULL when no team is configured as 1st line.
WITH population AS (
    SELECT resolved_month AS month, customer, first_touch_resolved, first_contact_resolved
    FROM kpi_customer_ticket
    WHERE scope = 'own'
      AND kind IN ('incident', 'request')
      AND resolved_month IS NOT NULL
      AND NOT cancelled
      AND channel IS DISTINCT FROM 'monitoring'
)

SELECT
    p.month,
    p.customer,
    count(*) AS population,
    count(*) FILTER (WHERE p.first_touch_resolved) AS ftr_count,
    CASE WHEN f1.configured THEN CAST(count(*) FILTER (WHERE p.first_touch_resolved) AS DOUBLE) / count(*) END
        AS ftr_rate,
    count(*) FILTER (WHERE p.first_contact_resolved) AS first_contact_count,
    CASE WHEN f1.configured THEN CAST(count(*) FILTER (WHERE p.first_contact_resolved) AS DOUBLE) / count(*) END
        AS first_contact_rate,
    max(t.target) AS ftr_target
FROM population AS p
CROSS JOIN (SELECT count(*) > 0 AS configured FROM dim_team WHERE line = 1) AS f1
LEFT JOIN cfg_kpi_target AS t ON t.kpi = 'ftr'
GROUP BY p.month, p.customer, f1.configured
