-- grain: one row per resolved ticket and team (with its line and the ticket's month) that held the ticket more than once
-- incremental: ticket
--
-- kpi_ola_by_team_month counts the distinct tickets of a team and month as its holdings
-- minus the repeats listed here (extra_holdings = holdings − 1), instead of a distinct
-- count over every holding of every ticket (issue 14: 0.8 s of thread time at 1M tickets
-- in each build); this table is computed per changed ticket after a day's export.
SELECT
    source,
    ticket_id,
    team,
    line,
    month,
    count(*) - 1 AS extra_holdings
FROM fct_ola_holding
GROUP BY source, ticket_id, team, line, month
HAVING count(*) > 1
