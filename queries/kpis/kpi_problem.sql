-- grain: one row per problem: each problem ticket, plus each problem_id incidents refer to without a problem ticket
--
-- Problem recurrence (DESIGN §5), from fct_ticket_flow (tickets opened by as-of).
-- Incidents link to a problem by problem_id = the problem's ticket_id in the same
-- source. linked_incidents, customers_affected (distinct non-NULL customers), work_hours
-- (their work_minutes / 60), first/last occurrence (their opened_at) and
-- linked_after_resolution: incidents opened after the problem's FIRST resolution (the fix
-- did not hold; DESIGN §5a.10: measured from the first fix even when the problem was
-- reopened and resolved again). problem_resolved_at is its final resolution (NULL while
-- open), problem_first_resolved_at its first. A problem_id with no problem ticket gets a
-- row with NULL title, status and resolution. recurrence_rank: 1 = most linked
-- incidents, ties by problem_id and source.
-- Sums are taken over minutes rounded to 6 decimals (DECIMAL): exact, so the
-- result does not depend on the order rows are added in.
WITH problems AS (
    SELECT
        source, ticket_id AS problem_id, title, status AS problem_status, resolved_at AS problem_resolved_at,
        first_resolved_at AS problem_first_resolved_at
    FROM fct_ticket_flow
    WHERE kind = 'problem'
),

linked AS (
    SELECT source, problem_id, ticket_id, customer, work_minutes, opened_at
    FROM fct_ticket_flow
    WHERE kind = 'incident' AND problem_id IS NOT NULL
),

all_problems AS (
    SELECT source, problem_id, title, problem_status, problem_resolved_at, problem_first_resolved_at
    FROM problems
    UNION ALL
    SELECT DISTINCT l.source, l.problem_id, NULL, NULL, CAST(NULL AS TIMESTAMP), CAST(NULL AS TIMESTAMP)
    FROM linked AS l
    WHERE NOT EXISTS (SELECT 1 FROM problems AS p WHERE p.source = l.source AND p.problem_id = l.problem_id)
),

counted AS (
    SELECT
        p.source,
        p.problem_id,
        p.title,
        p.problem_status,
        p.problem_resolved_at,
        p.problem_first_resolved_at,
        count(l.ticket_id) AS linked_incidents,
        count(DISTINCT l.customer) AS customers_affected,
        CAST(coalesce(sum(CAST(l.work_minutes AS DECIMAL(18, 6))), 0) AS DOUBLE) / 60 AS work_hours,
        min(l.opened_at) AS first_occurrence,
        max(l.opened_at) AS last_occurrence,
        count(l.ticket_id) FILTER (WHERE l.opened_at > p.problem_first_resolved_at) AS linked_after_resolution
    FROM all_problems AS p
    LEFT JOIN linked AS l ON l.source = p.source AND l.problem_id = p.problem_id
    GROUP BY p.source, p.problem_id, p.title, p.problem_status, p.problem_resolved_at, p.problem_first_resolved_at
)

SELECT
    *,
    row_number() OVER (ORDER BY linked_incidents DESC, problem_id, source) AS recurrence_rank
FROM counted
ORDER BY recurrence_rank
