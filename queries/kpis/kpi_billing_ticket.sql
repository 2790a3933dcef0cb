-- grain: one row per billable ticket charge: the tickets behind each billing line
-- incremental: ticket
SELECT
    month,
    section,
    CASE WHEN section = 'unallocated' THEN NULL ELSE customer END AS billed_customer,
    customer,
    charge_type,
    price_key,
    unit_price,
    unallocated_reason,
    source,
    ticket_id,
    title,
    service,
    resolved_at,
    resolved_day,
    work_minutes,
    billed_minutes,
    quantity,
    amount,
    requester,
    vendor,
    cost,
    markup
FROM fct_billing_charge
