//! Vendor contracts (DESIGN §7b): the 3rd line's vendors and consultants, each matched to
//! the teams (assignment groups) it works as by a team-name pattern, with the calendar its
//! underpinning contract (UC) is counted in, UC targets per priority, an optional response
//! target and an optional markup on the third-party cost it passes through to billing.
//!
//! A rule, not a list: `pattern = "V17 3rd*"` or `pattern = "*3rd*"` covers every group of
//! a log with hundreds (the public Volvo log has 649). The first `[[vendors]]` entry whose
//! pattern matches a team wins. Owns: the `[[vendors]]` section and its validation; the
//! models read it as `cfg_vendor` and `cfg_vendor_uc` (compute::inputs).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::SettingError;
use crate::model::PRIORITY;

/// One `[[vendors]]` entry: a vendor contract.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct VendorConfig {
    /// Display name of the vendor (as reports and billing show it).
    pub name: String,
    /// Team-name pattern of the vendor's teams: `*` any run of characters, `?` one,
    /// case-insensitive (the same rule as `[[team_rules]]`).
    pub pattern: String,
    /// Calendar the UC is counted in: `office`, `24x7` or a name under `[calendars]`.
    #[serde(default = "office")]
    pub calendar: String,
    /// priority -> UC target in business hours of the vendor's calendar (holding time with
    /// pauses not counted). A priority not named has no UC target.
    #[serde(default)]
    pub uc_targets: BTreeMap<String, f64>,
    /// Response target in business hours of the vendor's calendar: from the assignment to
    /// the vendor to its first status change or worklog entry. None = not measured.
    #[serde(default)]
    pub response_target: Option<f64>,
    /// Markup on the third-party cost passed through to billing, as a fraction (0.15 =
    /// cost × 1.15); at most 4 decimals. None = passed through at cost.
    #[serde(default)]
    pub markup: Option<f64>,
}

fn office() -> String {
    super::OFFICE_CALENDAR.into()
}

impl VendorConfig {
    /// The markup exactly, in ten-thousandths (0.15 → 1 500; none → 0), from the decimal
    /// text of the configured number; None when it has more than 4 decimals.
    pub fn markup_e4(&self) -> Option<i128> {
        match self.markup {
            Some(m) => super::exact_decimal(m, 4),
            None => Some(0),
        }
    }

    /// The pattern as an SQL `LIKE` pattern over lower-case text with `\` as the escape
    /// character: `*` → `%`, `?` → `_`, and `%`, `_`, `\` in the name taken literally.
    pub fn like_pattern(&self) -> String {
        let mut out = String::new();
        for c in self.pattern.to_lowercase().chars() {
            match c {
                '*' => out.push('%'),
                '?' => out.push('_'),
                '%' | '_' | '\\' => {
                    out.push('\\');
                    out.push(c);
                }
                c => out.push(c),
            }
        }
        out
    }

    /// Whether a team named `team` is this vendor's (the rule the SQL applies).
    pub fn matches(&self, team: &str) -> bool {
        crate::model::TeamRule { pattern: self.pattern.clone(), line: 3, customer: None }.matches(team)
    }
}

/// Checks the vendors against the calendars that exist and the canonical priorities.
pub fn validate(vendors: &[VendorConfig], calendars: &[&str]) -> Result<(), SettingError> {
    let mut seen = std::collections::BTreeSet::new();
    for v in vendors {
        let key = |k: &str| format!("[[vendors]] '{}' {k}", v.name);
        if v.name.trim().is_empty() {
            return Err(SettingError::key("[[vendors]] name", "must not be empty"));
        }
        if !seen.insert(v.name.as_str()) {
            return Err(SettingError::key(format!("[[vendors]] '{}'", v.name), "is named twice"));
        }
        if v.pattern.trim().is_empty() {
            return Err(SettingError::key(key("pattern"), "must not be empty"));
        }
        if !calendars.contains(&v.calendar.as_str()) {
            let rule = format!("no such calendar (configured: {})", calendars.join(", "));
            return Err(SettingError::value(key("calendar"), format!("'{}'", v.calendar), rule));
        }
        for (p, hours) in &v.uc_targets {
            if !PRIORITY.values.contains(&p.as_str()) {
                let rule = format!("not a priority ({})", PRIORITY.values.join(", "));
                return Err(SettingError::value(key("uc_targets"), format!("'{p}'"), rule));
            }
            if !(hours.is_finite() && *hours > 0.0) {
                return Err(SettingError::value(
                    key(&format!("uc_targets.{p}")),
                    hours,
                    "must be a positive number of hours",
                ));
            }
        }
        if let Some(h) = v.response_target.filter(|h| !(h.is_finite() && *h > 0.0)) {
            return Err(SettingError::value(key("response_target"), h, "must be a positive number of hours"));
        }
        if let Some(m) = v.markup {
            if !(m.is_finite() && m >= 0.0) {
                return Err(SettingError::value(key("markup"), m, "must be a fraction of at least 0, such as 0.15"));
            }
            if v.markup_e4().is_none() {
                return Err(SettingError::value(key("markup"), m, "has more than 4 decimals"));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    const TOML: &str = r#"
[[vendors]]
name = "Nattjour AB"
pattern = "V1 3rd*"
calendar = "24x7"
uc_targets = { high = 72, normal = 96 }
markup = 0.15

[[vendors]]
name = "Leverantör 100%_AB"
pattern = "*3rd*"
uc_targets = { high = 6 }
response_target = 1
"#;

    #[test]
    fn vendors_are_read_with_their_rule_calendar_targets_and_markup() {
        let c = Config::parse(TOML).unwrap();
        assert_eq!(c.vendors.len(), 2);
        let (night, office) = (&c.vendors[0], &c.vendors[1]);
        assert_eq!((night.calendar.as_str(), office.calendar.as_str()), ("24x7", "office"), "office by default");
        assert_eq!(night.uc_targets["high"], 72.0);
        assert_eq!((night.markup_e4(), office.markup_e4()), (Some(1_500), Some(0)));
        assert_eq!(office.response_target, Some(1.0));
        // A rule, not a list: any group of the line matches, case-insensitively.
        assert!(night.matches("V1 3rd Nattjour") && office.matches("v17 3RD") && !office.matches("G230 2nd"));
        assert_eq!(night.like_pattern(), "v1 3rd%");
        let literal = VendorConfig { pattern: "A_b%?\\*".into(), ..office.clone() };
        assert_eq!(literal.like_pattern(), "a\\_b\\%_\\\\%");
    }

    #[test]
    fn bad_vendor_settings_name_the_setting() {
        let err = |text: &str| Config::parse(text).unwrap_err().to_string();
        let base = "[[vendors]]\nname = \"X\"\npattern = \"*3rd*\"\n";
        assert!(err(&format!("{base}calendar = \"night\"\n")).contains("[[vendors]] 'X' calendar = 'night'"));
        assert!(err(&format!("{base}uc_targets = {{ p1 = 4 }}\n")).contains("'p1': not a priority"));
        assert!(err(&format!("{base}uc_targets = {{ high = 0 }}\n")).contains("positive"));
        assert!(err(&format!("{base}markup = 0.12345\n")).contains("more than 4 decimals"));
        assert!(err(&format!("{base}markup = -0.1\n")).contains("at least 0"));
        assert!(err(&format!("{base}{base}")).contains("named twice"));
        assert!(err("[[vendors]]\nname = \"X\"\npattern = \"\"\n").contains("pattern"));
        let c = Config::parse(&format!(
            "[calendars.night]\nhours = {{ mon = \"18:00-24:00\" }}\n{base}calendar = \"night\"\n"
        ));
        assert!(c.is_ok(), "a named calendar: {c:?}");
    }
}
