-- Batches that derive history (snapshot exports, event logs) whose history was lost: fewer
-- events staged than the status and team changes in the rows, or not one event for any of
-- the tickets the batch wrote (a ticket's first snapshot always carries its status).
-- Without this check such a load looked healthy while every SLA figure silently came from
-- the flat-row fallback (issue 12). Batches loaded before schema 3 recorded no counts; for
-- them the servicenow-audit profile or an event log marks a deriving batch.
WITH deriving AS (
    SELECT batch_id, source, file, file_kind, status_changes, events_staged
    FROM ingest_batch
    WHERE status_changes IS NOT NULL OR file_kind = 'eventlog' OR profile = 'servicenow-audit'
),
written AS (
    SELECT
        d.batch_id,
        count(*) AS tickets,
        count(*) FILTER (
            WHERE NOT EXISTS (SELECT 1 FROM ticket_event AS e WHERE e.source = t.source AND e.ticket_id = t.ticket_id)
        ) AS tickets_without_history
    FROM deriving AS d
    JOIN ticket AS t ON t.batch_id = d.batch_id AND t.source = d.source
    GROUP BY d.batch_id
)
SELECT
    d.batch_id,
    d.source,
    d.file,
    d.file_kind,
    d.status_changes,
    d.events_staged,
    w.tickets,
    w.tickets_without_history
FROM deriving AS d
LEFT JOIN written AS w ON w.batch_id = d.batch_id
WHERE (w.tickets > 0 AND w.tickets_without_history = w.tickets)
   OR (d.status_changes IS NOT NULL AND d.events_staged IS DISTINCT FROM d.status_changes)
