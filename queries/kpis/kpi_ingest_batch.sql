-- grain: one row per ingest batch: what was read, loaded and rejected, and when (local month of the load)
--
-- Every figure rests on these loads: rows read = loaded + rejected for each file, and the
-- rejected rows are kept with their reasons (kpi_rejected_reason).
SELECT
    b.batch_id,
    b.source,
    b.file,
    b.file_kind,
    b.finished_at,
    d.month,
    b.rows_read,
    b.rows_loaded,
    b.rows_rejected,
    b.rows_new,
    b.rows_updated
FROM dim_ingest_batch AS b
ASOF LEFT JOIN local_day AS d ON b.finished_at >= d.day_start
ORDER BY b.batch_id
