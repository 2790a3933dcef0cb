//! The canonical model's vocabulary (DESIGN §3): the columns of `ticket` and `ticket_event`
//! and the closed value sets every source is mapped into.
//!
//! This module is plain data shared by ingest (which builds rows in this shape) and store
//! (whose migrations must create tables in exactly this shape; a store test holds the two
//! together). It knows nothing about files or databases.

/// The physical type of a canonical column, as ingest produces it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// Free text (VARCHAR).
    Text,
    /// An instant in UTC, microsecond precision (TIMESTAMP holding UTC).
    Instant,
    /// A whole number (INTEGER).
    Int,
    /// A decimal number (DOUBLE).
    Number,
    /// true/false (BOOLEAN).
    Bool,
    /// An exact amount of money in the organisation's currency, to the öre (DECIMAL(18, 2));
    /// never DOUBLE (DESIGN §5a.13).
    Money,
    /// The batch that last wrote the row (BIGINT).
    BatchId,
}

/// A column of a canonical table.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// Column name in the store and the canonical field name in profiles.
    pub name: &'static str,
    /// Physical type.
    pub ty: ColumnType,
    /// Whether a row without a value is rejected.
    pub required: bool,
}

const fn col(name: &'static str, ty: ColumnType, required: bool) -> Column {
    Column { name, ty, required }
}

use ColumnType::*;

/// `ticket`: one row per ticket, latest known state, key (source, ticket_id).
pub const TICKET_COLUMNS: &[Column] = &[
    col("source", Text, true),
    col("ticket_id", Text, true),
    col("kind", Text, true),
    col("title", Text, false),
    col("customer", Text, false),
    col("service", Text, false),
    col("category", Text, false),
    col("ci", Text, false),
    col("channel", Text, false),
    col("impact", Text, false),
    col("urgency", Text, false),
    col("priority", Text, false),
    col("status", Text, true),
    col("opened_at", Instant, true),
    col("first_response_at", Instant, false),
    col("resolved_at", Instant, false),
    col("closed_at", Instant, false),
    col("first_team", Text, false),
    col("resolved_by_team", Text, false),
    col("assigned_team", Text, false),
    col("reassignment_count", Int, false),
    col("reopen_count", Int, false),
    col("problem_id", Text, false),
    col("change_id", Text, false),
    col("work_minutes", Number, false),
    col("billable", Bool, false),
    col("request_item", Text, false),
    col("requester", Text, false),
    col("updated_at", Instant, true),
    col("batch_id", BatchId, true),
    // Schema 3 (issue 12): more of what ServiceNow exports carry.
    col("source_sla_met", Bool, false),
    col("closed_code", Text, false),
    col("subcategory", Text, false),
    col("location", Text, false),
    col("caused_by", Text, false),
    // Schema 4 (issue 16): the third-party cost (DESIGN §7b), passed through to billing.
    col("cost", Money, false),
    // Schema 5 (issue 15): the source's own major-incident flag (DESIGN §7a).
    col("major_incident", Text, false),
];

/// Ticket columns added in schema 3, after `batch_id`; the rest is the schema-2 row.
pub const TICKET_COLUMNS_V3: &[&str] = &["source_sla_met", "closed_code", "subcategory", "location", "caused_by"];

/// Ticket columns added after schema 2 (schemas 3 to 5), in order: a row without them is
/// the schema-2 row (the shape an event log's derived tickets are written in).
pub const TICKET_COLUMNS_AFTER_V2: &[&str] =
    &["source_sla_met", "closed_code", "subcategory", "location", "caused_by", "cost", "major_incident"];

/// Position of column `name` in `columns`, evaluated at compile time so hot paths index
/// rows by constant instead of searching by name. Panics (at compile time) if absent.
pub const fn column_index(columns: &[Column], name: &str) -> usize {
    let mut i = 0;
    while i < columns.len() {
        let (a, b) = (columns[i].name.as_bytes(), name.as_bytes());
        if a.len() == b.len() {
            let mut j = 0;
            while j < a.len() && a[j] == b[j] {
                j += 1;
            }
            if j == a.len() {
                return i;
            }
        }
        i += 1;
    }
    panic!("no such canonical column")
}

/// `ticket_event`: optional history, one row per change of a ticket.
pub const EVENT_COLUMNS: &[Column] = &[
    col("source", Text, true),
    col("ticket_id", Text, true),
    col("occurred_at", Instant, true),
    col("kind", Text, true),
    col("value", Text, false),
    col("agent", Text, false),
    col("minutes", Number, false),
    col("batch_id", BatchId, true),
];

/// A closed set of canonical values, and the field it belongs to.
#[derive(Debug, Clone, Copy)]
pub struct ValueSet {
    /// Name of the set as used in a profile's `[values.NAME]` table.
    pub name: &'static str,
    /// The canonical values, lower case.
    pub values: &'static [&'static str],
}

/// Ticket kinds.
pub const KIND: ValueSet = ValueSet { name: "kind", values: &["incident", "request", "problem", "change", "event"] };
/// Ticket statuses.
pub const STATUS: ValueSet =
    ValueSet { name: "status", values: &["new", "open", "pending", "resolved", "closed", "cancelled"] };
/// Channels a ticket came in through.
pub const CHANNEL: ValueSet =
    ValueSet { name: "channel", values: &["phone", "email", "portal", "walk_in", "monitoring", "other"] };
/// Impact levels of the priority matrix.
pub const IMPACT: ValueSet = ValueSet { name: "impact", values: &["low", "medium", "high"] };
/// Urgency levels of the priority matrix.
pub const URGENCY: ValueSet = ValueSet { name: "urgency", values: &["low", "normal", "high", "urgent"] };
/// Priorities (in this organisation "normal" ranks above "medium").
pub const PRIORITY: ValueSet = ValueSet { name: "priority", values: &["low", "medium", "normal", "high"] };
/// Kinds of history event.
pub const EVENT_KIND: ValueSet =
    ValueSet { name: "event_kind", values: &["status", "assignment", "worklog", "reopen"] };

/// The source's major-incident flag: `major` when the source's own major-incident process
/// accepted it, `not_major` when the source says it is not (a proposal rejected, or no).
pub const MAJOR_INCIDENT: ValueSet = ValueSet { name: "major_incident", values: &["major", "not_major"] };

/// Every value set, for profile validation.
pub const VALUE_SETS: &[ValueSet] = &[KIND, STATUS, CHANNEL, IMPACT, URGENCY, PRIORITY, EVENT_KIND, MAJOR_INCIDENT];

/// Which canonical table a source file feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// One row per ticket (state at export time).
    Tickets,
    /// One row per change of a ticket.
    History,
}

impl FileKind {
    /// The canonical columns of the table this kind of file feeds.
    pub fn columns(self) -> &'static [Column] {
        match self {
            FileKind::Tickets => TICKET_COLUMNS,
            FileKind::History => EVENT_COLUMNS,
        }
    }

    /// Lower-case name used in profiles, the store and messages.
    pub fn name(self) -> &'static str {
        match self {
            FileKind::Tickets => "tickets",
            FileKind::History => "history",
        }
    }
}

impl std::fmt::Display for FileKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A team as the `team` table holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamRow {
    /// Team name as it appears in ticket data.
    pub name: String,
    /// Support line 1, 2 or 3; `None` for a team seen in data but not configured.
    pub line: Option<u8>,
    /// Customer served, for on-site teams.
    pub customer: Option<String>,
}

/// A line (and customer) for every team whose name matches a pattern (`*` any run of
/// characters, `?` one; case-insensitive). Applied to teams without a configured line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamRule {
    /// Team-name pattern.
    pub pattern: String,
    /// Support line 1, 2 or 3.
    pub line: u8,
    /// Customer served, for on-site teams.
    pub customer: Option<String>,
}

impl TeamRule {
    /// Whether `name` matches the pattern.
    pub fn matches(&self, name: &str) -> bool {
        fn glob(p: &[char], s: &[char]) -> bool {
            match (p.first(), s.first()) {
                (None, None) => true,
                (Some('*'), _) => glob(&p[1..], s) || (!s.is_empty() && glob(p, &s[1..])),
                (Some('?'), Some(_)) => glob(&p[1..], &s[1..]),
                (Some(a), Some(b)) => a == b && glob(&p[1..], &s[1..]),
                _ => false,
            }
        }
        let p: Vec<char> = self.pattern.to_lowercase().chars().collect();
        let s: Vec<char> = name.to_lowercase().chars().collect();
        glob(&p, &s)
    }
}

/// Text that is not a month as `YYYY-MM`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{text}' is not a month as YYYY-MM (1900-01 to 2100-12)")]
pub struct MonthError {
    /// The text given.
    pub text: String,
}

/// (year, month) of `YYYY-MM`, a report or sample month; years 1900 to 2100.
pub fn parse_month(text: &str) -> Result<(i32, u32), MonthError> {
    let bad = || MonthError { text: text.to_string() };
    let (y, m) = text.split_once('-').ok_or_else(bad)?;
    let (y, m): (i32, u32) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if !(1..=12).contains(&m) || !(1900..=2100).contains(&y) {
        return Err(bad());
    }
    Ok((y, m))
}

#[cfg(test)]
mod month_tests {
    use super::parse_month;

    #[test]
    fn months_are_yyyy_mm() {
        assert_eq!(parse_month("2026-09"), Ok((2026, 9)));
        assert_eq!(parse_month("2026-9"), Ok((2026, 9)));
        for bad in ["2026", "2026-13", "2026-00", "1899-12", "2101-01", "26-x", ""] {
            let err = parse_month(bad).unwrap_err().to_string();
            assert!(err.contains(&format!("'{bad}'")), "{err}");
        }
    }
}
