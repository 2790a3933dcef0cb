-- grain: one row per rejected input row and reason
--
-- sheet: the workbook sheet the row is on (row_number counts from that sheet's header);
-- NULL for CSV files, API fetches and rows stored before schema 7.
SELECT
    batch_id,
    sheet,
    row_number,
    column_name,
    value,
    reason,
    raw
FROM rejected_row
