-- grain: one row per local month, billed customer and incident or request of its own or shared that was open at the month end
-- incremental: ticket
--
-- The customer's open backlog at each local month end, with the rules of
-- kpi_backlog_by_month (DESIGN §5a.11: open at the instant the next local month starts,
-- read from the status history: kpi_backlog_ticket's rows; the month of the as-of instant measured at as-of), one
-- row per open ticket so the report can count it and list the oldest. status = its
-- status at the month end (from the history); age_days = whole days (24 h) from opening
-- to the month end. Over all customers and scopes (and tickets
-- of no billed customer) the rows of a month add up to kpi_backlog_by_month.backlog.
SELECT
    b.month,
    c.customer,
    c.scope,
    c.source,
    c.ticket_id,
    c.kind,
    c.title,
    c.service,
    c.priority,
    b.status,
    c.opened_at,
    b.age_days
FROM kpi_backlog_ticket AS b
JOIN kpi_customer_ticket AS c ON c.source = b.source AND c.ticket_id = b.ticket_id
WHERE c.kind IN ('incident', 'request')
