-- grain: one row per state ('running', 'paused', 'all') and forecast decile with forecasts in it: the breach forecast's reliability over kpi_dispatch's instants
--
-- The same scored forecasts as kpi_dispatch_backtest (open questions with a known
-- outcome). decile = floor(p × 10), 1.0 in decile 9; a calibrated forecast has
-- mean_forecast close to observed_share in every decile. naive_mean is the mean naive
-- forecast (pct_used capped at 1) of the same rows.
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
    state,
    CAST(least(floor(p * 10), 9) AS INTEGER) AS decile,
    count(*) AS forecasts,
    avg(p) AS mean_forecast,
    avg(y) AS observed_share,
    avg(naive) AS naive_mean
FROM grouped
GROUP BY state, decile
