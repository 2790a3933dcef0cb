-- grain: one row per chain of repeat incidents that is a problem candidate
--
-- Problem candidates (DESIGN §5, §5a.10): a chain of at least
-- cfg_kpi.candidate_min_incidents incidents (members, not repeats) on one repeat key,
-- each opened within the window of the previous one (fct_repeat_incident.chain_start),
-- none of them linked to a problem, the last opened within the 12 months before as-of.
-- incidents = the chain's members, repeat_incidents = members after the first,
-- customers_affected = distinct non-NULL customers among them. A key can have several
-- chains (bursts months apart); each is its own candidate.
WITH chains AS (
    SELECT
        repeat_key,
        chain_start,
        count(*) AS incidents,
        count(*) FILTER (WHERE is_repeat) AS repeat_incidents,
        count(*) FILTER (WHERE problem_id IS NOT NULL) AS linked_to_problem,
        min(opened_at) AS first_opened_at,
        max(opened_at) AS last_opened_at
    FROM fct_repeat_incident
    WHERE repeat_key IS NOT NULL
    GROUP BY repeat_key, chain_start
),

-- Distinct customers are counted for the candidates' incidents only (127,609 of 482,098 keyed
-- incidents in the 1M sample), not for every chain (issue 14).
candidates AS (
    SELECT c.*
    FROM chains AS c
    CROSS JOIN cfg_kpi AS k
    WHERE c.incidents >= k.candidate_min_incidents
      AND c.linked_to_problem = 0
      AND c.last_opened_at >= (SELECT as_of FROM cfg_build) - INTERVAL 12 MONTH
),

customers AS (
    SELECT i.repeat_key, i.chain_start, count(DISTINCT i.customer) AS customers_affected
    FROM fct_repeat_incident AS i
    SEMI JOIN candidates AS c ON c.repeat_key = i.repeat_key AND c.chain_start IS NOT DISTINCT FROM i.chain_start
    GROUP BY i.repeat_key, i.chain_start
)

SELECT
    c.repeat_key,
    c.incidents,
    c.repeat_incidents,
    u.customers_affected,
    c.first_opened_at,
    c.last_opened_at
FROM candidates AS c
JOIN customers AS u ON u.repeat_key = c.repeat_key AND u.chain_start IS NOT DISTINCT FROM c.chain_start
ORDER BY c.incidents DESC, c.repeat_key, c.first_opened_at
