//! The shipped profiles of real ITSM tools (issue 7) on small exports in each tool's own
//! format (tests/fixtures/profile-*.csv): every row loads, labels map to the canonical values,
//! and the model builds and passes its checks.

use crate::{fixture, itsm_ok, rows, Tmp};

fn loads(profile: &str, file: &str, rows_expected: u32) -> Tmp {
    let t = Tmp::new(&format!("profile-{profile}"));
    let out = itsm_ok(&t.0, &["ingest", &fixture(file), "--profile", profile]);
    assert!(out.contains(&format!("{rows_expected} read = {rows_expected} loaded + 0 rejected")), "{profile}: {out}");
    itsm_ok(&t.0, &["build"]);
    let test = itsm_ok(&t.0, &["test"]);
    assert!(test.contains(" 0 failed"), "{profile}: {test}");
    t
}

#[test]
fn servicenow_export_maps_its_labels() {
    let t = loads("servicenow", "profile-servicenow.csv", 8);
    // 1 - Critical → high, 3 - Moderate → medium, 5 - Planning → low (see the profile).
    let kinds = rows(&t.db(), "SELECT DISTINCT kind FROM ticket");
    assert_eq!(kinds, "incident", "the incident export sets default_kind");
    let statuses = rows(&t.db(), "SELECT string_agg(DISTINCT status, ' ' ORDER BY status) FROM ticket");
    assert!(statuses.contains("pending") && statuses.contains("resolved"), "{statuses}");
    let priorities = rows(&t.db(), "SELECT string_agg(DISTINCT priority, ' ' ORDER BY priority) FROM ticket");
    assert!(priorities.split(' ').all(|p| ["low", "medium", "normal", "high"].contains(&p)), "{priorities}");
}

#[test]
fn jira_topdesk_and_glpi_exports_load_whole() {
    let jira = loads("jira", "profile-jira.csv", 8);
    assert_eq!(rows(&jira.db(), "SELECT count(DISTINCT kind) >= 3 FROM ticket"), "true", "issue types mapped");
    let topdesk = loads("topdesk", "profile-topdesk.csv", 8);
    assert!(rows(&topdesk.db(), "SELECT string_agg(title, ' ') FROM ticket").chars().any(|c| "åäöÅÄÖ".contains(c)));
    loads("glpi", "profile-glpi.csv", 7);
}
