-- grain: one row per rejected input row and reason, with the batch it belonged to
SELECT
    r.batch_id,
    b.source,
    b.file,
    r.sheet,
    r.row_number,
    r.column_name,
    r.value,
    r.reason,
    r.raw
FROM stg_rejected_row AS r
LEFT JOIN stg_ingest_batch AS b ON b.batch_id = r.batch_id
