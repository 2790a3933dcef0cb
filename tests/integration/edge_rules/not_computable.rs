//! Issue 23: a figure whose inputs are missing is "not computable", with the reason and the
//! setting that fixes it on the page (one line in place of the figure) and in kpi.json
//! (a null value beside `not_computable`), never a 0 or an empty chart box. One project per
//! reason, each otherwise complete: two incidents on one CI and category, with priority and
//! assignment history, in March 2026.

use super::{project, Row, BASE};
use crate::{itsm_ok, Tmp};

/// Two desk incidents of March on one CI and category (the second repeats the first).
fn tickets() -> [Row; 2] {
    let a = Row { id: "N1", ci: "srv-01", opened: "2026-03-03 09:00", resolved: "2026-03-03 09:30", ..BASE };
    [a.clone(), Row { id: "N2", opened: "2026-03-05 09:00", resolved: "2026-03-05 10:00", ..a }]
}

const HISTORY: &str = "N1,2026-03-03 09:00,assignment,Service Desk,Agent A,\n\
                       N2,2026-03-05 09:00,assignment,Service Desk,Agent A,\n";

/// The English report of March 2026: the page and kpi.json.
fn report(t: &Tmp) -> (String, serde_json::Value) {
    itsm_ok(&t.0, &["report", "monthly", "--month", "2026-03", "--lang", "en", "--out", "r"]);
    let html = std::fs::read_to_string(t.path("r/monthly.html")).unwrap();
    let json = serde_json::from_str(&std::fs::read_to_string(t.path("r/kpi.json")).unwrap()).unwrap();
    (html, json)
}

/// The figures of kpi.json reading `query` as `kind`.
fn figures<'a>(json: &'a serde_json::Value, query: &str, kind: &str) -> Vec<&'a serde_json::Value> {
    json["figures"].as_array().unwrap().iter().filter(|f| f["query"] == query && f["kind"] == kind).collect()
}

/// The reasons kpi.json gives for a figure (empty when computable).
fn reasons(figure: &serde_json::Value) -> Vec<String> {
    figure["not_computable"]
        .as_array()
        .map(|a| a.iter().map(|r| r["reason"].as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

#[test]
fn issue_23_the_complete_fixture_computes_every_figure_the_others_lack() {
    let p = project("23-complete", "", &tickets(), HISTORY, "2026-03-20 17:00");
    let (html, json) = report(&p);
    assert!(!html.contains("Not computable"), "{html}");
    let repeat = figures(&json, "kpi_repeat_by_month", "tile")[0];
    assert_eq!(repeat["value"].as_f64(), Some(0.5), "{repeat}");
    assert!(reasons(repeat).is_empty());
    let ftr = figures(&json, "kpi_ftr_by_month", "tile")[0];
    assert_eq!(ftr["value"].as_f64(), Some(1.0), "{ftr}");
    let sla = figures(&json, "kpi_sla_by_month", "tile")[0];
    assert_eq!(sla["value"].as_f64(), Some(1.0), "{sla}");
}

#[test]
fn issue_23_no_first_line_team_ftr_is_not_computable_with_the_setting() {
    let p = project(
        "23-no-line",
        "[[teams]]\nname = \"Service Desk\"\nline = 2\n",
        &tickets(),
        HISTORY,
        "2026-03-20 17:00",
    );
    let (html, json) = report(&p);
    assert!(html.contains("Not computable: no team is the 1st line. Set `line = 1`"), "{html}");
    let ftr = figures(&json, "kpi_ftr_by_month", "tile")[0];
    assert!(ftr["value"].is_null(), "{ftr}");
    assert_eq!(reasons(ftr), ["no_first_line"]);
    assert_eq!(reasons(figures(&json, "kpi_ftr_by_month", "line")[0]), ["no_first_line"]);
    assert!(reasons(figures(&json, "kpi_sla_by_month", "tile")[0]).is_empty());
}

#[test]
fn issue_23_no_priority_sla_is_not_computable_with_the_setting() {
    let tickets = tickets().map(|r| Row { priority: "", ..r });
    let p = project("23-no-priority", "", &tickets, HISTORY, "2026-03-20 17:00");
    let (html, json) = report(&p);
    assert!(
        html.contains("Not computable: no ticket has an SLA target, the data has no priority. Map `priority`"),
        "{html}"
    );
    for (query, kind) in
        [("kpi_sla_by_month", "tile"), ("kpi_sla_by_month", "line"), ("kpi_sla_by_team_top_month", "bar")]
    {
        let f = figures(&json, query, kind)[0];
        assert_eq!(reasons(f), ["no_sla_target"], "{f}");
    }
    assert!(figures(&json, "kpi_sla_by_month", "tile")[0]["value"].is_null());
    // One line in place of the chart box.
    let by_team =
        "<figure class=\"not-computable\">\n<h3>SLA compliance by team (team at breach)</h3>\n<p class=\"reason\">";
    assert!(html.contains(by_team), "{html}");
}

#[test]
fn issue_23_no_ci_repeat_rate_is_not_computable_rather_than_zero() {
    let tickets = tickets().map(|r| Row { ci: "", ..r });
    let p = project("23-no-ci", "", &tickets, HISTORY, "2026-03-20 17:00");
    let (html, json) = report(&p);
    assert!(html.contains("Not computable: no incident has every field of the repeat key"), "{html}");
    let repeat = figures(&json, "kpi_repeat_by_month", "tile")[0];
    assert!(repeat["value"].is_null(), "{repeat}");
    assert_eq!(reasons(repeat), ["no_repeat_key"]);
    assert_eq!(
        crate::rows(&p.db(), "SELECT incidents, repeats, repeat_rate IS NULL FROM kpi_repeat_by_month"),
        "2,0,true"
    );
}

#[test]
fn issue_23_no_history_ola_and_escalation_are_not_computable() {
    let p = project("23-no-history", "", &tickets(), "", "2026-03-20 17:00");
    let (html, json) = report(&p);
    assert!(html.contains("Not computable: no ticket has assignment history"), "{html}");
    assert_eq!(reasons(figures(&json, "kpi_ola_by_team_top_month", "bar")[0]), ["no_history"]);
    assert_eq!(reasons(figures(&json, "kpi_escalation_by_month", "line")[0]), ["no_history"]);
    assert!(reasons(figures(&json, "kpi_ftr_by_month", "tile")[0]).is_empty());
}
