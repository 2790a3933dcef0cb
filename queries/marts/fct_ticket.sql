-- grain: one row per ticket, with the lines of its teams, its SLA priority and what history it has
-- incremental: ticket
--
-- work_minutes: when a ticket has worklog events they give its work time (DESIGN §5a.3:
-- history is the truth), else the ticket row's work_minutes; work_minutes_basis says
-- which ('worklog' or 'row'; NULL when neither has any).
WITH history AS (
    SELECT
        source,
        ticket_id,
        count(*) FILTER (WHERE kind IN ('status', 'reopen')) AS status_events,
        count(*) FILTER (WHERE kind = 'assignment') AS assignment_events,
        count(*) FILTER (WHERE kind = 'worklog') AS worklog_events,
        sum(minutes) FILTER (WHERE kind = 'worklog') AS worklog_minutes,
        -- Who last touched the ticket in its history (personal data: reports pseudonymise it).
        arg_max(agent, occurred_at) FILTER (WHERE agent IS NOT NULL) AS last_agent
    FROM stg_ticket_event
    GROUP BY source, ticket_id
    -- Always true. DuckDB estimates this aggregate at more groups than there are tickets and
    -- then builds the join's hash table on the ticket rows with all their columns; under a
    -- filter its estimate is lower and the per-ticket counts go on that side (1M tickets:
    -- 2.5 s -> 0.6 s for the join in the profile, issue 14).
    HAVING count(*) > 0
)

SELECT
    t.* REPLACE (
        CASE WHEN coalesce(h.worklog_events, 0) > 0 THEN coalesce(h.worklog_minutes, 0) ELSE t.work_minutes END
            AS work_minutes
    ),
    CASE
        WHEN coalesce(h.worklog_events, 0) > 0 THEN 'worklog'
        WHEN t.work_minutes IS NOT NULL THEN 'row'
    END AS work_minutes_basis,
    -- The source's priority wins; without one, the configured impact x urgency matrix.
    coalesce(t.priority, m.priority) AS sla_priority,
    CASE
        WHEN t.priority IS NOT NULL THEN 'source'
        WHEN m.priority IS NOT NULL THEN 'matrix'
    END AS priority_basis,
    ft.line AS first_team_line,
    rt.line AS resolved_by_team_line,
    coalesce(h.status_events, 0) > 0 AS has_status_history,
    coalesce(h.assignment_events, 0) > 0 AS has_assignment_history,
    coalesce(h.worklog_events, 0) > 0 AS has_worklog_history,
    h.last_agent,
    t.kind IN (SELECT kind FROM cfg_sla_scope) AS in_sla_scope
FROM stg_ticket AS t
LEFT JOIN cfg_sla_priority AS m ON m.impact = t.impact AND m.urgency = t.urgency
LEFT JOIN dim_team AS ft ON ft.team = t.first_team
LEFT JOIN dim_team AS rt ON rt.team = t.resolved_by_team
LEFT JOIN history AS h ON h.source = t.source AND h.ticket_id = t.ticket_id
