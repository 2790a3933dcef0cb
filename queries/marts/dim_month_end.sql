-- grain: one row per local month from the first month a ticket was opened to the month of the as-of instant, with the instant its backlog is measured at
--
-- month_end is the UTC instant the next local month starts (DESIGN §5a.11); measured_at
-- is that instant, or as-of for the month of the as-of instant (its month end is still in
-- the future). The backlog models (kpi_backlog_by_month, kpi_customer_backlog_ticket) read
-- their months here.
WITH build AS (
    SELECT as_of FROM cfg_build
),

as_of_month AS (
    SELECT d.month
    FROM build AS b
    ASOF JOIN local_day AS d ON b.as_of >= d.day_start
),

months AS (
    SELECT DISTINCT month
    FROM local_day
    WHERE month >= (SELECT min(opened_month) FROM fct_ticket_flow)
      AND month <= (SELECT month FROM as_of_month)
)

SELECT
    m.month,
    n.day_start AS month_end,
    least(n.day_start, (SELECT as_of FROM build)) AS measured_at
FROM months AS m
JOIN local_day AS n ON n.day = CAST(m.month + INTERVAL 1 MONTH AS DATE)
