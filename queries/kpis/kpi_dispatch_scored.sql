-- grain: one row per scored forecast of kpi_dispatch (an open question whose outcome is known), once under its state and once under 'all'
--
-- What the backtest scores (DESIGN §7a), read by kpi_dispatch_backtest (Brier scores) and
-- kpi_dispatch_reliability (deciles): kpi_dispatch evaluated at past instants (`itsm report
-- dispatch --backtest` binds cfg_dispatch_as_of to every business day 12:00 of a range)
-- with what happened: y = 1 when the ticket ended breached (breached, or breached_open at
-- the build's as-of), 0 when it was met; tickets whose outcome is not known yet (still
-- open and within target, cancelled) are left out, as are rows already breached at the
-- instant (both forecasts say 1) and rows without a forecast (too_few, no_target). p is
-- the forecast, naive the share of the target used, capped at 1.
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
)

SELECT state, p, naive, y FROM scored
UNION ALL
SELECT 'all', p, naive, y FROM scored
