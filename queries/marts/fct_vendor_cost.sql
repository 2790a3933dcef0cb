-- grain: one row per ticket with a third-party cost: the vendor it is passed through for, the markup and the amount billed
-- incremental: ticket
--
-- DESIGN §6, §7b. The cost (ticket.cost, DECIMAL(18, 2)) belongs to the vendor that last
-- held the ticket (its last vendor holding in fct_vendor_segment, vendor_basis 'holding'),
-- whose configured markup applies: billed_amount = cost × (1 + markup), computed on whole
-- öre and ten-thousandths and rounded half up to öre once (DESIGN §5a.13). A ticket with
-- no assignment segment at all (a flat export of a reassigned ticket: who held it in
-- between is unknown) is billed for the vendor of the team known to hold it last, its
-- resolving team, else its assigned team (the SLA's fallback, fct_ticket_sla), when a
-- vendor rule matches that team (vendor_basis 'last_team'); before, such tickets went out
-- at cost without the vendor's markup. No vendor: at cost, vendor NULL. Like an item it
-- is charged in the local month of the ticket's first resolution (month; NULL while
-- unresolved); a cancelled ticket is not billed (DESIGN §5a.2).
-- Third-party cost is passed through whether or not the ticket's own work is billable.
WITH last_vendor AS (
    SELECT source, ticket_id, arg_max(vendor, seq) AS vendor, arg_max(team, seq) AS team
    FROM fct_vendor_segment
    GROUP BY source, ticket_id
),

-- Tickets with no assignment segment: the team that held them last, when it is a vendor's.
flat_vendor AS (
    SELECT t.source, t.ticket_id, v.vendor, v.team
    FROM fct_ticket AS t
    JOIN dim_vendor_team AS v ON v.team = coalesce(t.resolved_by_team, t.assigned_team)
    WHERE t.cost IS NOT NULL
      AND NOT EXISTS (
        SELECT 1 FROM fct_assignment_segment AS g WHERE g.source = t.source AND g.ticket_id = t.ticket_id
    )
),

vendors AS (
    SELECT source, ticket_id, vendor, team, 'holding' AS vendor_basis FROM last_vendor
    UNION ALL
    SELECT source, ticket_id, vendor, team, 'last_team' AS vendor_basis FROM flat_vendor
)

SELECT
    t.source,
    t.ticket_id,
    t.kind,
    t.customer,
    t.cost,
    lv.vendor,
    lv.team AS vendor_team,
    lv.vendor_basis,
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
LEFT JOIN vendors AS lv ON lv.source = t.source AND lv.ticket_id = t.ticket_id
LEFT JOIN cfg_vendor AS v ON v.vendor = lv.vendor
WHERE t.cost IS NOT NULL
