-- grain: one row per value ingest set empty so that its row could load (unknown label, unreadable value, shifted DST-gap time)
SELECT
    batch_id,
    row_number,
    column_name,
    value,
    reason
FROM ingest_warning
