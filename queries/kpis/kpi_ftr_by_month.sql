-- grain: one row per local month in which incidents or requests were resolved
--
-- First-touch resolution (DESIGN §5, §5a.1): of incidents and requests resolved in the
-- month, not cancelled and not from monitoring (a NULL channel is not monitoring) — the
-- population — the share resolved by a 1st-line team, never held outside the 1st line
-- and never reopened (fct_ticket_flow.first_touch_resolved). The Service Desk is the
-- single point of contact: tickets routed straight past it (first known team of line 2
-- or 3) stay in the population and are never first-touch (routed_past_desk).
-- resolved_total = excluded_monitoring + population. What the figure rests on, within
-- the population: entry_assumed (no first team known, or one without a configured line:
-- the 1st line is assumed), reassignment_unknown and reopen_unknown (flat rows whose count
-- is empty: counted as 0). First contact (§5a.9): also resolved within
-- cfg_kpi.first_contact_minutes wall-clock minutes of opening, same population. Net
-- FTR: the population without the categories in cfg_ftr_excluded_category. Rates are
-- 0-1, NULL without population, and NULL when no team is configured as 1st line
-- (first_line_configured false): FTR cannot be computed, it is not 0.
WITH resolved AS (
    SELECT
        resolved_month AS month,
        channel IS NOT DISTINCT FROM 'monitoring' AS from_monitoring,
        NOT cancelled AND channel IS DISTINCT FROM 'monitoring' AS in_population,
        routed_past_desk,
        entry_basis,
        reassignment_count_unknown,
        reopen_count_unknown,
        first_touch_resolved,
        first_contact_resolved,
        ftr_excluded_category
    FROM fct_ticket_flow
    WHERE kind IN ('incident', 'request') AND resolved_month IS NOT NULL
),

counted AS (
    SELECT
        month,
        count(*) AS resolved_total,
        count(*) FILTER (WHERE from_monitoring) AS excluded_monitoring,
        count(*) FILTER (WHERE in_population) AS population,
        count(*) FILTER (WHERE in_population AND routed_past_desk) AS routed_past_desk,
        count(*) FILTER (WHERE in_population AND entry_basis = 'assumed') AS entry_assumed,
        count(*) FILTER (WHERE in_population AND reassignment_count_unknown) AS reassignment_unknown,
        count(*) FILTER (WHERE in_population AND reopen_count_unknown) AS reopen_unknown,
        count(*) FILTER (WHERE in_population AND first_touch_resolved) AS ftr_count,
        count(*) FILTER (WHERE in_population AND first_contact_resolved) AS first_contact_count,
        count(*) FILTER (WHERE in_population AND ftr_excluded_category) AS net_excluded,
        count(*) FILTER (WHERE in_population AND NOT ftr_excluded_category) AS net_population,
        count(*) FILTER (WHERE in_population AND NOT ftr_excluded_category AND first_touch_resolved) AS net_ftr_count
    FROM resolved
    GROUP BY month
)

SELECT
    c.month,
    c.resolved_total,
    c.excluded_monitoring,
    c.population,
    c.routed_past_desk,
    c.entry_assumed,
    c.reassignment_unknown,
    c.reopen_unknown,
    c.ftr_count,
    CASE WHEN f1.configured THEN CAST(c.ftr_count AS DOUBLE) / nullif(c.population, 0) END AS ftr_rate,
    c.first_contact_count,
    CASE WHEN f1.configured THEN CAST(c.first_contact_count AS DOUBLE) / nullif(c.population, 0) END AS first_contact_rate,
    c.net_excluded,
    c.net_population,
    c.net_ftr_count,
    CASE WHEN f1.configured THEN CAST(c.net_ftr_count AS DOUBLE) / nullif(c.net_population, 0) END AS net_ftr_rate,
    f.target AS ftr_target,
    fc.target AS first_contact_target,
    n.target AS net_ftr_target,
    f.higher_is_better,
    f1.configured AS first_line_configured
FROM counted AS c
CROSS JOIN (SELECT count(*) > 0 AS configured FROM dim_team WHERE line = 1) AS f1
LEFT JOIN cfg_kpi_target AS f ON f.kpi = 'ftr'
LEFT JOIN cfg_kpi_target AS fc ON fc.kpi = 'first_contact'
LEFT JOIN cfg_kpi_target AS n ON n.kpi = 'net_ftr'
ORDER BY c.month
