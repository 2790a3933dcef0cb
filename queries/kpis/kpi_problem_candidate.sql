-- grain: one row per repeat key that is a problem candidate
--
-- Problem candidates (DESIGN §5): repeat keys (fct_repeat_incident) with at least
-- cfg_kpi.candidate_min_incidents repeat incidents without a problem_id, where no
-- incident with the key is linked to a problem yet. incidents = all incidents with the
-- key (opened by as-of), repeat_incidents = those without a problem_id that are repeats,
-- customers_affected = distinct non-NULL customers over all of them.
WITH by_key AS (
    SELECT
        repeat_key,
        count(*) AS incidents,
        count(*) FILTER (WHERE is_repeat AND problem_id IS NULL) AS repeat_incidents,
        count(*) FILTER (WHERE problem_id IS NOT NULL) AS linked_to_problem,
        count(DISTINCT customer) AS customers_affected,
        min(opened_at) AS first_opened_at,
        max(opened_at) AS last_opened_at
    FROM fct_repeat_incident
    WHERE repeat_key IS NOT NULL
    GROUP BY repeat_key
)

SELECT
    b.repeat_key,
    b.incidents,
    b.repeat_incidents,
    b.customers_affected,
    b.first_opened_at,
    b.last_opened_at
FROM by_key AS b
CROSS JOIN cfg_kpi AS k
WHERE b.repeat_incidents >= k.candidate_min_incidents
  AND b.linked_to_problem = 0
ORDER BY b.repeat_incidents DESC, b.repeat_key
