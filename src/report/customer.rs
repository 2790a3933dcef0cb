//! The customer's monthly service report (issue 19): for each billed customer
//! organisation, `customer-<name>.html` and `customer-<name>.json` from the template
//! `reports/customer.md`.
//!
//! Every table is fetched with the customer (and the month) bound as SQL parameters, so
//! another customer's rows never leave the store: the `kpi_customer_*` models hold the
//! customer's own tickets and the shared customer's (scope `shared`, with the customer's
//! allocation share), and the billing figures are the rows of the billing models
//! (`kpi_billing_customer`, `kpi_billing_line`, `kpi_billing_allocation`,
//! `kpi_billing_covered`) for that customer — the same figures as billing.csv and
//! billing.xlsx, never recomputed. Requester-level counts below `[customer_report]
//! min_count` are suppressed (NULL) in the fetch. The allocation key is given as the
//! customer's share only: the weights (its own and the total) would give away the other
//! customers' weights.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::{month_dir, parse_month, pseudonym_salt, source_batches, write_files, ReportError, Result};
use crate::config::Config;
use crate::render::{self, Lang, Table};
use crate::store::Store;
use crate::table::Value;

/// What `customer` writes.
#[derive(Debug, Clone)]
pub struct CustomerOptions {
    /// Report month, `YYYY-MM`.
    pub month: String,
    /// The customers to write a report for; empty: every billed customer.
    pub customers: Vec<String>,
    /// Output directory (default: `itsm-reports/YYYY-MM`).
    pub out: Option<PathBuf>,
    /// Report language.
    pub lang: Lang,
    /// A Markdown file whose text opens every report written (`[[sv|en]]` pairs allowed).
    pub note: Option<PathBuf>,
    /// A template file instead of the shipped customer.md.
    pub template: Option<PathBuf>,
    /// Show requesters as they are instead of pseudonymised.
    pub show_personal_data: bool,
}

/// The tables of a customer's report: (name, SQL, the parameters its `?`s bind, in order:
/// 0 = customer, 1 = the month's first day, 2 = the first month of the 12-month window,
/// 3 = min_count).
const FETCHES: &[(&str, &str, &[usize])] = &[
    ("kpi_customer_share", "SELECT customer, share, share_percent FROM kpi_customer_share WHERE customer = ?", &[0]),
    (
        "kpi_customer_volume_by_month",
        "SELECT * FROM kpi_customer_volume_by_month WHERE customer = ? AND month = CAST(? AS DATE) \
         ORDER BY scope, kind, service",
        &[0, 1],
    ),
    (
        "kpi_customer_requester_by_month",
        "SELECT month, customer, \
         CASE WHEN requesters BETWEEN 1 AND CAST(? AS INTEGER) - 1 THEN NULL ELSE requesters END AS requesters, \
         requesters BETWEEN 1 AND CAST(? AS INTEGER) - 1 AS requesters_suppressed, tickets \
         FROM kpi_customer_requester_by_month WHERE customer = ? AND month = CAST(? AS DATE)",
        &[3, 3, 0, 1],
    ),
    (
        "kpi_customer_sla_by_month",
        "SELECT * FROM kpi_customer_sla_by_month WHERE customer = ? AND month = CAST(? AS DATE) \
         ORDER BY scope, target_minutes, priority",
        &[0, 1],
    ),
    (
        "kpi_customer_sla_trend",
        "SELECT * FROM kpi_customer_sla_trend WHERE customer = ? \
         AND month BETWEEN CAST(? AS DATE) AND CAST(? AS DATE) ORDER BY scope, month",
        &[0, 2, 1],
    ),
    (
        "kpi_customer_response_by_month",
        "SELECT * FROM kpi_customer_response_by_month WHERE customer = ? AND month = CAST(? AS DATE) ORDER BY scope",
        &[0, 1],
    ),
    (
        "kpi_customer_ftr_by_month",
        "SELECT * FROM kpi_customer_ftr_by_month WHERE customer = ? AND month = CAST(? AS DATE)",
        &[0, 1],
    ),
    (
        "kpi_customer_breached_ticket",
        "SELECT * FROM kpi_customer_breached_ticket WHERE customer = ? AND month = CAST(? AS DATE) \
         ORDER BY breach_at, ticket_id",
        &[0, 1],
    ),
    (
        "kpi_customer_major_incident",
        "SELECT * FROM kpi_customer_major_incident WHERE customer = ? AND month = CAST(? AS DATE) \
         ORDER BY opened_at, ticket_id",
        &[0, 1],
    ),
    (
        "kpi_customer_problem",
        "SELECT * FROM kpi_customer_problem WHERE customer = ? AND last_month <= CAST(? AS DATE) \
         AND (last_month >= CAST(? AS DATE) OR problem_resolved_at IS NULL) ORDER BY problem_rank",
        &[0, 1, 2],
    ),
    (
        "kpi_customer_backlog_by_month",
        "SELECT * FROM kpi_customer_backlog_by_month WHERE customer = ? AND month = CAST(? AS DATE) ORDER BY scope",
        &[0, 1],
    ),
    (
        "kpi_customer_backlog_ticket",
        "SELECT * FROM kpi_customer_backlog_ticket WHERE customer = ? AND month = CAST(? AS DATE) \
         ORDER BY age_days DESC, ticket_id",
        &[0, 1],
    ),
    (
        "kpi_customer_change",
        "SELECT * FROM kpi_customer_change WHERE customer = ? AND month = CAST(? AS DATE) \
         ORDER BY resolved_at, ticket_id",
        &[0, 1],
    ),
    (
        "kpi_billing_customer",
        "SELECT * FROM kpi_billing_customer WHERE customer = ? AND month = CAST(? AS DATE)",
        &[0, 1],
    ),
    (
        "kpi_billing_line",
        "SELECT * FROM kpi_billing_line WHERE section = 'customer' AND customer = ? AND month = CAST(? AS DATE) \
         ORDER BY charge_type, price_key, unit_price",
        &[0, 1],
    ),
    (
        "kpi_billing_allocation",
        "SELECT month, charge_type, price_key, unit_price, line_amount, customer, share, amount \
         FROM kpi_billing_allocation WHERE customer = ? AND month = CAST(? AS DATE) \
         ORDER BY charge_type, price_key, unit_price",
        &[0, 1],
    ),
    (
        "kpi_billing_covered",
        "SELECT * FROM kpi_billing_covered WHERE customer = ? AND month = CAST(? AS DATE) ORDER BY service",
        &[0, 1],
    ),
];

/// The file-name part of a customer: lower case, Swedish letters folded (å, ä → a, ö → o),
/// anything else but letters and digits a `-`.
pub fn file_stem(customer: &str) -> String {
    let folded: String = customer
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'å' | 'ä' | 'à' | 'á' => 'a',
            'ö' | 'ø' | 'ó' => 'o',
            'é' | 'è' => 'e',
            'ü' => 'u',
            c if c.is_ascii_alphanumeric() => c,
            _ => '-',
        })
        .collect();
    let parts: Vec<&str> = folded.split('-').filter(|p| !p.is_empty()).collect();
    format!("customer-{}", parts.join("-"))
}

/// Writes one report per customer; returns the files written (HTML, JSON per customer).
pub fn customer(store: &Store, config: &Config, options: &CustomerOptions) -> Result<Vec<PathBuf>> {
    let (y, m) = parse_month(&options.month)?;
    super::computed_month(store, (y, m), "--month")?;
    let month = format!("{y:04}-{m:02}-01");
    let first = render::first_month_read((y, m));
    // 12 months up to the report month: first_month_read goes MAX_MONTHS + 1 back.
    let window = chrono::NaiveDate::from_ymd_opt(y, m, 1)
        .and_then(|d| d.checked_sub_months(chrono::Months::new(11)))
        .unwrap_or(first)
        .format("%Y-%m-%d")
        .to_string();
    let known: Vec<String> = store
        .query_table("SELECT customer FROM cfg_billing_customer ORDER BY customer")?
        .rows
        .iter()
        .filter_map(|r| r.first().and_then(Value::to_text))
        .collect();
    let customers = if options.customers.is_empty() { known.clone() } else { options.customers.clone() };
    if let Some(unknown) = customers.iter().find(|c| !known.contains(c)) {
        return Err(ReportError::UnknownCustomer { name: unknown.clone(), known: known.join(", ") });
    }
    // Every billed customer, and not one of them has a ticket: the sample organisation's
    // defaults (or a misspelt list) on another organisation's data. Reports for them would
    // be empty pages with real-looking names; say so instead.
    if options.customers.is_empty() && store.query_i64("SELECT count(*) FROM kpi_customer_ticket")? == 0 {
        let found = store.query_table(
            "SELECT customer, count(*) AS n FROM ticket WHERE customer IS NOT NULL \
             GROUP BY customer ORDER BY n DESC, customer LIMIT 6",
        )?;
        let mut names: Vec<String> = found.rows.iter().filter_map(|r| r.first().and_then(Value::to_text)).collect();
        if names.len() > 5 {
            names.truncate(5);
            names.push("…".into());
        }
        let found = if names.is_empty() { "none (no ticket names a customer)".to_string() } else { names.join(", ") };
        return Err(ReportError::NoBilledCustomerInData { known: known.join(", "), found });
    }
    let template =
        super::load_template(options.template.as_deref(), ("reports/customer.md", render::customer::TEMPLATE))?;
    let note = options.note.as_deref().map(super::read_text).transpose()?;
    let currency = store.query_table("SELECT currency FROM cfg_billing")?;
    let currency = currency.rows.first().and_then(|r| r.first()).and_then(Value::to_text).unwrap_or("SEK".into());
    let as_of = store.query_table("SELECT strftime(as_of, '%Y-%m-%d %H:%M') FROM cfg_build")?;
    let as_of = format!("{} UTC", super::first_text(&as_of));
    let batches: Vec<String> = source_batches(store)?
        .into_iter()
        .map(|b| format!("#{} {} ({}, {} UTC)", b.batch_id, b.file, b.source, b.finished_at))
        .collect();
    let salt = pseudonym_salt(store)?;
    let min_count = config.customer_report.min_count.to_string();
    let dir = month_dir(options.out.as_deref(), (y, m));
    let mut written = Vec::new();
    for name in &customers {
        let values: [&str; 4] = [name, &month, &window, &min_count];
        let mut tables: BTreeMap<String, Table> = BTreeMap::new();
        for (table, sql, params) in FETCHES {
            let bound: Vec<&str> = params.iter().map(|&i| values[i]).collect();
            tables.insert((*table).to_string(), store.query_table_with(sql, &bound)?);
        }
        let input = render::customer::CustomerInput {
            lang: options.lang,
            month: (y, m),
            customer: name,
            template: &template,
            tables: &tables,
            currency: &currency,
            min_count: config.customer_report.min_count,
            note: note.as_deref(),
            as_of: &as_of,
            batches: batches.clone(),
            show_personal: options.show_personal_data,
            salt: &salt,
        };
        let files = render::customer::render(&input)?;
        let stem = file_stem(name);
        written.extend(write_files(
            &dir,
            &[(&format!("{stem}.html"), files.html.as_bytes()), (&format!("{stem}.json"), files.json.as_bytes())],
        )?);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_stems_are_plain_lower_case() {
        assert_eq!(file_stem("Kävlinge"), "customer-kavlinge");
        assert_eq!(file_stem("Burlöv"), "customer-burlov");
        assert_eq!(file_stem("Region Skåne / IT"), "customer-region-skane-it");
    }
}
