-- grain: one row per local month in which incidents or requests were escalated out of the 1st line
--
-- Escalation time (DESIGN §5): for incidents and requests that entered through the 1st
-- line (their first known team is of line 1: an assumed entry says nothing of when the
-- ticket left the desk) and were later held by a team outside it (assignment history only; flat exports
-- cannot say when), the business minutes from opening to that first assignment on the
-- SLA calendar, in the local month of the escalation. share_within_target = escalated
-- within cfg_kpi.escalation_target_minutes / escalated. Tickets that never entered the
-- 1st line (events, changes, problems, tickets opened straight to a resolve team) were
-- not escalated by it and are left out. Cancelled tickets count if they were escalated.
-- Means are taken over minutes rounded to 6 decimals (DECIMAL): exact, so the
-- result does not depend on the order rows are added in.
WITH escalated AS (
    SELECT
        d.month,
        f.escalation_minutes,
        f.escalated_within_target
    FROM fct_ticket_flow AS f
    ASOF JOIN local_day AS d ON f.escalated_at >= d.day_start
    WHERE f.kind IN ('incident', 'request')
      AND f.entry_line = 1
      AND f.escalated_at IS NOT NULL
),

counted AS (
    SELECT
        month,
        count(*) AS escalated,
        count(*) FILTER (WHERE escalated_within_target) AS within_target,
        avg(CAST(escalation_minutes AS DECIMAL(18, 6))) AS mean_minutes,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY escalation_minutes) AS median_minutes
    FROM escalated
    GROUP BY month
)

SELECT
    c.month,
    c.escalated,
    c.within_target,
    CAST(c.within_target AS DOUBLE) / nullif(c.escalated, 0) AS share_within_target,
    c.mean_minutes,
    c.median_minutes,
    k.escalation_target_minutes AS target_minutes,
    t.target,
    t.higher_is_better
FROM counted AS c
CROSS JOIN cfg_kpi AS k
LEFT JOIN cfg_kpi_target AS t ON t.kpi = 'escalation_within_target'
ORDER BY c.month
