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

-- Only tickets with an interval around the instants can be open at one: the running
-- sums below need their whole history, not every ticket's.
candidates AS (
    SELECT DISTINCT source, ticket_id
    FROM fct_status_interval
    WHERE starts_at <= (SELECT max(as_of) FROM instants)
      AND (ends_at IS NULL OR ends_at > (SELECT min(as_of) FROM instants) OR ends_at >= (SELECT as_of FROM cfg_build))
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
    SEMI JOIN candidates AS c ON c.source = i.source AND c.ticket_id = i.ticket_id
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

forecastable AS (
    SELECT * FROM open_tickets WHERE NOT breached_now AND target_minutes IS NOT NULL
),

-- The counts behind the forecast. A past ticket is known at an instant once it was
-- decided before it; at reading e it counts for a forecast when e lies in its interval:
-- for the team_priority level the stretch [lo, hi) of fct_clock_reach its team held
-- ([lo, hi] on its last stretch), for the priority and all levels [0, reach] (reach: the
-- highest reading it reached); for a paused ticket the interval also ends at the reading
-- it last paused at (last_pause_seconds, inclusive). Counting intervals that hold e is a
-- running sum, over the intervals sorted by reading, of +1 where one starts and −1 where
-- one ends: a forecast row placed among them reads the count. Ties: starts and exclusive
-- ends sort before a forecast at the same reading (rank 0), inclusive ends after it
-- (rank 2).
--
-- The instants (many in a backtest) share the work through a Fenwick tree over them:
-- instant j has index j; a past ticket whose first instant to know it is k counts in the
-- nodes n with n − lowbit(n) < k <= n, and instant j reads the nodes n with
-- n <= j < n + lowbit(n), which together hold exactly the tickets with k <= j. Tickets
-- known at the first instant (all history before a backtest) go to node 0, read by all.
-- So each ticket and each forecast row appears in a handful of nodes, not once per
-- instant.
numbered AS (
    SELECT as_of, CAST(row_number() OVER (ORDER BY as_of) AS BIGINT) AS j FROM instants
),

nodes AS (
    SELECT j AS node, j & -j AS low FROM numbered
),

known_in AS (
    SELECT 1 AS k, 0 AS node
    UNION ALL
    SELECT i.j AS k, n.node
    FROM numbered AS i
    JOIN nodes AS n ON n.node - n.low < i.j AND i.j <= n.node
    WHERE i.j >= 2
),

read_from AS (
    SELECT j, 0 AS node FROM numbered
    UNION ALL
    SELECT i.j, n.node
    FROM numbered AS i
    JOIN nodes AS n ON n.node <= i.j AND i.j < n.node + n.low
),

-- The ends of every decided ticket's intervals come summed from kpi_dispatch_end, at node 0
-- (known at every instant); the stretches decided at or after the first instant are taken
-- back out of node 0 and put in at the nodes of the first instant after their decision
-- (none in a build, where the one instant is the build's as-of: kpi_dispatch_end's sums
-- are then node 0 as they are).
later AS (
    SELECT p.*, i.j AS k
    FROM fct_clock_reach AS p
    ASOF LEFT JOIN numbered AS i ON p.decided_at < i.as_of
    WHERE p.decided_at >= (SELECT min(as_of) FROM numbered)
),

later_reached AS (
    SELECT
        priority,
        CASE WHEN breached THEN 1 ELSE 0 END AS b,
        k,
        max(hi_seconds) AS reach_seconds,
        max(last_pause_seconds) AS last_pause_seconds
    FROM later
    GROUP BY source, ticket_id, priority, breached, k
),

-- The partitions the counting runs in, as integers (a sort on them is cheaper than on
-- text): code 0 is the all level, 1..P a priority, above P a team and priority; the key
-- adds the state and the node. kpi_dispatch_end holds every priority and team of
-- fct_clock_reach.
priorities AS (
    SELECT priority, row_number() OVER (ORDER BY priority) AS code
    FROM (SELECT DISTINCT priority FROM kpi_dispatch_end WHERE lvl = 1)
),

team_priorities AS (
    SELECT priority, team, (SELECT count(*) FROM priorities) + row_number() OVER (ORDER BY priority, team) AS code
    FROM (SELECT DISTINCT priority, team FROM kpi_dispatch_end WHERE lvl = 2)
),

-- The ends of the later stretches, as kpi_dispatch_end sums them (see there): (level,
-- code, state, k, reading, rank, +1/−1, breached ±1).
later_ends AS (
    SELECT 2 AS lvl, g.code, 'running' AS state, s.k, s.hi_seconds AS reading,
        CASE WHEN s.is_last THEN 2 ELSE 0 END AS rank, 1 AS dn, CASE WHEN s.breached THEN 1 ELSE 0 END AS db
    FROM later AS s JOIN team_priorities AS g ON g.priority = s.priority AND g.team = s.team
    UNION ALL
    SELECT 2, g.code, 'running', s.k, s.lo_seconds, 0, -1, CASE WHEN s.breached THEN -1 ELSE 0 END
    FROM later AS s JOIN team_priorities AS g ON g.priority = s.priority AND g.team = s.team
    UNION ALL
    SELECT 2, g.code, 'paused', s.k,
        least(s.hi_seconds, s.last_pause_seconds),
        CASE WHEN s.last_pause_seconds < s.hi_seconds OR s.is_last THEN 2 ELSE 0 END,
        1, CASE WHEN s.breached THEN 1 ELSE 0 END
    FROM later AS s JOIN team_priorities AS g ON g.priority = s.priority AND g.team = s.team
    WHERE s.last_pause_seconds >= s.lo_seconds
    UNION ALL
    SELECT 2, g.code, 'paused', s.k, s.lo_seconds, 0, -1, CASE WHEN s.breached THEN -1 ELSE 0 END
    FROM later AS s JOIN team_priorities AS g ON g.priority = s.priority AND g.team = s.team
    WHERE s.last_pause_seconds >= s.lo_seconds
    UNION ALL
    SELECT l.lvl, CASE WHEN l.lvl = 1 THEN p.code ELSE 0 END, 'running', t.k, t.reach_seconds, 2, 1, t.b
    FROM later_reached AS t JOIN priorities AS p ON p.priority = t.priority CROSS JOIN (VALUES (1), (0)) AS l(lvl)
    UNION ALL
    SELECT l.lvl, CASE WHEN l.lvl = 1 THEN p.code ELSE 0 END, 'paused', t.k, t.last_pause_seconds, 2, 1, t.b
    FROM later_reached AS t JOIN priorities AS p ON p.priority = t.priority CROSS JOIN (VALUES (1), (0)) AS l(lvl)
    WHERE t.last_pause_seconds IS NOT NULL
),

questions AS (
    SELECT
        row_number() OVER () AS q,
        o.as_of,
        o.source,
        o.ticket_id,
        o.state,
        o.used_seconds,
        i.j,
        p.code AS priority_code,
        g.code AS team_priority_code
    FROM forecastable AS o
    JOIN numbered AS i ON i.as_of = o.as_of
    LEFT JOIN priorities AS p ON p.priority = o.priority
    LEFT JOIN team_priorities AS g ON g.priority = o.priority AND g.team = o.team
),

-- Ends at the same reading and rank of a partition are tied in the order below, so their
-- sums may come in one row or several: kpi_dispatch_end's rows as they are (issue 14:
-- 0.58 M rows instead of 4.7 M ends at 1M tickets; readings repeat, e.g. every breached
-- ticket's last stretch ends at its target), the later ends summed.
ends_placed AS (
    SELECT ((CASE e.lvl WHEN 2 THEN g.code WHEN 1 THEN p.code ELSE 0 END) * 2
            + CASE WHEN e.state = 'paused' THEN 1 ELSE 0 END) * 1048576 AS pk,
        e.lvl, e.reading, e.rank, e.dn, e.db
    FROM kpi_dispatch_end AS e
    LEFT JOIN priorities AS p ON e.lvl = 1 AND p.priority = e.priority
    LEFT JOIN team_priorities AS g ON e.lvl = 2 AND g.priority = e.priority AND g.team = e.team
    UNION ALL
    SELECT ((e.code * 2 + CASE WHEN e.state = 'paused' THEN 1 ELSE 0 END) * 1048576 + n.node) AS pk,
        e.lvl, e.reading, e.rank, CAST(sum(e.dn) AS BIGINT) AS dn, CAST(sum(e.db) AS BIGINT) AS db
    FROM later_ends AS e
    JOIN known_in AS n ON n.k = e.k
    GROUP BY ALL
    UNION ALL
    -- taken back out of node 0
    SELECT ((e.code * 2 + CASE WHEN e.state = 'paused' THEN 1 ELSE 0 END) * 1048576) AS pk,
        e.lvl, e.reading, e.rank, -CAST(sum(e.dn) AS BIGINT) AS dn, -CAST(sum(e.db) AS BIGINT) AS db
    FROM later_ends AS e
    GROUP BY ALL
),

-- The sums run over all partitions in one order (pk, then reading from the top), which is
-- cheaper than a window per partition: each partition ends with a row that brings both
-- sums back to 0, so the sum at a forecast row counts its own partition only. dn and db
-- are BIGINT throughout (a sum() gives HUGEINT): the running sums over 0.6 M rows take
-- about a fifth less CPU on BIGINT (issue 14).
placed AS (
    SELECT pk, lvl, reading, rank, dn, db, NULL AS q FROM ends_placed
    UNION ALL
    SELECT pk, any_value(lvl), CAST('-infinity' AS DOUBLE), 0, -CAST(sum(dn) AS BIGINT), -CAST(sum(db) AS BIGINT), NULL
    FROM ends_placed
    GROUP BY pk
    UNION ALL
    SELECT ((l.code * 2 + CASE WHEN o.state = 'paused' THEN 1 ELSE 0 END) * 1048576 + r.node),
        l.lvl, o.used_seconds, 1, 0, 0, o.q
    FROM questions AS o
    JOIN read_from AS r ON r.j = o.j
    CROSS JOIN LATERAL (VALUES (2, o.team_priority_code), (1, o.priority_code), (0, 0)) AS l(lvl, code)
    WHERE l.code IS NOT NULL
),

counted AS (
    SELECT q, lvl, n, b
    FROM (
        SELECT
            q,
            lvl,
            sum(dn) OVER w AS n,
            sum(db) OVER w AS b
        FROM placed
        WINDOW w AS (ORDER BY pk, reading DESC, rank DESC ROWS UNBOUNDED PRECEDING)
    )
    WHERE q IS NOT NULL
),

reached AS (
    SELECT
        o.as_of,
        o.source,
        o.ticket_id,
        CAST(coalesce(sum(c.n) FILTER (WHERE c.lvl = 2), 0) AS BIGINT) AS n_team_priority,
        CAST(sum(c.b) FILTER (WHERE c.lvl = 2) AS BIGINT) AS breached_team_priority,
        CAST(coalesce(sum(c.n) FILTER (WHERE c.lvl = 1), 0) AS BIGINT) AS n_priority,
        CAST(sum(c.b) FILTER (WHERE c.lvl = 1) AS BIGINT) AS breached_priority,
        CAST(coalesce(sum(c.n) FILTER (WHERE c.lvl = 0), 0) AS BIGINT) AS n_all,
        CAST(sum(c.b) FILTER (WHERE c.lvl = 0) AS BIGINT) AS breached_all
    FROM questions AS o
    LEFT JOIN counted AS c ON c.q = o.q
    GROUP BY o.as_of, o.source, o.ticket_id
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
