//! The IT controller's billing basis for one month (DESIGN §6), written from the billing
//! KPI tables: `billing.xlsx` (summary, one sheet per customer with its lines, its share
//! of the shared customer's lines and the tickets behind them, an unallocated sheet and a
//! reconciliation sheet; real number and date cells, frozen headers, totals as formulas
//! whose cached results are the totals of `kpi_billing_total`), `billing.csv` (one row per
//! line, for the finance system) and `billing.html` (the template `reports/billing.md`
//! drawn by [`super::tables`] in the page shell).
//!
//! Must not: compute what is billed or add amounts up (SQL does: `kpi_billing_customer`,
//! `kpi_billing_total`), or open the database. Text from tickets never becomes a live
//! formula: the CSV goes through [`csv_field`], the workbook writes it as string cells.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use rust_xlsxwriter::utility::column_number_to_name;
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook, Worksheet, XlsxError};

use super::export::excel_text;
use super::format::{csv_field, format_month, Lang};
use super::shell::{document, Provenance, Shell};
use super::tables::{body, cell, number, PageError, TablePage};
use super::{Table, Template};

/// The shipped billing page template, compiled in.
pub const TEMPLATE: &str = include_str!("../../reports/billing.md");

/// Everything one billing basis needs.
#[derive(Debug, Clone)]
pub struct BillingInput {
    /// Report language.
    pub lang: Lang,
    /// (year, month).
    pub month: (i32, u32),
    /// Currency code.
    pub currency: String,
    /// The page template (the shipped one is [`TEMPLATE`]).
    pub template: Template,
    /// kpi_billing_line of the month.
    pub lines: Table,
    /// kpi_billing_allocation of the month.
    pub allocation: Table,
    /// kpi_billing_allocation_key of the month (one row per customer).
    pub allocation_key: Table,
    /// kpi_billing_customer of the month.
    pub customers: Table,
    /// kpi_billing_ticket of the month.
    pub tickets: Table,
    /// kpi_billing_covered of the month.
    pub covered: Table,
    /// kpi_billing_total of the month (one row; none when the month has no lines).
    pub total: Table,
    /// Source batches as text, for the footer and the reconciliation sheet.
    pub batches: Vec<String>,
    /// Pseudonymise requesters.
    pub pseudonymise: bool,
    /// Salt of the pseudonyms.
    pub salt: String,
}

/// The three files.
#[derive(Debug, Clone)]
pub struct BillingFiles {
    /// billing.xlsx bytes.
    pub xlsx: Vec<u8>,
    /// billing.csv text.
    pub csv: String,
    /// billing.html text.
    pub html: String,
}

/// A cell's text, empty for NULL.
fn text(table: &Table, row: usize, column: &str) -> String {
    cell(table, row, column).unwrap_or_default()
}

/// A cell as a number cell of the workbook, 0 for NULL.
fn num(table: &Table, row: usize, column: &str) -> f64 {
    number(table, row, column).unwrap_or(0.0)
}

/// A total of the month from `kpi_billing_total`: the number and its exact text (0 when the
/// month has no lines).
fn total_of(input: &BillingInput, column: &str) -> (f64, String) {
    let value = super::tables::value(&input.total, 0, column);
    (value.as_f64().unwrap_or(0.0), value.to_text().unwrap_or_else(|| "0".into()))
}

/// The rows of `table` whose `column` is `value`.
fn rows_where<'a>(table: &'a Table, column: &'a str, value: &'a str) -> impl Iterator<Item = usize> + 'a {
    (0..table.rows.len()).filter(move |&r| text(table, r, column) == value)
}

fn charge_label(lang: Lang, charge_type: &str, key: &str) -> String {
    match charge_type {
        "item" => key.to_string(),
        "pass_through" => {
            format!("{} ({})", lang.pick("Vidarefakturering", "Pass-through"), if key.is_empty() { "–" } else { key })
        }
        _ => format!("{} ({})", lang.pick("Arbete", "Work"), if key.is_empty() { "–" } else { key }),
    }
}

/// Writes the three files.
pub fn render(input: &BillingInput) -> Result<BillingFiles, PageError> {
    Ok(BillingFiles { xlsx: xlsx(input)?, csv: csv(input), html: html(input)? })
}

fn csv(input: &BillingInput) -> String {
    let lines = &input.lines;
    let (y, m) = input.month;
    let mut out = String::from("month,section,customer,charge_type,item_or_team,unit_price,quantity,amount,currency,tickets,unallocated_reason\n");
    for r in 0..lines.rows.len() {
        let _ = writeln!(
            out,
            "{y:04}-{m:02},{},{},{},{},{},{},{},{},{},{}",
            &text(lines, r, "section"),
            csv_field(&text(lines, r, "customer")),
            &text(lines, r, "charge_type"),
            csv_field(&text(lines, r, "price_key")),
            &text(lines, r, "unit_price"),
            &text(lines, r, "quantity"),
            &text(lines, r, "amount"),
            csv_field(&input.currency),
            &text(lines, r, "tickets"),
            csv_field(&text(lines, r, "unallocated_reason")),
        );
    }
    out
}

/// billing.html: the template's tables in the page shell.
fn html(input: &BillingInput) -> Result<String, PageError> {
    let lang = input.lang;
    let (y, m) = input.month;
    let tables = BTreeMap::from([
        ("kpi_billing_line", &input.lines),
        ("kpi_billing_allocation", &input.allocation),
        ("kpi_billing_allocation_key", &input.allocation_key),
        ("kpi_billing_customer", &input.customers),
        ("kpi_billing_ticket", &input.tickets),
        ("kpi_billing_covered", &input.covered),
        ("kpi_billing_total", &input.total),
    ]);
    let page = TablePage {
        template: &input.template,
        tables,
        lang,
        month: Some(input.month),
        variables: BTreeMap::from([("currency", input.currency.clone())]),
        show_personal: !input.pseudonymise,
        salt: &input.salt,
    };
    let main = body(&page)?;
    let provenance = Provenance {
        period: Some(format_month(y, m, lang)),
        sources: Some(input.batches.clone()),
        personal_shown: Some(!input.pseudonymise),
        ..Provenance::default()
    };
    let title = input.template.front.title.get(lang);
    let subtitle = format_month(y, m, lang);
    Ok(document(&Shell { lang, title, subtitle: &subtitle, wide: false, provenance: &provenance }, &main))
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(name: &str) -> String {
    let clean: String = name.chars().map(|c| if "[]:*?/\\".contains(c) { '_' } else { c }).collect();
    clean.chars().take(31).collect()
}

struct Formats {
    header: Format,
    money: Format,
    number: Format,
    date: Format,
    bold_money: Format,
}

fn header(ws: &mut Worksheet, f: &Formats, cols: &[(&str, f64)]) -> Result<(), XlsxError> {
    for (i, (name, width)) in cols.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *name, &f.header)?;
        ws.set_column_width(i as u16, *width)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// Writes a SUM formula over rows `first..=last` (1-based) of `col` at `row`, its cached
/// result the total SQL computed (`value`, exact decimal text).
fn total(
    ws: &mut Worksheet,
    f: &Formats,
    row: u32,
    col: u16,
    first: u32,
    last: u32,
    value: &str,
) -> Result<(), XlsxError> {
    let c = column_number_to_name(col);
    let formula = if last >= first { format!("=SUM({c}{first}:{c}{last})") } else { "=0".to_string() };
    ws.write_formula_with_format(row, col, Formula::new(formula).set_result(value), &f.bold_money)?;
    Ok(())
}

fn xlsx(input: &BillingInput) -> Result<Vec<u8>, XlsxError> {
    let lang = input.lang;
    let f = Formats {
        header: Format::new().set_bold().set_background_color("#DCE6F0"),
        money: Format::new().set_num_format("#,##0.00"),
        number: Format::new().set_num_format("#,##0.00"),
        date: Format::new().set_num_format("yyyy-mm-dd"),
        bold_money: Format::new().set_bold().set_num_format("#,##0.00"),
    };
    let (lines, alloc, customers, tickets) = (&input.lines, &input.allocation, &input.customers, &input.tickets);
    let mut wb = Workbook::new();

    // Summary.
    let ws = wb.add_worksheet().set_name(lang.pick("Sammanställning", "Summary"))?;
    let cols = [
        (lang.pick("Kund", "Customer"), 22.0),
        (lang.pick("Egna", "Own"), 14.0),
        (lang.pick("Fördelat gemensamt", "Shared, allocated"), 18.0),
        (lang.pick("Netto", "Net"), 14.0),
        (lang.pick("Moms", "VAT"), 12.0),
        (lang.pick("Brutto", "Gross"), 14.0),
    ];
    header(ws, &f, &cols)?;
    let amounts = ["own_amount", "allocated_amount", "net_amount", "vat_amount", "gross_amount"];
    let mut row = 1u32;
    for r in 0..customers.rows.len() {
        ws.write_string(row, 0, text(customers, r, "customer"))?;
        for (k, col) in amounts.iter().enumerate() {
            ws.write_number_with_format(row, k as u16 + 1, num(customers, r, col), &f.money)?;
        }
        row += 1;
    }
    let last_customer_row = row; // 1-based row number of the last customer
    ws.write_string_with_format(row, 0, lang.pick("Summa kunder", "Customers total"), &f.header)?;
    for (k, col) in amounts.iter().enumerate() {
        let (_, sum) = total_of(input, &format!("customers_{col}"));
        total(ws, &f, row, k as u16 + 1, 2, last_customer_row, &sum)?;
    }
    let customers_total_row = row + 1;
    row += 2;
    ws.write_string(row, 0, lang.pick("Ej fördelat (se bladet)", "Unallocated (see its sheet)"))?;
    ws.write_number_with_format(row, 3, total_of(input, "unallocated_amount").0, &f.money)?;
    row += 1;
    ws.write_string_with_format(row, 0, lang.pick("Totalt netto", "Grand total, net"), &f.header)?;
    ws.write_formula_with_format(
        row,
        3,
        Formula::new(format!("=D{customers_total_row}+D{}", row)).set_result(total_of(input, "lines_amount").1),
        &f.bold_money,
    )?;
    row += 2;
    ws.write_string(row, 0, format!("{}: {}", lang.pick("Valuta", "Currency"), input.currency))?;
    ws.write_string(
        row + 1,
        0,
        format!("{}: {}", lang.pick("Period", "Period"), format_month(input.month.0, input.month.1, lang)),
    )?;
    let mut row = row + 3;
    let share_format = Format::new().set_num_format("0.00%");
    for (i, h) in [
        lang.pick("Fördelningsnyckel (gemensamt)", "Allocation key (shared)"),
        lang.pick("Vikt", "Weight"),
        lang.pick("Andel", "Share"),
    ]
    .iter()
    .enumerate()
    {
        ws.write_string_with_format(row, i as u16, *h, &f.header)?;
    }
    row += 1;
    let key = &input.allocation_key;
    for a in 0..key.rows.len() {
        ws.write_string(row, 0, text(key, a, "customer"))?;
        ws.write_number(row, 1, num(key, a, "weight"))?;
        ws.write_number_with_format(row, 2, num(key, a, "share"), &share_format)?;
        row += 1;
    }
    row += 1;
    let covered = &input.covered;
    let heads = [
        lang.pick("Ingår i grundavtalet: kund", "Covered by the base agreement: customer"),
        lang.pick("Tjänst", "Service"),
        lang.pick("Incidenter", "Incidents"),
        lang.pick("Beställningar", "Requests"),
    ];
    for (i, h) in heads.iter().enumerate() {
        ws.write_string_with_format(row, i as u16, *h, &f.header)?;
    }
    row += 1;
    for r in 0..covered.rows.len() {
        ws.write_string(row, 0, text(covered, r, "customer"))?;
        ws.write_string(row, 1, text(covered, r, "service"))?;
        ws.write_number(row, 2, num(covered, r, "incidents"))?;
        ws.write_number(row, 3, num(covered, r, "requests"))?;
        row += 1;
    }

    // One sheet per customer.
    for c in 0..customers.rows.len() {
        let customer = &text(customers, c, "customer");
        let ws = wb.add_worksheet().set_name(sheet_name(customer))?;
        let cols = [
            (lang.pick("Artikel / arbete", "Item / work"), 34.0),
            (lang.pick("À-pris", "Unit price"), 12.0),
            (lang.pick("Antal", "Quantity"), 10.0),
            (lang.pick("Belopp", "Amount"), 14.0),
            (lang.pick("Ärenden", "Tickets"), 9.0),
        ];
        header(ws, &f, &cols)?;
        let mut row = 1u32;
        for l in rows_where(lines, "section", "customer").filter(|&l| &text(lines, l, "customer") == customer) {
            ws.write_string(row, 0, charge_label(lang, &text(lines, l, "charge_type"), &text(lines, l, "price_key")))?;
            ws.write_number_with_format(row, 1, num(lines, l, "unit_price"), &f.money)?;
            ws.write_number_with_format(row, 2, num(lines, l, "quantity"), &f.number)?;
            ws.write_number_with_format(row, 3, num(lines, l, "amount"), &f.money)?;
            ws.write_number(row, 4, num(lines, l, "tickets"))?;
            row += 1;
        }
        for a in rows_where(alloc, "customer", customer) {
            let label = format!(
                "{}: {} ({} %)",
                lang.pick("Gemensamt", "Shared"),
                charge_label(lang, &text(alloc, a, "charge_type"), &text(alloc, a, "price_key")),
                rows_where(key, "customer", customer)
                    .next()
                    .and_then(|k| cell(key, k, "share_percent"))
                    .unwrap_or_default()
            );
            ws.write_string(row, 0, label)?;
            ws.write_number_with_format(row, 3, num(alloc, a, "amount"), &f.money)?;
            row += 1;
        }
        // The customer's own lines plus its allocated shares: its net amount.
        ws.write_string_with_format(row, 0, lang.pick("Summa netto", "Net total"), &f.header)?;
        total(ws, &f, row, 3, 2, row, &text(customers, c, "net_amount"))?;
        row += 2;
        let cols2 = [
            lang.pick("Ärende", "Ticket"),
            lang.pick("Rubrik", "Title"),
            lang.pick("Löst", "Resolved"),
            lang.pick("Artikel / arbete", "Item / work"),
            lang.pick("Antal", "Quantity"),
            lang.pick("Belopp", "Amount"),
        ];
        for (i, c) in cols2.iter().enumerate() {
            ws.write_string_with_format(row, i as u16, *c, &f.header)?;
        }
        row += 1;
        for tk in rows_where(tickets, "section", "customer").filter(|&tk| &text(tickets, tk, "customer") == customer) {
            ticket_row(ws, &f, tickets, tk, row, lang)?;
            row += 1;
        }
    }

    // Unallocated.
    let ws = wb.add_worksheet().set_name(lang.pick("Ej fördelat", "Unallocated"))?;
    let cols = [
        (lang.pick("Ärende", "Ticket"), 14.0),
        (lang.pick("Rubrik", "Title"), 40.0),
        (lang.pick("Löst", "Resolved"), 12.0),
        (lang.pick("Artikel / arbete", "Item / work"), 30.0),
        (lang.pick("Antal", "Quantity"), 10.0),
        (lang.pick("Belopp", "Amount"), 14.0),
        (lang.pick("Kund", "Customer"), 16.0),
        (lang.pick("Orsak", "Reason"), 20.0),
    ];
    header(ws, &f, &cols)?;
    let mut row = 1u32;
    for tk in rows_where(tickets, "section", "unallocated") {
        ticket_row(ws, &f, tickets, tk, row, lang)?;
        ws.write_string(row, 6, text(tickets, tk, "customer"))?;
        ws.write_string(row, 7, text(tickets, tk, "unallocated_reason"))?;
        row += 1;
    }
    ws.write_string_with_format(row, 0, lang.pick("Summa", "Total"), &f.header)?;
    total(ws, &f, row, 5, 2, row, &total_of(input, "unallocated_tickets_amount").1)?;

    // Reconciliation: every figure from kpi_billing_total.
    let ws = wb.add_worksheet().set_name(lang.pick("Avstämning", "Reconciliation"))?;
    header(ws, &f, &[(lang.pick("Kontroll", "Check"), 48.0), (lang.pick("Värde", "Value"), 16.0)])?;
    let checks = [
        (lang.pick("Debiterbara ärenden", "Billable tickets"), "billable_tickets"),
        (lang.pick("Ärenden i rader", "Tickets in lines"), "tickets_in_lines"),
        (lang.pick("Summa av ärendenas belopp", "Sum of the tickets' amounts"), "tickets_amount"),
        (lang.pick("Summa av rader", "Sum of lines"), "lines_amount"),
        (lang.pick("Kunder netto + ej fördelat", "Customers net + unallocated"), "customers_and_unallocated_amount"),
    ];
    for (i, (label, column)) in checks.iter().enumerate() {
        ws.write_string(i as u32 + 1, 0, *label)?;
        ws.write_number_with_format(i as u32 + 1, 1, total_of(input, column).0, &f.number)?;
    }
    ws.write_string_with_format(6, 0, lang.pick("Differens (ska vara 0)", "Difference (must be 0)"), &f.header)?;
    let difference = total_of(input, "difference_amount").1;
    ws.write_formula_with_format(6, 1, Formula::new("=B4-B5").set_result(difference), &f.bold_money)?;
    ws.write_string(8, 0, lang.pick("Källor", "Sources"))?;
    for (i, b) in input.batches.iter().enumerate() {
        ws.write_string(9 + i as u32, 0, b)?;
    }
    wb.save_to_buffer()
}

fn ticket_row(
    ws: &mut Worksheet,
    f: &Formats,
    tickets: &Table,
    tk: usize,
    row: u32,
    lang: Lang,
) -> Result<(), XlsxError> {
    ws.write_string(row, 0, text(tickets, tk, "ticket_id"))?;
    ws.write_string(row, 1, excel_text(&text(tickets, tk, "title")))?;
    let resolved = &text(tickets, tk, "resolved_day");
    match ExcelDateTime::parse_from_str(resolved) {
        Ok(dt) => {
            ws.write_datetime_with_format(row, 2, &dt, &f.date)?;
        }
        Err(_) => {
            ws.write_string(row, 2, resolved)?;
        }
    }
    ws.write_string(row, 3, charge_label(lang, &text(tickets, tk, "charge_type"), &text(tickets, tk, "price_key")))?;
    ws.write_number_with_format(row, 4, num(tickets, tk, "quantity"), &f.number)?;
    ws.write_number_with_format(row, 5, num(tickets, tk, "amount"), &f.money)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names() {
        assert_eq!(sheet_name("A/B: C [x]"), "A_B_ C _x_");
        assert_eq!(sheet_name(&"x".repeat(40)).len(), 31);
    }

    #[test]
    fn the_shipped_template_parses_and_draws_tables_only() {
        let t = crate::render::parse_template("reports/billing.md", TEMPLATE).expect("billing.md parses");
        let blocks: Vec<_> = t
            .items
            .iter()
            .filter_map(|i| if let crate::render::template::Item::Figure(b) = i { Some(b) } else { None })
            .collect();
        assert_eq!(blocks.len(), 6);
        assert!(blocks.iter().all(|b| b.kind == crate::render::template::BlockKind::Table));
    }

    #[test]
    fn charge_labels_name_the_item_or_the_team() {
        assert_eq!(charge_label(Lang::En, "item", "Headset"), "Headset");
        assert_eq!(charge_label(Lang::Sv, "work", "Infrastructure"), "Arbete (Infrastructure)");
        assert_eq!(charge_label(Lang::En, "work", ""), "Work (–)");
        assert_eq!(charge_label(Lang::Sv, "pass_through", "Nattjour AB"), "Vidarefakturering (Nattjour AB)");
    }
}
