//! The customer's monthly service report (issue 19): `customer-<name>.html` (the template
//! `reports/customer.md` drawn by [`super::tables`] in the page shell, after the head of
//! IT's opening note) and `customer-<name>.json` (every table the page is drawn from, as
//! the report layer fetched it for that one customer, with the page's settings).
//!
//! Must not: choose or filter rows by customer (the report layer's SQL does, so another
//! customer's rows are never handed over), compute figures or open the database.

use std::collections::BTreeMap;

use std::fmt::Write as _;

use super::chart::{line_chart, LineChart, Series};
use super::format::{escape_html, format_month, format_number, month_short, Lang, NumberFormat};
use super::shell::{document, markdown, Provenance, Shell};
use super::tables::{body, number, value, PageError, TablePage};
use super::template::{Block, Item};
use super::{Table, Template, Value};

/// The table whose block is drawn as the 12-month compliance chart.
pub const TREND: &str = "kpi_customer_sla_trend";

/// The shipped customer report template, compiled in.
pub const TEMPLATE: &str = include_str!("../../reports/customer.md");

/// Everything one customer's report needs.
#[derive(Debug, Clone)]
pub struct CustomerInput<'a> {
    /// Report language.
    pub lang: Lang,
    /// (year, month).
    pub month: (i32, u32),
    /// The customer organisation the report is for.
    pub customer: &'a str,
    /// The page template (the shipped one is [`TEMPLATE`]).
    pub template: &'a Template,
    /// The tables its blocks name, holding this customer's rows only.
    pub tables: &'a BTreeMap<String, Table>,
    /// Currency of the billing figures.
    pub currency: &'a str,
    /// Requester-level counts below this are suppressed (NULL in the tables).
    pub min_count: u32,
    /// The opening paragraph (Markdown), if any.
    pub note: Option<&'a str>,
    /// The build's as-of instant, as it is to be read.
    pub as_of: &'a str,
    /// Source batches as text, for the footer.
    pub batches: Vec<String>,
    /// Show requesters as they are instead of pseudonymised.
    pub show_personal: bool,
    /// Salt of the pseudonyms.
    pub salt: &'a str,
}

/// The report's two files.
#[derive(Debug, Clone)]
pub struct CustomerFiles {
    /// The HTML page.
    pub html: String,
    /// Every figure of the page, machine-readable.
    pub json: String,
}

/// Writes the page and its JSON.
pub fn render(input: &CustomerInput<'_>) -> Result<CustomerFiles, PageError> {
    Ok(CustomerFiles { html: html(input)?, json: json(input) })
}

fn html(input: &CustomerInput<'_>) -> Result<String, PageError> {
    let lang = input.lang;
    let (y, m) = input.month;
    let page = TablePage {
        template: input.template,
        tables: input.tables.iter().map(|(k, v)| (k.as_str(), v)).collect(),
        lang,
        month: Some(input.month),
        variables: BTreeMap::from([
            ("currency", input.currency.to_string()),
            ("min_count", input.min_count.to_string()),
            ("customer", input.customer.to_string()),
        ]),
        show_personal: input.show_personal,
        salt: input.salt,
    };
    let mut main = String::new();
    if let Some(note) = input.note.filter(|n| !n.trim().is_empty()) {
        main.push_str("<section class=\"note\">\n");
        markdown(note, lang, &mut main);
        main.push_str("</section>\n");
    }
    // The trend block is a line chart over the 12 months (own and shared compliance
    // against the target); the blocks around it are tables.
    let trend = input.template.items.iter().position(|i| matches!(i, Item::Figure(b) if b.spec.query == TREND));
    match trend {
        Some(i) => {
            // The description (if any) opens the page once, before the first part.
            let part = |items: &[Item], first: bool| {
                let mut t = Template { items: items.to_vec(), ..input.template.clone() };
                if !first {
                    t.front.description = None;
                }
                t
            };
            let (before, after) = (part(&input.template.items[..i], true), part(&input.template.items[i + 1..], false));
            main.push_str(&body(&TablePage { template: &before, ..page.clone() })?);
            if let (Item::Figure(block), Some(table)) = (&input.template.items[i], input.tables.get(TREND)) {
                trend_chart(block, table, input, &mut main);
            }
            let after = TablePage { template: &after, ..page.clone() };
            main.push_str(&body(&after)?);
        }
        None => main.push_str(&body(&page)?),
    }
    let period = format_month(y, m, lang);
    let provenance = Provenance {
        period: Some(period.clone()),
        as_of: Some(input.as_of.to_string()),
        sources: Some(input.batches.clone()),
        personal_shown: Some(input.show_personal),
        ..Provenance::default()
    };
    let subtitle = format!("{} · {period}", input.customer);
    let title = input.template.front.title.get(lang);
    let html = document(&Shell { lang, title, subtitle: &subtitle, wide: false, provenance: &provenance }, &main);
    Ok(html)
}

/// The 12 months up to `month`, oldest first.
fn last_12_months((y, m): (i32, u32)) -> Vec<(i32, u32)> {
    let index = y * 12 + m as i32 - 1;
    (index - 11..=index).map(|i| (i.div_euclid(12), i.rem_euclid(12) as u32 + 1)).collect()
}

/// The compliance trend: one line per scope (own, shared) over the last 12 months, the
/// target dashed; a month without outcomes is a gap.
fn trend_chart(block: &Block, table: &Table, input: &CustomerInput<'_>, out: &mut String) {
    let lang = input.lang;
    let months = last_12_months(input.month);
    let x_labels = months
        .iter()
        .enumerate()
        .map(|(i, &(y, m))| {
            if i == 0 || m == 1 {
                format!("{} {:02}", month_short(m, lang), y % 100)
            } else {
                month_short(m, lang).to_string()
            }
        })
        .collect();
    let rows_of = |scope: &str| -> Vec<usize> {
        (0..table.rows.len()).filter(|&r| value(table, r, "scope").to_text().as_deref() == Some(scope)).collect()
    };
    let series_of = |scope: &str, name: &str| -> Option<Series> {
        let rows = rows_of(scope);
        if rows.is_empty() {
            return None;
        }
        let values = months
            .iter()
            .map(|&(y, m)| {
                let key = format!("{y:04}-{m:02}-01");
                rows.iter()
                    .find(|&&r| value(table, r, "month").to_text().as_deref() == Some(key.as_str()))
                    .and_then(|&r| number(table, r, "compliance"))
            })
            .collect();
        Some(Series { name: name.to_string(), values })
    };
    let series: Vec<Series> = [
        series_of("own", lang.pick("Era ärenden", "Your tickets")),
        series_of("shared", lang.pick("Gemensamma", "Shared")),
    ]
    .into_iter()
    .flatten()
    .collect();
    let target = (0..table.rows.len()).find_map(|r| number(table, r, "target"));
    let _ = writeln!(out, "<figure>");
    if let Some(t) = &block.spec.title {
        let _ = writeln!(out, "<h3>{}</h3>", escape_html(t.get(lang)));
    }
    if series.is_empty() {
        let _ = writeln!(out, "<p class=\"empty\">{}</p>\n</figure>", lang.pick("Inga rader.", "No rows."));
        return;
    }
    let fmt = move |v: f64| format_number(v, NumberFormat::Percent, lang);
    let chart = LineChart {
        title: String::new(),
        x_labels,
        series,
        target,
        target_label: lang.pick("Mål", "Target").to_string(),
        y_label: lang.pick("Andel inom tid", "Compliance").to_string(),
        y_min_zero: true,
    };
    out.push_str(&line_chart(&chart, &fmt));
    out.push_str("</figure>\n");
}

/// Whether column `column` of table `table` names a person and is pseudonymised in the
/// JSON (unless `--show-personal-data`): the page's rule (the template block's `personal`
/// list) or the one `itsm export` applies too (`super::personal::hidden`), so the file
/// never names someone the page hides.
fn personal(input: &CustomerInput<'_>, table: &str, column: &str) -> bool {
    if input.show_personal {
        return false;
    }
    let in_template =
        input.template.items.iter().any(
            |i| matches!(i, Item::Figure(b) if b.spec.query == table && b.spec.personal.iter().any(|p| p == column)),
        );
    in_template || super::personal::hidden(table, column).is_some()
}

/// The tables as JSON (personal columns pseudonymised as on the page): `{ "customer", "month", "lang", "currency", "min_count", "tables":
/// { name: [ { column: value } ] } }`; numbers stay numbers (a DECIMAL with its exact
/// digits), NULL is null (a suppressed count, too).
fn json(input: &CustomerInput<'_>) -> String {
    let (y, m) = input.month;
    let tables: serde_json::Map<String, serde_json::Value> = input
        .tables
        .iter()
        .map(|(name, table)| {
            let rows: Vec<serde_json::Value> = table
                .rows
                .iter()
                .map(|row| {
                    let object: serde_json::Map<String, serde_json::Value> = table
                        .columns
                        .iter()
                        .zip(row)
                        .map(|(c, v)| {
                            let v = match v {
                                Value::Text(text) if personal(input, name, c) => {
                                    Value::Text(super::pseudonym(text, input.salt))
                                }
                                v => v.clone(),
                            };
                            (c.clone(), serde_json::to_value(&v).unwrap_or(serde_json::Value::Null))
                        })
                        .collect();
                    serde_json::Value::Object(object)
                })
                .collect();
            (name.clone(), serde_json::Value::Array(rows))
        })
        .collect();
    let doc = serde_json::json!({
        "report": "customer",
        "customer": input.customer,
        "month": format!("{y:04}-{m:02}"),
        "lang": input.lang.code(),
        "currency": input.currency,
        "min_count": input.min_count,
        "tables": tables,
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_template_parses_and_draws_tables_only() {
        let t = crate::render::parse_template("reports/customer.md", TEMPLATE).expect("customer.md parses");
        let blocks: Vec<_> = t
            .items
            .iter()
            .filter_map(|i| if let crate::render::template::Item::Figure(b) = i { Some(b) } else { None })
            .collect();
        assert!(blocks.len() >= 15, "{}", blocks.len());
        assert!(blocks.iter().all(|b| b.kind == crate::render::template::BlockKind::Table));
        assert!(blocks.iter().any(|b| b.spec.query == TREND), "the trend block is in the template");
    }

    #[test]
    fn the_twelve_months_cross_the_year() {
        let months = last_12_months((2026, 3));
        assert_eq!((months[0], months[11], months.len()), ((2025, 4), (2026, 3), 12));
    }
}
