-- grain: one row per month and billed customer sharing the shared customer's lines: its weight and share in the allocation key
--
-- The key kpi_billing_allocation splits the shared lines by, once per customer (the
-- allocation has a row per shared line and customer). share_percent is the share in per
-- cent rounded to 0.01, as the billing basis prints it.
WITH keys AS (
    SELECT DISTINCT month, customer, weight, total_weight, share
    FROM kpi_billing_allocation
)

SELECT
    month,
    customer,
    weight,
    total_weight,
    share,
    CAST(round(share * 100, 2) AS DECIMAL(9, 2)) AS share_percent
FROM keys
