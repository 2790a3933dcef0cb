//! The Incident Manager's major incidents (issue 15, DESIGN §7a): one major incident handed
//! over twice, with the incidents around it, every column worked out by hand.
//!
//! Calendar: office, Mon–Fri 08:00–17:00 Europe/Stockholm; fixture times are local (CET,
//! UTC+1; 2 March 2026 is a Monday). Major = priority high with impact high (the default).
//! Response target for high: 0.25 h = 15 business minutes (configured here).

use crate::{itsm_ok, rows, Tmp};

const HEADER: &str = "ticket_id,kind,title,customer,service,category,ci,channel,impact,urgency,priority,status,\
opened_at,first_response_at,resolved_at,closed_at,first_team,resolved_by_team,assigned_team,reassignment_count,\
reopen_count,problem_id,change_id,work_minutes,billable,request_item,requester,updated_at";

/// An incident row: id, customer, ci, impact, priority, status, opened, response,
/// resolved, team, problem, requester.
#[allow(clippy::too_many_arguments)]
fn incident(
    id: &str,
    customer: &str,
    ci: &str,
    impact: &str,
    status: &str,
    opened: &str,
    response: &str,
    resolved: &str,
    team: &str,
    problem: &str,
    requester: &str,
) -> String {
    let updated = if resolved.is_empty() { opened } else { resolved };
    format!(
        "{id},incident,Servern {id} svarar inte,{customer},Tjänst,Server,{ci},phone,{impact},,high,{status},{opened},\
         {response},{resolved},,Service Desk,{team},{team},0,0,{problem},,,false,,{requester},{updated}"
    )
}

#[test]
fn a_major_incident_handed_over_twice_has_every_column_worked_out() {
    let t = Tmp::new("major");
    let rows_csv = [
        // M1: the major incident (impact high, priority high). Opened Mon 2 Mar 09:00, first
        // response 09:10, resolved 14:00; problem PRB1; on SRV1.
        incident(
            "M1",
            "Kävlinge",
            "SRV1",
            "high",
            "resolved",
            "2026-03-02 09:00",
            "2026-03-02 09:10",
            "2026-03-02 14:00",
            "Vendor Network",
            "PRB1",
            "Anna Berg",
        ),
        // X1: same CI, opened while M1 was open → affected (Staffanstorp, Bo Ek).
        incident(
            "X1",
            "Staffanstorp",
            "SRV1",
            "low",
            "resolved",
            "2026-03-02 09:30",
            "",
            "2026-03-02 10:00",
            "Service Desk",
            "",
            "Bo Ek",
        ),
        // X2: another CI, linked to PRB1, opened while M1 was open → affected (Burlöv, Cia Lund).
        incident(
            "X2",
            "Burlöv",
            "SRV9",
            "low",
            "resolved",
            "2026-03-02 13:00",
            "",
            "2026-03-02 13:30",
            "Service Desk",
            "PRB1",
            "Cia Lund",
        ),
        // X3: same CI, opened after M1's resolution → not counted.
        incident(
            "X3",
            "Gemensam",
            "SRV1",
            "low",
            "resolved",
            "2026-03-02 15:00",
            "",
            "2026-03-02 15:30",
            "Service Desk",
            "",
            "Dan Ros",
        ),
        // X4: same CI and customer Kävlinge, opened before M1 → not counted.
        incident(
            "X4",
            "Kävlinge",
            "SRV1",
            "low",
            "resolved",
            "2026-03-02 08:30",
            "",
            "2026-03-02 08:40",
            "Service Desk",
            "",
            "Eva Holm",
        ),
        // N1: priority high with impact medium → not major.
        incident(
            "N1",
            "Burlöv",
            "SRV2",
            "medium",
            "resolved",
            "2026-03-03 09:00",
            "",
            "2026-03-03 10:00",
            "Service Desk",
            "",
            "Bo Ek",
        ),
    ];
    std::fs::write(t.path("tickets.csv"), format!("{HEADER}\n{}\n", rows_csv.join("\n"))).unwrap();
    // M1's history: held by Service Desk, handed to Infrastructure at 10:00 and to Vendor
    // Network at 11:30 (two handovers); resolved at 14:00.
    std::fs::write(
        t.path("history.csv"),
        "ticket_id,occurred_at,kind,value,agent,minutes
M1,2026-03-02 09:00,status,open,,
M1,2026-03-02 09:00,assignment,Service Desk,,
M1,2026-03-02 10:00,assignment,Infrastructure,,
M1,2026-03-02 11:30,assignment,Vendor Network,,
M1,2026-03-02 14:00,status,resolved,,
",
    )
    .unwrap();
    std::fs::write(t.path("itsm.toml"), "[sla.response_targets]\nhigh = 0.25\n").unwrap();
    let (tickets, history) = (t.path("tickets.csv").display().to_string(), t.path("history.csv").display().to_string());
    itsm_ok(&t.0, &["ingest", &tickets, &history]);
    itsm_ok(&t.0, &["build", "--as-of", "2026-03-31 17:00"]);

    // month: March 2026. opened 09:00 CET = 08:00 UTC; resolved 14:00 = 13:00 UTC.
    // Duration 09:00–14:00 = 300 min, all inside office hours → 300 business minutes.
    // Affected: M1 (Kävlinge, Anna Berg), X1 (Staffanstorp, Bo Ek), X2 (Burlöv, Cia Lund)
    // → 3 customers, 3 users. Teams in order: Service Desk → Infrastructure → Vendor
    // Network, 2 handovers. Problem PRB1. First response 09:10 → 10 business minutes ≤ 15:
    // met. Resolution used 300 > 240 business minutes: breached.
    let got = rows(
        &t.db(),
        "SELECT ticket_id, month, opened_at, resolved_at, duration_minutes, business_minutes, customers_affected, \
         customers, users_affected, teams, handovers, problem_id, response_minutes, response_outcome, sla_outcome \
         FROM kpi_major_incident ORDER BY ticket_id",
    );
    assert_eq!(
        got,
        "M1,2026-03-01,2026-03-02 08:00:00,2026-03-02 13:00:00,300.0,300.0,3,Burlöv, Kävlinge, Staffanstorp,3,\
         Service Desk → Infrastructure → Vendor Network,2,PRB1,10.0,met,breached"
    );

    // `itsm report major` prints the month's rows; the monthly report has the section.
    let csv = itsm_ok(&t.0, &["report", "major", "--month", "2026-03", "--format", "csv"]);
    assert_eq!(csv.lines().count(), 2, "{csv}");
    assert!(csv.lines().nth(1).unwrap().starts_with("M1,Servern M1 svarar inte,2026-03-02 08:00:00,"), "{csv}");
    // April lies after the build's as-of: not a month without major incidents, a month the
    // build never computed (it was an empty CSV).
    let april = crate::itsm(&t.0, &["report", "major", "--month", "2026-04", "--format", "csv"]);
    assert_eq!(april.status.code(), Some(2), "{april:?}");
    assert!(
        String::from_utf8_lossy(&april.stderr).contains("the month 2026-04 lies outside the months the build computed")
    );
    itsm_ok(&t.0, &["report", "monthly", "--month", "2026-03", "--lang", "en", "--out", "m"]);
    let page = std::fs::read_to_string(t.path("m/monthly.html")).unwrap();
    assert!(page.contains("Major incidents of the month"), "the monthly page has the section");
    assert!(page.contains("Service Desk → Infrastructure → Vendor Network"));
}

/// The source's major flag (DESIGN §7a: "or a source's major flag"): an incident the rule
/// does not make major (priority normal) is major when the source flagged it; one the rule
/// makes major stays major when the source says not; major_basis tells which.
#[test]
fn a_source_s_major_flag_adds_incidents_the_rule_does_not_make_major() {
    let t = Tmp::new("major-flag");
    std::fs::write(
        t.path("tickets.csv"),
        "ticket_id,kind,title,customer,impact,priority,status,opened_at,resolved_at,assigned_team,updated_at,major_incident
S1,incident,Flagged by the source,Kävlinge,low,normal,resolved,2026-03-02 09:00,2026-03-02 10:00,Service Desk,2026-03-02 10:00,ja
S2,incident,Rule and source,Burlöv,high,high,resolved,2026-03-03 09:00,2026-03-03 10:00,Service Desk,2026-03-03 10:00,yes
S3,incident,Rule only; the source says no,Burlöv,high,high,resolved,2026-03-04 09:00,2026-03-04 10:00,Service Desk,2026-03-04 10:00,nej
S4,incident,Neither,Burlöv,low,normal,resolved,2026-03-05 09:00,2026-03-05 10:00,Service Desk,2026-03-05 10:00,no
S5,request,A request is never an incident,Burlöv,low,normal,resolved,2026-03-05 09:00,2026-03-05 10:00,Service Desk,2026-03-05 10:00,yes
",
    )
    .unwrap();
    let tickets = t.path("tickets.csv").display().to_string();
    itsm_ok(&t.0, &["ingest", &tickets]);
    itsm_ok(&t.0, &["build", "--as-of", "2026-03-31 17:00"]);
    assert_eq!(
        rows(&t.db(), "SELECT ticket_id, major_incident FROM ticket ORDER BY ticket_id"),
        "S1,major\nS2,major\nS3,not_major\nS4,not_major\nS5,major"
    );
    // S1: 60 wall-clock minutes 09:00–10:00 on a Monday, all in office hours.
    assert_eq!(
        rows(&t.db(), "SELECT ticket_id, major_basis, duration_minutes, business_minutes FROM kpi_major_incident ORDER BY ticket_id"),
        "S1,source,60.0,60.0\nS2,both,60.0,60.0\nS3,rule,60.0,60.0"
    );
}

/// ServiceNow's Major Incident Management state maps through the servicenow profile: only
/// an accepted proposal is major; `?` (the export's null marker) is no flag at all.
#[test]
fn servicenow_s_accepted_major_incident_state_is_the_source_s_flag() {
    let t = Tmp::new("major-servicenow");
    std::fs::write(
        t.path("incident.csv"),
        "number,short_description,company,impact,priority,state,opened_at,resolved_at,assignment_group,sys_updated_on,major_incident_state
INC001,Accepted,Kävlinge,3 - Low,4 - Low,Resolved,2026-03-02 09:00:00,2026-03-02 10:00:00,Service Desk,2026-03-02 10:00:00,Accepted
INC002,Proposed,Kävlinge,3 - Low,4 - Low,Resolved,2026-03-02 09:00:00,2026-03-02 10:00:00,Service Desk,2026-03-02 10:00:00,Proposed
INC003,Rejected,Kävlinge,3 - Low,4 - Low,Resolved,2026-03-02 09:00:00,2026-03-02 10:00:00,Service Desk,2026-03-02 10:00:00,rejected
INC004,No flag,Kävlinge,3 - Low,4 - Low,Resolved,2026-03-02 09:00:00,2026-03-02 10:00:00,Service Desk,2026-03-02 10:00:00,?
",
    )
    .unwrap();
    let file = t.path("incident.csv").display().to_string();
    itsm_ok(&t.0, &["ingest", "--profile", "servicenow", &file]);
    itsm_ok(&t.0, &["build", "--as-of", "2026-03-31 17:00"]);
    assert_eq!(
        rows(&t.db(), "SELECT ticket_id, coalesce(major_incident, '(none)') FROM ticket ORDER BY ticket_id"),
        "INC001,major\nINC002,not_major\nINC003,not_major\nINC004,(none)"
    );
    assert_eq!(rows(&t.db(), "SELECT ticket_id, major_basis FROM kpi_major_incident"), "INC001,source");
}
