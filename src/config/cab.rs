//! CAB settings (DESIGN §7): the portfolio file of candidate changes and projects, and the
//! weights of the score's terms. The score is a weighted sum of terms normalised to 0–1
//! (each candidate's value over the largest among candidates), so the CAB can read and
//! argue with every term.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;

/// The terms of the CAB score, with their default weights.
pub const CAB_TERMS: &[(&str, f64)] = &[
    ("cooperation", 0.30), // municipalities that benefit
    ("incidents", 0.20),   // linked incidents in the last 12 months
    ("work_hours", 0.15),  // work spent on them
    ("breaches", 0.15),    // SLA breaches among them
    ("users", 0.10),       // distinct requesters affected
    ("trend", 0.10),       // growth: last 3 months over the 3 before
    ("effort", 0.0),       // estimated person-days (give it a negative weight to prefer small projects)
];

/// The `[cab]` section.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct CabConfig {
    /// Portfolio, CSV or workbook: `id,title,customers,problems,services,cis,effort_days,cost`
    /// (lists separated by `|`).
    pub portfolio: Option<PathBuf>,
    /// Weight per term; terms left out keep their default.
    pub weights: BTreeMap<String, f64>,
}

impl Default for CabConfig {
    fn default() -> Self {
        CabConfig { portfolio: None, weights: CAB_TERMS.iter().map(|(t, w)| (t.to_string(), *w)).collect() }
    }
}

impl CabConfig {
    /// Fills left-out weights with the defaults and checks the names.
    pub fn with_defaults_filled(mut self) -> Result<CabConfig, String> {
        for (term, w) in CAB_TERMS {
            self.weights.entry(term.to_string()).or_insert(*w);
        }
        for (term, w) in &self.weights {
            if !CAB_TERMS.iter().any(|(t, _)| t == term) {
                let known: Vec<&str> = CAB_TERMS.iter().map(|(t, _)| *t).collect();
                return Err(format!("[cab.weights] '{term}' is not a term of the score ({})", known.join(", ")));
            }
            if !w.is_finite() {
                return Err(format!("[cab.weights] {term} must be a number"));
            }
        }
        Ok(self)
    }
}
