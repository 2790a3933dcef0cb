//! The IT controller's billing basis for one month (DESIGN §6), written from the billing
//! KPI tables: `billing.xlsx` (summary, one sheet per customer with its lines, its share
//! of the shared customer's lines and the tickets behind them, an unallocated sheet and a
//! reconciliation sheet; real number and date cells, frozen headers, totals as formulas
//! whose cached results are the computed values), `billing.csv` (one row per line, for the
//! finance system) and `billing.html`.
//!
//! Must not: compute what is billed (SQL does) or open the database.

use std::fmt::Write as _;

use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook, Worksheet, XlsxError};

use super::format::{escape_html, format_month, format_number, Lang, NumberFormat};
use super::{pseudonym, Table};
use crate::table::Value;

/// Everything one billing basis needs.
#[derive(Debug, Clone)]
pub struct BillingInput {
    /// Report language.
    pub lang: Lang,
    /// (year, month).
    pub month: (i32, u32),
    /// Currency code.
    pub currency: String,
    /// kpi_billing_line of the month.
    pub lines: Table,
    /// kpi_billing_allocation of the month.
    pub allocation: Table,
    /// kpi_billing_customer of the month.
    pub customers: Table,
    /// kpi_billing_ticket of the month.
    pub tickets: Table,
    /// kpi_billing_covered of the month.
    pub covered: Table,
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

/// Named access to a table's rows, each value as its text (as this page reads them).
struct Rows {
    table: TextRows,
}

/// A table with every value as its text (`None` for NULL).
struct TextRows {
    columns: Vec<String>,
    rows: Vec<Vec<Option<String>>>,
}

impl Rows {
    fn new(table: &Table) -> Rows {
        let rows = table.rows.iter().map(|r| r.iter().map(Value::to_text).collect()).collect();
        Rows { table: TextRows { columns: table.columns.clone(), rows } }
    }
    fn column(&self, col: &str) -> Option<usize> {
        self.table.columns.iter().position(|c| c == col)
    }
    fn get<'r>(&self, row: &'r [Option<String>], col: &str) -> &'r str {
        self.column(col).and_then(|i| row.get(i)).and_then(|c| c.as_deref()).unwrap_or("")
    }
    fn num(&self, row: &[Option<String>], col: &str) -> f64 {
        self.column(col).and_then(|i| row.get(i)).and_then(|c| c.as_deref()).and_then(|s| s.parse().ok()).unwrap_or(0.0)
    }
    fn iter(&self) -> std::slice::Iter<'_, Vec<Option<String>>> {
        self.table.rows.iter()
    }
}

fn t(lang: Lang, sv: &'static str, en: &'static str) -> &'static str {
    lang.pick(sv, en)
}

/// Öre-exact sum of amounts printed with two decimals.
fn sum_ore<'a>(values: impl Iterator<Item = &'a str>) -> i64 {
    values.map(|v| (v.parse::<f64>().unwrap_or(0.0) * 100.0).round() as i64).sum()
}

fn kr(ore: i64) -> f64 {
    ore as f64 / 100.0
}

fn charge_label(lang: Lang, charge_type: &str, key: &str) -> String {
    match charge_type {
        "item" => key.to_string(),
        _ => format!("{} ({})", t(lang, "Arbete", "Work"), if key.is_empty() { "–" } else { key }),
    }
}

/// Writes the three files.
pub fn render(input: &BillingInput) -> Result<BillingFiles, XlsxError> {
    Ok(BillingFiles { xlsx: xlsx(input)?, csv: csv(input), html: html(input) })
}

fn csv(input: &BillingInput) -> String {
    let lines = Rows::new(&input.lines);
    let (y, m) = input.month;
    let mut out = String::from("month,section,customer,charge_type,item_or_team,unit_price,quantity,amount,currency,tickets,unallocated_reason\n");
    let field = super::format::csv_field;
    for r in lines.iter() {
        let _ = writeln!(
            out,
            "{y:04}-{m:02},{},{},{},{},{},{},{},{},{},{}",
            lines.get(r, "section"),
            field(lines.get(r, "customer")),
            lines.get(r, "charge_type"),
            field(lines.get(r, "price_key")),
            lines.get(r, "unit_price"),
            lines.get(r, "quantity"),
            lines.get(r, "amount"),
            input.currency,
            lines.get(r, "tickets"),
            field(lines.get(r, "unallocated_reason")),
        );
    }
    out
}

fn html(input: &BillingInput) -> String {
    let lang = input.lang;
    let (y, m) = input.month;
    let money = |v: f64| escape_html(&format!("{} {}", format_number(v, NumberFormat::Decimal, lang), input.currency));
    let customers = Rows::new(&input.customers);
    let lines = Rows::new(&input.lines);
    let tickets = Rows::new(&input.tickets);
    let mut out = String::new();
    let title = t(lang, "Faktureringsunderlag", "Billing basis");
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title} – {}</title>\n<style>\
         body{{font-family:Arial,sans-serif;max-width:1100px;margin:auto;padding:16px;color:#1a1a1a}}\
         table{{border-collapse:collapse;width:100%;font-size:12px;margin:8px 0 16px}}th,td{{border-bottom:1px solid #ddd;padding:4px 6px;text-align:left}}\
         td.num,th.num{{text-align:right}}h2{{break-before:page;border-bottom:2px solid #0072B2}}h2:first-of-type{{break-before:auto}}\
         footer{{font-size:11px;color:#555;border-top:1px solid #ccc;margin-top:24px}}@page{{size:A4;margin:14mm}}</style>\n</head>\n<body>\n\
         <h1>{title}</h1>\n<p>{}</p>\n",
        lang.code(),
        escape_html(&format_month(y, m, lang)),
        escape_html(&format_month(y, m, lang)),
    );
    let _ = write!(
        out,
        "<h2>{}</h2>\n<table><thead><tr><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th></tr></thead><tbody>\n",
        t(lang, "Sammanställning", "Summary"),
        t(lang, "Kund", "Customer"),
        t(lang, "Egna", "Own"),
        t(lang, "Fördelat gemensamt", "Shared, allocated"),
        t(lang, "Netto", "Net"),
        t(lang, "Moms", "VAT"),
        t(lang, "Brutto", "Gross"),
    );
    for r in customers.iter() {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape_html(customers.get(r, "customer")),
            money(customers.num(r, "own_amount")),
            money(customers.num(r, "allocated_amount")),
            money(customers.num(r, "net_amount")),
            money(customers.num(r, "vat_amount")),
            money(customers.num(r, "gross_amount")),
        );
    }
    let unallocated =
        sum_ore(lines.iter().filter(|r| lines.get(r, "section") == "unallocated").map(|r| lines.get(r, "amount")));
    let grand = sum_ore(lines.iter().map(|r| lines.get(r, "amount")));
    let _ = write!(
        out,
        "</tbody></table>\n<p>{}: {} · {}: {}</p>\n",
        t(lang, "Ej fördelat", "Unallocated"),
        money(kr(unallocated)),
        t(lang, "Totalt netto", "Grand total, net"),
        money(kr(grand)),
    );
    let alloc = Rows::new(&input.allocation);
    let mut keys: Vec<String> = alloc
        .iter()
        .map(|r| {
            format!("{} {} ({:.2} %)", alloc.get(r, "customer"), alloc.get(r, "weight"), alloc.num(r, "share") * 100.0)
        })
        .collect();
    keys.sort();
    keys.dedup();
    if !keys.is_empty() {
        let _ = writeln!(
            out,
            "<p>{}: {}</p>",
            t(lang, "Fördelningsnyckel för gemensamma ärenden", "Allocation key of shared tickets"),
            escape_html(&keys.join(", "))
        );
    }
    let covered = Rows::new(&input.covered);
    let _ = writeln!(
        out,
        "<h2>{}</h2>\n<table><thead><tr><th>{}</th><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th></tr></thead><tbody>",
        t(lang, "Ingår i grundavtalet (debiteras inte)", "Covered by the base agreement (not billed)"),
        t(lang, "Kund", "Customer"),
        t(lang, "Tjänst", "Service"),
        t(lang, "Incidenter", "Incidents"),
        t(lang, "Beställningar", "Requests"),
    );
    for r in covered.iter() {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape_html(covered.get(r, "customer")),
            escape_html(covered.get(r, "service")),
            escape_html(covered.get(r, "incidents")),
            escape_html(covered.get(r, "requests")),
        );
    }
    out.push_str("</tbody></table>\n");
    let _ = write!(
        out,
        "<h2>{}</h2>\n<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th>{}</th></tr></thead><tbody>\n",
        t(lang, "Rader", "Lines"),
        t(lang, "Del", "Section"),
        t(lang, "Kund", "Customer"),
        t(lang, "Artikel / arbete", "Item / work"),
        t(lang, "À-pris", "Unit price"),
        t(lang, "Antal", "Quantity"),
        t(lang, "Belopp", "Amount"),
        t(lang, "Orsak", "Reason"),
    );
    for r in lines.iter() {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            escape_html(lines.get(r, "section")),
            escape_html(lines.get(r, "customer")),
            escape_html(&charge_label(lang, lines.get(r, "charge_type"), lines.get(r, "price_key"))),
            if lines.get(r, "unit_price").is_empty() { "–".into() } else { money(lines.num(r, "unit_price")) },
            escape_html(&format_number(lines.num(r, "quantity"), NumberFormat::Decimal, lang)),
            money(lines.num(r, "amount")),
            escape_html(lines.get(r, "unallocated_reason")),
        );
    }
    out.push_str("</tbody></table>\n");
    let _ = write!(
        out,
        "<h2>{}</h2>\n<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th>{}</th></tr></thead><tbody>\n",
        t(lang, "Ärenden", "Tickets"),
        t(lang, "Ärende", "Ticket"),
        t(lang, "Rubrik", "Title"),
        t(lang, "Kund", "Customer"),
        t(lang, "Artikel / arbete", "Item / work"),
        t(lang, "Antal", "Quantity"),
        t(lang, "Belopp", "Amount"),
        t(lang, "Beställare", "Requester"),
    );
    for r in tickets.iter() {
        let requester = tickets.get(r, "requester");
        let requester = if input.pseudonymise && !requester.is_empty() {
            pseudonym(requester, &input.salt)
        } else {
            requester.to_string()
        };
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            escape_html(tickets.get(r, "ticket_id")),
            escape_html(tickets.get(r, "title")),
            escape_html(tickets.get(r, "customer")),
            escape_html(&charge_label(lang, tickets.get(r, "charge_type"), tickets.get(r, "price_key"))),
            escape_html(&format_number(tickets.num(r, "quantity"), NumberFormat::Decimal, lang)),
            money(tickets.num(r, "amount")),
            escape_html(&requester),
        );
    }
    let _ = write!(
        out,
        "</tbody></table>\n<footer><p>{}: {}</p></footer>\n</body>\n</html>\n",
        t(lang, "Källor", "Sources"),
        escape_html(&input.batches.join("; "))
    );
    out
}

/// `A1`-style column letter(s) of a 0-based column.
fn col_name(col: u16) -> String {
    let mut n = u32::from(col) + 1;
    let mut s = Vec::new();
    while n > 0 {
        let r = ((n - 1) % 26) as u8;
        s.push(b'A' + r);
        n = (n - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
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

/// Writes a SUM formula over rows 2..=last (1-based) of `col` at `row`, cached with `value`.
fn total(
    ws: &mut Worksheet,
    f: &Formats,
    row: u32,
    col: u16,
    first: u32,
    last: u32,
    value: f64,
) -> Result<(), XlsxError> {
    let c = col_name(col);
    let formula = if last >= first { format!("=SUM({c}{first}:{c}{last})") } else { "=0".to_string() };
    ws.write_formula_with_format(row, col, Formula::new(formula).set_result(format!("{value:.2}")), &f.bold_money)?;
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
    let lines = Rows::new(&input.lines);
    let alloc = Rows::new(&input.allocation);
    let customers = Rows::new(&input.customers);
    let tickets = Rows::new(&input.tickets);
    let mut wb = Workbook::new();

    // Summary.
    let ws = wb.add_worksheet().set_name(t(lang, "Sammanställning", "Summary"))?;
    let cols = [
        (t(lang, "Kund", "Customer"), 22.0),
        (t(lang, "Egna", "Own"), 14.0),
        (t(lang, "Fördelat gemensamt", "Shared, allocated"), 18.0),
        (t(lang, "Netto", "Net"), 14.0),
        (t(lang, "Moms", "VAT"), 12.0),
        (t(lang, "Brutto", "Gross"), 14.0),
    ];
    header(ws, &f, &cols)?;
    let mut row = 1u32;
    let mut sums = [0i64; 5];
    for r in customers.iter() {
        ws.write_string(row, 0, customers.get(r, "customer"))?;
        for (k, col) in
            ["own_amount", "allocated_amount", "net_amount", "vat_amount", "gross_amount"].iter().enumerate()
        {
            let v = customers.num(r, col);
            sums[k] += (v * 100.0).round() as i64;
            ws.write_number_with_format(row, k as u16 + 1, v, &f.money)?;
        }
        row += 1;
    }
    let last_customer_row = row; // 1-based row number of the last customer
    ws.write_string_with_format(row, 0, t(lang, "Summa kunder", "Customers total"), &f.header)?;
    for k in 0..5 {
        total(ws, &f, row, k as u16 + 1, 2, last_customer_row, kr(sums[k]))?;
    }
    let customers_total_row = row + 1;
    row += 2;
    let unallocated =
        sum_ore(lines.iter().filter(|r| lines.get(r, "section") == "unallocated").map(|r| lines.get(r, "amount")));
    ws.write_string(row, 0, t(lang, "Ej fördelat (se bladet)", "Unallocated (see its sheet)"))?;
    ws.write_number_with_format(row, 3, kr(unallocated), &f.money)?;
    row += 1;
    let grand = sum_ore(lines.iter().map(|r| lines.get(r, "amount")));
    ws.write_string_with_format(row, 0, t(lang, "Totalt netto", "Grand total, net"), &f.header)?;
    ws.write_formula_with_format(
        row,
        3,
        Formula::new(format!("=D{customers_total_row}+D{}", row)).set_result(format!("{:.2}", kr(grand))),
        &f.bold_money,
    )?;
    row += 2;
    ws.write_string(row, 0, format!("{}: {}", t(lang, "Valuta", "Currency"), input.currency))?;
    ws.write_string(
        row + 1,
        0,
        format!("{}: {}", t(lang, "Period", "Period"), format_month(input.month.0, input.month.1, lang)),
    )?;
    let mut row = row + 3;
    let share_format = Format::new().set_num_format("0.00%");
    for (i, h) in [
        t(lang, "Fördelningsnyckel (gemensamt)", "Allocation key (shared)"),
        t(lang, "Vikt", "Weight"),
        t(lang, "Andel", "Share"),
    ]
    .iter()
    .enumerate()
    {
        ws.write_string_with_format(row, i as u16, *h, &f.header)?;
    }
    row += 1;
    let mut seen: Vec<&str> = Vec::new();
    for a in alloc.iter() {
        let c = alloc.get(a, "customer");
        if seen.contains(&c) {
            continue;
        }
        seen.push(c);
        ws.write_string(row, 0, c)?;
        ws.write_number(row, 1, alloc.num(a, "weight"))?;
        ws.write_number_with_format(row, 2, alloc.num(a, "share"), &share_format)?;
        row += 1;
    }
    row += 1;
    let covered = Rows::new(&input.covered);
    let heads = [
        t(lang, "Ingår i grundavtalet: kund", "Covered by the base agreement: customer"),
        t(lang, "Tjänst", "Service"),
        t(lang, "Incidenter", "Incidents"),
        t(lang, "Beställningar", "Requests"),
    ];
    for (i, h) in heads.iter().enumerate() {
        ws.write_string_with_format(row, i as u16, *h, &f.header)?;
    }
    row += 1;
    for r in covered.iter() {
        ws.write_string(row, 0, covered.get(r, "customer"))?;
        ws.write_string(row, 1, covered.get(r, "service"))?;
        ws.write_number(row, 2, covered.num(r, "incidents"))?;
        ws.write_number(row, 3, covered.num(r, "requests"))?;
        row += 1;
    }

    // One sheet per customer.
    for r in customers.iter() {
        let customer = customers.get(r, "customer");
        let ws = wb.add_worksheet().set_name(sheet_name(customer))?;
        let cols = [
            (t(lang, "Artikel / arbete", "Item / work"), 34.0),
            (t(lang, "À-pris", "Unit price"), 12.0),
            (t(lang, "Antal", "Quantity"), 10.0),
            (t(lang, "Belopp", "Amount"), 14.0),
            (t(lang, "Ärenden", "Tickets"), 9.0),
        ];
        header(ws, &f, &cols)?;
        let mut row = 1u32;
        let mut own = 0i64;
        for l in lines.iter().filter(|l| lines.get(l, "section") == "customer" && lines.get(l, "customer") == customer)
        {
            ws.write_string(row, 0, charge_label(lang, lines.get(l, "charge_type"), lines.get(l, "price_key")))?;
            ws.write_number_with_format(row, 1, lines.num(l, "unit_price"), &f.money)?;
            ws.write_number_with_format(row, 2, lines.num(l, "quantity"), &f.number)?;
            ws.write_number_with_format(row, 3, lines.num(l, "amount"), &f.money)?;
            ws.write_number(row, 4, lines.num(l, "tickets"))?;
            own += (lines.num(l, "amount") * 100.0).round() as i64;
            row += 1;
        }
        for a in alloc.iter().filter(|a| alloc.get(a, "customer") == customer) {
            let label = format!(
                "{}: {} ({:.2} %)",
                t(lang, "Gemensamt", "Shared"),
                charge_label(lang, alloc.get(a, "charge_type"), alloc.get(a, "price_key")),
                alloc.num(a, "share") * 100.0
            );
            ws.write_string(row, 0, label)?;
            ws.write_number_with_format(row, 3, alloc.num(a, "amount"), &f.money)?;
            own += (alloc.num(a, "amount") * 100.0).round() as i64;
            row += 1;
        }
        ws.write_string_with_format(row, 0, t(lang, "Summa netto", "Net total"), &f.header)?;
        total(ws, &f, row, 3, 2, row, kr(own))?;
        row += 2;
        let cols2 = [
            t(lang, "Ärende", "Ticket"),
            t(lang, "Rubrik", "Title"),
            t(lang, "Löst", "Resolved"),
            t(lang, "Artikel / arbete", "Item / work"),
            t(lang, "Antal", "Quantity"),
            t(lang, "Belopp", "Amount"),
        ];
        for (i, c) in cols2.iter().enumerate() {
            ws.write_string_with_format(row, i as u16, *c, &f.header)?;
        }
        row += 1;
        for tk in tickets
            .iter()
            .filter(|tk| tickets.get(tk, "section") == "customer" && tickets.get(tk, "customer") == customer)
        {
            ticket_row(ws, &f, &tickets, tk, row, lang)?;
            row += 1;
        }
    }

    // Unallocated.
    let ws = wb.add_worksheet().set_name(t(lang, "Ej fördelat", "Unallocated"))?;
    let cols = [
        (t(lang, "Ärende", "Ticket"), 14.0),
        (t(lang, "Rubrik", "Title"), 40.0),
        (t(lang, "Löst", "Resolved"), 12.0),
        (t(lang, "Artikel / arbete", "Item / work"), 30.0),
        (t(lang, "Antal", "Quantity"), 10.0),
        (t(lang, "Belopp", "Amount"), 14.0),
        (t(lang, "Kund", "Customer"), 16.0),
        (t(lang, "Orsak", "Reason"), 20.0),
    ];
    header(ws, &f, &cols)?;
    let mut row = 1u32;
    let mut sum = 0i64;
    for tk in tickets.iter().filter(|tk| tickets.get(tk, "section") == "unallocated") {
        ticket_row(ws, &f, &tickets, tk, row, lang)?;
        ws.write_string(row, 6, tickets.get(tk, "customer"))?;
        ws.write_string(row, 7, tickets.get(tk, "unallocated_reason"))?;
        sum += (tickets.num(tk, "amount") * 100.0).round() as i64;
        row += 1;
    }
    ws.write_string_with_format(row, 0, t(lang, "Summa", "Total"), &f.header)?;
    total(ws, &f, row, 5, 2, row, kr(sum))?;

    // Reconciliation.
    let ws = wb.add_worksheet().set_name(t(lang, "Avstämning", "Reconciliation"))?;
    header(ws, &f, &[(t(lang, "Kontroll", "Check"), 48.0), (t(lang, "Värde", "Value"), 16.0)])?;
    let charged = sum_ore(tickets.iter().map(|r| tickets.get(r, "amount")));
    let rows: Vec<(&str, f64)> = vec![
        (t(lang, "Debiterbara ärenden", "Billable tickets"), tickets.table.rows.len() as f64),
        (t(lang, "Ärenden i rader", "Tickets in lines"), lines.iter().map(|r| lines.num(r, "tickets")).sum()),
        (t(lang, "Summa av ärendenas belopp", "Sum of the tickets' amounts"), kr(charged)),
        (t(lang, "Summa av rader", "Sum of lines"), kr(grand)),
        (t(lang, "Kunder netto + ej fördelat", "Customers net + unallocated"), kr(sums[2] + unallocated)),
    ];
    for (i, (label, value)) in rows.iter().enumerate() {
        ws.write_string(i as u32 + 1, 0, *label)?;
        ws.write_number_with_format(i as u32 + 1, 1, *value, &f.number)?;
    }
    let diff = kr(charged - grand);
    ws.write_string_with_format(6, 0, t(lang, "Differens (ska vara 0)", "Difference (must be 0)"), &f.header)?;
    ws.write_formula_with_format(6, 1, Formula::new("=B4-B5").set_result(format!("{diff:.2}")), &f.bold_money)?;
    ws.write_string(8, 0, t(lang, "Källor", "Sources"))?;
    for (i, b) in input.batches.iter().enumerate() {
        ws.write_string(9 + i as u32, 0, b)?;
    }
    wb.save_to_buffer()
}

fn ticket_row(
    ws: &mut Worksheet,
    f: &Formats,
    tickets: &Rows,
    tk: &[Option<String>],
    row: u32,
    lang: Lang,
) -> Result<(), XlsxError> {
    ws.write_string(row, 0, tickets.get(tk, "ticket_id"))?;
    ws.write_string(row, 1, tickets.get(tk, "title"))?;
    let resolved = tickets.get(tk, "resolved_day");
    match ExcelDateTime::parse_from_str(resolved) {
        Ok(dt) => {
            ws.write_datetime_with_format(row, 2, &dt, &f.date)?;
        }
        Err(_) => {
            ws.write_string(row, 2, resolved)?;
        }
    }
    ws.write_string(row, 3, charge_label(lang, tickets.get(tk, "charge_type"), tickets.get(tk, "price_key")))?;
    ws.write_number_with_format(row, 4, tickets.num(tk, "quantity"), &f.number)?;
    ws.write_number_with_format(row, 5, tickets.num(tk, "amount"), &f.money)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_and_sheet_names() {
        assert_eq!(
            (col_name(0), col_name(25), col_name(26), col_name(27)),
            ("A".into(), "Z".into(), "AA".into(), "AB".into())
        );
        assert_eq!(sheet_name("A/B: C [x]"), "A_B_ C _x_");
        assert_eq!(sheet_name(&"x".repeat(40)).len(), 31);
    }
}
