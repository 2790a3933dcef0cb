//! Writing the report: the monthly page's body (tiles, charts and tables in the page shell,
//! see `shell`) and kpi.json, both from the computed figures.
//!
//! Every text that comes from data or configuration goes through `escape_html`; template
//! prose is Markdown whose raw HTML is shown as text, not passed through.

use std::fmt::Write as _;

use super::chart::{self, BarChart, LineChart, Series, StackedBarChart};
use super::figures::{Figure, FigureValue};
use super::format::{escape_html, format_delta, format_month, format_number, month_short, Lang, NumberFormat};
use super::shell::{document, markdown, Provenance, Shell};
use super::template::{BlockKind, Item};
use super::ReportInput;
use crate::table::Value;

fn fmt_value(v: Option<f64>, format: NumberFormat, lang: Lang) -> String {
    v.map_or_else(|| "–".to_string(), |v| format_number(v, format, lang))
}

/// The x label of a month key `YYYY-MM`: short month name, with the year in January and
/// at the first position.
fn month_label(key: &str, first: bool, lang: Lang) -> String {
    let (y, m) = key.split_once('-').unwrap_or((key, "1"));
    let m: u32 = m.parse().unwrap_or(1);
    if first || m == 1 {
        format!("{} {}", month_short(m, lang), &y[y.len().saturating_sub(2)..])
    } else {
        month_short(m, lang).to_string()
    }
}

/// The HTML page.
pub fn html(input: &ReportInput, figures: &[Figure]) -> String {
    let lang = input.lang;
    let (y, m) = input.month;
    let title = input.template.front.title.get(lang);
    let mut out = String::with_capacity(64 * 1024);
    if let Some(d) = &input.template.front.description {
        let _ = writeln!(out, "<p>{}</p>", escape_html(d.get(lang)));
    }
    if input.quiet_month {
        let _ = writeln!(out, "<p class=\"reason\">{}</p>", escape_html(quiet_month_text(lang)));
    }
    let mut figures = figures.iter();
    let mut in_tiles = false;
    for item in &input.template.items {
        let is_tile = matches!(item, Item::Figure(b) if b.kind == BlockKind::Tile);
        if in_tiles && !is_tile {
            out.push_str("</div>\n");
            in_tiles = false;
        }
        match item {
            Item::Markdown(text) => markdown(text, lang, &mut out),
            Item::Figure(_) => {
                let Some(f) = figures.next() else { continue };
                if is_tile && !in_tiles {
                    out.push_str("<div class=\"tiles\">\n");
                    in_tiles = true;
                }
                figure(input, f, &mut out);
            }
        }
    }
    if in_tiles {
        out.push_str("</div>\n");
    }
    let batches = input
        .batches
        .iter()
        .map(|b| format!("#{} {} ({}, {} UTC)", b.batch_id, b.file, b.source, b.finished_at))
        .collect();
    let provenance = Provenance {
        period: Some(format_month(y, m, lang)),
        as_of: Some(super::format::format_instant(input.as_of, input.timezone, lang)),
        config: Some(input.config_sha256.clone()),
        sources: Some(batches),
        personal_shown: Some(input.show_personal),
    };
    let subtitle = format_month(y, m, lang);
    document(&Shell { lang, title, subtitle: &subtitle, wide: false, provenance: &provenance }, &out)
}

/// What a month without a ticket opened or resolved shows in its figures.
fn quiet_month_text(lang: Lang) -> &'static str {
    lang.pick(
        "Inga ärenden öppnades eller löstes under månaden: figurerna som räknar dem visas som –, \
         backloggen är de ärenden som fortfarande var öppna vid månadens slut.",
        "No ticket was opened or resolved in the month: the figures that count them show –, \
         the backlog is the tickets still open at the end of the month.",
    )
}

fn definition(f: &Figure, out: &mut String) {
    if let Some(text) = &f.definition_text {
        let _ = writeln!(out, "<p class=\"definition\">{}</p>", escape_html(text));
    }
}

fn figure(input: &ReportInput, f: &Figure, out: &mut String) {
    let lang = input.lang;
    let title = f.title.clone().unwrap_or_else(|| f.query.clone());
    let format = f.format;
    let fmt = move |v: f64| format_number(v, format, lang);
    if !f.not_computable.is_empty() {
        not_computable(f, &title, out);
        return;
    }
    match &f.value {
        FigureValue::Tile { value, target, previous, higher_is_better, history, .. } => {
            let class = match (value, target) {
                (Some(v), Some(t)) if (v >= t) == *higher_is_better || v == t => " good",
                (Some(_), Some(_)) => " bad",
                _ => "",
            };
            let _ = write!(
                out,
                "<div class=\"tile{class}\">\n<h3>{}</h3>\n<div class=\"value\">{}</div>\n<div class=\"meta\">",
                escape_html(&title),
                escape_html(&fmt_value(*value, format, lang))
            );
            if let Some(t) = target {
                let _ =
                    write!(out, "{} {}", lang.pick("Mål", "Target"), escape_html(&fmt_value(Some(*t), format, lang)));
            }
            if let (Some(v), Some(p)) = (value, previous) {
                let sep = if target.is_some() { " · " } else { "" };
                let _ = write!(
                    out,
                    "{sep}{} {}",
                    escape_html(&format_delta(v - p, format, lang)),
                    lang.pick("mot förra månaden", "vs last month")
                );
            }
            out.push_str("</div>\n");
            if !history.is_empty() {
                let values: Vec<Option<f64>> = history.iter().map(|(_, v)| *v).collect();
                out.push_str(&chart::sparkline(&values, *target));
            }
            definition(f, out);
            out.push_str("</div>\n");
        }
        FigureValue::Series { x, series, target } => {
            let _ = writeln!(out, "<figure>\n<h3>{}</h3>", escape_html(&title));
            let series_data: Vec<Series> =
                series.iter().map(|s| Series { name: s.label.clone(), values: s.values.clone() }).collect();
            let target_label = lang.pick("Mål", "Target").to_string();
            let y_label = y_label(input, f);
            let svg = if f.kind == BlockKind::Line {
                let x_labels = x.iter().enumerate().map(|(i, k)| month_label(k, i == 0, lang)).collect();
                chart::line_chart(
                    &LineChart {
                        title: String::new(),
                        x_labels,
                        series: series_data,
                        target: *target,
                        target_label,
                        y_label,
                        y_min_zero: true,
                    },
                    &fmt,
                )
            } else {
                chart::bar_chart(
                    &BarChart {
                        title: String::new(),
                        categories: x.clone(),
                        series: series_data,
                        target: *target,
                        target_label,
                        y_label,
                    },
                    &fmt,
                )
            };
            out.push_str(&svg);
            definition(f, out);
            out.push_str("</figure>\n");
        }
        FigureValue::Stacked { categories, layers } => {
            let _ = writeln!(out, "<figure>\n<h3>{}</h3>", escape_html(&title));
            let series = layers.iter().map(|l| Series { name: l.layer.clone(), values: l.values.clone() }).collect();
            let svg = chart::stacked_bar_chart(
                &StackedBarChart {
                    title: String::new(),
                    categories: categories.clone(),
                    series,
                    y_label: y_label(input, f),
                },
                &fmt,
            );
            out.push_str(&svg);
            definition(f, out);
            out.push_str("</figure>\n");
        }
        FigureValue::Rows { columns, labels, rows } => {
            let _ = writeln!(out, "<figure>\n<h3>{}</h3>", escape_html(&title));
            if rows.is_empty() {
                let _ = writeln!(out, "<p class=\"empty\">{}</p>", lang.pick("Inga rader.", "No rows."));
            } else {
                let formats = table_formats(input, f, columns);
                out.push_str("<table>\n<thead><tr>");
                for (l, fmt) in labels.iter().zip(&formats) {
                    let class = if fmt.is_some() { " class=\"num\"" } else { "" };
                    let _ = write!(out, "<th{class}>{}</th>", escape_html(l));
                }
                out.push_str("</tr></thead>\n<tbody>\n");
                for row in rows {
                    out.push_str("<tr>");
                    for (cell, fmt) in row.iter().zip(&formats) {
                        let (text, num) = cell_text(cell, *fmt, input);
                        let class = if num { " class=\"num\"" } else { "" };
                        let _ = write!(out, "<td{class}>{}</td>", escape_html(&text));
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</tbody>\n</table>\n");
            }
            definition(f, out);
            out.push_str("</figure>\n");
        }
    }
}

/// A figure that cannot be computed this month: its title and one line saying why and
/// which setting fixes it, in place of an empty chart box or a `–` tile.
fn not_computable(f: &Figure, title: &str, out: &mut String) {
    let text: Vec<&str> = f.not_computable.iter().map(|n| n.text.as_str()).collect();
    let (open, close) = match f.kind {
        BlockKind::Tile => ("<div class=\"tile na\">", "</div>"),
        _ => ("<figure class=\"not-computable\">", "</figure>"),
    };
    let _ = writeln!(
        out,
        "{open}\n<h3>{}</h3>\n<p class=\"reason\">{}</p>",
        escape_html(title),
        escape_html(&text.join(" "))
    );
    definition(f, out);
    let _ = writeln!(out, "{close}");
}

fn block_of<'a>(input: &'a ReportInput, f: &Figure) -> Option<&'a super::template::Block> {
    input.template.items.iter().find_map(|i| match i {
        Item::Figure(b) if b.line == f.line => Some(b),
        _ => None,
    })
}

fn y_label(input: &ReportInput, f: &Figure) -> String {
    block_of(input, f).and_then(|b| b.spec.y_label.as_ref()).map(|l| l.get(input.lang).to_string()).unwrap_or_default()
}

fn table_formats(input: &ReportInput, f: &Figure, columns: &[String]) -> Vec<Option<NumberFormat>> {
    let block = block_of(input, f);
    columns.iter().map(|c| block.and_then(|b| b.spec.formats.get(c).copied())).collect()
}

/// A table cell as shown, from its type: numbers in the column's format (when the block
/// gives one), UTC instants in the organisation's local time, anything else as its text.
fn cell_text(cell: &Value, format: Option<NumberFormat>, input: &ReportInput) -> (String, bool) {
    match (cell, format.zip(cell.as_f64())) {
        (Value::Null, _) => (String::new(), false),
        (_, Some((fmt, v))) => (format_number(v, fmt, input.lang), true),
        (Value::Timestamp(t), _) => (super::format::format_instant(t.and_utc(), input.timezone, input.lang), false),
        (other, _) => (other.to_string(), false),
    }
}

/// kpi.json as serde writes it: the report's metadata, then every figure.
#[derive(serde::Serialize)]
struct KpiJson<'a> {
    report: &'a str,
    month: String,
    lang: &'a str,
    as_of: String,
    config_sha256: &'a str,
    tool_version: &'a str,
    pseudonymised: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    quiet_month: Option<&'a str>,
    source_batches: &'a [super::SourceBatch],
    figures: &'a [Figure],
}

/// kpi.json: the report's metadata and every figure (pretty-printed JSON).
pub fn json(input: &ReportInput, figures: &[Figure]) -> String {
    let (y, m) = input.month;
    let doc = KpiJson {
        report: &input.template.file,
        month: format!("{y:04}-{m:02}"),
        lang: input.lang.code(),
        as_of: input.as_of.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        config_sha256: &input.config_sha256,
        tool_version: env!("CARGO_PKG_VERSION"),
        pseudonymised: !input.show_personal,
        quiet_month: input.quiet_month.then(|| quiet_month_text(input.lang)),
        source_batches: &input.batches,
        figures,
    };
    // Strings, numbers and maps with string keys: serialising cannot fail.
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}
