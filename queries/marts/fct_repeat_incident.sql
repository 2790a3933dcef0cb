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
    SELECT lower(trim(unnest(fields))) AS field, generate_subscripts(fields, 1) AS pos
    FROM (SELECT string_split(repeat_key, ',') AS fields FROM cfg_kpi)
),

incidents AS (
    SELECT source, ticket_id, customer, ci, category, service, title, opened_at, problem_id
    FROM fct_ticket
    WHERE kind = 'incident' AND opened_at <= (SELECT as_of FROM build)
),

key_part AS (
    SELECT
        i.source,
        i.ticket_id,
        f.pos,
        CASE f.field
            WHEN 'ci' THEN i.ci
            WHEN 'category' THEN i.category
            WHEN 'service' THEN i.service
            WHEN 'customer' THEN i.customer
            WHEN 'title' THEN i.title
        END AS part
    FROM incidents AS i
    CROSS JOIN key_field AS f
),

keyed AS (
    SELECT
        source,
        ticket_id,
        CASE WHEN count(part) = count(*) THEN string_agg(part, ' | ' ORDER BY pos) END AS repeat_key
    FROM key_part
    GROUP BY source, ticket_id
),

ordered AS (
    SELECT
        i.source,
        i.ticket_id,
        i.customer,
        i.opened_at,
        i.problem_id,
        k.repeat_key,
        lag(i.source) OVER w AS previous_source,
        lag(i.ticket_id) OVER w AS previous_ticket_id,
        lag(i.opened_at) OVER w AS previous_opened_at
    FROM incidents AS i
    JOIN keyed AS k ON k.source = i.source AND k.ticket_id = i.ticket_id
    WINDOW w AS (PARTITION BY k.repeat_key ORDER BY i.opened_at, i.source, i.ticket_id)
),

judged AS (
    SELECT
        o.*,
        o.repeat_key IS NOT NULL
            AND o.previous_opened_at >= o.opened_at - c.repeat_window_days * INTERVAL '1 day' AS within_window
    FROM ordered AS o
    CROSS JOIN cfg_kpi AS c
),

chained AS (
    SELECT
        j.*,
        -- The chain number within the key: how many chains started up to this incident.
        sum(CASE WHEN coalesce(j.within_window, false) THEN 0 ELSE 1 END) OVER (
            PARTITION BY j.repeat_key ORDER BY j.opened_at, j.source, j.ticket_id
        ) AS chain_no
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
    CASE WHEN j.repeat_key IS NOT NULL THEN
        min(j.opened_at) OVER (PARTITION BY j.repeat_key, j.chain_no)
    END AS chain_start,
    CASE WHEN j.within_window THEN j.previous_source END AS previous_source,
    CASE WHEN j.within_window THEN j.previous_ticket_id END AS previous_ticket_id,
    CASE WHEN j.within_window THEN j.previous_opened_at END AS previous_opened_at
FROM chained AS j
LEFT JOIN local_hour AS d ON d.hour = clock_hour(j.opened_at)
