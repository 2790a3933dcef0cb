-- grain: one row per interval [starts_at, ends_at) in which one team held a ticket, up to its resolution (the OLA view)
-- incremental: ticket
--
-- Each team's own time: held = business time it had the ticket; paused and
-- resolved-before-reopen time inside the holding are split out, so running = the SLA
-- clock time the team was responsible for, and a ticket's running times add up to its
-- elapsed time. From assignment history (basis 'history'; before the first recorded
-- assignment the ticket is with its first team); a flat export gives one segment only
-- when the ticket was never reassigned (basis 'flat'), because then the holder is known:
-- its resolving team, else its assigned team, else its first team — the same team the
-- SLA falls back to (fct_ticket_sla). Assignments at one instant keep their source order
-- (DESIGN §5a.4).
WITH build AS (
    SELECT as_of, sla_calendar FROM cfg_build
),

-- The SLA calendar's hours, a table of its own so that DuckDB sees it as the small side of
-- both clock joins in `clocked` (as in fct_clock_reach; issue 14).
sla_hour AS (
    SELECT hour, before_seconds, open_mask
    FROM calendar_hour
    SEMI JOIN build AS b ON calendar = b.sla_calendar
),

-- tk: a number per ticket, so the windows below partition by one integer and carry no
-- ticket key strings through their sorts (joined back in `clocked`; issue 14). The row's
-- rowid in fct_ticket (one row per ticket), so every reader of this CTE sees the same
-- numbers; plus one, so tk > 0 holds (see `clocked`). A row_number() ordered by rowid
-- gave the same guarantee at the price of a sort of the 1 M tickets on one thread.
tickets AS (
    SELECT
        t.rowid + 1 AS tk,
        t.source,
        t.ticket_id,
        t.opened_at,
        t.first_team,
        t.resolved_by_team,
        t.assigned_team,
        t.reassignment_count,
        t.has_assignment_history,
        coalesce(c.resolved_at, c.cancelled_at, (SELECT as_of FROM build)) AS held_until
    FROM fct_ticket AS t
    JOIN fct_ticket_clock AS c ON c.source = t.source AND c.ticket_id = t.ticket_id
),

assigned AS (
    SELECT
        t.tk, greatest(e.occurred_at, t.opened_at) AS starts_at, e.occurred_at, e.batch_id, e.seq,
        e.value AS team, t.held_until
    FROM stg_ticket_event AS e
    JOIN tickets AS t ON t.source = e.source AND t.ticket_id = e.ticket_id
    SEMI JOIN build AS b ON e.occurred_at <= b.as_of
    WHERE e.kind = 'assignment'
      AND e.value IS NOT NULL
),

first_assigned AS (
    SELECT tk, min(starts_at) AS first_at
    FROM assigned
    GROUP BY tk
),

held AS (
    SELECT tk, starts_at, occurred_at, batch_id, seq, team, held_until, 'history' AS basis
    FROM assigned
    UNION ALL
    SELECT t.tk, t.opened_at, t.opened_at, NULL, NULL, t.first_team, t.held_until, 'history'
    FROM tickets AS t
    JOIN first_assigned AS f ON f.tk = t.tk
    WHERE f.first_at > t.opened_at AND t.first_team IS NOT NULL
    UNION ALL
    SELECT tk, opened_at, opened_at, NULL, NULL, coalesce(resolved_by_team, assigned_team, first_team), held_until, 'flat'
    FROM tickets AS t
    WHERE NOT EXISTS (SELECT 1 FROM first_assigned AS f WHERE f.tk = t.tk)
      AND reassignment_count = 0
      AND coalesce(resolved_by_team, assigned_team, first_team) IS NOT NULL
),

-- An assignment to the team that already holds the ticket continues the holding: the
-- holdings are the rows whose team differs from the previous row's (`handover`). Each
-- holding ends where the next begins (or when the ticket was resolved). Holdings that begin
-- where the next one does, or after held_until, are empty and dropped below; the others
-- begin at distinct instants, so a non-empty holding's number among them is the dense rank
-- of its start, and it is the last one when the next holding begins at or after held_until
-- (or there is none). In a ticket where every row is a handover (all but a few), the next
-- row is the next holding and the dense rank over all rows is the one over the holdings,
-- so one window over the rows gives the segments; the few tickets with an assignment to
-- the holder take a second window over their holdings (issue 14: one sort of the 1.4 M
-- rows instead of two). held_until is carried from `assigned`, not joined again.
ordered AS (
    SELECT
        h.tk,
        h.team,
        h.basis,
        h.starts_at,
        h.occurred_at,
        h.batch_id,
        h.seq,
        h.held_until,
        lag(h.team) OVER w IS DISTINCT FROM h.team AS handover,
        lead(h.starts_at) OVER w AS next_at,
        dense_rank() OVER (PARTITION BY h.tk ORDER BY h.starts_at) AS start_rank
    FROM held AS h
    WINDOW w AS (PARTITION BY h.tk ORDER BY h.starts_at, h.occurred_at, h.batch_id, h.seq)
),

repeated AS (
    SELECT DISTINCT tk FROM ordered WHERE NOT handover
),

-- Each holding with the start of the next (next_at) and its number: taken from `ordered`
-- where every row is a handover, from a second window over the holdings elsewhere.
holdings AS (
    SELECT tk, team, basis, starts_at, held_until, next_at, start_rank
    FROM ordered
    ANTI JOIN repeated USING (tk)
    UNION ALL
    SELECT
        o.tk,
        o.team,
        o.basis,
        o.starts_at,
        o.held_until,
        lead(o.starts_at) OVER w,
        dense_rank() OVER (PARTITION BY o.tk ORDER BY o.starts_at)
    FROM ordered AS o
    SEMI JOIN repeated AS r ON r.tk = o.tk
    WHERE o.handover
    WINDOW w AS (PARTITION BY o.tk ORDER BY o.starts_at, o.occurred_at, o.batch_id, o.seq)
),

segments AS (
    SELECT
        tk,
        team,
        basis,
        starts_at,
        least(coalesce(next_at, held_until), held_until) AS ends_at,
        start_rank AS seq,
        coalesce(next_at >= held_until, true) AS is_last
    FROM holdings
),

clocked AS (
    SELECT
        k.source,
        k.ticket_id,
        s.* EXCLUDE (tk),
        coalesce(business_clock(cs.hour, cs.before_seconds, cs.open_mask, s.starts_at), 0) AS start_clock,
        coalesce(business_clock(ce.hour, ce.before_seconds, ce.open_mask, s.ends_at), 0) AS end_clock
    FROM segments AS s
    -- Through a filtered subquery, not the CTE itself, so the tickets' keys (not the
    -- segments) are the hash table's side, as in fct_status_interval; tk > 0 always holds.
    JOIN (SELECT tk, source, ticket_id FROM tickets WHERE tk > 0) AS k ON k.tk = s.tk
    LEFT JOIN sla_hour AS cs ON cs.hour = clock_hour(s.starts_at)
    LEFT JOIN sla_hour AS ce ON ce.hour = clock_hour(s.ends_at)
    WHERE s.starts_at < s.ends_at
),

stopped AS (
    SELECT
        c.source,
        c.ticket_id,
        c.seq,
        coalesce(sum(greatest(0, least(c.end_clock, i.end_clock) - greatest(c.start_clock, i.start_clock)))
            FILTER (WHERE i.clock = 'paused'), 0) AS paused_seconds,
        coalesce(sum(greatest(0, least(c.end_clock, i.end_clock) - greatest(c.start_clock, i.start_clock)))
            FILTER (WHERE i.clock = 'reopened'), 0) AS reopened_seconds
    FROM clocked AS c
    JOIN fct_status_interval AS i
        ON i.source = c.source AND i.ticket_id = c.ticket_id
        AND i.clock IN ('paused', 'reopened')
        AND i.start_clock < c.end_clock AND i.end_clock > c.start_clock
    GROUP BY c.source, c.ticket_id, c.seq
)

SELECT
    c.source,
    c.ticket_id,
    c.seq,
    c.team,
    d.line,
    c.basis,
    c.starts_at,
    c.ends_at,
    (c.end_clock - c.start_clock) / 60 AS held_minutes,
    coalesce(p.paused_seconds, 0) / 60 AS paused_minutes,
    coalesce(p.reopened_seconds, 0) / 60 AS reopened_minutes,
    (c.end_clock - c.start_clock - coalesce(p.paused_seconds, 0) - coalesce(p.reopened_seconds, 0)) / 60 AS running_minutes,
    c.is_last
FROM clocked AS c
LEFT JOIN stopped AS p ON p.source = c.source AND p.ticket_id = c.ticket_id AND p.seq = c.seq
LEFT JOIN dim_team AS d ON d.team = c.team
