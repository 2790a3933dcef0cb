-- grain: one row per ticket with at least one data-quality issue, with the local month it was opened in
-- incremental: ticket
--
-- The tickets behind kpi_data_quality_by_month (its header defines each measure): one
-- flag per measure. A ticket without any issue has no row, so after a day's export the
-- month table counts the few flagged tickets here and the month totals on fct_ticket_flow
-- instead of joining four marts of every ticket (issue 14).
-- The tickets with a flag are found first, each flag on the one table it reads, and only
-- those are joined: joining every ticket's rows of the four tables cost 0.56 s of CPU in
-- a full build at 1M tickets for one flagged ticket (issue 14). Each flag is written once:
-- fct_ticket_flow's flags in `flow`, read by both.
WITH flow AS NOT MATERIALIZED (
    SELECT
        source,
        ticket_id,
        opened_month,
        basis = 'flat' OR status_basis = 'flat' AS flat_fallback,
        kind IN ('incident', 'request') AND resolved_at IS NOT NULL AND first_response_at IS NULL
            AS missing_first_response,
        resolved_at <= opened_at AS non_positive_flow,
        kind IN ('incident', 'request') AND NOT cancelled AND channel IS DISTINCT FROM 'monitoring'
            AND entry_basis = 'assumed' AS entry_assumed,
        kind IN ('incident', 'request') AND reopen_count_unknown AS reopen_count_unknown,
        kind IN ('incident', 'request') AND reassignment_count_unknown AS reassignment_count_unknown,
        status_repair = 'status_timestamp_conflict' AS status_timestamp_conflict,
        status_repair = 'resolution_inferred' AS resolution_inferred,
        status_repair = 'history_closed_by_row' AS history_closed_by_row
    FROM fct_ticket_flow
),

ticket AS NOT MATERIALIZED (
    SELECT source, ticket_id, resolved_at <= opened_at AS non_positive_row FROM fct_ticket
),

candidate AS MATERIALIZED (
    SELECT source, ticket_id
    FROM flow
    WHERE flat_fallback OR missing_first_response OR non_positive_flow OR entry_assumed OR reopen_count_unknown
       OR reassignment_count_unknown OR status_timestamp_conflict OR resolution_inferred OR history_closed_by_row
    UNION
    SELECT source, ticket_id FROM ticket WHERE non_positive_row
    UNION
    SELECT source, ticket_id FROM fct_ticket_clock WHERE paused_from_start
    UNION
    SELECT source, ticket_id FROM fct_ticket_sla WHERE outcome = 'no_target'
),

flagged AS (
    SELECT
        f.source,
        f.ticket_id,
        f.opened_month,
        f.flat_fallback,
        f.missing_first_response,
        f.non_positive_flow OR t.non_positive_row AS non_positive_duration,
        c.paused_from_start AS paused_from_creation,
        s.outcome = 'no_target' AS no_sla_target,
        f.entry_assumed,
        f.reopen_count_unknown,
        f.reassignment_count_unknown,
        f.status_timestamp_conflict,
        f.resolution_inferred,
        f.history_closed_by_row
    FROM candidate AS k
    JOIN flow AS f ON f.source = k.source AND f.ticket_id = k.ticket_id
    JOIN ticket AS t ON t.source = f.source AND t.ticket_id = f.ticket_id
    JOIN fct_ticket_clock AS c ON c.source = f.source AND c.ticket_id = f.ticket_id
    LEFT JOIN fct_ticket_sla AS s ON s.source = f.source AND s.ticket_id = f.ticket_id
)

-- A flag is true or not (NULL counts as not, as in a FILTER clause).
SELECT
    source,
    ticket_id,
    opened_month,
    coalesce(flat_fallback, false) AS flat_fallback,
    coalesce(missing_first_response, false) AS missing_first_response,
    coalesce(non_positive_duration, false) AS non_positive_duration,
    coalesce(paused_from_creation, false) AS paused_from_creation,
    coalesce(no_sla_target, false) AS no_sla_target,
    coalesce(entry_assumed, false) AS entry_assumed,
    coalesce(reopen_count_unknown, false) AS reopen_count_unknown,
    coalesce(reassignment_count_unknown, false) AS reassignment_count_unknown,
    coalesce(status_timestamp_conflict, false) AS status_timestamp_conflict,
    coalesce(resolution_inferred, false) AS resolution_inferred,
    coalesce(history_closed_by_row, false) AS history_closed_by_row
FROM flagged
WHERE flat_fallback
   OR missing_first_response
   OR non_positive_duration
   OR paused_from_creation
   OR no_sla_target
   OR entry_assumed
   OR reopen_count_unknown
   OR reassignment_count_unknown
   OR status_timestamp_conflict
   OR resolution_inferred
   OR history_closed_by_row
