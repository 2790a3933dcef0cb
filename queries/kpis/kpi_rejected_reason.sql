-- grain: one row per ingest batch, rejected column and reason, with how many rows were rejected for it
SELECT
    batch_id,
    source,
    file,
    column_name,
    reason,
    count(*) AS rows_rejected,
    min(row_number) AS first_row
FROM fct_rejected_row
GROUP BY batch_id, source, file, column_name, reason
ORDER BY batch_id, rows_rejected DESC, column_name, reason
