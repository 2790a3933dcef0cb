-- grain: one row per local month, KPI and reason the KPI cannot be computed that month
--
-- Why a figure is missing (issue 23), from facts the marts already hold, so a report can
-- say "not computable: <reason>" instead of drawing an empty box or a 0. kpi is the KPI
-- definition id a report block names (ftr, sla, repeat_rate, ola, escalation); reason:
--   no_first_line  no team is configured as 1st line (dim_team): FTR and escalation from
--                  the 1st line have no meaning (DESIGN §5a.1); every month.
--   no_sla_target  tickets in SLA scope were opened in the month and none has a target
--                  (fct_ticket_sla outcome no_target: no priority, or none the targets name).
--   no_repeat_key  incidents were opened in the month and none has every field of the
--                  repeat key (cfg_kpi.repeat_key, default ci + category): none can repeat.
--   no_history     incidents or requests were resolved in the month and none has
--                  assignment history (fct_ticket_flow.basis 'flat'): a team's own time and
--                  the escalation instant are unknown.
-- Months are those with tickets opened or resolved. No row: the KPI is computable.
WITH months AS (
    SELECT opened_month AS month FROM fct_ticket_flow WHERE opened_month IS NOT NULL
    UNION
    SELECT resolved_month AS month FROM fct_ticket_flow WHERE resolved_month IS NOT NULL
),

first_line AS (
    SELECT count(*) > 0 AS configured FROM dim_team WHERE line = 1
),

sla_scope AS (
    SELECT
        f.opened_month AS month,
        count(*) FILTER (WHERE s.outcome <> 'cancelled') AS in_scope,
        count(*) FILTER (WHERE s.outcome NOT IN ('cancelled', 'no_target')) AS with_target
    FROM fct_ticket_sla AS s
    JOIN fct_ticket_flow AS f ON f.source = s.source AND f.ticket_id = s.ticket_id
    GROUP BY f.opened_month
),

repeat_keys AS (
    SELECT opened_month AS month, count(*) AS incidents, count(repeat_key) AS keyed
    FROM fct_repeat_incident
    GROUP BY opened_month
),

history AS (
    SELECT
        resolved_month AS month,
        count(*) AS resolved,
        count(*) FILTER (WHERE basis = 'history') AS with_history
    FROM fct_ticket_flow
    WHERE kind IN ('incident', 'request') AND resolved_month IS NOT NULL
    GROUP BY resolved_month
),

reasons AS (
    SELECT m.month, k.kpi, 'no_first_line' AS reason
    FROM months AS m
    CROSS JOIN first_line AS f
    CROSS JOIN (VALUES ('ftr'), ('escalation')) AS k (kpi)
    WHERE NOT f.configured
    UNION ALL
    SELECT month, 'sla', 'no_sla_target' FROM sla_scope WHERE in_scope > 0 AND with_target = 0
    UNION ALL
    SELECT month, 'repeat_rate', 'no_repeat_key' FROM repeat_keys WHERE incidents > 0 AND keyed = 0
    UNION ALL
    SELECT h.month, k.kpi, 'no_history'
    FROM history AS h
    CROSS JOIN (VALUES ('ola'), ('escalation')) AS k (kpi)
    WHERE h.resolved > 0 AND h.with_history = 0
)

SELECT month, kpi, reason
FROM reasons
ORDER BY month, kpi, reason
