//! `itsm test`: the data checks of the built model (column checks from each layer's
//! checks.toml, singular checks from queries/checks/). Exit 1 when any check fails.

use std::path::PathBuf;
use std::process::ExitCode;

use super::Context;
use crate::compute;
use crate::render::output::{write_table, OutputFormat};
use crate::store::Store;

/// Arguments of `itsm test`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  itsm build && itsm test")]
pub struct Args {
    /// Directory of models whose checks to run instead of the shipped ones.
    #[arg(long, value_name = "DIR")]
    pub queries: Option<PathBuf>,
}

/// Runs `itsm test`.
pub fn run(cx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let failed = test(cx, args.queries.as_deref())?;
    Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// Runs the checks, prints each failure with its first rows, and returns how many failed.
pub fn test(cx: &Context, queries: Option<&std::path::Path>) -> anyhow::Result<usize> {
    if !cx.db.exists() {
        anyhow::bail!("database '{}' does not exist; create it with `itsm demo` or `itsm ingest`", cx.db.display());
    }
    let dir = queries.map(PathBuf::from).or_else(|| cx.config.queries.clone());
    let set = compute::load_models(dir.as_deref())?;
    let store = Store::open_read_only(&cx.db)?;
    let outcomes = compute::run_checks(&store, &set)?;
    let failed: Vec<&compute::CheckOutcome> = outcomes.iter().filter(|o| o.failures > 0).collect();
    let mut out = std::io::stdout().lock();
    for o in &failed {
        // Failures are the point of the command: printed even with --quiet.
        use std::io::Write;
        writeln!(
            out,
            "FAIL {} {} {}: {} failing rows; first {}:",
            o.model,
            o.column,
            o.check,
            o.failures,
            o.sample.rows.len()
        )?;
        write_table(&mut out, OutputFormat::Table, &o.sample)?;
    }
    drop(out);
    cx.say(format!("{} checks, {} passed, {} failed", outcomes.len(), outcomes.len() - failed.len(), failed.len()))?;
    Ok(failed.len())
}
