-- grain: one row per state (running, paused) and one for both ('all'): Brier scores of the breach forecast and of the naive forecast over kpi_dispatch's instants
--
-- The backtest of DESIGN §7a: kpi_dispatch evaluated at past instants (`itsm report
-- dispatch --backtest` binds cfg_dispatch_as_of to every business day 12:00 of a range)
-- compared with what happened (the scored rows are kpi_dispatch_scored's): y = 1 when the ticket ended breached (breached, or
-- breached_open at the build's as-of), 0 when it was met; tickets whose outcome is not
-- known yet (still open and within target, cancelled) are left out. Scored are the
-- forecasts that were open questions: rows already breached at the instant (both
-- forecasts say 1) and rows without a forecast (too_few, no_target) are left out.
-- Brier = mean (p − y)²; the naive forecast is pct_used capped at 1. beats_naive: the
-- forecast's Brier score is lower; the Dispatcher's list shows the probability for a
-- state only then.
SELECT
    g.state,
    count(*) AS forecasts,
    CAST(sum(g.y) AS BIGINT) AS breached,
    avg((g.p - g.y) * (g.p - g.y)) AS brier,
    avg((g.naive - g.y) * (g.naive - g.y)) AS naive_brier,
    avg((g.p - g.y) * (g.p - g.y)) < avg((g.naive - g.y) * (g.naive - g.y)) AS beats_naive
FROM kpi_dispatch_scored AS g
GROUP BY g.state
