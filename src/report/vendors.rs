//! The IT controller's supplier follow-up of a month (vendors.html, vendors.csv,
//! vendors.xlsx) from the vendor KPI tables (DESIGN §7b, issue 16): which rows of which
//! tables, the 12 months of the compliance chart, the organisation's zone for the
//! instants shown.

use std::path::PathBuf;

use super::{month_dir, parse_month, source_batches, write_files, Result};
use crate::config::Config;
use crate::render::{self, Lang, Table};
use crate::store::Store;

/// What `vendors` writes.
#[derive(Debug, Clone)]
pub struct VendorsOptions {
    /// Report month, `YYYY-MM`.
    pub month: String,
    /// Output directory (default: `itsm-reports/YYYY-MM`).
    pub out: Option<PathBuf>,
    /// Language of the page and the workbook.
    pub lang: Lang,
    /// A template file instead of the shipped vendors.md (vendors.html only).
    pub template: Option<PathBuf>,
}

/// Writes the supplier follow-up of a month; returns the files written (vendors.html,
/// vendors.csv, vendors.xlsx).
pub fn vendors(store: &Store, config: &Config, options: &VendorsOptions) -> Result<Vec<PathBuf>> {
    let (y, m) = parse_month(&options.month)?;
    super::computed_month(store, (y, m), "--month")?;
    let month = format!("{y:04}-{m:02}-01");
    let fetch = |sql: &str| -> Result<Table> { Ok(store.query_table_with(sql, &[&month])?) };
    let batches = source_batches(store)?
        .into_iter()
        .map(|b| format!("#{} {} ({}, {} UTC)", b.batch_id, b.file, b.source, b.finished_at))
        .collect();
    // The zone the build computed in (its months, its calendar), not today's configuration.
    let timezone = super::build_zone(store)?;
    let input = render::vendors::VendorsInput {
        lang: options.lang,
        month: (y, m),
        currency: config.billing.currency.clone(),
        timezone,
        template: super::load_template(options.template.as_deref(), ("reports/vendors.md", render::vendors::TEMPLATE))?,
        summary: fetch("SELECT * FROM kpi_vendor_by_month WHERE month = CAST(? AS DATE) ORDER BY vendor")?,
        trend: fetch(
            "SELECT * FROM kpi_vendor_by_month WHERE month > CAST($1 AS DATE) - INTERVAL 12 MONTH \
             AND month <= CAST($1 AS DATE) ORDER BY vendor, month",
        )?,
        bands: fetch(
            "SELECT * FROM kpi_vendor_holding_bucket WHERE month = CAST(? AS DATE) ORDER BY vendor, band_order",
        )?,
        holdings: fetch(
            "SELECT * FROM kpi_vendor_holding WHERE month = CAST(? AS DATE) ORDER BY vendor, ends_at, ticket_id",
        )?,
        costs: fetch("SELECT * FROM kpi_vendor_cost_ticket WHERE month = CAST(? AS DATE) ORDER BY vendor, ticket_id")?,
        batches,
    };
    let files = render::vendors::render(&input)?;
    write_files(
        &month_dir(options.out.as_deref(), (y, m)),
        &[
            ("vendors.html", files.html.as_bytes()),
            ("vendors.csv", files.csv.as_bytes()),
            ("vendors.xlsx", files.xlsx.as_slice()),
        ],
    )
}
