-- grain: one row per varied weight (term, change) and portfolio candidate: its score and rank with that weight 50 % lower or higher
--
-- How much the CAB ranking rests on the weights. For every term with a weight other than
-- 0, the weight is multiplied by 0.5 and by 1.5, the others kept, and all weights are then
-- scaled so they sum to what they summed to before (re-normalised); every candidate is
-- scored again on its terms from kpi_cab_candidate (a term without data counts 0, as in the
-- score) and ranked (ties: lower effort, then id). The staffing term keeps the value the
-- base ranking's plan gave it. top3_variations = variations under which the candidate is
-- in the top 3, of `variations`; robust_top3 = in the top 3 in the base ranking and under
-- every variation; top3 says it in a word: 'robust', 'some' (in the top 3 under some
-- variations) or NULL.
WITH terms AS (
    SELECT candidate_id, effort_days, 'cooperation' AS term, term_cooperation AS value FROM kpi_cab_candidate
    UNION ALL SELECT candidate_id, effort_days, 'incidents', term_incidents FROM kpi_cab_candidate
    UNION ALL SELECT candidate_id, effort_days, 'work_hours', term_work_hours FROM kpi_cab_candidate
    UNION ALL SELECT candidate_id, effort_days, 'breaches', term_breaches FROM kpi_cab_candidate
    UNION ALL SELECT candidate_id, effort_days, 'users', term_users FROM kpi_cab_candidate
    UNION ALL SELECT candidate_id, effort_days, 'trend', term_trend FROM kpi_cab_candidate
    UNION ALL SELECT candidate_id, effort_days, 'effort', term_effort FROM kpi_cab_candidate
    UNION ALL SELECT candidate_id, effort_days, 'payback', term_payback FROM kpi_cab_candidate
    UNION ALL SELECT candidate_id, effort_days, 'technical', term_technical FROM kpi_cab_candidate
    UNION ALL SELECT candidate_id, effort_days, 'staffing', term_staffing FROM kpi_cab_candidate
),

variations AS (
    SELECT w.term AS varied, f.factor, f.change
    FROM cfg_cab_weight AS w
    CROSS JOIN (VALUES (0.5, '-50%'), (1.5, '+50%')) AS f (factor, change)
    WHERE w.weight <> 0
),

varied_weights AS (
    SELECT
        v.varied,
        v.change,
        w.term,
        w.weight * CASE WHEN w.term = v.varied THEN v.factor ELSE 1 END AS raw_weight
    FROM variations AS v
    CROSS JOIN cfg_cab_weight AS w
),

normalised AS (
    SELECT
        varied,
        change,
        term,
        raw_weight * (SELECT sum(weight) FROM cfg_cab_weight) / nullif(sum(raw_weight) OVER (PARTITION BY varied, change), 0)
            AS weight
    FROM varied_weights
),

scores AS (
    SELECT
        n.varied,
        n.change,
        t.candidate_id,
        any_value(t.effort_days) AS effort_days,
        round(sum(n.weight * coalesce(t.value, 0)), 6) AS score
    FROM normalised AS n
    JOIN terms AS t ON t.term = n.term
    GROUP BY n.varied, n.change, t.candidate_id
),

ranked AS (
    SELECT
        *,
        row_number() OVER (PARTITION BY varied, change ORDER BY score DESC, effort_days ASC NULLS LAST, candidate_id)
            AS variation_rank
    FROM scores
)

SELECT
    r.varied AS term,
    r.change,
    r.candidate_id,
    r.score,
    r.variation_rank,
    c.cab_rank AS base_rank,
    count(*) FILTER (WHERE r.variation_rank <= 3) OVER (PARTITION BY r.candidate_id) AS top3_variations,
    count(*) OVER (PARTITION BY r.candidate_id) AS variations,
    c.cab_rank <= 3 AND bool_and(r.variation_rank <= 3) OVER (PARTITION BY r.candidate_id) AS robust_top3,
    CASE
        WHEN c.cab_rank <= 3 AND bool_and(r.variation_rank <= 3) OVER (PARTITION BY r.candidate_id) THEN 'robust'
        WHEN count(*) FILTER (WHERE r.variation_rank <= 3) OVER (PARTITION BY r.candidate_id) > 0 THEN 'some'
    END AS top3
FROM ranked AS r
JOIN kpi_cab_candidate AS c ON c.candidate_id = r.candidate_id
ORDER BY r.varied, r.change DESC, r.variation_rank
