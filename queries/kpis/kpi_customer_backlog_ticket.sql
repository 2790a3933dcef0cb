-- grain: one row per local month, billed customer and incident or request of its own or shared that was open at the month end
-- incremental: ticket
--
-- The customer's open backlog at each local month end, with the rules of
-- kpi_backlog_by_month (DESIGN §5a.11: open at the instant the next local month starts,
-- read from the status history; the month of the as-of instant measured at as-of), one
-- row per open ticket so the report can count it and list the oldest. status = its
-- status at the month end (from the history); age_days = whole days (24 h) from opening
-- to the month end. Over all customers and scopes (and tickets
-- of no billed customer) the rows of a month add up to kpi_backlog_by_month.backlog.
WITH build AS (
    SELECT as_of FROM cfg_build
),

intervals AS (
    SELECT
        i.source, i.ticket_id, i.status, i.clock, i.starts_at, i.ends_at,
        i.seq = max(i.seq) OVER (PARTITION BY i.source, i.ticket_id) AS is_last
    FROM fct_status_interval AS i
    WHERE EXISTS (
        SELECT 1 FROM kpi_customer_ticket AS c
        WHERE c.source = i.source AND c.ticket_id = i.ticket_id AND c.kind IN ('incident', 'request')
    )
),

open_stretch AS (
    SELECT c.* EXCLUDE (status), i.status, i.starts_at, i.ends_at, i.is_last
    FROM intervals AS i
    JOIN kpi_customer_ticket AS c ON c.source = i.source AND c.ticket_id = i.ticket_id
    WHERE c.kind IN ('incident', 'request') AND i.clock IN ('running', 'paused')
)

SELECT
    e.month,
    o.customer,
    o.scope,
    o.source,
    o.ticket_id,
    o.kind,
    o.title,
    o.service,
    o.priority,
    o.status,
    o.opened_at,
    floor((epoch(e.measured_at) - epoch(o.opened_at)) / 86400) AS age_days
FROM dim_month_end AS e
JOIN open_stretch AS o
    ON o.starts_at <= e.measured_at
    AND (e.measured_at < o.ends_at OR (o.is_last AND e.measured_at = (SELECT as_of FROM build)))
