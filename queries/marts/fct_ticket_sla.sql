-- grain: one row per ticket in SLA scope opened by the as-of instant: target, elapsed business time, outcome, breach instant and team
-- incremental: ticket
--
-- DESIGN §4: elapsed = business minutes from opening to resolution minus pauses and time
-- resolved before a reopen (fct_ticket_clock). outcome: met (resolved within target),
-- breached (resolved after it), breached_open (still open at as-of and already past it),
-- open (not past it yet: counts nowhere), cancelled, no_target (no priority or target).
-- The breach instant is the first business second past the target on the running clock
-- (a budget used up at 17:00 breaches at the next opening). The breach team is whoever
-- held the ticket during the last business second of the target — the team whose time ran
-- out, never one that received it with nothing left (DESIGN §5a.5) — from assignment
-- history, else the resolving team. A ticket cancelled after its breach instant stays
-- breached; cancelled before it, it counts nowhere (§5a.6). Each outcome belongs to one
-- local month: of the breach if breached, else of the resolution. The response outcome
-- belongs to the month of the response, or of its breach (§5a.12): response_outcome_month.
WITH build AS (
    SELECT as_of, sla_calendar FROM cfg_build
),

clock AS (
    SELECT span_start, span_end, before_seconds
    FROM calendar_span
    WHERE calendar = (SELECT sla_calendar FROM build)
),

scoped AS (
    SELECT
        t.source,
        t.ticket_id,
        t.kind,
        t.customer,
        t.sla_priority AS priority,
        t.priority_basis,
        t.opened_at,
        CASE WHEN t.first_response_at <= (SELECT as_of FROM build) THEN t.first_response_at END AS first_response_at,
        coalesce(t.resolved_by_team, t.assigned_team, t.first_team) AS fallback_team,
        c.basis,
        c.repair,
        c.resolved_at,
        c.cancelled_at,
        c.elapsed_seconds,
        c.paused_minutes,
        c.reopened_minutes,
        g.resolve_minutes AS target_minutes,
        g.response_minutes AS response_target_minutes
    FROM fct_ticket AS t
    JOIN fct_ticket_clock AS c ON c.source = t.source AND c.ticket_id = t.ticket_id
    LEFT JOIN cfg_sla_target AS g ON g.priority = t.sla_priority
    WHERE t.in_sla_scope
),

-- The running intervals of the tickets past their target (the only ones breach_clock and
-- budget_clock read: a window over every ticket's intervals cost 5x as much, issue 14).
running AS (
    SELECT
        i.source,
        i.ticket_id,
        i.start_clock,
        i.business_seconds,
        coalesce(sum(i.business_seconds) OVER (
            PARTITION BY i.source, i.ticket_id ORDER BY i.seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
        ), 0) AS running_before
    FROM fct_status_interval AS i
    SEMI JOIN scoped AS s
        ON s.source = i.source AND s.ticket_id = i.ticket_id AND s.elapsed_seconds > s.target_minutes * 60
    WHERE i.clock = 'running' AND i.business_seconds > 0
),

-- The running interval in which the target is used up, and the clock reading there.
breach_clock AS (
    SELECT s.source, s.ticket_id, r.start_clock + (s.target_minutes * 60 - r.running_before) AS breach_clock
    FROM scoped AS s
    JOIN running AS r ON r.source = s.source AND r.ticket_id = s.ticket_id
    WHERE s.elapsed_seconds > s.target_minutes * 60
      AND r.running_before <= s.target_minutes * 60
      AND s.target_minutes * 60 < r.running_before + r.business_seconds
),

breach AS (
    SELECT
        b.source,
        b.ticket_id,
        c.span_start + to_microseconds(CAST(round((b.breach_clock - c.before_seconds) * 1000000) AS BIGINT)) AS breach_at
    FROM breach_clock AS b
    ASOF JOIN clock AS c ON b.breach_clock >= c.before_seconds
),

-- The running interval holding the last business second of the target, and the clock
-- reading at the end of that second; its instant is read on the open span it ends
-- (strict ASOF: a budget used up at 17:00 ends at 17:00, not at the next opening).
budget_clock AS (
    SELECT s.source, s.ticket_id, r.start_clock + (s.target_minutes * 60 - r.running_before) AS budget_clock
    FROM scoped AS s
    JOIN running AS r ON r.source = s.source AND r.ticket_id = s.ticket_id
    WHERE s.elapsed_seconds > s.target_minutes * 60
      AND r.running_before < s.target_minutes * 60
      AND s.target_minutes * 60 <= r.running_before + r.business_seconds
),

budget_end AS (
    SELECT
        b.source,
        b.ticket_id,
        c.span_start + to_microseconds(CAST(round((b.budget_clock - c.before_seconds) * 1000000) AS BIGINT))
            AS budget_end_at
    FROM budget_clock AS b
    ASOF JOIN clock AS c ON b.budget_clock > c.before_seconds
),

breach_holder AS (
    SELECT b.source, b.ticket_id, g.team
    FROM budget_end AS b
    JOIN fct_assignment_segment AS g
        ON g.source = b.source AND g.ticket_id = b.ticket_id
        AND g.basis = 'history' AND g.starts_at < b.budget_end_at AND b.budget_end_at <= g.ends_at
),

resolution_holder AS (
    SELECT source, ticket_id, team
    FROM fct_assignment_segment
    WHERE is_last AND basis = 'history'
),

outcomes AS (
    SELECT
        s.*,
        b.breach_at,
        CASE
            WHEN s.cancelled_at IS NOT NULL AND s.target_minutes IS NULL THEN 'cancelled'
            WHEN s.target_minutes IS NULL THEN 'no_target'
            WHEN s.elapsed_seconds > s.target_minutes * 60
                AND (s.resolved_at IS NOT NULL OR s.cancelled_at IS NOT NULL) THEN 'breached'
            WHEN s.cancelled_at IS NOT NULL THEN 'cancelled'
            WHEN s.elapsed_seconds > s.target_minutes * 60 THEN 'breached_open'
            WHEN s.resolved_at IS NOT NULL THEN 'met'
            ELSE 'open'
        END AS outcome,
        bh.team AS breach_holder,
        rh.team AS resolution_holder,
        coalesce(s.first_response_at, s.resolved_at) AS response_at
    FROM scoped AS s
    LEFT JOIN breach AS b ON b.source = s.source AND b.ticket_id = s.ticket_id
    LEFT JOIN breach_holder AS bh ON bh.source = s.source AND bh.ticket_id = s.ticket_id
    LEFT JOIN resolution_holder AS rh ON rh.source = s.source AND rh.ticket_id = s.ticket_id
),

attributed AS (
    SELECT
        o.*,
        CASE WHEN o.outcome IN ('breached', 'breached_open') THEN coalesce(o.breach_holder, o.fallback_team) END
            AS breach_team,
        CASE
            WHEN o.outcome IN ('breached', 'breached_open') THEN coalesce(o.breach_holder, o.fallback_team)
            WHEN o.outcome = 'met' THEN coalesce(o.resolution_holder, o.fallback_team)
        END AS sla_team,
        CASE
            WHEN o.outcome IN ('breached', 'breached_open') THEN o.breach_at
            WHEN o.outcome = 'met' THEN o.resolved_at
        END AS outcome_at,
        coalesce(o.response_at, o.cancelled_at, (SELECT as_of FROM build)) AS response_clock_at
    FROM outcomes AS o
),

localised AS (
    SELECT
        a.*,
        local_pick(d.month, d.next_month, d.switch_at, a.outcome_at) AS outcome_month,
        coalesce(business_clock(co.hour, co.before_seconds, co.open_mask, a.opened_at), 0) AS opened_clock,
        coalesce(business_clock(cr.hour, cr.before_seconds, cr.open_mask, a.response_clock_at), 0) AS response_clock
    FROM attributed AS a
    LEFT JOIN local_hour AS d ON d.hour = clock_hour(a.outcome_at)
    LEFT JOIN calendar_hour AS co ON co.calendar = (SELECT sla_calendar FROM build) AND co.hour = clock_hour(a.opened_at)
    LEFT JOIN calendar_hour AS cr
        ON cr.calendar = (SELECT sla_calendar FROM build) AND cr.hour = clock_hour(a.response_clock_at)
),

responded AS (
    SELECT
        l.*,
        CASE
            WHEN l.response_target_minutes IS NULL THEN NULL
            WHEN l.response_at IS NOT NULL AND (l.response_clock - l.opened_clock) <= l.response_target_minutes * 60
                THEN 'met'
            WHEN l.response_at IS NOT NULL THEN 'breached'
            -- Cancelled without a response: breached if the target had run out first (§5a.6).
            WHEN l.cancelled_at IS NOT NULL AND (l.response_clock - l.opened_clock) > l.response_target_minutes * 60
                THEN 'breached'
            WHEN l.cancelled_at IS NOT NULL THEN 'cancelled'
            WHEN (l.response_clock - l.opened_clock) > l.response_target_minutes * 60 THEN 'breached_open'
            ELSE 'open'
        END AS response_outcome
    FROM localised AS l
),

-- The response outcome's instant: the response when met, else the first business second
-- past the response target, read on the span table only for the breached responses (an
-- ASOF join of every ticket carried all its columns through the join's sort: issue 14).
response_breach AS (
    SELECT
        r.source,
        r.ticket_id,
        c.span_start + to_microseconds(CAST(round(
            (r.opened_clock + r.response_target_minutes * 60 - c.before_seconds) * 1000000) AS BIGINT))
            AS response_breach_at
    FROM responded AS r
    ASOF JOIN clock AS c ON r.opened_clock + r.response_target_minutes * 60 >= c.before_seconds
    WHERE r.response_outcome IN ('breached', 'breached_open')
),

response_dated AS (
    SELECT
        r.*,
        CASE
            WHEN r.response_outcome = 'met' THEN r.response_at
            WHEN r.response_outcome IN ('breached', 'breached_open') THEN b.response_breach_at
        END AS response_outcome_at
    FROM responded AS r
    LEFT JOIN response_breach AS b ON b.source = r.source AND b.ticket_id = r.ticket_id
)

SELECT
    l.source,
    l.ticket_id,
    l.kind,
    l.customer,
    l.priority,
    l.priority_basis,
    l.basis,
    l.repair,
    l.opened_at,
    l.resolved_at,
    l.target_minutes,
    l.elapsed_seconds / 60 AS elapsed_minutes,
    l.paused_minutes,
    l.reopened_minutes,
    l.outcome,
    CASE WHEN l.outcome IN ('breached', 'breached_open') THEN l.breach_at END AS breach_at,
    l.breach_team,
    CASE
        WHEN l.breach_team IS NULL THEN NULL
        WHEN l.breach_holder IS NOT NULL THEN 'history'
        ELSE 'fallback'
    END AS breach_team_basis,
    l.sla_team,
    st.line AS sla_team_line,
    CASE WHEN l.outcome IN ('breached', 'breached_open') THEN l.elapsed_seconds / 60 - l.target_minutes END
        AS overrun_minutes,
    l.outcome_at,
    l.outcome_month,
    l.response_target_minutes,
    l.first_response_at,
    (l.response_clock - l.opened_clock) / 60 AS response_minutes,
    l.response_outcome,
    l.response_outcome_at,
    local_pick(rd.month, rd.next_month, rd.switch_at, l.response_outcome_at) AS response_outcome_month
FROM response_dated AS l
LEFT JOIN dim_team AS st ON st.team = l.sla_team
LEFT JOIN local_hour AS rd ON rd.hour = clock_hour(l.response_outcome_at)
