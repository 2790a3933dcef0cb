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
        let _ = write!(out, "<p>{}</p>\n", escape_html(d.get(lang)));
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

fn definition(input: &ReportInput, f: &Figure, out: &mut String) {
    if let Some(text) = f.definition.as_ref().and_then(|id| input.definitions.get(id)) {
        let _ = write!(out, "<p class=\"definition\">{}</p>\n", escape_html(text.get(input.lang)));
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
            definition(input, f, out);
            out.push_str("</div>\n");
        }
        FigureValue::Series { x, series, target } => {
            let _ = write!(out, "<figure>\n<h3>{}</h3>\n", escape_html(&title));
            let series_data: Vec<Series> = series
                .iter()
                .map(|(_, label, values)| Series { name: label.clone(), values: values.clone() })
                .collect();
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
            definition(input, f, out);
            out.push_str("</figure>\n");
        }
        FigureValue::Stacked { categories, layers } => {
            let _ = write!(out, "<figure>\n<h3>{}</h3>\n", escape_html(&title));
            let series =
                layers.iter().map(|(name, values)| Series { name: name.clone(), values: values.clone() }).collect();
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
            let _ = write!(out, "<figure>\n<h3>{}</h3>\n", escape_html(&title));
            if rows.is_empty() {
                let _ = write!(out, "<p class=\"empty\">{}</p>\n", lang.pick("Inga rader.", "No rows."));
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
                        let (text, num) = cell_text(cell.as_deref(), *fmt, input);
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

/// A table cell as shown: numbers in the report's format, UTC instants in local time.
fn cell_text(cell: Option<&str>, format: Option<NumberFormat>, input: &ReportInput) -> (String, bool) {
    let Some(text) = cell else { return (String::new(), false) };
    if let Some(fmt) = format {
        if let Ok(v) = text.parse::<f64>() {
            return (format_number(v, fmt, input.lang), true);
        }
    }
    if text.len() == 19 && text.as_bytes().get(10) == Some(&b' ') {
        if let Ok(naive) = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S") {
            return (super::format::format_instant(naive.and_utc(), input.timezone, input.lang), false);
        }
    }
    (text.to_string(), false)
}

use super::format::json_string as js;

fn jn(v: Option<f64>) -> String {
    match v {
        Some(v) if v.is_finite() => format!("{v}"),
        _ => "null".into(),
    }
}

fn jt(v: &Option<String>) -> String {
    v.as_deref().map_or_else(|| "null".into(), js)
}

/// kpi.json: the report's metadata and every figure, one figure per line.
pub fn json(input: &ReportInput, figures: &[Figure]) -> String {
    let (y, m) = input.month;
    let mut out = String::new();
    let batches: Vec<String> = input
        .batches
        .iter()
        .map(|b| {
            format!(
                "{{\"batch_id\": {}, \"source\": {}, \"file\": {}, \"finished_at\": {}}}",
                js(&b.batch_id),
                js(&b.source),
                js(&b.file),
                js(&b.finished_at)
            )
        })
        .collect();
    let _ = write!(
        out,
        "{{\n\"report\": {},\n\"month\": \"{y:04}-{m:02}\",\n\"lang\": \"{}\",\n\"as_of\": \"{}\",\n\
         \"config_sha256\": {},\n\"tool_version\": \"{}\",\n\"pseudonymised\": {},\n\"source_batches\": [{}],\n\"figures\": [\n",
        js(&input.template.file),
        input.lang.code(),
        input.as_of.format("%Y-%m-%dT%H:%M:%SZ"),
        js(&input.config_sha256),
        env!("CARGO_PKG_VERSION"),
        !input.show_personal,
        batches.join(", ")
    );
    let lines: Vec<String> = figures.iter().map(|f| figure_json(input, f)).collect();
    out.push_str(&lines.join(",\n"));
    out.push_str("\n]\n}\n");
    out
}

fn figure_json(input: &ReportInput, f: &Figure) -> String {
    let kind = match f.kind {
        BlockKind::Tile => "tile",
        BlockKind::Line => "line",
        BlockKind::Bar => "bar",
        BlockKind::Stacked => "stacked",
        BlockKind::Table => "table",
    };
    let definition_text = f.definition.as_ref().and_then(|id| input.definitions.get(id)).map(|d| d.get(input.lang));
    let head = format!(
        "{{\"kind\": \"{kind}\", \"line\": {}, \"query\": {}, \"title\": {}, \"definition\": {}, \"definition_text\": {}, \
         \"format\": \"{:?}\"",
        f.line,
        js(&f.query),
        jt(&f.title),
        jt(&f.definition),
        definition_text.map_or_else(|| "null".into(), js),
        f.format
    );
    let body = match &f.value {
        FigureValue::Tile { column, value, target, previous, higher_is_better, history } => {
            let h: Vec<String> = history.iter().map(|(k, v)| format!("[{}, {}]", js(k), jn(*v))).collect();
            format!(
                ", \"column\": {}, \"value\": {}, \"target\": {}, \"previous\": {}, \"higher_is_better\": {higher_is_better}, \
                 \"history\": [{}]",
                js(column),
                jn(*value),
                jn(*target),
                jn(*previous),
                h.join(", ")
            )
        }
        FigureValue::Series { x, series, target } => {
            let xs: Vec<String> = x.iter().map(|v| js(v)).collect();
            let ss: Vec<String> = series
                .iter()
                .map(|(c, l, v)| {
                    let vals: Vec<String> = v.iter().map(|v| jn(*v)).collect();
                    format!("{{\"column\": {}, \"label\": {}, \"values\": [{}]}}", js(c), js(l), vals.join(", "))
                })
                .collect();
            format!(", \"x\": [{}], \"series\": [{}], \"target\": {}", xs.join(", "), ss.join(", "), jn(*target))
        }
        FigureValue::Stacked { categories, layers } => {
            let cs: Vec<String> = categories.iter().map(|v| js(v)).collect();
            let ls: Vec<String> = layers
                .iter()
                .map(|(n, v)| {
                    let vals: Vec<String> = v.iter().map(|v| jn(*v)).collect();
                    format!("{{\"layer\": {}, \"values\": [{}]}}", js(n), vals.join(", "))
                })
                .collect();
            format!(", \"categories\": [{}], \"layers\": [{}]", cs.join(", "), ls.join(", "))
        }
        FigureValue::Rows { columns, rows, .. } => {
            let cs: Vec<String> = columns.iter().map(|v| js(v)).collect();
            let rs: Vec<String> =
                rows.iter().map(|r| format!("[{}]", r.iter().map(jt).collect::<Vec<_>>().join(", "))).collect();
            format!(", \"columns\": [{}], \"rows\": [{}]", cs.join(", "), rs.join(", "))
        }
    };
    format!("{head}{body}}}")
}
