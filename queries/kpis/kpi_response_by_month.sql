-- grain: one row per local month with response outcomes (or tickets still waiting for a response)
--
-- Response-time compliance (DESIGN §5) = met / (met + breached + breached_open), from
-- fct_ticket_sla rows with a response target (response_target_minutes). Each outcome
-- belongs to the local month of the response, or of its breach (DESIGN §5a.12:
-- fct_ticket_sla.response_outcome_month), like resolution. Response = first response,
-- else resolution, in business minutes of the SLA calendar, no pause. breached_open: no
-- response yet at as-of and already past target; open: no response yet, not past
-- target, shown in the month of opening and not in the rate. Tickets cancelled before
-- the target ran out, with no response, count nowhere.
WITH responses AS (
    SELECT
        coalesce(s.response_outcome_month, d.month) AS month,
        s.response_outcome
    FROM fct_ticket_sla AS s
    ASOF JOIN local_day AS d ON s.opened_at >= d.day_start
    WHERE s.response_target_minutes IS NOT NULL
      AND (s.response_outcome_month IS NOT NULL OR s.response_outcome = 'open')
),

counted AS (
    SELECT
        month,
        count(*) FILTER (WHERE response_outcome = 'met') AS met,
        count(*) FILTER (WHERE response_outcome = 'breached') AS breached,
        count(*) FILTER (WHERE response_outcome = 'breached_open') AS breached_open,
        count(*) FILTER (WHERE response_outcome = 'open') AS open
    FROM responses
    GROUP BY month
)

SELECT
    c.month,
    c.met,
    c.breached,
    c.breached_open,
    c.open,
    CAST(c.met AS DOUBLE) / nullif(c.met + c.breached + c.breached_open, 0) AS compliance,
    t.target,
    t.higher_is_better
FROM counted AS c
LEFT JOIN cfg_kpi_target AS t ON t.kpi = 'response'
ORDER BY c.month
