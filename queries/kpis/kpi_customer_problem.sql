-- grain: one row per billed customer and problem whose linked incidents include the customer's own or shared ones
--
-- Problems affecting the customer (DESIGN §5 problem recurrence), counted over the
-- customer's own and shared incidents only: linked incidents, the first and last
-- occurrence (and the local month of the last), and linked_after_fix: those opened after
-- the problem's first resolution (the fix did not hold; DESIGN §5a.10). The problem's
-- status and resolution come from kpi_problem. A problem record of another customer
-- affects this one too, but is not named: problem_id and title are NULL
-- (kpi_customer_problem.named false); problem_rank (1 = most linked incidents) keys the row.
WITH linked AS (
    SELECT c.customer, c.source, c.problem_id, c.problem_visible, c.ticket_id, c.opened_at, c.opened_month
    FROM kpi_customer_ticket AS c
    WHERE c.kind = 'incident' AND c.problem_id IS NOT NULL
),

counted AS (
    SELECT
        l.customer,
        l.source,
        l.problem_id,
        bool_and(l.problem_visible) AS named,
        p.title,
        p.problem_status,
        p.problem_first_resolved_at,
        p.problem_resolved_at,
        count(*) AS linked_incidents,
        count(*) FILTER (WHERE l.opened_at > p.problem_first_resolved_at) AS linked_after_fix,
        min(l.opened_at) AS first_occurrence,
        max(l.opened_at) AS last_occurrence,
        max(l.opened_month) AS last_month
    FROM linked AS l
    JOIN kpi_problem AS p ON p.source = l.source AND p.problem_id = l.problem_id
    GROUP BY l.customer, l.source, l.problem_id, p.title, p.problem_status, p.problem_first_resolved_at,
        p.problem_resolved_at
)

SELECT
    customer,
    row_number() OVER (PARTITION BY customer ORDER BY linked_incidents DESC, problem_id, source) AS problem_rank,
    named,
    CASE WHEN named THEN problem_id END AS problem_id,
    CASE WHEN named THEN title END AS title,
    problem_status,
    problem_first_resolved_at,
    problem_resolved_at,
    linked_incidents,
    linked_after_fix,
    first_occurrence,
    last_occurrence,
    last_month
FROM counted
