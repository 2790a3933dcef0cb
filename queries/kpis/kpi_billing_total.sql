-- grain: one row per month with billing lines: the month's totals and reconciliation figures of the billing basis
--
-- Every total the billing basis prints, summed here so no writer adds amounts up: the
-- customers' columns, the unallocated lines, the grand total of the lines, and the tickets
-- behind them. Amounts are DECIMAL (exact to the öre). difference_amount (the tickets'
-- amounts − the lines') is 0 when the basis reconciles; checks/billing_reconciles.sql fails
-- the build otherwise.
WITH lines AS (
    SELECT
        month,
        coalesce(sum(amount), 0) AS lines_amount,
        coalesce(sum(amount) FILTER (WHERE section = 'unallocated'), 0) AS unallocated_amount,
        sum(tickets) AS tickets_in_lines
    FROM kpi_billing_line
    GROUP BY month
),

customers AS (
    SELECT
        month,
        sum(own_amount) AS customers_own_amount,
        sum(allocated_amount) AS customers_allocated_amount,
        sum(net_amount) AS customers_net_amount,
        sum(vat_amount) AS customers_vat_amount,
        sum(gross_amount) AS customers_gross_amount
    FROM kpi_billing_customer
    GROUP BY month
),

tickets AS (
    SELECT
        month,
        count(*) AS billable_tickets,
        coalesce(sum(amount), 0) AS tickets_amount,
        coalesce(sum(amount) FILTER (WHERE section = 'unallocated'), 0) AS unallocated_tickets_amount
    FROM kpi_billing_ticket
    GROUP BY month
)

SELECT
    l.month,
    coalesce(c.customers_own_amount, 0) AS customers_own_amount,
    coalesce(c.customers_allocated_amount, 0) AS customers_allocated_amount,
    coalesce(c.customers_net_amount, 0) AS customers_net_amount,
    coalesce(c.customers_vat_amount, 0) AS customers_vat_amount,
    coalesce(c.customers_gross_amount, 0) AS customers_gross_amount,
    l.unallocated_amount,
    l.lines_amount,
    coalesce(c.customers_net_amount, 0) + l.unallocated_amount AS customers_and_unallocated_amount,
    l.tickets_in_lines,
    coalesce(t.billable_tickets, 0) AS billable_tickets,
    coalesce(t.tickets_amount, 0) AS tickets_amount,
    coalesce(t.unallocated_tickets_amount, 0) AS unallocated_tickets_amount,
    coalesce(t.tickets_amount, 0) - l.lines_amount AS difference_amount,
    b.currency
FROM lines AS l
LEFT JOIN customers AS c ON c.month = l.month
LEFT JOIN tickets AS t ON t.month = l.month
CROSS JOIN cfg_billing AS b
