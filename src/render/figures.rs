//! What each figure of a template shows for the report month: the rows of its table
//! after the block's filter, narrowed to the report month (or a window of months ending
//! there), turned into numbers. Both the HTML page and kpi.json are written from these
//! values, so the two cannot disagree.
//!
//! Must not: format for people (page.rs does) or read anything but the tables handed in.

use super::template::{Block, BlockKind, Item};
use super::{pseudonym, NumberFormat, RenderError, ReportInput, Table};

/// A figure's values.
#[derive(Debug, Clone, PartialEq)]
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
        /// Whether a higher value is better (the table's `higher_is_better`, default yes).
        higher_is_better: bool,
        /// (month `YYYY-MM`, value) for the sparkline, oldest first.
        history: Vec<(String, Option<f64>)>,
    },
    /// A line or bar chart: x positions (months `YYYY-MM` or categories) and one series
    /// per y column.
    Series {
        /// x positions.
        x: Vec<String>,
        /// (column, label, values per x).
        series: Vec<(String, String, Vec<Option<f64>>)>,
        /// Target line.
        target: Option<f64>,
    },
    /// A stacked bar chart: categories on x, one layer per distinct `stack` value (sums).
    Stacked {
        /// Categories.
        categories: Vec<String>,
        /// (layer, values per category).
        layers: Vec<(String, Vec<Option<f64>>)>,
    },
    /// A table: columns (with their headers) and rows as text, personal data pseudonymised.
    Rows {
        /// Column names.
        columns: Vec<String>,
        /// Headers in the report language.
        labels: Vec<String>,
        /// Cells.
        rows: Vec<Vec<Option<String>>>,
    },
}

/// One figure of the report.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// Line of its block in the template.
    pub line: usize,
    /// Kind of block.
    pub kind: BlockKind,
    /// The table it reads.
    pub query: String,
    /// Title in the report language.
    pub title: Option<String>,
    /// KPI definition id.
    pub definition: Option<String>,
    /// Number format of its values.
    pub format: NumberFormat,
    /// The values.
    pub value: FigureValue,
}

/// `YYYY-MM-01`: how DuckDB prints a month DATE.
fn month_key(y: i32, m: u32) -> String {
    format!("{y:04}-{m:02}-01")
}

/// The `n` months ending with `(y, m)`, oldest first.
fn months_back(y: i32, m: u32, n: u32) -> Vec<(i32, u32)> {
    let end = y * 12 + m as i32 - 1;
    (0..n as i32).rev().map(|k| ((end - k).div_euclid(12), ((end - k).rem_euclid(12) + 1) as u32)).collect()
}

fn number(cell: Option<&Option<String>>) -> Option<f64> {
    cell.and_then(|c| c.as_deref()).and_then(|s| s.parse::<f64>().ok()).filter(|v| v.is_finite())
}

type Row = Vec<Option<String>>;

fn filter_text(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
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
        filters.push((col(name)?, filter_text(value)));
    }
    let rows: Vec<&Vec<Option<String>>> =
        table.rows.iter().filter(|r| filters.iter().all(|(i, v)| r[*i].as_deref() == Some(v.as_str()))).collect();
    let month_col = table.column("month");
    let (y, m) = input.month;
    let this_month = month_key(y, m);
    let in_month = |r: &Row| match month_col {
        Some(i) if !spec.all_months => r[i].as_deref() == Some(this_month.as_str()),
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
                let hits: Vec<&Row> = rows.iter().copied().filter(|r| r[mi].as_deref() == Some(key.as_str())).collect();
                if hits.len() > 1 {
                    return Err(fail(format!(
                        "'{}' has {} rows for {key}; add a filter so one row is left per month",
                        spec.query,
                        hits.len()
                    )));
                }
                Ok((key[..7].to_string(), hits.first().and_then(|r| number(r.get(column)))))
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
                let current = rows.iter().find(|r| r[mi].as_deref() == Some(this_month.as_str())).copied();
                (history, current)
            } else {
                if rows.len() > 1 {
                    return Err(fail(format!("'{}' has {} rows; a tile needs one", spec.query, rows.len())));
                }
                (Vec::new(), rows.first().copied())
            };
            let previous = history.len().checked_sub(2).and_then(|i| history[i].1);
            let higher_is_better = table
                .column("higher_is_better")
                .and_then(|i| current.and_then(|r| r[i].clone()))
                .is_none_or(|v| v != "false");
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
            let x = window.iter().map(|&(wy, wm)| month_key(wy, wm)[..7].to_string()).collect();
            let mut series = Vec::new();
            for c in &spec.y {
                let values = one_per_month(col(c)?)?.into_iter().map(|(_, v)| v).collect();
                series.push((c.clone(), label(spec, c, lang), values));
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
            picked.sort_by(|a, b| a[xi].cmp(&b[xi]));
            let x: Vec<String> = picked.iter().map(|r| r[xi].clone().unwrap_or_else(|| "–".into())).collect();
            let mut series = Vec::new();
            for c in &spec.y {
                let i = col(c)?;
                series.push((c.clone(), label(spec, c, lang), picked.iter().map(|r| number(r.get(i))).collect()));
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
            let name = |c: &Option<String>| c.clone().unwrap_or_else(|| "–".into());
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
                    (spec.series_labels.get(&s).map(|l| l.get(lang).to_string()).unwrap_or(s), values)
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
                    let ord = match (number(a.get(oi)), number(b.get(oi))) {
                        (Some(x), Some(y)) => x.total_cmp(&y),
                        _ => a[oi].cmp(&b[oi]),
                    };
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
                    idx.iter()
                        .zip(&personal)
                        .map(|(&i, &p)| match (&r[i], p && !input.show_personal) {
                            (Some(v), true) => Some(pseudonym(v, &input.pseudonym_salt)),
                            (v, _) => v.clone(),
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
    Ok(Figure {
        line: block.line,
        kind: block.kind,
        query: spec.query.clone(),
        title,
        definition: spec.definition.clone(),
        format,
        value,
    })
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
        assert_eq!(month_key(2026, 3), "2026-03-01");
    }
}
