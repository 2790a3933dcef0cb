-- grain: one row per local month and customer with FTR population (incidents and requests resolved that month)
--
-- First-touch, first-contact and net FTR per customer, with the population and
-- definitions of kpi_ftr_by_month: incidents and requests resolved in the month, not
-- cancelled, not from monitoring (tickets routed past the Service Desk included, never
-- first-touch: DESIGN §5a.1). A NULL customer is its own row. Rates are 0-1, NULL
-- without population, and NULL when no team is configured as 1st line
-- (first_line_configured false): FTR cannot be computed, it is not 0.
WITH population AS (
    SELECT
        resolved_month AS month,
        customer,
        first_touch_resolved,
        first_contact_resolved,
        ftr_excluded_category
    FROM fct_ticket_flow
    WHERE kind IN ('incident', 'request')
      AND resolved_month IS NOT NULL
      AND NOT cancelled
      AND channel IS DISTINCT FROM 'monitoring'
),

counted AS (
    SELECT
        month,
        customer,
        count(*) AS population,
        count(*) FILTER (WHERE first_touch_resolved) AS ftr_count,
        count(*) FILTER (WHERE first_contact_resolved) AS first_contact_count,
        count(*) FILTER (WHERE ftr_excluded_category) AS net_excluded,
        count(*) FILTER (WHERE NOT ftr_excluded_category) AS net_population,
        count(*) FILTER (WHERE NOT ftr_excluded_category AND first_touch_resolved) AS net_ftr_count
    FROM population
    GROUP BY month, customer
)

SELECT
    c.month,
    c.customer,
    c.population,
    c.ftr_count,
    CASE WHEN f1.configured THEN CAST(c.ftr_count AS DOUBLE) / nullif(c.population, 0) END AS ftr_rate,
    c.first_contact_count,
    CASE WHEN f1.configured THEN CAST(c.first_contact_count AS DOUBLE) / nullif(c.population, 0) END AS first_contact_rate,
    c.net_excluded,
    c.net_population,
    c.net_ftr_count,
    CASE WHEN f1.configured THEN CAST(c.net_ftr_count AS DOUBLE) / nullif(c.net_population, 0) END AS net_ftr_rate,
    f.target AS ftr_target,
    fc.target AS first_contact_target,
    n.target AS net_ftr_target,
    f.higher_is_better,
    f1.configured AS first_line_configured
FROM counted AS c
CROSS JOIN (SELECT count(*) > 0 AS configured FROM dim_team WHERE line = 1) AS f1
LEFT JOIN cfg_kpi_target AS f ON f.kpi = 'ftr'
LEFT JOIN cfg_kpi_target AS fc ON fc.kpi = 'first_contact'
LEFT JOIN cfg_kpi_target AS n ON n.kpi = 'net_ftr'
ORDER BY c.month, c.customer
