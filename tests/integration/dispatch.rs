//! The Dispatcher's list and its breach forecast (issue 15, DESIGN §7a) on a hand-computed
//! project, the no-peeking rule, the backtest and the page.
//!
//! Calendar: the office calendar, Mon–Fri 08:00–17:00 Europe/Stockholm; times in the
//! fixture are local (CET, UTC+1, in March 2026; CEST, UTC+2, from 29 March). 2 March 2026
//! is a Monday; Good Friday is 3 April and Easter Monday 6 April 2026 (closed). Priority
//! high has the default target of 4 h = 240 business minutes. `[dispatch] min_sample = 3`.

use std::path::Path;

use crate::{itsm_ok, Tmp};

const HEADER: &str = "ticket_id,kind,title,customer,service,category,ci,channel,impact,urgency,priority,status,\
opened_at,first_response_at,resolved_at,closed_at,first_team,resolved_by_team,assigned_team,reassignment_count,\
reopen_count,problem_id,change_id,work_minutes,billable,request_item,requester,updated_at";

/// A high-priority incident held by `team` alone (flat row, never reassigned).
fn ticket(id: &str, team: &str, status: &str, opened: &str, resolved: &str) -> String {
    let updated = if resolved.is_empty() { opened } else { resolved };
    format!(
        "{id},incident,Skrivare {id},Kävlinge,Tjänst,Övrigt,,phone,,,high,{status},{opened},,{resolved},,\
         {team},{team},{team},0,0,,,,false,,Anna Berg,{updated}"
    )
}

/// The project: past tickets of Infrastructure (P1–P5) and Business Systems (Q1), open
/// tickets O1–O4, built as of 10 April 2026 17:00.
fn project(name: &str) -> Tmp {
    let t = Tmp::new(&format!("dispatch-{name}"));
    let rows = [
        // P1: Mon 2 Mar 09:00–10:00, 60 min, met (decided 2 Mar 10:00).
        ticket("P1", "Infrastructure", "resolved", "2026-03-02 09:00", "2026-03-02 10:00"),
        // P2: Mon 2 Mar 09:00–12:00, 180 min, met.
        ticket("P2", "Infrastructure", "resolved", "2026-03-02 09:00", "2026-03-02 12:00"),
        // P3: Tue 3 Mar 09:00–15:00, 360 min > 240: breached at 13:00 Tue.
        ticket("P3", "Infrastructure", "resolved", "2026-03-03 09:00", "2026-03-03 15:00"),
        // P4: Wed 4 Mar 09:00–14:00, 300 min > 240: breached at 13:00 Wed.
        ticket("P4", "Infrastructure", "resolved", "2026-03-04 09:00", "2026-03-04 14:00"),
        // P5: Fri 6 Mar 13:00–16:30, 210 min, met — decided at 16:30, after the 16:00 list.
        ticket("P5", "Infrastructure", "resolved", "2026-03-06 13:00", "2026-03-06 16:30"),
        // Q1: Business Systems, Wed 4 Mar 09:00–09:30, 30 min, met.
        ticket("Q1", "Business Systems", "resolved", "2026-03-04 09:00", "2026-03-04 09:30"),
        // O1: Infrastructure, open since Fri 6 Mar 14:00.
        ticket("O1", "Infrastructure", "open", "2026-03-06 14:00", ""),
        // O2: Business Systems, open since Fri 6 Mar 15:00.
        ticket("O2", "Business Systems", "open", "2026-03-06 15:00", ""),
        // O3: Infrastructure, open since Thu 2 Apr 15:00 (the day before Good Friday).
        ticket("O3", "Infrastructure", "open", "2026-04-02 15:00", ""),
        // O4: Infrastructure, opened Fri 6 Mar 13:00, pending (paused) from 14:00.
        ticket("O4", "Infrastructure", "pending", "2026-03-06 13:00", ""),
    ];
    std::fs::write(t.path("tickets.csv"), format!("{HEADER}\n{}\n", rows.join("\n"))).unwrap();
    std::fs::write(
        t.path("history.csv"),
        "ticket_id,occurred_at,kind,value,agent,minutes\nO4,2026-03-06 13:00,status,open,,\nO4,2026-03-06 14:00,status,pending,,\n",
    )
    .unwrap();
    std::fs::write(t.path("itsm.toml"), "[dispatch]\nmin_sample = 3\n").unwrap();
    let (tickets, history) = (t.path("tickets.csv").display().to_string(), t.path("history.csv").display().to_string());
    itsm_ok(&t.0, &["ingest", &tickets, &history]);
    itsm_ok(&t.0, &["build", "--as-of", "2026-04-10 17:00"]);
    t
}

/// kpi_dispatch at `instant` (UTC), evaluated as the report does (the model's SQL with its
/// instants bound), as text rows: ticket, team, state, used, paused, left, deadline (UTC),
/// probability (exact, 6 decimals), level, n.
fn forecast(db: &Path, instant: &str) -> Vec<String> {
    let store = itsm::store::Store::open_read_only(db).unwrap();
    let set = itsm::compute::load_models(None).unwrap();
    let model = &set.model("kpi_dispatch").unwrap().sql;
    let sql = format!(
        "WITH cfg_dispatch_as_of AS (SELECT CAST(? AS TIMESTAMP) AS as_of)
        SELECT ticket_id, team, state, used_minutes, paused_minutes, left_minutes,
            strftime(deadline_at, '%Y-%m-%d %H:%M'), printf('%.6f', breach_probability), forecast_level, sample_size
        FROM ({model}\n) AS k ORDER BY ticket_id"
    );
    let table = store.query_table_with(&sql, &[instant]).unwrap();
    table.rows.iter().map(|r| r.iter().map(ToString::to_string).collect::<Vec<_>>().join(",")).collect()
}

#[test]
fn the_forecast_is_the_breached_share_of_past_tickets_that_reached_the_same_clock() {
    let t = project("fixture");
    // Fri 6 Mar 16:00 local = 15:00 UTC.
    let got = forecast(&t.db(), "2026-03-06 15:00");
    assert_eq!(
        got,
        [
            // O1 (Infrastructure, running): used 14:00–16:00 = 120, left 240 − 120 = 120.
            // Deadline: 16:00–17:00 Fri = 60, the weekend is closed, Mon 9 Mar 08:00 + 60 =
            // 09:00 local = 08:00 UTC. Past Infrastructure/high tickets decided before 16:00
            // that used at least 120: P2 (180, met), P3 and P4 (breached); P1 used 60 only;
            // P5 is decided at 16:30. n = 3 ≥ 3 → team_priority, 2 / 3.
            "O1,Infrastructure,running,120.0,0.0,120.0,2026-03-09 08:00,0.666667,team_priority,3",
            // O2 (Business Systems, running): used 15:00–16:00 = 60, left 180: Fri 16–17 = 60,
            // Mon 08:00 + 120 = 10:00 local = 09:00 UTC. Business Systems/high: Q1 used 30 <
            // 60 → n = 0 < 3; priority high: P1 (exactly 60: at least 60), P2, P3, P4 →
            // n = 4, 2 breached → 2 / 4.
            "O2,Business Systems,running,60.0,0.0,180.0,2026-03-09 09:00,0.500000,priority,4",
            // O4 (Infrastructure, paused since 14:00): used 13:00–14:00 = 60, paused 120, left
            // 180 → the same deadline as O2 if the clock runs again now. Paused tickets are
            // compared with past tickets that paused having used at least 60: none of the
            // flat P/Q tickets ever paused → n = 0 at every level: too_few, no probability.
            "O4,Infrastructure,paused,60.0,120.0,180.0,2026-03-09 09:00,,too_few,0",
            // P5 (open at 16:00, running since 13:00): used 180, left 60 → 17:00 Fri =
            // 16:00 UTC. Infrastructure/high that used at least 180: P2 (exactly 180), P3,
            // P4 → 2 / 3.
            "P5,Infrastructure,running,180.0,0.0,60.0,2026-03-06 16:00,0.666667,team_priority,3",
        ]
    );
}

#[test]
fn no_peeking_a_ticket_decided_after_the_instant_is_left_out() {
    let t = project("peek");
    // At 16:00 P5 is still open (met only at 16:30): O1's sample is P2, P3, P4 → 2 / 3
    // (above). At 16:45 local (15:45 UTC) P5 is decided (met, 210 min); O1 has used
    // 14:00–16:45 = 165 and P2 (180), P3, P4, P5 (210) all reached 165 → n = 4, 2 / 4.
    let at_1645 = forecast(&t.db(), "2026-03-06 15:45");
    let o1 = at_1645.iter().find(|r| r.starts_with("O1,")).unwrap();
    assert_eq!(o1, "O1,Infrastructure,running,165.0,0.0,75.0,2026-03-09 08:00,0.500000,team_priority,4");
    let at_1600 = forecast(&t.db(), "2026-03-06 15:00");
    assert!(at_1600[0].ends_with("0.666667,team_priority,3"), "{at_1600:?}");
}

#[test]
fn a_deadline_across_easter_skips_good_friday_the_weekend_and_easter_monday() {
    let t = project("easter");
    // Thu 2 Apr 16:00 CEST = 14:00 UTC. O3 used 15:00–16:00 = 60, left 180: Thu 16–17 =
    // 60; Fri 3 Apr (Good Friday), the weekend and Mon 6 Apr (Easter Monday) are closed;
    // Tue 7 Apr 08:00 + 120 = 10:00 CEST = 08:00 UTC. Its sample: Infrastructure/high
    // decided before then with at least 60 used: P1, P2, P5 (met), P3, P4 (breached), O1
    // (breached open since Mon 9 Mar 09:00) and O4 (pending, still within target: not
    // decided) → n = 6, 3 breached → 1 / 2.
    let got = forecast(&t.db(), "2026-04-02 14:00");
    let o3 = got.iter().find(|r| r.starts_with("O3,")).unwrap();
    assert_eq!(o3, "O3,Infrastructure,running,60.0,0.0,180.0,2026-04-07 08:00,0.500000,team_priority,6");
    // O1 is past its target by then: probability 1, the deadline the instant it ran out
    // (Mon 9 Mar 09:00 local = 08:00 UTC), left = 240 − used.
    let o1 = got.iter().find(|r| r.starts_with("O1,")).unwrap();
    assert!(o1.contains(",2026-03-09 08:00,1.000000,breached,"), "{o1}");
}

#[test]
fn the_csv_has_the_list_s_columns_and_rows_sorted_by_risk() {
    let t = project("csv");
    let csv = itsm_ok(&t.0, &["report", "dispatch", "--as-of", "2026-03-06 16:00", "--format", "csv"]);
    let mut lines = csv.lines();
    insta::assert_snapshot!(
        format!("{}\n{}", lines.next().unwrap(), lines.next().unwrap()),
        @"
    ticket_id,title,customer,team,team_line,priority,state,target_minutes,used_minutes,paused_minutes,left_minutes,deadline,pct_used,breach_probability,forecast_level,sample_size
    P5,Skrivare P5,Kävlinge,Infrastructure,2,high,running,240.0,180.0,0.0,60.0,2026-03-06 17:00,0.75,0.6667,team_priority,3
    "
    );
    // Sorted by probability, then deadline: O1 and P5 (2/3; P5's deadline first), O2, O4.
    let order: Vec<&str> = csv.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(order, ["P5", "O1", "O2", "O4"]);
    // --team keeps the team's tickets only.
    let infra = itsm_ok(
        &t.0,
        &["report", "dispatch", "--as-of", "2026-03-06 16:00", "--format", "csv", "--team", "Business Systems"],
    );
    assert_eq!(infra.lines().count(), 2, "{infra}");
    // The deadlines are shown in the zone the build computed in: a configuration edited
    // since (not yet built) does not move them an hour.
    let at = ["report", "dispatch", "--as-of", "2026-03-06T15:00:00Z", "--format", "csv"];
    let before = itsm_ok(&t.0, &at);
    assert!(before.contains("2026-03-06 17:00"), "{before}");
    std::fs::write(t.path("itsm.toml"), "timezone = \"Europe/London\"\n[dispatch]\nmin_sample = 3\n").unwrap();
    assert_eq!(itsm_ok(&t.0, &at), before, "the build's zone, not the edited configuration's");
}

#[test]
fn a_paused_ticket_is_compared_with_past_tickets_that_paused_having_used_as_much() {
    let t = Tmp::new("dispatch-paused");
    let rows = [
        // R1: Mon 2 Mar 09:00 open, 10:00 pending (clock at 60), 11:00 open, resolved
        // 14:00: used 60 + 180 = 240 = target → met. Its last pause began at 60.
        ticket("R1", "Client Desktop", "resolved", "2026-03-02 09:00", "2026-03-02 14:00"),
        // R2: Tue 3 Mar 09:00 open, 09:30 pending (clock at 30), 10:00 open, resolved 15:00:
        // used 30 + 300 = 330 > 240 → breached (at 14:00 Tue). Its last pause began at 30.
        ticket("R2", "Client Desktop", "resolved", "2026-03-03 09:00", "2026-03-03 15:00"),
        // R3: Wed 4 Mar 09:00–11:00, never paused, 120 → met.
        ticket("R3", "Client Desktop", "resolved", "2026-03-04 09:00", "2026-03-04 11:00"),
        // O5: Thu 5 Mar 09:00 open, 09:45 pending: paused at 45.
        ticket("O5", "Client Desktop", "pending", "2026-03-05 09:00", ""),
        // O6: Thu 5 Mar 09:15 open, running.
        ticket("O6", "Client Desktop", "open", "2026-03-05 09:15", ""),
    ];
    std::fs::write(t.path("tickets.csv"), format!("{HEADER}\n{}\n", rows.join("\n"))).unwrap();
    let history = "ticket_id,occurred_at,kind,value,agent,minutes
R1,2026-03-02 09:00,status,open,,
R1,2026-03-02 10:00,status,pending,,
R1,2026-03-02 11:00,status,open,,
R1,2026-03-02 14:00,status,resolved,,
R2,2026-03-03 09:00,status,open,,
R2,2026-03-03 09:30,status,pending,,
R2,2026-03-03 10:00,status,open,,
R2,2026-03-03 15:00,status,resolved,,
O5,2026-03-05 09:00,status,open,,
O5,2026-03-05 09:45,status,pending,,
";
    std::fs::write(t.path("history.csv"), history).unwrap();
    std::fs::write(t.path("itsm.toml"), "[dispatch]\nmin_sample = 1\n").unwrap();
    let (tickets, history) = (t.path("tickets.csv").display().to_string(), t.path("history.csv").display().to_string());
    itsm_ok(&t.0, &["ingest", &tickets, &history]);
    itsm_ok(&t.0, &["build", "--as-of", "2026-03-06 17:00"]);
    // Thu 5 Mar 10:00 local = 09:00 UTC.
    let got = forecast(&t.db(), "2026-03-05 09:00");
    assert_eq!(
        got,
        [
            // O5: used 45, paused 15, left 195: 10:00 + 195 = 13:15 local = 12:15 UTC. Past
            // tickets that reached 45 and paused having used at least 45: R1 only (R2 last
            // paused at 30, R3 never) → 0 / 1.
            "O5,Client Desktop,paused,45.0,15.0,195.0,2026-03-05 12:15,0.000000,team_priority,1",
            // O6: used 45 (09:15–10:00), left 195 → 12:15 UTC too. Every past ticket that
            // reached 45: R1 (240), R2 (breached, counted to its target), R3 (120) → 1 / 3.
            "O6,Client Desktop,running,45.0,0.0,195.0,2026-03-05 12:15,0.333333,team_priority,3",
        ]
    );
}

#[test]
fn the_backtest_scores_the_forecast_against_the_naive_one_by_hand() {
    let t = Tmp::new("dispatch-brier");
    let store = itsm::store::Store::open(&t.db()).unwrap();
    let set = itsm::compute::load_models(None).unwrap();
    // Forecasts (state, p, % used, level) and outcomes, bound in place of the two tables.
    let bound = "WITH kpi_dispatch AS (
        SELECT * FROM (VALUES
            ('s', 'A', 'running', 0.8, 0.5, 'team_priority'),
            ('s', 'B', 'running', 0.2, 0.9, 'priority'),
            ('s', 'C', 'paused', 0.5, 0.1, 'all'),
            ('s', 'D', 'paused', NULL, 0.2, 'too_few'),
            ('s', 'E', 'running', 1.0, 1.3, 'breached'),
            ('s', 'F', 'running', 0.3, 0.4, 'priority')
        ) AS k(source, ticket_id, state, breach_probability, pct_used, forecast_level)),
    fct_ticket_sla AS (
        SELECT * FROM (VALUES ('s', 'A', 'breached'), ('s', 'B', 'met'), ('s', 'C', 'met'), ('s', 'D', 'met'),
            ('s', 'E', 'breached_open'), ('s', 'F', 'open')) AS s(source, ticket_id, outcome))";
    let scores = &set.model("kpi_dispatch_backtest").unwrap().sql;
    let scored = &set.model("kpi_dispatch_scored").unwrap().sql;
    let got = store
        .query_text(&format!(
            "{bound}, kpi_dispatch_scored AS ({scored}\n) SELECT state, forecasts, breached, printf('%.6f', brier), printf('%.6f', naive_brier), beats_naive \
             FROM ({scores}\n) AS s ORDER BY state"
        ))
        .unwrap();
    // Scored: A (y = 1), B and C (y = 0); D has no forecast, E was already breached, F's
    // outcome is not known. Running: A (0.8 − 1)² = 0.04, B 0.2² = 0.04 → 0.04; naive
    // (0.5 − 1)² = 0.25, 0.9² = 0.81 → 0.53: beats it. Paused: C 0.5² = 0.25 against
    // 0.1² = 0.01: does not. All: (0.04 + 0.04 + 0.25) / 3 = 0.11 against
    // (0.25 + 0.81 + 0.01) / 3 = 0.356667.
    let got: Vec<String> = got.iter().map(|r| r.join(",")).collect();
    assert_eq!(
        got,
        ["all,3,1,0.110000,0.356667,true", "paused,1,0,0.250000,0.010000,false", "running,2,1,0.040000,0.530000,true"]
    );
    let reliability = &set.model("kpi_dispatch_reliability").unwrap().sql;
    let got = store
        .query_text(&format!(
            "{bound}, kpi_dispatch_scored AS ({scored}\n) SELECT state, decile, forecasts, mean_forecast, observed_share, naive_mean \
             FROM ({reliability}\n) AS r WHERE state = 'all' ORDER BY decile"
        ))
        .unwrap();
    let got: Vec<String> = got.iter().map(|r| r.join(",")).collect();
    // B in decile 2 (0.2), C in 5 (0.5), A in 8 (0.8).
    assert_eq!(got, ["all,2,1,0.2,0.0,0.9", "all,5,1,0.5,0.0,0.1", "all,8,1,0.8,1.0,0.5"]);
}

#[test]
fn the_backtest_replays_every_business_day_and_the_page_hides_what_does_not_beat_naive() {
    let t = project("backtest");
    // March 2026 has 22 weekdays and no holiday: 22 instants at 12:00.
    let out =
        itsm_ok(&t.0, &["report", "dispatch", "--backtest", "--from", "2026-03", "--to", "2026-03", "--out", "bt"]);
    assert!(out.contains("backtest 2026-03 – 2026-03: 22 business days at 12:00"), "{out}");
    let csv = std::fs::read_to_string(t.path("bt/backtest.csv")).unwrap();
    assert!(csv.starts_with("state,decile,forecasts,breached,mean_forecast,observed_share,naive_mean,brier"), "{csv}");
    // The page: no script, the backtest's section, and where the forecast does not beat
    // the naive one (paused: no scored forecast at all here) the page says so.
    let page = std::fs::read_to_string(t.path("bt/dispatch.html")).unwrap();
    assert!(!page.contains("<script"));
    assert!(page.contains("How well the forecast holds") || page.contains("Hur väl prognosen stämmer"));
    assert!(
        page.contains("pausade ärenden slog prognosen inte den naiva"),
        "the page says the paused forecast is hidden"
    );
}

#[test]
fn the_dispatch_page_loads_in_chromium_without_console_errors_or_network_requests() {
    if !crate::report::chromium_available() {
        return;
    }
    let t = Tmp::new("dispatch-chromium");
    let root = env!("CARGO_MANIFEST_DIR");
    let (tickets, history) = (format!("{root}/sample-data/tickets.csv"), format!("{root}/sample-data/history.csv"));
    itsm_ok(&t.0, &["ingest", &tickets, &history, "--source", "sample", "--profile", "generic"]);
    itsm_ok(&t.0, &["build"]);
    let shots =
        std::env::var_os("ITSM_SCREENSHOT_DIR").map(std::path::PathBuf::from).unwrap_or_else(|| t.path("shots"));
    std::fs::create_dir_all(&shots).unwrap();
    for lang in ["sv", "en"] {
        itsm_ok(
            &t.0,
            &["report", "dispatch", "--as-of", "2026-10-30 12:00", "--format", "html", "--lang", lang, "--out", lang],
        );
        let page = t.path(&format!("{lang}/dispatch.html"));
        let text = std::fs::read_to_string(&page).unwrap();
        assert!(text.contains("INC0002741"), "an open ticket of the sample is listed");
        let shot = shots.join(format!("dispatch-{lang}.png"));
        let (requests, console) = crate::report::load_in_chromium(&page, &shot);
        assert_eq!(requests, Vec::<String>::new(), "the {lang} page made network requests");
        assert_eq!(console, Vec::<String>::new(), "the {lang} page logged to the console");
        assert!(std::fs::metadata(&shot).unwrap().len() > 20_000, "a screenshot of the {lang} page");
    }
}
