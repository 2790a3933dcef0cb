//! The monthly KPI report (monthly.html and kpi.json) and the check of report templates
//! against the built tables.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::{month_dir, parse_month, pseudonym_salt, source_batches, write_files, ReportError, Result};
use super::{DEFINITIONS, SHIPPED};
use crate::config::Config;
use crate::render::template::{Block, BlockKind, Item, Template};
use crate::render::{self, parse_template, Lang, Localized, ReportInput};
use crate::store::Store;
use crate::table::Value;

/// What `monthly` renders.
#[derive(Debug, Clone)]
pub struct MonthlyOptions {
    /// Report month, `YYYY-MM` (default: the month before the build's as-of instant).
    pub month: Option<String>,
    /// Output directory (default: `itsm-reports/YYYY-MM`).
    pub out: Option<PathBuf>,
    /// Report language.
    pub lang: Lang,
    /// A template file instead of the shipped monthly.md.
    pub template: Option<PathBuf>,
    /// KPI definitions (TOML) instead of the shipped ones.
    pub definitions: Option<PathBuf>,
    /// Show requesters and agents as they are instead of pseudonymised.
    pub show_personal_data: bool,
}

impl Default for MonthlyOptions {
    fn default() -> Self {
        MonthlyOptions {
            month: None,
            out: None,
            lang: Lang::Sv,
            template: None,
            definitions: None,
            show_personal_data: false,
        }
    }
}

/// Reads KPI definitions: `[id] sv = "…" en = "…"` (the shipped ones without a path).
pub fn load_definitions(path: Option<&Path>) -> Result<BTreeMap<String, Localized>> {
    let (file, text) = match path {
        Some(p) => (p.display().to_string(), super::read_text(p)?),
        None => ("reports/definitions.toml".to_string(), DEFINITIONS.to_string()),
    };
    toml::from_str(&text).map_err(|e| ReportError::Definitions { file, message: e.to_string() })
}

/// Renders the monthly report into its directory; returns the files written
/// (monthly.html, kpi.json).
pub fn monthly(store: &Store, _config: &Config, options: &MonthlyOptions) -> Result<Vec<PathBuf>> {
    let template = super::load_template(options.template.as_deref(), SHIPPED[0])?;
    let definitions = load_definitions(options.definitions.as_deref())?;
    let build = store.query_table("SELECT as_of, config_sha256, timezone FROM cfg_build")?;
    let row = build.rows.first().ok_or(ReportError::EmptyBuild)?;
    let as_of = match row.first() {
        Some(Value::Timestamp(t)) => t.and_utc(),
        _ => chrono::DateTime::default(),
    };
    let text = |i: usize| row.get(i).map(Value::to_string).unwrap_or_default();
    let timezone: chrono_tz::Tz = text(2).parse().unwrap_or(chrono_tz::Europe::Stockholm);
    let month = match &options.month {
        Some(m) => parse_month(m)?,
        None => {
            let local = as_of.with_timezone(&timezone);
            let (y, m) = (chrono::Datelike::year(&local), chrono::Datelike::month(&local));
            if m == 1 {
                (y - 1, 12)
            } else {
                (y, m - 1)
            }
        }
    };
    super::computed_month(store, month, "--month")?;
    let relations = store.relations()?;
    let (y, m) = month;
    let window = [render::first_month_read(month).format("%Y-%m-%d").to_string(), format!("{y:04}-{m:02}-01")];
    let every_row = every_row_queries(&template);
    let mut tables = BTreeMap::new();
    for (_, query, _) in template.references() {
        if tables.contains_key(&query) {
            continue;
        }
        if !relations.contains(&query) {
            return Err(ReportError::NoTable { file: template.file.clone(), query });
        }
        let columns = store.query_table(&format!("SELECT * FROM \"{query}\" LIMIT 0"))?.columns;
        // Only the months a report can show; a table that shows every row gets every row.
        let table = if columns.iter().any(|c| c == "month") && !every_row.contains(&query) {
            let sql = format!("SELECT * FROM \"{query}\" WHERE month BETWEEN CAST(? AS DATE) AND CAST(? AS DATE)");
            store.query_table_with(&sql, &[&window[0], &window[1]])?
        } else {
            store.query_table(&format!("SELECT * FROM \"{query}\""))?
        };
        tables.insert(query.clone(), table);
    }
    // Why a figure cannot be computed, for every block (an older store may lack it).
    let reasons = render::NOT_COMPUTABLE;
    if !tables.contains_key(reasons) && relations.iter().any(|r| r == reasons) {
        let sql = format!(
            "SELECT month, kpi, reason FROM \"{reasons}\" WHERE month BETWEEN CAST(? AS DATE) AND CAST(? AS DATE)"
        );
        tables.insert(reasons.to_string(), store.query_table_with(&sql, &[&window[0], &window[1]])?);
    }
    // A month of the build's with no ticket opened or resolved (the rows of
    // kpi_summary_by_month): real, and quiet; the page says so.
    let quiet_month = relations.iter().any(|r| r == "kpi_summary_by_month")
        && store
            .query_table_with("SELECT 1 FROM kpi_summary_by_month WHERE month = CAST(? AS DATE)", &[&window[1]])?
            .rows
            .is_empty();
    let input = ReportInput {
        template,
        lang: options.lang,
        month,
        tables,
        definitions,
        timezone,
        show_personal: options.show_personal_data,
        pseudonym_salt: pseudonym_salt(store)?,
        as_of,
        config_sha256: text(1),
        batches: source_batches(store)?,
        quiet_month,
    };
    let rendered = render::render(&input)?;
    let dir = month_dir(options.out.as_deref(), month);
    write_files(&dir, &[("monthly.html", rendered.html.as_bytes()), ("kpi.json", rendered.json.as_bytes())])
}

/// The queries read only by `table` blocks with `all_months`: those show every row
/// (render::tables), so cutting them to the report's window first would hide rows whose
/// month lies outside it — the loads, which come after the month they report on.
fn every_row_queries(template: &Template) -> BTreeSet<String> {
    let blocks: Vec<&Block> = template
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Figure(b) => Some(b),
            Item::Markdown(_) => None,
        })
        .collect();
    let every_row = |b: &Block| b.kind == BlockKind::Table && b.spec.all_months;
    blocks
        .iter()
        .filter(|b| every_row(b))
        .map(|b| b.spec.query.clone())
        .filter(|q| blocks.iter().all(|b| b.spec.query != *q || every_row(b)))
        .collect()
}

/// What `check` found.
#[derive(Debug, Clone, Default)]
pub struct CheckOutcome {
    /// How many templates were checked.
    pub checked: usize,
    /// `file:line: message` per problem (a template that cannot be read or parsed, too).
    pub problems: Vec<String>,
}

/// Checks templates (the shipped ones — monthly, billing, CAB — when `files` is empty)
/// against the tables of the built store: every query and column they name exists, every
/// definition they cite.
pub fn check(store: &Store, files: &[PathBuf], definitions: Option<&Path>) -> Result<CheckOutcome> {
    let definitions: Vec<String> = load_definitions(definitions)?.into_keys().collect();
    let mut templates = Vec::new();
    let mut problems = Vec::new();
    if files.is_empty() {
        for (file, text) in SHIPPED {
            templates.push(parse_template(file, text)?);
        }
    }
    for f in files {
        match super::load_template(Some(f), SHIPPED[0]) {
            Ok(t) => templates.push(t),
            Err(e) => problems.push(e.to_string()),
        }
    }
    let relations = store.relations()?;
    let mut columns = BTreeMap::new();
    for t in &templates {
        for (_, query, _) in t.references() {
            if columns.contains_key(&query) || !relations.contains(&query) {
                continue;
            }
            let cols = store.query_table(&format!("SELECT * FROM \"{query}\" LIMIT 0"))?.columns;
            columns.insert(query, cols);
        }
        problems.extend(render::check(t, &columns, &definitions));
    }
    Ok(CheckOutcome { checked: if files.is_empty() { SHIPPED.len() } else { files.len() }, problems })
}
