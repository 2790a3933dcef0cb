//! Configuration: `itsm.toml` (when present) over defaults shipped in code, then command-line
//! flags, resolved once into one validated `Config`. No config file is needed for the demo.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

mod api;
mod billing;
mod cab;
mod kpi;
mod sla;
pub use api::{ApiConfig, ApiConfigError, Auth, Pagination, Since};
pub use billing::BillingConfig;
pub use cab::{amount_ore, CabConfig, Capacity, CAB_GROUPS, CAB_TERMS};
pub use kpi::{KpiConfig, KPI_TARGETS, REPEAT_KEY_FIELDS};
pub use sla::SlaConfig;

use crate::calendar::{Calendar, CalendarError, CalendarSpec};
use crate::store::{TeamRow, TeamRule};

/// Name of the calendar used when none is named: office hours, Mon–Fri 08–17.
pub const OFFICE_CALENDAR: &str = "office";
/// Name of the built-in round-the-clock calendar.
pub const ALWAYS_OPEN_CALENDAR: &str = "24x7";

/// Errors reading the configuration.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config '{path}'")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML of the expected shape.
    #[error("config '{path}' is invalid: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// TOML's message, with line and column.
        message: String,
    },
    /// No calendar of that name.
    #[error("no calendar named '{name}' (configured: {known})")]
    UnknownCalendar {
        /// The name asked for.
        name: String,
        /// Names that exist, comma-separated.
        known: String,
    },
    /// A calendar's settings are invalid.
    #[error("[calendars.{name}] is invalid")]
    Calendar {
        /// The calendar's name.
        name: String,
        /// What is wrong.
        source: CalendarError,
    },
}

/// A team of the organisation (DESIGN §1).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct TeamConfig {
    /// Name as it appears in ticket data.
    pub name: String,
    /// Support line: 1, 2 or 3.
    pub line: u8,
    /// Customer served, for on-site teams.
    #[serde(default)]
    pub customer: Option<String>,
}

/// A rule giving every team whose name matches `pattern` a line (and a customer), for
/// exports with dozens or hundreds of assignment groups: `[[team_rules]] pattern = "*2nd*"`.
/// `*` matches any run of characters and `?` one, case-insensitively; the first matching
/// rule wins, and a team listed in `[[teams]]` keeps its own line.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct TeamRuleConfig {
    /// Team-name pattern.
    pub pattern: String,
    /// Support line: 1, 2 or 3.
    pub line: u8,
    /// Customer served, for on-site teams.
    #[serde(default)]
    pub customer: Option<String>,
}

/// A named source of tickets.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SourceConfig {
    /// Profile name or path used for this source.
    pub profile: String,
    /// How to fetch it from the tool's REST API (`itsm ingest api --source NAME`).
    #[serde(default)]
    pub api: Option<ApiConfig>,
}

/// The whole configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Database file used when `--db` is not given.
    pub db: PathBuf,
    /// The organisation's time zone (months and office hours are read in it).
    pub timezone: String,
    /// Teams and their support lines. Default: the sample organisation's, written only for
    /// the `generic` profile (the format `itsm sample` writes) unless the file names teams.
    pub teams: Vec<TeamConfig>,
    /// Lines by team-name pattern: `[[team_rules]]`.
    pub team_rules: Vec<TeamRuleConfig>,
    /// Whether the configuration file names teams or team rules (then they replace the
    /// sample organisation's for every profile).
    #[serde(skip)]
    pub teams_configured: bool,
    /// Named sources: `[sources.NAME] profile = "…"`.
    pub sources: BTreeMap<String, SourceConfig>,
    /// Business calendars: `[calendars.NAME]`; `office` and `24x7` exist unless redefined.
    pub calendars: BTreeMap<String, CalendarSpec>,
    /// SLA matrix, targets, scope and pauses.
    pub sla: SlaConfig,
    /// Directory of SQL models (`staging/`, `marts/`, `kpis/`, `checks/`) to build instead
    /// of the ones shipped in the binary.
    pub queries: Option<PathBuf>,
    /// KPI parameters and targets.
    pub kpi: KpiConfig,
    /// Billing basis: price list, rounding, VAT, customers and allocation.
    pub billing: BillingConfig,
    /// CAB report: portfolio and score weights.
    pub cab: CabConfig,
}

/// A configured number as an exact decimal: a whole number of 10^-`scale` units, read from
/// the decimal text it was written as (0.12 is 12 hundredths, not the float nearest it);
/// None when it has more than `scale` decimals or is too large. TOML gives numbers as f64;
/// Rust prints an f64 as the shortest decimal that reads back to it, never with an
/// exponent, which for any figure with a few decimals is the text the user wrote.
pub fn exact_decimal(value: f64, scale: usize) -> Option<i128> {
    if !value.is_finite() || value.abs() >= 1e15 {
        return None;
    }
    let text = value.to_string();
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    if fraction.len() > scale {
        return None;
    }
    format!("{whole}{fraction:0<scale$}").parse().ok()
}

impl Default for Config {
    fn default() -> Self {
        Config {
            db: PathBuf::from("itsm.duckdb"),
            timezone: "Europe/Stockholm".into(),
            teams: crate::sample::TEAMS
                .iter()
                .map(|(name, line, customer)| TeamConfig {
                    name: name.to_string(),
                    line: *line,
                    customer: customer.map(str::to_string),
                })
                .collect(),
            team_rules: Vec::new(),
            teams_configured: false,
            sources: BTreeMap::new(),
            calendars: BTreeMap::new(),
            sla: SlaConfig::default(),
            queries: None,
            kpi: KpiConfig::default(),
            billing: BillingConfig::default(),
            cab: CabConfig::default(),
        }
        .with_builtin_calendars()
    }
}

impl Config {
    /// Loads `path` if given (it must exist), else `./itsm.toml` if it exists, else defaults.
    pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
        let path = match path {
            Some(p) => p.to_path_buf(),
            None if Path::new("itsm.toml").is_file() => PathBuf::from("itsm.toml"),
            None => return Ok(Config::default()),
        };
        let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read { path: path.clone(), source })?;
        Config::parse(&text).map_err(|message| ConfigError::Invalid { path, message })
    }

    /// Parses and validates configuration text.
    pub fn parse(text: &str) -> Result<Config, String> {
        let mut config = toml::from_str::<Config>(text).map_err(|e| e.to_string())?.with_builtin_calendars();
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| e.to_string())?;
        config.teams_configured = table.contains_key("teams") || table.contains_key("team_rules");
        if !table.contains_key("teams") && table.contains_key("team_rules") {
            // Rules replace the sample organisation's teams; they do not extend them.
            config.teams.clear();
        }
        if let Some(r) = config.team_rules.iter().find(|r| !(1..=3).contains(&r.line)) {
            return Err(format!("team rule '{}' has line {}; lines are 1, 2 or 3", r.pattern, r.line));
        }
        config
            .timezone
            .parse::<chrono_tz::Tz>()
            .map_err(|_| format!("timezone '{}' is not an IANA zone", config.timezone))?;
        if let Some(t) = config.teams.iter().find(|t| !(1..=3).contains(&t.line)) {
            return Err(format!("team '{}' has line {}; lines are 1, 2 or 3", t.name, t.line));
        }
        for (name, spec) in &config.calendars {
            spec.validate().map_err(|e| format!("[calendars.{name}]: {e}"))?;
        }
        config.sla = config.sla.with_defaults_filled();
        let calendars: Vec<&str> = config.calendars.keys().map(String::as_str).collect();
        config.sla.validate(&calendars)?;
        config.kpi = config.kpi.with_defaults_filled();
        config.kpi.validate()?;
        config.billing.validate()?;
        config.cab = config.cab.with_defaults_filled()?;
        Ok(config)
    }

    fn with_builtin_calendars(mut self) -> Config {
        self.calendars.entry(OFFICE_CALENDAR.into()).or_default();
        self.calendars.entry(ALWAYS_OPEN_CALENDAR.into()).or_insert_with(CalendarSpec::always_open);
        self
    }

    /// Builds the named calendar.
    pub fn calendar(&self, name: &str) -> Result<Calendar, ConfigError> {
        let spec = self.calendars.get(name).ok_or_else(|| ConfigError::UnknownCalendar {
            name: name.into(),
            known: self.calendars.keys().cloned().collect::<Vec<_>>().join(", "),
        })?;
        Calendar::new(spec).map_err(|source| ConfigError::Calendar { name: name.into(), source })
    }

    /// The teams to write with a batch read through `profile`: the configured ones, or,
    /// when the file names none, the sample organisation's for the `generic` profile only,
    /// so that they never leak into a database of another tool's export.
    pub fn team_rows_for(&self, profile: &str) -> Vec<TeamRow> {
        if self.teams_configured || profile == "generic" {
            self.team_rows()
        } else {
            Vec::new()
        }
    }

    /// The team rules as the store applies them.
    pub fn team_rules(&self) -> Vec<TeamRule> {
        self.team_rules
            .iter()
            .map(|r| TeamRule { pattern: r.pattern.clone(), line: r.line, customer: r.customer.clone() })
            .collect()
    }

    /// The teams as rows of the `team` table.
    pub fn team_rows(&self) -> Vec<TeamRow> {
        self.teams
            .iter()
            .map(|t| TeamRow { name: t.name.clone(), line: Some(t.line), customer: t.customer.clone() })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_hold_the_organisation() {
        let c = Config::parse("").unwrap();
        assert_eq!(c.db, PathBuf::from("itsm.duckdb"));
        assert!(c.teams.iter().any(|t| t.name == "Service Desk" && t.line == 1));
        assert!(c.teams.iter().any(|t| t.name == "TPP KAV" && t.customer.as_deref() == Some("Kävlinge")));
    }

    #[test]
    fn team_rules_replace_the_sample_organisation() {
        let c = Config::parse("[[team_rules]]\npattern = \"*1st*\"\nline = 1\n").unwrap();
        assert!(c.teams.is_empty() && c.teams_configured);
        assert_eq!(c.team_rules()[0].pattern, "*1st*");
        assert!(Config::parse("[[team_rules]]\npattern = \"x\"\nline = 5\n").unwrap_err().contains("line 5"));
        let d = Config::parse("").unwrap();
        assert!(d.team_rows_for("servicenow").is_empty() && !d.team_rows_for("generic").is_empty());
    }

    #[test]
    fn file_overrides_and_rejects_typos() {
        let c = Config::parse("db = \"x.duckdb\"\n[sources.snow]\nprofile = \"generic\"\n").unwrap();
        assert_eq!(c.db, PathBuf::from("x.duckdb"));
        assert_eq!(c.sources["snow"].profile, "generic");
        assert!(Config::parse("dbb = 1").unwrap_err().contains("dbb"));
        assert!(Config::parse("[[teams]]\nname = \"X\"\nline = 4\n").unwrap_err().contains("line 4"));
    }

    #[test]
    fn sla_section_overrides_parts_of_the_defaults() {
        let c = Config::parse("[sla]\nscope = [\"incident\", \"request\"]\n[sla.targets]\nhigh = 2\n").unwrap();
        assert_eq!(c.sla.scope, vec!["incident", "request"]);
        assert_eq!(c.sla.target_minutes("high"), Some(120.0));
        assert_eq!(c.sla.target_minutes("low"), Some(2400.0), "targets not named keep their defaults");
        let c = Config::parse("[sla.matrix.low]\nurgent = \"normal\"\n").unwrap();
        assert_eq!((c.sla.priority("low", "urgent"), c.sla.priority("low", "high")), (Some("normal"), Some("normal")));
        assert!(Config::parse("[sla.matrix.low]\nurgent = \"p1\"\n").unwrap_err().contains("'p1'"));
        assert!(Config::parse("[sla]\ncalendar = \"24x7\"\n").is_ok());
    }

    #[test]
    fn calendars_extend_the_builtins_and_are_validated() {
        let c = Config::parse("[calendars.infra]\nhours = { mon = \"07:00-19:00\" }\nholidays = \"none\"\n").unwrap();
        assert_eq!(c.calendars.keys().collect::<Vec<_>>(), vec!["24x7", "infra", "office"]);
        assert!(c.calendar("infra").is_ok());
        assert!(matches!(c.calendar("nope"), Err(ConfigError::UnknownCalendar { .. })));
        let err = Config::parse("[calendars.bad]\nhours = { mon = \"17:00-08:00\" }\n").unwrap_err();
        assert!(err.contains("[calendars.bad]"), "{err}");
    }
}
