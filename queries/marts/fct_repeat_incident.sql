-- grain: one row per incident opened by the as-of instant, with its repeat key and whether it repeats an earlier incident
--
-- DESIGN §5, repeat incidents. repeat_key = the fields named in cfg_kpi.repeat_key (any
-- of ci, category, service, customer, title), in that order, joined with ' | '; NULL when
-- one of them is NULL, and such incidents are never repeats. is_repeat: an earlier
-- incident (by opened_at, ties by source and ticket_id) has the same key and was opened
-- at most cfg_kpi.repeat_window_days wall-clock days (24 h each) before; the previous
-- incident (previous_*) is the latest earlier one with the key, set only for repeats.
-- Keys are compared across sources; cancelled incidents count like any other.
-- chain_start: the first incident of the chain this one belongs to — a run of incidents
-- on one key, each within the window of the previous one (DESIGN §5a.10); an incident that
-- is not a repeat starts a chain of its own. Problem candidates are built from chains.
WITH build AS (
    SELECT as_of FROM cfg_build
),

key_field AS (
    SELECT list_transform(string_split(repeat_key, ','), lambda f: lower(trim(f))) AS fields
    FROM cfg_kpi
),

-- The key's parts, in the configured order; the key is NULL when one of them is.
keyed AS (
    SELECT
        i.source,
        i.ticket_id,
        i.customer,
        i.opened_at,
        i.problem_id,
        repeat_key_parts(k.fields, i.ci, i.category, i.service, i.customer, i.title) AS parts
    FROM fct_ticket AS i
    CROSS JOIN key_field AS k
    WHERE i.kind = 'incident' AND i.opened_at <= (SELECT as_of FROM build)
),

ordered AS (
    SELECT
        source,
        ticket_id,
        customer,
        opened_at,
        problem_id,
        repeat_key,
        lag(source) OVER w AS previous_source,
        lag(ticket_id) OVER w AS previous_ticket_id,
        lag(opened_at) OVER w AS previous_opened_at
    FROM (
        SELECT
            * EXCLUDE (parts),
            CASE WHEN list_count(parts) = len(parts) THEN array_to_string(parts, ' | ') END AS repeat_key
        FROM keyed
    )
    WINDOW w AS (PARTITION BY repeat_key ORDER BY opened_at, source, ticket_id)
),

judged AS (
    SELECT
        o.*,
        o.repeat_key IS NOT NULL
            AND o.previous_opened_at >= o.opened_at - c.repeat_window_days * INTERVAL '1 day' AS within_window
    FROM ordered AS o
    CROSS JOIN cfg_kpi AS c
),

-- A chain starts at each incident that is not within the window of the previous one; in
-- the key's order (opened_at rising, each incident its own peer) the chain's first
-- incident is the latest start so far, and its opened_at the chain's earliest.
chained AS (
    SELECT
        j.*,
        max(CASE WHEN coalesce(j.within_window, false) THEN NULL ELSE j.opened_at END) OVER (
            PARTITION BY j.repeat_key ORDER BY j.opened_at, j.source, j.ticket_id
        ) AS chain_opened_at
    FROM judged AS j
)

SELECT
    j.source,
    j.ticket_id,
    j.customer,
    j.opened_at,
    local_pick(d.month, d.next_month, d.switch_at, j.opened_at) AS opened_month,
    j.problem_id,
    j.repeat_key,
    coalesce(j.within_window, false) AS is_repeat,
    CASE WHEN j.repeat_key IS NOT NULL THEN j.chain_opened_at END AS chain_start,
    CASE WHEN j.within_window THEN j.previous_source END AS previous_source,
    CASE WHEN j.within_window THEN j.previous_ticket_id END AS previous_ticket_id,
    CASE WHEN j.within_window THEN j.previous_opened_at END AS previous_opened_at
FROM chained AS j
LEFT JOIN local_hour AS d ON d.hour = clock_hour(j.opened_at)


-- incremental rows
-- After new batches (see queries/README.md), with fct_ticket holding the changed tickets'
-- rows and this table as the last build left it. An incident's row depends on the
-- incidents before it on its key only, through their positions (opened_at, source,
-- ticket_id) in the key's order: lag and a running max. So on a key, before the first
-- position a changed ticket took or left, every row and its order are the last build's;
-- from that position on the rows are computed again (the changed tickets' incidents and
-- the unchanged ones after it, read back), after the last row before it, whose chain
-- start is the running max so far. A changed ticket's incident before that position (or
-- on a key where nothing moved) keeps the last build's repeat columns. The build replaces
-- the rows of the changed tickets and of the incidents given here.
WITH build AS (
    SELECT as_of FROM cfg_build
),

key_field AS (
    SELECT list_transform(string_split(repeat_key, ','), lambda f: lower(trim(f))) AS fields
    FROM cfg_kpi
),

-- The changed tickets' incidents (fct_ticket holds the changed tickets' rows here), keyed
-- as in the model.
fresh AS (
    SELECT
        source,
        ticket_id,
        customer,
        opened_at,
        problem_id,
        CASE WHEN list_count(parts) = len(parts) THEN array_to_string(parts, ' | ') END AS repeat_key
    FROM (
        SELECT
            i.source,
            i.ticket_id,
            i.customer,
            i.opened_at,
            i.problem_id,
            repeat_key_parts(k.fields, i.ci, i.category, i.service, i.customer, i.title) AS parts
        FROM fct_ticket AS i
        CROSS JOIN key_field AS k
        WHERE i.kind = 'incident' AND i.opened_at <= (SELECT as_of FROM build)
    )
),

-- The changed tickets' rows of the last build.
held AS (
    SELECT o.*
    FROM fct_repeat_incident AS o
    SEMI JOIN build_changed AS c ON c.source = o.source AND c.ticket_id = o.ticket_id
),

-- Per key, the first position a changed ticket took or left.
first_moved AS (
    SELECT repeat_key, opened_at, source, ticket_id
    FROM (
        (
            SELECT repeat_key, opened_at, source, ticket_id FROM fresh WHERE repeat_key IS NOT NULL
            EXCEPT
            SELECT repeat_key, opened_at, source, ticket_id FROM held
        )
        UNION ALL
        (
            SELECT repeat_key, opened_at, source, ticket_id FROM held WHERE repeat_key IS NOT NULL
            EXCEPT
            SELECT repeat_key, opened_at, source, ticket_id FROM fresh
        )
    )
    QUALIFY row_number() OVER (PARTITION BY repeat_key ORDER BY opened_at, source, ticket_id) = 1
),

-- The last build's rows on those keys, each before or after the key's first moved position.
on_moved AS (
    SELECT
        o.*,
        o.opened_at > f.opened_at
            OR (o.opened_at = f.opened_at AND (o.source > f.source OR (o.source = f.source AND o.ticket_id >= f.ticket_id)))
            AS after_first
    FROM fct_repeat_incident AS o
    JOIN first_moved AS f ON f.repeat_key = o.repeat_key
),

-- The changed tickets' incidents, each at or after its key's first moved position or not.
placed AS (
    SELECT
        n.*,
        local_pick(d.month, d.next_month, d.switch_at, n.opened_at) AS opened_month,
        f.repeat_key IS NOT NULL AND (
            n.opened_at > f.opened_at
            OR (n.opened_at = f.opened_at AND (n.source > f.source OR (n.source = f.source AND n.ticket_id >= f.ticket_id)))
        ) AS after_first
    FROM fresh AS n
    LEFT JOIN first_moved AS f ON f.repeat_key = n.repeat_key
    LEFT JOIN local_hour AS d ON d.hour = clock_hour(n.opened_at)
),

-- The incidents computed again, with the one row before each key's first moved position:
-- before it the rows and their order are the last build's.
again AS (
    SELECT
        o.source, o.ticket_id, o.customer, o.opened_at, o.opened_month, o.problem_id, o.repeat_key,
        false AS is_before, NULL::TIMESTAMP AS before_chain_start
    FROM on_moved AS o
    ANTI JOIN build_changed AS c ON c.source = o.source AND c.ticket_id = o.ticket_id
    WHERE o.after_first
    UNION ALL
    SELECT
        source, ticket_id, customer, opened_at, opened_month, problem_id, repeat_key,
        false, NULL::TIMESTAMP
    FROM placed
    WHERE after_first
    UNION ALL
    SELECT
        b.source, b.ticket_id, NULL, b.opened_at, NULL, NULL, repeat_key,
        true, b.chain_start
    FROM (
        SELECT
            repeat_key,
            arg_max(
                {'source': source, 'ticket_id': ticket_id, 'opened_at': opened_at, 'chain_start': chain_start},
                {'opened_at': opened_at, 'source': source, 'ticket_id': ticket_id}
            ) AS b
        FROM on_moved
        WHERE NOT after_first
        GROUP BY repeat_key
    )
),

ordered AS (
    SELECT
        *,
        lag(source) OVER w AS previous_source,
        lag(ticket_id) OVER w AS previous_ticket_id,
        lag(opened_at) OVER w AS previous_opened_at
    FROM again
    WINDOW w AS (PARTITION BY repeat_key ORDER BY opened_at, source, ticket_id)
),

judged AS (
    SELECT
        o.*,
        o.repeat_key IS NOT NULL
            AND o.previous_opened_at >= o.opened_at - c.repeat_window_days * INTERVAL '1 day' AS within_window
    FROM ordered AS o
    CROSS JOIN cfg_kpi AS c
),

-- As in the model; the row before carries the chain start up to it.
chained AS (
    SELECT
        j.*,
        max(
            CASE
                WHEN j.is_before THEN j.before_chain_start
                WHEN coalesce(j.within_window, false) THEN NULL
                ELSE j.opened_at
            END
        ) OVER (PARTITION BY j.repeat_key ORDER BY j.opened_at, j.source, j.ticket_id) AS chain_opened_at
    FROM judged AS j
)

SELECT
    j.source,
    j.ticket_id,
    j.customer,
    j.opened_at,
    j.opened_month,
    j.problem_id,
    j.repeat_key,
    coalesce(j.within_window, false) AS is_repeat,
    CASE WHEN j.repeat_key IS NOT NULL THEN j.chain_opened_at END AS chain_start,
    CASE WHEN j.within_window THEN j.previous_source END AS previous_source,
    CASE WHEN j.within_window THEN j.previous_ticket_id END AS previous_ticket_id,
    CASE WHEN j.within_window THEN j.previous_opened_at END AS previous_opened_at
FROM chained AS j
WHERE NOT j.is_before
UNION ALL
-- A changed ticket's incident before its key's first moved position (or on a key where
-- nothing moved) has the same incidents before it as in the last build: its own columns
-- anew, the rest as the last build computed them at the same key and opened_at. With a
-- NULL key it is never a repeat (and joins no row).
SELECT
    p.source,
    p.ticket_id,
    p.customer,
    p.opened_at,
    p.opened_month,
    p.problem_id,
    p.repeat_key,
    coalesce(h.is_repeat, false),
    h.chain_start,
    h.previous_source,
    h.previous_ticket_id,
    h.previous_opened_at
FROM placed AS p
LEFT JOIN held AS h
    ON h.source = p.source AND h.ticket_id = p.ticket_id AND h.repeat_key = p.repeat_key AND h.opened_at = p.opened_at
WHERE NOT p.after_first
