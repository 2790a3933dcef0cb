//! Operational views' settings (DESIGN §7a): `[dispatch]`, the breach forecast's minimum
//! sample, and `[major]`, which incidents the Incident Manager treats as major.
//!
//! Must not: compute forecasts or pick incidents (the SQL models read these settings from
//! the generated inputs `cfg_dispatch` and `cfg_major_rule`).

use serde::{Deserialize, Serialize};

use super::SettingError;

/// The `[dispatch]` section.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct DispatchConfig {
    /// Past tickets a forecast level needs before it is used (team and priority, then
    /// priority, then all); below it the forecast falls back one level.
    pub min_sample: i64,
}

impl Default for DispatchConfig {
    fn default() -> Self {
        DispatchConfig { min_sample: 30 }
    }
}

impl DispatchConfig {
    /// Checks the values.
    pub fn validate(&self) -> Result<(), SettingError> {
        if self.min_sample < 1 {
            return Err(SettingError::value("dispatch.min_sample", self.min_sample, "must be at least 1"));
        }
        Ok(())
    }
}

/// The `[major]` section: an incident is major when its priority is one of `priorities`
/// and its impact one of `impacts` (default: priority high with impact high).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct MajorConfig {
    /// Canonical priorities of a major incident.
    pub priorities: Vec<String>,
    /// Canonical impacts of a major incident.
    pub impacts: Vec<String>,
}

impl Default for MajorConfig {
    fn default() -> Self {
        MajorConfig { priorities: vec!["high".into()], impacts: vec!["high".into()] }
    }
}

impl MajorConfig {
    /// Checks the values.
    pub fn validate(&self) -> Result<(), SettingError> {
        if self.priorities.is_empty() || self.impacts.is_empty() {
            return Err(SettingError::key("[major]", "needs at least one priority and one impact"));
        }
        Ok(())
    }

    /// Every (priority, impact) pair that makes an incident major.
    pub fn pairs(&self) -> Vec<(String, String)> {
        self.priorities.iter().flat_map(|p| self.impacts.iter().map(move |i| (p.clone(), i.clone()))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_validation() {
        assert_eq!(DispatchConfig::default().min_sample, 30);
        assert!(DispatchConfig { min_sample: 0 }.validate().is_err());
        let major = MajorConfig { priorities: vec!["high".into()], impacts: vec!["high".into(), "medium".into()] };
        assert_eq!(major.pairs(), vec![("high".into(), "high".into()), ("high".into(), "medium".into())]);
        assert!(MajorConfig { priorities: vec![], impacts: vec!["high".into()] }.validate().is_err());
    }
}
