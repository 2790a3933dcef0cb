-- grain: one row per ticket opened by the as-of instant: its SLA clock from opening to resolution (or as-of)
-- incremental: ticket
--
-- elapsed = business time 'running'; paused and resolved-before-reopen time are counted
-- beside it, never in it (DESIGN §4). resolved_at is the start of the final resolved
-- stretch (a reopened ticket's earlier resolutions do not count); NULL while open.
-- first_resolved_at is the start of its first resolved stretch, reopened or not (billing
-- and problem recurrence read it: DESIGN §5a.8, §5a.10). repair names what the edge rules
-- of §5a.2/§5a.3 had to repair in the ticket's status (fct_status_interval).
WITH per_ticket AS (
    SELECT
        source,
        ticket_id,
        min(basis) AS basis,
        max(repair) AS repair,
        arg_max(status, seq) AS last_status,
        min(starts_at) FILTER (WHERE clock = 'ended') AS ended_at,
        min(starts_at) FILTER (WHERE status IN ('resolved', 'closed')) AS first_resolved_at,
        coalesce(sum(business_seconds) FILTER (WHERE clock = 'running'), 0) AS elapsed_seconds,
        coalesce(sum(business_seconds) FILTER (WHERE clock = 'paused'), 0) AS paused_seconds,
        coalesce(sum(business_seconds) FILTER (WHERE clock = 'reopened'), 0) AS reopened_seconds,
        count(*) FILTER (WHERE is_reopen) AS reopens,
        bool_or(clock = 'paused' AND seq = 1) AS paused_from_start
    FROM fct_status_interval
    GROUP BY source, ticket_id
)

SELECT
    source,
    ticket_id,
    basis,
    repair,
    last_status,
    CASE WHEN last_status IN ('resolved', 'closed') THEN ended_at END AS resolved_at,
    CASE WHEN last_status = 'cancelled' THEN ended_at END AS cancelled_at,
    first_resolved_at,
    elapsed_seconds,
    paused_seconds,
    reopened_seconds,
    elapsed_seconds / 60 AS elapsed_minutes,
    paused_seconds / 60 AS paused_minutes,
    reopened_seconds / 60 AS reopened_minutes,
    reopens,
    paused_from_start
FROM per_ticket
