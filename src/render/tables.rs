//! Table pages: a report template whose figures are `table` blocks, drawn from whole result
//! tables into the page shell — the billing basis (`reports/billing.md`) and the CAB list
//! (`reports/cab.md`). Also the one place the page writers read a cell ([`cell`],
//! [`number`]).
//!
//! Owns how a table block of such a page shows its rows: the block's filter, the report
//! month, `order_by` and `limit`; per-column number formats, headers and second header lines
//! (`subheads`), cell patterns by value (`values`), a small second line (`below`), personal
//! data as pseudonyms, the one-sentence layout (`inline`), bar columns stacked from parts
//! (`bars`, `colours`, `legend`) and pivots (`pivot`). Must not: compute figures —
//! totals, shares and states come from the KPI queries; a pattern only places values.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::format::{escape_html, format_number, Lang, MISSING};
use super::shell::markdown;
use super::template::{Block, BlockKind, BlockSpec, Item, Template, TemplateError};
use super::{pseudonym, RenderError, Table};
use crate::table::Value;

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

/// A cell's typed value: `Null` for NULL, a row or a column the table does not have. The
/// one way the page and file writers read a result table.
pub fn value<'a>(table: &'a Table, row: usize, column: &str) -> &'a Value {
    table.rows.get(row).map_or(&Value::Null, |r| table.get(r, column))
}

/// A cell's text as DuckDB prints its value (exact digits for a DECIMAL): `None` for NULL,
/// a row or a column the table does not have.
pub fn cell(table: &Table, row: usize, column: &str) -> Option<String> {
    value(table, row, column).to_text()
}

/// A cell as a number to write (a spreadsheet cell, the length of a bar), from its type;
/// `None` when it is NULL or not a number. Never for adding up: sums come from SQL.
pub fn number(table: &Table, row: usize, column: &str) -> Option<f64> {
    value(table, row, column).as_f64()
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
        if let (Some(format), Some(v)) = (format, number(self.table, row, column)) {
            return (format_number(v, format, self.page.lang), true);
        }
        if self.spec.personal.iter().any(|p| p == column) && !self.page.show_personal {
            return (pseudonym(&text, self.page.salt), format.is_some());
        }
        (text, format.is_some())
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
            let pattern = patterns.get(raw.as_deref().unwrap_or("")).or_else(|| raw.and_then(|_| patterns.get("*")));
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
    let filters: Vec<(&String, String)> = spec.filter.iter().map(|(c, v)| (c, filter_text(v))).collect();
    let mut rows: Vec<usize> = (0..table.rows.len())
        .filter(|&r| filters.iter().all(|(c, v)| cell(table, r, c).as_deref() == Some(v.as_str())))
        .filter(|&r| month.as_deref().is_none_or(|m| cell(table, r, "month").as_deref() == Some(m)))
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
    // A pivot's limit counts the rows it makes, not the rows it folds.
    if let Some(limit) = spec.limit.filter(|_| spec.pivot.is_none()) {
        rows.truncate(limit as usize);
    }
    rows
}

/// The values of `columns` in `row`.
fn key(table: &Table, row: usize, columns: &[String]) -> Vec<Option<String>> {
    columns.iter().map(|c| cell(table, row, c)).collect()
}

/// One `table` block: a figure with a title and a table, or one sentence (`inline`).
fn table_block(page: &TablePage<'_>, block: &Block, out: &mut String) -> Result<(), RenderError> {
    let spec = &block.spec;
    let fail = |message: String| RenderError::Figure { file: page.template.file.clone(), line: block.line, message };
    if block.kind != BlockKind::Table {
        return Err(fail(format!("this page draws `table` blocks only, not `{}`", block.kind.name())));
    }
    let table = *page.tables.get(spec.query.as_str()).ok_or_else(|| {
        let drawn: Vec<&str> = page.tables.keys().copied().collect();
        let drawn = if drawn.is_empty() { "no table".to_string() } else { drawn.join(", ") };
        fail(format!("no table '{}' on this page (it draws from: {drawn})", spec.query))
    })?;
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
        let numeric = spec.formats.contains_key(c) && !spec.bars.contains_key(c);
        let class = if numeric { " class=\"num\"" } else { "" };
        let label = spec.labels.get(c).map_or(c.as_str(), |l| l.get(lang));
        let _ = write!(out, "<th{class}>{}", escape_html(label));
        if let Some(p) = spec.subheads.get(c) {
            let _ = write!(out, "<br>{}", escape_html(&view.fill(p.get(lang), first)));
        }
        out.push_str("</th>");
    }
    // A pivot folds the rows with equal `columns` into one (shown from the first), followed
    // by one column per combination of its key columns.
    let (page_rows, keys): (Vec<Vec<usize>>, Vec<Vec<Option<String>>>) = match &spec.pivot {
        None => (rows.iter().map(|&r| vec![r]).collect(), Vec::new()),
        Some(p) => {
            let mut groups: Vec<Vec<usize>> = Vec::new();
            let mut keys = Vec::new();
            for &r in &rows {
                let id = key(table, r, &spec.columns);
                match groups.iter_mut().find(|g| key(table, g[0], &spec.columns) == id) {
                    Some(g) => g.push(r),
                    None => groups.push(vec![r]),
                }
                let k = key(table, r, &p.columns);
                if !keys.contains(&k) {
                    keys.push(k);
                }
            }
            groups.truncate(spec.limit.map_or(usize::MAX, |l| l as usize));
            (groups, keys)
        }
    };
    if let Some(p) = &spec.pivot {
        let class = if spec.formats.contains_key(&p.value) { " class=\"num\"" } else { "" };
        for k in &keys {
            let source = rows.iter().copied().find(|&r| key(table, r, &p.columns) == *k);
            let head: Vec<String> =
                p.columns.iter().map(|c| source.map_or(String::new(), |r| escape_html(&view.shown(r, c).0))).collect();
            let _ = write!(out, "<th{class}>{}</th>", head.join("<br>"));
        }
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    // The scale of each bar column: its largest shown value.
    let scales: BTreeMap<&str, f64> = spec
        .bars
        .keys()
        .map(|c| (c.as_str(), rows.iter().filter_map(|&r| number(table, r, c)).fold(0.0_f64, f64::max)))
        .collect();
    for members in &page_rows {
        let r = members[0];
        out.push_str("<tr>");
        for c in &spec.columns {
            let (text, numeric) = view.shown(r, c);
            if let (Some(parts), Some(&scale)) = (spec.bars.get(c), scales.get(c.as_str())) {
                let _ = write!(out, "<td>{}{}", view.bar(r, parts, scale), escape_html(&text));
                out.push_str("</td>");
                continue;
            }
            let class = if numeric { " class=\"num\"" } else { "" };
            let _ = write!(out, "<td{class}>{}", escape_html(&text));
            if let Some(p) = spec.below.get(c) {
                let _ = write!(out, "<br><small>{}</small>", escape_html(&view.fill(p.get(lang), r)));
            }
            out.push_str("</td>");
        }
        if let Some(p) = &spec.pivot {
            for k in &keys {
                match members.iter().copied().find(|&m| key(table, m, &p.columns) == *k) {
                    Some(m) => {
                        let (text, numeric) = view.shown(m, &p.value);
                        let class = if numeric { " class=\"num\"" } else { "" };
                        let _ = write!(out, "<td{class}>{}</td>", escape_html(&text));
                    }
                    None => out.push_str("<td></td>"),
                }
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    if !spec.legend.is_empty() {
        let keys: Vec<String> = spec
            .legend
            .iter()
            .map(|l| {
                format!(
                    "<svg class=\"key\" width=\"10\" height=\"10\"><rect width=\"10\" height=\"10\" fill=\"{}\"/></svg> {}",
                    escape_html(&l.colour),
                    escape_html(l.label.get(lang))
                )
            })
            .collect();
        let _ = writeln!(out, "<p class=\"legend\">{}</p>", keys.join(" "));
    }
    out.push_str("</figure>\n");
    Ok(())
}

/// Width of a full bar, in pixels.
const BAR_WIDTH: f64 = 240.0;

impl View<'_> {
    /// A bar of the row's `parts` (each > 0 a segment with its label and value as a
    /// tooltip), scaled so that `scale` fills [`BAR_WIDTH`]; an inline SVG.
    fn bar(&self, row: usize, parts: &[String], scale: f64) -> String {
        let mut svg = format!("<svg class=\"bar\" width=\"{BAR_WIDTH}\" height=\"14\" role=\"img\">");
        let mut x = 0.0;
        for part in parts {
            let value = number(self.table, row, part).unwrap_or(0.0);
            if value <= 0.0 || scale <= 0.0 {
                continue;
            }
            let w = value / scale * BAR_WIDTH;
            let label = self.spec.labels.get(part).map_or(part.as_str(), |l| l.get(self.page.lang));
            let colour = self.spec.colours.get(part).map_or("#0072B2", String::as_str);
            let _ = write!(
                svg,
                "<rect x=\"{x:.1}\" y=\"1\" width=\"{w:.1}\" height=\"12\" fill=\"{}\" stroke=\"#fff\"><title>{}: {}</title></rect>",
                escape_html(colour),
                escape_html(label),
                escape_html(&self.formatted(row, part).0)
            );
            x += w;
        }
        svg.push_str("</svg>");
        svg
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::parse_template;

    /// A typed table from text cells, typed as SQL would give them: whole numbers as
    /// integers, other numbers as floats, the rest as text.
    fn table(columns: &[&str], rows: &[&[Option<&str>]]) -> Table {
        let value = |c: &Option<&str>| match c {
            None => Value::Null,
            Some(s) => s
                .parse::<i64>()
                .map(Value::Int)
                .or_else(|_| s.parse::<f64>().map(Value::Float))
                .unwrap_or_else(|_| Value::Text(s.to_string())),
        };
        Table {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows: rows.iter().map(|r| r.iter().map(value).collect()).collect(),
        }
    }

    /// A page of `template` over one table named `name`, in English, every month, no
    /// variables, pseudonyms on.
    fn page_of<'a>(template: &'a Template, name: &'a str, table: &'a Table) -> TablePage<'a> {
        TablePage {
            template,
            tables: BTreeMap::from([(name, table)]),
            lang: Lang::En,
            month: None,
            variables: BTreeMap::new(),
            show_personal: false,
            salt: "",
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
            month: Some((2026, 10)),
            variables: BTreeMap::from([("currency", "SEK".to_string())]),
            salt: "s",
            ..page_of(&t, "lines", &lines)
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
        assert_eq!(
            body(&missing).map_err(|e| e.to_string()).unwrap_err(),
            "t.md:6: no table 'lines' on this page (it draws from: no table)"
        );
    }

    #[test]
    fn a_bar_column_stacks_its_parts_on_the_largest_value_s_scale() {
        let text = "---\ntitle = 'T'\n---\n```table\nquery = 'c'\ncolumns = ['id', 'score']\nformats = { score = 'decimal', p_a = 'decimal' }\n\
                    bars = { score = ['p_a', 'p_b'] }\nlabels = { p_a = '<A>' }\ncolours = { p_a = '#123456' }\n\
                    legend = [{ colour = '#123456', label = 'Alpha' }]\n```\n";
        let t = parse_template("t.md", text).expect("parses");
        let c = table(
            &["id", "score", "p_a", "p_b"],
            &[&[Some("X1"), Some("1.0"), Some("0.25"), Some("0.75")], &[Some("X2"), Some("0.5"), Some("0.5"), None]],
        );
        let page = page_of(&t, "c", &c);
        let html = body(&page).expect("renders");
        assert!(html.contains(
            "<rect x=\"0.0\" y=\"1\" width=\"60.0\" height=\"12\" fill=\"#123456\" stroke=\"#fff\"><title>&lt;A&gt;: 0.25</title></rect>\
             <rect x=\"60.0\" y=\"1\" width=\"180.0\" height=\"12\" fill=\"#0072B2\" stroke=\"#fff\"><title>p_b: 0.75</title></rect></svg>1.00</td>"
        ), "{html}");
        assert!(
            html.contains("width=\"120.0\"") && html.contains("<title>&lt;A&gt;: 0.50</title></rect></svg>0.50</td>"),
            "{html}"
        );
        assert!(html.contains("<p class=\"legend\"><svg class=\"key\" width=\"10\" height=\"10\"><rect width=\"10\" height=\"10\" fill=\"#123456\"/></svg> Alpha</p>"), "{html}");
    }

    #[test]
    fn a_pivot_makes_a_column_per_key_and_a_row_per_identity() {
        let text = "---\ntitle = 'T'\n---\n```table\nquery = 's'\ncolumns = ['id', 'top']\norder_by = 'rank'\n\
                    pivot = { columns = ['term', 'change'], value = 'vrank' }\nformats = { vrank = 'integer' }\n\
                    values = { term = { a = '<Alpha>' }, top = { yes = 'robust' } }\n```\n";
        let t = parse_template("t.md", text).expect("parses");
        let s = table(
            &["id", "top", "rank", "term", "change", "vrank"],
            &[
                &[Some("X2"), None, Some("2"), Some("a"), Some("-50%"), Some("1")],
                &[Some("X1"), Some("yes"), Some("1"), Some("a"), Some("-50%"), Some("2")],
                &[Some("X1"), Some("yes"), Some("1"), Some("a"), Some("+50%"), Some("1")],
                &[Some("X2"), None, Some("2"), Some("a"), Some("+50%"), Some("2")],
                &[Some("X1"), Some("yes"), Some("1"), Some("b"), Some("+50%"), Some("1")],
            ],
        );
        let page = page_of(&t, "s", &s);
        let html = body(&page).expect("renders");
        assert!(
            html.contains(
                "<thead><tr><th>id</th><th>top</th><th class=\"num\">&lt;Alpha&gt;<br>-50%</th>\
             <th class=\"num\">&lt;Alpha&gt;<br>+50%</th><th class=\"num\">b<br>+50%</th></tr></thead>"
            ),
            "{html}"
        );
        assert!(html.contains(
            "<tr><td>X1</td><td>robust</td><td class=\"num\">2</td><td class=\"num\">1</td><td class=\"num\">1</td></tr>\n\
             <tr><td>X2</td><td></td><td class=\"num\">1</td><td class=\"num\">2</td><td></td></tr>"
        ), "{html}");
    }

    #[test]
    fn cells_are_read_by_column_name() {
        let t = table(&["a", "b"], &[&[Some("1.5"), None]]);
        assert_eq!(
            (cell(&t, 0, "a"), cell(&t, 0, "b"), cell(&t, 0, "c"), cell(&t, 1, "a")),
            (Some("1.5".to_string()), None, None, None)
        );
        assert_eq!((number(&t, 0, "a"), number(&t, 0, "b")), (Some(1.5), None));
    }
}
