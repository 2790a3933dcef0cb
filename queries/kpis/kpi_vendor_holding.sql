-- grain: one row per vendor holding with a decided UC outcome (met or breached), in the local month it ended: the tickets behind kpi_vendor_by_month's holdings
--
-- The supplier follow-up's ticket list (vendors.xlsx, one sheet per vendor): each holding
-- in the vendor's own calendar (fct_vendor_segment), so each vendor's rows add up to its
-- holdings_decided, uc_met and uc_breached of the month.
SELECT
    s.outcome_month AS month,
    s.vendor,
    s.team,
    s.source,
    s.ticket_id,
    t.title,
    s.customer,
    s.priority,
    s.starts_at,
    s.ends_at,
    s.held_minutes,
    s.paused_minutes,
    s.running_minutes,
    s.uc_target_minutes,
    s.uc_outcome,
    s.uc_outcome = 'met' AS uc_met,
    s.response_minutes,
    s.response_outcome,
    s.caused_sla_breach
FROM fct_vendor_segment AS s
JOIN fct_ticket AS t ON t.source = s.source AND t.ticket_id = s.ticket_id
WHERE s.outcome_month IS NOT NULL
