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
    cx.say(format!("last build:     {}", last_build(&store)?))?;
    cx.say("")?;
    cx.say("table          rows")?;
    for (table, n) in store.table_counts()? {
        cx.say(format!("{table:<14} {n}"))?;
    }
    cx.say("")?;
    let ranges = store.ticket_ranges()?;
    let batches = store.batches()?;
    // The source column is as wide as its longest name (`bpi2013-closed-problems`).
    let w = ranges
        .iter()
        .map(|r| r.0.chars().count())
        .chain(batches.iter().map(|b| b.source.chars().count()))
        .fold(14, usize::max);
    if !ranges.is_empty() {
        cx.say(format!("{:<w$} tickets  opened from (UTC)   to (UTC)", "source"))?;
        for (source, n, from, to) in ranges {
            cx.say(format!("{source:<w$} {n:>7}  {from}  {to}"))?;
        }
        cx.say("")?;
    }
    if batches.is_empty() {
        cx.say("no batches yet")?;
    } else {
        cx.say(format!(
            "batch  {:<w$} kind      read    loaded  rejected  new     updated  finished (UTC)       file",
            "source"
        ))?;
        for b in &batches {
            cx.say(format!(
                "{:<6} {:<w$} {:<8} {:>7} {:>7} {:>9} {:>7} {:>8}  {}  {} ({})",
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
        cx.say(unknown_teams(&unknown))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// When the models were last built, as of which instant, and whether batches came since
/// (then the reports still show the figures before them).
fn last_build(store: &Store) -> anyhow::Result<String> {
    if !store.relations()?.iter().any(|r| r == "build_state") {
        return Ok("none yet: run `itsm build` before the reports".into());
    }
    let t = store.query_table(
        "SELECT strftime(built_at, '%Y-%m-%d %H:%M'), strftime(as_of, '%Y-%m-%d %H:%M'), complete, \
         (SELECT count(*) FROM ingest_batch WHERE batch_id > s.last_batch) FROM build_state AS s",
    )?;
    let Some(row) = t.rows.first() else { return Ok("none yet: run `itsm build` before the reports".into()) };
    let text = |i: usize| row.get(i).map(|v| v.to_string()).unwrap_or_default();
    let selected = if text(2) == "false" { " (a --select build: some tables are older)" } else { "" };
    let since = match text(3).as_str() {
        "0" => "nothing ingested since".to_string(),
        "1" => "1 batch ingested since: run `itsm build`".to_string(),
        n => format!("{n} batches ingested since: run `itsm build`"),
    };
    Ok(format!("{} UTC, as of {} UTC{selected}; {since}", text(0), text(1)))
}

/// Teams listed by name before the rest are only counted.
const TEAMS_LISTED: usize = 20;

/// What `itsm status` says of the teams without a support line: their names (the first
/// [`TEAMS_LISTED`] of hundreds, and how to list them all), and the `[[team_rules]]` that
/// would give a line to those whose names say it (`G230 2nd`), ready to paste.
fn unknown_teams(unknown: &[String]) -> String {
    let mut out = format!(
        "{} teams seen in the data without a support line (give them one with [[teams]] or [[team_rules]] in itsm.toml): ",
        unknown.len()
    );
    if unknown.len() > TEAMS_LISTED {
        out.push_str(&format!(
            "{}, … (the first {TEAMS_LISTED}; all: itsm query \"SELECT name FROM team WHERE line IS NULL ORDER BY name\")",
            unknown[..TEAMS_LISTED].join(", ")
        ));
    } else {
        out.push_str(&unknown.join(", "));
    }
    let rules = super::init::rules_text(unknown.iter().map(String::as_str), "# ");
    if !rules.is_empty() {
        let said = unknown.iter().filter(|t| super::init::guess_line(t).is_some()).count();
        let says = if said == 1 {
            "1 of them says its line in its name".to_string()
        } else {
            format!("{said} of them say their line in their name")
        };
        let (give, them) = match rules.matches("[[team_rules]]").count() {
            1 => ("this rule gives", "it"),
            _ => ("these rules give", "them"),
        };
        out.push_str(&format!(
            "\n{says}; {give} it in itsm.toml (the next `itsm build` applies {them}):\n{}",
            rules.trim_end()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hundreds_of_teams_without_a_line_are_counted_and_given_rules() {
        let few: Vec<String> = ["A1", "Desk"].map(String::from).to_vec();
        assert_eq!(
            unknown_teams(&few),
            "2 teams seen in the data without a support line (give them one with [[teams]] or [[team_rules]] in \
             itsm.toml): A1, Desk"
        );
        let many: Vec<String> = (0..30).map(|i| format!("G{i:02}{}", if i % 2 == 0 { " 2nd" } else { "" })).collect();
        let text = unknown_teams(&many);
        assert!(text.starts_with("30 teams seen"), "{text}");
        assert!(text.contains("G19, … (the first 20; all: itsm query"), "{text}");
        assert!(!text.contains("G20 2nd,"), "{text}");
        assert!(text.contains("15 of them say their line in their name"), "{text}");
        let rules = &text[text.find("\n[[team_rules]]").unwrap()..];
        let config = crate::config::Config::parse(rules).unwrap();
        assert_eq!(config.team_rules().len(), 1);
        assert!(config.team_rules()[0].matches("G28 2nd") && !config.team_rules()[0].matches("G29"));
    }
}
