-- grain: one row per portfolio candidate: its evidence over the 12 months before as-of, each normalised term, weight and the score
--
-- DESIGN §7. A candidate addresses the incidents linked to its problems, services or CIs
-- (cfg_portfolio_link). Evidence from incidents opened in the 12 months before as-of:
-- incidents, work hours, SLA breaches (breached or breached open), municipalities that
-- benefit (customers of the incidents and those that asked for it; the shared customer
-- counts as every billed customer), users (distinct requesters), trend (incidents in the
-- last 3 months minus the 3 before). Each term = value / the largest value among
-- candidates (0–1; a negative trend counts 0; effort is scored the same way, weight 0 by
-- default). score = Σ weight × term (cfg_cab_weight). Ties: lower effort, then id.
-- The as-of instant is read as `(SELECT as_of FROM cfg_build)` only, so a report can
-- evaluate the same query at another instant.
WITH bounds AS (
    SELECT (SELECT as_of FROM cfg_build) AS as_of
),

incidents AS (
    SELECT
        f.source,
        f.ticket_id,
        f.customer,
        f.opened_at,
        t.problem_id,
        t.service,
        t.ci,
        t.requester,
        coalesce(t.work_minutes, 0) AS work_minutes,
        coalesce(s.outcome IN ('breached', 'breached_open'), false) AS breached
    FROM fct_ticket_flow AS f
    JOIN fct_ticket AS t ON t.source = f.source AND t.ticket_id = f.ticket_id
    LEFT JOIN fct_ticket_sla AS s ON s.source = f.source AND s.ticket_id = f.ticket_id
    WHERE f.kind = 'incident'
      AND f.opened_at < (SELECT as_of FROM bounds)
      AND f.opened_at >= (SELECT as_of FROM bounds) - INTERVAL 12 MONTH
),

linked AS (
    SELECT DISTINCT l.candidate_id, i.*
    FROM (
        SELECT l.candidate_id, i.source, i.ticket_id
        FROM cfg_portfolio_link AS l JOIN incidents AS i ON l.link_type = 'problem' AND i.problem_id = l.value
        UNION ALL
        SELECT l.candidate_id, i.source, i.ticket_id
        FROM cfg_portfolio_link AS l JOIN incidents AS i ON l.link_type = 'service' AND i.service = l.value
        UNION ALL
        SELECT l.candidate_id, i.source, i.ticket_id
        FROM cfg_portfolio_link AS l JOIN incidents AS i ON l.link_type = 'ci' AND i.ci = l.value
    ) AS l
    JOIN incidents AS i ON i.source = l.source AND i.ticket_id = l.ticket_id
),

-- Municipalities that benefit: the incidents' customers and the requesting customers,
-- with the shared customer standing for every billed customer.
benefiting AS (
    SELECT candidate_id, customer FROM linked WHERE customer IS NOT NULL
    UNION
    SELECT candidate_id, value FROM cfg_portfolio_link WHERE link_type = 'customer'
),

municipalities AS (
    SELECT b.candidate_id, count(DISTINCT m.customer) AS customers_benefiting
    FROM benefiting AS b
    JOIN cfg_billing_customer AS m
        ON m.customer = b.customer OR b.customer = (SELECT shared_customer FROM cfg_billing)
    GROUP BY b.candidate_id
),

evidence AS (
    SELECT
        p.candidate_id,
        p.title,
        p.requesting_customers,
        p.effort_days,
        p.cost,
        count(l.ticket_id) AS incidents,
        coalesce(sum(l.work_minutes), 0) / 60 AS work_hours,
        count(l.ticket_id) FILTER (WHERE l.breached) AS breaches,
        coalesce(max(m.customers_benefiting), 0) AS customers_benefiting,
        count(DISTINCT l.requester) AS users,
        count(l.ticket_id) FILTER (WHERE l.opened_at >= (SELECT as_of FROM bounds) - INTERVAL 3 MONTH)
            - count(l.ticket_id) FILTER (
                WHERE l.opened_at < (SELECT as_of FROM bounds) - INTERVAL 3 MONTH
                  AND l.opened_at >= (SELECT as_of FROM bounds) - INTERVAL 6 MONTH
            ) AS trend
    FROM cfg_portfolio AS p
    LEFT JOIN linked AS l ON l.candidate_id = p.candidate_id
    LEFT JOIN municipalities AS m ON m.candidate_id = p.candidate_id
    GROUP BY p.candidate_id, p.title, p.requesting_customers, p.effort_days, p.cost
),

terms AS (
    SELECT
        e.*,
        coalesce(e.customers_benefiting / nullif(max(e.customers_benefiting) OVER (), 0), 0) AS term_cooperation,
        coalesce(e.incidents / nullif(max(e.incidents) OVER (), 0), 0) AS term_incidents,
        coalesce(e.work_hours / nullif(max(e.work_hours) OVER (), 0), 0) AS term_work_hours,
        coalesce(e.breaches / nullif(max(e.breaches) OVER (), 0), 0) AS term_breaches,
        coalesce(e.users / nullif(max(e.users) OVER (), 0), 0) AS term_users,
        coalesce(greatest(e.trend, 0) / nullif(max(greatest(e.trend, 0)) OVER (), 0), 0) AS term_trend,
        coalesce(e.effort_days / nullif(max(e.effort_days) OVER (), 0), 0) AS term_effort
    FROM evidence AS e
),

weights AS (
    SELECT
        max(weight) FILTER (WHERE term = 'cooperation') AS w_cooperation,
        max(weight) FILTER (WHERE term = 'incidents') AS w_incidents,
        max(weight) FILTER (WHERE term = 'work_hours') AS w_work_hours,
        max(weight) FILTER (WHERE term = 'breaches') AS w_breaches,
        max(weight) FILTER (WHERE term = 'users') AS w_users,
        max(weight) FILTER (WHERE term = 'trend') AS w_trend,
        max(weight) FILTER (WHERE term = 'effort') AS w_effort
    FROM cfg_cab_weight
),

scored AS (
    SELECT
        t.*,
        w.*,
        round(
            w.w_cooperation * t.term_cooperation + w.w_incidents * t.term_incidents
            + w.w_work_hours * t.term_work_hours + w.w_breaches * t.term_breaches + w.w_users * t.term_users
            + w.w_trend * t.term_trend + w.w_effort * t.term_effort,
            6
        ) AS score
    FROM terms AS t
    CROSS JOIN weights AS w
)

SELECT
    row_number() OVER (ORDER BY score DESC, effort_days ASC NULLS LAST, candidate_id) AS cab_rank,
    *
FROM scored
