-- grain: one row per ingest batch, sheet and source column with warnings: values set empty so that their rows could load
--
-- A workbook's sheets are one batch and number their rows each from their own header:
-- rows_warned and first_row count within a sheet (sheet NULL for CSV files and API fetches).
--
-- A bad optional value (an unknown label, an unreadable date) does not cost the ticket: the
-- value is set empty, the row loads, and the problem is counted here (issue 12). A local
-- time inside the daylight-saving gap is shifted forward by the gap and counted too.
-- example_reason has the value taken out ('…') and example_value is that row's value,
-- which the monthly report lists as personal data, as kpi_rejected_reason does (a shifted
-- file puts names where dates belong).
WITH causes AS (
    SELECT *, reason_without_value(reason, value) AS cause
    FROM fct_ingest_warning
),

per_column AS (
    SELECT
        batch_id,
        source,
        file,
        sheet,
        column_name,
        count(*) AS warnings,
        count(DISTINCT row_number) AS rows_warned,
        min(row_number) AS first_row,
        min(cause) AS example_reason,
        arg_min(value, (cause, row_number)) AS example_value
    FROM causes
    GROUP BY batch_id, source, file, sheet, column_name
)
SELECT
    batch_id,
    source,
    file,
    sheet,
    column_name,
    warnings,
    rows_warned,
    first_row,
    example_reason,
    example_value
FROM per_column
ORDER BY batch_id, warnings DESC, sheet, column_name
