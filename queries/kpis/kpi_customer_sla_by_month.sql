-- grain: one row per local month, billed customer, scope and priority with SLA outcomes
--
-- SLA compliance per priority against its target for the customer's own and shared
-- tickets, with the outcome rules of kpi_sla_by_customer_month (DESIGN §5: a ticket's
-- outcome belongs to the local month of its breach instant, else of its resolution;
-- only kinds in SLA scope). The own rows of a customer add up to that customer's row of
-- kpi_sla_by_customer_month, the shared rows to the shared customer's row.
-- target_minutes: the priority's resolution target in business minutes.
WITH counted AS (
    SELECT
        sla_outcome_month AS month,
        customer,
        scope,
        sla_priority AS priority,
        count(*) FILTER (WHERE sla_outcome = 'met') AS met,
        count(*) FILTER (WHERE sla_outcome = 'breached') AS breached,
        count(*) FILTER (WHERE sla_outcome = 'breached_open') AS breached_open,
        max(sla_target_minutes) AS target_minutes
    FROM kpi_customer_ticket
    WHERE sla_outcome_month IS NOT NULL
    GROUP BY sla_outcome_month, customer, scope, sla_priority
)

SELECT
    c.month,
    c.customer,
    c.scope,
    c.priority,
    c.met,
    c.breached,
    c.breached_open,
    CAST(c.met AS DOUBLE) / nullif(c.met + c.breached + c.breached_open, 0) AS compliance,
    c.target_minutes,
    t.target,
    t.higher_is_better
FROM counted AS c
LEFT JOIN cfg_kpi_target AS t ON t.kpi = 'sla'
