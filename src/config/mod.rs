//! Configuration: `itsm.toml` (when present) over defaults shipped in code, then command-line
//! flags, resolved once into one validated `Config`. No config file is needed for the demo.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

mod api;
mod billing;
mod cab;
mod customer;
mod dispatch;
mod kpi;
mod sla;
mod vendor;
pub use api::{ApiConfig, ApiConfigError, Auth, Pagination, Since};
pub use billing::BillingConfig;
pub use cab::{amount_ore, CabConfig, Capacity, CAB_GROUPS, CAB_TERMS};
pub use customer::CustomerReportConfig;
pub use dispatch::{DispatchConfig, MajorConfig};
pub use kpi::{KpiConfig, KPI_TARGETS, REPEAT_KEY_FIELDS};
pub use sla::SlaConfig;
pub use vendor::VendorConfig;

use crate::calendar::{Calendar, CalendarError, CalendarSpec};
use crate::model::{TeamRow, TeamRule};

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
    /// The file is not valid TOML of the expected shape, or a setting breaks a rule.
    #[error("config '{path}' is invalid")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong, with TOML's line and column or the setting's key.
        source: ParseError,
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

/// Why configuration text is not a valid configuration.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    /// Not TOML, or not the expected shape (an unknown key, a wrong type).
    #[error(transparent)]
    Toml(#[from] toml::de::Error),
    /// A setting breaks a rule.
    #[error(transparent)]
    Setting(#[from] SettingError),
    /// A calendar's settings are invalid.
    #[error("[calendars.{name}]: {source}")]
    Calendar {
        /// The calendar's name.
        name: String,
        /// What is wrong.
        source: CalendarError,
    },
}

/// A setting of `itsm.toml` that breaks a rule: its key (with the section), the value given
/// and the rule, e.g. `[billing] vat_rate = 1.25: must be a fraction such as 0.25`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{key}{}: {rule}", value.as_ref().map(|v| format!(" = {v}")).unwrap_or_default())]
pub struct SettingError {
    /// The setting, with its section: `[sla] calendar`.
    pub key: String,
    /// The value given, as written (quoted when text); None when the rule is about the
    /// section as a whole (a missing row, an empty list).
    pub value: Option<String>,
    /// The rule it breaks.
    pub rule: String,
}

impl SettingError {
    /// A setting whose value breaks `rule`.
    pub fn value(key: impl Into<String>, value: impl std::fmt::Display, rule: impl Into<String>) -> SettingError {
        SettingError { key: key.into(), value: Some(value.to_string()), rule: rule.into() }
    }

    /// A section or key that breaks `rule` as a whole.
    pub fn key(key: impl Into<String>, rule: impl Into<String>) -> SettingError {
        SettingError { key: key.into(), value: None, rule: rule.into() }
    }
}

/// A team of the organisation (DESIGN §1).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
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
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
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
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SourceConfig {
    /// Profile name or path used for this source.
    pub profile: String,
    /// How to fetch it from the tool's REST API (`itsm ingest api --source NAME`). Not part
    /// of the configuration hash: how rows were fetched changes no figure (what was loaded
    /// is recorded per batch, with the content hash).
    #[serde(default, skip_serializing)]
    pub api: Option<ApiConfig>,
}

/// The whole configuration.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Database file used when `--db` is not given.
    pub db: PathBuf,
    /// The organisation's time zone (months and office hours are read in it).
    pub timezone: String,
    /// Teams and their support lines: `[[teams]]`. None by default (a command that loads
    /// the sample, whose teams are known, supplies them; see `teams_configured`).
    pub teams: Vec<TeamConfig>,
    /// Lines by team-name pattern: `[[team_rules]]`.
    pub team_rules: Vec<TeamRuleConfig>,
    /// Whether the configuration file names teams or team rules (then they are the only
    /// teams, for every profile, also for sample data).
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
    /// The customer's monthly service report: suppression threshold. Not
    /// part of the configuration hash: it changes what a page shows, no built figure.
    #[serde(skip_serializing)]
    pub customer_report: CustomerReportConfig,
    /// Vendor contracts of the 3rd line: `[[vendors]]` (DESIGN §7b). Left out of the
    /// canonical text when empty, so a configuration without vendors keeps its hash.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub vendors: Vec<VendorConfig>,
    /// Dispatcher's list: the breach forecast's minimum sample.
    pub dispatch: DispatchConfig,
    /// Incident Manager: which incidents are major.
    pub major: MajorConfig,
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
            teams: Vec::new(),
            team_rules: Vec::new(),
            teams_configured: false,
            sources: BTreeMap::new(),
            calendars: BTreeMap::new(),
            sla: SlaConfig::default(),
            queries: None,
            kpi: KpiConfig::default(),
            billing: BillingConfig::default(),
            cab: CabConfig::default(),
            customer_report: CustomerReportConfig::default(),
            vendors: Vec::new(),
            dispatch: DispatchConfig::default(),
            major: MajorConfig::default(),
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
        let config = Config::parse(&text).map_err(|source| ConfigError::Invalid { path: path.clone(), source })?;
        Ok(config.with_paths_from(path.parent().unwrap_or(Path::new(""))))
    }

    /// The file paths the configuration names (database, queries, price list, portfolio),
    /// relative ones read from `dir`, the configuration file's directory: a project works
    /// from any working directory (`itsm --config itsm-demo/itsm.toml …`).
    pub fn with_paths_from(mut self, dir: &Path) -> Config {
        let resolve = |p: &mut PathBuf| {
            if p.is_relative() {
                *p = dir.join(&*p);
            }
        };
        resolve(&mut self.db);
        for p in [&mut self.queries, &mut self.billing.price_list, &mut self.cab.portfolio].into_iter().flatten() {
            resolve(p);
        }
        self
    }

    /// Parses and validates configuration text.
    pub fn parse(text: &str) -> Result<Config, ParseError> {
        let mut config = toml::from_str::<Config>(text)?.with_builtin_calendars();
        let table: toml::Table = text.parse()?;
        config.teams_configured = table.contains_key("teams") || table.contains_key("team_rules");
        if let Some(r) = config.team_rules.iter().find(|r| !(1..=3).contains(&r.line)) {
            let rule = format!("has line {}; lines are 1, 2 or 3", r.line);
            return Err(SettingError::key(format!("[[team_rules]] pattern '{}'", r.pattern), rule).into());
        }
        if config.timezone.parse::<chrono_tz::Tz>().is_err() {
            return Err(SettingError::value("timezone", format!("'{}'", config.timezone), "not an IANA zone").into());
        }
        if let Some(t) = config.teams.iter().find(|t| !(1..=3).contains(&t.line)) {
            let rule = format!("has line {}; lines are 1, 2 or 3", t.line);
            return Err(SettingError::key(format!("[[teams]] '{}'", t.name), rule).into());
        }
        for (name, spec) in &config.calendars {
            spec.validate().map_err(|source| ParseError::Calendar { name: name.clone(), source })?;
        }
        config.sla = config.sla.with_defaults_filled();
        let calendars: Vec<&str> = config.calendars.keys().map(String::as_str).collect();
        config.sla.validate(&calendars)?;
        config.kpi = config.kpi.with_defaults_filled();
        config.kpi.validate()?;
        config.billing.validate()?;
        config.customer_report.validate()?;
        config.cab = config.cab.with_defaults_filled()?;
        vendor::validate(&config.vendors, &calendars)?;
        config.dispatch.validate()?;
        config.major.validate()?;
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

    /// The configuration as canonical JSON (fields in declaration order, maps sorted by
    /// key), the text its sha256 is computed over: stable across runs and builds, unlike a
    /// `Debug` rendering, and changed by every setting that can change a figure.
    pub fn canonical_json(&self) -> String {
        serde_json::to_string(self).expect("a configuration of plain values always serialises")
    }

    /// sha256 (hex) of [`Config::canonical_json`], recorded with every build.
    pub fn sha256(&self) -> String {
        use sha2::{Digest, Sha256};
        Sha256::digest(self.canonical_json().as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
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
    fn defaults_name_no_organisation() {
        let c = Config::parse("").unwrap();
        assert_eq!(c.db, PathBuf::from("itsm.duckdb"));
        assert!(c.teams.is_empty() && !c.teams_configured, "the sample organisation is not a default");
    }

    #[test]
    fn team_rules_are_configured_teams() {
        let c = Config::parse("[[team_rules]]\npattern = \"*1st*\"\nline = 1\n").unwrap();
        assert!(c.teams.is_empty() && c.teams_configured);
        assert_eq!(c.team_rules()[0].pattern, "*1st*");
        let err = Config::parse("[[team_rules]]\npattern = \"x\"\nline = 5\n").unwrap_err().to_string();
        assert!(err.contains("line 5"), "{err}");
    }

    #[test]
    fn relative_paths_are_read_from_the_file_directory() {
        let c = Config::parse("[billing]\nprice_list = \"p.csv\"\n[cab]\nportfolio = \"/abs/pf.csv\"\n").unwrap();
        let c = c.with_paths_from(Path::new("proj"));
        assert_eq!(c.db, PathBuf::from("proj/itsm.duckdb"));
        assert_eq!(c.billing.price_list, Some(PathBuf::from("proj/p.csv")));
        assert_eq!(c.cab.portfolio, Some(PathBuf::from("/abs/pf.csv")));
        assert_eq!(Config::parse("").unwrap().with_paths_from(Path::new("")).db, PathBuf::from("itsm.duckdb"));
    }

    #[test]
    fn the_sample_project_config_holds_the_sample_organisation() {
        let c = Config::parse(include_str!("../../sample-data/itsm.toml")).unwrap();
        let sla = crate::config::SlaConfig::default().with_defaults_filled();
        assert_eq!(c.sla, sla, "the file writes out the SLA defaults as they are");
        assert_eq!(c.billing.customers, BillingConfig::default().customers);
        assert_eq!(c.cab.hourly_costs.len(), 2);
        assert_eq!(c.cab.capacity.len(), 6);
        assert_eq!(c.teams.len(), 11);
        assert_eq!(c.vendors.iter().map(|v| v.calendar.as_str()).collect::<Vec<_>>(), vec!["office", "24x7"]);
    }

    #[test]
    fn the_hash_is_over_canonical_text() {
        let a = Config::parse("[sla.targets]\nhigh = 2\n[billing.customers]\nB = 1\nA = 2\n").unwrap();
        let b = Config::parse("[billing.customers]\nA = 2\nB = 1\n[sla.targets]\nhigh = 2.0\n").unwrap();
        assert_eq!(a.sha256(), b.sha256(), "order of keys and how a number is written do not matter");
        assert_ne!(a.sha256(), Config::parse("[sla.targets]\nhigh = 3\n").unwrap().sha256());
        assert!(a.canonical_json().starts_with("{\"db\":\"itsm.duckdb\""), "{}", a.canonical_json());
    }

    #[test]
    fn file_overrides_and_rejects_typos() {
        let c = Config::parse("db = \"x.duckdb\"\n[sources.snow]\nprofile = \"generic\"\n").unwrap();
        assert_eq!(c.db, PathBuf::from("x.duckdb"));
        assert_eq!(c.sources["snow"].profile, "generic");
        assert!(Config::parse("dbb = 1").unwrap_err().to_string().contains("dbb"));
        assert!(Config::parse("[[teams]]\nname = \"X\"\nline = 4\n").unwrap_err().to_string().contains("line 4"));
    }

    #[test]
    fn sla_section_overrides_parts_of_the_defaults() {
        let c = Config::parse("[sla]\nscope = [\"incident\", \"request\"]\n[sla.targets]\nhigh = 2\n").unwrap();
        assert_eq!(c.sla.scope, vec!["incident", "request"]);
        assert_eq!(c.sla.target_minutes("high"), Some(120.0));
        assert_eq!(c.sla.target_minutes("low"), Some(2400.0), "targets not named keep their defaults");
        let c = Config::parse("[sla.matrix.low]\nurgent = \"normal\"\n").unwrap();
        assert_eq!((c.sla.priority("low", "urgent"), c.sla.priority("low", "high")), (Some("normal"), Some("normal")));
        assert!(Config::parse("[sla.matrix.low]\nurgent = \"p1\"\n").unwrap_err().to_string().contains("'p1'"));
        assert!(Config::parse("[sla]\ncalendar = \"24x7\"\n").is_ok());
    }

    #[test]
    fn calendars_extend_the_builtins_and_are_validated() {
        let c = Config::parse("[calendars.infra]\nhours = { mon = \"07:00-19:00\" }\nholidays = \"none\"\n").unwrap();
        assert_eq!(c.calendars.keys().collect::<Vec<_>>(), vec!["24x7", "infra", "office"]);
        assert!(c.calendar("infra").is_ok());
        assert!(matches!(c.calendar("nope"), Err(ConfigError::UnknownCalendar { .. })));
        let err = Config::parse("[calendars.bad]\nhours = { mon = \"17:00-08:00\" }\n").unwrap_err().to_string();
        assert!(err.contains("[calendars.bad]"), "{err}");
    }
}
