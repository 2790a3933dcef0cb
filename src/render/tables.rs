//! Table pages: a report template whose figures are `table` blocks, drawn from whole result
//! tables into the page shell — the billing basis (`reports/billing.md`) and the CAB list
//! (`reports/cab.md`). Also the one place the page writers read a cell ([`cell`],
//! [`number`]).
//!
//! Owns how a table block of such a page shows its rows: the block's filter, the report
//! month, `order_by` and `limit`; per-column number formats, headers and second header lines
//! (`subheads`), cell patterns by value (`values`), a small second line (`below`), personal
//! data as pseudonyms, and the one-sentence layout (`inline`). Must not: compute figures —
//! totals, shares and states come from the KPI queries; a pattern only places values.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::format::{escape_html, format_number, Lang, MISSING};
use super::shell::markdown;
use super::template::{Block, BlockKind, BlockSpec, Item, Template, TemplateError};
use super::{pseudonym, RenderError, Table};

/// Errors of writing a table page and its files.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// A template does not parse.
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// A block cannot be drawn from its table (`file:line: message`).
    #[error(transparent)]
    Render(#[from] RenderError),
    /// The workbook cannot be written.
    #[error("writing the workbook: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

/// A cell's text: `None` for NULL, a row or a column the table does not have. The one way
/// the page and file writers read a result table.
pub fn cell<'a>(table: &'a Table, row: usize, column: &str) -> Option<&'a str> {
    let i = table.column(column)?;
    table.rows.get(row)?.get(i)?.as_deref()
}

/// A cell as a number to write (a spreadsheet cell, the length of a bar); `None` when it is
/// NULL or not a number. Never for adding up: sums come from SQL.
pub fn number(table: &Table, row: usize, column: &str) -> Option<f64> {
    cell(table, row, column)?.parse().ok()
}

/// What a table page is drawn from.
#[derive(Debug, Clone)]
pub struct TablePage<'a> {
    /// The template (Markdown and `table` blocks).
    pub template: &'a Template,
    /// The tables its blocks name, by name.
    pub tables: BTreeMap<&'a str, &'a Table>,
    /// The page's language.
    pub lang: Lang,
    /// The report month: a table with a `month` column shows that month's rows unless the
    /// block says `all_months`. `None`: every row.
    pub month: Option<(i32, u32)>,
    /// Names a pattern may use besides the row's columns (e.g. `currency`).
    pub variables: BTreeMap<&'a str, String>,
    /// Show the columns a block lists in `personal` as they are (default: pseudonyms).
    pub show_personal: bool,
    /// Salt of the pseudonyms.
    pub salt: &'a str,
}

/// The page's body: the template's prose and tables in order.
pub fn body(page: &TablePage<'_>) -> Result<String, RenderError> {
    let mut out = String::with_capacity(16 * 1024);
    if let Some(d) = &page.template.front.description {
        let _ = writeln!(out, "<p>{}</p>", escape_html(d.get(page.lang)));
    }
    for item in &page.template.items {
        match item {
            Item::Markdown(text) => markdown(text, page.lang, &mut out),
            Item::Figure(block) => table_block(page, block, &mut out)?,
        }
    }
    Ok(out)
}

/// A block's view of its table.
struct View<'a> {
    page: &'a TablePage<'a>,
    spec: &'a BlockSpec,
    table: &'a Table,
}

impl View<'_> {
    /// A cell (or a page variable) as text in the block's format: numbers formatted, NULL in
    /// a number column as [`MISSING`], personal data as a pseudonym. The flag says whether it
    /// is a number column (aligned right).
    fn formatted(&self, row: usize, column: &str) -> (String, bool) {
        if self.table.column(column).is_none() {
            return (self.page.variables.get(column).cloned().unwrap_or_default(), false);
        }
        let format = self.spec.formats.get(column).copied();
        let Some(text) = cell(self.table, row, column) else {
            return (if format.is_some() { MISSING.to_string() } else { String::new() }, format.is_some());
        };
        if let (Some(format), Ok(v)) = (format, text.parse::<f64>()) {
            return (format_number(v, format, self.page.lang), true);
        }
        if self.spec.personal.iter().any(|p| p == column) && !self.page.show_personal {
            return (pseudonym(text, self.page.salt), format.is_some());
        }
        (text.to_string(), format.is_some())
    }

    /// `pattern` with each `{name}` replaced by that column's (or variable's) formatted value.
    fn fill(&self, pattern: &str, row: usize) -> String {
        let mut out = String::with_capacity(pattern.len() + 16);
        let mut rest = pattern;
        while let Some(start) = rest.find('{') {
            let after = &rest[start + 1..];
            let Some(end) = after.find('}') else { break };
            out.push_str(&rest[..start]);
            out.push_str(&self.formatted(row, &after[..end]).0);
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        out
    }

    /// What a cell shows: the block's pattern for the cell's value (`values`), else the
    /// formatted value.
    fn shown(&self, row: usize, column: &str) -> (String, bool) {
        let (text, numeric) = self.formatted(row, column);
        if let Some(patterns) = self.spec.values.get(column) {
            let raw = cell(self.table, row, column);
            let pattern = patterns.get(raw.unwrap_or("")).or_else(|| raw.and_then(|_| patterns.get("*")));
            if let Some(p) = pattern {
                return (self.fill(p.get(self.page.lang), row), numeric);
            }
        }
        (text, numeric)
    }
}

/// The text of a filter value as a cell holds it.
fn filter_text(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The rows a block shows, in order.
fn selected_rows(page: &TablePage<'_>, spec: &BlockSpec, table: &Table) -> Vec<usize> {
    let month = page.month.filter(|_| !spec.all_months && table.column("month").is_some());
    let month = month.map(|(y, m)| format!("{y:04}-{m:02}-01"));
    let mut rows: Vec<usize> = (0..table.rows.len())
        .filter(|&r| spec.filter.iter().all(|(c, v)| cell(table, r, c) == Some(filter_text(v).as_str())))
        .filter(|&r| month.as_deref().is_none_or(|m| cell(table, r, "month") == Some(m)))
        .collect();
    if let Some((column, desc)) = spec.order() {
        rows.sort_by(|&a, &b| {
            // Numbers by value after everything else by text: a total order.
            let ord = match (number(table, a, column), number(table, b, column)) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                (None, None) => cell(table, a, column).cmp(&cell(table, b, column)),
                (x, y) => x.is_some().cmp(&y.is_some()),
            };
            if desc {
                ord.reverse()
            } else {
                ord
            }
        });
    }
    if let Some(limit) = spec.limit {
        rows.truncate(limit as usize);
    }
    rows
}

/// One `table` block: a figure with a title and a table, or one sentence (`inline`).
fn table_block(page: &TablePage<'_>, block: &Block, out: &mut String) -> Result<(), RenderError> {
    let spec = &block.spec;
    let fail = |message: String| RenderError::Figure { file: page.template.file.clone(), line: block.line, message };
    if block.kind != BlockKind::Table {
        return Err(fail(format!("this page draws `table` blocks only, not `{}`", block.kind.name())));
    }
    let table = *page.tables.get(spec.query.as_str()).ok_or_else(|| fail(format!("no table '{}'", spec.query)))?;
    if let Some(c) = spec.columns.iter().chain(spec.filter.keys()).find(|c| table.column(c).is_none()) {
        return Err(fail(format!("'{}' has no column '{c}'", spec.query)));
    }
    let rows = selected_rows(page, spec, table);
    let view = View { page, spec, table };
    let lang = page.lang;
    let title = spec.title.as_ref().map(|t| t.get(lang));
    if spec.inline {
        if !rows.is_empty() {
            let sentence: Vec<String> = rows
                .iter()
                .map(|&r| spec.columns.iter().map(|c| view.shown(r, c).0).collect::<Vec<_>>().join(" "))
                .collect();
            let sentence = escape_html(&sentence.join(", "));
            let _ = match title {
                Some(t) => writeln!(out, "<p>{}: {sentence}</p>", escape_html(t)),
                None => writeln!(out, "<p>{sentence}</p>"),
            };
        }
        return Ok(());
    }
    out.push_str("<figure>\n");
    if let Some(t) = title {
        let _ = writeln!(out, "<h3>{}</h3>", escape_html(t));
    }
    let Some(&first) = rows.first() else {
        let _ = writeln!(out, "<p class=\"empty\">{}</p>\n</figure>", lang.pick("Inga rader.", "No rows."));
        return Ok(());
    };
    out.push_str("<table>\n<thead><tr>");
    for c in &spec.columns {
        let class = if spec.formats.contains_key(c) { " class=\"num\"" } else { "" };
        let label = spec.labels.get(c).map_or(c.as_str(), |l| l.get(lang));
        let _ = write!(out, "<th{class}>{}", escape_html(label));
        if let Some(p) = spec.subheads.get(c) {
            let _ = write!(out, "<br>{}", escape_html(&view.fill(p.get(lang), first)));
        }
        out.push_str("</th>");
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for &r in &rows {
        out.push_str("<tr>");
        for c in &spec.columns {
            let (text, numeric) = view.shown(r, c);
            let class = if numeric { " class=\"num\"" } else { "" };
            let _ = write!(out, "<td{class}>{}", escape_html(&text));
            if let Some(p) = spec.below.get(c) {
                let _ = write!(out, "<br><small>{}</small>", escape_html(&view.fill(p.get(lang), r)));
            }
            out.push_str("</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</figure>\n");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::parse_template;

    fn table(columns: &[&str], rows: &[&[Option<&str>]]) -> Table {
        Table {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows: rows.iter().map(|r| r.iter().map(|c| c.map(str::to_string)).collect()).collect(),
        }
    }

    const TEMPLATE: &str = r#"---
title = "T"
---
## [[Rader|Lines]]

```table
query = "lines"
columns = ["kind", "amount", "requester"]
labels = { kind = { sv = "Slag", en = "Kind" }, amount = "Amount" }
formats = { amount = "decimal", weight = "decimal" }
values = { kind = { work = { sv = "Arbete ({team})", en = "Work ({team})" }, "*" = "{kind}!", "" = "none" }, amount = { "*" = "{amount} {currency}" } }
subheads = { amount = "w {weight}" }
below = { kind = "{team}" }
personal = ["requester"]
order_by = "amount desc"
title = "Lines"
```

```table
query = "lines"
columns = ["team", "amount"]
formats = { amount = "decimal" }
filter = { kind = "work" }
inline = true
title = "Key"
```
"#;

    #[test]
    fn a_table_block_places_formatted_values_and_escapes_every_one() {
        let t = parse_template("t.md", TEMPLATE).expect("parses");
        let lines = table(
            &["month", "kind", "team", "amount", "weight", "requester"],
            &[
                &[Some("2026-10-01"), Some("work"), Some("<Ops>"), Some("1234.5"), Some("0.3"), Some("Anna Berg")],
                &[Some("2026-10-01"), Some("item"), None, None, Some("0.3"), None],
                &[Some("2026-10-01"), None, None, Some("2000"), Some("0.3"), None],
                &[Some("2026-09-01"), Some("work"), Some("Old"), Some("9"), Some("0.3"), None],
            ],
        );
        let page = TablePage {
            template: &t,
            tables: BTreeMap::from([("lines", &lines)]),
            lang: Lang::En,
            month: Some((2026, 10)),
            variables: BTreeMap::from([("currency", "SEK".to_string())]),
            show_personal: false,
            salt: "s",
        };
        let html = body(&page).expect("renders");
        assert!(html.contains("<h2>Lines</h2>"), "{html}");
        assert!(html.contains("<th>Kind</th><th class=\"num\">Amount<br>w 0.30</th><th>requester</th>"), "{html}");
        // Ordered by amount descending (NULL last as text), September left out.
        let work = "<tr><td>Work (&lt;Ops&gt;)<br><small>&lt;Ops&gt;</small></td><td class=\"num\">1,234.50 SEK</td>";
        let none = "<tr><td>none<br><small></small></td><td class=\"num\">2,000.00 SEK</td><td></td></tr>";
        let item = "<tr><td>item!<br><small></small></td><td class=\"num\">\u{2013}</td><td></td></tr>";
        let (w, n, i) = (html.find(work), html.find(none), html.find(item));
        assert!(w.is_some() && n.is_some() && i.is_some(), "{html}");
        assert!(n < w && w < i, "{html}");
        assert!(!html.contains("Anna Berg") && html.contains(&pseudonym("Anna Berg", "s")));
        assert!(!html.contains("Old") && !html.contains("<Ops>"));
        assert!(html.contains("<p>Key: &lt;Ops&gt; 1,234.50</p>"), "{html}");
        let shown = TablePage { show_personal: true, ..page.clone() };
        assert!(body(&shown).expect("renders").contains("Anna Berg"));
        let empty = Table { columns: lines.columns.clone(), rows: Vec::new() };
        let none = TablePage { tables: BTreeMap::from([("lines", &empty)]), ..page.clone() };
        let html = body(&none).expect("renders");
        assert!(html.contains("<p class=\"empty\">No rows.</p>") && !html.contains("Key"), "{html}");
        let missing = TablePage { tables: BTreeMap::new(), ..page };
        assert_eq!(body(&missing).map_err(|e| e.to_string()).unwrap_err(), "t.md:6: no table 'lines'");
    }

    #[test]
    fn cells_are_read_by_column_name() {
        let t = table(&["a", "b"], &[&[Some("1.5"), None]]);
        assert_eq!(
            (cell(&t, 0, "a"), cell(&t, 0, "b"), cell(&t, 0, "c"), cell(&t, 1, "a")),
            (Some("1.5"), None, None, None)
        );
        assert_eq!((number(&t, 0, "a"), number(&t, 0, "b")), (Some(1.5), None));
    }
}
