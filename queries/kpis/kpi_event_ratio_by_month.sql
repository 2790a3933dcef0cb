-- grain: one row per local month in which events or incidents were opened
--
-- Event -> incident ratio (DESIGN §5): events (kind 'event', e.g. from monitoring) per
-- incident opened in the same local month; NULL when no incident was opened.
WITH counted AS (
    SELECT
        opened_month AS month,
        count(*) FILTER (WHERE kind = 'event') AS events,
        count(*) FILTER (WHERE kind = 'incident') AS incidents
    FROM fct_ticket_flow
    WHERE kind IN ('event', 'incident')
    GROUP BY opened_month
)

SELECT
    month,
    events,
    incidents,
    CAST(events AS DOUBLE) / nullif(incidents, 0) AS events_per_incident
FROM counted
ORDER BY month
