//! Render: a report template and the KPI tables it names, turned into one self-contained
//! HTML page (inline CSS and SVG, no scripts, every data value escaped) and `kpi.json`
//! (every figure of the page, machine-readable, with its definition id).
//!
//! Owns: the meaning of the figure blocks (which rows a tile, chart or table shows for a
//! report month), pseudonymising personal data, the page layout. Must not: open the
//! database — the report layer hands over typed tables ([`Table`]); joins belong in
//! SQL; values are formatted from their type, never guessed from their text. Must not
//! import `cli` or `report` (they import render).
//!
//! Layout: `template` (parsing and validation of templates), `format` (numbers, months,
//! escaping per language), `chart` (SVG), `figures` (rows → figure values), `page` (the
//! monthly page's HTML and JSON), `shell` (the one HTML document and stylesheet of every
//! page), `tables` (pages of table blocks: billing, CAB, customer report), `billing`, `cab`
//! and `customer` (their files), `output` (tables as text, CSV or JSON for `--format`).

pub mod billing;
pub mod cab;
pub mod chart;
pub mod customer;
pub mod dispatch;
pub mod export;
mod figures;
pub mod format;
pub mod output;
mod page;
pub mod personal;
pub mod shell;
pub mod tables;
pub mod template;
pub mod vendors;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

pub use crate::table::{Table, Value};
pub use figures::{Figure, FigureValue, Layer, NotComputable, SeriesValues, NOT_COMPUTABLE};
pub use format::{Lang, NumberFormat};
pub use template::{parse_template, Localized, Template, TemplateError};

/// Errors of rendering. Each names the template file and line of the figure.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// A figure cannot be drawn from its table as it is (e.g. a tile with several rows).
    #[error("{file}:{line}: {message}")]
    Figure {
        /// Template file.
        file: String,
        /// Line of the figure's fence.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

/// A loaded ingest batch, for the footer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SourceBatch {
    /// Batch id.
    pub batch_id: String,
    /// Source name.
    pub source: String,
    /// File as given.
    pub file: String,
    /// When it was loaded (UTC text).
    pub finished_at: String,
}

/// Everything one report needs.
#[derive(Debug, Clone)]
pub struct ReportInput {
    /// The template.
    pub template: Template,
    /// Output language.
    pub lang: Lang,
    /// Report month (year, month).
    pub month: (i32, u32),
    /// Each table the template names, by name.
    pub tables: BTreeMap<String, Table>,
    /// KPI definitions by id.
    pub definitions: BTreeMap<String, Localized>,
    /// The organisation's zone, for instants shown.
    pub timezone: chrono_tz::Tz,
    /// Show requester and agent as they are (default: pseudonymised).
    pub show_personal: bool,
    /// Salt of the pseudonyms, so they cannot be reversed by hashing a list of names.
    pub pseudonym_salt: String,
    /// The build's as-of instant.
    pub as_of: DateTime<Utc>,
    /// sha256 of the configuration.
    pub config_sha256: String,
    /// Batches the database was loaded from.
    pub batches: Vec<SourceBatch>,
    /// No ticket was opened or resolved in the month (a month the build computed): the
    /// page says so above its figures, so a tile's – reads as a quiet month, not a gap.
    pub quiet_month: bool,
}

/// The placeholder of a KPI definition's text for the zone its months are read in.
pub const TIMEZONE_PLACEHOLDER: &str = "{timezone}";

impl ReportInput {
    /// A KPI definition's text in the report language, with [`TIMEZONE_PLACEHOLDER`] filled
    /// with the organisation's zone: the definitions say which zone a month is read in, and
    /// an organisation configured in another zone than the shipped default must read its own.
    pub fn definition_text(&self, id: &str) -> Option<String> {
        self.definitions.get(id).map(|d| d.get(self.lang).replace(TIMEZONE_PLACEHOLDER, self.timezone.name()))
    }
}

/// The rendered report.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    /// The HTML page.
    pub html: String,
    /// kpi.json.
    pub json: String,
    /// The figures, as kpi.json holds them.
    pub figures: Vec<Figure>,
}

/// The first month a report reads from a table with a `month` column: the
/// [`template::MAX_MONTHS`] months a figure can show, and the one before them for the
/// change against the previous month.
pub fn first_month_read(month: (i32, u32)) -> chrono::NaiveDate {
    let (y, m) = figures::months_back(month.0, month.1, template::MAX_MONTHS + 1)[0];
    chrono::NaiveDate::from_ymd_opt(y, m, 1).unwrap_or_default()
}

/// Renders a report.
pub fn render(input: &ReportInput) -> Result<Rendered, RenderError> {
    let figures = figures::compute(input)?;
    let html = page::html(input, &figures);
    let json = page::json(input, &figures);
    Ok(Rendered { html, json, figures })
}

/// Checks a template against the columns of the tables that exist: every query must exist
/// and every column it names must be one of that query's columns. Returns `file:line:
/// message` lines, empty when the template is fine.
pub fn check(template: &Template, columns: &BTreeMap<String, Vec<String>>, definitions: &[String]) -> Vec<String> {
    let mut problems = Vec::new();
    for (line, query, column) in template.references() {
        match columns.get(&query) {
            None => problems.push(format!("{}:{line}: query '{query}' is not a table of the KPI layer", template.file)),
            Some(cols) if !cols.contains(&column) => problems.push(format!(
                "{}:{line}: '{query}' has no column '{column}' (it has: {})",
                template.file,
                cols.join(", ")
            )),
            Some(_) => {}
        }
    }
    for item in &template.items {
        if let template::Item::Figure(block) = item {
            if let Some(id) = &block.spec.definition {
                if !definitions.contains(id) {
                    problems
                        .push(format!("{}:{}: no KPI definition '{id}' in the definitions", template.file, block.line));
                }
            }
        }
    }
    problems.sort();
    problems.dedup();
    problems
}

/// A stable pseudonym for a person: the same name gives the same pseudonym in every
/// report with the same salt, and the name cannot be read back from it.
pub fn pseudonym(name: &str, salt: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("{salt}\u{0}{}", name.trim()).as_bytes());
    format!("P-{}", digest.iter().take(3).map(|b| format!("{b:02x}")).collect::<String>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudonyms_are_stable_salted_and_opaque() {
        let a = pseudonym("Anna Berg", "s");
        assert_eq!(a, pseudonym(" Anna Berg ", "s"));
        assert_ne!(a, pseudonym("Anna Berg", "t"));
        assert_ne!(a, pseudonym("Bo Ek", "s"));
        assert!(a.starts_with("P-") && a.len() == 8 && !a.contains("Anna"));
    }
}
