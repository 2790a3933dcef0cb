//! The CAB report (issue 6) on the KPI fixture (tests/integration/kpi.rs describes its
//! tickets) with a three-candidate portfolio whose evidence, terms and scores are worked
//! out below; ties are broken by lower effort, then id.

use crate::{fixture, itsm_ok, rows, Tmp};

const PORTFOLIO: &str = "id;title;customers;problems;services;cis;effort_days;cost\n\
    X1;Fix the mail problem;;P1;;;20;100 000\n\
    X2;Replace printer PRN-07;;;;PRN-07;40;250 000\n\
    X3;New VPN;Kävlinge;;;VPN-1;10;80 000\n";

fn built(name: &str, weights: &str) -> Tmp {
    let t = Tmp::new(&format!("cab-{name}"));
    let config = std::fs::read_to_string(fixture("kpi-itsm.toml")).unwrap();
    std::fs::write(t.path("itsm.toml"), format!("{config}\n[cab]\nportfolio = \"portfolio.csv\"\n{weights}")).unwrap();
    std::fs::write(t.path("portfolio.csv"), PORTFOLIO).unwrap();
    itsm_ok(&t.0, &["ingest", &fixture("kpi-tickets.csv"), &fixture("kpi-history.csv")]);
    itsm_ok(&t.0, &["build", "--as-of", "2026-10-30 17:00"]);
    t
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
    // Weights 0.30, 0.20, 0.15, 0.15, 0.10, 0.10:
    let x1 = 0.30 + 0.20 * 0.75 + 0.15 + 0.15 + 0.10 + 0.10 * 0.75;
    let x2 = 0.30 + 0.20 + 0.10 + 0.10;
    let x3 = 0.30 * 2.0 / 3.0 + 0.20 * 0.5 + 0.10 + 0.10 * 0.5;
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
    let weights = "[cab.weights]\ncooperation = 0\nincidents = 0\nwork_hours = 0\nbreaches = 0\ntrend = 0\nusers = 1\n";
    let t = built("ties", weights);
    assert_eq!(
        rows(&t.db(), "SELECT string_agg(candidate_id, ' ' ORDER BY cab_rank) FROM kpi_cab_candidate"),
        "X3 X1 X2"
    );
    // As of 1 Oct 2026 only E1 (1 Sep) of the linked incidents had been opened.
    itsm_ok(&t.0, &["report", "cab", "--as-of", "2026-10-01 00:00", "--out", "early"]);
    let csv = std::fs::read_to_string(t.path("early/cab.csv")).unwrap();
    let x3 = csv.lines().find(|l| l.contains(",X3,")).unwrap();
    assert!(x3.contains(",10.0,80000.0,1,0.0,0,"), "X3 has one incident as of 1 October: {x3}");
}
