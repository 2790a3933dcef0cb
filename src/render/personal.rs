//! Which columns name people, and how each is written when personal data is hidden: one
//! rule for the reports' pages and JSON and for `itsm export` (which re-exports it), so no
//! file names someone another hides.

/// Columns holding a person's name: shown as pseudonyms (`P-3fa2c1`, the reports' salt)
/// unless `--show-personal-data`. `example_value` (kpi_rejected_reason, kpi_ingest_warning)
/// is a rejected cell's text, a name when a file's columns are shifted; the monthly report
/// shows it as a pseudonym too.
pub const PERSON_COLUMNS: &[&str] = &["requester", "agent", "last_agent", "example_value"];

/// Columns holding a rejected input line as it was read (`rejected_row.raw`): it may name
/// people in any of its cells, so it is left empty (NULL) unless `--show-personal-data`.
pub const RAW_COLUMNS: &[&str] = &["raw"];

/// Tables whose `value` is the text of an input cell that was rejected or set empty and
/// whose `reason` quotes it. A file with shifted columns puts a requester's name in any
/// column, and a label cannot be told from a name, so `value` is a pseudonym and the
/// quoted text is taken out of `reason` (`'…'`, as `reason_without_value` in
/// `queries/macros.sql` does for the data-quality KPIs) unless `--show-personal-data`.
pub const CELL_VALUE_TABLES: &[&str] = &["rejected_row", "ingest_warning", "fct_rejected_row", "fct_ingest_warning"];

/// How a column is written when personal data is hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hidden {
    /// A stable pseudonym (`P-3fa2c1`, the reports' salt).
    Pseudonym,
    /// Left empty (NULL).
    Empty,
    /// The row's `value` taken out of the text (`'…'`).
    ValueTakenOut,
}

/// How column `column` of `table` is written when personal data is hidden; `None`: as it is.
pub fn hidden(table: &str, column: &str) -> Option<Hidden> {
    if PERSON_COLUMNS.contains(&column) {
        Some(Hidden::Pseudonym)
    } else if RAW_COLUMNS.contains(&column) {
        Some(Hidden::Empty)
    } else if CELL_VALUE_TABLES.contains(&table) {
        match column {
            "value" => Some(Hidden::Pseudonym),
            "reason" => Some(Hidden::ValueTakenOut),
            _ => None,
        }
    } else {
        None
    }
}
