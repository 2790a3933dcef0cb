-- grain: one row per ticket (source, ticket_id), its latest known state
-- incremental: ticket
SELECT
    source,
    ticket_id,
    kind,
    title,
    customer,
    service,
    category,
    ci,
    channel,
    impact,
    urgency,
    priority,
    status,
    opened_at,
    first_response_at,
    resolved_at,
    closed_at,
    first_team,
    resolved_by_team,
    assigned_team,
    reassignment_count,
    reopen_count,
    problem_id,
    change_id,
    work_minutes,
    billable,
    request_item,
    requester,
    updated_at,
    batch_id,
    -- Third-party cost, DECIMAL(18, 2) in the organisation's currency (schema 4; DESIGN §7b).
    cost,
    -- The source's major-incident flag, 'major' or 'not_major' (schema 5; DESIGN §7a).
    major_incident
FROM ticket
