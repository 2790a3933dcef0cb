//! The SQL models of `queries/`: finding them, reading their `-- grain:` header, finding
//! which relations each one reads, and ordering them layer by layer.
//!
//! Owns: the layering rule (staging reads the canonical tables; marts read staging and
//! marts; kpis read marts and kpis; any layer may read the generated inputs) and the
//! dependency order inside a layer. Must not: run SQL — the store does; this module only
//! reads text, so a broken model is reported with `file:line` before anything is built.
//! The relations a model reads come from [`super::relations`].

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::relations::relations;

/// Tables written by ingest; only staging reads them.
pub const CANONICAL_TABLES: &[&str] =
    &["ticket", "ticket_event", "team", "ingest_batch", "rejected_row", "ingest_warning"];

/// Tables `itsm build` generates from configuration before the models run; every layer
/// may read them.
pub const GENERATED_INPUTS: &[&str] = &[
    "cfg_build",
    "cfg_cab_as_of",
    "cfg_dispatch_as_of",
    "cfg_dispatch",
    "cfg_major_rule",
    "cfg_sla_priority",
    "cfg_sla_target",
    "cfg_sla_scope",
    "cfg_sla_pause",
    "cfg_kpi",
    "cfg_kpi_target",
    "cfg_ftr_excluded_category",
    "cfg_billing",
    "cfg_billing_customer",
    "cfg_price",
    "cfg_portfolio",
    "cfg_portfolio_link",
    "cfg_portfolio_team",
    "cfg_cab_weight",
    "cfg_cab_cost",
    "cfg_cab",
    "cfg_cab_capacity",
    "cfg_vendor",
    "cfg_vendor_uc",
    "calendar_span",
    "calendar_hour",
    "local_day",
    "local_hour",
];

/// The file of shared SQL macros at the top of a queries directory.
pub const MACROS_FILE: &str = "macros.sql";

/// A layer of models, in build order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Layer {
    /// Rename, cast, dedupe the canonical tables.
    Staging,
    /// Business entities (`fct_ticket_sla`, `dim_team` …).
    Marts,
    /// Small aggregates that reports read.
    Kpis,
}

impl Layer {
    /// All layers in build order.
    pub const ALL: [Layer; 3] = [Layer::Staging, Layer::Marts, Layer::Kpis];

    /// The directory name under `queries/`.
    pub fn dir(self) -> &'static str {
        match self {
            Layer::Staging => "staging",
            Layer::Marts => "marts",
            Layer::Kpis => "kpis",
        }
    }
}

/// Errors in the model files. Each names the file (and line when there is one).
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// A file or directory could not be read.
    #[error("cannot read '{path}'")]
    Read {
        /// The path.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A model breaks a rule; `file:line: message`.
    #[error("{file}:{line}: {message}")]
    Invalid {
        /// The model file.
        file: String,
        /// 1-based line.
        line: usize,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// A `--select` names no model.
    #[error("{0}")]
    Select(String),
    /// Models read each other in a circle.
    #[error("models read each other in a cycle: {0}")]
    Cycle(String),
}

/// One model: a `SELECT` that becomes a table of the same name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Model {
    /// Table name (the file stem).
    pub name: String,
    /// Its layer.
    pub layer: Layer,
    /// Where it came from, for messages (`queries/marts/fct_ticket.sql`).
    pub file: String,
    /// The text after `-- grain:`.
    pub grain: String,
    /// The SQL as written (trailing `;` removed).
    pub sql: String,
    /// Relations it reads (models, canonical tables, generated inputs), sorted.
    pub reads: Vec<String>,
    /// `-- incremental: ticket` in its header: one ticket's rows depend only on that
    /// ticket's rows upstream (keyed by `source`, `ticket_id`), so an incremental build
    /// recomputes only the tickets that changed.
    pub by_ticket: bool,
    /// The model's incremental form, the SQL after a line `-- incremental rows` in its
    /// file (not part of [`Model::sql`]): after new batches it computes, from the model's
    /// own table as the last build left it and the TEMP table `build_changed`, the rows
    /// of every ticket whose row changes (keyed by `source`, `ticket_id`); the build
    /// replaces those tickets' rows and the changed tickets' rows with them. For a model
    /// whose row of one ticket depends on other tickets' (a running window), so it is not
    /// per ticket, but only a few rows move (see `src/compute/incremental.rs`).
    pub incremental_rows: Option<String>,
    /// The model's incremental form for its whole table, the SQL after a line
    /// `-- incremental table` (not part of [`Model::sql`]): after new batches it computes
    /// the model's whole table from its own table as the last build left it, the changed
    /// tickets' rows of the per-ticket models it reads (under their names) and those rows
    /// as the last build left them (`build_old_<name>`); the build replaces the table with
    /// it. For an aggregate over per-ticket rows that is cheaper to correct by the changed
    /// tickets' rows than to compute again (sums: `kpi_dispatch_end`). Also the form after
    /// a line `-- incremental keys: …` (see [`Model::table_keys`]).
    pub incremental_table: Option<String>,
    /// The key columns of a whole-table form after a line `-- incremental keys: k1, k2, …`
    /// (empty for `-- incremental table`): the form gives only the rows of the keys it
    /// touches (NULL matching NULL), with a last column `keep` (BOOLEAN, false where the
    /// key's row is gone), and the build deletes the stored rows of those keys and inserts
    /// the kept ones instead of replacing the whole table (`kpi_dispatch_end`: about 40,000
    /// keys of 581,179 rows in the 1M sample's day).
    pub table_keys: Vec<String>,
}

/// A singular check: a query in `queries/checks/` returning offending rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SingularCheck {
    /// File stem.
    pub name: String,
    /// Where it came from.
    pub file: String,
    /// The query.
    pub sql: String,
}

/// Every model of a project in build order, plus its checks.
#[derive(Debug, Clone, Default)]
pub struct ModelSet {
    /// Models, staging first, each after the models it reads.
    pub models: Vec<Model>,
    /// `checks.toml` of each layer that has one: (file, text).
    pub column_checks: Vec<(String, String)>,
    /// Queries in `checks/`.
    pub singular_checks: Vec<SingularCheck>,
    /// `macros.sql`: (file, text) of the `CREATE MACRO` statements every build runs
    /// first, so a formula the models share (the business clock) is written once.
    pub macros: Option<(String, String)>,
}

/// A source file: path relative to the queries directory (`marts/fct_ticket.sql`) and text.
pub type SourceFile = (String, String);

impl ModelSet {
    /// Reads `dir` (with `staging/`, `marts/`, `kpis/`, `checks/` below it).
    pub fn load_dir(dir: &Path) -> Result<ModelSet, ModelError> {
        let mut files = Vec::new();
        let macros = dir.join(MACROS_FILE);
        if macros.is_file() {
            let text =
                std::fs::read_to_string(&macros).map_err(|source| ModelError::Read { path: macros.clone(), source })?;
            files.push((MACROS_FILE.to_string(), text));
        }
        for sub in ["staging", "marts", "kpis", "checks"] {
            let path = dir.join(sub);
            if !path.is_dir() {
                continue;
            }
            let read_err = |source| ModelError::Read { path: path.clone(), source };
            let mut names: Vec<PathBuf> =
                std::fs::read_dir(&path).map_err(read_err)?.filter_map(|e| e.ok().map(|e| e.path())).collect();
            names.sort();
            for file in names {
                let ext = file.extension().and_then(|e| e.to_str());
                if !matches!(ext, Some("sql") | Some("toml")) {
                    continue;
                }
                let text =
                    std::fs::read_to_string(&file).map_err(|source| ModelError::Read { path: file.clone(), source })?;
                let name = file.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                files.push((format!("{sub}/{name}"), text));
            }
        }
        ModelSet::from_files(&dir.display().to_string(), files)
    }

    /// Builds the set from files named relative to `root` (used in messages).
    pub fn from_files(root: &str, files: Vec<SourceFile>) -> Result<ModelSet, ModelError> {
        let mut set = ModelSet::default();
        let mut by_layer: BTreeMap<Layer, Vec<Model>> = BTreeMap::new();
        for (rel, text) in files {
            let file = format!("{}/{rel}", root.trim_end_matches('/'));
            if rel == MACROS_FILE {
                set.macros = Some((file, text));
                continue;
            }
            let (dir, name) = rel.split_once('/').unwrap_or(("", rel.as_str()));
            if let Some(stem) = name.strip_suffix(".toml") {
                if stem == "checks" && dir != "checks" {
                    set.column_checks.push((file, text));
                }
                continue;
            }
            let Some(stem) = name.strip_suffix(".sql") else { continue };
            if !is_identifier(stem) {
                return Err(invalid(&file, 1, format!("model name '{stem}' must be lower-case letters, digits and _")));
            }
            let (body, form) = split_incremental(&text);
            let keys = table_keys(&text, form, &file)?;
            let sql = body.trim_end().trim_end_matches(';').to_string();
            if dir == "checks" {
                set.singular_checks.push(SingularCheck { name: stem.into(), file, sql });
                continue;
            }
            let Some(layer) = Layer::ALL.into_iter().find(|l| l.dir() == dir) else { continue };
            let grain = grain(&text).ok_or_else(|| {
                invalid(&file, 1, "a model opens with '-- grain: one row per …' (say what one row is)".into())
            })?;
            by_layer.entry(layer).or_default().push(Model {
                name: stem.into(),
                layer,
                file,
                grain,
                by_ticket: header_says(&text, "incremental: ticket"),
                sql,
                reads: Vec::new(),
                incremental_rows: form.filter(|(marker, _)| *marker == INCREMENTAL_ROWS).map(|(_, r)| trimmed(r)),
                incremental_table: form.filter(|(marker, _)| *marker != INCREMENTAL_ROWS).map(|(_, r)| trimmed(r)),
                table_keys: keys,
            });
        }
        let mut layer_of: BTreeMap<String, (Layer, String)> = BTreeMap::new();
        for m in by_layer.values().flatten() {
            if let Some((_, other)) = layer_of.insert(m.name.clone(), (m.layer, m.file.clone())) {
                return Err(invalid(&m.file, 1, format!("model '{}' is also defined in {other}", m.name)));
            }
        }
        for (layer, models) in by_layer {
            for m in models.iter() {
                check_reads(m, &layer_of)?;
            }
            let resolved: Vec<Model> = models
                .into_iter()
                .map(|mut m| {
                    m.reads = relations(&m.sql)
                        .into_iter()
                        .map(|(name, _)| name)
                        .collect::<BTreeSet<_>>()
                        .into_iter()
                        .collect();
                    m
                })
                .collect();
            for m in &resolved {
                check_incremental_rows(m)?;
            }
            set.models.extend(order_layer(layer, resolved)?);
        }
        set.check_old_rows()?;
        Ok(set)
    }

    /// The per-ticket models whose rows as the last build left them some model's
    /// incremental form reads (`build_old_<name>`), so an incremental build keeps them.
    pub fn old_rows_read(&self) -> BTreeSet<String> {
        self.models
            .iter()
            .filter_map(|m| m.incremental_rows.as_ref().or(m.incremental_table.as_ref()))
            .flat_map(|form| relations(form).into_iter().filter_map(|(name, _)| old_rows_of(&name).map(String::from)))
            .collect()
    }

    /// `build_old_<name>` in an incremental form names a per-ticket model the model reads.
    fn check_old_rows(&self) -> Result<(), ModelError> {
        for m in &self.models {
            let Some(form) = m.incremental_rows.as_ref().or(m.incremental_table.as_ref()) else { continue };
            for (name, at) in relations(form) {
                let Some(of) = old_rows_of(&name) else { continue };
                if !self.model(of).is_some_and(|r| r.by_ticket) {
                    let message = format!(
                        "the incremental form of '{}' reads '{name}', but '{of}' is no per-ticket model \
                         ('-- incremental: ticket'): only their rows are replaced, and kept as they were",
                        m.name
                    );
                    return Err(invalid(&m.file, m.sql.lines().count() + 1 + at, message));
                }
            }
        }
        Ok(())
    }

    /// The model of that name.
    pub fn model(&self, name: &str) -> Option<&Model> {
        self.models.iter().find(|m| m.name == name)
    }

    /// The models a dbt-style selection names: `name`, `name+` (with every model that
    /// reads it, directly or not), `+name` (with every model it reads) or `+name+`.
    pub fn select(&self, specs: &[String]) -> Result<BTreeSet<String>, ModelError> {
        let mut chosen = BTreeSet::new();
        for spec in specs {
            let upstream = spec.starts_with('+');
            let downstream = spec.ends_with('+') && spec.len() > 1;
            let name = spec.trim_start_matches('+').trim_end_matches('+');
            if self.model(name).is_none() {
                let like: Vec<&str> = self
                    .models
                    .iter()
                    .map(|m| m.name.as_str())
                    .filter(|m| m.contains(name) || name.contains(*m))
                    .take(5)
                    .collect();
                let hint = if like.is_empty() { String::new() } else { format!("; did you mean {}?", like.join(", ")) };
                return Err(ModelError::Select(format!("no model named '{name}' in --select '{spec}'{hint}")));
            }
            chosen.insert(name.to_string());
            if upstream {
                let mut todo = vec![name.to_string()];
                while let Some(n) = todo.pop() {
                    for read in self.model(&n).map(|m| m.reads.clone()).unwrap_or_default() {
                        if self.model(&read).is_some() && chosen.insert(read.clone()) {
                            todo.push(read);
                        }
                    }
                }
            }
            if downstream {
                let mut todo = vec![name.to_string()];
                while let Some(n) = todo.pop() {
                    for m in self.models.iter().filter(|m| m.reads.contains(&n)) {
                        if chosen.insert(m.name.clone()) {
                            todo.push(m.name.clone());
                        }
                    }
                }
            }
        }
        Ok(chosen)
    }
}

fn invalid(file: &str, line: usize, message: String) -> ModelError {
    ModelError::Invalid { file: file.into(), line, message }
}

/// The text after `-- grain:` on the first non-empty line.
fn grain(text: &str) -> Option<String> {
    let first = text.lines().find(|l| !l.trim().is_empty())?;
    let rest = first.trim().strip_prefix("--")?.trim_start().strip_prefix("grain:")?.trim();
    (!rest.is_empty()).then(|| rest.to_string())
}

/// Whether the opening comment block has the line `-- <flag>`.
fn header_says(text: &str, flag: &str) -> bool {
    text.lines()
        .map(str::trim)
        .take_while(|l| l.starts_with("--") || l.is_empty())
        .any(|l| l.trim_start_matches('-').trim() == flag)
}

/// The line that starts a model's incremental form (see [`Model::incremental_rows`]).
pub const INCREMENTAL_ROWS: &str = "-- incremental rows";

/// The line that starts a model's incremental form for its whole table (see
/// [`Model::incremental_table`]).
pub const INCREMENTAL_TABLE: &str = "-- incremental table";

/// The start of the line that starts a model's whole-table form giving the rows of the
/// keys it touches; the key columns follow, separated by commas (see
/// [`Model::table_keys`]).
pub const INCREMENTAL_KEYS: &str = "-- incremental keys:";

/// The prefix of the TEMP table holding a per-ticket model's rows of the changed tickets
/// as the last build left them, which an incremental form may read.
pub const OLD_ROWS: &str = "build_old_";

/// The model `build_old_<name>` holds old rows of, if `relation` is such a table.
pub fn old_rows_of(relation: &str) -> Option<&str> {
    relation.strip_prefix(OLD_ROWS).filter(|m| !m.is_empty())
}

/// The key columns of a form after [`INCREMENTAL_KEYS`] (none for another form): plain
/// column names, at least one.
fn table_keys(text: &str, form: Option<(&str, &str)>, file: &str) -> Result<Vec<String>, ModelError> {
    if form.is_none_or(|(marker, _)| marker != INCREMENTAL_KEYS) {
        return Ok(Vec::new());
    }
    let (at, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.trim().starts_with(INCREMENTAL_KEYS))
        .expect("the form follows its line");
    let keys: Vec<String> = line.trim()[INCREMENTAL_KEYS.len()..].split(',').map(|k| k.trim().to_string()).collect();
    if keys.iter().any(|k| !is_identifier(k)) {
        let message = format!("'{INCREMENTAL_KEYS}' names the key columns, lower-case and separated by commas");
        return Err(invalid(file, at + 1, message));
    }
    Ok(keys)
}

fn trimmed(form: &str) -> String {
    form.trim_end().trim_end_matches(';').to_string()
}

/// The model's text before the line [`INCREMENTAL_ROWS`], [`INCREMENTAL_TABLE`] or
/// [`INCREMENTAL_KEYS`], and that line's marker with what follows it, if any.
fn split_incremental(text: &str) -> (&str, Option<(&'static str, &str)>) {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let marker = [INCREMENTAL_ROWS, INCREMENTAL_TABLE]
            .into_iter()
            .find(|m| line.trim() == *m)
            .or_else(|| line.trim().starts_with(INCREMENTAL_KEYS).then_some(INCREMENTAL_KEYS));
        if let Some(marker) = marker {
            return (&text[..at], Some((marker, &text[at + line.len()..])));
        }
        at += line.len();
    }
    (text, None)
}

/// An incremental form reads only what the model reads, its own table, `build_changed`
/// and the old rows of what it reads (`build_old_<name>`), so it runs where the model runs
/// in build order; a per-ticket model has no use for one.
fn check_incremental_rows(m: &Model) -> Result<(), ModelError> {
    let (marker, form) = match (&m.incremental_rows, &m.incremental_table) {
        (Some(form), _) => (INCREMENTAL_ROWS, form),
        (None, Some(form)) if m.table_keys.is_empty() => (INCREMENTAL_TABLE, form),
        (None, Some(form)) => (INCREMENTAL_KEYS, form),
        (None, None) => return Ok(()),
    };
    let line = m.sql.lines().count() + 1;
    if m.by_ticket {
        let message = format!("'{}' is '-- incremental: ticket' and has '{marker}': keep one", m.name);
        return Err(invalid(&m.file, line, message));
    }
    for (name, at) in relations(form) {
        let read = |n: &str| n == m.name || m.reads.iter().any(|r| r == n);
        if name != "build_changed" && !read(&name) && !old_rows_of(&name).is_some_and(read) {
            let message = format!(
                "the incremental form of '{}' reads '{name}', which the model does not read; \
                 it may read what the model reads, '{}' itself, build_changed and build_old_<what it reads>",
                m.name, m.name
            );
            return Err(invalid(&m.file, line + at, message));
        }
    }
    Ok(())
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Checks every relation a model reads against the layering rule.
fn check_reads(m: &Model, layer_of: &BTreeMap<String, (Layer, String)>) -> Result<(), ModelError> {
    for (name, line) in relations(&m.sql) {
        if GENERATED_INPUTS.contains(&name.as_str()) {
            continue;
        }
        if CANONICAL_TABLES.contains(&name.as_str()) {
            if m.layer != Layer::Staging {
                let message = format!(
                    "{} model '{}' reads the canonical table '{name}'; only staging does — read its staging model",
                    m.layer.dir(),
                    m.name
                );
                return Err(invalid(&m.file, line, message));
            }
            continue;
        }
        let Some((layer, _)) = layer_of.get(&name) else {
            let message = format!("'{}' reads '{name}', which is no model, canonical table or generated input", m.name);
            return Err(invalid(&m.file, line, message));
        };
        let below = Layer::ALL.iter().position(|l| l == &m.layer).and_then(|i| i.checked_sub(1)).map(|i| Layer::ALL[i]);
        if *layer > m.layer {
            let message = format!(
                "{} model '{}' reads '{name}' from the layer above ({}); a model reads only its own layer and the one below",
                m.layer.dir(),
                m.name,
                layer.dir()
            );
            return Err(invalid(&m.file, line, message));
        }
        if *layer != m.layer && Some(*layer) != below {
            let message = format!(
                "{} model '{}' reads '{name}' from {}, skipping a layer; read it through the layer below",
                m.layer.dir(),
                m.name,
                layer.dir()
            );
            return Err(invalid(&m.file, line, message));
        }
    }
    Ok(())
}

/// Orders one layer's models so each comes after the models of the same layer it reads;
/// ties by name, so the order is stable.
fn order_layer(layer: Layer, models: Vec<Model>) -> Result<Vec<Model>, ModelError> {
    let names: BTreeSet<String> = models.iter().map(|m| m.name.clone()).collect();
    let mut pending: BTreeMap<String, Model> = models.into_iter().map(|m| (m.name.clone(), m)).collect();
    let mut done: BTreeSet<String> = BTreeSet::new();
    let mut out = Vec::new();
    while !pending.is_empty() {
        let ready: Vec<String> = pending
            .values()
            .filter(|m| m.reads.iter().all(|r| !names.contains(r) || done.contains(r) || r == &m.name))
            .map(|m| m.name.clone())
            .collect();
        if ready.is_empty() {
            let circle: Vec<String> = pending.keys().map(|n| format!("{}/{n}", layer.dir())).collect();
            return Err(ModelError::Cycle(circle.join(", ")));
        }
        for name in ready {
            let m = pending.remove(&name).expect("ready models are pending");
            if m.reads.contains(&m.name) {
                return Err(invalid(&m.file, 1, format!("'{}' reads itself", m.name)));
            }
            done.insert(name);
            out.push(m);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(rel: &str, sql: &str) -> SourceFile {
        (rel.into(), sql.into())
    }

    #[test]
    fn selection_takes_upstream_and_downstream_models() {
        let set = ModelSet::from_files(
            "q",
            vec![
                file("staging/stg_a.sql", "-- grain: a\nSELECT * FROM ticket"),
                file("marts/fct_b.sql", "-- grain: b\nSELECT * FROM stg_a"),
                file("marts/fct_c.sql", "-- grain: c\nSELECT * FROM fct_b"),
                file("kpis/kpi_d.sql", "-- grain: d\nSELECT * FROM fct_c"),
                file("kpis/kpi_e.sql", "-- grain: e\nSELECT * FROM fct_b"),
            ],
        )
        .unwrap();
        let pick = |specs: &[&str]| -> Vec<String> {
            set.select(&specs.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap().into_iter().collect()
        };
        assert_eq!(pick(&["fct_c"]), vec!["fct_c"]);
        assert_eq!(pick(&["+fct_c"]), vec!["fct_b", "fct_c", "stg_a"]);
        assert_eq!(pick(&["fct_b+"]), vec!["fct_b", "fct_c", "kpi_d", "kpi_e"]);
        assert_eq!(pick(&["+fct_c+"]), vec!["fct_b", "fct_c", "kpi_d", "stg_a"]);
        assert_eq!(pick(&["kpi_d", "kpi_e"]), vec!["kpi_d", "kpi_e"]);
        let err = set.select(&["fct_x+".to_string()]).unwrap_err().to_string();
        assert!(err.contains("no model named 'fct_x'"), "{err}");
    }

    #[test]
    fn models_are_ordered_by_layer_then_dependency() {
        let set = ModelSet::from_files(
            "q",
            vec![
                file("kpis/kpi_a.sql", "-- grain: one row per month\nSELECT * FROM fct_b"),
                file("marts/fct_b.sql", "-- grain: one row per ticket\nSELECT * FROM fct_a JOIN stg_t USING (k)"),
                file("marts/fct_a.sql", "-- grain: one row per ticket\nSELECT * FROM stg_t, cfg_build"),
                file("staging/stg_t.sql", "-- grain: one row per ticket\nSELECT * FROM ticket;\n"),
                file("marts/checks.toml", "[fct_a]\n"),
                file("checks/no_negative.sql", "SELECT * FROM fct_a WHERE x < 0"),
            ],
        )
        .unwrap();
        let order: Vec<&str> = set.models.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(order, ["stg_t", "fct_a", "fct_b", "kpi_a"]);
        assert_eq!(set.model("fct_b").unwrap().reads, ["fct_a", "stg_t"]);
        assert_eq!(set.model("stg_t").unwrap().sql, "-- grain: one row per ticket\nSELECT * FROM ticket");
        assert_eq!(set.model("fct_a").unwrap().grain, "one row per ticket");
        assert_eq!(set.column_checks, vec![("q/marts/checks.toml".into(), "[fct_a]\n".into())]);
        assert_eq!(set.singular_checks[0].name, "no_negative");
    }

    #[test]
    fn layering_is_enforced_with_file_and_line() {
        let err = |files: Vec<SourceFile>| ModelSet::from_files("q", files).unwrap_err().to_string();
        let up = err(vec![
            file("marts/fct_a.sql", "-- grain: t\nSELECT *\nFROM kpi_x"),
            file("kpis/kpi_x.sql", "-- grain: m\nSELECT 1"),
        ]);
        assert_eq!(
            up,
            "q/marts/fct_a.sql:3: marts model 'fct_a' reads 'kpi_x' from the layer above (kpis); \
             a model reads only its own layer and the one below"
        );
        let raw = err(vec![file("kpis/kpi_x.sql", "-- grain: m\nSELECT * FROM ticket")]);
        assert!(raw.starts_with("q/kpis/kpi_x.sql:2: kpis model 'kpi_x' reads the canonical table 'ticket'"), "{raw}");
        let skip = err(vec![
            file("staging/stg_a.sql", "-- grain: t\nSELECT * FROM ticket"),
            file("kpis/kpi_x.sql", "-- grain: m\nSELECT * FROM stg_a"),
        ]);
        assert!(skip.contains("skipping a layer"), "{skip}");
        let unknown = err(vec![file("marts/fct_a.sql", "-- grain: t\nSELECT * FROM fct_nope")]);
        assert!(unknown.contains("'fct_nope', which is no model"), "{unknown}");
        let no_grain = err(vec![file("marts/fct_a.sql", "SELECT 1")]);
        assert!(no_grain.starts_with("q/marts/fct_a.sql:1: a model opens with '-- grain:"), "{no_grain}");
        let cycle = err(vec![
            file("marts/fct_a.sql", "-- grain: t\nSELECT * FROM fct_b"),
            file("marts/fct_b.sql", "-- grain: t\nSELECT * FROM fct_a"),
        ]);
        assert_eq!(cycle, "models read each other in a cycle: marts/fct_a, marts/fct_b");
        let twice = err(vec![
            file("marts/fct_a.sql", "-- grain: t\nSELECT 1"),
            file("kpis/fct_a.sql", "-- grain: t\nSELECT 1"),
        ]);
        assert!(twice.contains("also defined"), "{twice}");
    }

    #[test]
    fn an_incremental_form_follows_its_line_and_reads_only_what_the_model_reads() {
        let model = "-- grain: t\nSELECT * FROM fct_a CROSS JOIN cfg_kpi;\n";
        let form = "-- incremental rows\n-- why\nSELECT * FROM fct_a\nJOIN fct_b USING (k)\nSEMI JOIN build_changed USING (k)\n";
        let set = ModelSet::from_files(
            "q",
            vec![
                file("marts/fct_a.sql", "-- grain: t\nSELECT 1 AS k"),
                file("marts/fct_b.sql", &format!("{model}{form}")),
            ],
        )
        .unwrap();
        let b = set.model("fct_b").unwrap();
        assert_eq!(b.sql, "-- grain: t\nSELECT * FROM fct_a CROSS JOIN cfg_kpi");
        assert_eq!(b.reads, ["cfg_kpi", "fct_a"], "the form's reads are not the model's");
        assert_eq!(
            b.incremental_rows.as_deref(),
            Some("-- why\nSELECT * FROM fct_a\nJOIN fct_b USING (k)\nSEMI JOIN build_changed USING (k)")
        );
        assert_eq!(set.model("fct_a").unwrap().incremental_rows, None);

        let err = |files: Vec<SourceFile>| ModelSet::from_files("q", files).unwrap_err().to_string();
        let other = err(vec![
            file("marts/fct_a.sql", "-- grain: t\nSELECT 1 AS k"),
            file("marts/fct_c.sql", "-- grain: t\nSELECT 1 AS k"),
            file("marts/fct_b.sql", &format!("{model}-- incremental rows\nSELECT *\nFROM fct_c")),
        ]);
        assert!(other.starts_with("q/marts/fct_b.sql:5: the incremental form of 'fct_b' reads 'fct_c'"), "{other}");
        let both = err(vec![
            file("marts/fct_a.sql", "-- grain: t\nSELECT 1 AS k"),
            file("marts/fct_b.sql", &format!("-- grain: t\n-- incremental: ticket\nSELECT * FROM fct_a\n{form}")),
        ]);
        assert!(both.contains("keep one"), "{both}");
    }

    #[test]
    fn a_whole_table_form_may_read_the_old_rows_of_a_per_ticket_model_it_reads() {
        let per_ticket = file("marts/fct_a.sql", "-- grain: t\n-- incremental: ticket\nSELECT 1 AS k");
        let model = "-- grain: s\nSELECT k, count(*) AS n FROM fct_a GROUP BY k\n";
        let form = "-- incremental table\nSELECT k, sum(n) AS n FROM (\n  FROM fct_b UNION ALL FROM fct_a\n  \
                    UNION ALL SELECT k, -1 FROM build_old_fct_a) GROUP BY k\n";
        let set =
            ModelSet::from_files("q", vec![per_ticket.clone(), file("marts/fct_b.sql", &format!("{model}{form}"))])
                .unwrap();
        let b = set.model("fct_b").unwrap();
        assert_eq!(b.incremental_rows, None);
        assert!(b.incremental_table.as_deref().is_some_and(|f| f.ends_with("build_old_fct_a) GROUP BY k")));
        assert_eq!(b.reads, ["fct_a"]);
        assert_eq!(set.old_rows_read(), BTreeSet::from(["fct_a".to_string()]));

        let err = |files: Vec<SourceFile>| ModelSet::from_files("q", files).unwrap_err().to_string();
        let unread = err(vec![
            per_ticket.clone(),
            file("marts/fct_c.sql", "-- grain: t\n-- incremental: ticket\nSELECT 1 AS k"),
            file("marts/fct_b.sql", &format!("{model}-- incremental table\nSELECT * FROM\nbuild_old_fct_c")),
        ]);
        assert!(
            unread.starts_with("q/marts/fct_b.sql:5: the incremental form of 'fct_b' reads 'build_old_fct_c'"),
            "{unread}"
        );
        let whole = err(vec![
            file("marts/fct_a.sql", "-- grain: t\nSELECT 1 AS k"),
            file("marts/fct_b.sql", &format!("{model}{form}")),
        ]);
        assert!(whole.contains("reads 'build_old_fct_a', but 'fct_a' is no per-ticket model"), "{whole}");
    }

    #[test]
    fn a_keyed_form_names_its_key_columns() {
        let per_ticket = file("marts/fct_a.sql", "-- grain: t\n-- incremental: ticket\nSELECT 1 AS k");
        let model = "-- grain: s\nSELECT k, count(*) AS n FROM fct_a GROUP BY k\n";
        let form = "SELECT k, n, true AS keep FROM fct_a\n";
        let keyed = |line: &str| file("marts/fct_b.sql", &format!("{model}{line}\n{form}"));
        let set = ModelSet::from_files("q", vec![per_ticket.clone(), keyed("-- incremental keys: k")]).unwrap();
        let b = set.model("fct_b").unwrap();
        assert_eq!(
            (b.table_keys.as_slice(), b.incremental_table.as_deref()),
            (&["k".to_string()][..], Some(form.trim_end()))
        );
        assert_eq!(b.sql, model.trim_end());
        let two = ModelSet::from_files("q", vec![per_ticket.clone(), keyed("-- incremental keys: k,  n ")]).unwrap();
        assert_eq!(two.model("fct_b").unwrap().table_keys, ["k", "n"]);
        let plain = ModelSet::from_files("q", vec![per_ticket.clone(), keyed("-- incremental table")]).unwrap();
        assert!(plain.model("fct_b").unwrap().table_keys.is_empty());

        let err =
            |line: &str| ModelSet::from_files("q", vec![per_ticket.clone(), keyed(line)]).unwrap_err().to_string();
        assert!(err("-- incremental keys:").starts_with("q/marts/fct_b.sql:3: '-- incremental keys:' names"));
        assert!(err("-- incremental keys: k, \"N\"").contains("names the key columns"));
    }
}
