//! Profile detection: which built-in profile reads a file. The header of a CSV file (read
//! through [`crate::tabular`] with its encoding and delimiter detected) or of each workbook
//! sheet is scored against every built-in profile — columns found, required ones missing,
//! file columns left unmapped — and the profiles are ranked. The data rows are read too, for
//! the assignment groups the winning profile's team columns hold (`itsm init` lists them).
//!
//! A profile with an `[eventlog]` is scored only as an event log (its case, timestamp,
//! status, team and agent columns); any other on its tickets and its history columns, the
//! better of the two. Must not: write anything or open the store.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::profile::{Profile, BUILTIN};
use super::{rows, IngestError};
use crate::model::FileKind;
use crate::tabular::csv::{self, EncodingChoice};
use crate::tabular::workbook;

/// How a profile would read a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchKind {
    /// A tickets file.
    Tickets,
    /// A history file.
    History,
    /// An event log (one row per event of a case).
    EventLog,
}

impl std::fmt::Display for MatchKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            MatchKind::Tickets => "tickets",
            MatchKind::History => "history",
            MatchKind::EventLog => "event log",
        })
    }
}

/// How well one profile matches a header.
#[derive(Debug, Clone)]
pub struct ProfileMatch {
    /// The built-in profile's name.
    pub profile: String,
    /// The kind of file the profile would take it for.
    pub kind: MatchKind,
    /// Canonical fields (or event-log roles) whose column the header holds.
    pub found: Vec<String>,
    /// Fields the profile declares, as `field ('column')`, whose column is absent.
    pub absent: Vec<String>,
    /// Required fields whose column is absent, as `field ('column')`: the profile cannot read it.
    pub missing: Vec<String>,
    /// Header columns no declared field reads.
    pub unmapped: Vec<String>,
    /// Share (0-1) of the sampled data rows whose status label the profile reads; worked
    /// out only for profiles that read the header equally well (see [`break_ties`]).
    pub labels: Option<f64>,
}

impl ProfileMatch {
    /// Whether the profile can read the file: every required column is there.
    pub fn usable(&self) -> bool {
        self.missing.is_empty() && !self.found.is_empty()
    }

    /// Share of the profile's declared fields the header holds, 0-1.
    pub fn share(&self) -> f64 {
        let declared = self.found.len() + self.absent.len();
        if declared == 0 {
            0.0
        } else {
            self.found.len() as f64 / declared as f64
        }
    }

    /// One line: `servicenow (tickets): 20 of 22 columns found, 0 required missing, 3 unmapped`.
    pub fn summary(&self) -> String {
        format!(
            "{} ({}): {} of {} columns found, {} required missing, {} file columns unmapped",
            self.profile,
            self.kind,
            self.found.len(),
            self.found.len() + self.absent.len(),
            self.missing.len(),
            self.unmapped.len()
        )
    }
}

/// What detection found in one file.
#[derive(Debug, Clone)]
pub struct Detection {
    /// The file.
    pub path: PathBuf,
    /// The header (of the first sheet with one, for a workbook).
    pub header: Vec<String>,
    /// Encoding of a CSV file (`utf-8`, `utf-8-bom`, `windows-1252`); None for a workbook.
    pub encoding: Option<&'static str>,
    /// Field delimiter of a CSV file, detected from the header line; None for a workbook.
    pub delimiter: Option<char>,
    /// Every built-in profile, best first: usable ones before the others, then by the share
    /// of declared columns found, then by fewer unmapped columns, then in built-in order.
    pub ranking: Vec<ProfileMatch>,
    /// Distinct non-empty values of the winner's team columns over the data rows.
    pub teams: BTreeSet<String>,
    /// Data rows read.
    pub rows: usize,
}

impl Detection {
    /// The best profile when it can read the file (all its required columns are there).
    pub fn winner(&self) -> Option<&ProfileMatch> {
        self.ranking.first().filter(|m| m.usable())
    }

    /// One line saying which profile was chosen and why, or why none was.
    pub fn reason(&self) -> String {
        match (self.winner(), self.ranking.get(1)) {
            (Some(w), next) => {
                let labels = |m: &ProfileMatch| {
                    m.labels.map(|l| format!(", reads {:.0}% of the status labels", l * 100.0)).unwrap_or_default()
                };
                let runner = next
                    .map(|n| format!("; next best {} ({:.0}% found{})", n.profile, n.share() * 100.0, labels(n)))
                    .unwrap_or_default();
                // Equal on columns and labels: the file's name (or the built-in order) chose.
                let alike = next
                    .filter(|n| n.usable() && n.share() == w.share() && n.labels.is_some() && n.labels == w.labels)
                    .map(|n| format!(" ({} reads the file alike: name it with --profile if it is that one)", n.profile))
                    .unwrap_or_default();
                format!(
                    "profile {} ({}): all required columns found, {} of {} declared columns ({:.0}%), {} unmapped{}{runner}",
                    w.profile,
                    w.kind,
                    w.found.len(),
                    w.found.len() + w.absent.len(),
                    w.share() * 100.0,
                    w.unmapped.len(),
                    labels(w)
                ) + &alike
            }
            (None, _) => "no built-in profile finds all its required columns".to_string(),
        }
    }
}

/// Scores every built-in profile against `header`, best first (see [`Detection::ranking`]).
pub fn rank(header: &[String]) -> Result<Vec<ProfileMatch>, IngestError> {
    Ok(rank_among(&builtin_profiles()?, header))
}

/// Every built-in profile, loaded, in their built-in order.
fn builtin_profiles() -> Result<Vec<Profile>, IngestError> {
    Ok(BUILTIN.iter().map(|(n, _)| Profile::load(n)).collect::<Result<_, _>>()?)
}

/// [`rank`] over profiles already loaded (in the built-in order).
fn rank_among(profiles: &[Profile], header: &[String]) -> Vec<ProfileMatch> {
    let mut scored: Vec<ProfileMatch> = profiles.iter().map(|p| score(p, header)).collect();
    // A stable sort keeps the built-in order among equals (servicenow before servicenow-audit).
    scored.sort_by(|a, b| {
        b.usable().cmp(&a.usable()).then(b.share().total_cmp(&a.share())).then(a.unmapped.len().cmp(&b.unmapped.len()))
    });
    scored
}

/// How `profile` matches `header`.
pub fn score(profile: &Profile, header: &[String]) -> ProfileMatch {
    let has = |column: &str| header.iter().any(|h| h.trim().eq_ignore_ascii_case(column.trim()));
    if let Some(log) = &profile.eventlog {
        let roles = [
            ("case", Some(&log.case), true),
            ("timestamp", Some(&log.timestamp), true),
            ("status", Some(&log.status), true),
            ("team", log.team.as_ref(), false),
            ("agent", log.agent.as_ref(), false),
        ];
        let mut m = empty_match(profile, MatchKind::EventLog);
        let mut used = Vec::new();
        for (role, column, required) in roles {
            let Some(column) = column else { continue };
            used.push(column.clone());
            if has(column) {
                m.found.push(role.to_string());
            } else {
                let shown = format!("{role} ('{column}')");
                if required {
                    m.missing.push(shown.clone());
                }
                m.absent.push(shown);
            }
        }
        m.unmapped = unmapped(header, &used);
        return m;
    }
    let by_kind = [FileKind::Tickets, FileKind::History].map(|kind| {
        let mapping = profile.mapping(kind);
        let mut m =
            empty_match(profile, if kind == FileKind::Tickets { MatchKind::Tickets } else { MatchKind::History });
        for (field, names) in &mapping.columns {
            if names.find(header).is_some() {
                m.found.push(field.clone());
            } else {
                m.absent.push(format!("{field} ({})", names.shown()));
            }
        }
        m.missing =
            rows::missing_columns(profile, kind, header).into_iter().map(|(f, c)| format!("{f} ({c})")).collect();
        let used: Vec<String> = mapping.columns.values().flat_map(|n| n.names().to_vec()).collect();
        m.unmapped = unmapped(header, &used);
        m
    });
    let [tickets, history] = by_kind;
    if (history.usable(), history.share()) > (tickets.usable(), tickets.share()) {
        history
    } else {
        tickets
    }
}

fn empty_match(profile: &Profile, kind: MatchKind) -> ProfileMatch {
    ProfileMatch {
        profile: profile.name.clone(),
        kind,
        found: Vec::new(),
        absent: Vec::new(),
        missing: Vec::new(),
        unmapped: Vec::new(),
        labels: None,
    }
}

/// Data rows sampled to break ties between profiles that read a header equally well.
const SAMPLE_ROWS: usize = 1000;

/// Orders the usable profiles that read the header exactly as well as the first (same share
/// of declared columns found, same unmapped count) by what the data says: first the share
/// of `sample`'s status labels each reads (its `[values.status]`), then whether the file's
/// name names the kind an event-log profile derives (`…_problems.csv` for `problem`); the
/// built-in order stays among those still equal. The Volvo logs need both: the closed
/// problems' header is read equally by the incident profile, whose labels read none of its
/// rows, and the open problems' log has the incident log's very columns and labels.
fn break_ties(
    ranking: &mut [ProfileMatch],
    header: &[String],
    sample: &[Vec<String>],
    path: &Path,
) -> Result<(), IngestError> {
    let Some(first) = ranking.first().filter(|m| m.usable()) else { return Ok(()) };
    let (share, unmapped) = (first.share(), first.unmapped.len());
    let tied = ranking.iter().take_while(|m| m.usable() && m.share() == share && m.unmapped.len() == unmapped).count();
    if tied < 2 {
        return Ok(());
    }
    let name = path.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
    // The profiles whose event-log kind the file's name names.
    let mut named = Vec::new();
    for m in ranking[..tied].iter_mut() {
        let profile = Profile::load(&m.profile)?;
        m.labels = labels_read(&profile, m.kind, header, sample);
        if m.kind == MatchKind::EventLog && profile.eventlog.as_ref().is_some_and(|l| name.contains(&l.kind)) {
            named.push(m.profile.clone());
        }
    }
    let key = |m: &ProfileMatch| (m.labels.unwrap_or_default(), named.contains(&m.profile));
    // Stable: the built-in order stays among equals.
    ranking[..tied].sort_by(|a, b| {
        let (ka, kb) = (key(a), key(b));
        kb.0.total_cmp(&ka.0).then(kb.1.cmp(&ka.1))
    });
    Ok(())
}

/// Share of `sample`'s non-empty status cells whose label `profile` reads as a status:
/// the status column of a tickets file or an event log, the value of a history file's
/// status events (those whose kind the profile reads as `status`). `None` without such a
/// column or cell: the data says nothing, and the load line says nothing about labels.
fn labels_read(profile: &Profile, kind: MatchKind, header: &[String], sample: &[Vec<String>]) -> Option<f64> {
    let column = |field: &str| profile.history.columns.get(field).and_then(|n| n.find(header));
    let (at, status_rows) = match (kind, &profile.eventlog) {
        (MatchKind::EventLog, Some(log)) => {
            (header.iter().position(|h| h.trim().eq_ignore_ascii_case(log.status.trim()))?, None)
        }
        (MatchKind::Tickets, _) => (profile.tickets.columns.get("status").and_then(|n| n.find(header))?, None),
        (MatchKind::History, _) => (column("value")?, Some(column("kind")?)),
        _ => return None,
    };
    let kinds = profile.value_map(&crate::model::EVENT_KIND);
    let is_status = |row: &Vec<String>| {
        status_rows.is_none_or(|k| row.get(k).is_some_and(|c| kinds.get(&c.trim().to_lowercase()) == Some(&"status")))
    };
    let map = profile.value_map(&crate::model::STATUS);
    let (mut seen, mut read) = (0usize, 0usize);
    for cell in sample.iter().filter(|row| is_status(row)).filter_map(|row| row.get(at)).filter(|c| !profile.is_null(c))
    {
        seen += 1;
        read += usize::from(map.contains_key(&cell.trim().to_lowercase()));
    }
    (seen > 0).then(|| read as f64 / seen as f64)
}

fn unmapped(header: &[String], used: &[String]) -> Vec<String> {
    header
        .iter()
        .filter(|h| !h.trim().is_empty() && !used.iter().any(|u| u.trim().eq_ignore_ascii_case(h.trim())))
        .cloned()
        .collect()
}

/// The team columns of a match: the event log's team column, or the tickets' first,
/// resolving and assigned team columns.
fn team_columns(profile: &Profile, kind: MatchKind) -> Vec<String> {
    match (kind, &profile.eventlog) {
        (MatchKind::EventLog, Some(log)) => log.team.iter().cloned().collect(),
        (MatchKind::Tickets, _) => ["first_team", "resolved_by_team", "assigned_team"]
            .iter()
            .filter_map(|f| profile.tickets.columns.get(*f))
            .flat_map(|n| n.names().to_vec())
            .collect(),
        _ => Vec::new(),
    }
}

/// The first MiB of a file (the whole file when it is shorter), cut after its last line end
/// when there is more, so that no character is cut in two; a longer first line is read whole.
fn head(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    const HEAD: u64 = 1 << 20;
    let mut file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    (&mut file).take(HEAD).read_to_end(&mut bytes)?;
    if bytes.len() as u64 == HEAD {
        match bytes.iter().rposition(|&b| b == b'\n') {
            Some(end) => bytes.truncate(end + 1),
            None => {
                file.read_to_end(&mut bytes)?;
            }
        }
    }
    Ok(bytes)
}

/// Reads `path` (CSV or workbook), ranks the built-in profiles on its header and, with
/// `read_rows`, collects the winner's assignment groups from every data row (without, a CSV
/// file's rows are not parsed: `itsm ingest` needs only the header). Of a workbook, the
/// first sheet with a header any profile reads is examined, or only `sheet` when given.
pub fn detect_file(path: &Path, sheet: Option<&str>, read_rows: bool) -> Result<Detection, IngestError> {
    let profiles = builtin_profiles()?;
    // A row is a header when some profile can read it (below a report's title rows).
    let is_header = |row: &[String]| profiles.iter().any(|p| score(p, row).usable());
    let (header, data, encoding, delimiter) = if workbook::is_workbook(path) {
        let sheets = workbook::read_workbook(path, sheet, &is_header)?;
        let first = sheets.into_iter().next().ok_or_else(|| IngestError::Empty { path: path.into() })?;
        (first.header, first.rows.into_iter().map(|(_, r)| r).collect::<Vec<_>>(), None, None)
    } else {
        let read_err = |source| IngestError::Read { path: path.into(), source };
        let bytes = if read_rows {
            std::fs::read(path).map_err(read_err)?
        } else {
            // The header is all that is read: the file's start, not the whole file.
            head(path).map_err(read_err)?
        };
        let (text, encoding) = csv::decode(&bytes, EncodingChoice::Auto);
        let delim = csv::detect_delimiter(&text);
        let mut reader = csv::Reader::new(&text, delim);
        let csv_err = |source| IngestError::Csv { path: path.into(), source };
        for _ in 0..csv::title_records(&text, delim, &is_header) {
            reader.next_record().map_err(csv_err)?;
        }
        let header: Vec<String> = match reader.next_record().map_err(csv_err)? {
            Some(r) => r.fields.iter().map(|f| f.trim().to_string()).collect(),
            None => return Err(IngestError::Empty { path: path.into() }),
        };
        // Without read_rows, the head's first rows still serve to break ties (break_ties);
        // the head may end inside a quoted field, so a row it cannot read ends the sample.
        let wanted = if read_rows { usize::MAX } else { SAMPLE_ROWS };
        let mut data = Vec::new();
        while data.len() < wanted {
            match reader.next_record() {
                Ok(Some(r)) => data.push(r.fields.iter().map(|f| f.to_string()).collect::<Vec<_>>()),
                Ok(None) => break,
                Err(e) if read_rows => return Err(csv_err(e)),
                Err(_) => break,
            }
        }
        (header, data, Some(encoding), Some(delim as char))
    };
    let mut ranking = rank_among(&profiles, &header);
    break_ties(&mut ranking, &header, &data[..data.len().min(SAMPLE_ROWS)], path)?;
    let mut teams = BTreeSet::new();
    if let Some(w) = ranking.first().filter(|m| m.usable()) {
        let profile = Profile::load(&w.profile)?;
        let at: Vec<usize> = team_columns(&profile, w.kind)
            .iter()
            .filter_map(|c| header.iter().position(|h| h.trim().eq_ignore_ascii_case(c.trim())))
            .collect();
        for row in &data {
            for &k in &at {
                if let Some(cell) = row.get(k).filter(|c| !profile.is_null(c)) {
                    teams.insert(cell.trim().to_string());
                }
            }
        }
    }
    Ok(Detection { path: path.into(), header, encoding, delimiter, ranking, teams, rows: data.len() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(cols: &str) -> Vec<String> {
        cols.split(',').map(str::to_string).collect()
    }

    #[test]
    fn the_canonical_header_picks_generic() {
        let h = header("ticket_id,kind,title,status,opened_at,resolved_at,first_team,assigned_team");
        let ranking = rank(&h).unwrap();
        assert_eq!(ranking[0].profile, "generic");
        assert!(ranking[0].usable() && ranking[0].unmapped.is_empty());
    }

    #[test]
    fn event_logs_are_told_apart_by_their_columns() {
        let volvo = header("case:concept:name,org:group,org:resource,concept:name,lifecycle:transition,time:timestamp");
        assert_eq!(rank(&volvo).unwrap()[0].profile, "bpi2013-volvo");
        let helpdesk = header("concept:name,lifecycle:transition,org:resource,time:timestamp,case:concept:name");
        assert_eq!(rank(&helpdesk).unwrap()[0].profile, "helpdesk-italian");
    }

    #[test]
    fn a_history_files_labels_are_its_status_events_values() {
        let row = |cells: &[&str]| cells.iter().map(|c| c.to_string()).collect::<Vec<_>>();
        let generic = Profile::load("generic").unwrap();
        let history = header("ticket_id,occurred_at,kind,value,agent,minutes");
        let sample = vec![
            row(&["INC1", "2026-10-01 10:00", "Status", "Resolved", "A", ""]),
            row(&["INC1", "2026-10-01 11:00", "status", "Nowhere", "A", ""]),
            // An assignment's value is a team, not a status label.
            row(&["INC1", "2026-10-01 09:00", "Tilldelning", "Service Desk", "A", ""]),
            row(&["INC2", "2026-10-01 09:00", "status", "", "A", ""]),
        ];
        assert_eq!(labels_read(&generic, MatchKind::History, &history, &sample), Some(0.5));
        // Without a status event, or a value column, the data says nothing.
        assert_eq!(labels_read(&generic, MatchKind::History, &history, &sample[2..]), None);
        let no_value = header("ticket_id,occurred_at,kind,agent");
        assert_eq!(labels_read(&generic, MatchKind::History, &no_value, &sample), None);
        let tickets = header("ticket_id,kind,title,opened_at,updated_at");
        assert_eq!(labels_read(&generic, MatchKind::Tickets, &tickets, &sample), None);
    }

    #[test]
    fn profiles_tied_on_the_header_are_told_apart_by_the_status_labels_then_the_file_name() {
        let row = |cells: &[&str]| cells.iter().map(|c| c.to_string()).collect::<Vec<_>>();
        // Volvo's closed problems: the status is `concept:name` (Status-Sub Status); the
        // incident profile's `lifecycle:transition` holds `complete` only.
        let closed = header(
            "case:concept:name,case:variant,concept:name,lifecycle:transition,org:resource,time:timestamp,Resource,org:group",
        );
        let sample = vec![
            row(&[
                "1",
                "V",
                "Queued-Awaiting Assignment",
                "complete",
                "M-A2",
                "2006-01-11T16:49:42",
                "M",
                "Org line A2",
            ]),
            row(&["1", "V", "Completed-Closed", "complete", "M-A2", "2006-01-12T16:49:42", "M", "Org line A2"]),
        ];
        let mut ranking = rank(&closed).unwrap();
        assert_eq!(ranking[0].profile, "bpi2013-volvo", "the header alone ties, built-in order first");
        break_ties(&mut ranking, &closed, &sample, Path::new("closed.csv")).unwrap();
        assert_eq!((ranking[0].profile.as_str(), ranking[0].labels), ("bpi2013-closed-problems", Some(1.0)));
        assert_eq!(ranking[1].labels, Some(0.0));
        // The open problems' log has the incident log's columns and labels: the name decides.
        let open = header("case:concept:name,org:group,org:resource,concept:name,time:timestamp,lifecycle:transition");
        let sample = vec![row(&["1", "Org line A2", "T", "Accepted", "2006-11-07T10:00:36", "In Progress"])];
        for (name, want) in [
            ("bpi_challenge_2013_open_problems.csv", "bpi2013-problems"),
            ("bpi_challenge_2013_incidents.csv", "bpi2013-volvo"),
            ("export.csv", "bpi2013-volvo"),
        ] {
            let mut ranking = rank(&open).unwrap();
            break_ties(&mut ranking, &open, &sample, Path::new(name)).unwrap();
            assert_eq!(ranking[0].profile, want, "{name}");
            let d = Detection {
                path: name.into(),
                header: open.clone(),
                encoding: None,
                delimiter: None,
                ranking,
                teams: BTreeSet::new(),
                rows: 1,
            };
            assert!(d.reason().contains("reads the file alike: name it with --profile"), "{}", d.reason());
        }
    }

    #[test]
    fn a_header_no_profile_reads_has_no_winner() {
        let ranking = rank(&header("foo,bar,baz")).unwrap();
        assert!(ranking.iter().all(|m| !m.usable()));
        assert_eq!(ranking.len(), BUILTIN.len());
    }
}
