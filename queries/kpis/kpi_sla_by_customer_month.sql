-- grain: one row per local month and customer with SLA outcomes
--
-- SLA compliance (DESIGN §5) = met / (met + breached + breached_open), from
-- fct_ticket_sla. Each ticket's outcome belongs to one local month: of its breach
-- instant if it breached (resolved yet or not: breached / breached_open), else of its
-- resolution (met). Open tickets not yet past target, cancelled tickets and tickets
-- without a target count nowhere. Only kinds in SLA scope (default incidents).
-- Per customer organisation; a NULL customer is its own row.
WITH counted AS (
    SELECT
        outcome_month AS month,
        customer,
        count(*) FILTER (WHERE outcome = 'met') AS met,
        count(*) FILTER (WHERE outcome = 'breached') AS breached,
        count(*) FILTER (WHERE outcome = 'breached_open') AS breached_open
    FROM fct_ticket_sla
    WHERE outcome_month IS NOT NULL
    GROUP BY outcome_month, customer
)

SELECT
    c.month,
    c.customer,
    c.met,
    c.breached,
    c.breached_open,
    CAST(c.met AS DOUBLE) / nullif(c.met + c.breached + c.breached_open, 0) AS compliance,
    t.target,
    t.higher_is_better
FROM counted AS c
LEFT JOIN cfg_kpi_target AS t ON t.kpi = 'sla'
ORDER BY c.month, c.customer
