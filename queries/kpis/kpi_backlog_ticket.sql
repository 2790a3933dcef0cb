-- grain: one row per local month end and ticket (not an event) open at it: the tickets behind kpi_backlog_by_month
-- incremental: ticket
--
-- DESIGN §5, §5a.11: a ticket is open at an instant when its interval there (from the
-- status history, fct_status_interval) is not a resolved, closed or cancelled one; month
-- ends from dim_month_end (the month of the as-of instant measured at as-of). status = its
-- status at the month end; age_days = whole days (24 h) from opening to the month end.
-- kpi_backlog_by_month counts these rows and kpi_customer_backlog_ticket lists them per
-- billed customer.
WITH build AS (
    SELECT as_of FROM cfg_build
),

-- Stretches in which a ticket was open. Intervals tile a ticket's life, so one instant
-- lies in at most one of them; at as-of itself (where every open ticket's last interval ends)
-- the ticket's last interval decides.
--
-- is_last: a ticket's intervals start in seq order and each ends where the next starts,
-- so their ends never decrease and those ending at or after as-of are the last few; a
-- running or paused last interval ends at as-of. The window runs over those few rows
-- (0.01 M at 1 M tickets) instead of all 4.4 M intervals (issue 14); every other running
-- or paused interval is not the last.
intervals AS (
    SELECT
        i.source, i.ticket_id, i.status, i.clock, i.starts_at, i.ends_at,
        i.seq = max(i.seq) OVER (PARTITION BY i.source, i.ticket_id) AS is_last
    FROM fct_status_interval AS i
    SEMI JOIN build AS b ON i.ends_at >= b.as_of
    UNION ALL
    SELECT i.source, i.ticket_id, i.status, i.clock, i.starts_at, i.ends_at, false AS is_last
    FROM fct_status_interval AS i
    SEMI JOIN build AS b ON i.ends_at < b.as_of
    WHERE i.clock IN ('running', 'paused')
),

-- Per UTC hour of local_hour, the first month end (measured_at) at or after the hour's
-- start. A month end inside a stretch is at or after the start's hour, so a stretch
-- ending at or before that first one contains none.
hour_next_end AS (
    SELECT h.hour, min(e.measured_at) AS next_end
    FROM local_hour AS h
    JOIN dim_month_end AS e ON epoch_us(e.measured_at) >= h.hour * 3600000000
    GROUP BY h.hour
),

-- The open stretches that may contain a month end, and the last ones (as-of): 0.12 M of
-- the 2.4 M at 1 M tickets, so the joins below are small (issue 14). A stretch starting
-- in an hour outside local_hour is kept.
containing AS (
    SELECT i.*
    FROM intervals AS i
    LEFT JOIN hour_next_end AS n ON n.hour = clock_hour(i.starts_at)
    WHERE i.clock IN ('running', 'paused') AND (i.is_last OR n.next_end IS NULL OR n.next_end < i.ends_at)
),

open_stretch AS (
    SELECT i.source, i.ticket_id, f.kind, i.status, f.opened_at, i.starts_at, i.ends_at, i.is_last
    FROM containing AS i
    JOIN fct_ticket_flow AS f ON f.source = i.source AND f.ticket_id = i.ticket_id
    WHERE f.kind <> 'event'
),

-- The month ends inside a stretch, and as-of on a ticket's last stretch: two joins, not
-- one with `measured_at < ends_at OR (is_last AND measured_at = as-of)`, on which DuckDB
-- joined by `starts_at <= measured_at` alone and met every stretch with every later month
-- end (issue 14). The second takes only what the first does not (ends_at <= measured_at).
stretch_month AS (
    SELECT e.month, e.measured_at, o.*
    FROM dim_month_end AS e
    JOIN open_stretch AS o ON o.starts_at <= e.measured_at AND e.measured_at < o.ends_at
    UNION ALL
    SELECT e.month, e.measured_at, o.*
    FROM dim_month_end AS e
    JOIN open_stretch AS o
        ON o.starts_at <= e.measured_at AND o.ends_at <= e.measured_at
        AND o.is_last AND e.measured_at = (SELECT as_of FROM build)
)

SELECT
    month,
    source,
    ticket_id,
    kind,
    status,
    opened_at,
    floor((epoch(measured_at) - epoch(opened_at)) / 86400) AS age_days
FROM stretch_month
