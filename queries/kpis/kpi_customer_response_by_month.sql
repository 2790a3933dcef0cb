-- grain: one row per local month, billed customer and scope with response outcomes
--
-- Response-time compliance with the rules of kpi_response_by_month (DESIGN §5a.12: the
-- outcome belongs to the local month of the response or of its breach; tickets still
-- waiting, not past target, in the month of opening as open), and the mean and median
-- response time in business minutes of the responses given in the month.
WITH responses AS (
    SELECT
        c.customer,
        c.scope,
        coalesce(s.response_outcome_month, d.month) AS month,
        s.response_outcome,
        CASE WHEN s.response_outcome IN ('met', 'breached') THEN s.response_minutes END AS response_minutes
    FROM kpi_customer_ticket AS c
    JOIN fct_ticket_sla AS s ON s.source = c.source AND s.ticket_id = c.ticket_id
    ASOF JOIN local_day AS d ON s.opened_at >= d.day_start
    WHERE s.response_target_minutes IS NOT NULL
      AND (s.response_outcome_month IS NOT NULL OR s.response_outcome = 'open')
)

SELECT
    r.month,
    r.customer,
    r.scope,
    count(*) FILTER (WHERE r.response_outcome = 'met') AS met,
    count(*) FILTER (WHERE r.response_outcome = 'breached') AS breached,
    count(*) FILTER (WHERE r.response_outcome = 'breached_open') AS breached_open,
    count(*) FILTER (WHERE r.response_outcome = 'open') AS open,
    CAST(count(*) FILTER (WHERE r.response_outcome = 'met') AS DOUBLE)
        / nullif(count(*) FILTER (WHERE r.response_outcome IN ('met', 'breached', 'breached_open')), 0) AS compliance,
    avg(r.response_minutes) AS mean_response_minutes,
    median(r.response_minutes) AS median_response_minutes,
    max(t.target) AS target
FROM responses AS r
LEFT JOIN cfg_kpi_target AS t ON t.kpi = 'response'
GROUP BY r.month, r.customer, r.scope
