//! Writing the report: the HTML page (inline CSS and SVG, no scripts, A4 print layout,
//! a page break before each `##` section) and kpi.json, both from the computed figures.
//!
//! Every text that comes from data or configuration goes through `escape_html`; template
//! prose is Markdown whose raw HTML is shown as text, not passed through.

use std::fmt::Write as _;

use pulldown_cmark::{html::push_html, Event, Options, Parser};

use super::chart::{self, BarChart, LineChart, Series, StackedBarChart};
use super::figures::{Figure, FigureValue};
use super::format::{escape_html, format_delta, format_month, format_number, month_short, Lang, NumberFormat};
use super::template::localize as localize_markdown;
use super::template::{BlockKind, Item};
use super::ReportInput;
use crate::table::Value;

const CSS: &str = r#"
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "Segoe UI", "Helvetica Neue", Arial, sans-serif; color: #1a1a1a; margin: 0 auto; max-width: 1100px; padding: 16px; line-height: 1.4; }
header h1 { margin: 0 0 4px; font-size: 26px; }
header p { margin: 0; color: #555; }
h2 { break-before: page; border-bottom: 2px solid #0072B2; padding-bottom: 4px; margin-top: 28px; }
main > h2:first-of-type { break-before: auto; }
.tiles { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0; }
.tile { flex: 1 1 220px; border: 1px solid #ccc; border-left: 6px solid #999; border-radius: 4px; padding: 10px 12px; break-inside: avoid; }
.tile.good { border-left-color: #009E73; }
.tile.bad { border-left-color: #D55E00; }
.tile h3 { margin: 0; font-size: 14px; font-weight: 600; color: #333; }
.tile .value { font-size: 28px; font-weight: 700; margin: 4px 0; }
.tile .meta { font-size: 12px; color: #444; }
.tile svg { width: 120px; height: 32px; display: block; margin-top: 4px; }
figure { margin: 16px 0; break-inside: avoid; }
figure h3 { margin: 0 0 6px; font-size: 16px; }
figure svg { width: 100%; height: auto; max-height: 360px; }
.definition { font-size: 12px; color: #444; margin: 4px 0 0; }
table { border-collapse: collapse; width: 100%; font-size: 12px; }
th, td { border-bottom: 1px solid #ddd; padding: 4px 6px; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
thead th { background: #f0f4f8; }
tr { break-inside: avoid; }
footer { margin-top: 32px; border-top: 1px solid #ccc; padding-top: 8px; font-size: 11px; color: #555; }
.empty { color: #777; font-style: italic; }
"#;

fn t(lang: Lang, sv: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Sv => sv,
        Lang::En => en,
    }
}

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

/// Markdown prose of the template, localized; raw HTML in it is shown as text.
fn markdown(text: &str, lang: Lang, out: &mut String) {
    let text = localize_markdown(text, lang);
    let parser = Parser::new_ext(&text, Options::ENABLE_TABLES).map(|e| match e {
        Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
        other => other,
    });
    push_html(out, parser);
}

/// The HTML page.
pub fn html(input: &ReportInput, figures: &[Figure]) -> String {
    let lang = input.lang;
    let (y, m) = input.month;
    let title = input.template.front.title.get(lang);
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{} – {}</title>\n\
         <style>{CSS}</style>\n</head>\n<body>\n<header>\n<h1>{}</h1>\n<p>{}</p>\n</header>\n<main>\n",
        lang.code(),
        escape_html(title),
        escape_html(&format_month(y, m, lang)),
        escape_html(title),
        escape_html(&format_month(y, m, lang)),
    );
    if let Some(d) = &input.template.front.description {
        let _ = writeln!(out, "<p>{}</p>", escape_html(d.get(lang)));
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
    out.push_str("</main>\n");
    footer(input, &mut out);
    out.push_str("</body>\n</html>\n");
    out
}

fn definition(input: &ReportInput, f: &Figure, out: &mut String) {
    if let Some(text) = f.definition.as_ref().and_then(|id| input.definitions.get(id)) {
        let _ = writeln!(out, "<p class=\"definition\">{}</p>", escape_html(text.get(input.lang)));
    }
}

fn figure(input: &ReportInput, f: &Figure, out: &mut String) {
    let lang = input.lang;
    let title = f.title.clone().unwrap_or_else(|| f.query.clone());
    let format = f.format;
    let fmt = move |v: f64| format_number(v, format, lang);
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
                    write!(out, "{} {}", t_(lang, "Mål", "Target"), escape_html(&fmt_value(Some(*t), format, lang)));
            }
            if let (Some(v), Some(p)) = (value, previous) {
                let sep = if target.is_some() { " · " } else { "" };
                let _ = write!(
                    out,
                    "{sep}{} {}",
                    escape_html(&format_delta(v - p, format, lang)),
                    t_(lang, "mot förra månaden", "vs last month")
                );
            }
            out.push_str("</div>\n");
            if !history.is_empty() {
                let values: Vec<Option<f64>> = history.iter().map(|(_, v)| *v).collect();
                out.push_str(&chart::sparkline(&values, *target));
            }
            definition(input, f, out);
            out.push_str("</div>\n");
        }
        FigureValue::Series { x, series, target } => {
            let _ = writeln!(out, "<figure>\n<h3>{}</h3>", escape_html(&title));
            let series_data: Vec<Series> =
                series.iter().map(|s| Series { name: s.label.clone(), values: s.values.clone() }).collect();
            let target_label = t(lang, "Mål", "Target").to_string();
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
            definition(input, f, out);
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
            definition(input, f, out);
            out.push_str("</figure>\n");
        }
        FigureValue::Rows { columns, labels, rows } => {
            let _ = writeln!(out, "<figure>\n<h3>{}</h3>", escape_html(&title));
            if rows.is_empty() {
                let _ = writeln!(out, "<p class=\"empty\">{}</p>", t(lang, "Inga rader.", "No rows."));
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
            definition(input, f, out);
            out.push_str("</figure>\n");
        }
    }
}

fn t_(lang: Lang, sv: &'static str, en: &'static str) -> &'static str {
    t(lang, sv, en)
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

fn footer(input: &ReportInput, out: &mut String) {
    let lang = input.lang;
    let (y, m) = input.month;
    let batches: Vec<String> = input
        .batches
        .iter()
        .map(|b| format!("#{} {} ({}, {} UTC)", b.batch_id, b.file, b.source, b.finished_at))
        .collect();
    let _ = write!(
        out,
        "<footer>\n<p>{}: {} · {}: {} · {}: {} · itsm {}</p>\n<p>{}: {}</p>\n<p>{}</p>\n</footer>\n",
        t(lang, "Period", "Period"),
        escape_html(&format_month(y, m, lang)),
        t(lang, "Data till och med", "Data as of"),
        escape_html(&super::format::format_instant(input.as_of, input.timezone, lang)),
        t(lang, "Konfiguration", "Configuration"),
        escape_html(&input.config_sha256[..input.config_sha256.len().min(12)]),
        env!("CARGO_PKG_VERSION"),
        t(lang, "Källor", "Sources"),
        escape_html(&batches.join("; ")),
        if input.show_personal {
            t(
                lang,
                "Personuppgifter visas i klartext (--show-personal-data).",
                "Personal data is shown as is (--show-personal-data).",
            )
        } else {
            t(
                lang,
                "Personuppgifter (beställare, handläggare) visas pseudonymiserade.",
                "Personal data (requesters, agents) is shown pseudonymised.",
            )
        },
    );
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
        source_batches: &input.batches,
        figures,
    };
    // Strings, numbers and maps with string keys: serialising cannot fail.
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}
