-- grain: one row per state ('running', 'paused', 'all') and forecast decile with forecasts in it: the breach forecast's reliability over kpi_dispatch's instants
--
-- The scored forecasts of kpi_dispatch_scored (open questions with a known outcome), as
-- for kpi_dispatch_backtest. decile = floor(p × 10), 1.0 in decile 9; a calibrated forecast has
-- mean_forecast close to observed_share in every decile. naive_mean is the mean naive
-- forecast (pct_used capped at 1) of the same rows.
SELECT
    state,
    CAST(least(floor(p * 10), 9) AS INTEGER) AS decile,
    count(*) AS forecasts,
    avg(p) AS mean_forecast,
    avg(y) AS observed_share,
    avg(naive) AS naive_mean
FROM kpi_dispatch_scored
GROUP BY state, decile
