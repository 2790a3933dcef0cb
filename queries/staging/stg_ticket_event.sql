-- grain: one row per history event of a ticket (status, assignment, worklog or reopen)
-- incremental: ticket
--
-- Events at the same instant keep the order they had in the source (DESIGN §5a.4):
-- order by occurred_at, then reopen_last (a reopen follows the resolution it undoes),
-- batch_id and seq (the event's row in its source). status_order breaks the remaining
-- ties only for events stored without a position (before schema version 2) and for
-- the models' own synthetic events: a 'new' and a 'resolved' in the same second give
-- new -> resolved.
SELECT
    source,
    ticket_id,
    occurred_at,
    kind,
    value,
    agent,
    minutes,
    batch_id,
    seq,
    kind = 'reopen' AS reopen_last,
    CASE value
        WHEN 'new' THEN 0
        WHEN 'open' THEN 1
        WHEN 'pending' THEN 2
        WHEN 'resolved' THEN 3
        WHEN 'closed' THEN 4
        WHEN 'cancelled' THEN 5
    END AS status_order
FROM ticket_event
