//! The CAB's prioritised list of changes and projects (cab.html, cab.csv) from the CAB KPI
//! tables, as of the build's instant or another one.
//!
//! The CAB models read their as-of instant from the input relation `cfg_cab_as_of`, which
//! the build fills with the build's as-of. For another instant the models' SQL runs as it
//! is, with `cfg_cab_as_of` bound (as a CTE of the same name, which shadows the table) to
//! a one-row relation holding the instant as a bound parameter — the SQL is never edited.

use std::path::PathBuf;

use chrono::NaiveDateTime;

use super::{first_text, write_files, ReportError, Result};
use crate::compute::{load_models, ModelSet};
use crate::config::Config;
use crate::render::{self, Lang};
use crate::store::Store;
use crate::table::Value;

/// What `cab` writes.
#[derive(Debug, Clone)]
pub struct CabOptions {
    /// Evidence from the 12 months before this instant (UTC); `None`: the build's as-of.
    pub as_of: Option<NaiveDateTime>,
    /// Output directory (default: `itsm-reports/cab`).
    pub out: Option<PathBuf>,
    /// Language of the page.
    pub lang: Lang,
    /// A template file instead of the shipped cab.md (cab.html only).
    pub template: Option<PathBuf>,
}

/// Binds the CAB models' as-of input to the instant of parameter 1.
const BIND_AS_OF: &str = "WITH cfg_cab_as_of AS (SELECT CAST(? AS TIMESTAMP) AS as_of)";

fn model_sql<'a>(set: &'a ModelSet, name: &str) -> Result<&'a str> {
    Ok(&set.model(name).ok_or_else(|| ReportError::NoModel(name.into()))?.sql)
}

/// Writes the CAB report; returns the files written (cab.html, cab.csv).
pub fn cab(store: &Store, config: &Config, options: &CabOptions) -> Result<Vec<PathBuf>> {
    if store.query_i64("SELECT count(*) FROM cfg_portfolio")? == 0 {
        return Err(ReportError::EmptyPortfolio);
    }
    let (candidates, unaddressed, sensitivity, as_of) = match options.as_of {
        None => {
            let as_of = store.query_table("SELECT as_of FROM cfg_build")?;
            let as_of = match as_of.rows.first().and_then(|r| r.first()) {
                Some(Value::Timestamp(t)) => t.format("%Y-%m-%d %H:%M").to_string(),
                _ => first_text(&as_of),
            };
            (
                store.query_table("SELECT * FROM kpi_cab_candidate ORDER BY cab_rank")?,
                store.query_table("SELECT * FROM kpi_cab_unaddressed ORDER BY unaddressed_rank")?,
                store.query_table("SELECT * FROM kpi_cab_sensitivity")?,
                as_of,
            )
        }
        Some(instant) => {
            // Evidence is the 12 months before the instant: at one outside the calendar,
            // or in a month the build never computed, the window holds none of the data
            // (or only its first months after the build's as-of) and every candidate would
            // rank on zeros under a heading that claims twelve months.
            let tz = super::build_zone(store)?;
            super::within_calendar(store, instant, tz)?;
            super::computed_month(store, super::local_month(instant, tz), "--as-of")?;
            let set = load_models(config.queries.as_deref())?;
            let at = instant.format("%Y-%m-%d %H:%M:%S").to_string();
            let candidate = model_sql(&set, "kpi_cab_candidate")?;
            let unaddressed = model_sql(&set, "kpi_cab_unaddressed")?;
            let sensitivity = model_sql(&set, "kpi_cab_sensitivity")?;
            (
                store.query_table_with(
                    &format!("{BIND_AS_OF} SELECT * FROM ({candidate}\n) AS c ORDER BY cab_rank"),
                    &[&at],
                )?,
                store.query_table_with(
                    &format!("{BIND_AS_OF} SELECT * FROM ({unaddressed}\n) AS u ORDER BY unaddressed_rank"),
                    &[&at],
                )?,
                // The sensitivity reads the candidates as of the same instant: the model's
                // name, bound as a CTE, shadows the built table.
                store.query_table_with(
                    &format!("{BIND_AS_OF}, kpi_cab_candidate AS ({candidate}\n) SELECT * FROM ({sensitivity}\n) AS s"),
                    &[&at],
                )?,
                instant.format("%Y-%m-%d %H:%M").to_string(),
            )
        }
    };
    let template = super::load_template(options.template.as_deref(), ("reports/cab.md", render::cab::TEMPLATE))?;
    let files =
        render::cab::render(&template, &candidates, &unaddressed, &sensitivity, &format!("{as_of} UTC"), options.lang)?;
    let dir = options.out.clone().unwrap_or_else(|| PathBuf::from("itsm-reports/cab"));
    write_files(&dir, &[("cab.html", files.html.as_bytes()), ("cab.csv", files.csv.as_bytes())])
}
