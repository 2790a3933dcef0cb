//! The edge rules of DESIGN §5a (issue 11): one small project per rule, shaped like real
//! tool exports (flat rows without first_team, statuses that contradict timestamps,
//! partial history, simultaneous events), with every expected figure worked out by hand
//! beside it. Each test names the rule it pins; each failed on the SQL before issue 11.
//!
//! Calendar: the office calendar, Mon–Fri 08:00–17:00 Europe/Stockholm (CET, UTC+1, in
//! these weeks of 2026; 2 March is a Monday). Times in the fixtures are local. Default
//! targets: high 4 h, normal 8 h. Teams: Service Desk (1st line), Infrastructure and
//! Business Systems (2nd line).

use crate::{itsm_ok, rows, Tmp};

/// One ticket row of the generic profile; empty fields are absent values.
#[derive(Clone)]
struct Row {
    id: &'static str,
    kind: &'static str,
    customer: &'static str,
    category: &'static str,
    ci: &'static str,
    channel: &'static str,
    priority: &'static str,
    status: &'static str,
    opened: &'static str,
    response: &'static str,
    resolved: &'static str,
    closed: &'static str,
    first: &'static str,
    resolver: &'static str,
    assigned: &'static str,
    reassignments: &'static str,
    reopens: &'static str,
    problem: &'static str,
    work: &'static str,
    billable: &'static str,
    item: &'static str,
    updated: &'static str,
}

/// An incident from the desk, resolved by it, high priority, nothing else known.
const BASE: Row = Row {
    id: "",
    kind: "incident",
    customer: "Kävlinge",
    category: "Övrigt",
    ci: "",
    channel: "phone",
    priority: "high",
    status: "resolved",
    opened: "",
    response: "",
    resolved: "",
    closed: "",
    first: "Service Desk",
    resolver: "Service Desk",
    assigned: "Service Desk",
    reassignments: "0",
    reopens: "0",
    problem: "",
    work: "",
    billable: "false",
    item: "",
    updated: "",
};

const TICKET_HEADER: &str = "ticket_id,kind,title,customer,service,category,ci,channel,impact,urgency,priority,status,\
opened_at,first_response_at,resolved_at,closed_at,first_team,resolved_by_team,assigned_team,reassignment_count,\
reopen_count,problem_id,change_id,work_minutes,billable,request_item,requester,updated_at";

fn tickets_csv(rows: &[Row]) -> String {
    let mut out = format!("{TICKET_HEADER}\n");
    for r in rows {
        let updated = [r.updated, r.closed, r.resolved, r.opened].into_iter().find(|s| !s.is_empty()).unwrap();
        let fields = [
            r.id,
            r.kind,
            "Edge case",
            r.customer,
            "Tjänst",
            r.category,
            r.ci,
            r.channel,
            "",
            "",
            r.priority,
            r.status,
            r.opened,
            r.response,
            r.resolved,
            r.closed,
            r.first,
            r.resolver,
            r.assigned,
            r.reassignments,
            r.reopens,
            r.problem,
            "",
            r.work,
            r.billable,
            r.item,
            "Anna Berg",
            updated,
        ];
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    out
}

/// Builds the model as of `as_of`. With ITSM_EDGE_QUERIES=DIR the models of DIR are built
/// instead of the shipped ones: `git archive <commit> queries | tar -x -C /tmp/old` and
/// `ITSM_EDGE_QUERIES=/tmp/old/queries cargo test --release --test integration edge_rules`
/// shows which of these rules an older model breaks.
fn build(t: &Tmp, as_of: &str) {
    let mut args = vec!["build", "--as-of", as_of];
    let queries = std::env::var("ITSM_EDGE_QUERIES").unwrap_or_default();
    if !queries.is_empty() {
        args.extend(["--queries", queries.as_str()]);
    }
    itsm_ok(&t.0, &args);
}

/// A project in a fresh directory: `config` as itsm.toml, the tickets, an optional
/// history file (`ticket_id,occurred_at,kind,value,agent,minutes` rows), built as of `as_of`.
fn project(name: &str, config: &str, tickets: &[Row], history: &str, as_of: &str) -> Tmp {
    project_with_prices(name, config, "", tickets, history, as_of)
}

/// `project` with `prices` (rows of `type,name,unit_price,valid_from,valid_to`) as
/// prices.csv, the price list the `BILLING` configuration names; none when empty.
fn project_with_prices(name: &str, config: &str, prices: &str, tickets: &[Row], history: &str, as_of: &str) -> Tmp {
    let t = Tmp::new(&format!("edge-{name}"));
    if !prices.is_empty() {
        std::fs::write(t.path("prices.csv"), format!("type,name,unit_price,valid_from,valid_to\n{prices}")).unwrap();
    }
    std::fs::write(t.path("itsm.toml"), config).unwrap();
    std::fs::write(t.path("tickets.csv"), tickets_csv(tickets)).unwrap();
    let mut files = vec![t.path("tickets.csv").display().to_string()];
    if !history.is_empty() {
        std::fs::write(t.path("history.csv"), format!("ticket_id,occurred_at,kind,value,agent,minutes\n{history}"))
            .unwrap();
        files.push(t.path("history.csv").display().to_string());
    }
    let mut args = vec!["ingest"];
    args.extend(files.iter().map(String::as_str));
    itsm_ok(&t.0, &args);
    build(&t, as_of);
    t
}

#[test]
fn rule_5a_1_ftr_population_counts_flat_tickets_without_first_team_and_tickets_routed_past_the_desk() {
    let tickets = [
        // The example. A: flat, no first_team, resolved by the desk, never reassigned:
        // entry through the desk is assumed → first-touch.
        Row { id: "A", channel: "email", first: "", opened: "2026-03-03 09:00", resolved: "2026-03-03 09:30", ..BASE },
        // B: first_team and resolver the desk → first-touch.
        Row { id: "B", channel: "email", opened: "2026-03-03 10:00", resolved: "2026-03-03 10:20", ..BASE },
        // C: entered at the desk, resolved by Infrastructure after one reassignment → not.
        Row {
            id: "C",
            channel: "email",
            opened: "2026-03-03 11:00",
            resolved: "2026-03-03 14:00",
            resolver: "Infrastructure",
            assigned: "Infrastructure",
            reassignments: "1",
            ..BASE
        },
        // D: a portal ticket routed straight to Infrastructure: in the population, routed
        // past the desk, never first-touch.
        Row {
            id: "D",
            channel: "portal",
            opened: "2026-03-04 09:00",
            resolved: "2026-03-04 10:00",
            first: "Infrastructure",
            resolver: "Infrastructure",
            assigned: "Infrastructure",
            ..BASE
        },
        // E: reopen count empty in the export: read as 0 (counted), first-touch.
        Row { id: "E", opened: "2026-03-04 11:00", resolved: "2026-03-04 11:10", reopens: "", ..BASE },
        // M: from monitoring: outside the population.
        Row { id: "M", channel: "monitoring", opened: "2026-03-05 09:00", resolved: "2026-03-05 09:05", ..BASE },
    ];
    let t = project("5a1", "", &tickets, "", "2026-03-20 17:00");
    let got = rows(
        &t.db(),
        "SELECT resolved_total, excluded_monitoring, population, routed_past_desk, entry_assumed, reopen_unknown, \
         ftr_count, printf('%.4f', ftr_rate) FROM kpi_ftr_by_month WHERE month = DATE '2026-03-01'",
    );
    // 6 resolved, M from monitoring; population A B C D E = 5; first-touch A B E = 3.
    assert_eq!(got, format!("6,1,5,1,1,1,3,{:.4}", 3.0 / 5.0));
    // The three tickets alone: population 3, FTR 2/3 (A and B).
    let abc = rows(
        &t.db(),
        "SELECT count(*), count(*) FILTER (WHERE first_touch_resolved) FROM fct_ticket_flow \
         WHERE ticket_id IN ('A', 'B', 'C')",
    );
    assert_eq!(abc, "3,2");
    let quality = rows(
        &t.db(),
        "SELECT measure, tickets FROM kpi_data_quality_by_month WHERE month = DATE '2026-03-01' \
         AND measure IN ('entry_assumed', 'reopen_count_unknown') ORDER BY measure",
    );
    assert_eq!(quality, "entry_assumed,1\nreopen_count_unknown,1");
}

#[test]
fn rule_5a_2_the_status_wins_over_timestamps_in_flat_rows() {
    let tickets = [
        // C1 cancelled (Jira "Won't Do") though it carries resolved_at: cancelled at 10:00,
        // 60 of 240 minutes used → counts nowhere; not billed, not in FTR.
        Row {
            id: "C1",
            status: "cancelled",
            opened: "2026-03-02 09:00",
            resolved: "2026-03-02 10:00",
            work: "60",
            billable: "true",
            ..BASE
        },
        // C2 open with an old resolved_at: open. Mon 2 Mar 09:00 to Fri 20 Mar 17:00 = 480 +
        // 14 × 540 = 8 040 business minutes; 240 used at 13:00 (12:00 UTC) → breached open.
        Row {
            id: "C2",
            status: "open",
            opened: "2026-03-02 09:00",
            resolved: "2026-03-02 11:00",
            work: "30",
            billable: "true",
            ..BASE
        },
        // C3 closed without resolved_at: resolved at closed_at Tue 15:00 → 360 > 240, breached.
        Row {
            id: "C3",
            status: "closed",
            opened: "2026-03-03 09:00",
            closed: "2026-03-03 15:00",
            work: "30",
            billable: "true",
            ..BASE
        },
        // C4 resolved with neither resolved_at nor closed_at: resolved at updated_at 10:30 → 90, met.
        Row {
            id: "C4",
            status: "resolved",
            opened: "2026-03-04 09:00",
            updated: "2026-03-04 10:30",
            work: "30",
            billable: "true",
            ..BASE
        },
    ];
    let t = project("5a2", "", &tickets, "", "2026-03-20 17:00");
    let sla = rows(
        &t.db(),
        "SELECT ticket_id, outcome, elapsed_minutes, strftime(breach_at, '%Y-%m-%d %H:%M'), repair \
         FROM fct_ticket_sla ORDER BY ticket_id",
    );
    let want = [
        "C1,cancelled,60.0,,status_timestamp_conflict",
        "C2,breached_open,8040.0,2026-03-02 12:00,status_timestamp_conflict",
        "C3,breached,360.0,2026-03-03 12:00,resolution_inferred",
        "C4,met,90.0,,resolution_inferred",
    ];
    assert_eq!(sla, want.join("\n"));
    // FTR population: the resolved ones, C3 and C4 (C1 cancelled, C2 open).
    assert_eq!(rows(&t.db(), "SELECT population, ftr_count FROM kpi_ftr_by_month"), "2,2");
    // Billed: C3 and C4 only.
    assert_eq!(rows(&t.db(), "SELECT string_agg(ticket_id, ' ' ORDER BY ticket_id) FROM fct_billing_charge"), "C3 C4");
    // Backlog at as-of: C2.
    assert_eq!(rows(&t.db(), "SELECT backlog FROM kpi_backlog_by_month WHERE month = DATE '2026-03-01'"), "1");
    let quality = rows(
        &t.db(),
        "SELECT measure, tickets FROM kpi_data_quality_by_month WHERE month = DATE '2026-03-01' \
         AND measure IN ('status_timestamp_conflict', 'resolution_inferred') ORDER BY measure",
    );
    assert_eq!(quality, "resolution_inferred,2\nstatus_timestamp_conflict,2");
    // The SLA section's counts under the figure: 3 outcomes (C2, C3, C4), all flat.
    assert_eq!(
        rows(
            &t.db(),
            "SELECT outcomes, flat_fallback, status_timestamp_conflict, resolution_inferred FROM kpi_sla_by_month"
        ),
        "3,3,1,2"
    );
}

const BILLING: &str = "[billing]\nprice_list = \"prices.csv\"\nrounding_minutes = 30\nvat_rate = 0.25\n\
shared_customer = \"Gemensam\"\ncustomers = { \"Kävlinge\" = 1, \"Burlöv\" = 1 }\n";

#[test]
fn rule_5a_3_worklog_history_gives_work_minutes_for_billing_and_problems() {
    // W1: no work_minutes in the tickets file; its worklog says 30 + 60 = 90 minutes.
    let tickets = [
        Row {
            id: "W1",
            opened: "2026-03-02 09:00",
            resolved: "2026-03-02 12:00",
            billable: "true",
            problem: "P9",
            ..BASE
        },
        Row { id: "P9", kind: "problem", status: "open", opened: "2026-03-01 10:00", ..BASE },
    ];
    let history = "W1,2026-03-02 10:00,worklog,,Agent A,30\nW1,2026-03-02 11:30,worklog,,Agent A,60\n";
    let t = project_with_prices("5a3", BILLING, "hourly,*,950,2025-01-01,\n", &tickets, history, "2026-03-20 17:00");
    // 90 min → 3 started half hours = 1,5 h × 950 = 1 425,00.
    assert_eq!(
        rows(&t.db(), "SELECT ticket_id, work_minutes, billed_minutes, amount FROM fct_billing_charge"),
        "W1,90.0,90,1425.00"
    );
    assert_eq!(rows(&t.db(), "SELECT work_minutes_basis FROM fct_ticket WHERE ticket_id = 'W1'"), "worklog");
    assert_eq!(rows(&t.db(), "SELECT printf('%.2f', work_hours) FROM kpi_problem WHERE problem_id = 'P9'"), "1.50");
}

#[test]
fn rule_5a_3_a_closed_row_closes_a_history_without_terminal_event_and_flat_teams_agree() {
    let tickets = [
        // H1: history new 09:00, open 09:05; the row says closed, resolved 11:00. The row
        // closes the last interval: resolved at 11:00, 120 minutes, met (not breached open).
        Row { id: "H1", status: "closed", opened: "2026-03-02 09:00", resolved: "2026-03-02 11:00", ..BASE },
        // F1: flat, never reassigned, but first_team and resolver differ (a tool that fills
        // first_team with the queue): 09:00–15:00 = 360 > 240, breached; the OLA holder and
        // the breach team are the same team, the resolver.
        Row {
            id: "F1",
            opened: "2026-03-03 09:00",
            resolved: "2026-03-03 15:00",
            resolver: "Infrastructure",
            assigned: "Infrastructure",
            ..BASE
        },
    ];
    let history = "H1,2026-03-02 09:00,status,New,Agent A,\nH1,2026-03-02 09:05,status,Open,Agent A,\n";
    let t = project("5a3b", "", &tickets, history, "2026-03-20 17:00");
    let sla = rows(
        &t.db(),
        "SELECT ticket_id, basis, outcome, elapsed_minutes, strftime(resolved_at, '%H:%M'), repair, breach_team \
         FROM fct_ticket_sla ORDER BY ticket_id",
    );
    assert_eq!(sla, "F1,flat,breached,360.0,14:00,,Infrastructure\nH1,history,met,120.0,10:00,history_closed_by_row,");
    assert_eq!(
        rows(&t.db(), "SELECT team, held_minutes FROM fct_assignment_segment WHERE ticket_id = 'F1'"),
        "Infrastructure,360.0"
    );
}

#[test]
fn rule_5a_10_problem_candidates_are_chains_of_members_within_the_window() {
    let on = |id: &'static str, ci: &'static str, category: &'static str, day: &'static str| Row {
        id,
        ci,
        category,
        opened: day,
        resolved: day,
        ..BASE
    };
    let tickets = [
        // PRN-1 | Skrivare: 3, 10 and 17 March: one chain of 3 members (2 repeats) → a candidate.
        on("K1", "PRN-1", "Skrivare", "2026-03-03 09:00"),
        on("K2", "PRN-1", "Skrivare", "2026-03-10 09:00"),
        on("K3", "PRN-1", "Skrivare", "2026-03-17 09:00"),
        // SW-9 | Nätverk: three pairs months apart: 3 repeats but no chain of 3 → none.
        on("N1", "SW-9", "Nätverk", "2025-10-01 09:00"),
        on("N2", "SW-9", "Nätverk", "2025-10-06 09:00"),
        on("N3", "SW-9", "Nätverk", "2025-12-01 09:00"),
        on("N4", "SW-9", "Nätverk", "2025-12-07 09:00"),
        on("N5", "SW-9", "Nätverk", "2026-02-02 09:00"),
        on("N6", "SW-9", "Nätverk", "2026-02-06 09:00"),
        // OLD-1 | Skrivare: a chain of 3 that ended more than 12 months before as-of → none.
        on("O1", "OLD-1", "Skrivare", "2024-12-02 09:00"),
        on("O2", "OLD-1", "Skrivare", "2024-12-09 09:00"),
        on("O3", "OLD-1", "Skrivare", "2024-12-16 09:00"),
    ];
    let t = project("5a10a", "", &tickets, "", "2026-03-20 17:00");
    let got = rows(
        &t.db(),
        "SELECT repeat_key, incidents, repeat_incidents, strftime(first_opened_at, '%Y-%m-%d'), \
         strftime(last_opened_at, '%Y-%m-%d') FROM kpi_problem_candidate",
    );
    assert_eq!(got, "PRN-1 | Skrivare,3,2,2026-03-03,2026-03-17");
}

#[test]
fn rule_5a_10_linked_after_the_fix_counts_from_the_first_resolution() {
    // P resolved 3 Feb, reopened 20 Feb, resolved again 3 Mar; I opened 10 Feb and linked
    // to P: after the first fix → 1 (the final resolution would say 0).
    let tickets = [
        Row { id: "P", kind: "problem", opened: "2026-02-02 09:00", resolved: "2026-03-03 09:00", ..BASE },
        Row { id: "I", opened: "2026-02-10 09:00", resolved: "2026-02-10 10:00", problem: "P", ..BASE },
    ];
    let history = "P,2026-02-02 09:00,status,New,Agent A,\nP,2026-02-03 09:00,status,Resolved,Agent A,\n\
                   P,2026-02-20 09:00,reopen,Open,Agent A,\nP,2026-03-03 09:00,status,Resolved,Agent A,\n";
    let t = project("5a10b", "", &tickets, history, "2026-03-20 17:00");
    assert_eq!(
        rows(
            &t.db(),
            "SELECT problem_id, linked_incidents, linked_after_resolution, strftime(problem_first_resolved_at, '%m-%d') \
             FROM kpi_problem"
        ),
        "P,1,1,02-03"
    );
}

#[test]
fn rule_5a_8_and_5a_11_a_reopened_ticket_leaves_the_backlog_while_resolved_and_bills_its_first_resolution() {
    // R: opened 12 Jan, resolved 20 Jan, reopened 3 Mar, open at as-of. Worklog 30 min on
    // 15 Jan (billed in January, the month of the first resolution) and 60 min on 5 Mar
    // (billed in March, when it was logged). CH: a change open since 5 Mar.
    let tickets = [
        Row {
            id: "R",
            status: "open",
            opened: "2026-01-12 09:00",
            updated: "2026-03-05 10:00",
            billable: "true",
            ..BASE
        },
        Row { id: "CH", kind: "change", status: "open", opened: "2026-03-05 09:00", ..BASE },
    ];
    let history = "R,2026-01-12 09:00,status,New,Agent A,\nR,2026-01-15 10:00,worklog,,Agent A,30\n\
                   R,2026-01-20 09:00,status,Resolved,Agent A,\nR,2026-03-03 09:00,reopen,Open,Agent A,\n\
                   R,2026-03-05 10:00,worklog,,Agent A,60\n";
    let t = project_with_prices("5a8", BILLING, "hourly,*,950,2025-01-01,\n", &tickets, history, "2026-03-20 17:00");
    // January end: R resolved → 0; February: still resolved → 0; March (at as-of): R open
    // (67 days old), the change in its own backlog.
    assert_eq!(
        rows(
            &t.db(),
            "SELECT strftime(month, '%Y-%m'), backlog, age_over_30, change_backlog FROM kpi_backlog_by_month ORDER BY month"
        ),
        "2026-01,0,0,0\n2026-02,0,0,0\n2026-03,1,1,1"
    );
    // 30 min = 0,5 h × 950 = 475,00 in January; 60 min = 950,00 in March.
    assert_eq!(
        rows(&t.db(), "SELECT strftime(month, '%Y-%m'), billed_minutes, amount FROM fct_billing_charge ORDER BY month"),
        "2026-01,30,475.00\n2026-03,60,950.00"
    );
}

#[test]
fn rule_5a_13_money_is_exact_for_every_rounding_step_and_vat() {
    let tickets = [
        // Infrastructure work at the '*' rate 900,00/h; Business Systems at 1 100,00/h.
        Row { id: "X1", work: "10", ..BASE },
        Row { id: "X2", work: "20", ..BASE },
        Row { id: "X3", work: "25", ..BASE },
        Row { id: "X4", work: "7", ..BASE },
        Row { id: "Y1", work: "5", resolver: "Business Systems", ..BASE },
        // Burlöv's only charge: a cable at 1,70. VAT 25 %: 0,425 → 0,43 (DOUBLE gives 0,42).
        Row { id: "Z1", kind: "request", customer: "Burlöv", item: "Kabel", ..BASE },
    ]
    .map(|r| Row { opened: "2026-03-02 09:00", resolved: "2026-03-02 10:00", billable: "true", ..r });
    let amounts = |step: u32| {
        let t = project_with_prices(
            &format!("5a13-{step}"),
            &BILLING.replace("rounding_minutes = 30", &format!("rounding_minutes = {step}")),
            "hourly,*,900,2025-01-01,\nhourly,Business Systems,1 100,2025-01-01,\nitem,Kabel,\"1,70\",2025-01-01,\n",
            &tickets,
            "",
            "2026-03-20 17:00",
        );
        let charges =
            rows(&t.db(), "SELECT ticket_id, billed_minutes, amount FROM fct_billing_charge ORDER BY ticket_id");
        let burlov = rows(
            &t.db(),
            "SELECT net_amount, vat_amount, gross_amount FROM kpi_billing_customer WHERE customer = 'Burlöv'",
        );
        (charges, burlov)
    };
    // Step 10: 10 → 150,00; 20 → 300,00; 25 → 30 min 450,00; 7 → 10 min 150,00;
    // Y1 5 → 10 min × 1 100 / 60 = 183,333… → 183,33.
    let (step10, vat) = amounts(10);
    assert_eq!(step10, "X1,10,150.00\nX2,20,300.00\nX3,30,450.00\nX4,10,150.00\nY1,10,183.33\nZ1,,1.70");
    assert_eq!(vat, "1.70,0.43,2.13");
    // Step 20: 10 → 20 min 300,00 (not 0,33 h × 900 = 297,00); 25 → 40 min 600,00;
    // Y1 → 20 min = 366,666… → 366,67.
    let (step20, _) = amounts(20);
    assert_eq!(step20, "X1,20,300.00\nX2,20,300.00\nX3,40,600.00\nX4,20,300.00\nY1,20,366.67\nZ1,,1.70");
    // Step 30: everything 30 min: 450,00; Y1 550,00.
    let (step30, _) = amounts(30);
    assert_eq!(step30, "X1,30,450.00\nX2,30,450.00\nX3,30,450.00\nX4,30,450.00\nY1,30,550.00\nZ1,,1.70");
}

#[test]
fn rule_5a_5_a_budget_used_up_at_closing_time_is_blamed_on_the_team_whose_time_ran_out() {
    // Opened Mon 13:00 with the desk, 13–17 uses exactly 240; handed to Infrastructure at
    // 18:00, resolved Tue 09:00 (300 minutes). Breach instant Tue 08:00 (07:00 UTC), the
    // next opening; breach team the Service Desk, whose last business second it was.
    let tickets = [Row {
        id: "S",
        first: "",
        opened: "2026-03-02 13:00",
        resolved: "2026-03-03 09:00",
        resolver: "Infrastructure",
        assigned: "Infrastructure",
        reassignments: "1",
        ..BASE
    }];
    let history =
        "S,2026-03-02 13:00,assignment,Service Desk,Agent A,\nS,2026-03-02 18:00,assignment,Infrastructure,Agent B,\n";
    let t = project("5a5", "", &tickets, history, "2026-03-20 17:00");
    assert_eq!(
        rows(
            &t.db(),
            "SELECT outcome, elapsed_minutes, strftime(breach_at, '%Y-%m-%d %H:%M'), breach_team, breach_team_basis \
             FROM fct_ticket_sla"
        ),
        "breached,300.0,2026-03-03 07:00,Service Desk,history"
    );
}

#[test]
fn rule_5a_4_events_at_one_instant_keep_their_source_order() {
    // Q1: resolved 10:00 and reopened in the same minute (the export lists the resolve
    // first), resolved again 12:00: one reopen, 60 + 120 = 180 running minutes.
    // Q2: assigned to the desk and, in the same second, to Infrastructure (in that order):
    // Infrastructure holds it 09:00–11:00 (120), not the alphabetically first team.
    let tickets = [
        Row { id: "Q1", first: "", opened: "2026-03-02 09:00", resolved: "2026-03-02 12:00", ..BASE },
        Row {
            id: "Q2",
            first: "",
            opened: "2026-03-02 09:00",
            resolved: "2026-03-02 11:00",
            resolver: "Infrastructure",
            assigned: "Infrastructure",
            ..BASE
        },
    ];
    let history = "Q1,2026-03-02 09:00,status,New,Agent A,\nQ1,2026-03-02 10:00,status,Resolved,Agent A,\n\
                   Q1,2026-03-02 10:00,status,Open,Agent A,\nQ1,2026-03-02 12:00,status,Resolved,Agent A,\n\
                   Q2,2026-03-02 09:00,assignment,Service Desk,Agent A,\n\
                   Q2,2026-03-02 09:00,assignment,Infrastructure,Agent A,\n";
    let t = project("5a4", "", &tickets, history, "2026-03-20 17:00");
    assert_eq!(
        rows(&t.db(), "SELECT reopens, elapsed_minutes FROM fct_ticket_clock WHERE ticket_id = 'Q1'"),
        "1,180.0"
    );
    assert_eq!(
        rows(&t.db(), "SELECT team, held_minutes FROM fct_assignment_segment WHERE ticket_id = 'Q2' ORDER BY seq"),
        "Infrastructure,120.0"
    );
}

#[test]
fn rule_5a_6_5a_9_and_5a_12_cancelled_after_breach_first_contact_in_wall_clock_response_month() {
    let tickets = [
        // §5a.6 K1: cancelled Mon 15:00 after 360 business minutes: breached at 13:00 (12:00
        // UTC) and stays breached. K2: cancelled at 10:00 within target → nowhere.
        Row { id: "K1", status: "cancelled", opened: "2026-03-02 09:00", closed: "2026-03-02 15:00", ..BASE },
        Row { id: "K2", status: "cancelled", opened: "2026-03-02 09:00", closed: "2026-03-02 10:00", ..BASE },
        // §5a.9 FC1: Fri 16:55 → Mon 08:05 is 10 business minutes but 63 hours: not first
        // contact. FC2: 10 minutes → first contact.
        Row { id: "FC1", opened: "2026-03-06 16:55", resolved: "2026-03-09 08:05", priority: "normal", ..BASE },
        Row { id: "FC2", opened: "2026-03-09 10:00", resolved: "2026-03-09 10:10", priority: "normal", ..BASE },
        // §5a.12 response target 30 min. RM1 opened Fri 27 Feb 16:50, first response Mon 2 Mar
        // 08:30: 10 + 30 = 40 > 30, breached at Mon 08:20 → March. RM2: response Mon 08:10,
        // 10 + 10 = 20, met → March (the month of the response), not February.
        Row {
            id: "RM1",
            opened: "2026-02-27 16:50",
            response: "2026-03-02 08:30",
            resolved: "2026-03-02 09:00",
            ..BASE
        },
        Row {
            id: "RM2",
            opened: "2026-02-27 16:50",
            response: "2026-03-02 08:10",
            resolved: "2026-03-02 09:00",
            ..BASE
        },
    ];
    let t = project("5a6", "[sla.response_targets]\nhigh = 0.5\n", &tickets, "", "2026-03-20 17:00");
    assert_eq!(
        rows(
            &t.db(),
            "SELECT ticket_id, outcome, strftime(breach_at, '%m-%d %H:%M'), strftime(outcome_month, '%Y-%m') \
             FROM fct_ticket_sla WHERE ticket_id LIKE 'K%' ORDER BY ticket_id"
        ),
        "K1,breached,03-02 12:00,2026-03\nK2,cancelled,,"
    );
    assert_eq!(
        rows(
            &t.db(),
            "SELECT ticket_id, first_contact_resolved FROM fct_ticket_flow WHERE ticket_id LIKE 'FC%' ORDER BY 1"
        ),
        "FC1,false\nFC2,true"
    );
    assert_eq!(
        rows(
            &t.db(),
            "SELECT ticket_id, response_outcome, strftime(response_outcome_at, '%m-%d %H:%M'), \
             strftime(response_outcome_month, '%Y-%m') FROM fct_ticket_sla WHERE ticket_id LIKE 'RM%' ORDER BY 1"
        ),
        "RM1,breached,03-02 07:20,2026-03\nRM2,met,03-02 07:10,2026-03"
    );
    // High priority only. K1: no response before its cancellation at 15:00, past 30 minutes
    // at 09:30 → breached in March; K2 likewise (cancelled at 10:00 after 60 minutes).
    // March: met RM2; breached RM1, K1, K2. February, the month RM1 and RM2 were opened: none.
    assert_eq!(
        rows(&t.db(), "SELECT strftime(month, '%Y-%m'), met, breached FROM kpi_response_by_month ORDER BY month"),
        "2026-03,1,3"
    );
}

#[test]
fn rule_5a_1_without_a_first_line_team_ftr_is_not_computable_rather_than_zero() {
    // A tool's export whose groups have no configured line (team rules that give every
    // group line 2): the population is counted, the rate is NULL — not 0 %.
    let tickets = [Row { id: "A", first: "", opened: "2026-03-03 09:00", resolved: "2026-03-03 09:30", ..BASE }];
    let t = project("5a1-no-line", "[[teams]]\nname = \"Service Desk\"\nline = 2\n", &tickets, "", "2026-03-20 17:00");
    assert_eq!(
        rows(&t.db(), "SELECT population, ftr_count, ftr_rate IS NULL, first_line_configured FROM kpi_ftr_by_month"),
        "1,0,true,false"
    );
}

#[path = "edge_rules/not_computable.rs"]
mod not_computable;

#[path = "edge_rules/many_teams.rs"]
mod many_teams;

#[path = "edge_rules/export_end.rs"]
mod export_end;
