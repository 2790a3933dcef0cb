//! `itsm ingest`: CSV exports and spreadsheet workbooks into the database through a profile.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;

use super::Context;
use crate::ingest::{self, detect, profile::Profile, Form, IngestOptions, IngestReport};
use crate::model::FileKind;
use crate::store::Store;

/// Arguments of `itsm ingest`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  itsm ingest export/tickets.csv export/history.csv --profile generic --source sample"
)]
pub struct Args {
    /// CSV files or workbooks (.xlsx, .xls, .ods), tickets or history told apart by their
    /// header; each file is its own batch. Or `api` with `--source NAME`: fetch from the
    /// source's REST API (`[sources.NAME.api]` in itsm.toml) as one batch.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Profile: a built-in name (generic) or a path to a .toml file.
    /// Default: the profile of --source in itsm.toml; without --source, each file's profile
    /// is detected from its header (as `itsm init` does), and a file no profile reads is refused.
    #[arg(long, value_name = "NAME|PATH.toml")]
    pub profile: Option<String>,
    /// Source name, part of every ticket's key (default: the profile's name).
    #[arg(long, value_name = "NAME")]
    pub source: Option<String>,
    /// Treat the files as this kind instead of reading it from the header.
    #[arg(long, value_parser = ["tickets", "history"])]
    pub kind: Option<String>,
    /// With `itsm ingest api`: fetch everything, not only what changed since the newest
    /// `updated_at` of the source.
    #[arg(long)]
    pub full: bool,
    /// Only this sheet of an Excel or OpenDocument workbook (default: every sheet whose
    /// header matches the profile's tickets or history columns, in one batch).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// IANA time zone of the export's timestamps without an offset (the exporting user's
    /// zone); overrides the profile's `timezone`.
    #[arg(long, value_name = "ZONE")]
    pub timezone: Option<String>,
}

/// Runs `itsm ingest`.
pub fn run(cx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let api = args.files.len() == 1 && args.files[0] == std::path::Path::new("api") && !args.files[0].exists();
    let profile_name = match (&args.profile, &args.source) {
        (Some(p), _) => p.clone(),
        (None, Some(s)) => match cx.config.sources.get(s) {
            Some(src) => src.profile.clone(),
            None => anyhow::bail!("source '{s}' is not configured in [sources] and no --profile was given"),
        },
        (None, None) if api => "generic".into(),
        (None, None) => return ingest_detected(cx, &args),
    };
    let profile = load_profile(&profile_name, &args)?;
    if api {
        return ingest_api(cx, &args, &profile);
    }
    let mut store = Store::open(&cx.db)?;
    let source = args.source.clone().unwrap_or_else(|| profile.name.clone());
    let opts = options(cx, &args, source, &profile);
    ingest::prescanned(
        &args.files,
        |_| Some(profile.clone()),
        |file, scanned| ingest_one(cx, &mut store, file, scanned, &opts),
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Without --profile and --source: each file through the built-in profile detection picks,
/// said in one line; a file no profile reads stops the run with the ranking.
fn ingest_detected(cx: &Context, args: &Args) -> anyhow::Result<ExitCode> {
    // A FIFO or a device can be read once only: finding its profile would consume it (or,
    // with nothing written yet, wait for its writer), so it needs --profile. Refused before
    // anything is opened or created.
    if let Some(file) = args.files.iter().find(|f| std::fs::metadata(f).is_ok_and(|m| !m.is_file())) {
        anyhow::bail!(
            "'{}' is not a regular file (a pipe or a device can be read only once, and finding its profile \
             would read it): name the profile with --profile (or --source)",
            file.display()
        );
    }
    let mut store = Store::open(&cx.db)?;
    let profile_of = |file: &std::path::Path| {
        let d = detect::detect_file(file, args.sheet.as_deref(), false).ok()?;
        load_profile(&d.winner()?.profile, args).ok()
    };
    ingest::prescanned(&args.files, profile_of, |file, scanned| {
        let d = detect::detect_file(file, args.sheet.as_deref(), false)
            .with_context(|| format!("ingest of '{}' stopped before it began", file.display()))?;
        let Some(winner) = d.winner() else {
            let ranking: Vec<String> = d.ranking.iter().take(5).map(|m| format!("  {}", m.summary())).collect();
            let best = d.ranking.first().map(|m| m.missing.join(", ")).unwrap_or_default();
            anyhow::bail!(
                "'{}': {} (the best lacks {best}); name one with --profile, or write one (see profiles/). \
                 Best matches:\n{}",
                file.display(),
                d.reason(),
                ranking.join("\n")
            );
        };
        cx.say(format!("{}: {}", file.display(), d.reason()))?;
        let profile = load_profile(&winner.profile, args)?;
        let opts = options(cx, args, profile.name.clone(), &profile);
        ingest_one(cx, &mut store, file, scanned, &opts)
    })?;
    Ok(ExitCode::SUCCESS)
}

/// The profile, with `--timezone` applied.
fn load_profile(name: &str, args: &Args) -> anyhow::Result<Profile> {
    let mut profile = Profile::load(name)?;
    if let Some(tz) = &args.timezone {
        tz.parse::<chrono_tz::Tz>()
            .map_err(|_| anyhow::anyhow!("--timezone '{tz}' is not an IANA time zone name (e.g. Europe/Stockholm)"))?;
        profile.timezone = tz.clone();
    }
    Ok(profile)
}

/// How to ingest files through `profile` into `source`.
fn options<'p>(cx: &Context, args: &Args, source: String, profile: &'p Profile) -> IngestOptions<'p> {
    IngestOptions {
        source,
        profile,
        kind: args.kind.as_deref().map(|k| if k == "tickets" { FileKind::Tickets } else { FileKind::History }),
        sheet: args.sheet.clone(),
        teams: super::teams_for(&cx.config, &profile.name),
        team_rules: cx.config.team_rules(),
        progress: !cx.quiet,
        verbose: cx.verbose,
    }
}

/// One file as one batch, its report printed.
fn ingest_one(
    cx: &Context,
    store: &mut Store,
    file: &std::path::Path,
    scanned: Option<ingest::Scanned>,
    opts: &IngestOptions<'_>,
) -> anyhow::Result<()> {
    let report = ingest::ingest_scanned(store, file, scanned, opts).with_context(|| {
        format!("ingest into '{}' stopped; the database is as it was before this file", cx.db.display())
    })?;
    print_report(cx, &report)?;
    Ok(())
}

/// `itsm ingest api --source NAME`: one run = one transaction; incremental from the newest
/// `updated_at` of the source unless `--full`.
///
/// The database is not held while the API answers, which may take minutes: the watermark
/// is read through a read-only connection closed before the first request, and the
/// database is opened for writing once every record has arrived. Reports, queries and
/// builds run meanwhile; a ticket another command stored in between is merged as any
/// update is (the newest `updated_at` wins).
fn ingest_api(cx: &Context, args: &Args, profile: &Profile) -> anyhow::Result<ExitCode> {
    let name = args.source.as_deref().ok_or_else(|| anyhow::anyhow!("`itsm ingest api` needs --source NAME"))?;
    let api = cx
        .config
        .sources
        .get(name)
        .and_then(|s| s.api.as_ref())
        .ok_or_else(|| anyhow::anyhow!("source '{name}' has no [sources.{name}.api] in the configuration"))?;
    // Without a database yet there is nothing to be newer than.
    let since = if args.full || !cx.db.exists() {
        None
    } else {
        let sql = format!(
            "SELECT coalesce(epoch_us(max(updated_at)), -1) FROM ticket WHERE source = '{}'",
            name.replace('\'', "''")
        );
        let us = Store::open_read_only(&cx.db)?.query_i64(&sql)?;
        let zone: chrono_tz::Tz = profile.timezone.parse().map_err(|_| {
            anyhow::anyhow!("profile '{}': timezone '{}' is not an IANA zone", profile.name, profile.timezone)
        })?;
        (us >= 0).then(|| {
            let newest = chrono::DateTime::from_timestamp_micros(us).unwrap_or_default();
            let since = newest - chrono::Duration::minutes(i64::from(api.since_overlap_minutes));
            since.with_timezone(&zone).format(&api.since_format).to_string()
        })
    };
    let src = crate::ingest::api::ApiSource::new(api, since.clone());
    let shown = crate::ingest::api::redact_url(&src.base_url);
    cx.detail(format!(
        "fetching {shown} ({})",
        since.as_deref().map_or("everything".into(), |s| format!("changed since {s}"))
    ))?;
    let progress = crate::progress::Progress::bytes(!cx.quiet, 0, &shown);
    let (records, stats) = crate::ingest::api::fetch_all(&src, &mut |s| {
        let of = s.total.map(|t| format!(" of {t}")).unwrap_or_default();
        progress.message(&format!("{}{of} records, {} pages", s.records, s.pages));
    })
    .with_context(|| format!("ingest from source '{name}' stopped; the database is as it was"))?;
    progress.finish();
    cx.say(format!("{shown}: {} records in {} pages ({} retries)", stats.records, stats.pages, stats.retries))?;
    if records.is_empty() {
        cx.say("nothing new since the last run")?;
        return Ok(ExitCode::SUCCESS);
    }
    let opts = IngestOptions {
        kind: Some(FileKind::Tickets),
        teams: super::teams_for(&cx.config, &profile.name),
        team_rules: cx.config.team_rules(),
        verbose: cx.verbose,
        ..IngestOptions::new(name, profile)
    };
    let mut store = Store::open(&cx.db)?;
    let report = ingest::ingest_records(&mut store, &shown, &records, &opts).with_context(|| {
        format!("ingest into '{}' stopped; the database is as it was before this run", cx.db.display())
    })?;
    print_report(cx, &report)?;
    Ok(ExitCode::SUCCESS)
}

/// Prints what one file did.
pub fn print_report(cx: &Context, r: &IngestReport) -> std::io::Result<()> {
    let file = &r.origin;
    if r.already_ingested {
        return cx.say(format!("{file}: already ingested as batch {} (same content); 0 new rows", r.batch_id));
    }
    // A workbook has sheets, not an encoding and a delimiter.
    let form = match r.form {
        Form::Workbook => "workbook".to_string(),
        Form::Api => "api".to_string(),
        Form::Csv { encoding, delimiter } => format!("{}, {encoding}, '{}'", r.kind, delimiter.escape_default()),
    };
    cx.say(format!(
        "{file}: batch {} ({form}): {} read = {} loaded + {} rejected; {} warnings",
        r.batch_id, r.rows_read, r.rows_loaded, r.rows_rejected, r.warnings
    ))?;
    let c = &r.counts;
    if c.tickets_in_file > 0 {
        let superseded = if c.snapshots_superseded > 0 {
            format!("; {} older snapshots superseded by a newer row of the same ticket", c.snapshots_superseded)
        } else {
            String::new()
        };
        cx.say(format!(
            "  tickets: {} in the file, {} stored: {} new, {} updated, {} unchanged{superseded}",
            c.tickets_in_file, c.tickets_stored, c.tickets_new, c.updated, c.tickets_unchanged
        ))?;
    }
    if c.events_staged > 0 || c.status_changes > 0 {
        let how = if c.status_changes > 0 { "derived from status and team changes" } else { "read" };
        cx.say(format!("  events: {} {how}: {} new, {} already known", c.events_staged, c.events_new, c.events_known))?;
    }
    if !r.passed_over.is_empty() {
        let total: u64 = r.passed_over.iter().map(|(_, n)| n).sum();
        let top: Vec<String> = r.passed_over.iter().take(5).map(|(what, n)| format!("{what} {n}")).collect();
        let more = if r.passed_over.len() > 5 { ", …" } else { "" };
        cx.say(format!(
            "  passed over: {total} changelog changes of fields that are no event kind ({}{more})",
            top.join(", ")
        ))?;
    }
    for (reason, n) in r.warnings_by_reason.iter().take(5) {
        cx.say(format!("  warning × {n}: {reason}"))?;
    }
    for (reason, n) in r.rejections_by_reason.iter().take(5) {
        cx.say(format!("  rejected × {n}: {reason}"))?;
    }
    for f in &r.first_rejections {
        let sheet = f.sheet.as_deref().map(|s| format!("sheet '{s}' ")).unwrap_or_default();
        let column = f.column.as_deref().map(|c| format!(", column '{c}'")).unwrap_or_default();
        cx.say(format!("  rejected {sheet}line {}{column}: {}", f.line, f.reason))?;
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
