-- grain: one row per billed customer: its weight and share in the allocation key of the shared customer's tickets
--
-- The key of kpi_billing_allocation (cfg_billing_customer weights): share = weight /
-- total weight, share_percent rounded to 0.01 as the billing basis prints it.
SELECT
    customer,
    weight,
    sum(weight) OVER () AS total_weight,
    CAST(weight AS DOUBLE) / nullif(sum(weight) OVER (), 0) AS share,
    CAST(round(CAST(weight AS DOUBLE) / nullif(sum(weight) OVER (), 0) * 100, 2) AS DECIMAL(9, 2)) AS share_percent
FROM cfg_billing_customer
