-- grain: one row per ingest batch and source column with warnings: values set empty so that their rows could load
--
-- A bad optional value (an unknown label, an unreadable date) does not cost the ticket: the
-- value is set empty, the row loads, and the problem is counted here (issue 12). A local
-- time inside the daylight-saving gap is shifted forward by the gap and counted too.
WITH per_column AS (
    SELECT
        batch_id,
        source,
        file,
        column_name,
        count(*) AS warnings,
        count(DISTINCT row_number) AS rows_warned,
        min(row_number) AS first_row,
        min(reason) AS example_reason
    FROM fct_ingest_warning
    GROUP BY batch_id, source, file, column_name
)
SELECT
    batch_id,
    source,
    file,
    column_name,
    warnings,
    rows_warned,
    first_row,
    example_reason
FROM per_column
ORDER BY batch_id, warnings DESC, column_name
