//! The models of `queries/` compiled into the binary, so `itsm build` works from any
//! directory on a machine that has only the binary. `--queries DIR` (or `queries` in
//! itsm.toml) builds a user's copy instead. A test keeps this list equal to the directory.

/// (path relative to `queries/`, text), in directory order.
pub const FILES: &[(&str, &str)] = &[
    ("macros.sql", include_str!("../../queries/macros.sql")),
    ("staging/checks.toml", include_str!("../../queries/staging/checks.toml")),
    ("staging/stg_ingest_batch.sql", include_str!("../../queries/staging/stg_ingest_batch.sql")),
    ("staging/stg_ingest_warning.sql", include_str!("../../queries/staging/stg_ingest_warning.sql")),
    ("staging/stg_rejected_row.sql", include_str!("../../queries/staging/stg_rejected_row.sql")),
    ("staging/stg_team.sql", include_str!("../../queries/staging/stg_team.sql")),
    ("staging/stg_ticket.sql", include_str!("../../queries/staging/stg_ticket.sql")),
    ("staging/stg_ticket_event.sql", include_str!("../../queries/staging/stg_ticket_event.sql")),
    ("staging/stg_ticket_source.sql", include_str!("../../queries/staging/stg_ticket_source.sql")),
    ("marts/checks.toml", include_str!("../../queries/marts/checks.toml")),
    ("marts/dim_ingest_batch.sql", include_str!("../../queries/marts/dim_ingest_batch.sql")),
    ("marts/dim_month_end.sql", include_str!("../../queries/marts/dim_month_end.sql")),
    ("marts/dim_team.sql", include_str!("../../queries/marts/dim_team.sql")),
    ("marts/dim_vendor_team.sql", include_str!("../../queries/marts/dim_vendor_team.sql")),
    ("marts/fct_assignment_segment.sql", include_str!("../../queries/marts/fct_assignment_segment.sql")),
    ("marts/fct_billing_charge.sql", include_str!("../../queries/marts/fct_billing_charge.sql")),
    ("marts/fct_clock_reach.sql", include_str!("../../queries/marts/fct_clock_reach.sql")),
    ("marts/fct_ingest_warning.sql", include_str!("../../queries/marts/fct_ingest_warning.sql")),
    ("marts/fct_ola_holding.sql", include_str!("../../queries/marts/fct_ola_holding.sql")),
    ("marts/fct_rejected_row.sql", include_str!("../../queries/marts/fct_rejected_row.sql")),
    ("marts/fct_repeat_incident.sql", include_str!("../../queries/marts/fct_repeat_incident.sql")),
    ("marts/fct_source_sla.sql", include_str!("../../queries/marts/fct_source_sla.sql")),
    ("marts/fct_status_interval.sql", include_str!("../../queries/marts/fct_status_interval.sql")),
    ("marts/fct_ticket.sql", include_str!("../../queries/marts/fct_ticket.sql")),
    ("marts/fct_ticket_clock.sql", include_str!("../../queries/marts/fct_ticket_clock.sql")),
    ("marts/fct_ticket_flow.sql", include_str!("../../queries/marts/fct_ticket_flow.sql")),
    ("marts/fct_ticket_sla.sql", include_str!("../../queries/marts/fct_ticket_sla.sql")),
    ("marts/fct_vendor_cost.sql", include_str!("../../queries/marts/fct_vendor_cost.sql")),
    ("marts/fct_vendor_segment.sql", include_str!("../../queries/marts/fct_vendor_segment.sql")),
    ("kpis/checks.toml", include_str!("../../queries/kpis/checks.toml")),
    ("kpis/kpi_backlog_by_month.sql", include_str!("../../queries/kpis/kpi_backlog_by_month.sql")),
    ("kpis/kpi_backlog_ticket.sql", include_str!("../../queries/kpis/kpi_backlog_ticket.sql")),
    ("kpis/kpi_billing_allocation.sql", include_str!("../../queries/kpis/kpi_billing_allocation.sql")),
    ("kpis/kpi_billing_allocation_key.sql", include_str!("../../queries/kpis/kpi_billing_allocation_key.sql")),
    ("kpis/kpi_billing_covered.sql", include_str!("../../queries/kpis/kpi_billing_covered.sql")),
    ("kpis/kpi_billing_covered_ticket.sql", include_str!("../../queries/kpis/kpi_billing_covered_ticket.sql")),
    ("kpis/kpi_billing_customer.sql", include_str!("../../queries/kpis/kpi_billing_customer.sql")),
    ("kpis/kpi_billing_line.sql", include_str!("../../queries/kpis/kpi_billing_line.sql")),
    ("kpis/kpi_billing_ticket.sql", include_str!("../../queries/kpis/kpi_billing_ticket.sql")),
    ("kpis/kpi_billing_total.sql", include_str!("../../queries/kpis/kpi_billing_total.sql")),
    ("kpis/kpi_breached_ticket.sql", include_str!("../../queries/kpis/kpi_breached_ticket.sql")),
    ("kpis/kpi_cab_candidate.sql", include_str!("../../queries/kpis/kpi_cab_candidate.sql")),
    ("kpis/kpi_cab_sensitivity.sql", include_str!("../../queries/kpis/kpi_cab_sensitivity.sql")),
    ("kpis/kpi_cab_unaddressed.sql", include_str!("../../queries/kpis/kpi_cab_unaddressed.sql")),
    ("kpis/kpi_customer_backlog_by_month.sql", include_str!("../../queries/kpis/kpi_customer_backlog_by_month.sql")),
    ("kpis/kpi_customer_backlog_ticket.sql", include_str!("../../queries/kpis/kpi_customer_backlog_ticket.sql")),
    ("kpis/kpi_customer_breached_ticket.sql", include_str!("../../queries/kpis/kpi_customer_breached_ticket.sql")),
    ("kpis/kpi_customer_change.sql", include_str!("../../queries/kpis/kpi_customer_change.sql")),
    ("kpis/kpi_customer_ftr_by_month.sql", include_str!("../../queries/kpis/kpi_customer_ftr_by_month.sql")),
    ("kpis/kpi_customer_major_incident.sql", include_str!("../../queries/kpis/kpi_customer_major_incident.sql")),
    ("kpis/kpi_customer_problem.sql", include_str!("../../queries/kpis/kpi_customer_problem.sql")),
    (
        "kpis/kpi_customer_requester_by_month.sql",
        include_str!("../../queries/kpis/kpi_customer_requester_by_month.sql"),
    ),
    ("kpis/kpi_customer_response_by_month.sql", include_str!("../../queries/kpis/kpi_customer_response_by_month.sql")),
    ("kpis/kpi_customer_share.sql", include_str!("../../queries/kpis/kpi_customer_share.sql")),
    ("kpis/kpi_customer_sla_by_month.sql", include_str!("../../queries/kpis/kpi_customer_sla_by_month.sql")),
    ("kpis/kpi_customer_sla_trend.sql", include_str!("../../queries/kpis/kpi_customer_sla_trend.sql")),
    ("kpis/kpi_customer_ticket.sql", include_str!("../../queries/kpis/kpi_customer_ticket.sql")),
    ("kpis/kpi_customer_volume_by_month.sql", include_str!("../../queries/kpis/kpi_customer_volume_by_month.sql")),
    ("kpis/kpi_data_quality_by_month.sql", include_str!("../../queries/kpis/kpi_data_quality_by_month.sql")),
    ("kpis/kpi_data_quality_ticket.sql", include_str!("../../queries/kpis/kpi_data_quality_ticket.sql")),
    ("kpis/kpi_dispatch.sql", include_str!("../../queries/kpis/kpi_dispatch.sql")),
    ("kpis/kpi_dispatch_backtest.sql", include_str!("../../queries/kpis/kpi_dispatch_backtest.sql")),
    ("kpis/kpi_dispatch_end.sql", include_str!("../../queries/kpis/kpi_dispatch_end.sql")),
    ("kpis/kpi_dispatch_reliability.sql", include_str!("../../queries/kpis/kpi_dispatch_reliability.sql")),
    ("kpis/kpi_dispatch_scored.sql", include_str!("../../queries/kpis/kpi_dispatch_scored.sql")),
    ("kpis/kpi_escalation_by_month.sql", include_str!("../../queries/kpis/kpi_escalation_by_month.sql")),
    ("kpis/kpi_event_ratio_by_month.sql", include_str!("../../queries/kpis/kpi_event_ratio_by_month.sql")),
    ("kpis/kpi_ftr_by_customer_month.sql", include_str!("../../queries/kpis/kpi_ftr_by_customer_month.sql")),
    ("kpis/kpi_ftr_by_month.sql", include_str!("../../queries/kpis/kpi_ftr_by_month.sql")),
    ("kpis/kpi_ingest_batch.sql", include_str!("../../queries/kpis/kpi_ingest_batch.sql")),
    ("kpis/kpi_ingest_warning.sql", include_str!("../../queries/kpis/kpi_ingest_warning.sql")),
    ("kpis/kpi_major_incident.sql", include_str!("../../queries/kpis/kpi_major_incident.sql")),
    ("kpis/kpi_major_incident_ticket.sql", include_str!("../../queries/kpis/kpi_major_incident_ticket.sql")),
    ("kpis/kpi_not_computable_by_month.sql", include_str!("../../queries/kpis/kpi_not_computable_by_month.sql")),
    ("kpis/kpi_ola_by_team_month.sql", include_str!("../../queries/kpis/kpi_ola_by_team_month.sql")),
    ("kpis/kpi_ola_by_team_top_month.sql", include_str!("../../queries/kpis/kpi_ola_by_team_top_month.sql")),
    ("kpis/kpi_ola_repeat_holding.sql", include_str!("../../queries/kpis/kpi_ola_repeat_holding.sql")),
    ("kpis/kpi_problem.sql", include_str!("../../queries/kpis/kpi_problem.sql")),
    ("kpis/kpi_problem_candidate.sql", include_str!("../../queries/kpis/kpi_problem_candidate.sql")),
    ("kpis/kpi_rejected_reason.sql", include_str!("../../queries/kpis/kpi_rejected_reason.sql")),
    ("kpis/kpi_reopen_by_month.sql", include_str!("../../queries/kpis/kpi_reopen_by_month.sql")),
    ("kpis/kpi_repeat_by_month.sql", include_str!("../../queries/kpis/kpi_repeat_by_month.sql")),
    ("kpis/kpi_resolution_time_by_month.sql", include_str!("../../queries/kpis/kpi_resolution_time_by_month.sql")),
    ("kpis/kpi_response_by_month.sql", include_str!("../../queries/kpis/kpi_response_by_month.sql")),
    ("kpis/kpi_sla_by_customer_month.sql", include_str!("../../queries/kpis/kpi_sla_by_customer_month.sql")),
    ("kpis/kpi_sla_by_month.sql", include_str!("../../queries/kpis/kpi_sla_by_month.sql")),
    ("kpis/kpi_sla_by_priority_month.sql", include_str!("../../queries/kpis/kpi_sla_by_priority_month.sql")),
    ("kpis/kpi_sla_by_team_month.sql", include_str!("../../queries/kpis/kpi_sla_by_team_month.sql")),
    ("kpis/kpi_sla_by_team_top_month.sql", include_str!("../../queries/kpis/kpi_sla_by_team_top_month.sql")),
    ("kpis/kpi_source_sla_by_month.sql", include_str!("../../queries/kpis/kpi_source_sla_by_month.sql")),
    ("kpis/kpi_summary_by_month.sql", include_str!("../../queries/kpis/kpi_summary_by_month.sql")),
    ("kpis/kpi_vendor_by_month.sql", include_str!("../../queries/kpis/kpi_vendor_by_month.sql")),
    ("kpis/kpi_vendor_cost_ticket.sql", include_str!("../../queries/kpis/kpi_vendor_cost_ticket.sql")),
    ("kpis/kpi_vendor_holding.sql", include_str!("../../queries/kpis/kpi_vendor_holding.sql")),
    ("kpis/kpi_vendor_holding_bucket.sql", include_str!("../../queries/kpis/kpi_vendor_holding_bucket.sql")),
    ("kpis/kpi_volume_by_month.sql", include_str!("../../queries/kpis/kpi_volume_by_month.sql")),
    ("checks/billing_reconciles.sql", include_str!("../../queries/checks/billing_reconciles.sql")),
    ("checks/breaches_have_an_instant.sql", include_str!("../../queries/checks/breaches_have_an_instant.sql")),
    ("checks/history_was_derived.sql", include_str!("../../queries/checks/history_was_derived.sql")),
    ("checks/intervals_are_not_negative.sql", include_str!("../../queries/checks/intervals_are_not_negative.sql")),
    (
        "checks/segment_time_adds_up_to_elapsed.sql",
        include_str!("../../queries/checks/segment_time_adds_up_to_elapsed.sql"),
    ),
];

#[cfg(test)]
mod tests {
    #[test]
    fn the_list_is_the_queries_directory() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/queries");
        let mut on_disk = vec!["macros.sql".to_string()];
        for sub in ["staging", "marts", "kpis", "checks"] {
            let Ok(dir) = std::fs::read_dir(format!("{root}/{sub}")) else { continue };
            let mut names: Vec<String> = dir
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".sql") || n.ends_with(".toml"))
                .collect();
            names.sort();
            on_disk.extend(names.into_iter().map(|n| format!("{sub}/{n}")));
        }
        let listed: Vec<&str> = super::FILES.iter().map(|(p, _)| *p).collect();
        assert_eq!(listed, on_disk, "add new query files to src/compute/shipped.rs");
    }
}
