-- grain: one row per billable ticket resolved by the as-of instant: its one charge (an item delivery or billable work)
--
-- DESIGN §6. A billable request with a request item is charged the item's unit price; any
-- other billable ticket is charged its work time rounded up per ticket to
-- cfg_billing.rounding_minutes, in hours, times the hourly rate of its resolving team, else
-- the rate of its kind of work (name 'kind:incident', 'kind:change', …), else the '*' rate. Prices are those valid on the local day of resolution (cfg_price,
-- valid_to exclusive), so a rerun of an old month uses that month's prices. A charge is
-- unallocated (kept, with its reason, never dropped) when it has no price, no customer,
-- or a customer that is neither billed nor the shared customer. Amounts in the price
-- list's currency, rounded to 0.01.
WITH settings AS (
    SELECT rounding_minutes, shared_customer FROM cfg_billing
),

billable AS (
    SELECT
        f.source,
        f.ticket_id,
        f.kind,
        f.title,
        f.customer,
        t.service,
        t.request_item,
        t.resolved_by_team,
        t.work_minutes,
        t.requester,
        f.resolved_at,
        f.resolved_month AS month,
        d.day AS resolved_day
    FROM fct_ticket_flow AS f
    JOIN fct_ticket AS t ON t.source = f.source AND t.ticket_id = f.ticket_id
    ASOF JOIN local_day AS d ON f.resolved_at >= d.day_start
    WHERE t.billable AND f.resolved_at IS NOT NULL AND NOT f.cancelled
),

charges AS (
    SELECT
        b.*,
        CASE WHEN b.kind = 'request' AND b.request_item IS NOT NULL THEN 'item' ELSE 'work' END AS charge_type,
        CASE WHEN b.kind = 'request' AND b.request_item IS NOT NULL THEN b.request_item ELSE b.resolved_by_team END
            AS price_key,
        CASE
            WHEN b.kind = 'request' AND b.request_item IS NOT NULL THEN CAST(1 AS DECIMAL(18, 2))
            ELSE CAST(
                ceil(coalesce(b.work_minutes, 0) / s.rounding_minutes) * s.rounding_minutes / 60 AS DECIMAL(18, 2)
            )
        END AS quantity
    FROM billable AS b
    CROSS JOIN settings AS s
),

priced AS (
    SELECT
        c.*,
        coalesce(
            (SELECT CAST(p.unit_price AS DECIMAL(18, 2)) FROM cfg_price AS p
             WHERE p.price_type = 'item' AND c.charge_type = 'item' AND p.name = c.price_key
               AND c.resolved_day >= p.valid_from AND c.resolved_day < p.valid_to
             ORDER BY p.valid_from DESC LIMIT 1),
            (SELECT CAST(p.unit_price AS DECIMAL(18, 2)) FROM cfg_price AS p
             WHERE p.price_type = 'hourly' AND c.charge_type = 'work' AND p.name = c.price_key
               AND c.resolved_day >= p.valid_from AND c.resolved_day < p.valid_to
             ORDER BY p.valid_from DESC LIMIT 1),
            (SELECT CAST(p.unit_price AS DECIMAL(18, 2)) FROM cfg_price AS p
             WHERE p.price_type = 'hourly' AND c.charge_type = 'work' AND p.name = 'kind:' || c.kind
               AND c.resolved_day >= p.valid_from AND c.resolved_day < p.valid_to
             ORDER BY p.valid_from DESC LIMIT 1),
            (SELECT CAST(p.unit_price AS DECIMAL(18, 2)) FROM cfg_price AS p
             WHERE p.price_type = 'hourly' AND c.charge_type = 'work' AND p.name = '*'
               AND c.resolved_day >= p.valid_from AND c.resolved_day < p.valid_to
             ORDER BY p.valid_from DESC LIMIT 1)
        ) AS unit_price
    FROM charges AS c
)

SELECT
    p.month,
    p.source,
    p.ticket_id,
    p.kind,
    p.title,
    p.customer,
    p.service,
    p.resolved_at,
    p.resolved_day,
    p.charge_type,
    p.price_key,
    p.work_minutes,
    p.quantity,
    p.unit_price,
    CAST(round(p.quantity * p.unit_price, 2) AS DECIMAL(18, 2)) AS amount,
    CASE
        WHEN p.unit_price IS NULL AND p.charge_type = 'item' THEN 'unpriced item'
        WHEN p.unit_price IS NULL THEN 'no hourly rate'
        WHEN p.customer IS NULL THEN 'no customer'
        WHEN p.customer = s.shared_customer THEN NULL
        WHEN p.customer NOT IN (SELECT customer FROM cfg_billing_customer) THEN 'unknown customer'
    END AS unallocated_reason,
    CASE
        WHEN p.unit_price IS NULL OR p.customer IS NULL THEN 'unallocated'
        WHEN p.customer = s.shared_customer THEN 'shared'
        WHEN p.customer IN (SELECT customer FROM cfg_billing_customer) THEN 'customer'
        ELSE 'unallocated'
    END AS section,
    p.requester
FROM priced AS p
CROSS JOIN settings AS s
