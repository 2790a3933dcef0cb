-- grain: one row per team
SELECT
    name AS team,
    line,
    customer
FROM team
