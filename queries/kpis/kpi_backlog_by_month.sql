-- grain: one row per local month from the first month a ticket was opened to the month of the as-of instant
--
-- Backlog and its age (DESIGN §5) at each local month end: tickets of every kind but
-- event opened before month_end (the UTC instant the next local month starts) and
-- neither resolved nor cancelled before it (fct_ticket_clock's final resolution or
-- cancellation; never resolved = open). Age = whole days (24 h) from opening to the
-- month end: age_0_2 < 3 days, age_3_7, age_8_30, age_over_30 > 30 days. The month of
-- the as-of instant is measured at as-of (measured_at), not at its future month end.
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
),

month_ends AS (
    SELECT
        m.month,
        n.day_start AS month_end,
        least(n.day_start, (SELECT as_of FROM build)) AS measured_at
    FROM months AS m
    JOIN local_day AS n ON n.day = CAST(m.month + INTERVAL 1 MONTH AS DATE)
),

tickets AS (
    SELECT source, ticket_id, opened_at, coalesce(resolved_at, cancelled_at) AS closed_at
    FROM fct_ticket_flow
    WHERE kind <> 'event'
),

aged AS (
    SELECT
        e.month,
        e.month_end,
        e.measured_at,
        t.ticket_id,
        floor((epoch(e.measured_at) - epoch(t.opened_at)) / 86400) AS age_days
    FROM month_ends AS e
    LEFT JOIN tickets AS t
        ON t.opened_at < e.month_end
        AND (t.closed_at IS NULL OR t.closed_at >= e.month_end)
)

SELECT
    month,
    month_end,
    measured_at,
    count(ticket_id) AS backlog,
    count(ticket_id) FILTER (WHERE age_days < 3) AS age_0_2,
    count(ticket_id) FILTER (WHERE age_days >= 3 AND age_days <= 7) AS age_3_7,
    count(ticket_id) FILTER (WHERE age_days >= 8 AND age_days <= 30) AS age_8_30,
    count(ticket_id) FILTER (WHERE age_days > 30) AS age_over_30
FROM aged
GROUP BY month, month_end, measured_at
ORDER BY month
