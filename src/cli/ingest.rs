//! `itsm ingest`: CSV exports into the database through a profile.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;

use super::Context;
use crate::ingest::{self, profile::Profile, IngestOptions, IngestReport};
use crate::model::FileKind;
use crate::store::Store;

/// Arguments of `itsm ingest`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  itsm ingest export/tickets.csv export/history.csv --profile generic --source sample"
)]
pub struct Args {
    /// CSV files (tickets or history, told apart by their header). Each is its own batch.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Profile: a built-in name (generic) or a path to a .toml file.
    /// Default: the profile of --source in itsm.toml, else generic.
    #[arg(long, value_name = "NAME|PATH.toml")]
    pub profile: Option<String>,
    /// Source name, part of every ticket's key (default: the profile's name).
    #[arg(long, value_name = "NAME")]
    pub source: Option<String>,
    /// Treat the files as this kind instead of reading it from the header.
    #[arg(long, value_parser = ["tickets", "history"])]
    pub kind: Option<String>,
}

/// Runs `itsm ingest`.
pub fn run(cx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let profile_name = match (&args.profile, &args.source) {
        (Some(p), _) => p.clone(),
        (None, Some(s)) => match cx.config.sources.get(s) {
            Some(src) => src.profile.clone(),
            None => anyhow::bail!("source '{s}' is not configured in [sources] and no --profile was given"),
        },
        (None, None) => "generic".into(),
    };
    let profile = Profile::load(&profile_name)?;
    let source = args.source.clone().unwrap_or_else(|| profile.name.clone());
    let kind = args.kind.as_deref().map(|k| if k == "tickets" { FileKind::Tickets } else { FileKind::History });
    let mut store = Store::open(&cx.db)?;
    let opts = IngestOptions {
        source,
        profile: &profile,
        kind,
        teams: cx.config.team_rows(),
        progress: !cx.quiet,
        verbose: cx.verbose,
    };
    for file in &args.files {
        let report = ingest::ingest_file(&mut store, file, &opts).with_context(|| {
            format!("ingest into '{}' stopped; the database is as it was before this file", cx.db.display())
        })?;
        print_report(cx, &report)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints what one file did.
pub fn print_report(cx: &Context, r: &IngestReport) -> std::io::Result<()> {
    let file = r.path.display();
    if r.already_ingested {
        return cx.say(format!("{file}: already ingested as batch {} (same content); 0 new rows", r.batch_id));
    }
    cx.say(format!(
        "{file}: batch {} ({}, {}, '{}'): {} read = {} loaded + {} rejected; {} new, {} updated, {} unchanged",
        r.batch_id,
        r.kind,
        r.encoding,
        r.delimiter.escape_default(),
        r.rows_read,
        r.rows_loaded,
        r.rows_rejected,
        r.counts.new,
        r.counts.updated,
        r.counts.unchanged
    ))?;
    for (line, column, reason) in &r.first_rejections {
        let column = column.as_deref().map(|c| format!(", column '{c}'")).unwrap_or_default();
        cx.say(format!("  rejected line {line}{column}: {reason}"))?;
    }
    if r.rows_rejected > r.first_rejections.len() as i64 {
        cx.say(format!(
            "  … {} more; every rejected row is kept in rejected_row (batch_id = {})",
            r.rows_rejected - r.first_rejections.len() as i64,
            r.batch_id
        ))?;
    }
    cx.detail(format!("{file}: {:.2} s, {:.0} rows/s", r.seconds, r.rows_read as f64 / r.seconds.max(1e-9)))
}
