//! The CAB portfolio: a CSV of candidate changes and projects (`id,title,customers,
//! problems,services,cis,effort_days,cost` and optionally `teams`, `technical_need`,
//! `end_of_support`; lists inside a cell separated by `|`) read into the `cfg_portfolio`,
//! `cfg_portfolio_link` and `cfg_portfolio_team` input tables. A portfolio without the
//! optional columns still reads: the terms they feed have no data.
//!
//! Must not: score candidates (SQL does); errors name file, row, column and value.

use std::path::Path;

use chrono::NaiveDate;

use crate::tabular::{
    read_table,
    text::{parse_decimal, parse_number},
    TableError,
};

/// One candidate.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Portfolio id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Customers that asked for it.
    pub customers: Vec<String>,
    /// (link type `problem` | `service` | `ci`, value) the candidate addresses.
    pub links: Vec<(&'static str, String)>,
    /// Estimated effort in person-days.
    pub effort_days: Option<f64>,
    /// Estimated cost, exactly, in öre (hundredths of the currency).
    pub cost: Option<i128>,
    /// Teams that must do the work (staffing), `|`-separated in the file.
    pub teams: Vec<String>,
    /// The IT team's judgement of technical need, 0–5.
    pub technical_need: Option<f64>,
    /// When what it replaces goes out of support.
    pub end_of_support: Option<NaiveDate>,
}

fn list(cell: &str) -> Vec<String> {
    cell.split('|').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect()
}

/// Reads and checks a portfolio file.
pub fn read(path: &Path) -> Result<Vec<Candidate>, TableError> {
    let want = [
        "id",
        "title",
        "customers",
        "problems",
        "services",
        "cis",
        "effort_days",
        "cost",
        "teams",
        "technical_need",
        "end_of_support",
    ];
    let table = read_table(path, "portfolio", &want[..2])?;
    let columns = table.columns(path, "portfolio", &want, 2, None)?;
    let mut out: Vec<Candidate> = Vec::new();
    for (line, fields) in &table.rows {
        let record = columns.record(*line, fields);
        let (cell, bad) = (|k| record.cell(k), |k, problem| record.bad(k, problem));
        let number = |k: usize| parse_number(cell(k)).map_err(|_| bad(k, "is not a number"));
        if cell(0).is_empty() {
            return Err(bad(0, "is empty"));
        }
        if out.iter().any(|c| c.id == cell(0)) {
            return Err(bad(0, "is used twice"));
        }
        let mut links = Vec::new();
        for (k, kind) in [(3, "problem"), (4, "service"), (5, "ci")] {
            links.extend(list(cell(k)).into_iter().map(|v| (kind, v)));
        }
        let cost = parse_decimal(cell(7), 2).map_err(|_| bad(7, "is not an amount (at most 2 decimals)"))?;
        let technical_need = number(9)?;
        if technical_need.is_some_and(|n| !(0.0..=5.0).contains(&n)) {
            return Err(bad(9, "is not between 0 and 5"));
        }
        let end_of_support = match cell(10) {
            "" => None,
            text => Some(NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| bad(10, "is not a date YYYY-MM-DD"))?),
        };
        out.push(Candidate {
            id: cell(0).to_string(),
            title: cell(1).to_string(),
            customers: list(cell(2)),
            links,
            effort_days: number(6)?,
            cost,
            teams: list(cell(8)),
            technical_need,
            end_of_support,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_lists_and_numbers_and_names_bad_cells() {
        let path = std::env::temp_dir().join(format!("itsm-portfolio-{}.csv", std::process::id()));
        std::fs::write(&path, "id;title;customers;problems;services;cis;effort_days;cost\nP1;Ny VPN;Kävlinge|Burlöv;PRB1;Nätverk;VPN-1 | VPN-2;40;350 000\n").unwrap();
        let c = read(&path).unwrap();
        assert_eq!(c[0].customers, ["Kävlinge", "Burlöv"]);
        assert_eq!(
            c[0].links,
            [
                ("problem", "PRB1".to_string()),
                ("service", "Nätverk".into()),
                ("ci", "VPN-1".into()),
                ("ci", "VPN-2".into())
            ]
        );
        assert_eq!((c[0].effort_days, c[0].cost), (Some(40.0), Some(35_000_000)));
        assert!(c[0].teams.is_empty() && c[0].technical_need.is_none() && c[0].end_of_support.is_none());
        std::fs::write(
            &path,
            "id,title,teams,technical_need,end_of_support\nP1,X,Infrastructure | Client Desktop,4,2027-06-30\n",
        )
        .unwrap();
        let c = read(&path).unwrap();
        assert_eq!(c[0].teams, ["Infrastructure", "Client Desktop"]);
        assert_eq!((c[0].technical_need, c[0].end_of_support), (Some(4.0), NaiveDate::from_ymd_opt(2027, 6, 30)));
        std::fs::write(&path, "id,title,technical_need\nP1,X,7\n").unwrap();
        assert!(read(&path)
            .unwrap_err()
            .to_string()
            .ends_with("column technical_need: value '7' is not between 0 and 5"));
        std::fs::write(&path, "id,title,effort_days\nP1,X,många\n").unwrap();
        assert!(read(&path)
            .unwrap_err()
            .to_string()
            .ends_with("row 2, column effort_days: value 'många' is not a number"));
    }
}
