//! Compute: the SQL models of `queries/` built into tables of the store, and the data
//! checks run against them (`itsm build`, `itsm test`).
//!
//! Owns: the build order and layering (models), the generated inputs the SQL reads
//! (inputs: configuration and calendar tables), the column checks (checks) and the
//! shipped copy of `queries/` compiled into the binary (shipped). Must not: open the
//! database itself or format output for people; it goes through the store and hands
//! plain values to the CLI.

pub mod checks;
mod incremental;
mod inputs;
pub mod models;
pub mod portfolio;
pub mod prices;
mod relations;
mod shipped;
mod teams;

use std::time::Instant;

use chrono::{DateTime, Utc};

pub use inputs::BuildInfo;
pub use models::{Layer, Model, ModelError, ModelSet};

use crate::config::{Config, ConfigError};
use crate::store::{Store, StoreError};
use crate::table::Table;

/// Errors of a build or a check run.
#[derive(Debug, thiserror::Error)]
pub enum ComputeError {
    /// A model file breaks a rule.
    #[error(transparent)]
    Models(#[from] ModelError),
    /// A `checks.toml` is invalid.
    #[error(transparent)]
    Checks(#[from] checks::CheckError),
    /// The configuration could not be turned into inputs (e.g. a calendar).
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A generated input table could not be made.
    #[error("generating input table {table}: {message}")]
    Input {
        /// The table.
        table: String,
        /// Why.
        message: String,
    },
    /// A model's SQL failed; nothing of this build is kept.
    #[error("model {name} ({file}) failed; the previous build is kept")]
    Model {
        /// The model.
        name: String,
        /// Its file.
        file: String,
        /// DuckDB's reason.
        source: StoreError,
    },
    /// A model whose header says `-- incremental: ticket` computed rows of tickets that did
    /// not change (it reads a model built in full without joining a per-ticket one).
    #[error(
        "model {name} ({file}) says '-- incremental: ticket' but gave {rows} rows of tickets that did not \
         change: each of its rows must come from a per-ticket model it reads; remove the line or fix the joins"
    )]
    NotPerTicket {
        /// The model.
        name: String,
        /// Its file.
        file: String,
        /// Rows of unchanged tickets.
        rows: i64,
    },
    /// A model's incremental form for its whole table gave other columns than the table's.
    #[error(
        "the incremental table of model {name} ({file}) has the columns ({form}), its table ({table}); \
         give the model's columns in its order and types"
    )]
    FormColumns {
        /// The model.
        name: String,
        /// Its file.
        file: String,
        /// The table's columns and types.
        table: String,
        /// The form's.
        form: String,
    },
    /// A check's SQL failed.
    #[error("check {check} on {model} ({file}) could not run")]
    CheckQuery {
        /// The model checked.
        model: String,
        /// The check.
        check: String,
        /// Where it is declared.
        file: String,
        /// DuckDB's reason.
        source: StoreError,
    },
    /// The store failed outside a model.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The shipped models, as compiled into this binary from `queries/`.
pub fn shipped_models() -> Result<ModelSet, ModelError> {
    let files = shipped::FILES.iter().map(|(rel, text)| (rel.to_string(), text.to_string())).collect();
    ModelSet::from_files("queries", files)
}

/// The models of `dir` when given, else the shipped ones.
pub fn load_models(dir: Option<&std::path::Path>) -> Result<ModelSet, ModelError> {
    match dir {
        Some(dir) => ModelSet::load_dir(dir),
        None => shipped_models(),
    }
}

/// Options of a build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The instant open tickets are evaluated at; default: the newest instant in the data
    /// (latest `updated_at` or event), so a build of the same data gives the same figures.
    pub as_of: Option<DateTime<Utc>>,
    /// dbt-style selection (`name`, `name+`, `+name`, `+name+`); empty: every model. A
    /// selective build leaves the other models' tables as an earlier build made them.
    pub select: Vec<String>,
    /// Rebuild every table even when an incremental build would do.
    pub full: bool,
}

/// One model as built.
#[derive(Debug, Clone, PartialEq)]
pub struct BuiltModel {
    /// Table name.
    pub name: String,
    /// Its layer.
    pub layer: Layer,
    /// `TABLE` or `VIEW`.
    pub materialized: &'static str,
    /// Rows in the table.
    pub rows: i64,
    /// Seconds it took.
    pub seconds: f64,
}

/// What a build did.
#[derive(Debug, Clone)]
pub struct BuildReport {
    /// Inputs it was computed for.
    pub info: BuildInfo,
    /// Models in build order.
    pub models: Vec<BuiltModel>,
    /// Derived tables of an earlier build whose model no longer exists, now dropped.
    pub dropped: Vec<String>,
    /// `full (why)`, `incremental (N tickets changed)` or `selected`.
    pub mode: String,
    /// The build's steps outside the models and the seconds each took (opening the
    /// transaction, the generated inputs, the build state, finding the changed tickets,
    /// the registry, the commit), in order, for `--verbose`.
    pub phases: Vec<(String, f64)>,
}

/// Times the steps of a build: each call to [`Phases::lap`] closes the step since the last.
#[derive(Debug)]
struct Phases {
    last: Instant,
    laps: Vec<(String, f64)>,
}

impl Phases {
    fn start() -> Phases {
        Phases { last: Instant::now(), laps: Vec::new() }
    }

    /// Ends the step `name` now.
    fn lap(&mut self, name: &str) {
        let now = Instant::now();
        self.laps.push((name.to_string(), (now - self.last).as_secs_f64()));
        self.last = now;
    }
}

/// Builds every model in one transaction: the generated inputs first, then each model
/// replaced by `CREATE OR REPLACE TABLE … AS`, then the `build_model` registry. A failure
/// rolls back the whole build, so the previous tables stay as they were.
pub fn build(
    store: &mut Store,
    config: &Config,
    set: &ModelSet,
    opts: &BuildOptions,
    progress: impl FnMut(&BuiltModel),
) -> Result<BuildReport, ComputeError> {
    let built = build_in(store, config, set, opts, progress);
    // The build's settings are the database's, not its transaction's (SET is not rolled
    // back): give them back whatever happened, so a failed or up-to-date build does not
    // leave them to what the store does next.
    let reset = store.query_table("RESET write_buffer_row_group_count");
    let vacuum = store.query_table("RESET max_vacuum_tasks");
    let report = built?;
    reset?;
    vacuum?;
    Ok(report)
}

fn build_in(
    store: &mut Store,
    config: &Config,
    set: &ModelSet,
    opts: &BuildOptions,
    mut progress: impl FnMut(&BuiltModel),
) -> Result<BuildReport, ComputeError> {
    let mut phases = Phases::start();
    let tx = store.begin_derive()?;
    let as_of = match opts.as_of {
        Some(t) => t,
        None => {
            let us = tx.query_i64(
                "SELECT coalesce(epoch_us(greatest((SELECT max(updated_at) FROM ticket), \
                 (SELECT max(occurred_at) FROM ticket_event))), epoch_us(now()::TIMESTAMP))",
            )?;
            DateTime::from_timestamp_micros(us).unwrap_or_else(Utc::now)
        }
    };
    let year = |sql: &str| -> Result<Option<i32>, ComputeError> {
        let y = tx.query_i64(sql)?;
        Ok((y != i64::MIN).then_some(y as i32))
    };
    let first = year("SELECT coalesce(year(min(opened_at)), -9223372036854775808) FROM ticket")?;
    // The loads too: the monthly report lists each batch under the local month it was
    // loaded in, and an export of 2013 loaded in 2026 must not get a month of 2014 from
    // a calendar that ends there. It also keeps "now" (the loads' time, give or take)
    // inside the calendar for `itsm report dispatch`.
    let last = year(
        "SELECT coalesce(year(greatest(max(opened_at), max(resolved_at), max(closed_at), max(updated_at), \
         (SELECT max(finished_at) FROM ingest_batch))), -9223372036854775808) FROM ticket",
    )?;
    let info = BuildInfo { as_of, years: inputs::year_range(first, last, as_of), config_sha256: config.sha256() };
    phases.lap("transaction, as-of, calendar years");
    // The lines itsm.toml gives the teams, also those given after the exports were loaded.
    let teams_moved = teams::follow_config(&tx, config)?;
    inputs::write(&tx, config, &info)?;
    phases.lap("generated inputs");
    // DuckDB plans an ASOF join as a nested loop when it guesses the probe side is small,
    // and its guesses after the models' filters are far too low (measured: 0.22 s instead
    // of 1.95 s for fct_status_interval on the demo data). Every probe side here is big.
    tx.execute("SET asof_loop_join_threshold = 0", "configuring ASOF joins")?;
    // Tables have no row order (every reader says ORDER BY); not keeping the order of
    // insertion lets DuckDB write results from its threads as they come.
    tx.execute("SET preserve_insertion_order = false", "configuring the build")?;
    // DuckDB keeps up to five full row groups of a table in memory (its default) and
    // compresses the last of them at commit; one writes each as it fills, as an ingest batch
    // does (store::batch). Full 1M build, 2 alternating pairs: 21.67 / 22.21 s and 1.26 GB
    // against 22.13 / 23.30 s and 1.36 GB. The setting is the database's: `build` resets it.
    tx.execute("SET write_buffer_row_group_count = 1", "configuring the build")?;

    let registry_exists = tx.query_i64(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' AND table_name = 'build_model'",
    )? > 0;
    let previous: Vec<String> =
        if registry_exists { tx.query_column("SELECT name FROM build_model ORDER BY name")? } else { Vec::new() };

    // Staging only renames and casts: views cost nothing to build and copy nothing (on the
    // 1M-ticket sample, copying stg_ticket and stg_ticket_event took 5.7 s of 32 s). Marts
    // and KPIs are tables, so reports and checks read them without recomputing.
    let existing: Vec<String> = tx.query_column(
        "SELECT table_name || ':' || table_type FROM information_schema.tables WHERE table_schema = 'main'",
    )?;
    // Shared macros first: a user's queries directory without macros.sql gets the shipped
    // ones, so models copied from the shipped set keep working.
    let shipped;
    let macros = match &set.macros {
        Some(m) => m,
        None => {
            shipped = shipped_models()?.macros.unwrap_or_default();
            &shipped
        }
    };
    if !macros.1.trim().is_empty() {
        tx.execute(&macros.1, &format!("creating the macros of {}", macros.0))
            .map_err(|source| ComputeError::Model { name: "macros".into(), file: macros.0.clone(), source })?;
    }
    phases.lap("registry and macros");
    let selected = if opts.select.is_empty() { None } else { Some(set.select(&opts.select)?) };
    let chosen = |name: &str| selected.as_ref().is_none_or(|s| s.contains(name));
    if selected.is_some() {
        // What a selected model reads outside the selection must be there from a build.
        for m in set.models.iter().filter(|m| chosen(&m.name)) {
            for read in m.reads.iter().filter(|r| set.model(r).is_some() && !chosen(r)) {
                if !existing.iter().any(|e| e.split(':').next() == Some(read.as_str())) {
                    return Err(ModelError::Select(format!(
                        "{} reads {read}, which has not been built yet; select '+{}' to build it too",
                        m.name, m.name
                    ))
                    .into());
                }
            }
        }
    }
    let now = incremental::State::now(&tx, set, &info, opts.as_of.is_some(), selected.is_none())?;
    let last = incremental::State::last(&tx)?;
    let why_full = if selected.is_some() {
        None
    } else if opts.full {
        Some("--full".to_string())
    } else {
        incremental::why_full(last.as_ref(), &now)
    };
    let incremental = if selected.is_none() && why_full.is_none() { last } else { None };
    phases.lap("build state (hashes)");
    if let Some(last) = incremental.as_ref().filter(|last| incremental::up_to_date(last, &now)) {
        // Nothing ingested, the same as-of: every table stands as the last build left it
        // (the generated inputs written above are the same rows; they are rolled back).
        drop(tx);
        phases.lap("rollback");
        let mode = format!(
            "up to date: nothing ingested since the build as of {} UTC, its tables stand",
            incremental::instant(last.as_of_us).format("%Y-%m-%d %H:%M:%S")
        );
        return Ok(BuildReport { info, models: Vec::new(), dropped: Vec::new(), mode, phases: phases.laps });
    }
    let mut built = Vec::new();
    // An incremental build's checkpoint does not vacuum (see incremental::rebuild).
    let hold_vacuum = incremental.is_some();
    let mode = match incremental {
        Some(last) => {
            // Incremental: the changed tickets first (read from the last build's tables).
            let changed = incremental::changed_tickets(&tx, &last)?;
            phases.lap("changed tickets");
            let db = tx.query_column("SELECT current_database()")?.pop().unwrap_or_default();
            // Staging comes first in build order; its views must exist to be shadowed.
            for m in set.models.iter().filter(|m| m.layer == Layer::Staging) {
                built.push(build_model(&tx, m, &existing, &mut progress)?);
            }
            let mut shadows = incremental::Shadows::new(&tx, &db, set)?;
            let mut compacted = Vec::new();
            let mut formed = Vec::new();
            phases.lap("staging views and their shadows");
            for m in set.models.iter().filter(|m| m.layer != Layer::Staging) {
                let switch = shadows.before(m);
                if !switch.is_empty() {
                    tx.execute(&switch, "switching the incremental build's shadows")?;
                }
                let started = Instant::now();
                let (rows, whole) = match (&m.incremental_rows, &m.incremental_table, m.by_ticket) {
                    (_, _, true) => incremental::rebuild(&tx, &db, m, shadows.keeps_old(m))?,
                    (Some(form), _, false) => {
                        let (rows, whole, given) = incremental::rebuild_rows(&tx, &db, m, form)?;
                        formed.push(format!("{} ({given} rows)", m.name));
                        (rows, whole)
                    }
                    (None, Some(form), false) => {
                        let (rows, old, whole) = incremental::rebuild_table(&tx, &db, m, form)?;
                        let what = if m.table_keys.is_empty() { "whole table" } else { "by keys" };
                        formed.push(format!("{} ({what}, {old} replaced rows read)", m.name));
                        (rows, whole)
                    }
                    (None, None, false) => {
                        built.push(build_model(&tx, m, &existing, &mut progress)?);
                        continue;
                    }
                };
                if whole {
                    compacted.push(m.name.clone());
                }
                if m.by_ticket {
                    shadows.built(m);
                }
                let model = BuiltModel {
                    name: m.name.clone(),
                    layer: m.layer,
                    materialized: "TABLE",
                    rows,
                    seconds: started.elapsed().as_secs_f64(),
                };
                progress(&model);
                built.push(model);
            }
            phases.lap("models");
            tx.execute(&shadows.drop_all(), "dropping the incremental build's shadows")?;
            phases.lap("dropping the shadows");
            let compacted = if compacted.is_empty() {
                String::new()
            } else {
                format!(
                    "; rewritten whole (over {:.0} % replaced rows): {}",
                    incremental::COMPACT_SHARE * 100.0,
                    compacted.join(", ")
                )
            };
            let formed = if formed.is_empty() {
                String::new()
            } else {
                format!("; recomputed from their incremental rows: {}", formed.join(", "))
            };
            format!(
                "incremental: {changed} tickets changed since the build as of {} UTC{formed}{compacted}",
                incremental::instant(last.as_of_us).format("%Y-%m-%d %H:%M:%S")
            )
        }
        _ => {
            for m in set.models.iter().filter(|m| chosen(&m.name)) {
                built.push(build_model(&tx, m, &existing, &mut progress)?);
            }
            phases.lap("models");
            // Not incremental: a selection, or a full build with its reason.
            match why_full {
                Some(why) if selected.is_none() => format!("full: {why}"),
                _ => "selected".to_string(),
            }
        }
    };

    let current: Vec<&str> = set.models.iter().map(|m| m.name.as_str()).collect();
    // Only a full build knows which models are gone.
    let dropped: Vec<String> = if selected.is_some() {
        Vec::new()
    } else {
        previous.into_iter().filter(|p| !current.contains(&p.as_str())).collect()
    };
    for name in &dropped {
        let quoted = format!("\"{}\"", name.replace('"', "\"\""));
        for (kind, listed) in [("VIEW", "VIEW"), ("TABLE", "BASE TABLE")] {
            if existing.iter().any(|e| *e == format!("{name}:{listed}")) {
                tx.execute(&format!("DROP {kind} IF EXISTS {quoted} CASCADE"), "dropping a removed model")?;
            }
        }
    }
    let registry: Vec<String> = set
        .models
        .iter()
        .filter(|m| chosen(&m.name))
        .zip(&built)
        .map(|(m, b)| {
            format!(
                "('{}', '{}', '{}', '{}', '{}', {}, {})",
                m.name,
                m.layer.dir(),
                b.materialized,
                m.file.replace('\'', "''"),
                m.grain.replace('\'', "''"),
                b.rows,
                b.seconds
            )
        })
        .collect();
    let create = if selected.is_some() && registry_exists {
        // A selective build replaces its models' rows and keeps the others'.
        let names: Vec<String> = built.iter().map(|b| format!("'{}'", b.name)).collect();
        format!("DELETE FROM build_model WHERE name IN ({})", names.join(", "))
    } else {
        "CREATE OR REPLACE TABLE build_model (name VARCHAR PRIMARY KEY, layer VARCHAR, materialized VARCHAR, \
         file VARCHAR, grain VARCHAR, rows BIGINT, seconds DOUBLE)"
            .to_string()
    };
    tx.execute(&create, "writing the build registry")?;
    if !registry.is_empty() {
        tx.execute(&format!("INSERT INTO build_model VALUES {}", registry.join(", ")), "writing the build registry")?;
    }
    now.write(&tx)?;
    phases.lap("registry and build state");
    if hold_vacuum {
        tx.execute("SET max_vacuum_tasks = 0", "holding back the checkpoint's vacuum")?;
    }
    let committed = tx.commit();
    phases.lap("commit");
    if hold_vacuum {
        // The setting is the database's: checkpoint now, while it holds (`build` resets it).
        let checkpoint = store.query_table("CHECKPOINT");
        committed?;
        checkpoint?;
        phases.lap("checkpoint");
    } else {
        committed?;
    }
    let mode = match teams_moved {
        0 => mode,
        n => format!("{mode}; team lines from itsm.toml: {n} teams changed"),
    };
    Ok(BuildReport { info, models: built, dropped, mode, phases: phases.laps })
}

/// Builds one model in full: `CREATE OR REPLACE` its view (staging) or table, replacing a
/// relation of the other kind left by an older build.
fn build_model(
    tx: &crate::store::Derive<'_>,
    m: &Model,
    existing: &[String],
    progress: &mut impl FnMut(&BuiltModel),
) -> Result<BuiltModel, ComputeError> {
    let started = Instant::now();
    let fail = |source| ComputeError::Model { name: m.name.clone(), file: m.file.clone(), source };
    let kind = if m.layer == Layer::Staging { "VIEW" } else { "TABLE" };
    for other in ["VIEW", "TABLE"].into_iter().filter(|k| *k != kind) {
        let listed = if other == "VIEW" { "VIEW" } else { "BASE TABLE" };
        if existing.iter().any(|e| *e == format!("{}:{listed}", m.name)) {
            tx.execute(&format!("DROP {other} {} CASCADE", m.name), &format!("replacing {}", m.name)).map_err(fail)?;
        }
    }
    let create = format!("CREATE OR REPLACE {kind} {} AS\n{}\n", m.name, m.sql);
    let context = format!("building {}", m.name);
    // A table's rows are what its CREATE TABLE … AS wrote; a view's must be counted.
    let rows = if kind == "TABLE" {
        tx.execute_count(&create, &context).map_err(fail)?
    } else {
        tx.execute(&create, &context).map_err(fail)?;
        tx.query_i64(&format!("SELECT count(*) FROM {}", m.name)).map_err(fail)?
    };
    let model = BuiltModel {
        name: m.name.clone(),
        layer: m.layer,
        materialized: kind,
        rows,
        seconds: started.elapsed().as_secs_f64(),
    };
    progress(&model);
    Ok(model)
}

/// The outcome of one data check.
#[derive(Debug, Clone)]
pub struct CheckOutcome {
    /// Model checked (or the singular check's name).
    pub model: String,
    /// Column(s), empty for a singular check.
    pub column: String,
    /// Check name, e.g. `not_null` or `singular`.
    pub check: String,
    /// Failing rows.
    pub failures: i64,
    /// The first failing rows.
    pub sample: Table,
}

/// How many failing rows a check shows.
pub const SAMPLE_ROWS: usize = 5;

/// Runs every column check and singular check against the built tables.
pub fn run_checks(store: &Store, set: &ModelSet) -> Result<Vec<CheckOutcome>, ComputeError> {
    let mut outcomes = Vec::new();
    let mut run = |model: &str, column: String, check: String, file: &str, sql: &str| -> Result<(), ComputeError> {
        let fail =
            |source| ComputeError::CheckQuery { model: model.into(), check: check.clone(), file: file.into(), source };
        let failures = store.query_i64(&format!("SELECT count(*) FROM ({sql}) AS f")).map_err(fail)?;
        let sample = if failures > 0 {
            store.query_table(&format!("SELECT * FROM ({sql}) AS f LIMIT {SAMPLE_ROWS}")).map_err(fail)?
        } else {
            Table::default()
        };
        outcomes.push(CheckOutcome { model: model.into(), column, check, failures, sample });
        Ok(())
    };
    for (file, text) in &set.column_checks {
        for c in checks::parse_checks(text, file)? {
            run(&c.model, c.column_label(), c.name(), file, &c.failing_rows_sql())?;
        }
    }
    for s in &set.singular_checks {
        run(&s.name, String::new(), "singular".into(), &s.file, &s.sql)?;
    }
    Ok(outcomes)
}
