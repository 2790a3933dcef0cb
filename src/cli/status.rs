//! `itsm status`: what the database holds and where it came from.

use std::process::ExitCode;

use super::Context;
use crate::store::Store;

/// Arguments of `itsm status`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  itsm status --db itsm-demo/itsm.duckdb")]
pub struct Args {}

/// Runs `itsm status`.
pub fn run(cx: &Context, _args: Args) -> anyhow::Result<ExitCode> {
    if !cx.db.exists() {
        anyhow::bail!("database '{}' does not exist; create it with `itsm ingest` or `itsm demo`", cx.db.display());
    }
    let store = Store::open(&cx.db)?;
    cx.say(format!("database:       {}", cx.db.display()))?;
    cx.say(format!("schema version: {}", store.schema_version()?))?;
    cx.say("")?;
    cx.say("table          rows")?;
    for (table, n) in store.table_counts()? {
        cx.say(format!("{table:<14} {n}"))?;
    }
    cx.say("")?;
    let ranges = store.ticket_ranges()?;
    if !ranges.is_empty() {
        cx.say("source         tickets  opened from (UTC)   to (UTC)")?;
        for (source, n, from, to) in ranges {
            cx.say(format!("{source:<14} {n:>7}  {from}  {to}"))?;
        }
        cx.say("")?;
    }
    let batches = store.batches()?;
    if batches.is_empty() {
        cx.say("no batches yet")?;
    } else {
        cx.say("batch  source         kind      read    loaded  rejected  new     updated  finished (UTC)       file")?;
        for b in &batches {
            cx.say(format!(
                "{:<6} {:<14} {:<8} {:>7} {:>7} {:>9} {:>7} {:>8}  {}  {} ({})",
                b.batch_id,
                b.source,
                b.file_kind,
                b.rows_read,
                b.rows_loaded,
                b.rows_rejected,
                b.rows_new,
                b.rows_updated,
                b.finished_at,
                b.file,
                b.profile
            ))?;
        }
    }
    let warned: Vec<_> = batches.iter().filter(|b| b.warnings.unwrap_or(0) > 0).collect();
    if !warned.is_empty() {
        cx.say("")?;
        cx.say("batch  warnings  tickets in file  stored  events   (values set empty so their rows could load: ingest_warning)")?;
        for b in warned {
            let n = |v: Option<i64>| v.map_or("-".to_string(), |v| v.to_string());
            cx.say(format!(
                "{:<6} {:>8}  {:>15}  {:>6}  {:>6}",
                b.batch_id,
                n(b.warnings),
                n(b.tickets_in_file),
                n(b.tickets_stored),
                n(b.events_staged)
            ))?;
        }
        let top = store.query_table(
            "SELECT column_name, count(*) AS n, min(reason) FROM ingest_warning \
             GROUP BY column_name ORDER BY n DESC, column_name LIMIT 5",
        )?;
        for row in top.rows {
            cx.say(format!("  {} × {}: e.g. {}", row[1], row[0], row[2]))?;
        }
    }
    let unknown: Vec<String> = store.teams()?.into_iter().filter(|t| t.line.is_none()).map(|t| t.name).collect();
    if !unknown.is_empty() {
        cx.say("")?;
        cx.say(format!(
            "teams seen in the data without a support line (give them one with [[teams]] or [[team_rules]] in itsm.toml): {}",
            unknown.join(", ")
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}
