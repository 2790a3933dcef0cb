//! KPI settings (DESIGN §5): the parameters of the KPI definitions and the targets reports
//! colour against. `[kpi]` in itsm.toml overrides any part; the defaults are DESIGN's.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::SettingError;

/// Ticket fields a repeat-incident key may combine.
pub const REPEAT_KEY_FIELDS: &[&str] = &["ci", "category", "service", "customer", "title"];

/// The `[kpi]` section.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct KpiConfig {
    /// First-contact resolution: resolved within this many wall-clock minutes of opening,
    /// in the same contact (DESIGN §5a.9).
    pub first_contact_minutes: f64,
    /// Escalation target: business minutes from opening to the first assignment outside
    /// the 1st line.
    pub escalation_target_minutes: f64,
    /// Repeat incidents: an earlier incident on the same key within this many days.
    pub repeat_window_days: i64,
    /// Fields making up the repeat key (default ci + category).
    pub repeat_key: Vec<String>,
    /// A problem candidate is a key with at least this many repeat incidents and no problem.
    pub candidate_min_incidents: i64,
    /// Categories the 1st line is not expected to resolve: left out of net FTR.
    pub not_first_line_categories: Vec<String>,
    /// Targets by KPI id (`ftr`, `sla`, …), as shares 0–1 or minutes as the KPI says.
    pub targets: BTreeMap<String, f64>,
    /// Charts and tables over teams (SLA per team, the OLA view) show the month's this many
    /// largest teams and one row for all the others (`kpi_*_by_team_top_month`); the full
    /// lists stay in the appendix and kpi.json.
    pub top_teams: i64,
}

/// KPI ids with a target and whether higher values are better.
pub const KPI_TARGETS: &[(&str, bool, f64)] = &[
    ("ftr", true, 0.70),
    ("first_contact", true, 0.50),
    ("net_ftr", true, 0.75),
    ("escalation_within_target", true, 0.80),
    ("sla", true, 0.90),
    ("response", true, 0.90),
    ("reopen_rate", false, 0.05),
    ("repeat_rate", false, 0.10),
];

impl Default for KpiConfig {
    fn default() -> Self {
        KpiConfig {
            first_contact_minutes: 15.0,
            escalation_target_minutes: 15.0,
            repeat_window_days: 30,
            repeat_key: vec!["ci".into(), "category".into()],
            candidate_min_incidents: 3,
            not_first_line_categories: Vec::new(),
            targets: KPI_TARGETS.iter().map(|(id, _, t)| (id.to_string(), *t)).collect(),
            top_teams: 12,
        }
    }
}

impl KpiConfig {
    /// Fills targets the file left out with the defaults.
    pub fn with_defaults_filled(mut self) -> KpiConfig {
        for (id, _, t) in KPI_TARGETS {
            self.targets.entry(id.to_string()).or_insert(*t);
        }
        self
    }

    /// Checks names and ranges.
    pub fn validate(&self) -> Result<(), SettingError> {
        for id in self.targets.keys() {
            if !KPI_TARGETS.iter().any(|(k, _, _)| k == id) {
                let known: Vec<&str> = KPI_TARGETS.iter().map(|(k, _, _)| *k).collect();
                let rule = format!("not a KPI with a target ({})", known.join(", "));
                return Err(SettingError::value("[kpi.targets]", format!("'{id}'"), rule));
            }
        }
        if self.repeat_key.is_empty() {
            return Err(SettingError::key("[kpi] repeat_key", "needs at least one field"));
        }
        for f in &self.repeat_key {
            if !REPEAT_KEY_FIELDS.contains(&f.as_str()) {
                let rule = format!("not one of {}", REPEAT_KEY_FIELDS.join(", "));
                return Err(SettingError::value("[kpi] repeat_key field", format!("'{f}'"), rule));
            }
        }
        if self.first_contact_minutes < 0.0 || self.escalation_target_minutes < 0.0 || self.repeat_window_days < 1 {
            return Err(SettingError::key("[kpi]", "minutes must be ≥ 0 and repeat_window_days ≥ 1"));
        }
        if self.candidate_min_incidents < 2 {
            let n = self.candidate_min_incidents;
            return Err(SettingError::value("[kpi] candidate_min_incidents", n, "must be at least 2"));
        }
        if !(1..=1000).contains(&self.top_teams) {
            return Err(SettingError::value("[kpi] top_teams", self.top_teams, "must be 1 to 1000"));
        }
        Ok(())
    }

    /// Whether higher is better for a KPI id.
    pub fn higher_is_better(id: &str) -> bool {
        KPI_TARGETS.iter().find(|(k, _, _)| *k == id).is_none_or(|(_, up, _)| *up)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_designs_and_overrides_are_checked() {
        let k = KpiConfig::default();
        k.validate().unwrap();
        assert_eq!((k.first_contact_minutes, k.repeat_window_days, k.candidate_min_incidents), (15.0, 30, 3));
        assert_eq!(k.repeat_key, ["ci", "category"]);
        let mut bad = KpiConfig::default();
        bad.targets.insert("speed".into(), 1.0);
        assert!(bad.validate().unwrap_err().to_string().contains("'speed'"));
        bad = KpiConfig { repeat_key: vec!["colour".into()], ..KpiConfig::default() };
        assert!(bad.validate().unwrap_err().to_string().contains("'colour'"));
        assert!(!KpiConfig::higher_is_better("reopen_rate"));
        assert_eq!(k.top_teams, 12);
        bad = KpiConfig { top_teams: 0, ..KpiConfig::default() };
        assert!(bad.validate().unwrap_err().to_string().contains("top_teams"), "{:?}", bad.validate());
    }
}
