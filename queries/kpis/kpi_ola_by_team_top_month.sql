-- grain: one row per team holding among the month's cfg_kpi.top_teams largest (default 12) and local month of the tickets' resolution, plus at most one row for all other teams
--
-- kpi_ola_by_team_month for charts that must stay legible with hundreds of teams (issue
-- 23): per month the top_teams teams with the most holdings (segments; ties by team name, a
-- NULL team last) keep their row; the holdings of the rest become one row whose team is
-- NULL and other_teams = how many teams it holds (NULL on a named row; the report labels
-- it "other (k teams)"). Additivity: segments and paused_minutes_total sum; tickets is
-- counted distinct again (a ticket held by two other teams counts once); the means and
-- the median are recomputed over the other teams' holdings themselves, never summed or
-- averaged from the team rows. The full list stays in kpi_ola_by_team_month.
-- A named row is kpi_ola_by_team_month's row as it is (the same aggregates over the same
-- holdings); only the other teams' holdings are aggregated again (issue 14: this read and
-- grouped all 1.27 M holdings of the 1M sample a second time).
WITH ranked AS (
    SELECT
        *,
        row_number() OVER (PARTITION BY month ORDER BY segments DESC, team ASC NULLS LAST, line) AS volume_rank
    FROM kpi_ola_by_team_month
),

others AS (
    SELECT
        h.*,
        r.volume_rank
    FROM fct_ola_holding AS h
    JOIN ranked AS r ON r.month = h.month AND r.team IS NOT DISTINCT FROM h.team AND r.line IS NOT DISTINCT FROM h.line
    WHERE r.volume_rank > (SELECT top_teams FROM cfg_kpi)
)

SELECT
    team,
    line,
    month,
    CAST(NULL AS BIGINT) AS other_teams,
    volume_rank,
    segments,
    tickets,
    held_minutes_mean,
    running_minutes_mean,
    running_minutes_median,
    paused_minutes_total
FROM ranked
WHERE volume_rank <= (SELECT top_teams FROM cfg_kpi)
UNION ALL
SELECT
    NULL AS team,
    NULL AS line,
    month,
    count(DISTINCT (team, line)) AS other_teams,
    min(volume_rank) AS volume_rank,
    count(*) AS segments,
    count(DISTINCT (source, ticket_id)) AS tickets,
    avg(CAST(held_minutes AS DECIMAL(18, 6))) AS held_minutes_mean,
    avg(CAST(running_minutes AS DECIMAL(18, 6))) AS running_minutes_mean,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY running_minutes) AS running_minutes_median,
    CAST(sum(CAST(paused_minutes AS DECIMAL(18, 6))) AS DOUBLE) AS paused_minutes_total
FROM others
GROUP BY month
ORDER BY month, volume_rank
