-- grain: one row per value ingest set empty so that its row could load, with the batch it belonged to
SELECT
    w.batch_id,
    b.source,
    b.file,
    b.finished_at,
    w.sheet,
    w.row_number,
    w.column_name,
    w.value,
    w.reason
FROM stg_ingest_warning AS w
LEFT JOIN stg_ingest_batch AS b ON b.batch_id = w.batch_id
