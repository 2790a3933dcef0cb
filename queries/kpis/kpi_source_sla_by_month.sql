-- grain: one row per local month with tickets that carry the source tool's own SLA verdict: its compliance beside ours on the same tickets
--
-- source_compliance = share of these tickets the source tool says made their SLA
-- (ServiceNow's made_sla); our_compliance = met / (met + breached + breached_open) of the
-- same tickets under DESIGN §4; agreement = share where the two verdicts agree. Each
-- ticket counts in the month of our outcome.
SELECT
    month,
    count(*) AS tickets,
    count(*) FILTER (WHERE source_sla_met) AS source_met,
    count(*) FILTER (WHERE our_sla_met) AS our_met,
    CAST(count(*) FILTER (WHERE source_sla_met) AS DOUBLE) / count(*) AS source_compliance,
    CAST(count(*) FILTER (WHERE our_sla_met) AS DOUBLE) / count(*) AS our_compliance,
    CAST(count(*) FILTER (WHERE source_sla_met = our_sla_met) AS DOUBLE) / count(*) AS agreement
FROM fct_source_sla
GROUP BY month
ORDER BY month
