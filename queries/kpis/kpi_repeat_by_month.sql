-- grain: one row per local month in which incidents were opened
--
-- Repeat-incident rate (DESIGN §5) = repeats / incidents opened in the month, where a
-- repeat has an earlier incident with the same repeat key (cfg_kpi.repeat_key, default
-- ci + category) opened within cfg_kpi.repeat_window_days days before
-- (fct_repeat_incident). Incidents missing a key field are never repeats but count in
-- the denominator. Lower is better. When no incident of the month has every key field
-- (an export without CIs, say), none can repeat: the rate is NULL, not computable, not 0
-- (kpi_not_computable_by_month says why).
WITH counted AS (
    SELECT
        opened_month AS month,
        count(*) AS incidents,
        count(*) FILTER (WHERE is_repeat) AS repeats,
        count(repeat_key) AS keyed
    FROM fct_repeat_incident
    GROUP BY opened_month
)

SELECT
    c.month,
    c.incidents,
    c.repeats,
    CASE WHEN c.keyed > 0 THEN CAST(c.repeats AS DOUBLE) / nullif(c.incidents, 0) END AS repeat_rate,
    t.target,
    t.higher_is_better
FROM counted AS c
LEFT JOIN cfg_kpi_target AS t ON t.kpi = 'repeat_rate'
ORDER BY c.month
