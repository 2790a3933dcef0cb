-- grain: one row per month, section, billed customer, charge type, price key and unit price: a line of the billing basis
--
-- section 'customer': charges of a billed customer organisation; 'shared': charges of the
-- shared customer, allocated in kpi_billing_allocation; 'unallocated': charges with no
-- price or no known customer, with the reason — kept, never dropped. charge_type 'item',
-- 'work' or 'pass_through' (a third-party cost with its markup; price_key = the vendor). Every charge of
-- fct_billing_charge is in exactly one line.
SELECT
    month,
    section,
    CASE WHEN section = 'unallocated' THEN NULL ELSE customer END AS customer,
    charge_type,
    price_key,
    unit_price,
    unallocated_reason,
    count(*) AS tickets,
    sum(billed_minutes) AS billed_minutes,
    -- Hours from the summed minutes (not a sum of rounded hours): 3 × 20 min = 1.0000 h.
    CASE
        WHEN charge_type IN ('item', 'pass_through') THEN sum(quantity)
        ELSE CAST(CAST((CAST(sum(billed_minutes) AS HUGEINT) * 10000 + 30) // 60 AS DECIMAL(18, 0)) * 0.0001
            AS DECIMAL(18, 4))
    END AS quantity,
    sum(amount) AS amount
FROM fct_billing_charge
GROUP BY month, section, CASE WHEN section = 'unallocated' THEN NULL ELSE customer END, charge_type, price_key,
    unit_price, unallocated_reason
