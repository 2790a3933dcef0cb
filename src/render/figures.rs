//! What each figure of a template shows for the report month: the rows of its table
//! after the block's filter, narrowed to the report month (or a window of months ending
//! there), turned into numbers. Both the HTML page and kpi.json are written from these
//! values, so the two cannot disagree.
//!
//! Must not: format for people (page.rs does) or read anything but the tables handed in.

use std::cmp::Ordering;

use chrono::NaiveDate;
use serde::Serialize;

use super::template::{Block, BlockKind, Item};
use super::{pseudonym, NumberFormat, RenderError, ReportInput};
use crate::table::{Table, Value};

/// A figure's values. In kpi.json their fields follow the figure's own.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum FigureValue {
    /// A KPI tile: the month's value, target, last month's value and the months before.
    Tile {
        /// Value column.
        column: String,
        /// This month.
        value: Option<f64>,
        /// Target this month.
        target: Option<f64>,
        /// Last month.
        previous: Option<f64>,
        /// Whether a higher value is better (the block's `higher_is_better`, else the
        /// table's column of that name, else yes).
        higher_is_better: bool,
        /// (month `YYYY-MM`, value) for the sparkline, oldest first.
        history: Vec<(String, Option<f64>)>,
    },
    /// A line or bar chart: x positions (months `YYYY-MM` or categories) and one series
    /// per y column.
    Series {
        /// x positions.
        x: Vec<String>,
        /// One per y column.
        series: Vec<SeriesValues>,
        /// Target line.
        target: Option<f64>,
    },
    /// A stacked bar chart: categories on x, one layer per distinct `stack` value (sums).
    Stacked {
        /// Categories.
        categories: Vec<String>,
        /// One per stack value.
        layers: Vec<Layer>,
    },
    /// A table: columns (with their headers) and rows, personal data pseudonymised. In
    /// kpi.json each cell is its text (or null), as the table shows it before formatting.
    Rows {
        /// Column names.
        columns: Vec<String>,
        /// Headers in the report language.
        #[serde(skip)]
        labels: Vec<String>,
        /// Cells.
        #[serde(serialize_with = "cells_as_text")]
        rows: Vec<Vec<Value>>,
    },
}

/// One series of a line or bar chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeriesValues {
    /// The y column.
    pub column: String,
    /// Its label in the report language.
    pub label: String,
    /// One value per x position.
    pub values: Vec<Option<f64>>,
}

/// One layer of a stacked bar chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Layer {
    /// The stack value (or its label).
    pub layer: String,
    /// One sum per category.
    pub values: Vec<Option<f64>>,
}

fn cells_as_text<S: serde::Serializer>(rows: &[Vec<Value>], s: S) -> Result<S::Ok, S::Error> {
    let text: Vec<Vec<Option<String>>> = rows.iter().map(|r| r.iter().map(Value::to_text).collect()).collect();
    text.serialize(s)
}

/// The KPI table that says, per month, which KPI cannot be computed and why (columns
/// `month`, `kpi`, `reason`). The report layer hands it in when the store has it.
pub const NOT_COMPUTABLE: &str = "kpi_not_computable_by_month";

/// Why a figure cannot be computed for the report month: in place of an empty box or a
/// `–`, the page prints `text`, and kpi.json carries both beside a null value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NotComputable {
    /// The reason code (`no_first_line`, `no_sla_target`, `no_repeat_key`, `no_history`).
    pub reason: String,
    /// The reason and the setting that fixes it, in the report language (the definition
    /// `not_computable_<reason>`); the code itself when the definitions lack it.
    pub text: String,
}

/// One figure of the report, as kpi.json holds it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    /// Kind of block.
    pub kind: BlockKind,
    /// Line of its block in the template.
    pub line: usize,
    /// The table it reads.
    pub query: String,
    /// Title in the report language.
    pub title: Option<String>,
    /// KPI definition id.
    pub definition: Option<String>,
    /// The definition's text in the report language.
    pub definition_text: Option<String>,
    /// Number format of its values.
    pub format: NumberFormat,
    /// Why it cannot be computed this month; empty when it can.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_computable: Vec<NotComputable>,
    /// The values.
    #[serde(flatten)]
    pub value: FigureValue,
}

/// The first day of a month: how the KPI tables key a month.
fn month_key(y: i32, m: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, 1).unwrap_or_default()
}

/// `YYYY-MM`: a month as kpi.json and the charts label it.
fn month_label(y: i32, m: u32) -> String {
    format!("{y:04}-{m:02}")
}

/// Whether a cell holds the month `key` (a DATE, or the DATE's text).
fn is_month(cell: &Value, key: NaiveDate) -> bool {
    match cell {
        Value::Date(d) => *d == key,
        Value::Text(t) => *t == key.format("%Y-%m-%d").to_string(),
        _ => false,
    }
}

/// The `n` months ending with `(y, m)`, oldest first.
pub(super) fn months_back(y: i32, m: u32, n: u32) -> Vec<(i32, u32)> {
    let end = y * 12 + m as i32 - 1;
    (0..n as i32).rev().map(|k| ((end - k).div_euclid(12), ((end - k).rem_euclid(12) + 1) as u32)).collect()
}

fn number(cell: Option<&Value>) -> Option<f64> {
    cell.and_then(Value::as_f64)
}

type Row = Vec<Value>;

/// Whether a cell equals a filter value of the template: booleans and numbers by value,
/// anything else by its text.
fn filter_matches(cell: &Value, filter: &toml::Value) -> bool {
    match (cell, filter) {
        (Value::Null, _) => false,
        (Value::Bool(a), toml::Value::Boolean(b)) => a == b,
        (c, toml::Value::Integer(i)) if c.is_number() => c.as_f64() == Some(*i as f64),
        (c, toml::Value::Float(f)) if c.is_number() => c.as_f64() == Some(*f),
        (c, toml::Value::String(s)) => c.to_string() == *s,
        (c, other) => c.to_string() == other.to_string(),
    }
}

/// The order of two cells of one column: NULL first, numbers by value, dates and
/// instants in time, text by its characters.
fn compare(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => Ordering::Less,
        (_, Value::Null) => Ordering::Greater,
        (Value::Date(x), Value::Date(y)) => x.cmp(y),
        (Value::Timestamp(x), Value::Timestamp(y)) => x.cmp(y),
        (x, y) => match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y)) => x.total_cmp(&y),
            _ => x.to_string().cmp(&y.to_string()),
        },
    }
}

/// A category's name on a chart: the cell's text, `–` for NULL.
fn category(cell: &Value) -> String {
    cell.to_text().unwrap_or_else(|| "–".into())
}

/// Computes every figure of the template.
pub fn compute(input: &ReportInput) -> Result<Vec<Figure>, RenderError> {
    let mut out = Vec::new();
    for item in &input.template.items {
        if let Item::Figure(block) = item {
            out.push(figure(input, block)?);
        }
    }
    Ok(out)
}

fn figure(input: &ReportInput, block: &Block) -> Result<Figure, RenderError> {
    let spec = &block.spec;
    let fail = |message: String| RenderError::Figure { file: input.template.file.clone(), line: block.line, message };
    let empty = Table::default();
    let table = input.tables.get(&spec.query).unwrap_or(&empty);
    let col = |name: &str| table.column(name).ok_or_else(|| fail(format!("'{}' has no column '{name}'", spec.query)));
    // Rows passing the block's equality filters.
    let mut filters = Vec::new();
    for (name, value) in &spec.filter {
        filters.push((col(name)?, value));
    }
    let rows: Vec<&Row> =
        table.rows.iter().filter(|r| filters.iter().all(|(i, v)| filter_matches(&r[*i], v))).collect();
    let month_col = table.column("month");
    let (y, m) = input.month;
    let this_month = month_key(y, m);
    let in_month = |r: &Row| match month_col {
        Some(i) if !spec.all_months => is_month(&r[i], this_month),
        _ => true,
    };
    let lang = input.lang;
    let title = spec.title.as_ref().map(|t| t.get(lang).to_string());
    let format = spec.format.unwrap_or(NumberFormat::Decimal);
    let window = months_back(y, m, spec.months.unwrap_or(12));
    let one_per_month = |column: usize| -> Result<Vec<(String, Option<f64>)>, RenderError> {
        let Some(mi) = month_col else {
            return Err(fail(format!("'{}' has no month column to draw months from", spec.query)));
        };
        window
            .iter()
            .map(|&(wy, wm)| {
                let key = month_key(wy, wm);
                let hits: Vec<&Row> = rows.iter().copied().filter(|r| is_month(&r[mi], key)).collect();
                if hits.len() > 1 {
                    return Err(fail(format!(
                        "'{}' has {} rows for {key}; add a filter so one row is left per month",
                        spec.query,
                        hits.len()
                    )));
                }
                Ok((month_label(wy, wm), hits.first().and_then(|r| number(r.get(column)))))
            })
            .collect()
    };
    let value = match block.kind {
        BlockKind::Tile => {
            let vi = col(spec.value.as_deref().unwrap_or_default())?;
            let ti = spec.target.as_deref().map(col).transpose()?;
            let (history, current) = if month_col.is_some() {
                let history = one_per_month(vi)?;
                let mi = month_col.unwrap_or_default();
                let current = rows.iter().find(|r| is_month(&r[mi], this_month)).copied();
                (history, current)
            } else {
                if rows.len() > 1 {
                    return Err(fail(format!("'{}' has {} rows; a tile needs one", spec.query, rows.len())));
                }
                (Vec::new(), rows.first().copied())
            };
            let previous = history.len().checked_sub(2).and_then(|i| history[i].1);
            let higher_is_better = spec.higher_is_better.unwrap_or_else(|| {
                table
                    .column("higher_is_better")
                    .and_then(|i| current.map(|r| &r[i]))
                    .is_none_or(|v| !matches!(v, Value::Bool(false)))
            });
            FigureValue::Tile {
                column: spec.value.clone().unwrap_or_default(),
                value: current.and_then(|r| number(r.get(vi))),
                target: ti.and_then(|i| current.and_then(|r| number(r.get(i)))),
                previous,
                higher_is_better,
                history,
            }
        }
        BlockKind::Line => {
            let x = window.iter().map(|&(wy, wm)| month_label(wy, wm)).collect();
            let mut series = Vec::new();
            for c in &spec.y {
                let values = one_per_month(col(c)?)?.into_iter().map(|(_, v)| v).collect();
                series.push(SeriesValues { column: c.clone(), label: label(spec, c, lang), values });
            }
            let target = match spec.target.as_deref() {
                Some(t) => {
                    let ti = col(t)?;
                    one_per_month(ti)?.into_iter().rev().find_map(|(_, v)| v)
                }
                None => None,
            };
            FigureValue::Series { x, series, target }
        }
        BlockKind::Bar => {
            let xi = col(spec.x.as_deref().unwrap_or_default())?;
            let mut picked: Vec<&Row> = rows.iter().copied().filter(|r| in_month(r)).collect();
            // The "other (k teams)" row of a top-N table goes last.
            picked.sort_by(|a, b| {
                other_count(table, a).is_some().cmp(&other_count(table, b).is_some()).then(compare(&a[xi], &b[xi]))
            });
            let x: Vec<String> = picked
                .iter()
                .map(|r| other_count(table, r).map_or_else(|| category(&r[xi]), |k| other_label(k, lang)))
                .collect();
            let mut series = Vec::new();
            for c in &spec.y {
                let i = col(c)?;
                let values = picked.iter().map(|r| number(r.get(i))).collect();
                series.push(SeriesValues { column: c.clone(), label: label(spec, c, lang), values });
            }
            let target = match spec.target.as_deref() {
                Some(t) => {
                    let ti = col(t)?;
                    picked.iter().find_map(|r| number(r.get(ti)))
                }
                None => None,
            };
            FigureValue::Series { x, series, target }
        }
        BlockKind::Stacked => {
            let xi = col(spec.x.as_deref().unwrap_or_default())?;
            let si = col(spec.stack.as_deref().unwrap_or_default())?;
            let yi = col(spec.y.first().map(String::as_str).unwrap_or_default())?;
            let picked: Vec<&Row> = rows.iter().copied().filter(|r| in_month(r)).collect();
            let name = category;
            let mut categories: Vec<String> = picked.iter().map(|r| name(&r[xi])).collect();
            categories.sort();
            categories.dedup();
            let mut stacks: Vec<String> = picked.iter().map(|r| name(&r[si])).collect();
            stacks.sort();
            stacks.dedup();
            let layers = stacks
                .into_iter()
                .map(|s| {
                    let values = categories
                        .iter()
                        .map(|c| {
                            let cells = picked.iter().filter(|r| name(&r[xi]) == *c && name(&r[si]) == s);
                            let sum: f64 = cells.filter_map(|r| number(r.get(yi))).sum();
                            Some(sum)
                        })
                        .collect();
                    Layer { layer: spec.series_labels.get(&s).map(|l| l.get(lang).to_string()).unwrap_or(s), values }
                })
                .collect();
            FigureValue::Stacked { categories, layers }
        }
        BlockKind::Table => {
            let idx: Vec<usize> = spec.columns.iter().map(|c| col(c)).collect::<Result<_, _>>()?;
            let mut picked: Vec<&Row> = rows.iter().copied().filter(|r| in_month(r)).collect();
            if let Some(order) = &spec.order_by {
                let (name, desc) = match order.split_once(' ') {
                    Some((n, dir)) => (n, dir.trim().eq_ignore_ascii_case("desc")),
                    None => (order.as_str(), false),
                };
                let oi = col(name)?;
                picked.sort_by(|a, b| {
                    let ord = compare(&a[oi], &b[oi]);
                    if desc {
                        ord.reverse()
                    } else {
                        ord
                    }
                });
            }
            if let Some(limit) = spec.limit {
                picked.truncate(limit as usize);
            }
            let personal: Vec<bool> = spec.columns.iter().map(|c| spec.personal.contains(c)).collect();
            let rows = picked
                .iter()
                .map(|r| {
                    let other = other_count(table, r);
                    idx.iter()
                        .zip(&personal)
                        .enumerate()
                        .map(|(n, (&i, &p))| match (&r[i], p && !input.show_personal) {
                            // The first column of the "other" row names it.
                            (Value::Null, _) if n == 0 && other.is_some() => {
                                Value::Text(other_label(other.unwrap_or_default(), lang))
                            }
                            (Value::Null, _) | (_, false) => r[i].clone(),
                            (v, true) => Value::Text(pseudonym(&v.to_string(), &input.pseudonym_salt)),
                        })
                        .collect()
                })
                .collect();
            let labels = spec
                .columns
                .iter()
                .map(|c| spec.labels.get(c).map(|l| l.get(lang).to_string()).unwrap_or_else(|| c.clone()))
                .collect();
            FigureValue::Rows { columns: spec.columns.clone(), labels, rows }
        }
    };
    let not_computable = reasons(input, spec.kpi.as_ref().or(spec.definition.as_ref()), this_month);
    let mut value = value;
    if let (false, FigureValue::Tile { value, previous, .. }) = (not_computable.is_empty(), &mut value) {
        // Not computable is not 0, nor last month's figure moved.
        *value = None;
        *previous = None;
    }
    let definition_text = spec.definition.as_ref().and_then(|id| input.definition_text(id));
    Ok(Figure {
        kind: block.kind,
        line: block.line,
        query: spec.query.clone(),
        title,
        definition: spec.definition.clone(),
        definition_text,
        format,
        not_computable,
        value,
    })
}

/// The column of a top-N table (`kpi_*_top_month`) that marks its one row holding all the
/// teams past the top N: how many it holds, NULL on a named row.
const OTHER_TEAMS: &str = "other_teams";

/// How many teams a row of a top-N table groups as "other"; None on a named row.
fn other_count(table: &Table, row: &Row) -> Option<i64> {
    table.column(OTHER_TEAMS).and_then(|i| row[i].as_f64()).map(|k| k as i64)
}

/// The category name of the "other" row in the report language.
fn other_label(k: i64, lang: super::Lang) -> String {
    match lang {
        super::Lang::Sv => format!("övriga ({k} grupper)"),
        super::Lang::En => format!("other ({k} teams)"),
    }
}

/// The reasons `kpi` cannot be computed in the month `key`, from the `NOT_COMPUTABLE` table.
fn reasons(input: &ReportInput, kpi: Option<&String>, key: NaiveDate) -> Vec<NotComputable> {
    let (Some(kpi), Some(table)) = (kpi, input.tables.get(NOT_COMPUTABLE)) else { return Vec::new() };
    let (Some(mi), Some(ki), Some(ri)) = (table.column("month"), table.column("kpi"), table.column("reason")) else {
        return Vec::new();
    };
    table
        .rows
        .iter()
        .filter(|r| is_month(&r[mi], key) && r[ki].to_text().as_deref() == Some(kpi.as_str()))
        .filter_map(|r| r[ri].to_text())
        .map(|reason| {
            let text = input.definition_text(&format!("not_computable_{reason}")).unwrap_or_else(|| reason.clone());
            NotComputable { reason, text }
        })
        .collect()
}

fn label(spec: &super::template::BlockSpec, column: &str, lang: super::Lang) -> String {
    spec.series_labels.get(column).map(|l| l.get(lang).to_string()).unwrap_or_else(|| column.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_back_cross_the_year() {
        assert_eq!(months_back(2026, 2, 3), vec![(2025, 12), (2026, 1), (2026, 2)]);
        assert_eq!(months_back(2026, 10, 1), vec![(2026, 10)]);
        assert_eq!(month_key(2026, 3).to_string(), "2026-03-01");
        assert_eq!(month_label(2026, 3), "2026-03");
    }
}
