-- grain: one row per team that a vendor rule ([[vendors]] pattern) matches: the vendor it works for
--
-- DESIGN §7b: vendors are matched to teams (assignment groups) by a name rule, not a list,
-- case-insensitively; the first rule in configuration order that matches wins. Teams are
-- every team known to the store (configured or seen in the data).
SELECT
    team,
    vendor,
    calendar,
    response_minutes,
    markup
FROM (
    SELECT
        d.team,
        v.vendor,
        v.calendar,
        v.response_minutes,
        v.markup,
        row_number() OVER (PARTITION BY d.team ORDER BY v.rule_order) AS pick
    FROM dim_team AS d
    JOIN cfg_vendor AS v ON lower(d.team) LIKE v.like_pattern ESCAPE '\'
) AS matched
WHERE pick = 1
