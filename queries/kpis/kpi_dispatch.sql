-- grain: one row per as-of instant (cfg_dispatch_as_of) and ticket in SLA scope open at it: its clock, deadline and forecast probability of breach
--
-- The Dispatcher's list (DESIGN §7a). At instant X a ticket is open when the status
-- interval holding X is running or paused (a ticket still open when the model was built
-- stays open after it). used = running business time up to X, paused = paused business
-- time up to X, left = target − used (negative once breached). deadline_at: the instant
-- the target runs out if the clock keeps running from X (the calendar's deadline of the
-- time left); once breached, the instant it ran out. pct_used = used / target (the naive
-- forecast, capped at 1 in the backtest).
--
-- breach_probability: among past tickets (fct_clock_reach: decided before X) whose clock
-- reached e = used while their team was the ticket's team at X, of its priority, the
-- share that ended breached. Conditioned on the state at X: a running ticket is compared
-- with every past ticket whose clock reached e, a paused one with those that also entered
-- a pause having used at least e. Levels: team_priority, else priority, else all, the
-- first with at least cfg_dispatch.min_sample tickets; too_few (no probability) when even
-- all has fewer; breached (probability 1) when used > target. sample_size is the level's n.
WITH build AS (
    SELECT sla_calendar FROM cfg_build
),

clock AS (
    SELECT span_start, span_end, before_seconds
    FROM calendar_span
    WHERE calendar = (SELECT sla_calendar FROM build)
),

instants AS (
    SELECT DISTINCT as_of FROM cfg_dispatch_as_of
),

instant_clock AS (
    SELECT
        n.as_of,
        coalesce(c.before_seconds + epoch(least(n.as_of, c.span_end)) - epoch(c.span_start), 0) AS as_of_clock
    FROM instants AS n
    ASOF LEFT JOIN clock AS c ON n.as_of >= c.span_start
),

readings AS (
    SELECT
        i.source,
        i.ticket_id,
        i.seq,
        i.clock,
        i.starts_at,
        -- The last interval of a ticket still open when the model was built goes on.
        CASE
            WHEN i.clock IN ('running', 'paused') AND i.seq = max(i.seq) OVER t THEN TIMESTAMP '9999-12-31'
            ELSE i.ends_at
        END AS open_until,
        i.start_clock,
        i.business_seconds,
        coalesce(sum(CASE WHEN i.clock = 'running' THEN i.business_seconds ELSE 0 END) OVER before, 0)
            AS running_before,
        coalesce(sum(CASE WHEN i.clock = 'paused' THEN i.business_seconds ELSE 0 END) OVER before, 0)
            AS paused_before
    FROM fct_status_interval AS i
    WINDOW
        t AS (PARTITION BY i.source, i.ticket_id),
        before AS (PARTITION BY i.source, i.ticket_id ORDER BY i.seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
),

-- The interval each ticket is in at each instant, when it is open then.
current_state AS (
    SELECT
        n.as_of,
        n.as_of_clock,
        r.source,
        r.ticket_id,
        r.clock AS state,
        r.running_before + CASE WHEN r.clock = 'running' THEN n.as_of_clock - r.start_clock ELSE 0 END
            AS used_seconds,
        r.paused_before + CASE WHEN r.clock = 'paused' THEN n.as_of_clock - r.start_clock ELSE 0 END
            AS paused_seconds
    FROM instant_clock AS n
    JOIN readings AS r ON r.starts_at <= n.as_of AND n.as_of < r.open_until
    WHERE r.clock IN ('running', 'paused')
),

segments AS (
    SELECT
        source,
        ticket_id,
        team,
        line,
        starts_at,
        CASE WHEN is_last THEN TIMESTAMP '9999-12-31' ELSE ends_at END AS held_until
    FROM fct_assignment_segment
),

open_tickets AS (
    SELECT
        c.*,
        s.priority,
        s.customer,
        s.target_minutes,
        t.title,
        coalesce(g.team, t.assigned_team) AS team,
        coalesce(g.line, d.line) AS team_line,
        s.target_minutes IS NOT NULL AND c.used_seconds > s.target_minutes * 60 AS breached_now
    FROM current_state AS c
    JOIN fct_ticket_sla AS s ON s.source = c.source AND s.ticket_id = c.ticket_id
    JOIN fct_ticket AS t ON t.source = c.source AND t.ticket_id = c.ticket_id
    LEFT JOIN segments AS g
        ON g.source = c.source AND g.ticket_id = c.ticket_id AND g.starts_at <= c.as_of AND c.as_of < g.held_until
    LEFT JOIN dim_team AS d ON d.team = t.assigned_team
),

-- Past tickets decided before each instant, with the highest reading their clock reached
-- (`reach_seconds`) and at which they paused (`last_pause_seconds`): such a ticket reached
-- every e up to reach_seconds, and paused having used e for every e up to
-- last_pause_seconds.
reach AS (
    SELECT
        source,
        ticket_id,
        priority,
        breached,
        decided_at,
        max(hi_seconds) AS reach_seconds,
        max(last_pause_seconds) AS last_pause_seconds
    FROM fct_clock_reach
    GROUP BY source, ticket_id, priority, breached, decided_at
),

known AS (
    SELECT n.as_of, 'running' AS state, r.priority, r.reach_seconds AS reading, r.breached
    FROM instants AS n
    JOIN reach AS r ON r.decided_at < n.as_of
    UNION ALL
    SELECT n.as_of, 'paused' AS state, r.priority, r.last_pause_seconds AS reading, r.breached
    FROM instants AS n
    JOIN reach AS r ON r.decided_at < n.as_of
    WHERE r.last_pause_seconds IS NOT NULL
),

-- For each reading, how many known tickets (and breached ones) reached at least it: a
-- running count from the top, so the counts for e are those of the smallest reading >= e
-- (an ASOF join), not a scan of every past ticket per open one.
at_least_priority AS (
    SELECT
        as_of,
        state,
        priority,
        reading,
        count(*) OVER w AS n,
        sum(CASE WHEN breached THEN 1 ELSE 0 END) OVER w AS b
    FROM known
    WINDOW w AS (PARTITION BY as_of, state, priority ORDER BY reading DESC RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),

at_least_all AS (
    SELECT
        as_of,
        state,
        reading,
        count(*) OVER w AS n,
        sum(CASE WHEN breached THEN 1 ELSE 0 END) OVER w AS b
    FROM known
    WINDOW w AS (PARTITION BY as_of, state ORDER BY reading DESC RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),

forecastable AS (
    SELECT * FROM open_tickets WHERE NOT breached_now AND target_minutes IS NOT NULL
),

-- Team and priority: the past ticket's stretch at reading e must be the team's.
reached_team AS (
    SELECT
        o.as_of,
        o.source,
        o.ticket_id,
        count(*) AS n_team_priority,
        count(*) FILTER (WHERE p.breached) AS breached_team_priority
    FROM forecastable AS o
    JOIN fct_clock_reach AS p
        ON p.priority = o.priority AND p.team = o.team
        AND p.lo_seconds <= o.used_seconds AND o.used_seconds <= p.hi_seconds AND p.decided_at < o.as_of
    WHERE (o.used_seconds < p.hi_seconds OR p.is_last)
      AND (o.state = 'running' OR p.last_pause_seconds >= o.used_seconds)
    GROUP BY o.as_of, o.source, o.ticket_id
),

reached AS (
    SELECT
        o.as_of,
        o.source,
        o.ticket_id,
        t.n_team_priority,
        t.breached_team_priority,
        coalesce(ap.n, 0) AS n_priority,
        ap.b AS breached_priority,
        coalesce(aa.n, 0) AS n_all,
        aa.b AS breached_all
    FROM forecastable AS o
    LEFT JOIN reached_team AS t ON t.as_of = o.as_of AND t.source = o.source AND t.ticket_id = o.ticket_id
    ASOF LEFT JOIN at_least_priority AS ap
        ON ap.as_of = o.as_of AND ap.state = o.state AND ap.priority = o.priority AND o.used_seconds <= ap.reading
    ASOF LEFT JOIN at_least_all AS aa
        ON aa.as_of = o.as_of AND aa.state = o.state AND o.used_seconds <= aa.reading
),

levelled AS (
    SELECT
        o.*,
        coalesce(r.n_team_priority, 0) AS n_team_priority,
        coalesce(r.n_priority, 0) AS n_priority,
        coalesce(r.n_all, 0) AS n_all,
        r.breached_team_priority,
        r.breached_priority,
        r.breached_all,
        CASE
            WHEN o.target_minutes IS NULL THEN 'no_target'
            WHEN o.breached_now THEN 'breached'
            WHEN coalesce(r.n_team_priority, 0) >= m.min_sample THEN 'team_priority'
            WHEN coalesce(r.n_priority, 0) >= m.min_sample THEN 'priority'
            WHEN coalesce(r.n_all, 0) >= m.min_sample THEN 'all'
            ELSE 'too_few'
        END AS forecast_level
    FROM open_tickets AS o
    LEFT JOIN reached AS r ON r.as_of = o.as_of AND r.source = o.source AND r.ticket_id = o.ticket_id
    CROSS JOIN cfg_dispatch AS m
),

-- The clock reading at which the target runs (or ran) out, and its instant.
budget AS (
    SELECT
        l.as_of,
        l.source,
        l.ticket_id,
        CASE
            WHEN NOT l.breached_now THEN l.as_of_clock + (l.target_minutes * 60 - l.used_seconds)
            ELSE (
                SELECT min(r.start_clock + (l.target_minutes * 60 - r.running_before))
                FROM readings AS r
                WHERE r.source = l.source AND r.ticket_id = l.ticket_id AND r.clock = 'running'
                  AND r.starts_at <= l.as_of
                  AND r.running_before < l.target_minutes * 60
                  AND l.target_minutes * 60 <= r.running_before + least(r.business_seconds, l.as_of_clock - r.start_clock)
            )
        END AS budget_clock
    FROM levelled AS l
    WHERE l.target_minutes IS NOT NULL
),

deadline AS (
    SELECT
        b.as_of,
        b.source,
        b.ticket_id,
        c.span_start + to_microseconds(CAST(round((b.budget_clock - c.before_seconds) * 1000000) AS BIGINT))
            AS deadline_at
    FROM budget AS b
    ASOF JOIN clock AS c ON b.budget_clock > c.before_seconds
)

SELECT
    l.as_of,
    l.source,
    l.ticket_id,
    l.title,
    l.customer,
    l.team,
    l.team_line,
    l.priority,
    l.state,
    l.target_minutes,
    l.used_seconds / 60 AS used_minutes,
    l.paused_seconds / 60 AS paused_minutes,
    l.target_minutes - l.used_seconds / 60 AS left_minutes,
    d.deadline_at,
    l.used_seconds / 60 / l.target_minutes AS pct_used,
    CASE l.forecast_level
        WHEN 'breached' THEN 1.0
        WHEN 'team_priority' THEN l.breached_team_priority / l.n_team_priority
        WHEN 'priority' THEN l.breached_priority / l.n_priority
        WHEN 'all' THEN l.breached_all / l.n_all
    END AS breach_probability,
    l.forecast_level,
    CASE l.forecast_level
        WHEN 'team_priority' THEN l.n_team_priority
        WHEN 'priority' THEN l.n_priority
        WHEN 'all' THEN l.n_all
        WHEN 'too_few' THEN l.n_all
    END AS sample_size,
    l.n_team_priority,
    l.n_priority,
    l.n_all
FROM levelled AS l
LEFT JOIN deadline AS d ON d.as_of = l.as_of AND d.source = l.source AND d.ticket_id = l.ticket_id
