-- grain: one row per ticket whose third-party cost is passed through for a vendor, in the local month of its first resolution: the tickets behind kpi_vendor_by_month's cost
--
-- Not cancelled, resolved (the month billing passes the cost through in); each vendor's
-- rows add up to its cost and billed_amount of the month.
SELECT
    c.month,
    c.vendor,
    c.source,
    c.ticket_id,
    t.title,
    c.customer,
    c.cost,
    c.markup,
    c.billed_amount
FROM fct_vendor_cost AS c
JOIN fct_ticket AS t ON t.source = c.source AND t.ticket_id = c.ticket_id
WHERE c.vendor IS NOT NULL AND c.month IS NOT NULL AND NOT c.cancelled
