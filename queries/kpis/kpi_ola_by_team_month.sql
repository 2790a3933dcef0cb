-- grain: one row per team holding and local month of the tickets' resolution
--
-- OLA view (DESIGN §4): each team's own holding of incidents and requests resolved in the
-- month (fct_ola_holding: fct_assignment_segment by the ticket's resolved_month), so a team that received
-- a ticket late is measured only on the time it had. held = business minutes the team
-- had the ticket; running = held minus paused and resolved-before-reopen time (the SLA
-- clock time it was responsible for). segments = holdings, tickets = distinct tickets
-- (the holdings less a ticket's repeated holdings by the same team, kpi_ola_repeat_holding);
-- means and median are per holding. Open and cancelled tickets are not counted yet.
-- Means and sums are taken over minutes rounded to 6 decimals (DECIMAL): exact, so the
-- result does not depend on the order rows are added in.
WITH holdings AS (
    SELECT
        team,
        line,
        month,
        count(*) AS segments,
        avg(CAST(held_minutes AS DECIMAL(18, 6))) AS held_minutes_mean,
        avg(CAST(running_minutes AS DECIMAL(18, 6))) AS running_minutes_mean,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY running_minutes) AS running_minutes_median,
        CAST(sum(CAST(paused_minutes AS DECIMAL(18, 6))) AS DOUBLE) AS paused_minutes_total
    FROM fct_ola_holding
    GROUP BY team, line, month
),

-- A ticket held n times by a team counts once: n − 1 of its holdings are repeats.
repeats AS (
    SELECT team, line, month, CAST(sum(extra_holdings) AS BIGINT) AS extra_holdings
    FROM kpi_ola_repeat_holding
    GROUP BY team, line, month
)

SELECT
    h.team,
    h.line,
    h.month,
    h.segments,
    h.segments - coalesce(r.extra_holdings, 0) AS tickets,
    h.held_minutes_mean,
    h.running_minutes_mean,
    h.running_minutes_median,
    h.paused_minutes_total
FROM holdings AS h
LEFT JOIN repeats AS r
    ON r.team IS NOT DISTINCT FROM h.team AND r.line IS NOT DISTINCT FROM h.line AND r.month IS NOT DISTINCT FROM h.month
ORDER BY h.month, h.team
