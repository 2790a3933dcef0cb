-- grain: one row per local month of resolution and SLA priority
--
-- Time to resolve (DESIGN §5): incidents and requests resolved in the month (not
-- cancelled), per SLA priority (NULL priority is its own row): mean and median business
-- minutes from opening to resolution on the SLA calendar, pauses and time resolved
-- before a reopen included (fct_ticket_flow.business_minutes_to_resolve).
-- Means are taken over minutes rounded to 6 decimals (DECIMAL): exact, so the
-- result does not depend on the order rows are added in.
SELECT
    resolved_month AS month,
    priority,
    count(*) AS resolved,
    avg(CAST(business_minutes_to_resolve AS DECIMAL(18, 6))) AS mean_business_minutes,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY business_minutes_to_resolve) AS median_business_minutes
FROM fct_ticket_flow
WHERE kind IN ('incident', 'request')
  AND resolved_month IS NOT NULL
  AND NOT cancelled
GROUP BY resolved_month, priority
ORDER BY month, priority
