-- grain: one row per state (running, paused) and one for both ('all'): Brier scores of the breach forecast and of the naive forecast over kpi_dispatch's instants
--
-- The backtest of DESIGN §7a: kpi_dispatch evaluated at past instants (`itsm report
-- dispatch --backtest` binds cfg_dispatch_as_of to every business day 12:00 of a range)
-- compared with what happened: y = 1 when the ticket ended breached (breached, or
-- breached_open at the build's as-of), 0 when it was met; tickets whose outcome is not
-- known yet (still open and within target, cancelled) are left out. Scored are the
-- forecasts that were open questions: rows already breached at the instant (both
-- forecasts say 1) and rows without a forecast (too_few, no_target) are left out.
-- Brier = mean (p − y)²; the naive forecast is pct_used capped at 1. beats_naive: the
-- forecast's Brier score is lower; the Dispatcher's list shows the probability for a
-- state only then.
WITH scored AS (
    SELECT
        k.state,
        k.breach_probability AS p,
        least(k.pct_used, 1.0) AS naive,
        CASE WHEN s.outcome IN ('breached', 'breached_open') THEN 1.0 ELSE 0.0 END AS y
    FROM kpi_dispatch AS k
    JOIN fct_ticket_sla AS s ON s.source = k.source AND s.ticket_id = k.ticket_id
    WHERE k.forecast_level IN ('team_priority', 'priority', 'all')
      AND s.outcome IN ('met', 'breached', 'breached_open')
),

grouped AS (
    SELECT state, p, naive, y FROM scored
    UNION ALL
    SELECT 'all', p, naive, y FROM scored
)

SELECT
    g.state,
    count(*) AS forecasts,
    CAST(sum(g.y) AS BIGINT) AS breached,
    avg((g.p - g.y) * (g.p - g.y)) AS brier,
    avg((g.naive - g.y) * (g.naive - g.y)) AS naive_brier,
    avg((g.p - g.y) * (g.p - g.y)) < avg((g.naive - g.y) * (g.naive - g.y)) AS beats_naive
FROM grouped AS g
GROUP BY g.state
