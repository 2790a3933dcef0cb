-- grain: one row per team, with its support line (1, 2, 3; NULL when not configured)
SELECT
    team,
    line,
    customer
FROM stg_team
