-- grain: one row per rejected input row and reason
SELECT
    batch_id,
    row_number,
    column_name,
    value,
    reason,
    raw
FROM rejected_row
