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
        list_transform(
            k.fields,
            lambda f: CASE f
                WHEN 'ci' THEN i.ci
                WHEN 'category' THEN i.category
                WHEN 'service' THEN i.service
                WHEN 'customer' THEN i.customer
                WHEN 'title' THEN i.title
            END
        ) AS parts
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
