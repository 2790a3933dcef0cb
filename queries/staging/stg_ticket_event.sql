-- grain: one row per history event of a ticket (status, assignment, worklog or reopen)
SELECT
    source,
    ticket_id,
    occurred_at,
    kind,
    value,
    agent,
    minutes,
    batch_id,
    -- Events at the same instant are ordered by where they sit in a ticket's life, so a
    -- 'new' and a 'resolved' stamped in the same second give new -> resolved.
    CASE value
        WHEN 'new' THEN 0
        WHEN 'open' THEN 1
        WHEN 'pending' THEN 2
        WHEN 'resolved' THEN 3
        WHEN 'closed' THEN 4
        WHEN 'cancelled' THEN 5
    END AS status_order
FROM ticket_event
