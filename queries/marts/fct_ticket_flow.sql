-- grain: one row per ticket opened by the as-of instant: how it entered, moved between support lines and was resolved
-- incremental: ticket
--
-- DESIGN §5, 1st line, with the edge rules of §5a.1. basis 'history' when the ticket has
-- assignment history up to as-of (fct_assignment_segment rows of basis 'history'), else
-- 'flat' (the ticket row).
-- Entry (§5a.1): the Service Desk is the single point of contact, so a ticket entered
-- through the 1st line unless its first known team is outside it. First known team =
-- first_team, else the first holder in the assignment history; entry_basis says which
-- ('first_team', 'first_assignment'), or 'assumed' when no team is known or the first
-- known team has no configured line (then the 1st line is assumed and counted).
-- routed_past_desk: the first known team is of line 2 or 3 — in the FTR population, never
-- a first-touch resolution.
-- resolved_by_first_line: history, the last holder is 1st line; flat, resolved_by_team is.
-- ever_outside_first_line: history, some holder is not 1st line (or has no line); flat,
-- reassignment_count > 0. reopened: status history, the clock saw a reopen; flat,
-- reopen_count > 0. An unknown count (NULL) counts as 0 and is flagged
-- (reassignment_count_unknown, reopen_count_unknown) for the data-quality counts.
-- first_touch_resolved: resolved, entered and resolved in the 1st line, never outside it,
-- never reopened. first_contact_resolved (§5a.9): that, within cfg_kpi.first_contact_minutes
-- wall-clock minutes of opening. escalated_at: first holding by a team outside the 1st
-- line (history only); escalation_minutes in business minutes of the SLA calendar.
-- first_resolved_at / first_resolved_month: the first resolution, kept when the ticket
-- was reopened later (billing, §5a.8). status_repair: fct_ticket_clock.repair. Months
-- are local months.
WITH build AS (
    SELECT as_of, sla_calendar FROM cfg_build
),

holdings AS (
    SELECT
        source,
        ticket_id,
        max(line) FILTER (WHERE seq = 1) AS first_holder_line,
        bool_or(is_last AND line = 1) AS last_holder_first_line,
        bool_or(line IS DISTINCT FROM 1) AS any_holder_outside,
        min(starts_at) FILTER (WHERE line IS DISTINCT FROM 1) AS escalated_at
    FROM fct_assignment_segment
    WHERE basis = 'history'
    GROUP BY source, ticket_id
),

flags AS (
    SELECT
        t.source,
        t.ticket_id,
        t.kind,
        t.title,
        t.customer,
        t.channel,
        t.category,
        t.status,
        t.sla_priority AS priority,
        t.opened_at,
        local_pick(dopen.month, dopen.next_month, dopen.switch_at, t.opened_at) AS opened_month,
        t.first_response_at,
        c.resolved_at,
        local_pick(dr.month, dr.next_month, dr.switch_at, c.resolved_at) AS resolved_month,
        c.first_resolved_at,
        local_pick(dfr.month, dfr.next_month, dfr.switch_at, c.first_resolved_at) AS first_resolved_month,
        c.cancelled_at,
        c.cancelled_at IS NOT NULL AS cancelled,
        CASE WHEN h.ticket_id IS NOT NULL THEN 'history' ELSE 'flat' END AS basis,
        c.basis AS status_basis,
        CASE
            WHEN t.first_team IS NOT NULL AND t.first_team_line IS NOT NULL THEN 'first_team'
            WHEN t.first_team IS NULL AND h.first_holder_line IS NOT NULL THEN 'first_assignment'
            ELSE 'assumed'
        END AS entry_basis,
        CASE WHEN t.first_team IS NOT NULL THEN t.first_team_line ELSE h.first_holder_line END AS entry_line,
        CASE
            WHEN h.ticket_id IS NOT NULL THEN h.last_holder_first_line
            ELSE coalesce(t.resolved_by_team_line = 1, false)
        END AS resolved_by_first_line,
        CASE WHEN h.ticket_id IS NOT NULL THEN h.any_holder_outside ELSE coalesce(t.reassignment_count, 0) > 0 END
            AS ever_outside_first_line,
        h.ticket_id IS NULL AND t.reassignment_count IS NULL AS reassignment_count_unknown,
        CASE WHEN c.basis = 'history' THEN c.reopens > 0 ELSE coalesce(t.reopen_count, 0) > 0 END AS reopened,
        c.basis <> 'history' AND t.reopen_count IS NULL AS reopen_count_unknown,
        c.repair AS status_repair,
        CASE WHEN c.resolved_at IS NOT NULL THEN c.elapsed_minutes + c.paused_minutes + c.reopened_minutes END
            AS business_minutes_to_resolve,
        coalesce(t.category IN (SELECT category FROM cfg_ftr_excluded_category), false) AS ftr_excluded_category,
        h.escalated_at,
        CASE
            WHEN h.escalated_at IS NOT NULL THEN (
                coalesce(business_clock(ce.hour, ce.before_seconds, ce.open_mask, h.escalated_at), 0)
                - coalesce(business_clock(co.hour, co.before_seconds, co.open_mask, t.opened_at), 0)
            ) / 60
        END AS escalation_minutes,
        t.problem_id,
        t.work_minutes,
        t.requester
    FROM fct_ticket AS t
    JOIN fct_ticket_clock AS c ON c.source = t.source AND c.ticket_id = t.ticket_id
    LEFT JOIN holdings AS h ON h.source = t.source AND h.ticket_id = t.ticket_id
    LEFT JOIN local_hour AS dopen ON dopen.hour = clock_hour(t.opened_at)
    LEFT JOIN local_hour AS dr ON dr.hour = clock_hour(c.resolved_at)
    LEFT JOIN local_hour AS dfr ON dfr.hour = clock_hour(c.first_resolved_at)
    LEFT JOIN calendar_hour AS co ON co.calendar = (SELECT sla_calendar FROM build) AND co.hour = clock_hour(t.opened_at)
    LEFT JOIN calendar_hour AS ce ON ce.calendar = (SELECT sla_calendar FROM build) AND ce.hour = clock_hour(h.escalated_at)
),

judged AS (
    SELECT
        f.*,
        f.entry_line IS NULL OR f.entry_line = 1 AS entered_first_line,
        coalesce(f.entry_line IN (2, 3), false) AS routed_past_desk,
        coalesce(
            f.resolved_at IS NOT NULL
            AND (f.entry_line IS NULL OR f.entry_line = 1)
            AND f.resolved_by_first_line
            AND NOT f.ever_outside_first_line
            AND NOT f.reopened,
            false
        ) AS first_touch_resolved
    FROM flags AS f
)

SELECT
    j.*,
    j.first_touch_resolved
        AND epoch(j.resolved_at) - epoch(j.opened_at) <= k.first_contact_minutes * 60 AS first_contact_resolved,
    j.escalation_minutes <= k.escalation_target_minutes AS escalated_within_target
FROM judged AS j
CROSS JOIN cfg_kpi AS k
