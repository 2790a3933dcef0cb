-- Macros every model may use; `itsm build` runs this file first (CREATE OR REPLACE, so
-- the database keeps them and a model pasted into a DuckDB shell on it still runs).
--
-- The business clock (DESIGN §4): business seconds of a calendar from its first span up
-- to instant t. `calendar_hour` has one row per calendar and UTC hour with the business
-- seconds before the hour and a bit per open minute, so a model reads the clock with an
-- equi-join on the hour instead of an ASOF join per instant (issue 14):
--
--     LEFT JOIN calendar_hour AS h ON h.calendar = … AND h.hour = clock_hour(t)
--     … coalesce(business_clock(h.hour, h.before_seconds, h.open_mask, t), 0) …
--
-- It equals `before_seconds + epoch(least(t, span_end)) - epoch(span_start)` of the last
-- calendar_span starting at or before t (a unit test compares the two on every minute
-- boundary of a year and on random instants).

-- Hours since the epoch, rounded down (also before 1970).
CREATE OR REPLACE MACRO clock_hour(t) AS
    (epoch_us(t) - ((epoch_us(t) % 3600000000) + 3600000000) % 3600000000) // 3600000000;

-- Business seconds up to t, given the calendar_hour row of t's hour: the seconds before
-- the hour, a minute for each open minute of the hour before t's minute, and t's seconds
-- into its minute when that minute is open.
CREATE OR REPLACE MACRO business_clock(hour, before_seconds, open_mask, t) AS
    before_seconds
    + 60 * CAST(bit_count(open_mask & ((CAST(1 AS BIGINT) << CAST((epoch_us(t) - hour * 3600000000) // 60000000 AS INTEGER)) - 1)) AS BIGINT)
    + CASE
        WHEN (open_mask >> CAST((epoch_us(t) - hour * 3600000000) // 60000000 AS INTEGER)) & 1 = 1
            THEN ((epoch_us(t) - hour * 3600000000) % 60000000) / 1000000
        ELSE 0
    END;

-- The local day or month of t, given the local_hour row of t's hour (joined on
-- `clock_hour(t)`): the row's own, or the next one from `switch_at` on, when a local day
-- starts inside that UTC hour. Equals the ASOF join on local_day.day_start.
CREATE OR REPLACE MACRO local_pick(current, next, switch_at, t) AS
    CASE WHEN t >= switch_at THEN next ELSE current END;

-- A repeat key's parts (DESIGN §5): the incident's fields that `fields` names (the
-- lower-case names of cfg_kpi.repeat_key), in that order. fct_repeat_incident and its
-- incremental form key incidents with it.
CREATE OR REPLACE MACRO repeat_key_parts(fields, ci, category, service, customer, title) AS
    list_transform(
        fields,
        lambda f: CASE f
            WHEN 'ci' THEN ci
            WHEN 'category' THEN category
            WHEN 'service' THEN service
            WHEN 'customer' THEN customer
            WHEN 'title' THEN title
        END
    );

-- A load message (rejected_row.reason, ingest_warning.reason) with the offending cell's
-- value, as it was and trimmed, replaced by '…' where it stands quoted: what the monthly
-- report counts rows by and shows (kpi_rejected_reason, kpi_ingest_warning), while the
-- value itself is shown as personal data, apart.
CREATE OR REPLACE MACRO reason_without_value(reason, value) AS
    CASE
        WHEN value IS NULL OR trim(value) = '' THEN reason
        ELSE replace(replace(reason, '''' || value || '''', '''…'''), '''' || trim(value) || '''', '''…''')
    END;
