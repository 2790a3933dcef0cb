//! Issue 23: a report over many teams stays legible. 40 resolve teams, team n holding n
//! incidents (so the ranking by volume is known: teams 29–40 are the top 12); each team's
//! odd-numbered incidents breach (resolved 6 business hours after opening, target 4 h),
//! the others are met in 30 minutes. Charts and tables over teams show the 12 largest and
//! one "other (28 teams)" bar or row; counts of the other row are the sum of the rest, its
//! rates are recomputed from the summed counts; the appendix and kpi.json keep every team.

use super::{project, Row, BASE};
use crate::{itsm_ok, rows};

fn team(n: usize) -> &'static str {
    Box::leak(format!("Assignment group with a long name {n:02}").into_boxed_str())
}

/// The 40 teams' tickets and assignment history.
fn forty_teams() -> (Vec<Row>, String) {
    let (mut tickets, mut history) = (Vec::new(), String::new());
    for n in 1..=40 {
        for j in 1..=n {
            let id: &'static str = Box::leak(format!("T{n:02}-{j:02}").into_boxed_str());
            // Weekdays of March 2026 from Monday 2 March, 09:00.
            let day = 2 + (j - 1) % 5 + 7 * ((j - 1) / 5 % 3);
            let opened: &'static str = Box::leak(format!("2026-03-{day:02} 09:00").into_boxed_str());
            let resolved =
                if j % 2 == 1 { format!("2026-03-{day:02} 15:00") } else { format!("2026-03-{day:02} 09:30") };
            let resolved: &'static str = Box::leak(resolved.into_boxed_str());
            let t = team(n);
            tickets.push(Row { id, ci: id, opened, resolved, first: t, resolver: t, assigned: t, ..BASE });
            history.push_str(&format!("{id},{opened},assignment,{t},Agent A,\n"));
        }
    }
    (tickets, history)
}

#[test]
fn issue_23_forty_teams_draw_twelve_bars_and_one_other_bar_that_adds_up() {
    let (tickets, history) = forty_teams();
    let p = project("23-forty", "", &tickets, &history, "2026-03-31 17:00");
    itsm_ok(&p.0, &["report", "monthly", "--month", "2026-03", "--lang", "en", "--out", "r"]);
    let html = std::fs::read_to_string(p.path("r/monthly.html")).unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(p.path("r/kpi.json")).unwrap()).unwrap();
    let figure = |query: &str, kind: &str| {
        json["figures"].as_array().unwrap().iter().find(|f| f["query"] == query && f["kind"] == kind).unwrap().clone()
    };

    // SLA by team: 13 bars, the top 12 in name order, then the other bar.
    let sla = figure("kpi_sla_by_team_top_month", "bar");
    let x: Vec<&str> = sla["x"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(x.len(), 13, "{x:?}");
    assert_eq!(x[0], team(29));
    assert_eq!(x[11], team(40));
    assert_eq!(x[12], "other (28 teams)");
    // Teams 1–28 hold 406 incidents, of which (odd j) 2·(1 + … + 14) = 210 breach: compliance of
    // the rest = 196 / 406, recomputed from the counts, not an average of 28 rates.
    let other = sla["series"][0]["values"][12].as_f64().unwrap();
    assert!((other - 196.0 / 406.0).abs() < 1e-12, "{other}");

    // The full list stays in kpi.json (the appendix), and the other row's counts are its sum.
    let full = figure("kpi_sla_by_team_month", "table");
    let all = full["rows"].as_array().unwrap();
    assert_eq!(all.len(), 40);
    let count = |row: &serde_json::Value, i: usize| row[i].as_str().unwrap().parse::<i64>().unwrap();
    let rest: Vec<&serde_json::Value> =
        all.iter().filter(|r| (1..=28).any(|n| r[0].as_str() == Some(team(n)))).collect();
    let (met, breached): (i64, i64) = (rest.iter().map(|r| count(r, 2)).sum(), rest.iter().map(|r| count(r, 3)).sum());
    assert_eq!((met, breached), (196, 210));
    let top = figure("kpi_sla_by_team_top_month", "table");
    let top_rows = top["rows"].as_array().unwrap();
    assert_eq!(top_rows.len(), 13);
    let other_row = top_rows.iter().find(|r| r[0] == "other (28 teams)").unwrap();
    assert_eq!((count(other_row, 2), count(other_row, 3)), (met, breached), "{other_row}");

    // OLA: 13 bars as well; the other holdings are the sum of the rest, the mean is theirs.
    let ola = figure("kpi_ola_by_team_top_month", "bar");
    assert_eq!(ola["x"].as_array().unwrap().len(), 13, "{ola}");
    assert_eq!(ola["x"][12], "other (28 teams)");
    assert_eq!(
        rows(
            &p.db(),
            "SELECT o.segments = (SELECT sum(segments) FROM kpi_ola_by_team_month WHERE team < 'Assignment group with a long name 29'), \
             o.running_minutes_mean = (SELECT avg(CAST(g.running_minutes AS DECIMAL(18, 6))) FROM fct_assignment_segment AS g \
             WHERE g.team < 'Assignment group with a long name 29') \
             FROM kpi_ola_by_team_top_month AS o WHERE o.other_teams = 28"
        ),
        "true,true"
    );

    // Long axis labels are shortened; the full name stays in the SVG as a <title>.
    assert!(html.contains(&format!("<title>{}</title>", team(40))), "no full-name title");
    assert!(html.contains("other (28 teams)"));
}

/// `[kpi] top_teams` sets how many teams keep their own bar: with 5, teams 36–40 and one
/// other bar of 35 teams, whose counts are the sum of the rest and whose rate is theirs.
#[test]
fn top_teams_sets_how_many_teams_keep_their_own_bar() {
    let (tickets, history) = forty_teams();
    let p = project("23-top5", "[kpi]\ntop_teams = 5\n", &tickets, &history, "2026-03-31 17:00");
    itsm_ok(&p.0, &["report", "monthly", "--month", "2026-03", "--lang", "en", "--out", "r"]);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(p.path("r/kpi.json")).unwrap()).unwrap();
    let figure = |query: &str| {
        json["figures"].as_array().unwrap().iter().find(|f| f["query"] == query && f["kind"] == "bar").unwrap().clone()
    };
    let sla = figure("kpi_sla_by_team_top_month");
    let x: Vec<&str> = sla["x"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    let mut want: Vec<&str> = (36..=40).map(team).collect();
    want.push("other (35 teams)");
    assert_eq!(x, want);
    // Teams 1–35 hold 630 incidents, of which (odd j) 2·(1 + … + 17) + 18 = 324 breach.
    let other = sla["series"][0]["values"][5].as_f64().unwrap();
    assert!((other - 306.0 / 630.0).abs() < 1e-12, "{other}");
    assert_eq!(figure("kpi_ola_by_team_top_month")["x"].as_array().unwrap().len(), 6);
    assert_eq!(
        rows(&p.db(), "SELECT other_teams, met, breached, outcomes FROM kpi_sla_by_team_top_month WHERE team IS NULL"),
        "35,306,324,630"
    );
}
