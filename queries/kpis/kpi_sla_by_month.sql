-- grain: one row per local month with SLA outcomes (the whole organisation)
--
-- SLA compliance (DESIGN §5) = met / (met + breached + breached_open), from
-- fct_ticket_sla. Each ticket's outcome belongs to one local month: of its breach
-- instant if it breached (resolved yet or not: breached / breached_open), else of its
-- resolution (met). Open tickets not yet past target, cancelled tickets and tickets
-- without a target count nowhere. Only kinds in SLA scope (default incidents).
-- What the month's outcomes rest on (DESIGN §5a), counted among them: flat_fallback
-- (clock from the ticket row, no status history), status_timestamp_conflict,
-- resolution_inferred and history_closed_by_row (fct_ticket_clock.repair), and
-- breach_team_fallback (breaches whose team is the resolving team because no assignment
-- history said who held the ticket).
WITH counted AS (
    SELECT
        outcome_month AS month,
        count(*) FILTER (WHERE outcome = 'met') AS met,
        count(*) FILTER (WHERE outcome = 'breached') AS breached,
        count(*) FILTER (WHERE outcome = 'breached_open') AS breached_open,
        count(*) FILTER (WHERE outcome IN ('met', 'breached', 'breached_open') AND basis = 'flat') AS flat_fallback,
        count(*) FILTER (WHERE outcome IN ('met', 'breached', 'breached_open') AND repair = 'status_timestamp_conflict')
            AS status_timestamp_conflict,
        count(*) FILTER (WHERE outcome IN ('met', 'breached', 'breached_open') AND repair = 'resolution_inferred')
            AS resolution_inferred,
        count(*) FILTER (WHERE outcome IN ('met', 'breached', 'breached_open') AND repair = 'history_closed_by_row')
            AS history_closed_by_row,
        count(*) FILTER (WHERE breach_team_basis = 'fallback') AS breach_team_fallback
    FROM fct_ticket_sla
    WHERE outcome_month IS NOT NULL
    GROUP BY outcome_month
)

SELECT
    c.month,
    c.met,
    c.breached,
    c.breached_open,
    c.met + c.breached + c.breached_open AS outcomes,
    CAST(c.met AS DOUBLE) / nullif(c.met + c.breached + c.breached_open, 0) AS compliance,
    c.flat_fallback,
    c.status_timestamp_conflict,
    c.resolution_inferred,
    c.history_closed_by_row,
    c.breach_team_fallback,
    t.target,
    t.higher_is_better
FROM counted AS c
LEFT JOIN cfg_kpi_target AS t ON t.kpi = 'sla'
ORDER BY c.month
