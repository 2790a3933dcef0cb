-- grain: one row per ticket with a third-party cost: the vendor it is passed through for, the markup and the amount billed
-- incremental: ticket
--
-- DESIGN §6, §7b. The cost (ticket.cost, DECIMAL(18, 2)) belongs to the vendor that last
-- held the ticket (its last vendor holding in fct_vendor_segment), whose configured markup
-- applies: billed_amount = cost × (1 + markup), computed on whole öre and ten-thousandths
-- and rounded half up to öre once (DESIGN §5a.13); no vendor held it: at cost, vendor
-- NULL. Like an item it is charged in the local month of the ticket's first resolution
-- (month; NULL while unresolved); a cancelled ticket is not billed (DESIGN §5a.2).
-- Third-party cost is passed through whether or not the ticket's own work is billable.
WITH last_vendor AS (
    SELECT source, ticket_id, arg_max(vendor, seq) AS vendor, arg_max(team, seq) AS team
    FROM fct_vendor_segment
    GROUP BY source, ticket_id
)

SELECT
    t.source,
    t.ticket_id,
    t.kind,
    t.customer,
    t.cost,
    lv.vendor,
    lv.team AS vendor_team,
    coalesce(v.markup, CAST(0 AS DECIMAL(18, 4))) AS markup,
    CAST(
        CAST((CAST(t.cost * 100 AS HUGEINT) * (10000 + CAST(coalesce(v.markup, 0) * 10000 AS HUGEINT)) + 5000) // 10000
            AS DECIMAL(18, 0)) * 0.01
        AS DECIMAL(18, 2)
    ) AS billed_amount,
    f.first_resolved_at,
    f.first_resolved_month AS month,
    f.cancelled
FROM fct_ticket AS t
JOIN fct_ticket_flow AS f ON f.source = t.source AND f.ticket_id = t.ticket_id
LEFT JOIN last_vendor AS lv ON lv.source = t.source AND lv.ticket_id = t.ticket_id
LEFT JOIN cfg_vendor AS v ON v.vendor = lv.vendor
WHERE t.cost IS NOT NULL
