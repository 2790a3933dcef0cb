//! `itsm init`: a first `itsm.toml` from the user's own exports. Each `--from` file is read
//! through profile detection ([`crate::ingest::detect`]); the ranking is printed and the best
//! profile becomes a `[sources.NAME]`, every assignment group in the files a `[[teams]]`.
//! A file no built-in profile reads gets a draft profile beside itsm.toml ([`draft_profile`])
//! that its `[sources.NAME]` names: the user maps the fields marked `# check`, and the
//! ingest says what is still missing.
//!
//! Lines are guessed from a group's name only where the name says it (`1st`, `Service
//! Desk`, `2nd`, `3rd`). A group whose name says nothing is written commented out with
//! `# check: line unknown` rather than given a line: a wrong line silently moves tickets in
//! or out of the FTR population, while a missing one shows (FTR is blank without a 1st line,
//! and unknown entry teams are counted as `entry_assumed`). With few groups the ones whose
//! name says their line are listed one by one; with more than [`MANY_TEAMS`] (a real
//! export has hundreds) each word that said a line becomes a `[[team_rules]]` pattern
//! (`*2nd*`), in the order [`guess_line`] reads them, so the rules give exactly the guessed
//! lines and a group that turns up next month with such a name gets its line too. The
//! groups whose names say nothing follow no pattern the tool could tell: they stay listed.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;

use super::Context;
use crate::ingest::detect::{self, Detection};
use crate::ingest::profile::Profile;
use crate::model::FileKind;

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
    let mut drafts = Vec::new();
    for file in &args.from {
        let d =
            detect::detect_file(file, None, true).with_context(|| format!("cannot examine '{}'", file.display()))?;
        cx.say(format!("{}: {} columns, {} data rows", file.display(), d.header.len(), d.rows))?;
        for m in &d.ranking {
            cx.say(format!("  {}", m.summary()))?;
        }
        let Some(w) = d.winner() else {
            // No built-in profile reads it: a draft to finish, named in [sources].
            let name = draft_name(file);
            let path = args.dir.join(format!("{name}.toml"));
            // A profile there is the user's (a draft they finished, or one they wrote):
            // --force is for itsm.toml, so it is kept and named in [sources] again.
            if path.exists() {
                cx.say(format!(
                    "  -> {}; kept the profile {} that is there (delete it for a new draft)",
                    d.reason(),
                    path.display()
                ))?;
                drafts.push((name, d));
                continue;
            }
            std::fs::create_dir_all(&args.dir).with_context(|| format!("cannot create '{}'", args.dir.display()))?;
            std::fs::write(&path, draft_profile(&d, &name)?)
                .with_context(|| format!("cannot write '{}'", path.display()))?;
            cx.say(format!(
                "  -> {}; wrote a draft profile {}: map the fields marked '# check' to the file's columns",
                d.reason(),
                path.display()
            ))?;
            drafts.push((name, d));
            continue;
        };
        cx.say(format!("  -> {}", d.reason()))?;
        if !w.missing.is_empty() || !w.unmapped.is_empty() {
            cx.detail(format!("  unmapped: {}", w.unmapped.join(", ")))?;
        }
        found.push(d);
    }
    let mut text = config_text(&found)?;
    for (name, d) in &drafts {
        let source = format!(
            "# {}: no built-in profile reads it; {name}.toml is a draft to finish (# check)\n\
             [sources.{q}]\nprofile = {p}\n\n",
            d.path.display(),
            q = toml::Value::String(name.clone()),
            p = toml::Value::String(format!("{name}.toml"))
        );
        // The sources come before the teams (the first line after them).
        let at = text.find("# Assignment groups found").unwrap_or(text.len());
        text.insert_str(at, &source);
    }
    std::fs::create_dir_all(&args.dir).with_context(|| format!("cannot create '{}'", args.dir.display()))?;
    std::fs::write(&target, text).with_context(|| format!("cannot write '{}'", target.display()))?;
    cx.say(format!("wrote {}; check the lines marked '# check'", target.display()))?;
    for d in &found {
        if let Some(w) = d.winner() {
            cx.say(format!("next: itsm ingest {} --source {}", d.path.display(), w.profile))?;
        }
    }
    for (name, d) in &drafts {
        cx.say(format!("next: finish {name}.toml, then itsm ingest {} --source {name}", d.path.display()))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `s` as a TOML basic string on one line: quotes, backslashes and every control character
/// escaped (a JSON string literal is one). Group names and headers come from the user's
/// files; one with a line break, written as TOML's multi-line string after a `#`, would end
/// the comment and put the rest of the name into itsm.toml as live settings.
fn q(s: &str) -> String {
    crate::render::format::json_string(s)
}

/// Text from the user's files (a path, a reason naming headers) for a `# comment`: its
/// control characters shown escaped, so it stays on the comment's line.
fn flat(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() }).collect()
}

/// The words of a group's name that say its support line, in the order they are read:
/// the first one a name holds (case-insensitively) gives the line.
const LINE_WORDS: [(&str, u8); 7] =
    [("1st", 1), ("service desk", 1), ("first line", 1), ("2nd", 2), ("second line", 2), ("3rd", 3), ("third line", 3)];

/// Above this many groups, the lines their names say are written as `[[team_rules]]`.
pub const MANY_TEAMS: usize = 20;

/// The word of [`LINE_WORDS`] a group's name says its line with, if any.
fn line_word(team: &str) -> Option<(&'static str, u8)> {
    let name = team.to_lowercase();
    LINE_WORDS.iter().copied().find(|(word, _)| name.contains(word))
}

/// The support line a group's name says, if it says one.
pub fn guess_line(team: &str) -> Option<u8> {
    line_word(team).map(|(_, line)| line)
}

/// `[[team_rules]]` giving each of `teams` whose name says its line that line: one pattern
/// per word of [`LINE_WORDS`] some name says it with (`*2nd*`), in the order
/// [`guess_line`] reads them, so the first rule a name matches gives the line it guesses.
/// Each rule's comment (after `note`) counts its groups and names three.
pub fn rules_text<'a>(teams: impl IntoIterator<Item = &'a str>, note: &str) -> String {
    let teams: Vec<&str> = teams.into_iter().collect();
    let mut t = String::new();
    for (word, line) in LINE_WORDS {
        let named: Vec<&str> =
            teams.iter().copied().filter(|team| line_word(team).is_some_and(|(w, _)| w == word)).collect();
        if named.is_empty() {
            continue;
        }
        let examples: Vec<String> = named.iter().take(3).map(|team| q(team)).collect();
        let groups = match named.len() {
            1 => format!("1 group: {}", examples[0]),
            n => format!("{n} groups, e.g. {}{}", examples.join(", "), if n > 3 { ", …" } else { "" }),
        };
        t.push_str(&format!("[[team_rules]]   {note}{groups}\npattern = {}\nline = {line}\n", q(&format!("*{word}*"))));
    }
    t
}

/// The name of a draft profile (and its source) for `file`: its stem in lower case, runs
/// of other characters than letters and digits as one `-`.
fn draft_name(file: &std::path::Path) -> String {
    let stem = file.file_stem().map(|s| s.to_string_lossy().to_lowercase()).unwrap_or_default();
    let name: Vec<&str> = stem.split(|c: char| !c.is_ascii_alphanumeric()).filter(|p| !p.is_empty()).collect();
    if name.is_empty() {
        "my-export".to_string()
    } else {
        name.join("-")
    }
}

/// A draft profile for a file no built-in profile reads: based on `generic` (the canonical
/// column names, and the Swedish and English labels of statuses, kinds and the rest), with
/// the columns the closest built-in tickets or history profile found in the header, and a
/// line to fill in for every other field, the required ones marked `# check`; the file's
/// columns no field reads yet are listed to choose from. Event logs are left out: their
/// profiles describe roles, not columns (see profiles/bpi2013-volvo.toml).
pub fn draft_profile(d: &Detection, name: &str) -> anyhow::Result<String> {
    let closest = d.ranking.iter().find(|m| m.kind != detect::MatchKind::EventLog);
    let kind = match closest.map(|m| m.kind) {
        Some(detect::MatchKind::History) => FileKind::History,
        _ => FileKind::Tickets,
    };
    let mut known = std::collections::BTreeMap::new();
    if let Some(m) = closest {
        let p = Profile::load(&m.profile)?;
        for (field, names) in &p.mapping(kind).columns {
            if let Some(i) = names.find(&d.header) {
                known.insert(field.clone(), (d.header[i].trim().to_string(), m.profile.clone()));
            }
        }
    }
    let mut t = String::new();
    writeln!(
        t,
        "# Draft profile for '{}', written by `itsm init`: no built-in profile",
        flat(&d.path.display().to_string())
    )?;
    writeln!(t, "# finds all the columns it requires. Map each field to the column of the file that holds")?;
    writeln!(t, "# it (uncomment the line; a list of alternatives works too: [\"Status\", \"State\"]), and")?;
    writeln!(t, "# add labels the base profile does not know under [values.status], [values.kind], ….")?;
    writeln!(t, "# `itsm ingest FILE --source {name}` then names any column or label still missing.")?;
    writeln!(t, "name = {}", q(name))?;
    writeln!(t, "base = \"generic\"   # canonical column names; Swedish and English labels")?;
    writeln!(t, "description = {}", q(&format!("Draft for {}", d.path.display())))?;
    writeln!(
        t,
        "# read as {} with delimiter {} (detected; `encoding` and `delimiter` default to auto)",
        d.encoding.unwrap_or("a workbook"),
        d.delimiter.map_or_else(|| "auto".to_string(), |c| format!("'{}'", c.escape_default()))
    )?;
    writeln!(t, "# timezone = \"Europe/Stockholm\"   # check: the zone of times written without an offset")?;
    writeln!(t, "# day_first = true                  # check: 3/10/2026 is 3 October")?;
    writeln!(t, "# work_unit = \"minutes\"             # check: or \"hours\" for work time in hours\n")?;
    writeln!(t, "[{kind}.columns]")?;
    for c in kind.columns().iter().filter(|c| c.name != "source" && c.name != "batch_id") {
        match known.get(c.name) {
            Some((column, by)) => writeln!(t, "{} = {}   # found by the {by} profile's names", c.name, q(column))?,
            None if c.required => writeln!(t, "# {} = \"\"   # check: required: which column holds it?", c.name)?,
            None => writeln!(t, "# {} = \"\"", c.name)?,
        }
    }
    let used: Vec<&str> = known.values().map(|(c, _)| c.as_str()).collect();
    let free: Vec<String> =
        d.header.iter().map(|h| h.trim()).filter(|h| !h.is_empty() && !used.contains(h)).map(q).collect();
    writeln!(t, "\n# The file's columns no field reads yet: {}", free.join(", "))?;
    Ok(t)
}

/// The text of `itsm.toml` for these detections (each has a winner).
pub fn config_text(found: &[Detection]) -> anyhow::Result<String> {
    let mut t = String::new();
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
        writeln!(t, "# {}: {}", flat(&d.path.display().to_string()), flat(&d.reason()))?;
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
    let by_rule = teams.len() > MANY_TEAMS;
    if by_rule {
        writeln!(
            t,
            "# {} groups: the lines their names say are patterns (`*` any text, case-insensitive; the",
            teams.len()
        )?;
        writeln!(t, "# first rule a group matches gives its line; a [[teams]] entry overrides every rule).")?;
        t.push_str(&rules_text(teams.iter().map(|team| team.as_str()), "# check: "));
    }
    for team in &teams {
        match guess_line(team) {
            Some(_) if by_rule => {}
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

    /// Hundreds of groups: the rules written give every group the line its name says, no
    /// more, and those whose names say nothing stay for the user to fill in.
    #[test]
    fn many_groups_get_rules_that_give_exactly_the_guessed_lines() {
        let mut names: Vec<String> = (0..40).map(|i| format!("G{i} {}", ["2nd", "3RD", "x"][i % 3])).collect();
        names.extend(
            ["Service Desk 1st", "Service Desk", "IT Second Line", "Ops third line 2nd", "Ops Third Line", "Net"]
                .map(String::from),
        );
        let d = detection(&names);
        let text = config_text(&[d]).unwrap();
        let config = crate::config::Config::parse(&text).unwrap();
        assert!(config.teams.is_empty(), "no group listed one by one");
        let rules = config.team_rules();
        assert_eq!(
            rules.iter().map(|r| (r.pattern.as_str(), r.line)).collect::<Vec<_>>(),
            [
                ("*1st*", 1),
                ("*service desk*", 1),
                ("*2nd*", 2),
                ("*second line*", 2),
                ("*3rd*", 3),
                ("*third line*", 3)
            ]
        );
        for name in &names {
            let ruled = rules.iter().find(|r| r.matches(name)).map(|r| r.line);
            assert_eq!(ruled, guess_line(name), "{name}");
        }
        assert!(text.contains("# check: 13 groups, e.g. \"G1 3RD\", \"G10 3RD\", \"G13 3RD\", …"), "{text}");
        assert!(text.contains("# name = \"Net\"\n# line = ?"), "{text}");
        // Few groups: listed one by one, as before.
        let text = config_text(&[detection(&names[..5])]).unwrap();
        assert!(!text.contains("[[team_rules]]") && text.contains("name = \"G0 2nd\"\nline = 2"), "{text}");
    }

    /// A group name with a line break (or any control character) stays one quoted string,
    /// in a comment as in a setting: nothing of it becomes a live line of itsm.toml.
    #[test]
    fn names_from_files_never_break_out_of_their_line() {
        let evil = "Net\n[[teams]]\nname = \"Evil\"\nline = 1\n\"\"\" \u{7} \\".to_string();
        assert_eq!(q(&evil), r#""Net\n[[teams]]\nname = \"Evil\"\nline = 1\n\"\"\" \u0007 \\""#);
        for names in [vec![evil.clone()], (0..30).map(|i| format!("{evil} 3rd {i}")).chain([evil.clone()]).collect()] {
            let text = config_text(&[detection(&names)]).unwrap();
            assert!(!text.lines().any(|l| l.starts_with("name = \"Evil\"")), "{text}");
            let config = crate::config::Config::parse(&text).unwrap();
            assert!(config.teams.iter().all(|t| t.name != "Evil"), "{text}");
        }
        let mut d = detection(&[evil]);
        d.path = "a\n[tickets.values]\n.csv".into();
        let draft = draft_profile(&d, "x").unwrap();
        assert!(!draft.lines().any(|l| l.starts_with("[tickets.values]")), "{draft}");
    }

    fn detection(names: &[String]) -> Detection {
        Detection {
            path: "x.csv".into(),
            header: Vec::new(),
            encoding: None,
            delimiter: None,
            ranking: Vec::new(),
            teams: names.iter().cloned().collect(),
            rows: 0,
        }
    }

    #[test]
    fn the_defaults_block_holds_calendar_and_sla_and_parses() {
        let block = defaults_block();
        assert!(block.contains("[sla]") && block.contains("# [calendars.office]") && !block.contains("[billing]"));
        crate::config::Config::parse(block).unwrap();
    }
}
