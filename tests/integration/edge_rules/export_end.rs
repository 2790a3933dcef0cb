//! An export of 2013 loaded today (QA on the Helpdesk and Volvo exports): its last month
//! has resolutions and no new tickets, no ticket has a priority, and the load lies years
//! after the data. The monthly report must still list the loads under their real month,
//! give the last month its tiles, say why the SLA figure is missing, and the Dispatcher's
//! list must not read a clock that stopped at the calendar's end.
//!
//! Times are local (CET, UTC+1, in these months). Office hours Mon–Fri 08:00–17:00;
//! 28 November 2013 is a Thursday, 2 December a Monday. Priority high: 4 h target.

use chrono::{Datelike, TimeZone};

use super::{project, Row, BASE};
use crate::{itsm, itsm_ok, rows, Tmp};

/// Incidents E1 and E2 (no priority: no SLA target) opened in November and resolved on
/// Monday 2 December; request R1 in January; incident O1 (high) open since October. The
/// build computes the months October 2013 to January 2014 (its as-of).
fn export(name: &str) -> Tmp {
    export_with(name, "")
}

/// [`export`] with `config` as itsm.toml.
fn export_with(name: &str, config: &str) -> Tmp {
    let tickets = [
        // E1: Thu 09:00–17:00 480 + Fri 540 + Mon 08:00–08:30 30 = 1,050 min = 17.5 h.
        Row { id: "E1", priority: "", opened: "2013-11-28 09:00", resolved: "2013-12-02 08:30", ..BASE },
        // E2: Fri 16:00–17:00 60 + Mon 08:00–09:30 90 = 150 min = 2.5 h.
        Row { id: "E2", priority: "", opened: "2013-11-29 16:00", resolved: "2013-12-02 09:30", ..BASE },
        // R1: a request (outside the default SLA scope), the only ticket of January.
        Row {
            id: "R1",
            kind: "request",
            priority: "",
            opened: "2014-01-13 09:00",
            resolved: "2014-01-13 10:00",
            ..BASE
        },
        // O1: open, high, since Mon 14 Oct: breached (open) at 13:00 the same day.
        Row { id: "O1", status: "open", opened: "2013-10-14 09:00", ..BASE },
    ];
    project(name, config, &tickets, "", "2014-01-31 17:00")
}

/// kpi.json of the English report of `month`.
fn report(t: &Tmp, month: &str) -> serde_json::Value {
    itsm_ok(&t.0, &["report", "monthly", "--month", month, "--lang", "en", "--out", "r"]);
    serde_json::from_str(&std::fs::read_to_string(t.path("r/kpi.json")).unwrap()).unwrap()
}

/// The figure of kpi.json reading `query` as `kind` (and `column`, for a tile).
fn figure<'a>(json: &'a serde_json::Value, query: &str, kind: &str, column: &str) -> &'a serde_json::Value {
    json["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["query"] == query && f["kind"] == kind && (column.is_empty() || f["column"] == column))
        .unwrap_or_else(|| panic!("no {kind} of {query} {column} in {json}"))
}

#[test]
fn the_loads_section_lists_every_batch_under_the_local_month_it_was_loaded_in() {
    let t = export("export-end-loads");
    // The batch was loaded just now, years after the data (whose calendar would end in 2015).
    let loaded = rows(&t.db(), "SELECT strftime(finished_at, '%Y-%m-%d %H:%M:%S') FROM kpi_ingest_batch");
    let utc = chrono::NaiveDateTime::parse_from_str(&loaded, "%Y-%m-%d %H:%M:%S").unwrap().and_utc();
    let local = chrono_tz::Europe::Stockholm.from_utc_datetime(&utc.naive_utc());
    let month = format!("{:04}-{:02}", local.year(), local.month());
    assert_eq!(rows(&t.db(), "SELECT strftime(month, '%Y-%m') FROM kpi_ingest_batch"), month);
    // The December report lists it, although it was loaded after December 2013.
    let json = report(&t, "2013-12");
    let loads = figure(&json, "kpi_ingest_batch", "table", "");
    let batch: Vec<&str> = loads["rows"][0].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(loads["rows"].as_array().unwrap().len(), 1, "{loads}");
    assert_eq!((batch[0], batch[4], batch[5], batch[6]), ("1", "4", "4", "0"), "{loads}");
}

#[test]
fn a_month_with_resolutions_and_no_new_tickets_has_its_summary_tiles() {
    let t = export("export-end-summary");
    assert_eq!(
        rows(
            &t.db(),
            "SELECT strftime(month, '%Y-%m'), tickets_opened, incidents_opened, requests_opened, resolved, \
             median_hours_to_resolve FROM kpi_summary_by_month ORDER BY month"
        ),
        // December: E1 17.5 h and E2 2.5 h, median 10 h; January: R1 1 h.
        "2013-10,1,1,0,0,\n2013-11,2,2,0,0,\n2013-12,0,0,0,2,10.0\n2014-01,1,0,1,1,1.0"
    );
    let json = report(&t, "2013-12");
    assert_eq!(figure(&json, "kpi_summary_by_month", "tile", "tickets_opened")["value"].as_f64(), Some(0.0));
    assert_eq!(figure(&json, "kpi_summary_by_month", "tile", "median_hours_to_resolve")["value"].as_f64(), Some(10.0));
}

#[test]
fn the_sla_reason_of_a_month_is_what_its_resolved_tickets_lack_not_the_absence_of_new_ones() {
    let t = export("export-end-sla-reason");
    // October: O1 breached (open) there, a figure. November: E1 and E2 opened, no target.
    // December: E1 and E2 resolved, no target — no incident was opened, and that is not
    // why the figure is missing. January: only a request, nothing in the SLA's scope.
    assert_eq!(
        rows(
            &t.db(),
            "SELECT strftime(month, '%Y-%m'), reason FROM kpi_not_computable_by_month WHERE kpi = 'sla' ORDER BY month"
        ),
        "2013-11,no_sla_target\n2013-12,no_sla_target\n2014-01,no_sla_scope"
    );
    let json = report(&t, "2013-12");
    let sla = figure(&json, "kpi_sla_by_month", "tile", "");
    let reasons: Vec<&str> =
        sla["not_computable"].as_array().unwrap().iter().map(|r| r["reason"].as_str().unwrap()).collect();
    assert_eq!(reasons, ["no_sla_target"], "{sla}");
}

#[test]
fn the_median_time_to_resolve_tile_is_better_lower() {
    let t = export("export-end-direction");
    let json = report(&t, "2013-12");
    assert_eq!(figure(&json, "kpi_summary_by_month", "tile", "median_hours_to_resolve")["higher_is_better"], false);
    // The table's own column still decides where the block says nothing.
    assert_eq!(figure(&json, "kpi_reopen_by_month", "tile", "")["higher_is_better"], false);
    assert_eq!(figure(&json, "kpi_summary_by_month", "tile", "tickets_opened")["higher_is_better"], true);
}

/// used_minutes of O1 in the Dispatcher's list at `as_of` (local).
fn used_minutes(t: &Tmp, as_of: &str) -> f64 {
    let csv = itsm_ok(&t.0, &["report", "dispatch", "--as-of", as_of, "--format", "csv"]);
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let (id, used) = (
        header.iter().position(|c| *c == "ticket_id").unwrap(),
        header.iter().position(|c| *c == "used_minutes").unwrap(),
    );
    let row =
        lines.map(|l| l.split(',').collect::<Vec<_>>()).find(|r| r[id] == "O1").unwrap_or_else(|| panic!("{csv}"));
    row[used].parse().unwrap()
}

#[test]
fn the_dispatch_clock_runs_at_an_instant_years_after_the_data() {
    let t = export("export-end-dispatch");
    // Monday 4 January 2016, 08:30 → 09:00: half an hour of office time, not a clock
    // frozen at 31 December 2015 (the calendar of the data's years and one more).
    let (early, late) = (used_minutes(&t, "2016-01-04 08:30"), used_minutes(&t, "2016-01-04 09:00"));
    assert_eq!(late - early, 30.0, "{early} → {late}");
}

#[test]
fn the_dispatch_list_refuses_an_instant_outside_the_built_calendar() {
    let t = export("export-end-dispatch-outside");
    for as_of in ["2090-06-01 12:00", "2001-06-01 12:00"] {
        let out = itsm(&t.0, &["report", "dispatch", "--as-of", as_of, "--format", "csv"]);
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let want = format!("the as-of instant {as_of} lies outside the calendar the build computed, local years 2012–");
        assert!(stderr.contains(&want), "{stderr}");
        assert!(stderr.contains(&format!("rebuild with `itsm build --as-of \"{as_of}\"`")), "{stderr}");
        assert!(out.stdout.is_empty(), "{out:?}");
    }
}

/// Exit code and standard error of `itsm args`, which must have failed without output.
fn refused(t: &Tmp, args: &[&str]) -> String {
    let out = itsm(&t.0, args);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
    assert!(out.stdout.is_empty(), "{args:?}: {out:?}");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn every_month_report_refuses_a_month_the_build_did_not_compute() {
    let t = export("export-end-months-outside");
    // Before the first ticket (September 2013), after the build's as-of (February 2014) and
    // past the calendar (2090): main wrote empty pages, a billing basis of no lines and a
    // customer report with this month's allocation share.
    for month in ["2013-09", "2014-02", "2090-01"] {
        for report in ["monthly", "billing", "customer", "vendors", "major"] {
            let out = format!("r-{report}-{month}");
            let mut args = vec!["report", report, "--month", month];
            if report != "major" {
                args.extend(["--out", &out]);
            }
            let stderr = refused(&t, &args);
            let want = format!(
                "the month {month} lies outside the months the build computed, 2013-10 to 2014-01 (from the first \
                 ticket opened to the build's as-of instant, 2014-01-31 17:00); give --month within them"
            );
            assert!(stderr.contains(&want), "{report}: {stderr}");
            assert!(!t.path(&out).exists(), "{report} {month} wrote {out}");
        }
    }
    // The backtest's months the same way (main: "0 business days" and empty scores).
    let stderr = refused(&t, &["report", "dispatch", "--backtest", "--from", "2014-02", "--to", "2014-03"]);
    assert!(
        stderr.contains("the month 2014-02 lies outside the months the build computed")
            && stderr.contains("give --from"),
        "{stderr}"
    );
    let stderr = refused(&t, &["report", "dispatch", "--backtest", "--from", "2013-10", "--to", "2013-09"]);
    assert!(stderr.contains("the month 2013-09 lies outside") && stderr.contains("give --to"), "{stderr}");
    // Inside them the reports are written.
    itsm_ok(&t.0, &["report", "vendors", "--month", "2013-10", "--out", "r-inside"]);
    itsm_ok(&t.0, &["report", "dispatch", "--backtest", "--from", "2013-10", "--to", "2014-01", "--out", "r-bt"]);
}

#[test]
fn a_month_without_tickets_inside_the_build_says_so() {
    let t = export("export-end-quiet-month");
    // As of March 2014 the build computes February, a month without a ticket opened or
    // resolved: a real month whose tiles show –, and the page says why.
    itsm_ok(&t.0, &["build", "--as-of", "2014-03-15 12:00"]);
    let json = report(&t, "2014-02");
    let quiet = json["quiet_month"].as_str().unwrap_or_else(|| panic!("{json}"));
    assert!(quiet.starts_with("No ticket was opened or resolved in the month"), "{quiet}");
    assert!(figure(&json, "kpi_summary_by_month", "tile", "tickets_opened")["value"].is_null(), "{json}");
    let html = std::fs::read_to_string(t.path("r/monthly.html")).unwrap();
    assert!(html.contains(&format!("<p class=\"reason\">{quiet}</p>")), "{html}");
    // The backlog is still measured: O1, open since October.
    assert_eq!(figure(&json, "kpi_backlog_by_month", "tile", "backlog")["value"].as_f64(), Some(1.0), "{json}");
    // A month with tickets is not quiet.
    assert!(report(&t, "2014-01").get("quiet_month").is_none());
    // The Incident Manager's list says there is none, in words.
    let out = itsm_ok(&t.0, &["report", "major", "--month", "2014-02"]);
    assert_eq!(out.trim(), "no major incident was opened in 2014-02");
}

#[test]
fn the_definitions_name_the_configured_time_zone() {
    // `itsm init` writes Europe/Amsterdam for the Rabobank export; months are read there.
    let t = export_with("export-end-amsterdam", "timezone = \"Europe/Amsterdam\"\n");
    for (lang, want) in [("en", "months in Europe/Amsterdam"), ("sv", "månader i Europe/Amsterdam")] {
        itsm_ok(&t.0, &["report", "monthly", "--month", "2013-12", "--lang", lang, "--out", lang]);
        let html = std::fs::read_to_string(t.path(&format!("{lang}/monthly.html"))).unwrap();
        let json = std::fs::read_to_string(t.path(&format!("{lang}/kpi.json"))).unwrap();
        for text in [&html, &json] {
            assert!(text.contains(want), "{lang}: {text}");
            assert!(!text.contains("Stockholm") && !text.contains("{timezone}"), "{lang}: {text}");
        }
    }
}
