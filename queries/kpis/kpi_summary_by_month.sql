-- grain: one row per local month with tickets opened or incidents and requests resolved: the headline volumes of the monthly report
--
-- tickets_opened: all kinds opened in the month; incidents_opened and requests_opened
-- likewise. resolved: incidents and requests resolved in the month (not cancelled).
-- median_hours_to_resolve: median business hours from opening to resolution of those,
-- pauses and reopen gaps included (kpi_resolution_time_by_month has it per priority).
-- A month with resolutions and no new tickets has its row (opened 0): the end of an
-- export, or a quiet month, still closes tickets (the months of kpi_not_computable_by_month).
WITH opened AS (
    SELECT
        opened_month AS month,
        count(*) AS tickets_opened,
        count(*) FILTER (WHERE kind = 'incident') AS incidents_opened,
        count(*) FILTER (WHERE kind = 'request') AS requests_opened
    FROM fct_ticket_flow
    WHERE opened_month IS NOT NULL
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

-- A full join, not a third scan of fct_ticket_flow for the months (issue 14).
SELECT
    coalesce(o.month, r.month) AS month,
    coalesce(o.tickets_opened, 0) AS tickets_opened,
    coalesce(o.incidents_opened, 0) AS incidents_opened,
    coalesce(o.requests_opened, 0) AS requests_opened,
    coalesce(r.resolved, 0) AS resolved,
    r.median_hours_to_resolve
FROM opened AS o
FULL JOIN resolved AS r ON r.month = o.month
ORDER BY 1
