//! Event logs (issue 7): one row per event, tickets derived from the events
//! (tests/fixtures/eventlog.csv in the BPI 2013 Volvo layout), and the real public logs in
//! ../shared/data when they are there.

use std::path::Path;

use crate::{fixture, itsm_ok, rows, Tmp};

#[test]
fn tickets_are_derived_from_an_event_log() {
    let t = Tmp::new("eventlog");
    let out = itsm_ok(&t.0, &["ingest", &fixture("eventlog.csv"), "--profile", "bpi2013-volvo", "--source", "log"]);
    // 'Unmatched' is no status: that row is rejected with the label as the reason.
    assert!(out.contains("10 read = 9 loaded + 1 rejected"), "{out}");
    assert_eq!(rows(&t.db(), "SELECT reason FROM rejected_row"), "unknown status value 'Unmatched' in a status event");
    let ticket = rows(
        &t.db(),
        "SELECT ticket_id, kind, status, strftime(opened_at, '%Y-%m-%d %H:%M'), strftime(resolved_at, '%Y-%m-%d %H:%M'), \
         strftime(closed_at, '%Y-%m-%d %H:%M'), first_team, resolved_by_team, assigned_team, reassignment_count, \
         reopen_count, strftime(updated_at, '%Y-%m-%d %H:%M') FROM ticket ORDER BY ticket_id",
    );
    // C1: opened 08:00 CEST (06:00 UTC); resolved 5 Oct, reopened 6 Oct 09:00, resolved again
    // 10:00 — the final resolution (08:00 UTC) — closed 7 Oct; Service Desk then
    // Infrastructure: one reassignment, one reopen. C2 waits for the user.
    let want = [
        "C1,incident,closed,2026-10-05 06:00,2026-10-06 08:00,2026-10-07 06:00,Service Desk,Infrastructure,Infrastructure,1,1,2026-10-07 06:00",
        "C2,incident,pending,2026-10-05 07:00,,,Service Desk,,Service Desk,0,0,2026-10-05 07:30",
    ];
    assert_eq!(ticket, want.join("\n"));
    // Loading the same log again changes nothing; the model builds on the derived tickets.
    let again = itsm_ok(&t.0, &["ingest", &fixture("eventlog.csv"), "--profile", "bpi2013-volvo", "--source", "log"]);
    assert!(again.contains("already ingested"), "{again}");
    itsm_ok(&t.0, &["build"]);
    assert!(itsm_ok(&t.0, &["test"]).contains(" 0 failed"));
    // Resolved 5 Oct 10:00 until the reopen 6 Oct 09:00: 10–17 (420) + 08–09 (60) office minutes.
    assert_eq!(
        rows(&t.db(), "SELECT reopens, round(reopened_minutes) FROM fct_ticket_clock WHERE ticket_id = 'C1'"),
        format!("1,{}.0", 420 + 60)
    );
}

/// The public logs of ../shared/data, when present: every ticket derived, every rejection
/// explained (docs/real-data.md has the figures).
#[test]
fn the_public_event_logs_load_with_explained_rejections() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    let volvo = data.join("bpi2013-volvo/bpi_challenge_2013_incidents.csv");
    let helpdesk = data.join("helpdesk-italian/Helpdesk_ERamaM.csv");
    if !volvo.is_file() || !helpdesk.is_file() {
        // CI runs beside a copy of shared/: there the data must be found.
        assert!(std::env::var_os("CI").is_none(), "CI has ../shared/data, but {} is missing", volvo.display());
        eprintln!("SKIPPED: ../shared/data is not here (the public ITSM logs)");
        return;
    }
    let t = Tmp::new("eventlog-real");
    itsm_ok(&t.0, &["ingest", volvo.to_str().unwrap(), "--profile", "bpi2013-volvo", "--source", "volvo"]);
    itsm_ok(&t.0, &["ingest", helpdesk.to_str().unwrap(), "--profile", "helpdesk-italian", "--source", "helpdesk"]);
    let open = data.join("bpi2013-volvo/bpi_challenge_2013_open_problems.csv");
    let closed = data.join("bpi2013-volvo/bpi_challenge_2013_closed_problems.csv");
    itsm_ok(&t.0, &["ingest", open.to_str().unwrap(), "--profile", "bpi2013-problems", "--source", "open-problems"]);
    itsm_ok(
        &t.0,
        &["ingest", closed.to_str().unwrap(), "--profile", "bpi2013-closed-problems", "--source", "closed-problems"],
    );
    assert_eq!(
        rows(&t.db(), "SELECT source, count(*) FROM ticket GROUP BY 1 ORDER BY 1"),
        "closed-problems,1487\nhelpdesk,4580\nopen-problems,819\nvolvo,7554"
    );
    // The only rejections: Volvo's own marker of events that matched no status.
    assert_eq!(
        rows(&t.db(), "SELECT reason, count(*) FROM rejected_row GROUP BY 1 ORDER BY 1"),
        "unknown status value 'Unmatched' in a status event,5\nunknown status value 'Unmatched-Unmatched' in a status event,10"
    );
    // The last event of each Volvo case (docs/real-data.md): Completed-Closed 5,573,
    // Completed-In Call 1,882 and Completed-Resolved 90, Accepted 8, Completed-Cancelled 1.
    // A call that resolved the incident ends it: only the 8 accepted ones are open (3) or
    // waiting (5).
    assert_eq!(
        rows(&t.db(), "SELECT status, count(*) FROM ticket WHERE source = 'volvo' GROUP BY 1 ORDER BY 1"),
        "cancelled,1\nclosed,5573\nopen,3\npending,5\nresolved,1972"
    );
    itsm_ok(&t.0, &["build"]);
    assert!(itsm_ok(&t.0, &["test"]).contains(" 0 failed"));
}

/// A log that names no group (the Italian helpdesk's): the build's FTR note says the data
/// has no teams, instead of asking to give lines to teams there are none of.
#[test]
fn a_log_without_groups_gets_an_ftr_note_that_says_so() {
    let t = Tmp::new("eventlog-no-groups");
    std::fs::write(
        t.path("log.csv"),
        "concept:name,lifecycle:transition,org:resource,time:timestamp,case:concept:name\n\
         Assign seriousness,complete,Value 2,2010-01-13 08:40:25+02:00,Case1\n\
         Resolve ticket,complete,Value 2,2010-01-13 09:40:25+02:00,Case1\n",
    )
    .unwrap();
    itsm_ok(&t.0, &["ingest", t.path("log.csv").to_str().unwrap(), "--profile", "helpdesk-italian"]);
    assert_eq!(crate::scalar(&t.db(), "SELECT count(*) FROM team"), 0);
    let out = itsm_ok(&t.0, &["build"]);
    assert!(out.contains("FTR cannot be computed: the data names no assignment groups"), "{out}");
    assert!(!out.contains("[[teams]]"), "{out}");
}

/// QA on the public logs: rejections and warnings of an event log named the fields its
/// cells are read into ('value', 'occurred_at', 'ticket_id') instead of the log's own
/// columns (DESIGN §8). An event's value is the status column in a status event and the
/// team column in an assignment event.
#[test]
fn an_event_log_is_told_about_in_its_own_column_names() {
    let t = Tmp::new("eventlog-columns");
    std::fs::write(
        t.path("volvo.csv"),
        "case:concept:name,org:group,org:resource,lifecycle:transition,time:timestamp\n\
         C1,Service Desk,Anna,Awaiting Assignment,2026-10-05T08:00:00+02:00\n\
         C1,Service Desk,Anna,Unmatched,2026-10-05T09:00:00+02:00\n\
         C1,#N/A,Anna,In Progress,2026-10-05T09:30:00+02:00\n",
    )
    .unwrap();
    let out = itsm_ok(&t.0, &["ingest", t.path("volvo.csv").to_str().unwrap(), "--profile", "bpi2013-volvo"]);
    assert!(out.contains("rejected line 3, column 'lifecycle:transition': unknown status value 'Unmatched'"), "{out}");
    assert!(out.contains("rejected line 4, column 'org:group': assignment event without a team"), "{out}");
    assert!(!out.contains("'value'"), "{out}");
    std::fs::write(
        t.path("helpdesk.csv"),
        "concept:name,lifecycle:transition,org:resource,time:timestamp,case:concept:name\n\
         Assign seriousness,complete,Value 2,2010-01-13 08:40:25+02:00,Case1\n\
         Resolve ticket,complete,#N/A,2010-01-13 09:40:25+02:00,Case1\n\
         Closed,complete,Value 2,13th of January,Case1\n\
         Closed,complete,Value 2,2010-01-13 10:40:25+02:00,\n\
         Nonsense,complete,Value 2,2010-01-13 10:40:25+02:00,Case1\n",
    )
    .unwrap();
    let out = itsm_ok(&t.0, &["ingest", t.path("helpdesk.csv").to_str().unwrap(), "--profile", "helpdesk-italian"]);
    // The reason still says which field the cell feeds, as a ticket file's does.
    assert!(out.contains("rejected line 4, column 'time:timestamp': occurred_at: unparseable date"), "{out}");
    assert!(out.contains("rejected line 5, column 'case:concept:name': missing required field ticket_id"), "{out}");
    assert!(out.contains("rejected line 6, column 'concept:name': unknown status value 'Nonsense'"), "{out}");
    assert!(out.contains("warning × 1: org:resource: agent: the Excel error value"), "{out}");
    assert!(!out.contains("'occurred_at'") && !out.contains("'ticket_id'"), "{out}");
    // The stored notes name the same columns.
    assert_eq!(
        rows(&t.db(), "SELECT row_number, column_name FROM rejected_row ORDER BY batch_id, row_number"),
        "3,lifecycle:transition\n4,org:group\n4,time:timestamp\n5,case:concept:name\n6,concept:name"
    );
    assert_eq!(
        rows(&t.db(), "SELECT row_number, column_name, value FROM ingest_warning ORDER BY batch_id, row_number"),
        "3,org:resource,#N/A"
    );
}
