//! The CAB report (issue 6) on the KPI fixture (tests/integration/kpi.rs describes its
//! tickets) with a three-candidate portfolio whose evidence, terms and scores are worked
//! out below; ties are broken by lower effort, then id.

use crate::{fixture, itsm, itsm_ok, rows, Tmp};

const PORTFOLIO: &str = "id;title;customers;problems;services;cis;effort_days;cost\n\
    X1;Fix the mail problem;;P1;;;20;100 000\n\
    X2;Replace printer PRN-07;;;;PRN-07;40;250 000\n\
    X3;New VPN;Kävlinge;;;VPN-1;10;80 000\n";

/// The KPI fixture with `portfolio` and `cab` (the `[cab]` configuration) added to its
/// itsm.toml, built as of 30 October 2026 17:00.
fn project(name: &str, cab: &str, portfolio: &str) -> Tmp {
    let t = Tmp::new(name);
    let config = std::fs::read_to_string(fixture("kpi-itsm.toml")).unwrap();
    std::fs::write(t.path("itsm.toml"), format!("{config}\n{cab}")).unwrap();
    std::fs::write(t.path("portfolio.csv"), portfolio).unwrap();
    itsm_ok(&t.0, &["ingest", &fixture("kpi-tickets.csv"), &fixture("kpi-history.csv")]);
    itsm_ok(&t.0, &["build", "--as-of", "2026-10-30 17:00"]);
    t
}

fn built(name: &str, weights: &str) -> Tmp {
    project(&format!("cab-{name}"), &format!("[cab]\nportfolio = \"portfolio.csv\"\n{weights}"), PORTFOLIO)
}

#[test]
fn evidence_terms_and_scores_are_the_hand_computed_ones() {
    let t = built("scores", "");
    let evidence = rows(
        &t.db(),
        "SELECT cab_rank, candidate_id, incidents, printf('%.4f', work_hours), breaches, customers_benefiting, users, trend, \
         printf('%.4f', score) FROM kpi_cab_candidate ORDER BY cab_rank",
    );
    // X1 (problem P1): A5, A6, C1; work 30 + 90 + 20 min; A6 breached; customers Kävlinge,
    // Staffanstorp, Burlöv; one requester; all 3 in the last 3 months (trend 3 − 0).
    // X2 (CI PRN-07): D1–D4, no work recorded, no breach, three customers, trend 4.
    // X3 (CI VPN-1): E1 (1 Sep), E2 (15 Oct), Staffanstorp plus the requesting Kävlinge.
    // Terms over the largest: cooperation 1, 1, 2/3; incidents 3/4, 1, 2/4; work 1, 0, 0;
    // breaches 1, 0, 0; users 1, 1, 1; trend 3/4, 1, 2/4.
    // Technical need (issue 20): no judgement or end of support in this portfolio, so only
    // the trend on the linked CIs: X2 4 (PRN-07), X3 2 (VPN-1) → 1, 2/4; X1 links no CI →
    // no data. Payback and staffing: no hourly costs or capacity configured → no data.
    // Weights 0.30, 0.20, 0.15, 0.15, 0.10, 0.10, technical 0.10:
    let x1 = 0.30 + 0.20 * 0.75 + 0.15 + 0.15 + 0.10 + 0.10 * 0.75;
    let x2 = 0.30 + 0.20 + 0.10 + 0.10 + 0.10;
    let x3 = 0.30 * 2.0 / 3.0 + 0.20 * 0.5 + 0.10 + 0.10 * 0.5 + 0.10 * 0.5;
    let want = [
        format!("1,X1,3,{:.4},1,3,1,3,{x1:.4}", 140.0 / 60.0),
        format!("2,X2,4,0.0000,0,3,1,4,{x2:.4}"),
        format!("3,X3,2,0.0000,0,2,1,2,{x3:.4}"),
    ];
    assert_eq!(evidence, want.join("\n"));
    // P1 is addressed by X1; no other problem has incidents.
    assert_eq!(rows(&t.db(), "SELECT count(*) FROM kpi_cab_unaddressed"), "0");

    itsm_ok(&t.0, &["report", "cab", "--out", "cab", "--lang", "en"]);
    let csv = std::fs::read_to_string(t.path("cab/cab.csv")).unwrap();
    assert!(csv.starts_with("cab_rank,candidate_id,title,"), "{csv}");
    assert_eq!(csv.lines().count(), 4);
    let html = std::fs::read_to_string(t.path("cab/cab.html")).unwrap();
    assert!(html.contains("Cooperation (municipalities)<br>weight 0.30"), "every term shows its weight");
}

#[test]
fn ties_go_to_lower_effort_and_an_earlier_as_of_narrows_the_window() {
    // Only users count: every candidate scores 1.0; lower effort first (X3 10, X1 20, X2 40).
    let weights =
        "[cab.weights]\ncooperation = 0\nincidents = 0\nwork_hours = 0\nbreaches = 0\ntrend = 0\ntechnical = 0\nusers = 1\n";
    let t = built("ties", weights);
    assert_eq!(
        rows(&t.db(), "SELECT string_agg(candidate_id, ' ' ORDER BY cab_rank) FROM kpi_cab_candidate"),
        "X3 X1 X2"
    );
    // As of 1 Oct 2026 only E1 (1 Sep) of the linked incidents had been opened.
    itsm_ok(&t.0, &["report", "cab", "--as-of", "2026-10-01 00:00", "--out", "early"]);
    let csv = std::fs::read_to_string(t.path("early/cab.csv")).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let x3: Vec<&str> = csv.lines().find(|l| l.contains(",X3,")).unwrap().split(',').collect();
    let col = |name: &str| x3[header.iter().position(|h| *h == name).unwrap()];
    assert_eq!(
        [col("effort_days"), col("cost"), col("incidents"), col("work_hours"), col("breaches")],
        ["10.0", "80000.00", "1", "0.0", "0"],
        "X3 has one incident as of 1 October"
    );
}

#[test]
fn an_as_of_outside_the_calendar_or_the_months_the_build_computed_is_refused() {
    // The build computed September and October 2026 (the first ticket to its as-of).
    let t = built("outside", "");
    let refused = |as_of: &str| {
        let out = itsm(&t.0, &["report", "cab", "--as-of", as_of, "--out", "cab"]);
        assert_eq!(out.status.code(), Some(2), "{as_of}: {out:?}");
        assert!(!t.path("cab").exists(), "{as_of}: cab.html written");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    // Past the calendar: refused as the Dispatcher's list refuses it (main ranked every
    // candidate on zero evidence).
    let stderr = refused("2090-06-01 12:00");
    assert!(
        stderr.contains("the as-of instant 2090-06-01 12:00 lies outside the calendar the build computed"),
        "{stderr}"
    );
    // Inside the calendar, but its 12 months hold the build's last months or none of them.
    for (as_of, month) in [("2027-03-01 12:00", "2027-03"), ("2026-08-15 12:00", "2026-08")] {
        let stderr = refused(as_of);
        let want = format!(
            "the month {month} lies outside the months the build computed, 2026-09 to 2026-10 (from the first \
             ticket opened to the build's as-of instant, 2026-10-30 17:00); give --as-of within them"
        );
        assert!(stderr.contains(&want), "{stderr}");
    }
}

/// Issue 20: the four criteria on four candidates (the KPI fixture's incidents, as of
/// Friday 30 October 2026 17:00).
const FOUR: &str = "id;title;customers;problems;services;cis;effort_days;cost;teams;technical_need;end_of_support\n\
    X1;Fix the mail problem;;P1;;;20;100 000;Infrastructure;2;\n\
    X2;Replace printer PRN-07;;;;PRN-07;40;250 000;Client Desktop|Infrastructure;;2027-04-30\n\
    X3;New VPN;Kävlinge;;;VPN-1;10;80 000;Infrastructure;4;\n\
    X4;Replace the ERP;;;;ERP-9;30;500 000;Business Systems;5;2026-06-30\n";

const FOUR_CONFIG: &str = "[cab]\nportfolio = \"portfolio.csv\"\ncost_per_breach = 1200\n\
    hourly_costs = { \"*\" = 600, \"Infrastructure\" = 900 }\n\
    capacity = { \"Infrastructure\" = 40, \"Client Desktop\" = [0, 10, 10, 10] }\n\
    [cab.weights]\ncooperation = 0.1\nincidents = 0\nwork_hours = 0.15\nbreaches = 0.15\nusers = 0.1\ntrend = 0.1\n\
    payback = 0.15\ntechnical = 0.1\nstaffing = 0.3\neffort = 0\n";

/// The KPI fixture with the four-candidate portfolio.
fn four_built(name: &str) -> Tmp {
    project(name, FOUR_CONFIG, FOUR)
}

#[test]
fn four_criteria_payback_staffing_technical_and_sensitivity_by_hand() {
    let t = four_built("cab-four");

    // Economics. X1's incidents A5 (30 min, Infrastructure: 900/h), A6 (90 min, Client
    // Desktop: '*' 600/h, breached), C1 (20 min, Service Desk: 600/h): 450 + 900 + 200 =
    // 1 550 kr in 12 months, plus 1 breach × 1 200 → (1 550 + 1 200) / 12 = 229,1666… →
    // 229,17 a month; payback 100 000 / 229,17 months. X2–X4's incidents carry no work and
    // no breach: the pain costs nothing, payback term 0.
    let payback_x1 = 100_000.0 / 229.17;
    assert_eq!(
        rows(
            &t.db(),
            "SELECT candidate_id, monthly_pain_cost, printf('%.4f', payback_months) FROM kpi_cab_candidate ORDER BY 1"
        ),
        format!("X1,229.17,{payback_x1:.4}\nX2,0.00,\nX3,0.00,\nX4,0.00,")
    );

    // Technical need: the mean of the parts each has. X1: 2/5. X2: end of support in 182
    // days → 1 − 182/730, and the trend on PRN-07 4 of the largest 4 → 1. X3: 4/5 and the
    // trend on VPN-1 2/4. X4: 5/5, out of support since June → 1, no incident on ERP-9 → 0.
    let tech = [0.4, (1.0 - 182.0 / 730.0 + 1.0) / 2.0, (0.8 + 0.5) / 2.0, (1.0 + 1.0 + 0.0) / 3.0];

    // Terms (see the first test for the evidence): cooperation 1, 1, 2/3, 0; work hours
    // 1, 0, 0, 0; breaches 1, 0, 0, 0; users 1, 1, 1, 0; trend 3/4, 1, 2/4, 0; payback 1, 0,
    // 0, 0. Weights 0.1, 0.15, 0.15, 0.1, 0.1, payback 0.15, technical 0.1 (incidents and
    // effort 0). Without staffing:
    let base = [
        0.1 + 0.15 + 0.15 + 0.1 + 0.1 * 0.75 + 0.15 + 0.1 * tech[0],
        0.1 + 0.1 + 0.1 + 0.1 * tech[1],
        0.1 * 2.0 / 3.0 + 0.1 + 0.1 * 0.5 + 0.1 * tech[2],
        0.1 * tech[3],
    ];
    // Staffing, planned in that order (X1, X2, X3, X4) from 2027 Q1: Infrastructure 40 a
    // quarter, Client Desktop 0, 10, 10, 10. X1: 20 days of Infrastructure (0–20] → Q1.
    // X2: 40 days shared, 20 each: Infrastructure (20–40] → Q1, Client Desktop (0–20] →
    // Q2 to Q3: starts Q1, done Q3. X3: Infrastructure (40–50] → Q2. X4: Business Systems has no
    // capacity → cannot be staffed. Term (5 − finish) / 4: 1, 0.5, 0.75, 0.
    let staffing = [1.0, 0.5, 0.75, 0.0];
    let score: Vec<f64> = (0..4).map(|i| base[i] + 0.3 * staffing[i]).collect();
    let got = rows(
        &t.db(),
        "SELECT cab_rank, candidate_id, printf('%.4f', term_technical), printf('%.2f', term_staffing), start_label, \
         finish_label, staffable, printf('%.6f', score) FROM kpi_cab_candidate ORDER BY cab_rank",
    );
    let want = [
        format!("1,X1,{:.4},1.00,2027 Q1,2027 Q1,true,{:.6}", tech[0], score[0]),
        format!("2,X2,{:.4},0.50,2027 Q1,2027 Q3,true,{:.6}", tech[1], score[1]),
        format!("3,X3,{:.4},0.75,2027 Q2,2027 Q2,true,{:.6}", tech[2], score[2]),
        format!("4,X4,{:.4},0.00,,,false,{:.6}", tech[3], score[3]),
    ];
    assert_eq!(got, want.join("\n"));

    // Sensitivity: staffing +50 % (0.45; all weights × 1.2 / 1.35 to keep their sum 1.2):
    // X2 (1.2/1.35) × (base 0.3875… + 0.45 × 0.5) falls below X3 (1.2/1.35) × (0.2817 + 0.45 ×
    // 0.75): they swap. No other variation moves any rank; X1 is first under all 16 (8
    // weights other than 0, each −50 % and +50 %).
    let k = 1.2 / 1.35;
    let (x2, x3) = (k * (base[1] + 0.45 * 0.5), k * (base[2] + 0.45 * 0.75));
    assert!(x3 > x2, "{x3} > {x2}");
    assert_eq!(
        rows(
            &t.db(),
            "SELECT term, change, string_agg(candidate_id, ' ' ORDER BY variation_rank) FROM kpi_cab_sensitivity \
             GROUP BY ALL HAVING string_agg(candidate_id, ' ' ORDER BY variation_rank) <> 'X1 X2 X3 X4' ORDER BY ALL"
        ),
        "staffing,+50%,X1 X3 X2 X4"
    );
    assert_eq!(
        rows(
            &t.db(),
            "SELECT candidate_id, max(variations), max(top3_variations), bool_or(robust_top3), max(variation_rank) \
             FROM kpi_cab_sensitivity GROUP BY 1 ORDER BY 1"
        ),
        "X1,16,16,true,1\nX2,16,16,true,3\nX3,16,16,true,3\nX4,16,0,false,4"
    );

    itsm_ok(&t.0, &["report", "cab", "--out", "cab", "--lang", "en"]);
    let csv = std::fs::read_to_string(t.path("cab/cab.csv")).unwrap();
    let header = csv.lines().next().unwrap();
    for column in [
        "term_payback",
        "w_payback",
        "payback_months",
        "monthly_pain_cost",
        "start_label",
        "finish_label",
        "term_staffing",
        "term_technical",
        "w_staffing",
    ] {
        assert!(header.split(',').any(|h| h == column), "cab.csv has {column}: {header}");
    }
    let html = std::fs::read_to_string(t.path("cab/cab.html")).unwrap();
    assert!(html.contains("cannot be staffed within four quarters"), "X4 is flagged");
    assert!(html.contains("How the ranking depends on the weights") && html.contains("robust"));
    assert!(html.contains("<svg") && html.contains("<title>Staffing:"), "score bars by term");
    assert!(html.contains(&format!("= {payback_x1:.2}")), "the payback arithmetic is shown");
}

#[test]
fn a_portfolio_without_the_new_columns_shows_no_data_for_their_terms() {
    let t = built("old-portfolio", "");
    // No costs configured, no teams, no capacity: payback and staffing have no data.
    assert_eq!(
        rows(&t.db(), "SELECT count(*) FILTER (WHERE term_payback IS NULL), count(*) FILTER (WHERE term_staffing IS NULL), count(*) FROM kpi_cab_candidate"),
        "3,3,3"
    );
    itsm_ok(&t.0, &["report", "cab", "--out", "cab", "--lang", "en"]);
    let html = std::fs::read_to_string(t.path("cab/cab.html")).unwrap();
    assert!(html.contains("no data"), "terms without data say so");
}

#[test]
fn the_cab_page_loads_in_chromium_without_console_errors_or_network_requests() {
    if !crate::report::chromium_available() {
        return;
    }
    let t = four_built("cab-chromium");
    itsm_ok(&t.0, &["report", "cab", "--out", "cab", "--lang", "en"]);
    let shots =
        std::env::var_os("ITSM_SCREENSHOT_DIR").map(std::path::PathBuf::from).unwrap_or_else(|| t.path("shots"));
    std::fs::create_dir_all(&shots).unwrap();
    let shot = shots.join("cab-en.png");
    let (requests, console) = crate::report::load_in_chromium(&t.path("cab/cab.html"), &shot);
    assert_eq!(requests, Vec::<String>::new(), "the CAB page made network requests");
    assert_eq!(console, Vec::<String>::new(), "the CAB page logged to the console");
    assert!(std::fs::metadata(&shot).unwrap().len() > 20_000, "a screenshot of the CAB page");
}
