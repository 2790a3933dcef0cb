-- grain: one row per vendor and local month with any vendor activity: tickets received, holding time, UC and response compliance, SLA breaches caused and third-party cost
--
-- DESIGN §7b, the IT controller's supplier follow-up. From fct_vendor_segment (holdings in
-- the vendor's own calendar) and fct_vendor_cost:
-- tickets_received: distinct tickets whose holding by the vendor began in the month;
-- holdings_decided: holdings handed back or resolved in the month with a UC outcome
-- (met or breached); uc_compliance = uc_met / (uc_met + uc_breached), NULL without any;
-- median / p90 holding time: of those holdings' UC clock (running_minutes: business
-- minutes of the vendor's calendar, pauses not counted); responses likewise by the month
-- the holding ended; sla_breaches_caused: SLA breaches in the month (their outcome month)
-- where the vendor's team was the breach team; cost: third-party cost of the vendor's
-- tickets first resolved in the month and not cancelled (the month billing passes it
-- through in), billed_amount with the markup. Money DECIMAL.
WITH keys AS (
    SELECT vendor, received_month AS month FROM fct_vendor_segment WHERE received_month IS NOT NULL
    UNION
    SELECT vendor, outcome_month FROM fct_vendor_segment WHERE outcome_month IS NOT NULL
    UNION
    SELECT vendor, sla_breach_month FROM fct_vendor_segment WHERE caused_sla_breach AND sla_breach_month IS NOT NULL
    UNION
    SELECT vendor, month FROM fct_vendor_cost WHERE vendor IS NOT NULL AND month IS NOT NULL AND NOT cancelled
),

received AS (
    SELECT vendor, received_month AS month, count(DISTINCT source || chr(31) || ticket_id) AS tickets_received
    FROM fct_vendor_segment
    GROUP BY vendor, received_month
),

decided AS (
    SELECT
        vendor,
        outcome_month AS month,
        count(*) AS holdings_decided,
        count(*) FILTER (WHERE uc_outcome = 'met') AS uc_met,
        count(*) FILTER (WHERE uc_outcome = 'breached') AS uc_breached,
        median(running_minutes) AS median_holding_minutes,
        percentile_cont(0.9) WITHIN GROUP (ORDER BY running_minutes) AS p90_holding_minutes,
        count(*) FILTER (WHERE response_outcome = 'met') AS response_met,
        count(*) FILTER (WHERE response_outcome = 'breached') AS response_breached
    FROM fct_vendor_segment
    WHERE outcome_month IS NOT NULL
    GROUP BY vendor, outcome_month
),

caused AS (
    SELECT vendor, sla_breach_month AS month, count(*) AS sla_breaches_caused
    FROM fct_vendor_segment
    WHERE caused_sla_breach AND sla_breach_month IS NOT NULL
    GROUP BY vendor, sla_breach_month
),

costs AS (
    SELECT vendor, month, count(*) AS tickets_with_cost, sum(cost) AS cost, sum(billed_amount) AS billed_amount
    FROM fct_vendor_cost
    WHERE vendor IS NOT NULL AND month IS NOT NULL AND NOT cancelled
    GROUP BY vendor, month
)

SELECT
    k.vendor,
    k.month,
    coalesce(r.tickets_received, 0) AS tickets_received,
    coalesce(d.holdings_decided, 0) AS holdings_decided,
    coalesce(d.uc_met, 0) AS uc_met,
    coalesce(d.uc_breached, 0) AS uc_breached,
    CAST(d.uc_met AS DOUBLE) / nullif(d.uc_met + d.uc_breached, 0) AS uc_compliance,
    d.median_holding_minutes,
    d.p90_holding_minutes,
    coalesce(d.response_met, 0) AS response_met,
    coalesce(d.response_breached, 0) AS response_breached,
    coalesce(c.sla_breaches_caused, 0) AS sla_breaches_caused,
    coalesce(m.tickets_with_cost, 0) AS tickets_with_cost,
    coalesce(m.cost, CAST(0 AS DECIMAL(18, 2))) AS cost,
    coalesce(m.billed_amount, CAST(0 AS DECIMAL(18, 2))) AS billed_amount
FROM keys AS k
LEFT JOIN received AS r ON r.vendor = k.vendor AND r.month = k.month
LEFT JOIN decided AS d ON d.vendor = k.vendor AND d.month = k.month
LEFT JOIN caused AS c ON c.vendor = k.vendor AND c.month = k.month
LEFT JOIN costs AS m ON m.vendor = k.vendor AND m.month = k.month
