//! SLA settings (DESIGN §2 and §4): the priority matrix (impact × urgency -> priority),
//! resolution and response targets in business hours, which kinds are in SLA scope,
//! which statuses pause the clock, and the calendar targets are counted in. The shipped
//! defaults are the organisation's own matrix; `[sla]` in itsm.toml overrides any part.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::SettingError;

use crate::model::{IMPACT, KIND, PRIORITY, STATUS, URGENCY};

/// The `[sla]` section.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct SlaConfig {
    /// Calendar the targets are counted in (a name under `[calendars]`).
    pub calendar: String,
    /// Ticket kinds in SLA scope (default: incidents only).
    pub scope: Vec<String>,
    /// Statuses during which the SLA clock stops.
    pub pause_statuses: Vec<String>,
    /// impact -> urgency -> priority.
    pub matrix: BTreeMap<String, BTreeMap<String, String>>,
    /// priority -> resolution target in business hours.
    pub targets: BTreeMap<String, f64>,
    /// priority -> response target (opened -> first response) in business hours; empty =
    /// no response SLA.
    pub response_targets: BTreeMap<String, f64>,
}

impl Default for SlaConfig {
    fn default() -> Self {
        let row = |cells: [&str; 4]| -> BTreeMap<String, String> {
            URGENCY.values.iter().zip(cells).map(|(u, p)| (u.to_string(), p.to_string())).collect()
        };
        SlaConfig {
            calendar: super::OFFICE_CALENDAR.into(),
            scope: vec!["incident".into()],
            pause_statuses: vec!["pending".into()],
            // Rows: impact; columns: urgency low, normal, high, urgent (DESIGN §2).
            matrix: BTreeMap::from([
                ("low".into(), row(["low", "medium", "normal", "high"])),
                ("medium".into(), row(["medium", "medium", "high", "high"])),
                ("high".into(), row(["normal", "normal", "high", "high"])),
            ]),
            targets: BTreeMap::from([
                ("low".into(), 40.0),
                ("medium".into(), 16.0),
                ("normal".into(), 8.0),
                ("high".into(), 4.0),
            ]),
            response_targets: BTreeMap::new(),
        }
    }
}

impl SlaConfig {
    /// Fills matrix cells and targets the file left out with the defaults, so
    /// `[sla.targets] high = 2` changes one target and keeps the others.
    pub fn with_defaults_filled(mut self) -> SlaConfig {
        let defaults = SlaConfig::default();
        for (impact, row) in defaults.matrix {
            let mine = self.matrix.entry(impact).or_default();
            for (urgency, p) in row {
                mine.entry(urgency).or_insert(p);
            }
        }
        for (p, hours) in defaults.targets {
            self.targets.entry(p).or_insert(hours);
        }
        self
    }

    /// Checks every value against the canonical sets and the matrix for completeness.
    pub fn validate(&self, calendars: &[&str]) -> Result<(), SettingError> {
        let check = |what: &str, value: &str, allowed: &[&str]| {
            if allowed.contains(&value) {
                Ok(())
            } else {
                Err(SettingError::value(
                    format!("[sla] {what}"),
                    format!("'{value}'"),
                    format!("not one of {}", allowed.join(", ")),
                ))
            }
        };
        if !calendars.contains(&self.calendar.as_str()) {
            let rule = format!("calendar '{}' is not configured ({})", self.calendar, calendars.join(", "));
            return Err(SettingError::key("[sla]", rule));
        }
        for kind in &self.scope {
            check("scope kind", kind, KIND.values)?;
        }
        for status in &self.pause_statuses {
            check("pause status", status, STATUS.values)?;
        }
        for impact in IMPACT.values {
            let row = self
                .matrix
                .get(*impact)
                .ok_or_else(|| SettingError::key("[sla.matrix]", format!("has no row for impact '{impact}'")))?;
            for urgency in URGENCY.values {
                let p = row.get(*urgency).ok_or_else(|| {
                    SettingError::key(format!("[sla.matrix.{impact}]"), format!("has no urgency '{urgency}'"))
                })?;
                check(&format!("matrix.{impact}.{urgency}"), p, PRIORITY.values)?;
                if !self.targets.contains_key(p) {
                    let rule = format!("has no target for priority '{p}' used by the matrix");
                    return Err(SettingError::key("[sla.targets]", rule));
                }
            }
            for urgency in row.keys() {
                check(&format!("matrix.{impact} urgency"), urgency, URGENCY.values)?;
            }
        }
        for impact in self.matrix.keys() {
            check("matrix impact", impact, IMPACT.values)?;
        }
        for (table, targets) in [("targets", &self.targets), ("response_targets", &self.response_targets)] {
            for (p, hours) in targets {
                check(&format!("{table} priority"), p, PRIORITY.values)?;
                if !(hours.is_finite() && *hours > 0.0) {
                    let rule = "a target is a positive number of hours";
                    return Err(SettingError::value(format!("[sla.{table}] {p}"), hours, rule));
                }
            }
        }
        Ok(())
    }

    /// The priority the matrix gives an impact and urgency (canonical values).
    pub fn priority(&self, impact: &str, urgency: &str) -> Option<&str> {
        self.matrix.get(impact)?.get(urgency).map(String::as_str)
    }

    /// Resolution target of a priority in business minutes.
    pub fn target_minutes(&self, priority: &str) -> Option<f64> {
        self.targets.get(priority).map(|h| h * 60.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_matrix_is_the_organisations() {
        let sla = SlaConfig::default();
        sla.validate(&["office"]).unwrap();
        // DESIGN §2, every cell.
        let want = [
            ("low", ["low", "medium", "normal", "high"]),
            ("medium", ["medium", "medium", "high", "high"]),
            ("high", ["normal", "normal", "high", "high"]),
        ];
        for (impact, row) in want {
            for (urgency, p) in ["low", "normal", "high", "urgent"].iter().zip(row) {
                assert_eq!(sla.priority(impact, urgency), Some(p), "{impact} × {urgency}");
            }
        }
        assert_eq!(sla.target_minutes("normal"), Some(480.0));
        assert_eq!(sla.target_minutes("low"), Some(2400.0));
        assert_eq!(sla.scope, vec!["incident"]);
    }

    #[test]
    fn incomplete_or_unknown_values_are_refused() {
        let mut sla = SlaConfig::default();
        sla.matrix.get_mut("high").unwrap().remove("urgent");
        assert!(sla.validate(&["office"]).unwrap_err().to_string().contains("no urgency 'urgent'"));
        let mut sla = SlaConfig::default();
        sla.targets.remove("high");
        assert!(sla.validate(&["office"]).unwrap_err().to_string().contains("no target for priority 'high'"));
        let mut sla = SlaConfig::default();
        sla.scope.push("meeting".into());
        assert!(sla.validate(&["office"]).unwrap_err().to_string().contains("'meeting'"));
        assert!(SlaConfig::default().validate(&["24x7"]).unwrap_err().to_string().contains("calendar 'office'"));
    }
}
