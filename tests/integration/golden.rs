//! Golden KPI values of the shipped sample-data/: a snapshot that changes only on purpose.
//! A change here means a KPI definition, the generator or the SLA engine changed: review
//! the diff (`cargo insta review`) and say why in the commit.

use crate::{itsm_ok, Tmp};

/// The KPI tables as the reports read them, doubles to 4 decimals.
const QUERIES: &[(&str, &str)] = &[
    (
        "kpi_ftr_by_month",
        "SELECT month, resolved_total, excluded_monitoring, population, routed_past_desk, entry_assumed, ftr_count, \
         printf('%.4f', ftr_rate) AS ftr_rate, first_contact_count, net_population, net_ftr_count FROM kpi_ftr_by_month",
    ),
    (
        "kpi_escalation_by_month",
        "SELECT month, escalated, within_target, printf('%.2f', mean_minutes) AS mean_minutes, printf('%.2f', median_minutes) AS median_minutes \
         FROM kpi_escalation_by_month",
    ),
    ("kpi_sla_by_month", "SELECT month, met, breached, breached_open, printf('%.4f', compliance) AS compliance FROM kpi_sla_by_month"),
    (
        "kpi_sla_by_team_month",
        "SELECT month, team, line, met, breached, breached_open FROM kpi_sla_by_team_month \
         WHERE month >= DATE '2026-08-01'",
    ),
    (
        "kpi_ola_by_team_month",
        "SELECT month, team, segments, printf('%.2f', running_minutes_mean) AS running_minutes_mean \
         FROM kpi_ola_by_team_month WHERE month >= DATE '2026-09-01'",
    ),
    (
        "kpi_backlog_by_month",
        "SELECT month, backlog, age_0_2, age_3_7, age_8_30, age_over_30, problem_backlog, change_backlog \
         FROM kpi_backlog_by_month",
    ),
    (
        "kpi_resolution_time_by_month",
        "SELECT month, priority, resolved, printf('%.2f', mean_business_minutes) AS mean, printf('%.2f', median_business_minutes) AS median \
         FROM kpi_resolution_time_by_month WHERE month >= DATE '2026-08-01'",
    ),
    ("kpi_reopen_by_month", "SELECT month, resolved, reopened FROM kpi_reopen_by_month"),
    ("kpi_repeat_by_month", "SELECT month, incidents, repeats FROM kpi_repeat_by_month"),
    ("kpi_event_ratio_by_month", "SELECT month, events, incidents FROM kpi_event_ratio_by_month"),
    (
        "kpi_problem (top 10)",
        "SELECT problem_id, linked_incidents, customers_affected, printf('%.2f', work_hours) AS work_hours, \
         linked_after_resolution FROM kpi_problem WHERE recurrence_rank <= 10",
    ),
    (
        "kpi_problem_candidate (top 10)",
        "SELECT repeat_key, incidents, repeat_incidents, customers_affected FROM kpi_problem_candidate \
         ORDER BY incidents DESC, repeat_key, first_opened_at LIMIT 10",
    ),
    ("kpi_data_quality_by_month", "SELECT month, measure, tickets, total FROM kpi_data_quality_by_month WHERE tickets > 0"),
];

#[test]
fn golden_kpis_of_the_shipped_sample_data() {
    let t = Tmp::new("golden");
    let root = env!("CARGO_MANIFEST_DIR");
    let tickets = format!("{root}/sample-data/tickets.csv");
    let history = format!("{root}/sample-data/history.csv");
    itsm_ok(&t.0, &["ingest", &tickets, &history, "--source", "sample", "--profile", "generic"]);
    itsm_ok(&t.0, &["build"]);
    let mut out = String::new();
    for (name, sql) in QUERIES {
        let ordered = format!("SELECT * FROM ({sql}) AS q ORDER BY ALL");
        let sql = if sql.contains("ORDER BY") { sql.to_string() } else { ordered };
        out.push_str(&format!("== {name}\n"));
        out.push_str(&itsm_ok(&t.0, &["query", &sql, "--format", "csv"]));
    }
    insta::assert_snapshot!("sample_data_kpis", out);
}
