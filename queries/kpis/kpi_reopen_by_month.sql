-- grain: one row per local month in which incidents or requests were resolved
--
-- Reopen rate (DESIGN §5) = reopened / resolved: incidents and requests whose final
-- resolution falls in the local month, and of those the ones reopened at least once
-- (status history: the clock saw a resolved ticket reopened; flat exports:
-- reopen_count > 0; an unknown reopen_count counts as not reopened). Lower is better.
WITH counted AS (
    SELECT
        resolved_month AS month,
        count(*) AS resolved,
        count(*) FILTER (WHERE reopened) AS reopened
    FROM fct_ticket_flow
    WHERE kind IN ('incident', 'request') AND resolved_month IS NOT NULL AND NOT cancelled
    GROUP BY resolved_month
)

SELECT
    c.month,
    c.resolved,
    c.reopened,
    CAST(c.reopened AS DOUBLE) / nullif(c.resolved, 0) AS reopen_rate,
    t.target,
    t.higher_is_better
FROM counted AS c
LEFT JOIN cfg_kpi_target AS t ON t.kpi = 'reopen_rate'
ORDER BY c.month
