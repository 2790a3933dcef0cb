-- grain: one row per billed customer and ticket its service report may show: its own tickets, and the shared customer's tickets with its allocation share
-- incremental: ticket
--
-- The customer's monthly service report (issue 19) reads every figure through this
-- relation, so a customer's report can only ever see its own tickets (scope 'own') and
-- the tickets of the shared customer (cfg_billing.shared_customer, scope 'shared'), never
-- another customer's. The shared tickets carry the customer's share in the billing
-- allocation key (kpi_customer_share: the weights kpi_billing_allocation splits the shared
-- lines by). An own ticket has share 1. Requesters of shared tickets are
-- people of any customer, so they are not carried (NULL). problem_visible: whether the
-- linked problem's record may be named in this customer's report (it is the customer's
-- own, the shared customer's, of no customer, or not a ticket at all) — a problem record
-- of another customer is counted but never named.
-- first_touch_resolved, first_contact_resolved (fct_ticket_flow) and the sla_* columns
-- (fct_ticket_sla: outcome, its month, priority and target; NULL out of SLA scope) are
-- carried for the customer's FTR and SLA months, which so read this relation alone.
--
-- The ticket row's own columns are carried from the scan that scopes it, not read by a
-- second join with fct_ticket (issue 14).
WITH scoped AS (
    SELECT
        k.customer, 'own' AS scope, 1.0 AS share, CAST(100 AS DECIMAL(9, 2)) AS share_percent, t.source, t.ticket_id,
        t.service, t.ci, t.impact, t.problem_id, t.change_id, t.requester
    FROM kpi_customer_share AS k
    JOIN fct_ticket AS t ON t.customer = k.customer
    UNION ALL
    SELECT
        k.customer, 'shared' AS scope, k.share, k.share_percent, t.source, t.ticket_id,
        t.service, t.ci, t.impact, t.problem_id, t.change_id, t.requester
    FROM kpi_customer_share AS k
    CROSS JOIN cfg_billing AS b
    JOIN fct_ticket AS t ON t.customer = b.shared_customer
)

SELECT
    s.customer,
    s.scope,
    s.share,
    s.share_percent,
    s.source,
    s.ticket_id,
    f.kind,
    f.title,
    s.service,
    s.ci,
    s.impact,
    f.priority,
    f.status,
    f.channel,
    f.opened_at,
    f.opened_month,
    f.first_response_at,
    f.resolved_at,
    f.resolved_month,
    f.cancelled,
    s.problem_id,
    s.problem_id IS NOT NULL AND (
        p.customer IS NULL OR p.customer = s.customer OR p.customer = (SELECT shared_customer FROM cfg_billing)
    ) AS problem_visible,
    s.change_id,
    CASE WHEN s.scope = 'own' THEN s.requester END AS requester,
    f.first_touch_resolved,
    f.first_contact_resolved,
    a.outcome AS sla_outcome,
    a.outcome_month AS sla_outcome_month,
    a.priority AS sla_priority,
    a.target_minutes AS sla_target_minutes
FROM scoped AS s
JOIN fct_ticket_flow AS f ON f.source = s.source AND f.ticket_id = s.ticket_id
LEFT JOIN fct_ticket_sla AS a ON a.source = s.source AND a.ticket_id = s.ticket_id
LEFT JOIN fct_ticket AS p ON p.source = s.source AND p.ticket_id = s.problem_id AND p.kind = 'problem'
