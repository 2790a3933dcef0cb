-- Months whose billing basis does not reconcile: the lines must add up to the charges, the
-- customers' nets plus the unallocated amount to the grand total, and every shared line's
-- allocation to the line.
WITH charges AS (
    SELECT month, sum(amount) AS total, count(*) AS tickets FROM fct_billing_charge GROUP BY month
),
lines AS (
    SELECT month, sum(amount) AS total, sum(tickets) AS tickets FROM kpi_billing_line GROUP BY month
),
customers AS (
    SELECT month, sum(net_amount) AS total FROM kpi_billing_customer GROUP BY month
),
unallocated AS (
    SELECT month, sum(amount) AS total FROM kpi_billing_line WHERE section = 'unallocated' GROUP BY month
),
allocations AS (
    SELECT month, charge_type, price_key, unit_price, max(line_amount) AS line_amount, sum(amount) AS allocated
    FROM kpi_billing_allocation
    GROUP BY month, charge_type, price_key, unit_price
)
SELECT c.month, 'lines' AS check_name, c.total AS expected, l.total AS actual
FROM charges AS c LEFT JOIN lines AS l ON l.month = c.month
WHERE l.total IS DISTINCT FROM c.total OR l.tickets IS DISTINCT FROM c.tickets
UNION ALL
SELECT c.month, 'customers + unallocated', c.total, coalesce(cu.total, 0) + coalesce(u.total, 0)
FROM charges AS c
LEFT JOIN customers AS cu ON cu.month = c.month
LEFT JOIN unallocated AS u ON u.month = c.month
WHERE coalesce(cu.total, 0) + coalesce(u.total, 0) <> c.total
UNION ALL
SELECT month, 'allocation of ' || price_key, line_amount, allocated
FROM allocations
WHERE allocated <> line_amount
