-- grain: one row per team holding and local month of the tickets' resolution
--
-- OLA view (DESIGN §4): each team's own holding of incidents and requests resolved in the
-- month (fct_ola_holding: fct_assignment_segment by the ticket's resolved_month), so a team that received
-- a ticket late is measured only on the time it had. held = business minutes the team
-- had the ticket; running = held minus paused and resolved-before-reopen time (the SLA
-- clock time it was responsible for). segments = holdings, tickets = distinct tickets;
-- means and median are per holding. Open and cancelled tickets are not counted yet.
-- Means and sums are taken over minutes rounded to 6 decimals (DECIMAL): exact, so the
-- result does not depend on the order rows are added in.
SELECT
    team,
    line,
    month,
    count(*) AS segments,
    count(DISTINCT (source, ticket_id)) AS tickets,
    avg(CAST(held_minutes AS DECIMAL(18, 6))) AS held_minutes_mean,
    avg(CAST(running_minutes AS DECIMAL(18, 6))) AS running_minutes_mean,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY running_minutes) AS running_minutes_median,
    CAST(sum(CAST(paused_minutes AS DECIMAL(18, 6))) AS DOUBLE) AS paused_minutes_total
FROM fct_ola_holding
GROUP BY team, line, month
ORDER BY month, team
