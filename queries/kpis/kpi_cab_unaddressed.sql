-- grain: one row per problem with incidents in the 12 months before as-of that no portfolio candidate addresses, the ten largest
--
-- Unaddressed: problems ranked by linked incidents opened in the 12 months before as-of,
-- whose id is not among the candidates' problems. A problem is keyed by (source, id), as
-- everywhere: two sources' P1 are two problems. The as-of instant is read from
-- cfg_cab_as_of only, as in kpi_cab_candidate.
WITH bounds AS (
    SELECT as_of FROM cfg_cab_as_of
),

-- fct_ticket_flow carries the ticket's problem_id and work_minutes (fct_ticket's), so the
-- incidents are read without joining fct_ticket's million rows (issue 14).
incidents AS (
    SELECT f.source, f.problem_id, f.customer, coalesce(f.work_minutes, 0) AS work_minutes
    FROM fct_ticket_flow AS f
    WHERE f.kind = 'incident'
      AND f.problem_id IS NOT NULL
      AND f.opened_at < (SELECT as_of FROM bounds)
      AND f.opened_at >= (SELECT as_of FROM bounds) - INTERVAL 12 MONTH
),

problems AS (
    SELECT
        i.source,
        i.problem_id,
        count(*) AS incidents,
        count(DISTINCT i.customer) AS customers_affected,
        sum(i.work_minutes) / 60 AS work_hours
    FROM incidents AS i
    WHERE i.problem_id NOT IN (SELECT value FROM cfg_portfolio_link WHERE link_type = 'problem')
    GROUP BY i.source, i.problem_id
)

SELECT
    row_number() OVER (ORDER BY p.incidents DESC, p.problem_id, p.source) AS unaddressed_rank,
    p.source,
    p.problem_id,
    t.title,
    p.incidents,
    p.customers_affected,
    p.work_hours
FROM problems AS p
LEFT JOIN fct_ticket AS t ON t.source = p.source AND t.ticket_id = p.problem_id AND t.kind = 'problem'
QUALIFY unaddressed_rank <= 10
