-- grain: one row per stretch [lo_seconds, hi_seconds) of a decided ticket's running SLA clock in which one team held it (the breach forecast's history)
-- incremental: ticket
--
-- DESIGN §7a: the forecast for an open ticket that has used e business seconds asks which
-- past tickets had used at least e, who held them when their clock reached e, whether
-- they were paused again having used e, and how they ended. A ticket's running clock
-- readings (business seconds of running time since opening) are cut here into stretches
-- by its running status intervals and its assignment segments, so "the clock reached e
-- while team T held it" is `lo_seconds <= e < hi_seconds` (or `e = hi_seconds` on the
-- ticket's last stretch) on exactly one row per ticket (the stretches of a ticket never
-- overlap; team is NULL where no holder is known).
--
-- Only decided tickets are here (met, breached, breached_open with a target), with the
-- instant their outcome was decided (`decided_at`: the resolution when met, the breach
-- instant when breached), so a forecast at instant X reads only rows decided before X.
-- Nothing after the decision is kept: a breached ticket's stretches end at its target and
-- `last_pause_seconds` (the highest clock reading at which it entered a pause status)
-- counts pauses begun before the decision only.
WITH build AS (
    SELECT sla_calendar FROM cfg_build
),

-- The SLA calendar's hours (the clock reading of an instant, see queries/macros.sql). A
-- table of its own, so DuckDB sees it as the small side of both joins below (joined as
-- calendar_hour with the calendar in the condition, it put the 1.4 M pieces on the hash
-- table's side of the first one: issue 14).
sla_hour AS (
    SELECT hour, before_seconds, open_mask
    FROM calendar_hour
    SEMI JOIN build AS b ON calendar = b.sla_calendar
),

decided AS (
    SELECT
        source,
        ticket_id,
        priority,
        target_minutes,
        outcome IN ('breached', 'breached_open') AS breached,
        CASE WHEN outcome = 'met' THEN resolved_at ELSE breach_at END AS decided_at
    FROM fct_ticket_sla
    WHERE outcome IN ('met', 'breached', 'breached_open') AND target_minutes IS NOT NULL
),

readings AS (
    SELECT
        i.source,
        i.ticket_id,
        i.clock,
        i.starts_at,
        i.ends_at,
        i.start_clock,
        i.business_seconds,
        -- Carried for running and paused below, which joined `decided` again for it.
        d.decided_at,
        coalesce(sum(CASE WHEN i.clock = 'running' THEN i.business_seconds ELSE 0 END) OVER (
            PARTITION BY i.source, i.ticket_id ORDER BY i.seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
        ), 0) AS reading_before
    FROM fct_status_interval AS i
    JOIN decided AS d ON d.source = i.source AND d.ticket_id = i.ticket_id
    -- Only the rows read below; the others add nothing to a running sum (issue 14: the
    -- window over all 2.4 M intervals of decided tickets cost about twice as much).
    WHERE i.clock = 'running' OR (i.clock = 'paused' AND i.starts_at < i.ends_at)
),

running AS (
    SELECT r.*
    FROM readings AS r
    WHERE r.clock = 'running' AND r.business_seconds > 0 AND r.starts_at < r.decided_at
),

paused AS (
    SELECT r.source, r.ticket_id, max(r.reading_before) AS last_pause_seconds
    FROM readings AS r
    WHERE r.clock = 'paused' AND r.starts_at < r.ends_at AND r.starts_at < r.decided_at
    GROUP BY r.source, r.ticket_id
),

-- Each running interval cut by the segments of the teams that held the ticket in it.
split AS (
    SELECT
        r.source,
        r.ticket_id,
        g.team,
        r.start_clock,
        r.reading_before,
        greatest(r.starts_at, coalesce(g.starts_at, r.starts_at)) AS piece_start,
        least(r.ends_at, coalesce(g.ends_at, r.ends_at)) AS piece_end
    FROM running AS r
    LEFT JOIN fct_assignment_segment AS g
        ON g.source = r.source AND g.ticket_id = r.ticket_id
        AND g.starts_at < r.ends_at AND g.ends_at > r.starts_at
),

clocked AS (
    SELECT
        s.source,
        s.ticket_id,
        s.team,
        s.reading_before
            + coalesce(business_clock(cs.hour, cs.before_seconds, cs.open_mask, s.piece_start), 0)
            - s.start_clock AS lo_seconds,
        s.reading_before
            + coalesce(business_clock(ce.hour, ce.before_seconds, ce.open_mask, s.piece_end), 0)
            - s.start_clock AS hi_seconds
    FROM split AS s
    LEFT JOIN sla_hour AS cs ON cs.hour = clock_hour(s.piece_start)
    LEFT JOIN sla_hour AS ce ON ce.hour = clock_hour(s.piece_end)
),

pieces AS (
    SELECT
        c.source,
        c.ticket_id,
        d.priority,
        c.team,
        c.lo_seconds,
        CASE WHEN d.breached THEN least(c.hi_seconds, d.target_minutes * 60) ELSE c.hi_seconds END AS hi_seconds,
        d.breached,
        d.decided_at,
        p.last_pause_seconds
    FROM clocked AS c
    JOIN decided AS d ON d.source = c.source AND d.ticket_id = c.ticket_id
    LEFT JOIN paused AS p ON p.source = c.source AND p.ticket_id = c.ticket_id
),

kept AS (
    SELECT * FROM pieces WHERE lo_seconds < hi_seconds
),

-- Each ticket's highest reading, grouped and joined back rather than a window over the
-- ticket (a sort of all 1.4 M stretches by their text keys; issue 14).
last_reading AS (
    SELECT source, ticket_id, max(lo_seconds) AS lo_seconds
    FROM kept
    GROUP BY source, ticket_id
)

-- is_last: the stretch ending at the highest reading the ticket reached before its
-- decision, which counts its end too ("had used at least e" includes a ticket that used
-- exactly e).
SELECT
    k.*,
    k.lo_seconds = l.lo_seconds AS is_last
FROM kept AS k
JOIN last_reading AS l ON l.source = k.source AND l.ticket_id = k.ticket_id
