-- grain: one row per local month and SLA team among the month's cfg_kpi.top_teams largest (default 12), plus at most one row for all other teams
--
-- kpi_sla_by_team_month for charts and tables that must stay legible with hundreds of
-- teams (issue 23): per month the top_teams teams with the most outcomes (met + breached +
-- breached_open; ties by team name, a NULL team last) keep their row; the rest become one
-- row whose team is NULL and other_teams = how many teams it holds (NULL on a named row;
-- the report labels it "other (k teams)"). Additivity: met, breached, breached_open and
-- outcomes are counts and sum over the other teams; compliance is a rate and is
-- recomputed from the summed counts, never summed or averaged. The full list stays in
-- kpi_sla_by_team_month.
WITH ranked AS (
    SELECT
        *,
        met + breached + breached_open AS outcomes,
        row_number() OVER (
            PARTITION BY month ORDER BY met + breached + breached_open DESC, team ASC NULLS LAST, line
        ) AS volume_rank
    FROM kpi_sla_by_team_month
),

bucketed AS (
    SELECT
        *,
        volume_rank > (SELECT top_teams FROM cfg_kpi) AS is_other
    FROM ranked
),

grouped AS (
    SELECT
        month,
        CASE WHEN is_other THEN NULL ELSE team END AS team,
        CASE WHEN is_other THEN NULL ELSE line END AS line,
        CASE WHEN is_other THEN count(*) END AS other_teams,
        min(volume_rank) AS volume_rank,
        sum(met) AS met,
        sum(breached) AS breached,
        sum(breached_open) AS breached_open,
        sum(outcomes) AS outcomes,
        any_value(target) AS target,
        any_value(higher_is_better) AS higher_is_better
    FROM bucketed
    GROUP BY month, is_other, CASE WHEN is_other THEN NULL ELSE team END, CASE WHEN is_other THEN NULL ELSE line END
)

SELECT
    month,
    team,
    line,
    other_teams,
    volume_rank,
    CAST(met AS BIGINT) AS met,
    CAST(breached AS BIGINT) AS breached,
    CAST(breached_open AS BIGINT) AS breached_open,
    CAST(outcomes AS BIGINT) AS outcomes,
    CAST(met AS DOUBLE) / nullif(outcomes, 0) AS compliance,
    target,
    higher_is_better
FROM grouped
ORDER BY month, volume_rank
