-- grain: one row per local month from the first month a ticket was opened to the month of the as-of instant
--
-- Backlog and its age (DESIGN §5, §5a.11) at each local month end: incidents and
-- requests open at month_end (the UTC instant the next local month starts), read from
-- the status history (fct_status_interval): a ticket is open at an instant when its
-- interval there is not a resolved, closed or cancelled one. A ticket resolved in January
-- and reopened in March is therefore not in the January–February backlogs (§5a.8).
-- Age = whole days (24 h) from opening to the month end: age_0_2 < 3 days, age_3_7,
-- age_8_30, age_over_30 > 30 days. Problems and changes have backlogs of their own
-- (problem_backlog, change_backlog); events have none. The month of the as-of instant is
-- measured at as-of (measured_at), not at its future month end. The open tickets of each
-- month end are kpi_backlog_ticket's rows.
WITH aged AS (
    SELECT e.month, e.month_end, e.measured_at, o.kind, o.age_days
    FROM dim_month_end AS e
    LEFT JOIN kpi_backlog_ticket AS o ON o.month = e.month
)

SELECT
    month,
    month_end,
    measured_at,
    count(*) FILTER (WHERE kind IN ('incident', 'request')) AS backlog,
    count(*) FILTER (WHERE kind IN ('incident', 'request') AND age_days < 3) AS age_0_2,
    count(*) FILTER (WHERE kind IN ('incident', 'request') AND age_days >= 3 AND age_days <= 7) AS age_3_7,
    count(*) FILTER (WHERE kind IN ('incident', 'request') AND age_days >= 8 AND age_days <= 30) AS age_8_30,
    count(*) FILTER (WHERE kind IN ('incident', 'request') AND age_days > 30) AS age_over_30,
    count(*) FILTER (WHERE kind = 'problem') AS problem_backlog,
    count(*) FILTER (WHERE kind = 'change') AS change_backlog
FROM aged
GROUP BY month, month_end, measured_at
ORDER BY month
