//! Report templates: Markdown with a TOML front matter and fenced figure blocks.
//!
//! Owns the template language: splitting a template into Markdown and figures (`tile`, `line`,
//! `bar`, `stacked`, `table` fences whose body is TOML), validating it with `file:line:` errors,
//! resolving bilingual `[[svensk text|English text]]` pairs, and listing the columns a template
//! names. It must not touch a database or the file system: the caller reads the file and passes
//! its text, and compares [`Template::references`] with the real tables itself.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::de::{DeTable, DeValue};

use super::format::{Lang, NumberFormat};

/// Default x column of a `line` block.
pub const DEFAULT_X: &str = "month";
/// Most months a block may show.
pub const MAX_MONTHS: u32 = 36;

/// Text in both report languages; in TOML either a plain string (same in both) or { sv = "…", en = "…" }.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "LocalizedToml")]
pub struct Localized {
    /// The Swedish text.
    pub sv: String,
    /// The English text.
    pub en: String,
}

impl Localized {
    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        lang.pick(&self.sv, &self.en)
    }
}

/// The two TOML forms of [`Localized`].
#[derive(Deserialize)]
#[serde(untagged, expecting = "a string or a table { sv = \"…\", en = \"…\" }")]
enum LocalizedToml {
    Same(String),
    Both(LocalizedPair),
}

/// `{ sv = "…", en = "…" }`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LocalizedPair {
    sv: String,
    en: String,
}

impl From<LocalizedToml> for Localized {
    fn from(t: LocalizedToml) -> Self {
        match t {
            LocalizedToml::Same(s) => Localized { sv: s.clone(), en: s },
            LocalizedToml::Both(p) => Localized { sv: p.sv, en: p.en },
        }
    }
}

/// The TOML between the `---` lines at the top of a template.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// The report's title.
    pub title: Localized,
    /// An optional introduction under the title.
    #[serde(default)]
    pub description: Option<Localized>,
}

/// The kind of figure a fenced block draws, named by its info string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BlockKind {
    /// A KPI tile: the month's value against its target, with a sparkline.
    Tile,
    /// A line chart over months.
    Line,
    /// A bar chart by category.
    Bar,
    /// A stacked bar chart by category.
    Stacked,
    /// A table of rows.
    Table,
}

impl BlockKind {
    const ALL: [BlockKind; 5] =
        [BlockKind::Tile, BlockKind::Line, BlockKind::Bar, BlockKind::Stacked, BlockKind::Table];

    /// The kind a fence's info string names by its first word, or `None` for ordinary code.
    pub fn from_info(info: &str) -> Option<BlockKind> {
        let word = info.split_whitespace().next()?;
        BlockKind::ALL.into_iter().find(|k| k.name() == word)
    }

    /// The name written after the fence: `tile`, `line`, `bar`, `stacked` or `table`.
    pub fn name(self) -> &'static str {
        match self {
            BlockKind::Tile => "tile",
            BlockKind::Line => "line",
            BlockKind::Bar => "bar",
            BlockKind::Stacked => "stacked",
            BlockKind::Table => "table",
        }
    }
}

/// A figure block (TOML body), fields by kind (unknown fields, and fields of another kind, are an error).
/// Every field may be left out; a missing `query` is reported by validation.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BlockSpec {
    /// A table of the KPI layer.
    pub query: String,
    /// Equality filters: column = value (string, integer, float or bool).
    pub filter: BTreeMap<String, toml::Value>,
    /// Heading of the figure.
    pub title: Option<Localized>,
    /// Id of a KPI definition printed under the figure.
    pub definition: Option<String>,
    /// Id of the KPI whose "not computable" reasons (the `kpi` column of
    /// `kpi_not_computable_by_month`) replace the figure; default: `definition`.
    pub kpi: Option<String>,
    /// Number format of the values.
    pub format: Option<NumberFormat>,
    /// tile: the value column.
    pub value: Option<String>,
    /// tile/line/bar: column holding the target.
    pub target: Option<String>,
    /// tile: whether a higher value is better. Default: the table's `higher_is_better`
    /// column, else yes. A table holding several tiles' values (kpi_summary_by_month)
    /// cannot say it in a column: tickets opened has no better direction, a median time
    /// to resolve is better lower.
    pub higher_is_better: Option<bool>,
    /// line: x column (default "month"); bar/stacked: category column.
    pub x: Option<String>,
    /// line/bar/stacked: value column(s).
    pub y: Vec<String>,
    /// stacked: column whose values become the stack layers (then y has exactly one column).
    pub stack: Option<String>,
    /// line/bar/stacked: label per y column.
    pub series_labels: BTreeMap<String, Localized>,
    /// line/bar/stacked: label of the value axis.
    pub y_label: Option<Localized>,
    /// line/tile sparkline: how many months back (default 12, at most 36).
    pub months: Option<u32>,
    /// table: columns to show, in order.
    pub columns: Vec<String>,
    /// table: column headers.
    pub labels: BTreeMap<String, Localized>,
    /// table: per-column number format.
    pub formats: BTreeMap<String, NumberFormat>,
    /// table: columns holding personal data (pseudonymised when rendered).
    pub personal: Vec<String>,
    /// table: "column", "column asc" or "column desc".
    pub order_by: Option<String>,
    /// table: max rows (at least 1).
    pub limit: Option<u32>,
    /// bar/stacked/table: do not restrict to the report month.
    pub all_months: bool,
    /// table: what a cell shows, by the column's raw value: a pattern whose `{column}` is
    /// that column's formatted value in the row (or a variable of the page, e.g. `{currency}`).
    /// `"*"` matches any other value that is not NULL; `""` matches NULL.
    pub values: BTreeMap<String, BTreeMap<String, Localized>>,
    /// table: a second header line per column, a pattern filled from the first row
    /// (e.g. the weight of a score term).
    pub subheads: BTreeMap<String, Localized>,
    /// table: a second, small line under a column's cells, a pattern filled from the row.
    pub below: BTreeMap<String, Localized>,
    /// table: write the rows as one sentence after the title (`title: row, row, …`, each row
    /// its cells separated by spaces) instead of a table; nothing when there are no rows.
    pub inline: bool,
    /// table: columns drawn as a horizontal bar stacked from part columns (column → parts);
    /// a bar's length is its value over the largest of the column's shown values.
    pub bars: BTreeMap<String, Vec<String>>,
    /// table: colour (`#rgb` or `#rrggbb`) of a bar part.
    pub colours: BTreeMap<String, String>,
    /// table: the colours' meaning, printed under the table.
    pub legend: Vec<LegendEntry>,
    /// table: rows with equal `columns` become one, followed by one column per distinct
    /// combination of the pivot's key columns, holding its `value`.
    pub pivot: Option<Pivot>,
}

/// A pivot of a table block: `{ columns = ["term", "change"], value = "variation_rank" }`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pivot {
    /// The key columns; each distinct combination of their values becomes a column, its
    /// header the values (shown through the block's `values` patterns), one per line.
    pub columns: Vec<String>,
    /// The column whose value fills the cells.
    pub value: String,
}

/// A colour of a bar and what it stands for.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegendEntry {
    /// `#rgb` or `#rrggbb`.
    pub colour: String,
    /// What the colour stands for.
    pub label: Localized,
}

/// Whether `c` is a colour a template may give: `#` and 3 or 6 hex digits.
fn is_colour(c: &str) -> bool {
    c.strip_prefix('#').is_some_and(|h| matches!(h.len(), 3 | 6) && h.chars().all(|d| d.is_ascii_hexdigit()))
}

/// The names in `{name}` placeholders of a pattern, in order.
pub fn placeholders(pattern: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = pattern;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                out.push(&after[..end]);
                rest = &after[end + 1..];
            }
            None => break,
        }
    }
    out
}

impl BlockSpec {
    /// Every name a `values`, `subheads` or `below` pattern of the block fills in (both
    /// languages): columns of the row or variables of the page.
    pub fn placeholders(&self) -> Vec<&str> {
        let patterns =
            self.values.values().flat_map(|m| m.values()).chain(self.subheads.values()).chain(self.below.values());
        let mut out: Vec<&str> =
            patterns.flat_map(|p| placeholders(&p.sv).into_iter().chain(placeholders(&p.en))).collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// `order_by` split into its column and whether it is descending; `None` without `order_by`
    /// (a parsed template's `order_by` is always well formed).
    pub fn order(&self) -> Option<(&str, bool)> {
        let mut words = self.order_by.as_deref()?.split_whitespace();
        let column = words.next()?;
        match (words.next().map(str::to_ascii_lowercase).as_deref(), words.next()) {
            (None | Some("asc"), None) => Some((column, false)),
            (Some("desc"), None) => Some((column, true)),
            _ => None,
        }
    }
}

/// A figure of a template.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// What it draws.
    pub kind: BlockKind,
    /// 1-based line of the opening fence.
    pub line: usize,
    /// Its TOML body.
    pub spec: BlockSpec,
}

impl Block {
    /// The x column: `x`, or [`DEFAULT_X`] for a `line` block without one.
    pub fn x_column(&self) -> Option<&str> {
        match (&self.spec.x, self.kind) {
            (Some(x), _) => Some(x),
            (None, BlockKind::Line) => Some(DEFAULT_X),
            (None, _) => None,
        }
    }
}

/// A part of a template, in order.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)] // a template has a few dozen items; unboxed blocks keep matching plain
pub enum Item {
    /// Markdown lines between figures, verbatim (line endings made `\n`), still with `[[sv|en]]` pairs.
    Markdown(String),
    /// A figure block.
    Figure(Block),
}

/// A parsed and validated report template.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    /// The name errors are reported with (usually the template's path).
    pub file: String,
    /// The front matter.
    pub front: FrontMatter,
    /// Markdown and figures in order.
    pub items: Vec<Item>,
}

/// A template that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// The template is malformed at `line` (1-based) of `file`.
    #[error("{file}:{line}: {message}")]
    Invalid {
        /// The name the template was parsed under.
        file: String,
        /// 1-based line of the offending text.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

/// An opening code fence: its character, length and info string.
struct Fence<'a> {
    ch: char,
    len: usize,
    info: &'a str,
}

/// The fence a line opens (at most 3 spaces of indentation, 3 or more backticks or tildes).
fn open_fence(line: &str) -> Option<Fence<'_>> {
    let rest = line.trim_start_matches(' ');
    if line.len() - rest.len() > 3 {
        return None;
    }
    let ch = rest.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = rest.len() - rest.trim_start_matches(ch).len();
    let info = rest[len..].trim();
    (len >= 3 && !(ch == '`' && info.contains('`'))).then_some(Fence { ch, len, info })
}

/// Whether `line` closes `fence`: the same character at least as many times, nothing else.
fn closes(fence: &Fence<'_>, line: &str) -> bool {
    let rest = line.trim_start_matches(' ');
    let after = rest.trim_start_matches(fence.ch);
    line.len() - rest.len() <= 3 && rest.len() - after.len() >= fence.len && after.trim().is_empty()
}

/// 1-based line of byte `offset` in `body`, whose first line is line `first` of the file.
fn line_at(body: &str, first: usize, offset: usize) -> usize {
    first + body.as_bytes().iter().take(offset).filter(|b| **b == b'\n').count()
}

/// Where a validation problem is: a top-level key, or an entry (key or array element) under one.
enum At {
    Key(&'static str),
    Entry(&'static str, String),
}

/// Byte offset of `at` in the TOML `body`; `None` when it is not there (a missing field).
fn locate(body: &str, at: &At) -> Option<usize> {
    let (key, entry) = match at {
        At::Key(k) => (*k, None),
        At::Entry(k, e) => (*k, Some(e.as_str())),
    };
    let doc = DeTable::parse(body).ok()?;
    let (k, v) = doc.get_ref().iter().find(|(k, _)| k.get_ref() == key)?;
    let inner = match (v.get_ref(), entry) {
        (DeValue::Table(t), Some(e)) => t.iter().find(|(k, _)| k.get_ref() == e).map(|(k, _)| k.span().start),
        (DeValue::Array(a), Some(e)) => a.iter().find(|v| v.get_ref().as_str() == Some(e)).map(|v| v.span().start),
        _ => None,
    };
    Some(inner.unwrap_or(k.span().start))
}

/// Checks a block's fields against its kind.
fn validate(kind: BlockKind, s: &BlockSpec) -> Result<(), (At, String)> {
    use BlockKind::*;
    let name = kind.name();
    let fields: [(&'static str, bool, &[BlockKind]); 24] = [
        ("value", s.value.is_some(), &[Tile]),
        ("target", s.target.is_some(), &[Tile, Line, Bar]),
        ("x", s.x.is_some(), &[Line, Bar, Stacked]),
        ("y", !s.y.is_empty(), &[Line, Bar, Stacked]),
        ("stack", s.stack.is_some(), &[Stacked]),
        ("series_labels", !s.series_labels.is_empty(), &[Line, Bar, Stacked]),
        ("y_label", s.y_label.is_some(), &[Line, Bar, Stacked]),
        ("months", s.months.is_some(), &[Tile, Line]),
        ("higher_is_better", s.higher_is_better.is_some(), &[Tile]),
        ("columns", !s.columns.is_empty(), &[Table]),
        ("labels", !s.labels.is_empty(), &[Table]),
        ("formats", !s.formats.is_empty(), &[Table]),
        ("personal", !s.personal.is_empty(), &[Table]),
        ("order_by", s.order_by.is_some(), &[Table]),
        ("limit", s.limit.is_some(), &[Table]),
        ("all_months", s.all_months, &[Bar, Stacked, Table]),
        ("values", !s.values.is_empty(), &[Table]),
        ("subheads", !s.subheads.is_empty(), &[Table]),
        ("below", !s.below.is_empty(), &[Table]),
        ("inline", s.inline, &[Table]),
        ("bars", !s.bars.is_empty(), &[Table]),
        ("colours", !s.colours.is_empty(), &[Table]),
        ("legend", !s.legend.is_empty(), &[Table]),
        ("pivot", s.pivot.is_some(), &[Table]),
    ];
    if let Some((field, _, _)) = fields.iter().find(|(_, set, kinds)| *set && !kinds.contains(&kind)) {
        return Err((At::Key(field), format!("`{field}` does not apply to a `{name}` block")));
    }
    let need = |field: &'static str, ok: bool, what: &str| match ok {
        true => Ok(()),
        false => Err((At::Key(field), format!("a `{name}` block needs {what}"))),
    };
    need("query", !s.query.trim().is_empty(), "a non-empty `query`")?;
    match kind {
        Tile => need("value", s.value.is_some(), "`value`")?,
        Line => need("y", !s.y.is_empty(), "at least one `y` column")?,
        Bar => {
            need("x", s.x.is_some(), "`x`")?;
            need("y", !s.y.is_empty(), "at least one `y` column")?;
        }
        Stacked => {
            need("x", s.x.is_some(), "`x`")?;
            need("y", s.y.len() == 1, "exactly one `y` column")?;
            need("stack", s.stack.is_some(), "`stack`")?;
        }
        Table => need("columns", !s.columns.is_empty(), "`columns`")?,
    }
    if let Some(m) = s.months.filter(|m| !(1..=MAX_MONTHS).contains(m)) {
        return Err((At::Key("months"), format!("`months` must be 1–{MAX_MONTHS}, not {m}")));
    }
    if s.limit == Some(0) {
        return Err((At::Key("limit"), "`limit` must be at least 1".to_string()));
    }
    if s.order_by.is_some() && s.order().is_none() {
        return Err((At::Key("order_by"), "`order_by` must be \"column\", \"column asc\" or \"column desc\"".into()));
    }
    let keyed: [(&'static str, Vec<&String>); 8] = [
        ("personal", s.personal.iter().collect()),
        ("formats", s.formats.keys().collect()),
        ("labels", s.labels.keys().collect()),
        ("values", s.values.keys().collect()),
        ("subheads", s.subheads.keys().collect()),
        ("below", s.below.keys().collect()),
        ("bars", s.bars.keys().collect()),
        ("colours", s.colours.keys().collect()),
    ];
    // A column named by a pattern may have a format, and a bar part a format, a label and a
    // colour, without being shown; a colour is for a bar part only.
    let placeholders = s.placeholders();
    let part = |k: &String| s.bars.values().any(|parts| parts.contains(k));
    let pivot_key = |k: &String| s.pivot.as_ref().is_some_and(|p| p.columns.contains(k));
    let pivot_value = |k: &String| s.pivot.as_ref().is_some_and(|p| p.value == *k);
    for (field, keys) in keyed {
        let named = |k: &String| match field {
            "formats" => s.columns.contains(k) || placeholders.contains(&k.as_str()) || part(k) || pivot_value(k),
            "values" => s.columns.contains(k) || pivot_key(k),
            "labels" => s.columns.contains(k) || part(k),
            "colours" => part(k),
            _ => s.columns.contains(k),
        };
        if let Some(k) = keys.into_iter().find(|k| !named(k)) {
            let message = match field {
                "colours" => format!("`colours` names `{k}`, which is not a part of `bars`"),
                _ => format!("`{field}` names `{k}`, which is not in `columns`"),
            };
            return Err((At::Entry(field, k.clone()), message));
        }
    }
    let colours = s.colours.iter().map(|(k, c)| (At::Entry("colours", k.clone()), c));
    let legend = s.legend.iter().map(|l| (At::Key("legend"), &l.colour));
    if let Some((at, c)) = colours.chain(legend).find(|(_, c)| !is_colour(c)) {
        return Err((at, format!("colour `{c}` must be `#` and 3 or 6 hex digits")));
    }
    for (column, value) in &s.filter {
        if !matches!(
            value,
            toml::Value::String(_) | toml::Value::Integer(_) | toml::Value::Float(_) | toml::Value::Boolean(_)
        ) {
            let message = format!("filter `{column}` must be a string, integer, float or bool");
            return Err((At::Entry("filter", column.clone()), message));
        }
    }
    Ok(())
}

/// Parses and validates a template; `file` names it in errors (`file:line: message`).
pub fn parse_template(file: &str, text: &str) -> Result<Template, TemplateError> {
    let err = |line: usize, message: String| TemplateError::Invalid { file: file.to_string(), line, message };
    let toml_err = |first: usize, body: &str, what: &str, e: toml::de::Error| {
        let line = e.span().map_or(first, |span| line_at(body, first, span.start));
        err(line, format!("{what}: {}", e.message().trim()))
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.lines().collect();
    if lines.first().map(|l| l.trim_end()) != Some("---") {
        return Err(err(1, "a template must start with front matter: a `---` line, TOML, a `---` line".into()));
    }
    let Some(close) = lines.iter().skip(1).position(|l| l.trim_end() == "---").map(|i| i + 1) else {
        return Err(err(1, "front matter is not closed by a `---` line".into()));
    };
    let front_text = lines[1..close].join("\n");
    let front: FrontMatter = toml::from_str(&front_text).map_err(|e| toml_err(2, &front_text, "front matter", e))?;

    let mut items = Vec::new();
    let mut markdown: Vec<&str> = Vec::new();
    let flush = |markdown: &mut Vec<&str>, items: &mut Vec<Item>| {
        if markdown.iter().any(|l| !l.trim().is_empty()) {
            items.push(Item::Markdown(markdown.iter().map(|l| format!("{l}\n")).collect()));
        }
        markdown.clear();
    };
    let mut i = close + 1;
    while i < lines.len() {
        let Some(fence) = open_fence(lines[i]) else {
            markdown.push(lines[i]);
            i += 1;
            continue;
        };
        let Some(end) = (i + 1..lines.len()).find(|&j| closes(&fence, lines[j])) else {
            return Err(err(i + 1, format!("code fence `{}` is never closed", lines[i].trim())));
        };
        match BlockKind::from_info(fence.info) {
            None => markdown.extend(&lines[i..=end]),
            Some(kind) => {
                flush(&mut markdown, &mut items);
                let body = lines[i + 1..end].join("\n");
                let what = format!("`{}` block", kind.name());
                let spec: BlockSpec = toml::from_str(&body).map_err(|e| toml_err(i + 2, &body, &what, e))?;
                if let Err((at, message)) = validate(kind, &spec) {
                    return Err(err(locate(&body, &at).map_or(i + 1, |o| line_at(&body, i + 2, o)), message));
                }
                items.push(Item::Figure(Block { kind, line: i + 1, spec }));
            }
        }
        i = end + 1;
    }
    flush(&mut markdown, &mut items);
    Ok(Template { file: file.to_string(), front, items })
}

impl Template {
    /// Every (line, query, column) the template refers to — value, target, x, y, stack, columns, filter
    /// keys, order_by column, personal, formats/labels/series_labels keys — for `itsm report check` to
    /// compare with the real tables.
    ///
    /// The line is the block's opening fence; a `line` block without `x` refers to [`DEFAULT_X`].
    /// Each column is listed once per block, in the order above.
    pub fn references(&self) -> Vec<(usize, String, String)> {
        let mut out = Vec::new();
        for item in &self.items {
            let Item::Figure(block) = item else { continue };
            let s = &block.spec;
            let mut columns: Vec<&str> = Vec::new();
            columns.extend(s.value.as_deref());
            columns.extend(s.target.as_deref());
            columns.extend(block.x_column());
            columns.extend(s.y.iter().map(String::as_str));
            columns.extend(s.stack.as_deref());
            columns.extend(s.columns.iter().map(String::as_str));
            columns.extend(s.filter.keys().map(String::as_str));
            columns.extend(s.order().map(|(c, _)| c));
            columns.extend(s.personal.iter().map(String::as_str));
            columns.extend(s.formats.keys().map(String::as_str));
            columns.extend(s.labels.keys().map(String::as_str));
            columns.extend(s.values.keys().map(String::as_str));
            columns.extend(s.subheads.keys().map(String::as_str));
            columns.extend(s.below.keys().map(String::as_str));
            columns.extend(s.bars.values().flatten().map(String::as_str));
            if let Some(p) = &s.pivot {
                columns.extend(p.columns.iter().map(String::as_str));
                columns.push(&p.value);
            }
            // A stacked block labels the values of its `stack` column, not columns.
            if block.kind != BlockKind::Stacked {
                columns.extend(s.series_labels.keys().map(String::as_str));
            }
            for (n, column) in columns.iter().enumerate() {
                if !columns[..n].contains(column) {
                    out.push((block.line, s.query.clone(), column.to_string()));
                }
            }
        }
        out
    }
}

/// Resolves [[sv|en]] pairs for one language (pairs never span lines).
///
/// A pair has exactly one `|`; other `[[…]]` text is left as it is, and so are fenced code blocks.
pub fn localize(markdown: &str, lang: Lang) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut fence: Option<Fence<'_>> = None;
    for line in markdown.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        if let Some(f) = &fence {
            if closes(f, content) {
                fence = None;
            }
        } else if let Some(f) = open_fence(content) {
            fence = Some(f);
        } else {
            localize_line(line, lang, &mut out);
            continue;
        }
        out.push_str(line);
    }
    out
}

/// Resolves the pairs of one line into `out`.
fn localize_line(mut rest: &str, lang: Lang, out: &mut String) {
    while let Some(mut start) = rest.find("[[") {
        while rest[start + 2..].starts_with('[') {
            start += 1;
        }
        let after = &rest[start + 2..];
        let pair = after
            .find("]]")
            .map(|end| (&after[..end], end))
            .filter(|(inner, _)| !inner.contains("[[") && inner.matches('|').count() == 1);
        match pair.and_then(|(inner, end)| inner.split_once('|').map(|p| (p, end))) {
            Some(((sv, en), end)) => {
                out.push_str(&rest[..start]);
                out.push_str(lang.pick(sv, en));
                rest = &after[end + 2..];
            }
            None => {
                out.push_str(&rest[..start + 1]);
                rest = &rest[start + 1..];
            }
        }
    }
    out.push_str(rest);
}

#[cfg(test)]
#[path = "template_tests.rs"]
mod tests;
