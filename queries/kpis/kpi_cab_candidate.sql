-- grain: one row per portfolio candidate: its evidence over the 12 months before as-of, each normalised term, weight, the staffing plan and the score
--
-- DESIGN §7 and the process description's four criteria: cooperation, economics,
-- staffing and technical need. A candidate addresses the incidents linked to its problems,
-- services or CIs (cfg_portfolio_link). Evidence from incidents opened in the 12 months
-- before as-of: incidents, work hours, SLA breaches (breached or breached open),
-- municipalities that benefit (customers of the incidents and those that asked for it; the
-- shared customer counts as every billed customer), users (distinct requesters), trend
-- (incidents in the last 3 months minus the 3 before), ci_trend (the same, for incidents on
-- its linked CIs only).
-- Economics: monthly_pain_cost = (work on the linked incidents × the internal hourly cost
-- of the resolving team, else '*' (cfg_cab_cost)) / 12 + (breaches × cfg_cab.cost_per_breach)
-- / 12, exact in öre; payback_months = cost / monthly_pain_cost.
-- Technical: the mean of the parts it has: technical_need / 5; end of support (1 when
-- already out of support at as-of, falling linearly to 0 at 24 months ahead); ci_trend
-- over the largest among candidates.
-- Staffing: candidates are planned greedily in the order of the score without the staffing
-- term (base_rank): each needs effort_days shared equally by its teams (cfg_portfolio_team),
-- and each team works its queue in that order through its person-days per quarter
-- (cfg_cab_capacity) of the four quarters after as-of's quarter. start_quarter /
-- finish_quarter are 1–4; staffable is false when the work does not fit by quarter 4.
-- Terms (0–1): each value over the largest among candidates (a negative trend counts 0;
-- effort the same, weight 0 by default); payback: the shortest payback over the
-- candidate's (0 when its pain costs nothing); staffing: (5 − finish_quarter) / 4, 0 when not staffable. A term without
-- data (no cost or no hourly costs configured; no teams, effort or capacity; no technical
-- input) is NULL ("no data") and adds nothing. score = Σ weight × term (cfg_cab_weight).
-- payback_basis says what the payback rests on: 'months' (cost / monthly pain), 'no_pain'
-- (the pain costs nothing: term 0), NULL (no data). part_<term> = weight × term (0 without
-- data): the score's parts, which add up to it before rounding. Ties: lower effort, then id.
-- The as-of instant is read from the input relation cfg_cab_as_of only (the build writes
-- the build's as-of there), so a report can evaluate the same query at another instant by
-- binding that relation to it.
WITH bounds AS (
    SELECT as_of FROM cfg_cab_as_of
),

-- The tickets a candidate's links name, found on fct_ticket first: the incidents below
-- are read for these only (issue 14: a portfolio without links read every incident).
ticket_links AS (
    SELECT l.candidate_id, l.link_type, t.source, t.ticket_id
    FROM cfg_portfolio_link AS l JOIN fct_ticket AS t ON l.link_type = 'problem' AND t.problem_id = l.value
    UNION ALL
    SELECT l.candidate_id, l.link_type, t.source, t.ticket_id
    FROM cfg_portfolio_link AS l JOIN fct_ticket AS t ON l.link_type = 'service' AND t.service = l.value
    UNION ALL
    SELECT l.candidate_id, l.link_type, t.source, t.ticket_id
    FROM cfg_portfolio_link AS l JOIN fct_ticket AS t ON l.link_type = 'ci' AND t.ci = l.value
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
        -- Internal cost of the work in öre × milli-minutes / 60 000 (kept whole: exact).
        CAST(round(coalesce(t.work_minutes, 0) * 1000) AS HUGEINT)
            * CAST(coalesce(tc.hourly_cost, dc.hourly_cost, 0) * 100 AS HUGEINT) AS work_cost_units,
        coalesce(s.outcome IN ('breached', 'breached_open'), false) AS breached
    FROM (SELECT DISTINCT source, ticket_id FROM ticket_links) AS h
    JOIN fct_ticket_flow AS f ON f.source = h.source AND f.ticket_id = h.ticket_id
    JOIN fct_ticket AS t ON t.source = f.source AND t.ticket_id = f.ticket_id
    LEFT JOIN fct_ticket_sla AS s ON s.source = f.source AND s.ticket_id = f.ticket_id
    LEFT JOIN cfg_cab_cost AS tc ON tc.team = t.resolved_by_team
    LEFT JOIN cfg_cab_cost AS dc ON dc.team = '*'
    WHERE f.kind = 'incident'
      AND f.opened_at < (SELECT as_of FROM bounds)
      AND f.opened_at >= (SELECT as_of FROM bounds) - INTERVAL 12 MONTH
),

link_hits AS (
    SELECT h.candidate_id, h.link_type, i.source, i.ticket_id
    FROM ticket_links AS h JOIN incidents AS i ON i.source = h.source AND i.ticket_id = h.ticket_id
),

linked AS (
    SELECT DISTINCT h.candidate_id, i.*
    FROM (SELECT DISTINCT candidate_id, source, ticket_id FROM link_hits) AS h
    JOIN incidents AS i ON i.source = h.source AND i.ticket_id = h.ticket_id
),

ci_linked AS (
    SELECT DISTINCT h.candidate_id, i.opened_at, i.source, i.ticket_id
    FROM link_hits AS h
    JOIN incidents AS i ON i.source = h.source AND i.ticket_id = h.ticket_id
    WHERE h.link_type = 'ci'
),

-- For every candidate that names CIs (0 when they had no incidents).
ci_trend AS (
    SELECT
        p.candidate_id,
        count(c.ticket_id) FILTER (WHERE c.opened_at >= (SELECT as_of FROM bounds) - INTERVAL 3 MONTH)
            - count(c.ticket_id) FILTER (
                WHERE c.opened_at < (SELECT as_of FROM bounds) - INTERVAL 3 MONTH
                  AND c.opened_at >= (SELECT as_of FROM bounds) - INTERVAL 6 MONTH
            ) AS ci_trend
    FROM (SELECT DISTINCT candidate_id FROM cfg_portfolio_link WHERE link_type = 'ci') AS p
    LEFT JOIN ci_linked AS c ON c.candidate_id = p.candidate_id
    GROUP BY p.candidate_id
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
        p.technical_need,
        p.end_of_support,
        (SELECT string_agg(pt.team, ', ' ORDER BY pt.team) FROM cfg_portfolio_team AS pt
         WHERE pt.candidate_id = p.candidate_id) AS teams,
        count(l.ticket_id) AS incidents,
        coalesce(sum(l.work_minutes), 0) / 60 AS work_hours,
        count(l.ticket_id) FILTER (WHERE l.breached) AS breaches,
        coalesce(max(m.customers_benefiting), 0) AS customers_benefiting,
        count(DISTINCT l.requester) AS users,
        count(l.ticket_id) FILTER (WHERE l.opened_at >= (SELECT as_of FROM bounds) - INTERVAL 3 MONTH)
            - count(l.ticket_id) FILTER (
                WHERE l.opened_at < (SELECT as_of FROM bounds) - INTERVAL 3 MONTH
                  AND l.opened_at >= (SELECT as_of FROM bounds) - INTERVAL 6 MONTH
            ) AS trend,
        max(ct.ci_trend) AS ci_trend,
        -- Monthly cost of the pain in öre, rounded half up once: work cost units are
        -- öre × milli-minutes per hour, so 12 months of them are 12 × 60 000 per öre.
        CASE WHEN (SELECT count(*) FROM cfg_cab_cost) > 0 THEN
            (coalesce(sum(l.work_cost_units), 0)
                + count(l.ticket_id) FILTER (WHERE l.breached)
                    * CAST(coalesce((SELECT cost_per_breach FROM cfg_cab), 0) * 100 AS HUGEINT) * 60000
                + 360000) // 720000
        END AS monthly_pain_ore
    FROM cfg_portfolio AS p
    LEFT JOIN linked AS l ON l.candidate_id = p.candidate_id
    LEFT JOIN municipalities AS m ON m.candidate_id = p.candidate_id
    LEFT JOIN ci_trend AS ct ON ct.candidate_id = p.candidate_id
    GROUP BY ALL
),

economics AS (
    SELECT
        e.*,
        CAST(CAST(e.monthly_pain_ore AS DECIMAL(18, 0)) * 0.01 AS DECIMAL(18, 2)) AS monthly_pain_cost,
        CASE WHEN e.cost > 0 AND e.monthly_pain_ore > 0
            THEN CAST(e.cost AS DOUBLE) * 100 / e.monthly_pain_ore END AS payback_months,
        CASE
            WHEN e.end_of_support IS NULL THEN NULL
            WHEN e.end_of_support <= CAST((SELECT as_of FROM bounds) AS DATE) THEN 1.0
            ELSE greatest(0.0, 1 - date_diff('day', CAST((SELECT as_of FROM bounds) AS DATE), e.end_of_support) / 730.0)
        END AS end_of_support_part
    FROM evidence AS e
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
        coalesce(e.effort_days / nullif(max(e.effort_days) OVER (), 0), 0) AS term_effort,
        -- No data without a cost or without hourly costs; 0 when the pain costs nothing.
        CASE
            WHEN e.cost IS NULL OR e.monthly_pain_ore IS NULL THEN NULL
            ELSE coalesce(min(e.payback_months) OVER () / e.payback_months, 0)
        END AS term_payback,
        -- The mean of the technical parts the candidate has.
        (
            coalesce(e.technical_need / 5, 0) + coalesce(e.end_of_support_part, 0)
            + coalesce(greatest(e.ci_trend, 0) / nullif(max(greatest(e.ci_trend, 0)) OVER (), 0), 0)
        ) / nullif(
            (e.technical_need IS NOT NULL)::INTEGER + (e.end_of_support_part IS NOT NULL)::INTEGER
            + (e.ci_trend IS NOT NULL)::INTEGER,
            0
        ) AS term_technical
    FROM economics AS e
),

weights AS (
    SELECT
        max(weight) FILTER (WHERE term = 'cooperation') AS w_cooperation,
        max(weight) FILTER (WHERE term = 'incidents') AS w_incidents,
        max(weight) FILTER (WHERE term = 'work_hours') AS w_work_hours,
        max(weight) FILTER (WHERE term = 'breaches') AS w_breaches,
        max(weight) FILTER (WHERE term = 'users') AS w_users,
        max(weight) FILTER (WHERE term = 'trend') AS w_trend,
        max(weight) FILTER (WHERE term = 'effort') AS w_effort,
        max(weight) FILTER (WHERE term = 'payback') AS w_payback,
        max(weight) FILTER (WHERE term = 'technical') AS w_technical,
        max(weight) FILTER (WHERE term = 'staffing') AS w_staffing
    FROM cfg_cab_weight
),

based AS (
    SELECT
        t.*,
        w.*,
        w.w_cooperation * t.term_cooperation + w.w_incidents * t.term_incidents
            + w.w_work_hours * t.term_work_hours + w.w_breaches * t.term_breaches + w.w_users * t.term_users
            + w.w_trend * t.term_trend + w.w_effort * t.term_effort
            + w.w_payback * coalesce(t.term_payback, 0) + w.w_technical * coalesce(t.term_technical, 0)
            AS base_score
    FROM terms AS t
    CROSS JOIN weights AS w
),

base_ranked AS (
    SELECT
        *,
        row_number() OVER (ORDER BY round(base_score, 6) DESC, effort_days ASC NULLS LAST, candidate_id) AS base_rank
    FROM based
),

-- Each team's queue in base-rank order: the candidate occupies (from_days, until_days] of
-- the team's cumulative person-days.
demand AS (
    SELECT
        b.candidate_id,
        b.base_rank,
        pt.team,
        b.effort_days / count(*) OVER (PARTITION BY b.candidate_id) AS share_days
    FROM base_ranked AS b
    JOIN cfg_portfolio_team AS pt ON pt.candidate_id = b.candidate_id
    WHERE b.effort_days IS NOT NULL
),

queued AS (
    SELECT
        *,
        sum(share_days) OVER (PARTITION BY team ORDER BY base_rank ROWS UNBOUNDED PRECEDING) AS until_days
    FROM demand
),

capacity AS (
    SELECT team, quarter_no, sum(days) OVER (PARTITION BY team ORDER BY quarter_no) AS cumulative_days
    FROM cfg_cab_capacity
),

placed AS (
    SELECT
        q.candidate_id,
        (SELECT min(c.quarter_no) FROM capacity AS c
         WHERE c.team = q.team AND c.cumulative_days > q.until_days - q.share_days) AS start_quarter,
        (SELECT min(c.quarter_no) FROM capacity AS c
         WHERE c.team = q.team AND c.cumulative_days >= q.until_days) AS finish_quarter
    FROM queued AS q
),

planned AS (
    SELECT
        candidate_id,
        min(start_quarter) AS start_quarter,
        CASE WHEN bool_and(finish_quarter IS NOT NULL) THEN max(finish_quarter) END AS finish_quarter,
        bool_and(finish_quarter IS NOT NULL) AS staffable
    FROM placed
    GROUP BY candidate_id
),

staffed AS (
    SELECT
        b.*,
        p.start_quarter,
        p.finish_quarter,
        CASE WHEN (SELECT count(*) FROM cfg_cab_capacity) > 0 THEN p.staffable END AS staffable,
        CASE
            WHEN (SELECT count(*) FROM cfg_cab_capacity) = 0 OR p.candidate_id IS NULL THEN NULL
            WHEN p.staffable THEN (5 - p.finish_quarter) / 4.0
            ELSE 0.0
        END AS term_staffing,
        q.quarter_start AS first_quarter_start
    FROM base_ranked AS b
    LEFT JOIN planned AS p ON p.candidate_id = b.candidate_id
    CROSS JOIN (
        SELECT CAST(date_trunc('quarter', CAST((SELECT as_of FROM bounds) AS DATE)) + INTERVAL 3 MONTH AS DATE)
            AS quarter_start
    ) AS q
),

scored AS (
    SELECT
        *,
        round(base_score + w_staffing * coalesce(term_staffing, 0), 6) AS score,
        CASE WHEN start_quarter IS NOT NULL THEN
            strftime(first_quarter_start + INTERVAL (3 * (start_quarter - 1)) MONTH, '%Y') || ' Q'
            || CAST(quarter(first_quarter_start + INTERVAL (3 * (start_quarter - 1)) MONTH) AS VARCHAR)
        END AS start_label,
        CASE WHEN finish_quarter IS NOT NULL THEN
            strftime(first_quarter_start + INTERVAL (3 * (finish_quarter - 1)) MONTH, '%Y') || ' Q'
            || CAST(quarter(first_quarter_start + INTERVAL (3 * (finish_quarter - 1)) MONTH) AS VARCHAR)
        END AS finish_label
    FROM staffed
)

SELECT
    row_number() OVER (ORDER BY score DESC, effort_days ASC NULLS LAST, candidate_id) AS cab_rank,
    * EXCLUDE (monthly_pain_ore, end_of_support_part, first_quarter_start, base_score),
    round(base_score, 6) AS base_score,
    CASE WHEN payback_months IS NOT NULL THEN 'months' WHEN term_payback IS NOT NULL THEN 'no_pain' END
        AS payback_basis,
    w_cooperation * coalesce(term_cooperation, 0) AS part_cooperation,
    w_users * coalesce(term_users, 0) AS part_users,
    w_payback * coalesce(term_payback, 0) AS part_payback,
    w_work_hours * coalesce(term_work_hours, 0) AS part_work_hours,
    w_incidents * coalesce(term_incidents, 0) AS part_incidents,
    w_breaches * coalesce(term_breaches, 0) AS part_breaches,
    w_staffing * coalesce(term_staffing, 0) AS part_staffing,
    w_effort * coalesce(term_effort, 0) AS part_effort,
    w_technical * coalesce(term_technical, 0) AS part_technical,
    w_trend * coalesce(term_trend, 0) AS part_trend
FROM scored
