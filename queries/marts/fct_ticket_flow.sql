-- grain: one row per ticket opened by the as-of instant: how it entered, moved between support lines and was resolved
--
-- DESIGN §5, 1st line. basis 'history' when the ticket has assignment history up to as-of
-- (fct_assignment_segment rows of basis 'history'), else 'flat' (the ticket row).
-- entered_first_line: first_team is 1st line (history without a first_team: the first
-- holder). resolved_by_first_line: history, the last holder is 1st line; flat,
-- resolved_by_team is. ever_outside_first_line: history, some holder is not 1st line (or
-- has no line); flat, reassignment_count > 0 (NULL = unknown). reopened: status history,
-- the clock saw a reopen; flat, reopen_count > 0 (NULL = unknown). first_touch_resolved:
-- resolved, entered and resolved in the 1st line, never outside it, never reopened (an
-- unknown flag makes it false). first_contact_resolved: that, within
-- cfg_kpi.first_contact_minutes business minutes of opening. escalated_at: first holding
-- by a team outside the 1st line (history only); escalation_minutes in business minutes
-- of the SLA calendar. Months are local months.
WITH build AS (
    SELECT as_of, sla_calendar FROM cfg_build
),

clock AS (
    SELECT span_start, span_end, before_seconds
    FROM calendar_span
    WHERE calendar = (SELECT sla_calendar FROM build)
),

holdings AS (
    SELECT
        source,
        ticket_id,
        bool_or(seq = 1 AND line = 1) AS first_holder_first_line,
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
        dopen.month AS opened_month,
        t.first_response_at,
        c.resolved_at,
        dr.month AS resolved_month,
        c.cancelled_at,
        c.cancelled_at IS NOT NULL AS cancelled,
        CASE WHEN h.ticket_id IS NOT NULL THEN 'history' ELSE 'flat' END AS basis,
        c.basis AS status_basis,
        CASE
            WHEN t.first_team IS NOT NULL THEN coalesce(t.first_team_line = 1, false)
            ELSE coalesce(h.first_holder_first_line, false)
        END AS entered_first_line,
        CASE
            WHEN h.ticket_id IS NOT NULL THEN h.last_holder_first_line
            ELSE coalesce(t.resolved_by_team_line = 1, false)
        END AS resolved_by_first_line,
        CASE WHEN h.ticket_id IS NOT NULL THEN h.any_holder_outside ELSE t.reassignment_count > 0 END
            AS ever_outside_first_line,
        CASE WHEN c.basis = 'history' THEN c.reopens > 0 ELSE t.reopen_count > 0 END AS reopened,
        CASE WHEN c.resolved_at IS NOT NULL THEN c.elapsed_minutes + c.paused_minutes + c.reopened_minutes END
            AS business_minutes_to_resolve,
        coalesce(t.category IN (SELECT category FROM cfg_ftr_excluded_category), false) AS ftr_excluded_category,
        h.escalated_at,
        CASE
            WHEN h.escalated_at IS NOT NULL THEN (
                coalesce(ce.before_seconds + epoch(least(h.escalated_at, ce.span_end)) - epoch(ce.span_start), 0)
                - coalesce(co.before_seconds + epoch(least(t.opened_at, co.span_end)) - epoch(co.span_start), 0)
            ) / 60
        END AS escalation_minutes,
        t.problem_id,
        t.work_minutes,
        t.requester
    FROM fct_ticket AS t
    JOIN fct_ticket_clock AS c ON c.source = t.source AND c.ticket_id = t.ticket_id
    LEFT JOIN holdings AS h ON h.source = t.source AND h.ticket_id = t.ticket_id
    ASOF LEFT JOIN local_day AS dopen ON t.opened_at >= dopen.day_start
    ASOF LEFT JOIN local_day AS dr ON c.resolved_at >= dr.day_start
    ASOF LEFT JOIN clock AS co ON t.opened_at >= co.span_start
    ASOF LEFT JOIN clock AS ce ON h.escalated_at >= ce.span_start
),

judged AS (
    SELECT
        f.*,
        coalesce(
            f.resolved_at IS NOT NULL
            AND f.entered_first_line
            AND f.resolved_by_first_line
            AND NOT f.ever_outside_first_line
            AND NOT f.reopened,
            false
        ) AS first_touch_resolved
    FROM flags AS f
)

SELECT
    j.*,
    j.first_touch_resolved AND j.business_minutes_to_resolve <= k.first_contact_minutes AS first_contact_resolved,
    j.escalation_minutes <= k.escalation_target_minutes AS escalated_within_target
FROM judged AS j
CROSS JOIN cfg_kpi AS k
