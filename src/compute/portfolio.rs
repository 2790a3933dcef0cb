//! The CAB portfolio: a CSV of candidate changes and projects (`id,title,customers,
//! problems,services,cis,effort_days,cost`; lists inside a cell separated by `|`) read into
//! the `cfg_portfolio` and `cfg_portfolio_link` input tables.
//!
//! Must not: score candidates (SQL does); errors name file, row, column and value.

use std::path::Path;

use crate::ingest::{csv, values::parse_number};

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
    /// Estimated cost.
    pub cost: Option<f64>,
}

fn list(cell: &str) -> Vec<String> {
    cell.split('|').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect()
}

/// Reads and checks a portfolio file.
pub fn read(path: &Path) -> Result<Vec<Candidate>, String> {
    let file = path.display();
    let (header, records) = csv::read_table(path, "portfolio")?;
    let want = ["id", "title", "customers", "problems", "services", "cis", "effort_days", "cost"];
    let idx: Vec<Option<usize>> = want.iter().map(|w| header.iter().position(|h| h == w)).collect();
    for (w, i) in want[..2].iter().zip(&idx) {
        if i.is_none() {
            return Err(format!("portfolio '{file}' has no column '{w}' (columns: {})", header.join(", ")));
        }
    }
    let mut out: Vec<Candidate> = Vec::new();
    for (line, fields) in &records {
        let cell = |k: usize| idx[k].and_then(|i| fields.get(i)).map(String::as_str).unwrap_or("");
        let number = |k: usize| -> Result<Option<f64>, String> {
            parse_number(cell(k))
                .map_err(|_| format!("{file}: row {}, column {}: value '{}' is not a number", line, want[k], cell(k)))
        };
        if cell(0).is_empty() {
            return Err(format!("{file}: row {}, column id: value '' is empty", line));
        }
        if out.iter().any(|c| c.id == cell(0)) {
            return Err(format!("{file}: row {}, column id: value '{}' is used twice", line, cell(0)));
        }
        let mut links = Vec::new();
        for (k, kind) in [(3, "problem"), (4, "service"), (5, "ci")] {
            links.extend(list(cell(k)).into_iter().map(|v| (kind, v)));
        }
        out.push(Candidate {
            id: cell(0).to_string(),
            title: cell(1).to_string(),
            customers: list(cell(2)),
            links,
            effort_days: number(6)?,
            cost: number(7)?,
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
        assert_eq!((c[0].effort_days, c[0].cost), (Some(40.0), Some(350000.0)));
        std::fs::write(&path, "id,title,effort_days\nP1,X,många\n").unwrap();
        assert!(read(&path).unwrap_err().ends_with("row 2, column effort_days: value 'många' is not a number"));
    }
}
