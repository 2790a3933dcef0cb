//! Chart rendering: turns plain chart data (titles, category labels, series of `Option<f64>`) into
//! self-contained, print-friendly SVG strings (line, grouped bar, stacked bar, sparkline).
//!
//! This module owns layout, colours (Okabe–Ito palette), escaping of caller text and SVG post-processing.
//! It must not do file I/O, compute KPIs, know about the report model or format numbers itself:
//! y tick labels come from the caller's [`Formatter`], and output is deterministic (same input → same bytes).

use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::fmt::Write as _;

// The one escaper of render: it serves SVG content and attribute values as well as HTML.
use super::format::escape_html as esc;

/// How y values and ticks are written; the caller passes its number formatter (e.g. Swedish "87,5 %").
pub type Formatter<'a> = &'a dyn Fn(f64) -> String;

/// One named series of values, one per x position; None = no data (a gap).
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Series name, shown in the legend when a chart has more than one series.
    pub name: String,
    /// One value per x position (category); `None` (or a non-finite value) means no data.
    pub values: Vec<Option<f64>>,
}

/// A line chart over categories on x (e.g. 12 month labels), optional target line.
#[derive(Debug, Clone, PartialEq)]
pub struct LineChart {
    /// Chart title, drawn top left.
    pub title: String,
    /// One label per x position.
    pub x_labels: Vec<String>,
    /// The lines; gaps (`None`) break a line.
    pub series: Vec<Series>,
    /// Optional target value, drawn as a dashed horizontal line.
    pub target: Option<f64>,
    /// Text written near the right end of the target line.
    pub target_label: String,
    /// Y axis description including the unit, e.g. "Andel (%)".
    pub y_label: String,
    /// Start the y axis at 0 instead of fitting it to the data.
    pub y_min_zero: bool,
}

/// Vertical bars per category; several series = grouped bars; optional horizontal target line.
#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    /// Chart title, drawn top left.
    pub title: String,
    /// One label per bar group.
    pub categories: Vec<String>,
    /// One bar per category and series.
    pub series: Vec<Series>,
    /// Optional target value, drawn as a dashed horizontal line.
    pub target: Option<f64>,
    /// Text written near the right end of the target line.
    pub target_label: String,
    /// Y axis description including the unit.
    pub y_label: String,
}

/// Stacked vertical bars: each series is one layer of the stack, per category.
#[derive(Debug, Clone, PartialEq)]
pub struct StackedBarChart {
    /// Chart title, drawn top left.
    pub title: String,
    /// One label per stacked bar.
    pub categories: Vec<String>,
    /// Layers, bottom first; negative values stack downwards from 0.
    pub series: Vec<Series>,
    /// Y axis description including the unit.
    pub y_label: String,
}

const W: u32 = 720;
const H: u32 = 320;
const RIGHT: u32 = 16;
/// Okabe–Ito colour-blind-safe palette, in the order series use it.
const PALETTE: [u32; 8] = [0x0072B2, 0xE69F00, 0x009E73, 0xCC79A7, 0x56B4E9, 0xD55E00, 0xF0E442, 0x000000];
const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
/// Dark grey for target lines and their labels (written as raw SVG, see `dashed_line`).
const TARGET: &str = "#444444";
const AXIS: RGBColor = RGBColor(0x66, 0x66, 0x66);
const GRID: RGBColor = RGBColor(0xDD, 0xDD, 0xDD);
const MUTED: RGBColor = RGBColor(0x99, 0x99, 0x99);
/// Language-neutral "no data" mark.
const NO_DATA: &str = "–";

/// Palette colour for series number `i` (cycles after eight series).
fn series_color(i: usize) -> RGBColor {
    let c = PALETTE[i % PALETTE.len()];
    RGBColor((c >> 16) as u8, (c >> 8) as u8, c as u8)
}

type DrawResult<T> = Result<T, Box<dyn std::error::Error>>;
type Area<'b> = DrawingArea<SVGBackend<'b>, Shift>;
type Chart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Everything the shared category-chart frame needs besides the plotting closure.
struct Frame<'a> {
    title: &'a str,
    labels: &'a [String],
    n: usize,
    names: Vec<&'a str>,
    y_label: &'a str,
    range: Option<(f64, f64)>,
    target: Option<(f64, &'a str)>,
    fmt: Formatter<'a>,
}

impl<'a> Frame<'a> {
    fn new(
        title: &'a str,
        labels: &'a [String],
        series: &'a [Series],
        y_label: &'a str,
        range: Option<(f64, f64)>,
        fmt: Formatter<'a>,
    ) -> Self {
        let n = series.iter().map(|s| s.values.len()).chain([labels.len()]).max().unwrap_or(0);
        let names = if series.len() > 1 { series.iter().map(|s| s.name.as_str()).collect() } else { Vec::new() };
        let range = range.filter(|_| n > 0);
        Frame { title, labels, n, names, y_label, range, target: None, fmt }
    }

    fn with_target(self, target: Option<f64>, label: &'a str) -> Self {
        Frame { target: target.map(|t| (t, label)), ..self }
    }
}

/// Renders a line chart; gaps in a series break its line, isolated points still get a marker.
pub fn line_chart(c: &LineChart, fmt: Formatter<'_>) -> String {
    let target = finite(c.target);
    let range = y_range(c.series.iter().flat_map(|s| points(&s.values)).map(|p| p.1), target, c.y_min_zero);
    let frame = Frame::new(&c.title, &c.x_labels, &c.series, &c.y_label, range, fmt);
    category_chart(&frame.with_target(target, &c.target_label), |chart| {
        for (i, s) in c.series.iter().enumerate() {
            let color = series_color(i);
            for run in runs(&s.values).into_iter().filter(|r| r.len() > 1) {
                chart.draw_series(LineSeries::new(run, color.stroke_width(2)))?;
            }
            chart.draw_series(points(&s.values).map(|p| Circle::new(p, 3, color.filled())))?;
        }
        Ok(())
    })
}

/// Renders vertical bars; several series are drawn as grouped bars within each category.
pub fn bar_chart(c: &BarChart, fmt: Formatter<'_>) -> String {
    let target = finite(c.target);
    let range = y_range(c.series.iter().flat_map(|s| points(&s.values)).map(|p| p.1), target, true);
    let frame = Frame::new(&c.title, &c.categories, &c.series, &c.y_label, range, fmt);
    let bar_w = 0.8 / c.series.len().max(1) as f64;
    category_chart(&frame.with_target(target, &c.target_label), |chart| {
        for (j, s) in c.series.iter().enumerate() {
            let style = series_color(j).filled();
            chart.draw_series(points(&s.values).map(|(x, v)| {
                let x0 = x - 0.4 + j as f64 * bar_w;
                Rectangle::new([(x0 + bar_w * 0.06, 0.0), (x0 + bar_w * 0.94, v)], style)
            }))?;
        }
        Ok(())
    })
}

/// Renders stacked bars: per category, series are stacked in order (first series at the bottom);
/// negative values stack downwards from 0.
pub fn stacked_bar_chart(c: &StackedBarChart, fmt: Formatter<'_>) -> String {
    let n = c.series.iter().map(|s| s.values.len()).max().unwrap_or(0);
    let (mut up, mut down) = (vec![0.0; n], vec![0.0; n]);
    let layers: Vec<Vec<[(f64, f64); 2]>> = (c.series.iter())
        .map(|s| {
            let segment = |(x, v): (f64, f64)| {
                let acc: &mut f64 = if v >= 0.0 { &mut up[x as usize] } else { &mut down[x as usize] };
                *acc += v;
                [(x - 0.3, *acc - v), (x + 0.3, *acc)]
            };
            points(&s.values).map(segment).collect()
        })
        .collect();
    let range = y_range(layers.iter().flatten().map(|r| r[1].1), None, true);
    let frame = Frame::new(&c.title, &c.categories, &c.series, &c.y_label, range, fmt);
    category_chart(&frame, |chart| {
        for (j, rects) in layers.iter().enumerate() {
            let color = series_color(j);
            chart.draw_series(rects.iter().map(|r| Rectangle::new(*r, color.filled())))?;
            // A thin white outline keeps adjacent layers apart in greyscale print.
            chart.draw_series(rects.iter().map(|r| Rectangle::new(*r, WHITE.stroke_width(1))))?;
        }
        Ok(())
    })
}

/// A small sparkline (about 120×32) of values, with a thin dashed target line when given; no text.
pub fn sparkline(values: &[Option<f64>], target: Option<f64>) -> String {
    let (w, h, target) = (120u32, 32u32, finite(target));
    let (mut buf, mut overlay) = (String::new(), String::new());
    let result = (|| -> DrawResult<()> {
        let root = SVGBackend::with_string(&mut buf, (w, h)).into_drawing_area();
        root.fill(&WHITE)?;
        if let Some((lo, hi)) = y_range(points(values).map(|p| p.1), target, false) {
            let xr = if values.len() > 1 { 0.0..(values.len() - 1) as f64 } else { -0.5..0.5 };
            let chart = ChartBuilder::on(&root).margin(3).build_cartesian_2d(xr.clone(), lo..hi)?;
            if let Some(t) = target {
                let (from, to) = (chart.backend_coord(&(xr.start, t)), chart.backend_coord(&(xr.end, t)));
                dashed_line(&mut overlay, from, to, 1, "3 2")?;
            }
            for run in runs(values).into_iter().filter(|r| r.len() > 1) {
                chart.plotting_area().draw(&PathElement::new(run, series_color(0).stroke_width(2)))?;
            }
            if let Some(last) = points(values).last() {
                chart.plotting_area().draw(&Circle::new(last, 2, series_color(0).filled()))?;
            }
        }
        root.present()?;
        Ok(())
    })();
    match result {
        Ok(()) => finish(buf, w, h, &overlay, None),
        Err(e) => error_svg(w, h, "", &e.to_string()),
    }
}

/// The finite values as (x position, value) points; `None`, NaN and infinities are skipped.
fn points(values: &[Option<f64>]) -> impl Iterator<Item = (f64, f64)> + '_ {
    values.iter().enumerate().filter_map(|(x, v)| finite(*v).map(|y| (x as f64, y)))
}

/// Contiguous runs of points between gaps.
fn runs(values: &[Option<f64>]) -> Vec<Vec<(f64, f64)>> {
    let mut runs = vec![Vec::new()];
    for (x, v) in values.iter().enumerate() {
        match (finite(*v), runs.last_mut()) {
            (Some(y), Some(run)) => run.push((x as f64, y)),
            (None, Some(run)) if !run.is_empty() => runs.push(Vec::new()),
            _ => {}
        }
    }
    runs
}

fn finite(v: Option<f64>) -> Option<f64> {
    v.filter(|x| x.is_finite())
}

/// y range: from 0 (or fitted to the data when `from_zero` is false) to a bit above max(values, target).
/// `None` when there is no value at all; a target alone is not data.
fn y_range(vals: impl Iterator<Item = f64>, target: Option<f64>, from_zero: bool) -> Option<(f64, f64)> {
    let mut vals = vals.peekable();
    vals.peek()?;
    let start = if from_zero { (0.0, 0.0) } else { (f64::INFINITY, f64::NEG_INFINITY) };
    let (lo, hi) = vals.chain(target).fold(start, |(lo, hi): (f64, f64), v| (lo.min(v), hi.max(v)));
    let span = if hi > lo {
        hi - lo
    } else if from_zero {
        1.0
    } else {
        (hi.abs() * 0.1).max(1e-9)
    };
    let lo = if from_zero && lo >= 0.0 { 0.0 } else { lo - span * 0.1 };
    Some((lo, hi + span * 0.1))
}

/// Plotters writes `font-size = size / 1.24`; this returns a font that comes out as `px` in the SVG.
fn font(px: f64) -> FontDesc<'static> {
    ("sans-serif", px * 1.24).into_font()
}

/// How x labels are placed: font size, rotation, (possibly shortened) texts and the margins they need.
struct XLayout {
    font_px: f64,
    rotated: bool,
    labels: Vec<String>,
    bottom: u32,
    left: u32,
}

fn x_layout(labels: &[String], n: usize, left: u32) -> XLayout {
    let font_px = match n {
        0..=10 => 11.0,
        11..=16 => 10.0,
        _ => 9.0,
    };
    let char_w = font_px * 0.6;
    let slot = f64::from(W - left - RIGHT - 4) / n.max(1) as f64;
    let width = |s: &str| s.chars().count() as f64 * char_w;
    let max_w = labels.iter().map(|l| width(l)).fold(0.0, f64::max);
    if max_w <= slot * 0.9 {
        return XLayout { font_px, rotated: false, labels: labels.to_vec(), bottom: font_px as u32 + 14, left };
    }
    let short: Vec<String> = labels
        .iter()
        .map(|l| if l.chars().count() > 22 { l.chars().take(21).chain(['…']).collect() } else { l.clone() })
        .collect();
    let (sin, cos) = 35f64.to_radians().sin_cos();
    let max_w = short.iter().map(|l| width(l)).fold(0.0, f64::max);
    let bottom = ((sin * max_w + cos * font_px + 14.0).ceil() as u32).min(130);
    // The first label extends left of its tick; widen the left margin so it is not cut off.
    let first_w = short.first().map(|l| width(l)).unwrap_or(0.0);
    let needed = (cos * first_w - slot / 2.0 + 6.0).ceil().clamp(0.0, 200.0) as u32;
    XLayout { font_px, rotated: true, labels: short, bottom, left: left.max(needed) }
}

/// Renders the shared frame (title, legend, axes, target, x labels) around `plot`, or a "no data" card.
fn category_chart(f: &Frame<'_>, plot: impl FnOnce(&mut Chart<'_, '_>) -> DrawResult<()>) -> String {
    let mut buf = String::new();
    let mut overlay = String::new();
    match draw_frame(&mut buf, f, plot, &mut overlay) {
        Ok(()) => finish(buf, W, H, &overlay, Some(f.title)),
        Err(e) => error_svg(W, H, f.title, &e.to_string()),
    }
}

fn draw_frame(
    buf: &mut String,
    f: &Frame<'_>,
    plot: impl FnOnce(&mut Chart<'_, '_>) -> DrawResult<()>,
    overlay: &mut String,
) -> DrawResult<()> {
    let root = SVGBackend::with_string(buf, (W, H)).into_drawing_area();
    root.fill(&WHITE)?;
    let title_style = font(16.0).style(FontStyle::Bold).color(&INK).pos(Pos::new(HPos::Left, VPos::Top));
    // Callers that put the title in the HTML pass an empty one; then the plot moves up.
    let title_h = if f.title.is_empty() { 0 } else { 26 };
    if title_h > 0 {
        root.draw(&Text::new(f.title, (12, 10), title_style))?;
    }
    let top = if f.names.is_empty() { title_h + 14 } else { legend(&root, &f.names, title_h as i32 + 10)? };
    let Some((lo, hi)) = f.range else {
        let style = font(40.0).color(&MUTED).pos(Pos::new(HPos::Center, VPos::Center));
        root.draw(&Text::new(NO_DATA, (W as i32 / 2, H as i32 / 2), style))?;
        root.present()?;
        return Ok(());
    };
    // Reserve room for the widest tick label the formatter is likely to produce, plus the axis title.
    let tick_chars = [lo, hi, (lo + hi) / 2.0].iter().map(|v| (f.fmt)(*v).chars().count()).max().unwrap_or(4);
    let desc_w = if f.y_label.is_empty() { 0 } else { 22 };
    let left = ((tick_chars as f64 * 6.6) as u32 + 16 + desc_w).clamp(40, 150);
    let layout = x_layout(f.labels, f.n, left);
    let x_end = f.n as f64 - 0.5;
    let mut chart = ChartBuilder::on(&root)
        .margin_top(top)
        .margin_left(4)
        .margin_right(RIGHT)
        .x_label_area_size(layout.bottom)
        .y_label_area_size(layout.left)
        .build_cartesian_2d(-0.5..x_end, lo..hi)?;
    let y_fmt = |v: &f64| (f.fmt)(*v);
    let mut mesh = chart.configure_mesh();
    mesh.disable_x_mesh()
        .x_labels(0)
        .y_labels(8)
        .y_label_formatter(&y_fmt)
        .label_style(font(11.0).color(&INK))
        .axis_desc_style(font(12.0).color(&INK))
        .bold_line_style(GRID.stroke_width(1))
        .light_line_style(TRANSPARENT)
        .axis_style(AXIS.stroke_width(1));
    if !f.y_label.is_empty() {
        mesh.y_desc(f.y_label);
    }
    mesh.draw()?;
    plot(&mut chart)?;
    if let Some((t, label)) = f.target {
        dashed_line(overlay, chart.backend_coord(&(-0.5, t)), chart.backend_coord(&(x_end, t)), 2, "6 4")?;
        if !label.is_empty() {
            // Written by hand too, with a white halo (paint-order) so it stays legible over data.
            let (x, y) = chart.backend_coord(&(x_end, t));
            let halo = r##"paint-order="stroke" stroke="#FFFFFF" stroke-width="3" stroke-linejoin="round""##;
            let attrs = format!(r##"x="{}" y="{}" text-anchor="end" fill="{TARGET}" {halo}"##, x - 4, y - 5);
            writeln!(overlay, r#"<text {attrs} font-family="sans-serif" font-size="11">{}</text>"#, esc(label))?;
        }
    }
    // Plotters' SVG backend only rotates text by multiples of 90°, so x labels are written by hand.
    for (i, label) in layout.labels.iter().enumerate().take(f.n) {
        let (x, y) = chart.backend_coord(&(i as f64, lo));
        // A shortened label keeps the full name as its tooltip.
        let full = f.labels.get(i).filter(|full| *full != label);
        let label = &match full {
            Some(full) => format!("<title>{}</title>{}", esc(full), esc(label)),
            None => esc(label).to_string(),
        };
        let common = format!(r##"font-family="sans-serif" font-size="{}" fill="#222222""##, layout.font_px);
        if layout.rotated {
            let (x, y) = (x + 3, y + 8);
            let attrs = format!(r#"x="{x}" y="{y}" dy="0.35em" text-anchor="end" transform="rotate(-35, {x}, {y})""#);
            writeln!(overlay, "<text {attrs} {common}>{label}</text>")?;
        } else {
            let attrs = format!(r#"x="{x}" y="{}" dy="0.76em" text-anchor="middle""#, y + 6);
            writeln!(overlay, "<text {attrs} {common}>{label}</text>")?;
        }
    }
    root.present()?;
    Ok(())
}

/// Writes one dashed line element. Plotters' `DashedLineSeries` would emit one `<polyline>` per dash.
fn dashed_line(out: &mut String, (x1, y1): (i32, i32), (x2, y2): (i32, i32), width: u32, dash: &str) -> DrawResult<()> {
    let pos = format!(r#"x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}""#);
    writeln!(out, r#"<line {pos} stroke="{TARGET}" stroke-width="{width}" stroke-dasharray="{dash}"/>"#)?;
    Ok(())
}

/// Draws a wrapping legend row below the title; returns the y where the plot may start.
fn legend(root: &Area<'_>, names: &[&str], y0: i32) -> DrawResult<u32> {
    let (mut x, mut y) = (12i32, y0);
    for (i, name) in names.iter().enumerate() {
        let w = 16 + (name.chars().count() as f64 * 6.6).ceil() as i32 + 16;
        if x > 12 && x + w > W as i32 - 12 {
            x = 12;
            y += 18;
        }
        root.draw(&Rectangle::new([(x, y + 1), (x + 11, y + 12)], series_color(i).filled()))?;
        let style = font(11.0).color(&INK).pos(Pos::new(HPos::Left, VPos::Center));
        root.draw(&Text::new(*name, (x + 16, y + 7), style))?;
        x += w;
    }
    Ok((y + 26).max(0) as u32)
}

/// Makes the SVG scale in HTML (viewBox kept, fixed size replaced) and appends hand-written overlay text.
fn finish(buf: String, w: u32, h: u32, overlay: &str, label: Option<&str>) -> String {
    let fixed = format!(r#"<svg width="{w}" height="{h}" "#);
    let aria = label.filter(|l| !l.is_empty()).map(|l| format!(r#"role="img" aria-label="{}" "#, esc(l)));
    let aria = aria.unwrap_or_default();
    let mut svg = buf.replacen(&fixed, &format!(r#"<svg width="100%" {aria}"#), 1);
    if let Some(end) = svg.rfind("</svg>") {
        svg.insert_str(end, overlay);
    }
    svg
}

/// Fallback when plotters reports a drawing error: a valid SVG with the title and an error note.
fn error_svg(w: u32, h: u32, title: &str, err: &str) -> String {
    format!(
        r##"<svg width="100%" viewBox="0 0 {w} {h}" xmlns="http://www.w3.org/2000/svg"><rect width="{w}" height="{h}" fill="#FFFFFF"/><text x="12" y="24" font-family="sans-serif" font-size="14" fill="#222222">{} – {}</text></svg>
"##,
        esc(title),
        esc(err)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pct(v: f64) -> String {
        format!("{:.1} %", v * 100.0).replace('.', ",")
    }

    fn permille(v: f64) -> String {
        format!("{v:.1}‰")
    }

    fn series(name: &str, values: &[Option<f64>]) -> Series {
        Series { name: name.into(), values: values.to_vec() }
    }

    fn line() -> LineChart {
        LineChart {
            title: "Availability <Q1> & \"Q2\"".into(),
            x_labels: ["Jan", "Feb", "Mar", "Apr"].iter().map(|s| s.to_string()).collect(),
            series: vec![
                series("Core & Net", &[Some(0.97), None, Some(0.99), Some(0.98)]),
                series("Edge", &[Some(0.9); 4]),
            ],
            target: Some(0.95),
            target_label: "Target 95 %".into(),
            y_label: "Availability (%)".into(),
            y_min_zero: false,
        }
    }

    fn bars() -> BarChart {
        BarChart {
            title: "Tickets per team".into(),
            categories: vec!["<script>alert(1)</script>".into(), "Service Desk Stockholm".into(), "Network".into()],
            series: vec![
                series("Opened", &[Some(10.0), Some(25.0), None]),
                series("Closed", &[Some(8.0), Some(30.0), Some(2.0)]),
            ],
            target: Some(20.0),
            target_label: "SLA <20>".into(),
            y_label: "Tickets (count)".into(),
        }
    }

    fn stacked() -> StackedBarChart {
        StackedBarChart {
            title: "Priority mix".into(),
            categories: vec!["Jan".into(), "Feb".into(), "<script>".into()],
            series: vec![
                series("P1", &[Some(1.0), Some(2.0), None]),
                series("P2 \"high\"", &[Some(5.0), None, Some(3.0)]),
            ],
            y_label: "Tickets (count)".into(),
        }
    }

    fn all_outputs() -> Vec<String> {
        vec![
            line_chart(&line(), &pct),
            bar_chart(&bars(), &pct),
            stacked_bar_chart(&stacked(), &pct),
            sparkline(&[Some(1.0), None, Some(3.0), Some(2.0)], Some(2.5)),
        ]
    }

    fn assert_svg(s: &str) {
        assert!(s.starts_with("<svg"), "{s}");
        assert!(s.contains("viewBox"), "{s}");
        assert!(s.trim_end().ends_with("</svg>"), "{s}");
        let open = &s[..s.find('>').unwrap_or(0)];
        assert!(open.starts_with(r#"<svg width="100%""#) && !open.contains("height"), "{open}");
    }

    #[test]
    fn every_kind_is_scalable_svg() {
        all_outputs().iter().for_each(|s| assert_svg(s));
        assert!(!all_outputs()[3].contains("<text"), "sparklines have no text");
    }

    #[test]
    fn titles_and_series_names_appear_escaped() {
        let l = line_chart(&line(), &pct);
        assert!(l.contains("Availability &lt;Q1&gt; &amp; &quot;Q2&quot;"), "{l}");
        assert!(l.contains("Core &amp; Net") && l.contains("Edge"), "{l}");
        assert!(!l.contains("<Q1>"));
        let b = bar_chart(&bars(), &pct);
        assert!(b.contains("Tickets per team") && b.contains("Opened") && b.contains("Closed"), "{b}");
        let s = stacked_bar_chart(&stacked(), &pct);
        assert!(s.contains("Priority mix") && s.contains("P1") && s.contains("P2 &quot;high&quot;"), "{s}");
    }

    #[test]
    fn script_category_is_escaped() {
        let b = bar_chart(&bars(), &pct);
        assert!(!b.contains("<script"), "{b}");
        assert!(b.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{b}");
        let s = stacked_bar_chart(&stacked(), &pct);
        assert!(!s.contains("<script") && s.contains("&lt;script&gt;"), "{s}");
    }

    #[test]
    fn target_label_appears() {
        assert!(line_chart(&line(), &pct).contains("Target 95 %"));
        assert!(bar_chart(&bars(), &pct).contains("SLA &lt;20&gt;"));
        let mut no_target = bars();
        no_target.target = None;
        assert!(!bar_chart(&no_target, &pct).contains("SLA"));
    }

    #[test]
    fn empty_and_all_none_do_not_panic() {
        let mut l = line();
        l.series.iter_mut().for_each(|s| s.values = vec![None; 4]);
        let mut b = bars();
        b.categories.clear();
        b.series.clear();
        let mut s = stacked();
        s.series.iter_mut().for_each(|s| s.values = vec![None, Some(f64::NAN)]);
        for svg in [line_chart(&l, &pct), bar_chart(&b, &pct), stacked_bar_chart(&s, &pct)] {
            assert_svg(&svg);
            assert!(svg.contains(NO_DATA), "{svg}");
        }
        assert_svg(&sparkline(&[], None));
        assert_svg(&sparkline(&[None, None], Some(1.0)));
        assert_svg(&sparkline(&[Some(2.0)], None));
        let mut single = line();
        single.series = vec![series("x", &[Some(0.0)])];
        single.y_min_zero = true;
        assert_svg(&line_chart(&single, &pct));
    }

    #[test]
    fn output_is_deterministic() {
        assert_eq!(all_outputs(), all_outputs());
    }

    #[test]
    fn formatter_is_used_for_ticks() {
        assert!(line_chart(&line(), &permille).contains('‰'));
        assert!(bar_chart(&bars(), &permille).contains('‰'));
        assert!(stacked_bar_chart(&stacked(), &permille).contains('‰'));
        assert!(line_chart(&line(), &pct).contains("90,0 %"));
    }

    #[test]
    fn many_long_categories_are_rotated() {
        let mut b = bars();
        b.categories = (0..14).map(|i| format!("Team number {i} with a long name")).collect();
        b.series = vec![series("Open", &(0..14).map(|i| Some(f64::from(i))).collect::<Vec<_>>())];
        let svg = bar_chart(&b, &pct);
        assert!(svg.contains("rotate(-35") && svg.contains('…'), "{svg}");
        assert!(!svg.contains("\nOpen\n"), "single series must have no legend");
    }
}
