//! Source profiles: TOML data that maps a tool's export onto the canonical model
//! (column names, value labels, date forms, time zone, encoding, delimiter).
//!
//! A profile is either built in (shipped under `profiles/` and compiled into the binary)
//! or a user's TOML file. A file may name a `base` profile and override parts of it, so a
//! user only writes what differs. Nothing here reads ticket data.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::model::{FileKind, VALUE_SETS};

/// Profiles shipped with the tool: (name, TOML text).
pub const BUILTIN: &[(&str, &str)] = &[
    ("generic", include_str!("../../profiles/generic.toml")),
    ("servicenow", include_str!("../../profiles/servicenow.toml")),
    ("servicenow-audit", include_str!("../../profiles/servicenow-audit.toml")),
    ("jira", include_str!("../../profiles/jira.toml")),
    ("jira-api", include_str!("../../profiles/jira-api.toml")),
    ("topdesk", include_str!("../../profiles/topdesk.toml")),
    ("topdesk-api", include_str!("../../profiles/topdesk-api.toml")),
    ("glpi", include_str!("../../profiles/glpi.toml")),
    ("bpi2014-changes", include_str!("../../profiles/bpi2014-changes.toml")),
    ("bpi2013-volvo", include_str!("../../profiles/bpi2013-volvo.toml")),
    ("helpdesk-italian", include_str!("../../profiles/helpdesk-italian.toml")),
    ("bpi2013-problems", include_str!("../../profiles/bpi2013-problems.toml")),
    ("bpi2013-closed-problems", include_str!("../../profiles/bpi2013-closed-problems.toml")),
];

/// Errors in finding, reading or validating a profile.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    /// Neither a built-in profile nor a readable file.
    #[error("unknown profile '{name}': not a built-in profile ({builtins}) and not a .toml file")]
    Unknown {
        /// What the user asked for.
        name: String,
        /// The built-in names.
        builtins: String,
    },
    /// The profile file could not be read.
    #[error("cannot read profile '{path}'")]
    Read {
        /// Profile file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The TOML does not have the profile's shape.
    #[error("profile '{name}' is invalid: {message}")]
    Invalid {
        /// Profile name or path.
        name: String,
        /// What is wrong, with TOML's line and column where it has them.
        message: String,
    },
}

pub use crate::tabular::csv::EncodingChoice;

/// The unit of a duration column in the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum DurationUnit {
    /// Minutes (the canonical unit).
    #[default]
    Minutes,
    /// Hours; multiplied by 60 on ingest.
    Hours,
}

/// The source headers one canonical field accepts: one name, or a list of names when exports
/// of the same tool differ (`status = ["state", "incident_state"]`). The first name of the
/// list that the header holds is used; headers are compared case-insensitively.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "OneOrMany")]
pub struct Headers(Vec<String>);

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl From<OneOrMany> for Headers {
    fn from(v: OneOrMany) -> Headers {
        match v {
            OneOrMany::One(s) => Headers(vec![s]),
            OneOrMany::Many(v) => Headers(v),
        }
    }
}

impl Headers {
    /// A field read from one column.
    pub fn one(name: &str) -> Headers {
        Headers(vec![name.to_string()])
    }

    /// The accepted names, in the profile's order of preference.
    pub fn names(&self) -> &[String] {
        &self.0
    }

    /// Position in `header` of the first accepted name the header holds.
    pub fn find(&self, header: &[String]) -> Option<usize> {
        self.0.iter().find_map(|name| {
            let want = name.trim().to_lowercase();
            header.iter().position(|h| h.trim().to_lowercase() == want)
        })
    }

    /// The names as a message shows them: `'state' or 'incident_state'`.
    pub fn shown(&self) -> String {
        self.0.iter().map(|n| format!("'{}'", n.trim())).collect::<Vec<_>>().join(" or ")
    }
}

/// Cell texts that mean "no value" when a profile names none: what ServiceNow, database
/// dumps and spreadsheet exports write into empty cells; `-` is TOPdesk's and Jira's
/// report exports' empty cell (and the BPI 2013 log's unknown resource).
pub const DEFAULT_NULL_VALUES: &[&str] = &["NULL", "(null)", "(empty)", "?", "-"];

/// Column mapping of one file kind: canonical field -> column name in the export.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct FileMapping {
    /// canonical field -> source column header(s).
    #[serde(default)]
    pub columns: BTreeMap<String, Headers>,
    /// Fields whose unusable value rejects the row (default: ticket_id, kind, status and
    /// opened_at of tickets; ticket_id, occurred_at and kind of history). A bad value in any
    /// other field is set empty and recorded as a warning; the row loads.
    #[serde(default)]
    pub required: Option<Vec<String>>,
    /// Value used for `kind` when the export has no kind column (e.g. an incident-only export).
    #[serde(default)]
    pub default_kind: Option<String>,
    /// Tickets files only: each row is a snapshot of a ticket after an update (an audit-style
    /// export). The newest snapshot wins as usual, and status and assignment events are
    /// derived from the changes between consecutive snapshots.
    #[serde(default)]
    pub snapshots: bool,
    /// Tickets files only: closing codes (the `closed_code` column: Jira's Resolution,
    /// ServiceNow's close code) that say the ticket was closed without being resolved
    /// (`"Won't Do"`, `"Duplicate"`). A resolved or closed row with one of them loads as
    /// cancelled, compared case-insensitively; empty by default.
    #[serde(default)]
    pub cancelled_codes: Vec<String>,
    /// History only, for `itsm ingest api`: the key of each fetched ticket record that holds
    /// the ticket's changes as a JSON array (Jira's `changelog.histories`, with
    /// `expand=changelog`). Each element is a history row (or, with [`Self::api_items`],
    /// each of its changes is), loaded in the tickets' batch; `[history.columns]` names its
    /// fields, and the ticket's own `ticket_id` field is given to every row. A row whose
    /// kind maps to no event kind (a changed description, a label) is skipped and counted.
    #[serde(default)]
    pub api_events: Option<String>,
    /// History only, with [`Self::api_events`]: the key within each event of the array of
    /// its changes (Jira's `items`); one row per change, the event's fields (`created`,
    /// `author`) beside the change's (`field`, `toString`).
    #[serde(default)]
    pub api_items: Option<String>,
}

/// A validated profile.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Profile name (used as the default source name).
    pub name: String,
    /// What export or endpoint the profile expects.
    #[serde(default)]
    pub description: String,
    /// Name of a profile this one extends (resolved before deserialising; kept for display).
    #[serde(default)]
    pub base: Option<String>,
    /// Character encoding.
    #[serde(default)]
    pub encoding: EncodingChoice,
    /// Field delimiter: `auto` or one of `,` `;` `\t` `|`.
    #[serde(default = "default_auto")]
    pub delimiter: String,
    /// IANA time zone of timestamps written without an offset.
    #[serde(default = "default_tz")]
    pub timezone: String,
    /// Whether `3/10/2026` means 3 October (true) or March 10 (false).
    #[serde(default = "default_true")]
    pub day_first: bool,
    /// Cell texts that mean "empty" in this export (compared case-insensitively after
    /// trimming), applied to every mapped column before any rule. Default:
    /// [`DEFAULT_NULL_VALUES`].
    #[serde(default)]
    pub null_values: Option<Vec<String>>,
    /// Extra chrono `strftime` formats tried after the built-in forms.
    #[serde(default)]
    pub date_formats: Vec<String>,
    /// Whether plain numbers in date columns are read as Excel serial dates.
    #[serde(default = "default_true")]
    pub excel_serial_dates: bool,
    /// Unit of `work_minutes` and history `minutes` in the export.
    #[serde(default)]
    pub work_unit: DurationUnit,
    /// Mapping of ticket files.
    #[serde(default)]
    pub tickets: FileMapping,
    /// Mapping of history files.
    #[serde(default)]
    pub history: FileMapping,
    /// Value maps: set name (`status`, `kind`, …) -> source label -> canonical value.
    #[serde(default)]
    pub values: BTreeMap<String, BTreeMap<String, String>>,
    /// An event log (one row per event of a case, no ticket table): how to read it.
    #[serde(default)]
    pub eventlog: Option<EventLogMapping>,
}

/// An event-log export (process-mining style): each row is one event of a case, carrying
/// the status it moved to and, optionally, the team holding the case. Each row becomes a
/// status event (and an assignment event when a team is named); ticket rows are derived
/// from the events when the batch commits.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct EventLogMapping {
    /// Column of the case id (the ticket id).
    pub case: String,
    /// Column of the event's instant.
    pub timestamp: String,
    /// Column whose label is the status the case moved to (mapped by `[values.status]`).
    pub status: String,
    /// Column of the team holding the case, if the log has one.
    #[serde(default)]
    pub team: Option<String>,
    /// Column of the person acting (personal data), if any.
    #[serde(default)]
    pub agent: Option<String>,
    /// Kind of the derived tickets.
    #[serde(default = "default_eventlog_kind")]
    pub kind: String,
}

fn default_eventlog_kind() -> String {
    "incident".into()
}

fn default_auto() -> String {
    "auto".into()
}
fn default_tz() -> String {
    "Europe/Stockholm".into()
}
fn default_true() -> bool {
    true
}

impl Profile {
    /// Resolves `name_or_path`: a built-in name, or a path to a `.toml` file.
    pub fn load(name_or_path: &str) -> Result<Profile, ProfileError> {
        let table = load_table(name_or_path, 0)?;
        let profile: Profile = table.try_into().map_err(|e: toml::de::Error| ProfileError::Invalid {
            name: name_or_path.into(),
            message: e.to_string(),
        })?;
        profile.validate(name_or_path)?;
        Ok(profile)
    }

    /// The column mapping for a kind of file.
    pub fn mapping(&self, kind: FileKind) -> &FileMapping {
        match kind {
            FileKind::Tickets => &self.tickets,
            FileKind::History => &self.history,
        }
    }

    /// Whether a cell's text is one of the profile's null markers (or empty).
    pub fn is_null(&self, cell: &str) -> bool {
        let t = cell.trim();
        t.is_empty()
            || match &self.null_values {
                Some(list) => list.iter().any(|n| n.trim().eq_ignore_ascii_case(t)),
                None => DEFAULT_NULL_VALUES.iter().any(|n| n.eq_ignore_ascii_case(t)),
            }
    }

    /// Canonical fields of `kind` whose unusable value rejects the row.
    pub fn required_fields(&self, kind: FileKind) -> Vec<String> {
        match &self.mapping(kind).required {
            Some(list) => list.clone(),
            None => match kind {
                FileKind::Tickets => &["ticket_id", "kind", "status", "opened_at"][..],
                FileKind::History => &["ticket_id", "occurred_at", "kind"][..],
            }
            .iter()
            .map(|s| s.to_string())
            .collect(),
        }
    }

    /// The value map of a set, keys folded to lower case, canonical values mapping to themselves.
    pub fn value_map(&self, set: &crate::model::ValueSet) -> HashMap<String, &'static str> {
        let mut map: HashMap<String, &'static str> = set.values.iter().map(|v| (v.to_string(), *v)).collect();
        if let Some(labels) = self.values.get(set.name) {
            for (label, canonical) in labels {
                if let Some(v) = set.values.iter().find(|v| **v == canonical.as_str()) {
                    map.insert(label.trim().to_lowercase(), v);
                }
            }
        }
        map
    }

    fn validate(&self, name: &str) -> Result<(), ProfileError> {
        let invalid = |message: String| ProfileError::Invalid { name: name.into(), message };
        self.timezone
            .parse::<chrono_tz::Tz>()
            .map_err(|_| invalid(format!("timezone '{}' is not an IANA time zone name", self.timezone)))?;
        if !["auto", ",", ";", "\t", "|"].contains(&self.delimiter.as_str()) {
            return Err(invalid(format!("delimiter '{}' must be auto, ',', ';', '\\t' or '|'", self.delimiter)));
        }
        for kind in [FileKind::Tickets, FileKind::History] {
            for field in self.mapping(kind).columns.keys() {
                let pseudo =
                    kind == FileKind::Tickets && (field == super::rows::UPDATE_COUNT || field == super::rows::ASSIGNEE);
                if !pseudo
                    && !kind.columns().iter().any(|c| c.name == field && c.name != "source" && c.name != "batch_id")
                {
                    return Err(invalid(format!(
                        "[{kind}.columns] maps '{field}', which is not a canonical {kind} field"
                    )));
                }
            }
            if self.mapping(kind).columns.values().any(|h| h.names().is_empty()) {
                return Err(invalid(format!("[{kind}.columns] maps a field to an empty list of headers")));
            }
            for field in self.mapping(kind).required.iter().flatten() {
                if !kind.columns().iter().any(|c| c.name == field) {
                    return Err(invalid(format!(
                        "[{kind}] required names '{field}', which is not a canonical {kind} field"
                    )));
                }
            }
        }
        for (set_name, labels) in &self.values {
            let set = VALUE_SETS
                .iter()
                .find(|s| s.name == set_name)
                .ok_or_else(|| invalid(format!("[values.{set_name}] is not a value set (known: {})", set_names())))?;
            for (label, canonical) in labels {
                if !set.values.contains(&canonical.as_str()) {
                    return Err(invalid(format!(
                        "[values.{set_name}] maps '{label}' to '{canonical}', which is not one of {}",
                        set.values.join(", ")
                    )));
                }
            }
        }
        if let Some(kind) = &self.tickets.default_kind {
            if !crate::model::KIND.values.contains(&kind.as_str()) {
                return Err(invalid(format!(
                    "[tickets] default_kind '{kind}' is not one of {}",
                    crate::model::KIND.values.join(", ")
                )));
            }
        }
        Ok(())
    }
}

fn set_names() -> String {
    VALUE_SETS.iter().map(|s| s.name).collect::<Vec<_>>().join(", ")
}

fn builtin_names() -> String {
    BUILTIN.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
}

/// Reads a profile as a TOML table with its `base` chain merged under it.
fn load_table(name_or_path: &str, depth: usize) -> Result<toml::Table, ProfileError> {
    let invalid = |message: String| ProfileError::Invalid { name: name_or_path.into(), message };
    if depth > 8 {
        return Err(invalid("`base` chain is longer than 8 (a cycle?)".into()));
    }
    let text = if let Some((_, text)) = BUILTIN.iter().find(|(n, _)| *n == name_or_path) {
        text.to_string()
    } else if name_or_path.ends_with(".toml") || Path::new(name_or_path).is_file() {
        std::fs::read_to_string(name_or_path)
            .map_err(|source| ProfileError::Read { path: name_or_path.into(), source })?
    } else {
        return Err(ProfileError::Unknown { name: name_or_path.into(), builtins: builtin_names() });
    };
    let mut table: toml::Table = text.parse().map_err(|e: toml::de::Error| invalid(e.to_string()))?;
    if let Some(base) = table.get("base").and_then(|b| b.as_str()).map(str::to_owned) {
        let mut merged = load_table(&base, depth + 1)?;
        merge(&mut merged, table);
        table = merged;
        table.insert("base".into(), toml::Value::String(base));
    }
    Ok(table)
}

/// Overlays `top` on `base`: tables merge key by key, anything else replaces.
fn merge(base: &mut toml::Table, top: toml::Table) {
    for (key, value) in top {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(t)) => merge(b, t),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_are_accepted_as_the_docs_write_them() {
        for (text, want) in [
            ("utf-8", EncodingChoice::Utf8),
            ("utf8", EncodingChoice::Utf8),
            ("windows-1252", EncodingChoice::Windows1252),
            ("auto", EncodingChoice::Auto),
        ] {
            let t: toml::Value = toml::from_str(&format!("e = \"{text}\"")).unwrap();
            assert_eq!(t["e"].clone().try_into::<EncodingChoice>().unwrap(), want, "{text}");
        }
    }

    #[test]
    fn builtin_generic_is_valid_and_maps_swedish_labels() {
        let p = Profile::load("generic").unwrap();
        let status = p.value_map(&crate::model::STATUS);
        assert_eq!(status.get("stängd"), Some(&"closed"));
        assert_eq!(status.get("pending"), Some(&"pending"));
        let prio = p.value_map(&crate::model::PRIORITY);
        assert_eq!(prio.get("hög"), Some(&"high"));
    }

    #[test]
    fn user_profile_extends_base_and_overrides_columns() {
        let dir = std::env::temp_dir().join(format!("itsm-profile-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("mine.toml");
        std::fs::write(&path, "name = \"mine\"\nbase = \"generic\"\n[tickets.columns]\nticket_id = \"Ärende\"\n")
            .unwrap();
        let p = Profile::load(path.to_str().unwrap()).unwrap();
        assert_eq!(p.name, "mine");
        assert_eq!(p.tickets.columns["ticket_id"].names(), ["Ärende"]);
        assert_eq!(p.tickets.columns["opened_at"].names(), ["opened_at"]);
    }

    #[test]
    fn a_field_takes_a_list_of_headers_and_null_markers_have_a_default() {
        let table: toml::Table =
            "name = \"x\"\n[tickets.columns]\nstatus = [\"state\", \"incident_state\"]\nticket_id = \"number\"\n"
                .parse()
                .unwrap();
        let p: Profile = table.try_into().unwrap();
        let header: Vec<String> = ["number", "incident_state"].iter().map(|s| s.to_string()).collect();
        assert_eq!(p.tickets.columns["status"].find(&header), Some(1));
        assert_eq!(p.tickets.columns["ticket_id"].find(&header), Some(0));
        assert_eq!(p.tickets.columns["status"].shown(), "'state' or 'incident_state'");
        assert!(p.is_null(" ? ") && p.is_null("null") && p.is_null("") && p.is_null(" - "));
        assert!(!p.is_null("--") && !p.is_null("-1") && !p.is_null("n/a"));
        let mut q = p.clone();
        q.null_values = Some(vec!["n/a".into()]);
        assert!(q.is_null("N/A") && !q.is_null("?") && !q.is_null("-"), "a profile's own list replaces the default");
        assert_eq!(p.required_fields(FileKind::Tickets), ["ticket_id", "kind", "status", "opened_at"]);
    }

    #[test]
    fn unknown_canonical_field_is_an_error() {
        let table: toml::Table = "name = \"x\"\n[tickets.columns]\nfoo = \"bar\"\n".parse().unwrap();
        let p: Profile = table.try_into().unwrap();
        assert!(p.validate("x").unwrap_err().to_string().contains("'foo'"));
    }
}
