//! `itsm sample`: write a deterministic sample export.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::Datelike;

use super::Context;
use crate::sample::{generate, write_servicenow_snapshots, SampleSpec};

/// Arguments of `itsm sample`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  itsm sample --tickets 100000 --months 13 --seed 7 --end-month 2026-10 --out /tmp/export"
)]
pub struct Args {
    /// Number of tickets (all kinds).
    #[arg(long, default_value_t = 5000)]
    pub tickets: usize,
    /// Calendar months covered, ending with --end-month.
    #[arg(long, default_value_t = 13)]
    pub months: u32,
    /// Seed: the same seed and end month give the same bytes.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Last month covered, YYYY-MM (default: the last full month before today).
    #[arg(long, value_name = "YYYY-MM", value_parser = parse_month)]
    pub end_month: Option<(i32, u32)>,
    /// Directory to write tickets.csv and history.csv into.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// `csv`: itsm's canonical tickets.csv + history.csv. `servicenow-snapshot`: also the
    /// incidents as a ServiceNow snapshot export (servicenow-snapshots.csv: one row per saved
    /// version, `?` for empty cells, day-first dates; load it with --profile servicenow-audit).
    #[arg(long, default_value = "csv", value_parser = ["csv", "servicenow-snapshot"])]
    pub format: String,
}

/// Parses the sample's last month, `YYYY-MM`; the generator starts no earlier than 1970.
fn parse_month(s: &str) -> Result<(i32, u32), crate::model::MonthError> {
    crate::model::parse_month(s).and_then(|(y, m)| {
        if y >= 1970 {
            Ok((y, m))
        } else {
            Err(crate::model::MonthError { text: s.into() })
        }
    })
}

/// The last full calendar month before today.
fn last_full_month() -> (i32, u32) {
    let today = chrono::Utc::now().date_naive();
    if today.month() == 1 {
        (today.year() - 1, 12)
    } else {
        (today.year(), today.month() - 1)
    }
}

/// Runs `itsm sample`.
pub fn run(cx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let spec = SampleSpec {
        tickets: args.tickets,
        months: args.months,
        seed: args.seed,
        end_month: args.end_month.unwrap_or_else(last_full_month),
    };
    let started = std::time::Instant::now();
    let summary = generate(&spec, &args.out)?;
    cx.say(format!(
        "wrote {} tickets to {} and {} history events to {} ({:.1} s)",
        summary.tickets,
        summary.tickets_file.display(),
        summary.events,
        summary.history_file.display(),
        started.elapsed().as_secs_f64()
    ))?;
    if args.format == "servicenow-snapshot" {
        let s = write_servicenow_snapshots(&args.out)?;
        cx.say(format!(
            "wrote {} snapshots of {} incidents to {} (itsm ingest {} --profile servicenow-audit)",
            s.rows,
            s.incidents,
            s.file.display(),
            s.file.display()
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}
