//! The shipped profiles of real ITSM tools (issue 7) on small exports in each tool's own
//! format (tests/fixtures/profile-*.csv): every row loads, labels map to the canonical values,
//! and the model builds and passes its checks.

use crate::{fixture, itsm_ok, rows, Tmp};

fn loads(profile: &str, file: &str, rows_expected: u32) -> Tmp {
    loads_with(profile, file, rows_expected, "")
}

/// `loads` with `config` as the project's itsm.toml.
fn loads_with(profile: &str, file: &str, rows_expected: u32, config: &str) -> Tmp {
    // Tests run in parallel and several load the same profile: one directory per call.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let t = Tmp::new(&format!("profile-{profile}-{call}"));
    std::fs::write(t.path("itsm.toml"), config).unwrap();
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

#[test]
fn a_jira_issue_done_as_won_t_do_or_duplicate_is_cancelled_and_declined_stays_resolved() {
    let t = Tmp::new("jira-resolution");
    std::fs::write(
        t.path("jira.csv"),
        "Summary,Issue key,Issue Type,Status,Priority,Resolution,Created,Updated,Resolved\n\
         Skrivare,ITSD-1,Incident,Done,Medium,Done,05/Oct/26 8:00 AM,05/Oct/26 9:00 AM,05/Oct/26 9:00 AM\n\
         Skrivare igen,ITSD-2,Incident,Done,Medium,Won't Do,05/Oct/26 8:00 AM,05/Oct/26 9:00 AM,05/Oct/26 9:00 AM\n\
         Samma skrivare,ITSD-3,Incident,Closed,Medium,duplicate,05/Oct/26 8:00 AM,05/Oct/26 9:00 AM,05/Oct/26 9:00 AM\n\
         Ny skärm,ITSD-4,Service request,Done,Medium,Declined,05/Oct/26 8:00 AM,05/Oct/26 9:00 AM,05/Oct/26 9:00 AM\n\
         Öppen,ITSD-5,Incident,In Progress,Medium,Won't Do,05/Oct/26 8:00 AM,05/Oct/26 9:00 AM,\n",
    )
    .unwrap();
    let out = itsm_ok(&t.0, &["ingest", "jira.csv", "--profile", "jira"]);
    assert!(out.contains("5 read = 5 loaded + 0 rejected"), "{out}");
    // Only a done issue is judged by its resolution; an open one keeps its status.
    assert_eq!(
        rows(&t.db(), "SELECT ticket_id, status, closed_code FROM ticket ORDER BY ticket_id"),
        "ITSD-1,closed,Done\nITSD-2,cancelled,Won't Do\nITSD-3,cancelled,duplicate\nITSD-4,closed,Declined\nITSD-5,open,Won't Do"
    );
}

#[test]
fn flat_exports_of_each_tool_have_an_ftr_population_and_a_rate_where_a_team_is_1st_line() {
    // DESIGN §5a.1/§5a.2: none of these exports fills first_team, so entry through the
    // Service Desk is assumed; the population is the incidents and requests resolved, not
    // cancelled, not from monitoring. Counted by hand from tests/fixtures/profile-*.csv:
    // - servicenow: INC0010001, INC0010002, INC0010004 (INC0010003 is from monitoring,
    //   INC0010008 cancelled, the rest open); first-touch: 0001 and 0004 (Service Desk,
    //   never reassigned), not 0002 (TPP STP, reassigned once).
    // - jira: ITSD-101, ITSD-103 (ITSD-105 is cancelled though it carries a Resolved date;
    //   the others are open, a problem or a change); Jira has no support group, so no team
    //   exists, none is 1st line and the rate cannot be computed: NULL, not 0 %.
    // - topdesk: I 2610 001, 003, 004 (007 is cancelled); first-touch 001 and 004 (Service
    //   Desk), not 003 (TPP BUR).
    // - glpi: 2101, 2103, 2107; first-touch 2101 and 2107 (Service Desk), not 2103
    //   (Infrastructure).
    // The lines of the tools' groups come from the user's configuration (the sample
    // organisation's teams are not assumed for a real tool's export): the desk is 1st line,
    // every other group 2nd.
    let rules = "[[team_rules]]\npattern = \"Service Desk\"\nline = 1\n\n[[team_rules]]\npattern = \"*\"\nline = 2\n";
    for (profile, file, read, population, ftr, rate) in [
        ("servicenow", "profile-servicenow.csv", 8, 3, 2, true),
        ("jira", "profile-jira.csv", 8, 2, 0, false),
        ("topdesk", "profile-topdesk.csv", 8, 3, 2, true),
        ("glpi", "profile-glpi.csv", 7, 3, 2, true),
    ] {
        let t = loads_with(profile, file, read, rules);
        let got = rows(
            &t.db(),
            "SELECT sum(population), sum(ftr_count), sum(entry_assumed), bool_and(ftr_rate IS NOT NULL) \
             FROM kpi_ftr_by_month",
        );
        assert_eq!(got, format!("{population},{ftr},{population},{rate}"), "{profile}");
    }
}

#[test]
fn servicenow_snapshots_give_the_newest_row_and_history_from_the_changes() {
    let t = Tmp::new("profile-servicenow-audit");
    let out = itsm_ok(&t.0, &["ingest", &fixture("servicenow-audit.csv"), "--profile", "servicenow-audit"]);
    assert!(out.contains("6 read = 6 loaded + 0 rejected"), "{out}");
    // The newest snapshot of each incident is the ticket.
    assert_eq!(
        rows(&t.db(), "SELECT ticket_id, status, assigned_team FROM ticket ORDER BY 1"),
        "INC0020001,resolved,Infrastructure\nINC0020002,pending,Service Desk"
    );
    // History from the changes between snapshots (10:00 changed nothing), at each snapshot's
    // sys_updated_on (Stockholm local → UTC).
    assert_eq!(
        rows(
            &t.db(),
            "SELECT ticket_id, strftime(occurred_at, '%H:%M'), kind, value FROM ticket_event ORDER BY 1, 2, 3"
        ),
        "INC0020001,06:00,assignment,Service Desk\nINC0020001,06:00,status,new\n\
         INC0020001,07:00,assignment,Infrastructure\nINC0020001,07:00,status,open\n\
         INC0020001,09:00,status,resolved\n\
         INC0020002,06:00,assignment,Service Desk\nINC0020002,06:00,status,new\nINC0020002,07:30,status,pending"
    );
    // A later export with one more snapshot adds only the change it carries.
    let later = t.path("later.csv");
    let text = std::fs::read_to_string(fixture("servicenow-audit.csv")).unwrap();
    let last = text.lines().last().unwrap().replace("\"On Hold\"", "\"Resolved\"").replace("09:30:00\"", "13:00:00\"");
    std::fs::write(&later, format!("{}\n{last}\n", text.lines().next().unwrap())).unwrap();
    itsm_ok(&t.0, &["ingest", later.to_str().unwrap(), "--profile", "servicenow-audit"]);
    assert_eq!(
        rows(&t.db(), "SELECT strftime(occurred_at, '%H:%M'), kind, value FROM ticket_event WHERE ticket_id = 'INC0020002' ORDER BY 1, 2"),
        "06:00,assignment,Service Desk\n06:00,status,new\n07:30,status,pending\n11:00,status,resolved"
    );
    itsm_ok(&t.0, &["build"]);
    assert!(itsm_ok(&t.0, &["test"]).contains(" 0 failed"));
}
