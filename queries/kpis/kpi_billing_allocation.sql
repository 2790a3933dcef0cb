-- grain: one row per month, shared billing line and billed customer: that customer's share of the line
--
-- The shared customer's lines are split among the billed customers by their weight in
-- cfg_billing_customer (e.g. employees). Shares are whole öre (0.01): each customer gets
-- floor(amount × weight / total) and the öre left over go one each to the customers with
-- the largest remainders (ties by name), so the shares add up to the line exactly.
WITH lines AS (
    SELECT month, charge_type, price_key, unit_price, amount, CAST(amount * 100 AS BIGINT) AS amount_ore
    FROM kpi_billing_line
    WHERE section = 'shared'
),

keys AS (
    SELECT customer, weight, sum(weight) OVER () AS total_weight
    FROM cfg_billing_customer
),

split AS (
    SELECT
        l.*,
        k.customer,
        k.weight,
        k.total_weight,
        (l.amount_ore * k.weight) // k.total_weight AS base_ore,
        (l.amount_ore * k.weight) % k.total_weight AS remainder
    FROM lines AS l
    CROSS JOIN keys AS k
),

ranked AS (
    SELECT
        *,
        row_number() OVER (PARTITION BY month, charge_type, price_key, unit_price ORDER BY remainder DESC, customer)
            AS remainder_rank,
        amount_ore - sum(base_ore) OVER (PARTITION BY month, charge_type, price_key, unit_price) AS leftover_ore
    FROM split
)

SELECT
    month,
    charge_type,
    price_key,
    unit_price,
    amount AS line_amount,
    customer,
    weight,
    total_weight,
    CAST(weight AS DOUBLE) / total_weight AS share,
    CAST(
        CAST(base_ore + CASE WHEN remainder_rank <= leftover_ore THEN 1 ELSE 0 END AS DECIMAL(18, 0)) * 0.01
        AS DECIMAL(18, 2)
    ) AS amount
FROM ranked
