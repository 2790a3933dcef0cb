//! The command line: one file per subcommand, each an `Args` struct and a `run`.
//! This module parses global flags, resolves the configuration once and dispatches.

mod build;
mod calendar;
mod demo;
mod export;
pub mod format;
mod ingest;
mod init;
mod query;
pub mod report;
mod sample;
mod shell;
mod status;
mod test;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::model::TeamRow;

/// itsm turns service-desk ticket exports into the figures an IT operations unit is run by.
#[derive(Debug, Parser)]
#[command(
    name = "itsm",
    version,
    about = "Service-desk exports in, ITIL KPIs, billing basis and CAB evidence out",
    after_help = "Example:\n  itsm demo --dir itsm-demo      # sample data -> itsm-demo/itsm.duckdb\n  \
                  itsm ingest export/tickets.csv export/history.csv --profile generic"
)]
pub struct Cli {
    /// Database file (default: `db` in itsm.toml, else ./itsm.duckdb).
    #[arg(long, global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Configuration file (default: ./itsm.toml when it exists, else built-in defaults).
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Print more detail (timings, mapping decisions).
    #[arg(short, long, global = true, conflicts_with = "quiet")]
    pub verbose: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a first itsm.toml from your exports: profile, assignment groups, defaults.
    Init(init::Args),
    /// Load CSV and spreadsheet exports (or a REST API) into the database, one batch (one transaction) per file.
    Ingest(ingest::Args),
    /// Show batches, row counts, date ranges and the schema version.
    Status(status::Args),
    /// Write a deterministic, realistic sample export (tickets.csv + history.csv).
    Sample(sample::Args),
    /// Run the whole pipeline on sample data into a fresh directory.
    Demo(demo::Args),
    /// Business calendar: closed days, business minutes, deadlines.
    Calendar(calendar::Args),
    /// Build the SQL models of queries/ (staging -> marts -> kpis) into the database.
    Build(build::Args),
    /// Run the data checks of the built model; exit 1 when any fails.
    Test(test::Args),
    /// Run a read-only SQL query (or a .sql file) against the database.
    Query(query::Args),
    /// Render reports from the built KPI tables, or check report templates.
    Report(report::Args),
    /// Write built tables as Parquet, CSV or xlsx files (with a README.txt) for BI tools.
    Export(export::Args),
    /// Print the shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(shell::CompletionsArgs),
    /// Print the manual page (roff), or write one page per subcommand into a directory.
    Man(shell::ManArgs),
}

/// What every subcommand gets: resolved configuration and the global flags.
pub struct Context {
    /// The configuration.
    pub config: Config,
    /// Database file to use.
    pub db: PathBuf,
    /// `--quiet`.
    pub quiet: bool,
    /// `--verbose`.
    pub verbose: bool,
}

impl Context {
    /// Writes a line to stdout unless quiet. Errors (a closed pipe) go up to the caller.
    pub fn say(&self, line: impl std::fmt::Display) -> std::io::Result<()> {
        if self.quiet {
            return Ok(());
        }
        writeln!(std::io::stdout().lock(), "{line}")
    }

    /// Writes a line only with `--verbose`.
    pub fn detail(&self, line: impl std::fmt::Display) -> std::io::Result<()> {
        if self.verbose {
            writeln!(std::io::stderr().lock(), "{line}")?;
        }
        Ok(())
    }
}

/// Runs a parsed command line. Exit code 0 ok, 1 data checks failed; errors are returned.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let config = Config::load(cli.config.as_deref())?;
    let db = cli.db.clone().unwrap_or_else(|| config.db.clone());
    let cx = Context { config, db, quiet: cli.quiet, verbose: cli.verbose };
    match cli.command {
        Command::Init(args) => init::run(&cx, args),
        Command::Ingest(args) => ingest::run(&cx, args),
        Command::Status(args) => status::run(&cx, args),
        Command::Sample(args) => sample::run(&cx, args),
        Command::Demo(args) => demo::run(&cx, args),
        Command::Calendar(args) => calendar::run(&cx, args),
        Command::Build(args) => build::run(&cx, args),
        Command::Test(args) => test::run(&cx, args),
        Command::Query(args) => query::run(&cx, args),
        Command::Report(args) => report::run(&cx, args),
        Command::Export(args) => export::run(&cx, args),
        Command::Completions(args) => shell::completions(&args),
        Command::Man(args) => shell::man(&cx, &args),
    }
}

/// Advice printed after an error whose cause lies outside itsm: a full disk or a file-size
/// limit reached while DuckDB wrote the database or its write-ahead log.
pub fn hint(err: &anyhow::Error) -> Option<&'static str> {
    let full = ["File too large", "No space left on device", "Disk quota exceeded"];
    err.chain()
        .any(|e| {
            let text = e.to_string();
            full.iter().any(|f| text.contains(f))
        })
        .then_some(
            "the disk is full or a file-size limit (ulimit -f) was reached while writing the database; \
         the failed step was rolled back: free space and run the command again",
        )
}

/// The teams to write with a batch read through `profile`: the configured ones, or, when
/// the configuration names none, the sample organisation's for the `generic` profile only
/// (the format `itsm sample` writes), so that they never leak into a database of another
/// tool's export.
pub(crate) fn teams_for(config: &Config, profile: &str) -> Vec<TeamRow> {
    if config.teams_configured {
        config.team_rows()
    } else if profile == "generic" {
        crate::sample::team_rows()
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_disk_gets_a_hint_and_other_errors_none() {
        let duckdb = "IO Error: Could not write file \"/tmp/d/itsm.duckdb\": File too large";
        let err = anyhow::anyhow!(duckdb.to_string()).context("committing the build");
        assert!(hint(&err).is_some_and(|h| h.contains("disk is full")));
        let err = anyhow::anyhow!("Could not write file: No space left on device").context("ingest stopped");
        assert!(hint(&err).is_some());
        assert_eq!(hint(&anyhow::anyhow!("database 'x' does not exist")), None);
    }

    #[test]
    fn sample_teams_only_for_the_sample_format_unless_configured() {
        let d = Config::parse("").unwrap();
        assert!(teams_for(&d, "servicenow").is_empty() && !teams_for(&d, "generic").is_empty());
        let sample = teams_for(&d, "generic");
        assert!(sample.iter().any(|t| t.name == "Service Desk" && t.line == Some(1)));
        assert!(sample.iter().any(|t| t.name == "TPP KAV" && t.customer.as_deref() == Some("Kävlinge")));
        let c = Config::parse("[[team_rules]]\npattern = \"*1st*\"\nline = 1\n").unwrap();
        assert!(teams_for(&c, "generic").is_empty(), "configured rules replace the sample organisation");
        let demo = Config::parse(demo::DEMO_CONFIG).unwrap();
        assert_eq!(teams_for(&demo, "generic"), sample, "the demo's itsm.toml lists the sample's teams");
    }
}
