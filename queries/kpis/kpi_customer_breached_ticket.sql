-- grain: one row per billed customer and breached ticket it may see, in the local month of the breach
--
-- The customer's own breached tickets (requester kept, shown pseudonymised) and the
-- shared ones (no requester), from kpi_breached_ticket.
SELECT
    b.month,
    c.customer,
    c.scope,
    b.ticket_id,
    b.title,
    c.service,
    b.priority,
    b.outcome,
    b.breach_at,
    b.target_minutes,
    b.overrun_minutes,
    c.requester
FROM kpi_customer_ticket AS c
JOIN kpi_breached_ticket AS b ON b.source = c.source AND b.ticket_id = c.ticket_id
