-- grain: one row per ticket: the fields a source tool carries beyond the canonical model (its own SLA verdict, close code, subcategory, location, the change that caused it)
-- incremental: ticket
SELECT
    source,
    ticket_id,
    source_sla_met,
    closed_code,
    subcategory,
    location,
    caused_by
FROM ticket
