-- grain: one row per level, priority, team, clock state, reading and rank of an end of the breach forecast's counting intervals, summed over every stretch of fct_clock_reach
--
-- kpi_dispatch's counts (DESIGN §7a) are running sums over the ends of intervals of clock
-- readings, each +1 where an interval starts and −1 where it ends (see the comment there).
-- Summing those ends over all 1.4 M stretches took most of kpi_dispatch's time in every
-- build (issue 14); they are summed here once, over every decided ticket whatever its
-- decision instant, and kpi_dispatch takes back the ones decided at or after its first
-- instant. Sums add up, so an incremental build takes the changed tickets' ends as the
-- last build counted them out of this table and their ends now into it (the form after
-- `-- incremental keys` below) instead of summing all of them again.
--
-- lvl 2 is team_priority (one interval per stretch its team held), 1 priority and 0 all
-- (one per ticket, from reading 0 to the highest it reached); team is NULL below lvl 2
-- and priority at lvl 0. state 'paused' is the interval of a forecast for a paused ticket.
-- rank orders ends at the same reading against a forecast there (rank 1): 0 before it, 2
-- after it. dn sums the ±1, db the same for breached tickets, ends counts the ends.
WITH reached AS (
    SELECT
        priority,
        CASE WHEN breached THEN 1 ELSE 0 END AS b,
        max(hi_seconds) AS reach_seconds,
        max(last_pause_seconds) AS last_pause_seconds
    FROM fct_clock_reach
    WHERE priority IS NOT NULL
    GROUP BY source, ticket_id, priority, breached
),

-- Each kind of end is counted per key first (1.37 M stretches give about 0.3 M keys per
-- kind), so the last GROUP BY sums 0.75 M rows instead of 4.7 M ends; the stretches are
-- read by each branch, not materialized whole (issue 14: 0.75-0.81 -> 0.66-0.67 s CPU
-- at 1M tickets).
stretches AS NOT MATERIALIZED (
    SELECT priority, team, lo_seconds, hi_seconds, breached, last_pause_seconds, is_last
    FROM fct_clock_reach
    WHERE priority IS NOT NULL AND team IS NOT NULL
),

ends AS (
    SELECT 2 AS lvl, priority, team, 'running' AS state, hi_seconds AS reading,
        CASE WHEN is_last THEN 2 ELSE 0 END AS rank, count(*) AS dn, count(*) FILTER (WHERE breached) AS db,
        count(*) AS ends
    FROM stretches
    GROUP BY ALL
    UNION ALL
    SELECT 2, priority, team, 'running', lo_seconds, 0, -count(*), -count(*) FILTER (WHERE breached), count(*)
    FROM stretches
    GROUP BY ALL
    UNION ALL
    SELECT 2, priority, team, 'paused', least(hi_seconds, last_pause_seconds),
        CASE WHEN last_pause_seconds < hi_seconds OR is_last THEN 2 ELSE 0 END,
        count(*), count(*) FILTER (WHERE breached), count(*)
    FROM stretches
    WHERE last_pause_seconds >= lo_seconds
    GROUP BY ALL
    UNION ALL
    SELECT 2, priority, team, 'paused', lo_seconds, 0, -count(*), -count(*) FILTER (WHERE breached), count(*)
    FROM stretches
    WHERE last_pause_seconds >= lo_seconds
    GROUP BY ALL
    UNION ALL
    SELECT l.lvl, CASE WHEN l.lvl = 1 THEN t.priority END, NULL, 'running', t.reading, 2, t.n, t.nb, t.n
    FROM (
        SELECT priority, reach_seconds AS reading, count(*) AS n, sum(b) AS nb FROM reached GROUP BY ALL
    ) AS t CROSS JOIN (VALUES (1), (0)) AS l(lvl)
    UNION ALL
    SELECT l.lvl, CASE WHEN l.lvl = 1 THEN t.priority END, NULL, 'paused', t.reading, 2, t.n, t.nb, t.n
    FROM (
        SELECT priority, last_pause_seconds AS reading, count(*) AS n, sum(b) AS nb FROM reached
        WHERE last_pause_seconds IS NOT NULL GROUP BY ALL
    ) AS t CROSS JOIN (VALUES (1), (0)) AS l(lvl)
)

SELECT lvl, priority, team, state, reading, rank,
    CAST(sum(dn) AS BIGINT) AS dn, CAST(sum(db) AS BIGINT) AS db, CAST(sum(ends) AS BIGINT) AS ends
FROM ends
GROUP BY ALL

-- incremental keys: lvl, priority, team, state, reading, rank
-- The rows of the keys the changed tickets' ends touch: their ends as the last build
-- counted them taken out (their rows of fct_clock_reach as it was,
-- build_old_fct_clock_reach) and their ends now put in (fct_clock_reach reads their rows
-- only here), the same ends as above, each with a sign, summed into a delta per key, and
-- the table's row at each such key summed again with it. The build deletes the table's
-- rows at those keys and inserts the rows that keep ends (keep: a row whose ends all went
-- is gone), instead of writing the whole table again (issue 14: about 40,000 keys against
-- 581,179 rows in the 1M sample's day). Keys match as GROUP BY groups them: NULL with NULL
-- (team below lvl 2, priority at lvl 0).
WITH signed AS (
    SELECT *, -1 AS sign FROM build_old_fct_clock_reach
    UNION ALL
    SELECT *, 1 AS sign FROM fct_clock_reach
),

reached AS (
    SELECT
        priority,
        sign,
        CASE WHEN breached THEN 1 ELSE 0 END AS b,
        max(hi_seconds) AS reach_seconds,
        max(last_pause_seconds) AS last_pause_seconds
    FROM signed
    WHERE priority IS NOT NULL
    GROUP BY source, ticket_id, priority, breached, sign
),

stretches AS (
    SELECT * FROM signed WHERE priority IS NOT NULL AND team IS NOT NULL
),

ends AS (
    SELECT 2 AS lvl, priority, team, 'running' AS state, hi_seconds AS reading,
        CASE WHEN is_last THEN 2 ELSE 0 END AS rank, sign AS dn, CASE WHEN breached THEN sign ELSE 0 END AS db, sign
    FROM stretches
    UNION ALL
    SELECT 2, priority, team, 'running', lo_seconds, 0, -sign, CASE WHEN breached THEN -sign ELSE 0 END, sign
    FROM stretches
    UNION ALL
    SELECT 2, priority, team, 'paused', least(hi_seconds, last_pause_seconds),
        CASE WHEN last_pause_seconds < hi_seconds OR is_last THEN 2 ELSE 0 END,
        sign, CASE WHEN breached THEN sign ELSE 0 END, sign
    FROM stretches
    WHERE last_pause_seconds >= lo_seconds
    UNION ALL
    SELECT 2, priority, team, 'paused', lo_seconds, 0, -sign, CASE WHEN breached THEN -sign ELSE 0 END, sign
    FROM stretches
    WHERE last_pause_seconds >= lo_seconds
    UNION ALL
    SELECT l.lvl, CASE WHEN l.lvl = 1 THEN t.priority END, NULL, 'running', t.reach_seconds, 2, t.sign, t.b * t.sign, t.sign
    FROM reached AS t CROSS JOIN (VALUES (1), (0)) AS l(lvl)
    UNION ALL
    SELECT l.lvl, CASE WHEN l.lvl = 1 THEN t.priority END, NULL, 'paused', t.last_pause_seconds, 2, t.sign, t.b * t.sign,
        t.sign
    FROM reached AS t CROSS JOIN (VALUES (1), (0)) AS l(lvl)
    WHERE t.last_pause_seconds IS NOT NULL
),

delta AS MATERIALIZED (
    SELECT lvl, priority, team, state, reading, rank, sum(dn) AS dn, sum(db) AS db, sum(sign) AS ends
    FROM ends
    GROUP BY ALL
)

SELECT lvl, priority, team, state, reading, rank,
    CAST(sum(dn) AS BIGINT) AS dn, CAST(sum(db) AS BIGINT) AS db, CAST(sum(ends) AS BIGINT) AS ends,
    sum(ends) <> 0 AS keep
FROM (
    SELECT lvl, priority, team, state, reading, rank, dn, db, ends FROM delta
    UNION ALL
    SELECT e.lvl, e.priority, e.team, e.state, e.reading, e.rank, e.dn, e.db, e.ends
    FROM kpi_dispatch_end AS e
    SEMI JOIN delta AS d
        ON d.lvl IS NOT DISTINCT FROM e.lvl AND d.priority IS NOT DISTINCT FROM e.priority
        AND d.team IS NOT DISTINCT FROM e.team AND d.state IS NOT DISTINCT FROM e.state
        AND d.reading IS NOT DISTINCT FROM e.reading AND d.rank IS NOT DISTINCT FROM e.rank
)
GROUP BY ALL
