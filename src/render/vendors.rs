//! The IT controller's supplier follow-up for one month (DESIGN §7b, issue 16), written from
//! the vendor KPI tables: `vendors.html` (UC compliance per vendor over 12 months and the
//! month's holding-time distribution as inline SVG, then the template `reports/vendors.md`
//! drawn by [`super::tables`] in the page shell), `vendors.csv` (one row per vendor: the
//! month's figures of `kpi_vendor_by_month`) and `vendors.xlsx` (a summary sheet with the
//! same rows, and one sheet per vendor with its holdings and its passed-through costs; real
//! number and date cells, totals as SUM formulas whose cached results are the vendor's
//! figures of `kpi_vendor_by_month`).
//!
//! Must not: compute a figure (SQL does: `kpi_vendor_by_month`, `kpi_vendor_holding`,
//! `kpi_vendor_holding_bucket`, `kpi_vendor_cost_ticket`) or open the database; charts
//! only reshape rows into series. Text from tickets never becomes a live formula: the CSV
//! goes through [`csv_field`], the workbook writes text as string cells.

use std::collections::{BTreeMap, BTreeSet};

use chrono::TimeZone;
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook, Worksheet, XlsxError};

use super::chart::{self, BarChart, LineChart, Series};
use super::export::excel_text;
use super::format::{csv_field, escape_html, format_month, format_number, Lang, NumberFormat};
use super::shell::{document, Provenance, Shell};
use super::tables::{body, cell, number, value, PageError, TablePage};
use super::{Table, Template, Value};

/// The shipped vendors page template, compiled in.
pub const TEMPLATE: &str = include_str!("../../reports/vendors.md");

/// The columns of `vendors.csv` and of the workbook's summary, from `kpi_vendor_by_month`.
pub const SUMMARY_COLUMNS: &[&str] = &[
    "vendor",
    "month",
    "tickets_received",
    "holdings_decided",
    "uc_met",
    "uc_breached",
    "uc_compliance",
    "median_holding_minutes",
    "p90_holding_minutes",
    "response_met",
    "response_breached",
    "sla_breaches_caused",
    "tickets_with_cost",
    "cost",
    "billed_amount",
];

/// Everything one supplier follow-up needs.
#[derive(Debug, Clone)]
pub struct VendorsInput {
    /// Report language.
    pub lang: Lang,
    /// (year, month).
    pub month: (i32, u32),
    /// Currency code.
    pub currency: String,
    /// The organisation's zone: instants are shown in local time.
    pub timezone: chrono_tz::Tz,
    /// The page template (the shipped one is [`TEMPLATE`]).
    pub template: Template,
    /// kpi_vendor_by_month of the month, one row per vendor, by vendor.
    pub summary: Table,
    /// kpi_vendor_by_month of the 12 months ending with the month.
    pub trend: Table,
    /// kpi_vendor_holding_bucket of the month, by vendor and band_order.
    pub bands: Table,
    /// kpi_vendor_holding of the month, by vendor and ends_at.
    pub holdings: Table,
    /// kpi_vendor_cost_ticket of the month, by vendor and ticket.
    pub costs: Table,
    /// Source batches as text, for the footer.
    pub batches: Vec<String>,
}

/// The three files.
#[derive(Debug, Clone)]
pub struct VendorsFiles {
    /// vendors.xlsx bytes.
    pub xlsx: Vec<u8>,
    /// vendors.csv text.
    pub csv: String,
    /// vendors.html text.
    pub html: String,
}

/// Writes the three files.
pub fn render(input: &VendorsInput) -> Result<VendorsFiles, PageError> {
    Ok(VendorsFiles { xlsx: xlsx(input)?, csv: csv(input), html: html(input)? })
}

fn text(table: &Table, row: usize, column: &str) -> String {
    cell(table, row, column).unwrap_or_default()
}

fn csv(input: &VendorsInput) -> String {
    let mut out = SUMMARY_COLUMNS.join(",");
    out.push_str(",currency\n");
    for r in 0..input.summary.rows.len() {
        let cells: Vec<String> = SUMMARY_COLUMNS.iter().map(|c| csv_field(&text(&input.summary, r, c))).collect();
        out.push_str(&cells.join(","));
        out.push(',');
        out.push_str(&csv_field(&input.currency));
        out.push('\n');
    }
    out
}

/// `YYYY-MM` of the 12 months ending with (y, m).
fn twelve_months(y: i32, m: u32) -> Vec<(i32, u32)> {
    let last = y * 12 + m as i32 - 1;
    (last - 11..=last).map(|k| (k.div_euclid(12), k.rem_euclid(12) as u32 + 1)).collect()
}

fn month_key(v: &Value) -> Option<(i32, u32)> {
    use chrono::Datelike;
    match v {
        Value::Date(d) => Some((d.year(), d.month())),
        _ => None,
    }
}

/// The two charts: UC compliance per vendor over 12 months, and the month's holding-time
/// distribution per vendor.
fn charts(input: &VendorsInput) -> String {
    let lang = input.lang;
    let months = twelve_months(input.month.0, input.month.1);
    let trend = &input.trend;
    let vendors: BTreeSet<String> = (0..trend.rows.len()).map(|r| text(trend, r, "vendor")).collect();
    let series: Vec<Series> = vendors
        .iter()
        .map(|v| Series {
            name: v.clone(),
            values: months
                .iter()
                .map(|ym| {
                    (0..trend.rows.len())
                        .find(|&r| &text(trend, r, "vendor") == v && month_key(value(trend, r, "month")) == Some(*ym))
                        .and_then(|r| number(trend, r, "uc_compliance"))
                })
                .collect(),
        })
        .collect();
    let percent = |v: f64| format_number(v, NumberFormat::Percent, lang);
    // Counts: whole ticks as integers, the half steps a small axis gets with a decimal.
    let integer = |v: f64| {
        let format = if v.fract() == 0.0 { NumberFormat::Integer } else { NumberFormat::Decimal };
        format_number(v, format, lang)
    };
    let mut out = String::from("<section class=\"vendor-charts\">\n");
    out.push_str(&format!(
        "<figure>\n<h3>{}</h3>\n",
        escape_html(lang.pick("UC-uppfyllnad per leverantör, 12 månader", "UC compliance per vendor, 12 months"))
    ));
    out.push_str(&chart::line_chart(
        &LineChart {
            title: String::new(),
            x_labels: months.iter().map(|(y, m)| format!("{y:04}-{m:02}")).collect(),
            series,
            target: None,
            target_label: String::new(),
            y_label: lang.pick("Andel inom UC", "Share within UC").into(),
            y_min_zero: true,
        },
        &percent,
    ));
    out.push_str(&format!(
        "<p class=\"definition\">{}</p>\n</figure>\n",
        escape_html(lang.pick(
            "Av leverantörens innehav som lämnades tillbaka eller löstes under månaden: andelen inom UC-målet, \
             mätt i leverantörens egen kalender med väntetid borträknad.",
            "Of the vendor's holdings handed back or resolved in the month: the share within the UC target, \
             measured in the vendor's own calendar with pauses taken out."
        ))
    ));
    let bands = &input.bands;
    let mut categories: Vec<String> = Vec::new();
    let mut counts: BTreeMap<String, BTreeMap<String, f64>> = BTreeMap::new();
    for r in 0..bands.rows.len() {
        let band = text(bands, r, "band");
        if !categories.contains(&band) {
            categories.push(band.clone());
        }
        counts.entry(text(bands, r, "vendor")).or_default().insert(band, number(bands, r, "holdings").unwrap_or(0.0));
    }
    let series: Vec<Series> = counts
        .iter()
        .map(|(v, by_band)| Series {
            name: v.clone(),
            values: categories.iter().map(|c| by_band.get(c).copied()).collect(),
        })
        .collect();
    out.push_str(&format!(
        "<figure>\n<h3>{}</h3>\n",
        escape_html(lang.pick("Innehavstid per leverantör, månaden", "Holding time per vendor, the month"))
    ));
    out.push_str(&chart::bar_chart(
        &BarChart {
            title: String::new(),
            categories,
            series,
            target: None,
            target_label: String::new(),
            y_label: lang.pick("Innehav", "Holdings").into(),
        },
        &integer,
    ));
    out.push_str(&format!(
        "<p class=\"definition\">{}</p>\n</figure>\n</section>\n",
        escape_html(lang.pick(
            "Antal innehav per tidsintervall på UC-klockan (affärstid i leverantörens kalender, väntetid borträknad).",
            "Holdings per band of the UC clock (business time of the vendor's calendar, pauses taken out)."
        ))
    ));
    out
}

fn html(input: &VendorsInput) -> Result<String, PageError> {
    let lang = input.lang;
    let (y, m) = input.month;
    let page = TablePage {
        template: &input.template,
        tables: BTreeMap::from([
            ("kpi_vendor_by_month", &input.summary),
            ("kpi_vendor_holding", &input.holdings),
            ("kpi_vendor_cost_ticket", &input.costs),
        ]),
        lang,
        month: Some(input.month),
        variables: BTreeMap::from([("currency", input.currency.clone())]),
        show_personal: false,
        salt: "",
    };
    let main = format!("{}{}", charts(input), body(&page)?);
    let provenance = Provenance {
        period: Some(format_month(y, m, lang)),
        sources: Some(input.batches.clone()),
        ..Provenance::default()
    };
    let title = input.template.front.title.get(lang);
    let subtitle = format_month(y, m, lang);
    Ok(document(&Shell { lang, title, subtitle: &subtitle, wide: true, provenance: &provenance }, &main))
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`, unique in `taken`.
fn sheet_name(name: &str, taken: &mut BTreeSet<String>) -> String {
    let clean: String = name.chars().map(|c| if "[]:*?/\\".contains(c) { '_' } else { c }).collect();
    let base: String = clean.chars().take(31).collect();
    let mut candidate = if base.trim().is_empty() { "_".to_string() } else { base.clone() };
    let mut n = 2;
    while !taken.insert(candidate.to_lowercase()) {
        let suffix = format!(" ({n})");
        candidate = format!("{}{suffix}", base.chars().take(31 - suffix.chars().count()).collect::<String>());
        n += 1;
    }
    candidate
}

/// `A1`-style column letter of a 0-based column (fewer than 26 columns here).
fn col_name(col: u16) -> char {
    (b'A' + col as u8) as char
}

struct Formats {
    header: Format,
    minutes: Format,
    money: Format,
    percent: Format,
    datetime: Format,
    bold: Format,
    bold_money: Format,
}

fn header(ws: &mut Worksheet, f: &Formats, row: u32, cols: &[(&str, f64)]) -> Result<(), XlsxError> {
    for (i, (name, width)) in cols.iter().enumerate() {
        ws.write_string_with_format(row, i as u16, *name, &f.header)?;
        ws.set_column_width(i as u16, *width)?;
    }
    Ok(())
}

/// Writes `=SUM(col first:col last)` (1-based rows) at `row`, `col`, its cached result the
/// figure SQL computed (`result`, exact text).
fn sum(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    rows: (u32, u32),
    result: &str,
    format: &Format,
) -> Result<(), XlsxError> {
    let c = col_name(col);
    let formula = if rows.1 >= rows.0 { format!("=SUM({c}{}:{c}{})", rows.0, rows.1) } else { "=0".into() };
    ws.write_formula_with_format(row, col, Formula::new(formula).set_result(result), format)?;
    Ok(())
}

/// A UTC instant of a table as a local date-time cell.
fn write_instant(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    v: &Value,
    tz: chrono_tz::Tz,
    f: &Format,
) -> Result<(), XlsxError> {
    if let Value::Timestamp(t) = v {
        let local = tz.from_utc_datetime(t).naive_local();
        if let Ok(dt) = ExcelDateTime::parse_from_str(&local.format("%Y-%m-%dT%H:%M:%S").to_string()) {
            ws.write_datetime_with_format(row, col, &dt, f)?;
        }
    }
    Ok(())
}

fn xlsx(input: &VendorsInput) -> Result<Vec<u8>, XlsxError> {
    let lang = input.lang;
    let f = Formats {
        header: Format::new().set_bold().set_background_color("#DCE6F0"),
        minutes: Format::new().set_num_format("#,##0"),
        money: Format::new().set_num_format("#,##0.00"),
        percent: Format::new().set_num_format("0.0%"),
        datetime: Format::new().set_num_format("yyyy-mm-dd hh:mm"),
        bold: Format::new().set_bold(),
        bold_money: Format::new().set_bold().set_num_format("#,##0.00"),
    };
    let summary = &input.summary;
    let mut wb = Workbook::new();
    let mut taken = BTreeSet::new();

    let ws = wb.add_worksheet().set_name(sheet_name(lang.pick("Sammanställning", "Summary"), &mut taken))?;
    let widths: Vec<(&str, f64)> =
        SUMMARY_COLUMNS.iter().map(|c| (*c, if *c == "vendor" { 24.0 } else { 14.0 })).collect();
    header(ws, &f, 0, &widths)?;
    ws.set_freeze_panes(1, 0)?;
    for r in 0..summary.rows.len() {
        let row = r as u32 + 1;
        for (k, c) in SUMMARY_COLUMNS.iter().enumerate() {
            let col = k as u16;
            match (*c, value(summary, r, c)) {
                ("month", Value::Date(d)) => {
                    if let Ok(dt) = ExcelDateTime::parse_from_str(&d.format("%Y-%m-%d").to_string()) {
                        ws.write_datetime_with_format(row, col, &dt, &Format::new().set_num_format("yyyy-mm"))?;
                    }
                }
                (_, Value::Null) => {}
                ("vendor", _) => {
                    ws.write_string(row, col, text(summary, r, c))?;
                }
                ("uc_compliance", v) => {
                    ws.write_number_with_format(row, col, v.as_f64().unwrap_or(0.0), &f.percent)?;
                }
                ("cost" | "billed_amount", v) => {
                    ws.write_number_with_format(row, col, v.as_f64().unwrap_or(0.0), &f.money)?;
                }
                (_, v) => {
                    ws.write_number_with_format(row, col, v.as_f64().unwrap_or(0.0), &f.minutes)?;
                }
            }
        }
    }
    ws.write_string(
        summary.rows.len() as u32 + 2,
        0,
        format!("{}: {}", lang.pick("Valuta", "Currency"), input.currency),
    )?;

    // One sheet per vendor: its holdings decided in the month, then its costs.
    let holdings = &input.holdings;
    let costs = &input.costs;
    for v in 0..summary.rows.len() {
        let vendor = text(summary, v, "vendor");
        let ws = wb.add_worksheet().set_name(sheet_name(&vendor, &mut taken))?;
        let cols = [
            (lang.pick("Ärende", "Ticket"), 12.0),
            (lang.pick("Rubrik", "Title"), 32.0),
            (lang.pick("Kund", "Customer"), 16.0),
            (lang.pick("Prioritet", "Priority"), 10.0),
            (lang.pick("Mottaget", "Received"), 17.0),
            (lang.pick("Lämnat", "Handed back"), 17.0),
            (lang.pick("Innehav (min)", "Held (min)"), 12.0),
            (lang.pick("Väntar (min)", "Paused (min)"), 12.0),
            (lang.pick("UC-klocka (min)", "UC clock (min)"), 14.0),
            (lang.pick("UC-mål (min)", "UC target (min)"), 13.0),
            (lang.pick("Inom UC", "UC met"), 9.0),
            (lang.pick("UC brutet", "UC breached"), 11.0),
            (lang.pick("Orsakade SLA-brott", "Caused SLA breach"), 16.0),
        ];
        header(ws, &f, 0, &cols)?;
        ws.set_freeze_panes(1, 0)?;
        let mut row = 1u32;
        for h in (0..holdings.rows.len()).filter(|&h| text(holdings, h, "vendor") == vendor) {
            ws.write_string(row, 0, text(holdings, h, "ticket_id"))?;
            ws.write_string(row, 1, excel_text(&text(holdings, h, "title")))?;
            ws.write_string(row, 2, text(holdings, h, "customer"))?;
            ws.write_string(row, 3, text(holdings, h, "priority"))?;
            write_instant(ws, row, 4, value(holdings, h, "starts_at"), input.timezone, &f.datetime)?;
            write_instant(ws, row, 5, value(holdings, h, "ends_at"), input.timezone, &f.datetime)?;
            for (col, c) in
                [(6u16, "held_minutes"), (7, "paused_minutes"), (8, "running_minutes"), (9, "uc_target_minutes")]
            {
                if let Some(n) = number(holdings, h, c) {
                    ws.write_number_with_format(row, col, n, &f.minutes)?;
                }
            }
            let outcome = text(holdings, h, "uc_outcome");
            ws.write_number(row, 10, if outcome == "met" { 1.0 } else { 0.0 })?;
            ws.write_number(row, 11, if outcome == "breached" { 1.0 } else { 0.0 })?;
            let caused = matches!(value(holdings, h, "caused_sla_breach"), Value::Bool(true));
            ws.write_number(row, 12, if caused { 1.0 } else { 0.0 })?;
            row += 1;
        }
        let rows = (2, row);
        ws.write_string_with_format(row, 0, lang.pick("Summa", "Total"), &f.bold)?;
        ws.write_formula_with_format(
            row,
            1,
            Formula::new(if row > 1 { format!("=ROWS(A2:A{row})") } else { "=0".into() }).set_result(text(
                summary,
                v,
                "holdings_decided",
            )),
            &f.bold,
        )?;
        sum(ws, row, 10, rows, &text(summary, v, "uc_met"), &f.bold)?;
        sum(ws, row, 11, rows, &text(summary, v, "uc_breached"), &f.bold)?;

        let mut row = row + 2;
        let cost_cols = [
            (lang.pick("Ärende", "Ticket"), 12.0),
            (lang.pick("Rubrik", "Title"), 32.0),
            (lang.pick("Kund", "Customer"), 16.0),
            (lang.pick("Kostnad", "Cost"), 12.0),
            (lang.pick("Påslag", "Markup"), 10.0),
            (lang.pick("Vidarefaktureras", "Passed through"), 17.0),
        ];
        for (i, (name, _)) in cost_cols.iter().enumerate() {
            ws.write_string_with_format(row, i as u16, *name, &f.header)?;
        }
        row += 1;
        let first = row + 1;
        for c in (0..costs.rows.len()).filter(|&c| text(costs, c, "vendor") == vendor) {
            ws.write_string(row, 0, text(costs, c, "ticket_id"))?;
            ws.write_string(row, 1, excel_text(&text(costs, c, "title")))?;
            ws.write_string(row, 2, text(costs, c, "customer"))?;
            ws.write_number_with_format(row, 3, number(costs, c, "cost").unwrap_or(0.0), &f.money)?;
            ws.write_number_with_format(row, 4, number(costs, c, "markup").unwrap_or(0.0), &f.percent)?;
            ws.write_number_with_format(row, 5, number(costs, c, "billed_amount").unwrap_or(0.0), &f.money)?;
            row += 1;
        }
        ws.write_string_with_format(row, 0, lang.pick("Summa", "Total"), &f.bold)?;
        sum(ws, row, 3, (first, row), &text(summary, v, "cost"), &f.bold_money)?;
        sum(ws, row, 5, (first, row), &text(summary, v, "billed_amount"), &f.bold_money)?;
    }
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_template_parses() {
        let t = super::super::parse_template("reports/vendors.md", TEMPLATE).expect("vendors.md parses");
        assert!(!t.items.is_empty());
    }

    #[test]
    fn twelve_months_end_with_the_report_month() {
        let m = twelve_months(2026, 3);
        assert_eq!((m[0], m[11], m.len()), ((2025, 4), (2026, 3), 12));
    }

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let mut taken = BTreeSet::new();
        assert_eq!(
            sheet_name("A/B: leverantör med ett mycket långt namn", &mut taken),
            "A_B_ leverantör med ett mycket "
        );
        assert_eq!(
            sheet_name("a/b: leverantör med ett mycket långt namn", &mut taken),
            "a_b_ leverantör med ett myc (2)"
        );
    }
}
