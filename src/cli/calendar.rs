//! `itsm calendar`: the business calendar from the command line — closed days of a year,
//! business minutes between two instants, and the deadline after N business minutes.

use std::process::ExitCode;

use chrono::{DateTime, Datelike, Offset, Timelike, Utc};

use super::format::Format;
use super::Context;
use crate::calendar::{Calendar, ClosedKind};
use crate::config::OFFICE_CALENDAR;
use crate::render::output::write_table;
use crate::table::{Table, Value};
use crate::tabular::text::{DateNote, DateReader};

/// Arguments of `itsm calendar`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  itsm calendar deadline \"2026-10-02 16:30\" 240   # Friday 16:30 + 4 h -> Monday 11:30"
)]
pub struct Args {
    /// What to compute.
    #[command(subcommand)]
    pub command: CalendarCommand,
}

/// The `itsm calendar` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum CalendarCommand {
    /// List the closed (and shortened) days of a year with their names.
    #[command(after_help = "Example:\n  itsm calendar holidays --year 2026 --format csv")]
    Holidays {
        /// The year.
        #[arg(long)]
        year: i32,
        /// Calendar name from itsm.toml (built in: office, 24x7).
        #[arg(long, default_value = OFFICE_CALENDAR)]
        calendar: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Business minutes of [FROM, TO).
    #[command(
        after_help = "Example:\n  itsm calendar minutes \"2026-04-02 16:00\" \"2026-04-07 09:00\"   # across Easter: 120"
    )]
    Minutes {
        /// Start: RFC 3339 (`2026-10-02T16:30:00+02:00`) or local `YYYY-MM-DD HH:MM` in the calendar's zone.
        from: String,
        /// End, in the same forms.
        to: String,
        /// Calendar name.
        #[arg(long, default_value = OFFICE_CALENDAR)]
        calendar: String,
    },
    /// The instant MINUTES business minutes after FROM (an SLA deadline).
    #[command(after_help = "Example:\n  itsm calendar deadline \"2026-10-02 16:30\" 240")]
    Deadline {
        /// Start: RFC 3339 or local `YYYY-MM-DD HH:MM` in the calendar's zone.
        from: String,
        /// Business minutes to add.
        minutes: i64,
        /// Calendar name.
        #[arg(long, default_value = OFFICE_CALENDAR)]
        calendar: String,
    },
}

/// Runs `itsm calendar`.
pub fn run(cx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        CalendarCommand::Holidays { year, calendar, format } => {
            let cal = cx.config.calendar(&calendar)?;
            if !(crate::calendar::FIRST_YEAR..=crate::calendar::LAST_YEAR).contains(&year) {
                anyhow::bail!(
                    "year {year} is outside the calendar's range {}–{}",
                    crate::calendar::FIRST_YEAR,
                    crate::calendar::LAST_YEAR
                );
            }
            let rows: Vec<Vec<Value>> = cal
                .closed_days(year)
                .into_iter()
                .map(|d| {
                    let (kind, close) = match d.kind {
                        ClosedKind::PublicHoliday => ("public_holiday", None),
                        ClosedKind::Eve => ("eve", None),
                        ClosedKind::Configured => ("configured", None),
                        ClosedKind::ShortDay { close } => ("short_day", Some(close.format("%H:%M").to_string())),
                    };
                    vec![
                        Value::Date(d.date),
                        Value::Text(d.date.weekday().to_string()),
                        Value::Text(d.name_sv.to_string()),
                        Value::Text(d.name_en.to_string()),
                        Value::Text(kind.to_string()),
                        close.map_or(Value::Null, Value::Text),
                    ]
                })
                .collect();
            if !cx.quiet {
                let columns = ["date", "weekday", "name_sv", "name_en", "kind", "closes_at"];
                let table = Table { columns: columns.map(String::from).to_vec(), rows };
                write_table(&mut std::io::stdout().lock(), format.into(), &table)?;
            }
        }
        CalendarCommand::Minutes { from, to, calendar } => {
            let cal = cx.config.calendar(&calendar)?;
            let (a, b) = (instant(&cal, &from)?, instant(&cal, &to)?);
            let minutes = cal.business_minutes(a, b);
            cx.say(if minutes.fract() == 0.0 { format!("{minutes:.0}") } else { format!("{minutes:.2}") })?;
        }
        CalendarCommand::Deadline { from, minutes, calendar } => {
            let cal = cx.config.calendar(&calendar)?;
            let a = instant(&cal, &from)?;
            let due = cal
                .checked_add_business_seconds(a, minutes * 60)
                .ok_or_else(|| anyhow::anyhow!("the deadline falls after {}", crate::calendar::LAST_YEAR))?;
            let local = due.with_timezone(&cal.timezone());
            cx.say(format!(
                "{} ({}) = {}",
                local.format("%Y-%m-%d %H:%M:%S %:z"),
                cal.timezone().name(),
                due.format("%Y-%m-%dT%H:%M:%SZ")
            ))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads an instant: with an offset as given, without one in the calendar's zone.
pub(super) fn instant(cal: &Calendar, text: &str) -> anyhow::Result<DateTime<Utc>> {
    let reader = DateReader::new(cal.timezone(), true, Vec::new(), false);
    let micros = reader
        .parse_noted(text)
        .map_err(|e| anyhow::anyhow!("{e}: expected RFC 3339 or YYYY-MM-DD HH:MM"))
        .and_then(|(t, note)| match note {
            // An instant typed by hand that never happened is a mistake to point out, not
            // to repair as an export's DST-gap time is. One in the repeated hour did
            // happen: it is read as its first occurrence, as it always was.
            Some(DateNote::Gap(_)) => Err(gap_refusal(cal, text, t)),
            Some(DateNote::Repeated(_)) | None => Ok(t),
        })?
        .ok_or_else(|| anyhow::anyhow!("empty instant: expected RFC 3339 or YYYY-MM-DD HH:MM"))?;
    DateTime::from_timestamp_micros(micros).ok_or_else(|| anyhow::anyhow!("instant '{text}' is out of range"))
}

/// The refusal of a local time in the daylight-saving gap (`micros`: the instant ingest
/// would shift it to). It says that the time was refused, not moved as an export's is, why,
/// and two texts that name the instant meant: the clock time after the jump, and the typed
/// time with the offset in force before it.
fn gap_refusal(cal: &Calendar, text: &str, micros: Option<i64>) -> anyhow::Error {
    let tz = cal.timezone();
    let Some(at) = micros.and_then(DateTime::from_timestamp_micros) else {
        return anyhow::anyhow!("refused '{text}': that local time does not exist in {}", tz.name());
    };
    let after = at.with_timezone(&tz);
    let before = (at - chrono::Duration::days(1)).with_timezone(&tz).offset().fix();
    let gap = (after.offset().fix().local_minus_utc() - before.local_minus_utc()) / 60;
    let clock = if after.second() == 0 { "%Y-%m-%d %H:%M" } else { "%Y-%m-%d %H:%M:%S" };
    anyhow::anyhow!(
        "refused '{text}': that local time does not exist in {} (the clocks jump {gap} min forward over it for \
         daylight saving), and a time typed here is not guessed at; type '{}', the time the clocks showed then, \
         or '{}', with the offset before the jump",
        tz.name(),
        after.format(clock),
        at.with_timezone(&before).format("%Y-%m-%dT%H:%M:%S%:z")
    )
}
