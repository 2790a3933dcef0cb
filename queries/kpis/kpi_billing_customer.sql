-- grain: one row per month and billed customer: the customer's own charges, its share of the shared customer's, the net, VAT and gross
--
-- net = own + allocated; VAT = net × cfg_billing.vat_rate (both DECIMAL: exact) rounded
-- half up to 0.01, shown separately (DESIGN §5a.13). The nets of all customers plus the unallocated amount add up to the
-- month's grand total of fct_billing_charge.
WITH months AS (
    SELECT DISTINCT month FROM kpi_billing_line
),

own AS (
    SELECT month, customer, sum(amount) AS amount FROM kpi_billing_line WHERE section = 'customer' GROUP BY ALL
),

allocated AS (
    SELECT month, customer, sum(amount) AS amount FROM kpi_billing_allocation GROUP BY ALL
),

net AS (
    SELECT
        m.month,
        c.customer,
        coalesce(o.amount, 0) AS own_amount,
        coalesce(a.amount, 0) AS allocated_amount,
        coalesce(o.amount, 0) + coalesce(a.amount, 0) AS net_amount
    FROM months AS m
    CROSS JOIN cfg_billing_customer AS c
    LEFT JOIN own AS o ON o.month = m.month AND o.customer = c.customer
    LEFT JOIN allocated AS a ON a.month = m.month AND a.customer = c.customer
)

SELECT
    n.*,
    CAST(round(n.net_amount * b.vat_rate, 2) AS DECIMAL(18, 2)) AS vat_amount,
    n.net_amount + CAST(round(n.net_amount * b.vat_rate, 2) AS DECIMAL(18, 2)) AS gross_amount,
    b.currency
FROM net AS n
CROSS JOIN cfg_billing AS b
