//! `itsm build`: run every SQL model of `queries/` into tables, layer by layer.

use std::path::PathBuf;
use std::process::ExitCode;

use super::Context;
use crate::compute::{self, BuildOptions, BuildReport};
use crate::store::Store;

/// Arguments of `itsm build`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  itsm build --db itsm-demo/itsm.duckdb\n  \
                        itsm build --as-of '2026-10-31 23:59'   # evaluate open tickets at the end of October\n  \
                        itsm build --select +kpi_sla_by_team_month   # that table and the models it reads\n  \
                        itsm build --full   # every table, not only the tickets that changed")]
pub struct Args {
    /// Directory of models to build instead of the shipped ones (`queries` in itsm.toml).
    #[arg(long, value_name = "DIR")]
    pub queries: Option<PathBuf>,
    /// Evaluate open tickets at this instant (RFC 3339, or local `YYYY-MM-DD HH:MM`);
    /// default: the newest instant in the data.
    #[arg(long, value_name = "INSTANT")]
    pub as_of: Option<String>,
    /// Build only these models: `NAME`, `NAME+` (and every model reading it), `+NAME`
    /// (and every model it reads), `+NAME+`; the other tables stay as the last build made
    /// them. Repeatable.
    #[arg(long, value_name = "MODEL", num_args = 1..)]
    pub select: Vec<String>,
    /// Rebuild every table. Without it a build after new batches recomputes only the
    /// tickets that changed, unless the configuration, a model, the teams or the calendar
    /// years changed since the last build (it says which).
    #[arg(long)]
    pub full: bool,
}

/// Runs `itsm build`.
pub fn run(cx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let report = build_selected(cx, args.queries.as_deref(), args.as_of.as_deref(), &args.select, args.full)?;
    print_report(cx, &report)?;
    Ok(ExitCode::SUCCESS)
}

/// Builds the models (shared with `itsm demo`).
pub fn build(cx: &Context, queries: Option<&std::path::Path>, as_of: Option<&str>) -> anyhow::Result<BuildReport> {
    build_selected(cx, queries, as_of, &[], false)
}

/// Builds the models `select` names (all when empty).
pub fn build_selected(
    cx: &Context,
    queries: Option<&std::path::Path>,
    as_of: Option<&str>,
    select: &[String],
    full: bool,
) -> anyhow::Result<BuildReport> {
    if !cx.db.exists() {
        anyhow::bail!("database '{}' does not exist; load data with `itsm ingest` or `itsm demo`", cx.db.display());
    }
    let dir = queries.map(PathBuf::from).or_else(|| cx.config.queries.clone());
    let set = compute::load_models(dir.as_deref())?;
    let as_of = match as_of {
        Some(text) => Some(super::calendar::instant(&cx.config.calendar(&cx.config.sla.calendar)?, text)?),
        None => None,
    };
    let opened = std::time::Instant::now();
    let mut store = Store::open(&cx.db)?;
    let _ = cx.detail(format!("step {:<34} {:>7.2} s", "opening the database", opened.elapsed().as_secs_f64()));
    let report =
        compute::build(&mut store, &cx.config, &set, &BuildOptions { as_of, select: select.to_vec(), full }, |m| {
            let _ = cx.detail(format!("built {:<28} {:>9} rows  {:>7.2} s", m.name, m.rows, m.seconds));
        })?;
    for (step, seconds) in &report.phases {
        let _ = cx.detail(format!("step {step:<34} {seconds:>7.2} s"));
    }
    if let Some(note) = first_line_note(&store)? {
        cx.say(note)?;
    }
    // Closing checkpoints what the commit left in the write-ahead log.
    let closing = std::time::Instant::now();
    drop(store);
    let _ = cx.detail(format!("step {:<34} {:>7.2} s", "closing the database", closing.elapsed().as_secs_f64()));
    Ok(report)
}

/// The note to print when first-touch resolution cannot be computed because no team is
/// on the 1st line (an export's groups without `[[teams]]` or `[[team_rules]]`): the FTR
/// figures would otherwise be silently empty (issue 12).
pub fn first_line_note(store: &Store) -> anyhow::Result<Option<String>> {
    let tickets = store.query_i64("SELECT count(*) FROM ticket")?;
    let first_line = store.query_i64("SELECT count(*) FROM team WHERE line = 1")?;
    Ok((tickets > 0 && first_line == 0).then(|| {
        let teams = store.query_i64("SELECT count(*) FROM team").unwrap_or(0);
        if teams == 0 {
            // Nothing to configure: the export names no group (the Italian helpdesk log).
            "note: FTR cannot be computed: the data names no assignment groups (the export, or its \
             profile, has no team column), so no ticket can be resolved by a 1st-line team"
                .to_string()
        } else {
            let lined = store.query_i64("SELECT count(*) FROM team WHERE line IS NOT NULL").unwrap_or(0);
            let which = if lined == 0 {
                "none with a line".to_string()
            } else {
                format!("{lined} with a line, none on the 1st")
            };
            format!(
                "note: FTR cannot be computed: no 1st-line team configured ({teams} teams in the data, {which}); \
                 give them lines with [[teams]] or [[team_rules]] in itsm.toml (`itsm status` prints rules for the \
                 names that say their line)"
            )
        }
    }))
}

/// Prints what a build did.
pub fn print_report(cx: &Context, report: &BuildReport) -> std::io::Result<()> {
    // A fold from +0.0: `sum` of no models is -0.0, printed as "-0.00 s" by an up-to-date build.
    let seconds = report.models.iter().fold(0.0, |total, m| total + m.seconds);
    let built = match report.models.len() {
        // An up-to-date build: "built 0 models in 0.00 s" read as if something had failed.
        0 => "nothing to build".to_string(),
        n => format!("built {n} models in {seconds:.2} s"),
    };
    cx.say(format!(
        "{built} (as of {} UTC, calendar years {}–{}; {})",
        report.info.as_of.format("%Y-%m-%d %H:%M:%S"),
        report.info.years.0,
        report.info.years.1,
        report.mode
    ))?;
    for m in &report.models {
        cx.say(format!(
            "  {:<8} {:<5} {:<28} {:>9} rows",
            m.layer.dir(),
            m.materialized.to_lowercase(),
            m.name,
            m.rows
        ))?;
    }
    for name in &report.dropped {
        cx.say(format!("  dropped {name} (its model no longer exists)"))?;
    }
    Ok(())
}
