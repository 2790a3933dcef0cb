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
-- measured at as-of (measured_at), not at its future month end.
WITH build AS (
    SELECT as_of FROM cfg_build
),

-- Stretches in which a ticket was open. Intervals tile a ticket's life, so one instant
-- lies in at most one of them; at as-of itself (where every open ticket's last interval ends)
-- the ticket's last interval decides.
intervals AS (
    SELECT
        i.source, i.ticket_id, i.clock, i.starts_at, i.ends_at,
        i.seq = max(i.seq) OVER (PARTITION BY i.source, i.ticket_id) AS is_last
    FROM fct_status_interval AS i
),

open_stretch AS (
    SELECT f.kind, f.opened_at, i.starts_at, i.ends_at, i.is_last
    FROM intervals AS i
    JOIN fct_ticket_flow AS f ON f.source = i.source AND f.ticket_id = i.ticket_id
    WHERE f.kind <> 'event' AND i.clock IN ('running', 'paused')
),

aged AS (
    SELECT
        e.month,
        e.month_end,
        e.measured_at,
        o.kind,
        floor((epoch(e.measured_at) - epoch(o.opened_at)) / 86400) AS age_days
    FROM dim_month_end AS e
    LEFT JOIN open_stretch AS o
        ON o.starts_at <= e.measured_at
        AND (e.measured_at < o.ends_at OR (o.is_last AND e.measured_at = (SELECT as_of FROM build)))
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
