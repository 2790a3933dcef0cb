//! Real ServiceNow exports load whole (issue 12): history kept past DuckDB's row-group size
//! (122,880 rows), null markers, header aliases, update-counter order, warnings instead of
//! lost incidents, an honest load summary, and `itsm test` failing on a batch whose
//! history was lost.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use crate::{fixture, itsm, itsm_ok, rows, scalar, Tmp};

/// A snapshot export of `incidents` incidents, each saved four times (New at the service
/// desk; In Progress at a 2nd-line team; On Hold; Resolved): 4 status and 2 assignment
/// changes, so 6 derived events per incident. `extra` incidents get a fifth version
/// (Closed): one more event each.
fn snapshot_file(path: &Path, incidents: usize, extra: usize) -> usize {
    let mut text =
        String::from("number,state,opened_at,resolved_at,closed_at,assignment_group,priority,sys_updated_on\n");
    let mut events = 0;
    for i in 0..incidents {
        // Openings spread over one year of minutes, in UTC (no DST gaps).
        let opened = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap()
            + chrono::Duration::minutes((i as i64 * 7) % (365 * 24 * 60));
        let at = |h: i64| (opened + chrono::Duration::hours(h)).format("%Y-%m-%d %H:%M:%S").to_string();
        let o = at(0);
        let _ = writeln!(text, "INC{i:08},New,{o},,,Service Desk,3 - Moderate,{o}");
        let _ = writeln!(text, "INC{i:08},In Progress,{o},,,Infrastructure,3 - Moderate,{}", at(1));
        let _ = writeln!(text, "INC{i:08},On Hold,{o},,,Infrastructure,3 - Moderate,{}", at(2));
        let _ = writeln!(text, "INC{i:08},Resolved,{o},{r},,Infrastructure,3 - Moderate,{r}", r = at(3));
        events += 6;
        if i < extra {
            let _ = writeln!(text, "INC{i:08},Closed,{o},{},{c},Infrastructure,3 - Moderate,{c}", at(3), c = at(72));
            events += 1;
        }
    }
    std::fs::write(path, text).unwrap();
    events
}

fn load_snapshots(t: &Tmp, file: &Path) -> String {
    itsm_ok(&t.0, &["ingest", file.to_str().unwrap(), "--profile", "servicenow-audit", "--timezone", "UTC"])
}

#[test]
fn issue_12_history_is_kept_at_and_past_the_122880_row_group_boundary() {
    // 20,480 × 6 = 122,880 derived events: exactly one DuckDB row group; then one more.
    for (incidents, extra, want) in [(20_480, 0, 122_880), (20_480, 1, 122_881)] {
        let t = Tmp::new(&format!("sn-boundary-{want}"));
        let file = t.path("snapshots.csv");
        assert_eq!(snapshot_file(&file, incidents, extra), want);
        let out = load_snapshots(&t, &file);
        assert!(out.contains(&format!("events: {want} derived from status and team changes: {want} new")), "{out}");
        assert_eq!(scalar(&t.db(), "SELECT count(*) FROM ticket_event"), want as i64);
        assert_eq!(scalar(&t.db(), "SELECT count(*) FROM ticket"), incidents as i64);
        assert_eq!(
            rows(&t.db(), "SELECT status_changes, events_staged, events_new FROM ingest_batch"),
            format!("{want},{want},{want}")
        );
    }
}

#[test]
fn issue_12_more_than_a_million_derived_events_are_all_stored() {
    let t = Tmp::new("sn-million");
    let file = t.path("snapshots.csv");
    let want = snapshot_file(&file, 170_000, 1_000);
    assert!(want > 1_000_000);
    let out = load_snapshots(&t, &file);
    assert!(out.contains("tickets: 170000 in the file, 170000 stored"), "{out}");
    assert_eq!(scalar(&t.db(), "SELECT count(*) FROM ticket_event"), want as i64);
    assert_eq!(
        scalar(&t.db(), "SELECT count(DISTINCT ticket_id) FROM ticket_event WHERE kind = 'assignment'"),
        170_000
    );
    // The same file again is a no-op.
    let out = load_snapshots(&t, &file);
    assert!(out.contains("already ingested"), "{out}");
    assert_eq!(scalar(&t.db(), "SELECT count(*) FROM ticket_event"), want as i64);
}

/// The status and team changes of a ServiceNow snapshot export, computed apart from the
/// tool: per incident in `sys_mod_count` order, each row whose state differs from the row
/// before, and each row naming a group (not `?`) that differs from the one before.
/// Returns (changes, distinct (incident, time, kind, value) changes, incidents).
fn changes_in(path: &Path) -> (usize, usize, usize) {
    // The csv crate directly, not the tool's reader.
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_path(path).unwrap();
    let mut f = csv::StringRecord::new();
    assert!(reader.read_record(&mut f).unwrap());
    let header: Vec<String> = f.iter().map(|c| c.to_string()).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (num, state, group, modc, at) =
        (col("number"), col("incident_state"), col("assignment_group"), col("sys_mod_count"), col("sys_updated_at"));
    let mut by_incident: BTreeMap<String, Vec<(u32, String, String, String)>> = BTreeMap::new();
    while reader.read_record(&mut f).unwrap() {
        by_incident.entry(f[num].to_string()).or_default().push((
            f[modc].parse().unwrap(),
            f[state].to_string(),
            f[group].to_string(),
            f[at].to_string(),
        ));
    }
    let (mut n, mut distinct) = (0, BTreeSet::new());
    for (id, mut snaps) in by_incident.clone() {
        snaps.sort();
        let (mut prev_state, mut prev_group): (Option<String>, Option<String>) = (None, None);
        for (_, s, g, at) in snaps {
            if prev_state.as_deref() != Some(s.as_str()) {
                n += 1;
                distinct.insert((id.clone(), at.clone(), "status", s.clone()));
            }
            let g = (g != "?").then_some(g);
            if g.is_some() && g != prev_group {
                n += 1;
                distinct.insert((id.clone(), at.clone(), "assignment", g.clone().unwrap()));
            }
            prev_state = Some(s);
            prev_group = g;
        }
    }
    (n, distinct.len(), by_incident.len())
}

#[test]
fn issue_12_a_generated_servicenow_snapshot_export_loads_whole() {
    let t = Tmp::new("sn-sample");
    let out = itsm_ok(
        &t.0,
        &[
            "sample",
            "--out",
            "export",
            "--tickets",
            "40000",
            "--seed",
            "12",
            "--end-month",
            "2026-10",
            "--format",
            "servicenow-snapshot",
        ],
    );
    let file = t.path("export/servicenow-snapshots.csv");
    assert!(out.contains("servicenow-snapshots.csv"), "{out}");
    let (changes, distinct, incidents) = changes_in(&file);
    let text = std::fs::read_to_string(&file).unwrap();
    let snapshots = text.lines().count() - 1;
    assert!(snapshots >= 150_000, "{snapshots} rows");
    let out = itsm_ok(&t.0, &["ingest", file.to_str().unwrap(), "--profile", "servicenow-audit"]);
    let db = t.db();
    // Every row loads (bad optional values become warnings); read = loaded + rejected.
    assert!(out.contains(&format!("{snapshots} read = {snapshots} loaded + 0 rejected")), "{out}");
    assert_eq!(
        rows(&db, "SELECT rows_read = rows_loaded + rows_rejected, rows_rejected, tickets_in_file, tickets_stored FROM ingest_batch"),
        format!("true,0,{incidents},{incidents}")
    );
    // No incident is lost, and every change is an event.
    assert_eq!(scalar(&db, "SELECT count(*) FROM ticket"), incidents as i64);
    assert_eq!(scalar(&db, "SELECT events_staged FROM ingest_batch"), changes as i64);
    assert_eq!(scalar(&db, "SELECT count(*) FROM ticket_event"), distinct as i64);
    assert!(out.contains(&format!("tickets: {incidents} in the file, {incidents} stored")), "{out}");
    assert!(out.contains(&format!("{} older snapshots superseded", snapshots - incidents)), "{out}");
    // The sprinkled quirks are warnings, not rejections; `?` is nobody's value.
    let warned =
        |column: &str| scalar(&db, &format!("SELECT count(*) FROM ingest_warning WHERE column_name = '{column}'"));
    assert!(warned("contact_type") > 0 && warned("opened_at") > 0, "{out}");
    assert_eq!(scalar(&db, "SELECT warnings FROM ingest_batch"), scalar(&db, "SELECT count(*) FROM ingest_warning"));
    assert_eq!(scalar(&db, "SELECT count(*) FROM team WHERE name = '?'"), 0);
    for column in ["problem_id", "change_id", "ci", "assigned_team", "category", "customer"] {
        assert_eq!(scalar(&db, &format!("SELECT count(*) FROM ticket WHERE {column} = '?'")), 0, "{column}");
    }
    // Closed incidents whose resolved_at is `?` load (resolved at closure by the models).
    assert!(scalar(&db, "SELECT count(*) FROM ticket WHERE status = 'closed' AND resolved_at IS NULL") > 0);
    // Re-ingesting the same file changes nothing.
    let before = rows(&db, "SELECT (SELECT count(*) FROM ticket), (SELECT count(*) FROM ticket_event), (SELECT count(*) FROM ingest_warning)");
    assert!(itsm_ok(&t.0, &["ingest", file.to_str().unwrap(), "--profile", "servicenow-audit"])
        .contains("already ingested"));
    assert_eq!(
        rows(&db, "SELECT (SELECT count(*) FROM ticket), (SELECT count(*) FROM ticket_event), (SELECT count(*) FROM ingest_warning)"),
        before
    );
    itsm_ok(&t.0, &["build"]);
    let out = itsm(&t.0, &["test"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains(" 0 failed") || out.status.success(), "{stdout}");
    assert_eq!(scalar(&db, "SELECT count(*) FROM fct_ticket_sla WHERE basis = 'history'"), incidents as i64);
}

#[test]
fn issue_12_a_real_export_shape_loads_with_aliases_null_markers_and_update_counter_order() {
    let t = Tmp::new("sn-real");
    let out = itsm_ok(&t.0, &["ingest", &fixture("servicenow-real.csv"), "--profile", "servicenow-audit"]);
    let db = t.db();
    // INC0000049 has no opening time (`?`): the only rejected row.
    assert!(out.contains("10 read = 9 loaded + 1 rejected; 5 warnings"), "{out}");
    assert!(
        out.contains("tickets: 3 in the file, 3 stored: 3 new, 0 updated, 0 unchanged; 6 older snapshots superseded"),
        "{out}"
    );
    assert!(out.contains("events: 13 derived from status and team changes: 13 new, 0 already known"), "{out}");
    assert!(out.contains("rejected × 1: opened_at: missing required field opened_at"), "{out}");
    assert_eq!(rows(&db, "SELECT row_number, column_name, value FROM rejected_row"), "11,opened_at,?");
    // `incident_state` and `sys_updated_at` are read; sys_mod_count orders the two versions
    // saved at 08:53 (the file lists version 2 first).
    assert_eq!(
        rows(
            &db,
            "SELECT strftime(occurred_at, '%d %H:%M'), kind, value FROM ticket_event WHERE ticket_id = 'INC0000045' \
             ORDER BY occurred_at, seq, kind"
        ),
        "29 00:23,status,new\n29 07:53,assignment,Group 56\n29 07:53,status,open\n29 07:53,status,pending\n\
         29 10:29,status,resolved\n05 11:00,status,closed"
    );
    // Null markers are no values; a closed incident without resolved_at loads; the first
    // version's `?` group is no team.
    assert_eq!(
        rows(&db, "SELECT status, resolved_at IS NULL, strftime(closed_at, '%d/%m %H:%M'), problem_id IS NULL, ci IS NULL, channel FROM ticket WHERE ticket_id = 'INC0000045'"),
        "closed,true,05/03 11:00,true,true,phone"
    );
    assert_eq!(
        rows(&db, "SELECT name FROM team WHERE name LIKE 'Group%' ORDER BY name"),
        "Group 24\nGroup 56\nGroup 70"
    );
    assert_eq!(scalar(&db, "SELECT count(*) FROM team WHERE name = '?'"), 0);
    // 02:30 on 27 March 2016 never happened in Stockholm: read as 03:30 CEST, with warnings.
    assert_eq!(
        rows(
            &db,
            "SELECT strftime(opened_at, '%H:%M'), channel, problem_id FROM ticket WHERE ticket_id = 'INC0000047'"
        ),
        "01:30,phone,PRB0000001"
    );
    assert_eq!(
        rows(&db, "SELECT column_name, count(*) FROM ingest_warning GROUP BY 1 ORDER BY 1"),
        "contact_type,2\nopened_at,2\nsys_updated_at,1"
    );
    assert!(rows(&db, "SELECT min(reason) FROM ingest_warning WHERE column_name = 'opened_at'")
        .contains("daylight-saving gap"));
    // More of ServiceNow's fields: its own SLA verdict, close code, subcategory, location;
    // assigned_to is the agent of the events derived from a version.
    assert_eq!(
        rows(
            &db,
            "SELECT ticket_id, source_sla_met, closed_code, subcategory, location, caused_by IS NULL FROM ticket \
             ORDER BY ticket_id"
        ),
        "INC0000045,true,code 5,Subcategory 170,Location 143,true\n\
         INC0000047,false,,Subcategory 215,Location 165,true\n\
         INC0000048,true,code 1,,,true"
    );
    assert_eq!(
        rows(&db, "SELECT value, agent FROM ticket_event WHERE ticket_id = 'INC0000045' AND kind = 'status' ORDER BY occurred_at, seq"),
        "new,\nopen,\npending,Resolver 1\nresolved,Resolver 1\nclosed,Resolver 1"
    );
    itsm_ok(&t.0, &["build"]);
    assert_eq!(
        rows(&db, "SELECT strftime(month, '%Y-%m'), tickets, source_met FROM kpi_source_sla_by_month ORDER BY month"),
        "2016-02,1,1\n2016-03,1,1"
    );
    // An unmapped channel label is a warning; the incident loads without a channel.
    assert_eq!(rows(&db, "SELECT status, channel IS NULL FROM ticket WHERE ticket_id = 'INC0000048'"), "resolved,true");
    let status = itsm_ok(&t.0, &["status"]);
    assert!(status.contains("ingest_warning") && status.contains("contact_type"), "{status}");
    // The export's zone can be given: in UTC, 02:30 exists.
    let u = Tmp::new("sn-real-utc");
    itsm_ok(&u.0, &["ingest", &fixture("servicenow-real.csv"), "--profile", "servicenow-audit", "--timezone", "UTC"]);
    assert_eq!(
        rows(&u.db(), "SELECT strftime(opened_at, '%H:%M') FROM ticket WHERE ticket_id = 'INC0000047'"),
        "02:30"
    );
    assert_eq!(scalar(&u.db(), "SELECT count(*) FROM ingest_warning"), 2);
}

#[test]
fn issue_12_a_snapshot_export_without_an_update_time_is_refused_naming_the_field() {
    let t = Tmp::new("sn-noupdate");
    let file = t.path("no-update.csv");
    std::fs::write(&file, "number,state,opened_at,assignment_group\nINC1,New,2026-10-05 08:00,Service Desk\n").unwrap();
    let out = itsm(&t.0, &["ingest", file.to_str().unwrap(), "--profile", "servicenow-audit"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("'sys_updated_on' or 'sys_updated_at' (field updated_at)"), "{stderr}");
    // A flat export needs no update time.
    itsm_ok(&t.0, &["ingest", file.to_str().unwrap(), "--profile", "servicenow"]);
}

#[test]
fn issue_12_itsm_test_fails_when_a_snapshot_batch_lost_its_history() {
    let t = Tmp::new("sn-lost");
    itsm_ok(&t.0, &["ingest", &fixture("servicenow-real.csv"), "--profile", "servicenow-audit"]);
    itsm_ok(&t.0, &["build"]);
    assert!(itsm(&t.0, &["test"]).status.success());
    // What a load under the DuckDB defect looked like: changes in the rows, no events.
    {
        let conn = duckdb::Connection::open(t.db()).unwrap();
        conn.execute_batch("DELETE FROM ticket_event; UPDATE ingest_batch SET events_new = 0").unwrap();
    }
    itsm_ok(&t.0, &["build"]);
    let out = itsm(&t.0, &["test"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("history_was_derived"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn issue_12_team_rules_give_lines_and_the_sample_organisation_does_not_leak() {
    // No configuration: the teams of the export, none of the sample organisation's.
    let t = Tmp::new("sn-teams");
    itsm_ok(&t.0, &["ingest", &fixture("servicenow-real.csv"), "--profile", "servicenow-audit"]);
    assert_eq!(rows(&t.db(), "SELECT name, line FROM team ORDER BY name"), "Group 24,\nGroup 56,\nGroup 70,");
    let out = itsm_ok(&t.0, &["build"]);
    assert!(out.contains("FTR cannot be computed: no 1st-line team configured"), "{out}");
    // Rules give each group its line; the first matching rule wins.
    let u = Tmp::new("sn-team-rules");
    std::fs::write(
        u.path("itsm.toml"),
        "[[team_rules]]\npattern = \"group 7?\"\nline = 1\n[[team_rules]]\npattern = \"*\"\nline = 2\ncustomer = \"Kävlinge\"\n",
    )
    .unwrap();
    itsm_ok(&u.0, &["ingest", &fixture("servicenow-real.csv"), "--profile", "servicenow-audit"]);
    assert_eq!(
        rows(&u.db(), "SELECT name, line, customer FROM team ORDER BY name"),
        "Group 24,2,Kävlinge\nGroup 56,2,Kävlinge\nGroup 70,1,"
    );
    assert!(!itsm_ok(&u.0, &["build"]).contains("FTR cannot be computed"));

    // Lines given after the export was loaded count at the next build, no new export
    // needed (before, the build said "the configuration changed" and kept the old lines).
    std::fs::write(
        t.path("itsm.toml"),
        "[[team_rules]]\npattern = \"group 7?\"\nline = 1\n[[team_rules]]\npattern = \"*\"\nline = 2\ncustomer = \"Kävlinge\"\n",
    )
    .unwrap();
    let out = itsm_ok(&t.0, &["build"]);
    assert!(out.contains("team lines from itsm.toml: 3 teams changed") && !out.contains("FTR cannot"), "{out}");
    assert_eq!(
        rows(&t.db(), "SELECT name, line, customer FROM team ORDER BY name"),
        "Group 24,2,Kävlinge\nGroup 56,2,Kävlinge\nGroup 70,1,"
    );
    assert!(scalar(&t.db(), "SELECT count(*) FROM dim_team WHERE line = 1") == 1, "the models read the new lines");
    // A rule taken out takes its lines with it.
    std::fs::write(t.path("itsm.toml"), "[[team_rules]]\npattern = \"*\"\nline = 2\n").unwrap();
    let out = itsm_ok(&t.0, &["build"]);
    assert!(out.contains("FTR cannot be computed"), "{out}");
    assert_eq!(
        rows(&t.db(), "SELECT name, line, customer FROM team ORDER BY name"),
        "Group 24,2,\nGroup 56,2,\nGroup 70,2,"
    );
}
