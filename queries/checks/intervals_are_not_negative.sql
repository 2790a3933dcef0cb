-- Status intervals or team holdings that end before they start, or with negative business time.
SELECT 'fct_status_interval' AS model, source, ticket_id, seq, starts_at, ends_at, business_seconds / 60 AS minutes
FROM fct_status_interval
WHERE ends_at < starts_at OR business_seconds < 0
UNION ALL
SELECT 'fct_assignment_segment', source, ticket_id, seq, starts_at, ends_at, held_minutes
FROM fct_assignment_segment
WHERE ends_at < starts_at OR held_minutes < 0 OR running_minutes < -0.001
