-- grain: one row per local month, KPI and reason the KPI cannot be computed that month
--
-- Why a figure is missing (issue 23), from facts the marts already hold, so a report can
-- say "not computable: <reason>" instead of drawing an empty box or a 0. kpi is the KPI
-- definition id a report block names (ftr, sla, repeat_rate, problem_candidates, ola,
-- escalation, reopen_rate); reason:
--   no_first_line  no team is configured as 1st line (dim_team): FTR and escalation from
--                  the 1st line have no meaning (DESIGN §5a.1); every month.
--   no_sla_target  tickets in SLA scope were opened, resolved or breached in the month and
--                  none of them has a target (fct_ticket_sla outcome no_target: no priority,
--                  or none the targets name), so no outcome can fall in the month.
--   no_repeat_key  incidents were opened in the month and none has every field of the
--                  repeat key (cfg_kpi.repeat_key, default ci + category): none can repeat.
--   no_history     incidents or requests were resolved in the month and none has
--                  assignment history (fct_ticket_flow.basis 'flat'): a team's own time and
--                  the escalation instant are unknown.
--   no_sla_scope   no ticket of the SLA's scope (cfg_sla scope, default incidents) was
--                  opened, resolved or breached in the month: there is nothing to be
--                  compliant with (a log of changes only, or a scope the data does not hold).
-- The SLA reasons read the months DESIGN §5 gives outcomes to (the breach, else the
-- resolution; a ticket without a target is resolved in a month but never breaches) and
-- the month of opening: a month of resolutions only (the end of an export) is explained
-- by the tickets resolved in it, not by the absence of new ones.
--   no_incidents   no incident was opened in the month: the repeat rate has no population.
--   no_resolved    no incident or request was resolved in the month: the reopen rate has
--                  no population.
-- Months are those with tickets opened or resolved. No row: the KPI is computable.
WITH months AS (
    SELECT opened_month AS month FROM fct_ticket_flow WHERE opened_month IS NOT NULL
    UNION
    SELECT resolved_month AS month FROM fct_ticket_flow WHERE resolved_month IS NOT NULL
),

first_line AS (
    SELECT count(*) > 0 AS configured FROM dim_team WHERE line = 1
),

-- Each in-scope ticket not cancelled, in the month it was opened, the month of its outcome
-- (met, breached, breached_open: outcome_month) and, without a target, the month it was
-- resolved. Months as fct_ticket_flow computes them: by the hour table, not by joining
-- fct_ticket_flow's million rows (issue 14).
sla_activity AS (
    SELECT local_pick(d.month, d.next_month, d.switch_at, s.opened_at) AS month, s.outcome <> 'no_target' AS has_target
    FROM fct_ticket_sla AS s
    LEFT JOIN local_hour AS d ON d.hour = clock_hour(s.opened_at)
    WHERE s.outcome <> 'cancelled'
    UNION ALL
    SELECT outcome_month AS month, true AS has_target
    FROM fct_ticket_sla
    WHERE outcome IN ('met', 'breached', 'breached_open')
    UNION ALL
    SELECT local_pick(d.month, d.next_month, d.switch_at, s.resolved_at) AS month, false AS has_target
    FROM fct_ticket_sla AS s
    LEFT JOIN local_hour AS d ON d.hour = clock_hour(s.resolved_at)
    WHERE s.outcome = 'no_target' AND s.resolved_at IS NOT NULL
),

sla_scope AS (
    SELECT month, count(*) AS in_scope, count(*) FILTER (WHERE has_target) AS with_target
    FROM sla_activity
    GROUP BY month
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
    SELECT r.month, k.kpi, 'no_repeat_key'
    FROM repeat_keys AS r
    CROSS JOIN (VALUES ('repeat_rate'), ('problem_candidates')) AS k (kpi)
    WHERE r.incidents > 0 AND r.keyed = 0
    UNION ALL
    SELECT h.month, k.kpi, 'no_history'
    FROM history AS h
    CROSS JOIN (VALUES ('ola'), ('escalation')) AS k (kpi)
    WHERE h.resolved > 0 AND h.with_history = 0
    UNION ALL
    SELECT m.month, 'sla', 'no_sla_scope'
    FROM months AS m LEFT JOIN sla_scope AS s USING (month)
    WHERE coalesce(s.in_scope, 0) = 0
    UNION ALL
    SELECT m.month, 'repeat_rate', 'no_incidents'
    FROM months AS m LEFT JOIN repeat_keys AS r USING (month)
    WHERE coalesce(r.incidents, 0) = 0
    UNION ALL
    SELECT m.month, 'reopen_rate', 'no_resolved'
    FROM months AS m LEFT JOIN history AS h USING (month)
    WHERE coalesce(h.resolved, 0) = 0
)

SELECT month, kpi, reason
FROM reasons
ORDER BY month, kpi, reason
