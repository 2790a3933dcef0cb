-- grain: one row per value ingest set empty so that its row could load (unknown label, unreadable value, shifted DST-gap time)
--
-- sheet: the workbook sheet the row is on (row_number counts from that sheet's header);
-- NULL for CSV files, API fetches and rows stored before schema 7.
SELECT
    batch_id,
    sheet,
    row_number,
    column_name,
    value,
    reason
FROM ingest_warning
