-- Tickets whose teams' running time (fct_assignment_segment) differs from the SLA clock's
-- elapsed time (fct_ticket_clock), among tickets whose segments cover their whole life.
WITH covered AS (
    SELECT g.source, g.ticket_id, sum(g.running_minutes) AS running_minutes
    FROM fct_assignment_segment AS g
    JOIN fct_ticket AS t ON t.source = g.source AND t.ticket_id = g.ticket_id
    GROUP BY g.source, g.ticket_id
    HAVING min(g.starts_at) = min(t.opened_at)
)
SELECT c.source, c.ticket_id, c.running_minutes, k.elapsed_minutes
FROM covered AS c
JOIN fct_ticket_clock AS k ON k.source = c.source AND k.ticket_id = c.ticket_id
WHERE abs(c.running_minutes - k.elapsed_minutes) > 0.001
