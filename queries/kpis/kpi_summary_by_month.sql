-- grain: one row per local month with tickets opened: the headline volumes of the monthly report
--
-- tickets_opened: all kinds opened in the month; incidents_opened and requests_opened
-- likewise. resolved: incidents and requests resolved in the month (not cancelled).
-- median_hours_to_resolve: median business hours from opening to resolution of those,
-- pauses and reopen gaps included (kpi_resolution_time_by_month has it per priority).
WITH opened AS (
    SELECT
        opened_month AS month,
        count(*) AS tickets_opened,
        count(*) FILTER (WHERE kind = 'incident') AS incidents_opened,
        count(*) FILTER (WHERE kind = 'request') AS requests_opened
    FROM fct_ticket_flow
    GROUP BY opened_month
),

resolved AS (
    SELECT
        resolved_month AS month,
        count(*) AS resolved,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY business_minutes_to_resolve) / 60 AS median_hours_to_resolve
    FROM fct_ticket_flow
    WHERE kind IN ('incident', 'request') AND resolved_month IS NOT NULL AND NOT cancelled
    GROUP BY resolved_month
)

SELECT
    o.month,
    o.tickets_opened,
    o.incidents_opened,
    o.requests_opened,
    coalesce(r.resolved, 0) AS resolved,
    r.median_hours_to_resolve
FROM opened AS o
LEFT JOIN resolved AS r ON r.month = o.month
ORDER BY o.month
