-- grain: one row per local month of opening, ticket kind, customer and channel
--
-- Volumes (DESIGN §5): tickets opened in the local month (by the as-of instant), per
-- kind, customer and channel. NULL customer or channel is its own row. Cancelled
-- tickets count: they were opened.
SELECT
    opened_month AS month,
    kind,
    customer,
    channel,
    count(*) AS tickets
FROM fct_ticket_flow
GROUP BY opened_month, kind, customer, channel
ORDER BY month, kind, customer, channel
