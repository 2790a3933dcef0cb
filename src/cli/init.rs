//! `itsm init`: a first `itsm.toml` from the user's own exports. Each `--from` file is read
//! through profile detection ([`crate::ingest::detect`]); the ranking is printed and the best
//! profile becomes a `[sources.NAME]`, every assignment group in the files a `[[teams]]`.
//!
//! Lines are guessed from a group's name only where the name says it (`1st`, `Service
//! Desk`, `2nd`, `3rd`). A group whose name says nothing is written commented out with
//! `# check: line unknown` rather than given a line: a wrong line silently moves tickets in
//! or out of the FTR population, while a missing one shows (FTR is blank without a 1st line,
//! and unknown entry teams are counted as `entry_assumed`). No `[[team_rules]]` pattern is
//! guessed: the names that carry their line are listed one by one, and the ones that don't
//! follow no pattern the tool could tell.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;

use super::Context;
use crate::ingest::detect::{self, Detection};
use crate::ingest::profile::Profile;

/// The sample organisation's configuration: its calendar and SLA blocks are written out as
/// the commented defaults.
const SAMPLE_CONFIG: &str = include_str!("../../sample-data/itsm.toml");

/// Arguments of `itsm init`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  itsm init --from export/incidents.csv --dir my-project")]
pub struct Args {
    /// Exports (CSV or workbooks) to detect the profile and the assignment groups from.
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub from: Vec<PathBuf>,
    /// Directory to write itsm.toml into (created when missing).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// Overwrite an existing itsm.toml.
    #[arg(long)]
    pub force: bool,
}

/// Runs `itsm init`.
pub fn run(cx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let target = args.dir.join("itsm.toml");
    if target.exists() && !args.force {
        anyhow::bail!("'{}' exists; pass --force to overwrite it", target.display());
    }
    let mut found = Vec::new();
    for file in &args.from {
        let d =
            detect::detect_file(file, None, true).with_context(|| format!("cannot examine '{}'", file.display()))?;
        cx.say(format!("{}: {} columns, {} data rows", file.display(), d.header.len(), d.rows))?;
        for m in &d.ranking {
            cx.say(format!("  {}", m.summary()))?;
        }
        let Some(w) = d.winner() else {
            anyhow::bail!(
                "'{}': {}; write a profile for it (see profiles/) and name it in [sources]",
                file.display(),
                d.reason()
            );
        };
        cx.say(format!("  -> {}", d.reason()))?;
        if !w.missing.is_empty() || !w.unmapped.is_empty() {
            cx.detail(format!("  unmapped: {}", w.unmapped.join(", ")))?;
        }
        found.push(d);
    }
    let text = config_text(&found)?;
    std::fs::create_dir_all(&args.dir).with_context(|| format!("cannot create '{}'", args.dir.display()))?;
    std::fs::write(&target, text).with_context(|| format!("cannot write '{}'", target.display()))?;
    cx.say(format!("wrote {}; check the lines marked '# check'", target.display()))?;
    for d in &found {
        if let Some(w) = d.winner() {
            cx.say(format!("next: itsm ingest {} --source {}", d.path.display(), w.profile))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The support line a group's name says, if it says one.
pub fn guess_line(team: &str) -> Option<u8> {
    let name = team.to_lowercase();
    if name.contains("1st") || name.contains("service desk") || name.contains("first line") {
        Some(1)
    } else if name.contains("2nd") || name.contains("second line") {
        Some(2)
    } else if name.contains("3rd") || name.contains("third line") {
        Some(3)
    } else {
        None
    }
}

/// The text of `itsm.toml` for these detections (each has a winner).
pub fn config_text(found: &[Detection]) -> anyhow::Result<String> {
    let mut t = String::new();
    let q = |s: &str| toml::Value::String(s.to_string()).to_string();
    writeln!(t, "# itsm.toml written by `itsm init`. Check every line marked '# check'.")?;
    writeln!(t, "# Every setting has a default in code; what is written here can be changed.\n")?;
    writeln!(t, "db = \"itsm.duckdb\"")?;
    let zone = match found.iter().find_map(|d| d.winner()) {
        Some(w) => Profile::load(&w.profile)?.timezone,
        None => "Europe/Stockholm".to_string(),
    };
    writeln!(t, "timezone = {}   # check: months and office hours are read in it (the profile's zone)\n", q(&zone))?;
    let mut sources = std::collections::BTreeSet::new();
    for d in found {
        let Some(w) = d.winner() else { continue };
        if !sources.insert(w.profile.clone()) {
            continue;
        }
        let p = Profile::load(&w.profile)?;
        writeln!(t, "# {}: {}", d.path.display(), d.reason())?;
        writeln!(
            t,
            "# check: read as {} with delimiter {}; naive times in {}; day-first dates {} (the profile's \
             settings: `itsm ingest --timezone` or a copy of the profile changes them)",
            d.encoding.unwrap_or("a workbook"),
            d.delimiter.map_or_else(|| p.delimiter.clone(), |c| format!("'{}'", c.escape_default())),
            p.timezone,
            p.day_first
        )?;
        writeln!(t, "[sources.{}]\nprofile = {}\n", q(&w.profile), q(&w.profile))?;
    }
    let teams: std::collections::BTreeSet<&String> = found.iter().flat_map(|d| &d.teams).collect();
    writeln!(t, "# Assignment groups found in the files, with the support line their name says")?;
    writeln!(t, "# (1 Service Desk, 2 resolving teams, 3 vendors); FTR needs at least one line-1 team.")?;
    writeln!(t, "# Groups whose name says no line are commented out: give them a line and uncomment.")?;
    for team in &teams {
        match guess_line(team) {
            Some(line) => {
                writeln!(t, "[[teams]]   # check: line guessed from the name\nname = {}\nline = {line}", q(team))?
            }
            None => writeln!(t, "# [[teams]]   # check: line unknown\n# name = {}\n# line = ?", q(team))?,
        }
    }
    writeln!(t)?;
    t.push_str(defaults_block());
    Ok(t)
}

/// The sample configuration's calendar and SLA blocks: from the calendar comment up to `[billing]`.
fn defaults_block() -> &'static str {
    let start = SAMPLE_CONFIG.find("# The office calendar").unwrap_or(SAMPLE_CONFIG.len());
    let end = SAMPLE_CONFIG.find("[billing]").unwrap_or(SAMPLE_CONFIG.len()).max(start);
    &SAMPLE_CONFIG[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_guessed_only_where_the_name_says_them() {
        assert_eq!(guess_line("G230 2nd"), Some(2));
        assert_eq!(guess_line("V17 3RD"), Some(3));
        assert_eq!(guess_line("Service Desk"), Some(1));
        assert_eq!(guess_line("IT 1st line"), Some(1));
        assert_eq!(guess_line("Infrastructure"), None);
    }

    #[test]
    fn the_defaults_block_holds_calendar_and_sla_and_parses() {
        let block = defaults_block();
        assert!(block.contains("[sla]") && block.contains("# [calendars.office]") && !block.contains("[billing]"));
        crate::config::Config::parse(block).unwrap();
    }
}
