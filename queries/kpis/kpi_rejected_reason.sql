-- grain: one row per ingest batch, sheet, rejected column and reason, with how many rows were rejected for it
--
-- A workbook's sheets are one batch and number their rows each from their own header, so
-- first_row names a row only with its sheet (NULL for CSV files and API fetches).
--
-- The reason is the row's with the offending value taken out ('…'): a column's rows
-- rejected for one cause count on one row whatever their values, and the monthly report,
-- which pseudonymises personal data by default, prints no cell text of the file in it (a
-- file whose columns are shifted puts names where dates belong). The first such row's
-- value is example_value, which the report lists as personal data (a pseudonym unless
-- --show-personal-data); rejected_row keeps every value and reason as they were.
WITH causes AS (
    SELECT *, reason_without_value(reason, value) AS cause
    FROM fct_rejected_row
)

SELECT
    batch_id,
    source,
    file,
    sheet,
    column_name,
    cause AS reason,
    count(*) AS rows_rejected,
    min(row_number) AS first_row,
    arg_min(value, row_number) AS example_value
FROM causes
GROUP BY batch_id, source, file, sheet, column_name, cause
ORDER BY batch_id, rows_rejected DESC, sheet, column_name, reason
