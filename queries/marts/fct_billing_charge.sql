-- grain: one row per charge: a billable ticket's item or work in the month of its first resolution, plus work logged in later months
-- incremental: ticket
--
-- DESIGN §6, §5a.8, §5a.13. A billable ticket is charged once it was first resolved by
-- as-of and is not cancelled. A billable request with a request item is charged the
-- item's unit price in the local month of its first resolution. Any other billable
-- ticket is charged its work time: from its worklog when it has one (§5a.3) — the work
-- logged up to the first resolution in that month, work logged after it (a reopened
-- ticket) in the month it was logged — else the ticket row's work_minutes in the month of
-- the first resolution. Each charge's minutes are rounded up to cfg_billing.rounding_minutes
-- (billed_minutes); the hourly rate is that of the resolving team, else of its kind of
-- work ('kind:incident', …), else '*'. Prices are those valid on the charge's local day
-- (the first resolution, or the last worklog of a later month), valid_to exclusive, so a
-- rerun of an old month uses that month's prices. A charge is unallocated (kept, with its
-- reason, never dropped) when it has no price, no customer, or a customer that is
-- neither billed nor the shared customer.
-- Money is exact (§5a.13): amount = billed_minutes × hourly price / 60, computed on whole
-- numbers and rounded half up to öre once per charge; items at their price; quantity =
-- hours (DECIMAL(18, 4), shown) or 1 item. Never DOUBLE.
-- Third-party pass-through (DESIGN §6, §7b): a ticket's cost × (1 + its vendor's markup)
-- from fct_vendor_cost, one charge per ticket with a cost above 0 in the month of its first
-- resolution (charge_type 'pass_through', price_key = the vendor, NULL when no vendor held
-- it; quantity 1, unit_price = amount), whether or not its work is billable; allocated and
-- reconciled like every other charge (vendor, cost and markup are kept on the row).
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
        t.work_minutes AS row_work_minutes,
        t.has_worklog_history,
        t.requester,
        f.first_resolved_at,
        f.first_resolved_month,
        local_pick(d.day, d.next_day, d.switch_at, f.first_resolved_at) AS first_resolved_day,
        f.kind = 'request' AND t.request_item IS NOT NULL AS is_item
    FROM fct_ticket_flow AS f
    JOIN fct_ticket AS t ON t.source = f.source AND t.ticket_id = f.ticket_id
    JOIN local_hour AS d ON d.hour = clock_hour(f.first_resolved_at)
    WHERE t.billable AND f.first_resolved_at IS NOT NULL AND NOT f.cancelled
),

-- Worklog of billable work tickets up to as-of, each entry in the month it is billed in.
logged AS (
    SELECT
        b.source,
        b.ticket_id,
        CASE WHEN e.occurred_at <= b.first_resolved_at THEN b.first_resolved_month ELSE local_pick(d.month, d.next_month, d.switch_at, e.occurred_at) END AS month,
        CASE WHEN e.occurred_at <= b.first_resolved_at THEN b.first_resolved_day ELSE local_pick(d.day, d.next_day, d.switch_at, e.occurred_at) END AS charge_day,
        coalesce(e.minutes, 0) AS minutes
    FROM billable AS b
    JOIN stg_ticket_event AS e ON e.source = b.source AND e.ticket_id = b.ticket_id
    JOIN local_hour AS d ON d.hour = clock_hour(e.occurred_at)
    -- A semi join, not `<= (SELECT as_of FROM cfg_build)`: DuckDB estimates that comparison
    -- at a few rows and built the hash tables of the joins with the local hours and the
    -- billable tickets on the 1.5 M worklog entries (issue 14, as in fct_status_interval).
    SEMI JOIN cfg_build AS c ON e.occurred_at <= c.as_of
    WHERE NOT b.is_item AND b.has_worklog_history AND e.kind = 'worklog'
),

work_by_month AS (
    SELECT source, ticket_id, month, max(charge_day) AS charge_day, sum(minutes) AS work_minutes
    FROM logged
    GROUP BY source, ticket_id, month
),

charge_rows AS (
    -- Items, and work without a worklog, in the month of the first resolution.
    SELECT
        b.*,
        b.first_resolved_month AS month,
        b.first_resolved_day AS charge_day,
        CASE WHEN b.is_item THEN NULL ELSE b.row_work_minutes END AS work_minutes
    FROM billable AS b
    WHERE b.is_item OR NOT b.has_worklog_history
    UNION ALL
    -- Worklogged work: one charge per month it is billed in.
    SELECT b.*, w.month, w.charge_day, w.work_minutes
    FROM billable AS b
    JOIN work_by_month AS w ON w.source = b.source AND w.ticket_id = b.ticket_id
),

charges AS (
    SELECT
        c.*,
        CASE WHEN c.is_item THEN 'item' ELSE 'work' END AS charge_type,
        CASE WHEN c.is_item THEN c.request_item ELSE c.resolved_by_team END AS price_key,
        CASE WHEN NOT c.is_item THEN
            -- Minutes are rounded to 6 decimals first, so a float sum of 60 logged minutes
            -- that reads 60.000000001 is not charged a further step.
            CAST(ceil(round(coalesce(c.work_minutes, 0), 6) / s.rounding_minutes) AS BIGINT) * s.rounding_minutes
        END AS billed_minutes
    FROM charge_rows AS c
    CROSS JOIN settings AS s
),

priced AS (
    SELECT
        c.*,
        coalesce(
            (SELECT p.unit_price FROM cfg_price AS p
             WHERE p.price_type = 'item' AND c.charge_type = 'item' AND p.name = c.price_key
               AND c.charge_day >= p.valid_from AND c.charge_day < p.valid_to
             ORDER BY p.valid_from DESC LIMIT 1),
            (SELECT p.unit_price FROM cfg_price AS p
             WHERE p.price_type = 'hourly' AND c.charge_type = 'work' AND p.name = c.price_key
               AND c.charge_day >= p.valid_from AND c.charge_day < p.valid_to
             ORDER BY p.valid_from DESC LIMIT 1),
            (SELECT p.unit_price FROM cfg_price AS p
             WHERE p.price_type = 'hourly' AND c.charge_type = 'work' AND p.name = 'kind:' || c.kind
               AND c.charge_day >= p.valid_from AND c.charge_day < p.valid_to
             ORDER BY p.valid_from DESC LIMIT 1),
            (SELECT p.unit_price FROM cfg_price AS p
             WHERE p.price_type = 'hourly' AND c.charge_type = 'work' AND p.name = '*'
               AND c.charge_day >= p.valid_from AND c.charge_day < p.valid_to
             ORDER BY p.valid_from DESC LIMIT 1)
        ) AS unit_price
    FROM charges AS c
),

-- Exact arithmetic: prices are DECIMAL(18, 2) (öre), so price × 100 is a whole number;
-- the amount in öre is minutes × that / 60, rounded half up in integer division.
amounts AS (
    SELECT
        p.*,
        CASE
            WHEN p.charge_type = 'item' THEN CAST(p.unit_price * 100 AS HUGEINT)
            ELSE (CAST(p.billed_minutes AS HUGEINT) * CAST(p.unit_price * 100 AS HUGEINT) + 30) // 60
        END AS amount_ore,
        CASE
            WHEN p.charge_type = 'item' THEN CAST(1 AS DECIMAL(18, 4))
            ELSE CAST(CAST((CAST(p.billed_minutes AS HUGEINT) * 10000 + 30) // 60 AS DECIMAL(18, 0)) * 0.0001
                AS DECIMAL(18, 4))
        END AS quantity
    FROM priced AS p
),

-- Third-party costs passed through, on the day of the first resolution.
pass_through AS (
    SELECT
        v.month,
        v.source,
        v.ticket_id,
        f.kind,
        f.title,
        f.customer,
        t.service,
        v.first_resolved_at AS resolved_at,
        d.day AS resolved_day,
        'pass_through' AS charge_type,
        v.vendor AS price_key,
        CAST(NULL AS DOUBLE) AS work_minutes,
        CAST(NULL AS BIGINT) AS billed_minutes,
        CAST(1 AS DECIMAL(18, 4)) AS quantity,
        v.billed_amount AS unit_price,
        v.billed_amount AS amount,
        t.requester,
        v.vendor,
        v.cost,
        v.markup
    FROM fct_vendor_cost AS v
    JOIN fct_ticket_flow AS f ON f.source = v.source AND f.ticket_id = v.ticket_id
    JOIN fct_ticket AS t ON t.source = v.source AND t.ticket_id = v.ticket_id
    ASOF JOIN local_day AS d ON v.first_resolved_at >= d.day_start
    WHERE v.first_resolved_at IS NOT NULL AND NOT v.cancelled AND v.cost > 0
),

charged AS (
    SELECT
        a.month,
        a.source,
        a.ticket_id,
        a.kind,
        a.title,
        a.customer,
        a.service,
        a.first_resolved_at AS resolved_at,
        a.charge_day AS resolved_day,
        a.charge_type,
        a.price_key,
        a.work_minutes,
        a.billed_minutes,
        a.quantity,
        a.unit_price,
        CAST(CAST(a.amount_ore AS DECIMAL(18, 0)) * 0.01 AS DECIMAL(18, 2)) AS amount,
        a.requester,
        CAST(NULL AS VARCHAR) AS vendor,
        CAST(NULL AS DECIMAL(18, 2)) AS cost,
        CAST(NULL AS DECIMAL(18, 4)) AS markup
    FROM amounts AS a
    UNION ALL
    SELECT * FROM pass_through
)

SELECT
    a.month,
    a.source,
    a.ticket_id,
    a.kind,
    a.title,
    a.customer,
    a.service,
    a.resolved_at,
    a.resolved_day,
    a.charge_type,
    a.price_key,
    a.work_minutes,
    a.billed_minutes,
    a.quantity,
    a.unit_price,
    a.amount,
    CASE
        WHEN a.unit_price IS NULL AND a.charge_type = 'item' THEN 'unpriced item'
        WHEN a.unit_price IS NULL THEN 'no hourly rate'
        WHEN a.customer IS NULL THEN 'no customer'
        WHEN a.customer = s.shared_customer THEN NULL
        WHEN a.customer NOT IN (SELECT customer FROM cfg_billing_customer) THEN 'unknown customer'
    END AS unallocated_reason,
    CASE
        WHEN a.unit_price IS NULL OR a.customer IS NULL THEN 'unallocated'
        WHEN a.customer = s.shared_customer THEN 'shared'
        WHEN a.customer IN (SELECT customer FROM cfg_billing_customer) THEN 'customer'
        ELSE 'unallocated'
    END AS section,
    a.requester,
    a.vendor,
    a.cost,
    a.markup
FROM charged AS a
CROSS JOIN settings AS s
