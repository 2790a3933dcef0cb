//! The billing basis of a month (billing.xlsx, billing.csv, billing.html) from the billing
//! KPI tables.

use std::path::PathBuf;

use super::{month_dir, parse_month, pseudonym_salt, source_batches, write_files, ReportError, Result};
use crate::config::Config;
use crate::render::{self, Lang, Table};
use crate::store::Store;
use crate::table::Value;

/// What `billing` writes.
#[derive(Debug, Clone)]
pub struct BillingOptions {
    /// Billing month, `YYYY-MM`.
    pub month: String,
    /// Output directory (default: `itsm-reports/YYYY-MM`).
    pub out: Option<PathBuf>,
    /// Language of the sheets and the page.
    pub lang: Lang,
    /// Show requesters as they are instead of pseudonymised.
    pub show_personal_data: bool,
    /// A template file instead of the shipped billing.md (billing.html only).
    pub template: Option<PathBuf>,
}

/// Writes the billing basis of a month; returns the files written (billing.xlsx,
/// billing.csv, billing.html).
pub fn billing(store: &Store, _config: &Config, options: &BillingOptions) -> Result<Vec<PathBuf>> {
    let (y, m) = parse_month(&options.month)?;
    super::computed_month(store, (y, m), "--month")?;
    let month = format!("{y:04}-{m:02}-01");
    // Every fetch of the month binds the month's first day.
    let fetch = |sql: &str| -> Result<Table> { Ok(store.query_table_with(sql, &[&month])?) };
    let price_list = store.query_table("SELECT price_list, currency FROM cfg_billing")?;
    let first = price_list.rows.first().cloned().unwrap_or_default();
    if first.first().is_none_or(Value::is_null) {
        return Err(ReportError::NoPriceList);
    }
    let currency = first.get(1).and_then(Value::to_text).unwrap_or_else(|| "SEK".into());
    let batches = source_batches(store)?
        .into_iter()
        .map(|b| format!("#{} {} ({}, {} UTC)", b.batch_id, b.file, b.source, b.finished_at))
        .collect();
    let input = render::billing::BillingInput {
        lang: options.lang,
        month: (y, m),
        currency,
        template: super::load_template(options.template.as_deref(), ("reports/billing.md", render::billing::TEMPLATE))?,
        lines: fetch(
            "SELECT * FROM kpi_billing_line WHERE month = CAST(? AS DATE) \
             ORDER BY section, customer, charge_type, price_key, unit_price",
        )?,
        allocation: fetch(
            "SELECT * FROM kpi_billing_allocation WHERE month = CAST(? AS DATE) \
             ORDER BY customer, charge_type, price_key, unit_price",
        )?,
        allocation_key: fetch(
            "SELECT * FROM kpi_billing_allocation_key WHERE month = CAST(? AS DATE) ORDER BY customer",
        )?,
        customers: fetch("SELECT * FROM kpi_billing_customer WHERE month = CAST(? AS DATE) ORDER BY customer")?,
        total: fetch("SELECT * FROM kpi_billing_total WHERE month = CAST(? AS DATE)")?,
        tickets: fetch(
            "SELECT * FROM kpi_billing_ticket WHERE month = CAST(? AS DATE) \
             ORDER BY section, customer, charge_type, price_key, ticket_id",
        )?,
        covered: fetch("SELECT * FROM kpi_billing_covered WHERE month = CAST(? AS DATE) ORDER BY customer, service")?,
        batches,
        pseudonymise: !options.show_personal_data,
        salt: pseudonym_salt(store)?,
    };
    let files = render::billing::render(&input)?;
    write_files(
        &month_dir(options.out.as_deref(), (y, m)),
        &[
            ("billing.xlsx", files.xlsx.as_slice()),
            ("billing.csv", files.csv.as_bytes()),
            ("billing.html", files.html.as_bytes()),
        ],
    )
}
