//! CAB settings (DESIGN §7): the portfolio file of candidate changes and projects, and the
//! weights of the score's terms. The score is a weighted sum of terms normalised to 0–1
//! (each candidate's value over the largest among candidates), so the CAB can read and
//! argue with every term.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::SettingError;

/// The terms of the CAB score, with their default weights.
pub const CAB_TERMS: &[(&str, f64)] = &[
    ("cooperation", 0.30), // municipalities that benefit
    ("incidents", 0.20),   // linked incidents in the last 12 months
    ("work_hours", 0.15),  // work spent on them
    ("breaches", 0.15),    // SLA breaches among them
    ("users", 0.10),       // distinct requesters affected
    ("trend", 0.10),       // growth: last 3 months over the 3 before
    ("effort", 0.0),       // estimated person-days (give it a negative weight to prefer small projects)
    ("payback", 0.15),     // months until the candidate's cost is paid back by the pain it removes
    ("technical", 0.10),   // technical need, end of support, growth of incidents on its CIs
    ("staffing", 0.10),    // how soon the teams that must do it can (greedy, by rank)
];

/// The four criteria of the organisation's process description ("cooperation potential,
/// economic, staffing and technical needs") as groups of terms, in the order shown.
pub const CAB_GROUPS: &[(&str, &[&str])] = &[
    ("cooperation", &["cooperation", "users"]),
    ("economics", &["payback", "work_hours", "incidents", "breaches"]),
    ("staffing", &["staffing", "effort"]),
    ("technical", &["technical", "trend"]),
];

/// The `[cab]` section.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct CabConfig {
    /// Portfolio, CSV or workbook: `id,title,customers,problems,services,cis,effort_days,cost`
    /// and optionally `teams` (who must do the work, `|`-separated), `technical_need` (0–5)
    /// and `end_of_support` (YYYY-MM-DD); lists separated by `|`.
    pub portfolio: Option<PathBuf>,
    /// Weight per term; terms left out keep their default.
    pub weights: BTreeMap<String, f64>,
    /// Internal cost of an hour of work, per resolving team or `*` (economics: the monthly
    /// cost of the pain a candidate addresses). None configured = no payback term.
    pub hourly_costs: BTreeMap<String, f64>,
    /// Cost counted per SLA breach among the addressed incidents (optional).
    pub cost_per_breach: Option<f64>,
    /// Person-days free for projects per team in each of the next four quarters: one number
    /// for every quarter, or four. None configured = no staffing term.
    pub capacity: BTreeMap<String, Capacity>,
}

/// A team's project capacity: the same every quarter, or one figure per quarter.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(untagged)]
pub enum Capacity {
    /// Person-days in each of the next four quarters.
    Each(f64),
    /// Person-days in the next four quarters, in order.
    Quarters(Vec<f64>),
}

impl Capacity {
    /// Person-days in quarters 1 to 4.
    pub fn quarters(&self) -> [f64; 4] {
        match self {
            Capacity::Each(d) => [*d; 4],
            Capacity::Quarters(q) => std::array::from_fn(|i| q.get(i).copied().unwrap_or(0.0)),
        }
    }
}

/// An amount configured as a number (`950`, `1250.5`), exactly in öre (hundredths); None
/// when it has more than 2 decimals. Money is never a float in the figures (§5a.13).
pub fn amount_ore(value: f64) -> Option<i128> {
    super::exact_decimal(value, 2)
}

impl Default for CabConfig {
    fn default() -> Self {
        CabConfig {
            portfolio: None,
            weights: CAB_TERMS.iter().map(|(t, w)| (t.to_string(), *w)).collect(),
            hourly_costs: BTreeMap::new(),
            cost_per_breach: None,
            capacity: BTreeMap::new(),
        }
    }
}

impl CabConfig {
    /// Fills left-out weights with the defaults and checks the names.
    pub fn with_defaults_filled(mut self) -> Result<CabConfig, SettingError> {
        for (term, w) in CAB_TERMS {
            self.weights.entry(term.to_string()).or_insert(*w);
        }
        for (term, w) in &self.weights {
            if !CAB_TERMS.iter().any(|(t, _)| t == term) {
                let known: Vec<&str> = CAB_TERMS.iter().map(|(t, _)| *t).collect();
                let rule = format!("not a term of the score ({})", known.join(", "));
                return Err(SettingError::value("[cab.weights]", format!("'{term}'"), rule));
            }
            if !w.is_finite() {
                return Err(SettingError::value(format!("[cab.weights] {term}"), w, "must be a number"));
            }
        }
        for (team, cost) in &self.hourly_costs {
            if *cost < 0.0 || amount_ore(*cost).is_none() {
                let rule = "an amount ≥ 0 with at most 2 decimals";
                return Err(SettingError::value(format!("[cab.hourly_costs] '{team}'"), cost, rule));
            }
        }
        if let Some(cost) = self.cost_per_breach {
            if cost < 0.0 || amount_ore(cost).is_none() {
                let rule = "an amount ≥ 0 with at most 2 decimals";
                return Err(SettingError::value("[cab] cost_per_breach", cost, rule));
            }
        }
        for (team, capacity) in &self.capacity {
            let ok = match capacity {
                Capacity::Each(d) => d.is_finite() && *d >= 0.0,
                Capacity::Quarters(q) => q.len() == 4 && q.iter().all(|d| d.is_finite() && *d >= 0.0),
            };
            if !ok {
                let rule = "person-days ≥ 0, one number or four (one per quarter)";
                return Err(SettingError::key(format!("[cab.capacity] '{team}'"), rule));
            }
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_read_exactly_and_capacity_per_quarter() {
        assert_eq!(amount_ore(950.0), Some(95_000));
        assert_eq!(amount_ore(0.1), Some(10));
        assert_eq!(amount_ore(1250.55), Some(125_055));
        assert_eq!(amount_ore(0.125), None);
        assert_eq!(Capacity::Each(20.0).quarters(), [20.0; 4]);
        assert_eq!(Capacity::Quarters(vec![1.0, 2.0, 3.0, 4.0]).quarters(), [1.0, 2.0, 3.0, 4.0]);
        let bad = CabConfig { capacity: [("A".into(), Capacity::Quarters(vec![1.0]))].into(), ..CabConfig::default() };
        assert!(bad.with_defaults_filled().unwrap_err().to_string().contains("four"));
    }
}
