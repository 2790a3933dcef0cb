-- grain: one row per ingest batch (one file loaded in one transaction)
SELECT
    batch_id,
    source,
    profile,
    file,
    file_kind,
    sha256,
    rows_read,
    rows_loaded,
    rows_rejected,
    rows_new,
    rows_updated,
    started_at,
    finished_at,
    tool_version
FROM ingest_batch
