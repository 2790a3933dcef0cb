//! The generated incidents written as a ServiceNow snapshot export (`itsm sample --format
//! servicenow-snapshot`): one row per saved version of an incident, as a report over the
//! incident table's audit history gives it, with the quirks real exports have.
//!
//! It reads the canonical `tickets.csv` and `history.csv` the generator has just written
//! (both sorted by ticket id) and replays each incident's history: every status change,
//! assignment, reopen and work note saves a new version (`sys_mod_count` + 1) holding the
//! incident's fields at that moment. So the export is consistent with the canonical files
//! by construction, and this module never touches the simulation.
//!
//! Real-export quirks, sprinkled deterministically (by incident number):
//! - `?` in every empty cell; the status in `incident_state`, the update time in
//!   `sys_updated_at`, dates day first without seconds (`1/10/2025 09:58`);
//! - channel labels ServiceNow uses (`Self service`, `IVR`, `Direct opening`) and one no
//!   profile maps (`Fax`, every 37th incident);
//! - `resolved_at` = `?` on every row of every 13th closed incident;
//! - every 25th incident opened in April or May is opened at a local time inside the
//!   spring-forward gap of its year (e.g. `29/3/2026 02:25`), which is earlier than its
//!   first event: the time such exports write for what was really 03:25.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate, Weekday};

use super::write::push_field;
use super::SampleError;

/// Header of the snapshot export, ServiceNow's field names.
pub const SNAPSHOT_HEADER: &str = "number,incident_state,reassignment_count,reopen_count,sys_mod_count,made_sla,\
caller_id,opened_at,sys_updated_at,contact_type,location,category,subcategory,cmdb_ci,impact,urgency,priority,\
assignment_group,assigned_to,problem_id,rfc,caused_by,closed_code,resolved_by,resolved_at,closed_at,\
short_description,company,business_service";

/// What was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnapshotSummary {
    /// Data rows (snapshots) written.
    pub rows: u64,
    /// Distinct incidents.
    pub incidents: u64,
    /// The file.
    pub file: PathBuf,
}

/// Minimal RFC 4180 split of one line (the generator never writes line breaks in fields).
fn split(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

/// `2025-10-01T09:58:20+02:00` (local wall time with offset) -> `1/10/2025 09:58`.
fn day_first(iso: &str) -> String {
    if iso.len() < 16 {
        return "?".into();
    }
    let (y, m, d) = (&iso[0..4], iso[5..7].trim_start_matches('0'), iso[8..10].trim_start_matches('0'));
    format!("{d}/{m}/{y} {}", &iso[11..16])
}

/// The Sunday clocks go forward in Europe (last Sunday of March) of `year`.
fn spring_forward(year: i32) -> NaiveDate {
    let mut d = NaiveDate::from_ymd_opt(year, 3, 31).expect("valid date");
    while d.weekday() != Weekday::Sun {
        d = d.pred_opt().expect("valid date");
    }
    d
}

fn or_null(s: &str) -> &str {
    if s.is_empty() {
        "?"
    } else {
        s
    }
}

fn state_label(canonical: &str) -> &'static str {
    match canonical {
        "New" => "New",
        "Open" => "In Progress",
        "Pending" => "On Hold",
        "Resolved" => "Resolved",
        "Closed" => "Closed",
        _ => "Canceled",
    }
}

fn channel_label(canonical: &str, number: u64) -> &'static str {
    if number.is_multiple_of(37) {
        return "Fax";
    }
    match canonical {
        "phone" if number.is_multiple_of(5) => "IVR",
        "phone" => "Phone",
        "email" => "Email",
        "portal" => "Self service",
        "walk_in" => "Walk-in",
        "monitoring" => "Monitoring",
        _ => "Direct opening",
    }
}

fn three_level(canonical: &str) -> &'static str {
    match canonical {
        "High" | "Urgent" => "1 - High",
        "Medium" | "Normal" => "2 - Medium",
        "Low" => "3 - Low",
        _ => "?",
    }
}

fn priority_label(canonical: &str) -> &'static str {
    match canonical {
        "High" => "1 - Critical",
        "Normal" => "2 - High",
        "Medium" => "3 - Moderate",
        "Low" => "4 - Low",
        _ => "?",
    }
}

/// Writes `servicenow-snapshots.csv` in `out_dir` from the canonical files there.
pub fn write_servicenow_snapshots(out_dir: &Path) -> Result<SnapshotSummary, SampleError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| SampleError::Io { path, source }
    };
    let tickets_path = out_dir.join("tickets.csv");
    let history_path = out_dir.join("history.csv");
    let file = out_dir.join("servicenow-snapshots.csv");
    let tickets = BufReader::new(File::open(&tickets_path).map_err(io(&tickets_path))?);
    let history = BufReader::new(File::open(&history_path).map_err(io(&history_path))?);
    let mut out = BufWriter::new(File::create(&file).map_err(io(&file))?);
    writeln!(out, "{SNAPSHOT_HEADER}").map_err(io(&file))?;
    let mut events = history.lines().skip(1).peekable();
    let (mut rows, mut incidents) = (0u64, 0u64);
    let mut buf = Vec::with_capacity(1024);
    for line in tickets.lines().skip(1) {
        let line = line.map_err(io(&tickets_path))?;
        let t = split(&line);
        let id = t[0].clone();
        // The ticket's events: history is sorted by ticket id like tickets.csv.
        let mut evs: Vec<Vec<String>> = Vec::new();
        while let Some(next) = events.peek() {
            let next = match next {
                Ok(l) => l,
                Err(_) => return Err(SampleError::Io { path: history_path, source: std::io::Error::other("read") }),
            };
            let key = next.split(',').next().unwrap_or("");
            if key < id.as_str() {
                events.next();
            } else if key == id {
                evs.push(split(&events.next().expect("peeked").map_err(io(&history_path))?));
            } else {
                break;
            }
        }
        if t[1] != "incident" || evs.is_empty() {
            continue;
        }
        incidents += 1;
        let number: u64 = id.trim_start_matches("INC").parse().unwrap_or(0);
        // Canonical ticket columns (see write::TICKETS_HEADER).
        let (title, customer, service, category, ci, channel) = (&t[2], &t[3], &t[4], &t[5], &t[6], &t[7]);
        let (impact, urgency, priority, status) = (&t[8], &t[9], &t[10], &t[11]);
        let (problem, change, requester) = (&t[21], &t[22], &t[26]);
        let resolved_missing = status == "Closed" && number.is_multiple_of(13);
        let mut opened = day_first(&t[12]);
        let month: u32 = t[12].get(5..7).and_then(|m| m.parse().ok()).unwrap_or(0);
        if number.is_multiple_of(25) && (4..=5).contains(&month) {
            let year: i32 = t[12][0..4].parse().unwrap_or(2026);
            let d = spring_forward(year);
            opened = format!("{}/{}/{} 02:{:02}", d.day(), d.month(), d.year(), number % 60);
        }
        let (mut state, mut group, mut agent) = ("New", String::new(), String::new());
        let (mut resolved_at, mut resolved_by, mut closed_at) = (String::new(), String::new(), String::new());
        let (mut reassignments, mut reopens, mut first_group) = (0u32, 0u32, true);
        for (i, e) in evs.iter().enumerate() {
            let (at, kind, value, who) = (&e[1], e[2].as_str(), &e[3], &e[4]);
            match kind {
                "status" => {
                    state = state_label(value);
                    if value == "Resolved" {
                        resolved_at = day_first(at);
                        resolved_by = who.clone();
                    } else if value == "Closed" {
                        closed_at = day_first(at);
                    } else if value != "Cancelled" {
                        resolved_at.clear();
                    }
                }
                "assignment" => {
                    if !first_group && *value != group {
                        reassignments += 1;
                    }
                    first_group = false;
                    group = value.clone();
                }
                "reopen" => {
                    state = "In Progress";
                    reopens += 1;
                    resolved_at.clear();
                }
                _ => {}
            }
            if !who.is_empty() {
                agent = who.clone();
            }
            // The first version is saved at the opening (the gap time, where sprinkled).
            let updated = if i == 0 { opened.clone() } else { day_first(at) };
            let made_sla = if number.is_multiple_of(7) { "false" } else { "true" };
            buf.clear();
            let fields: [&str; 29] = [
                &id,
                state,
                &reassignments.to_string(),
                &reopens.to_string(),
                &i.to_string(),
                made_sla,
                or_null(requester),
                &opened,
                &updated,
                channel_label(channel, number),
                or_null(customer),
                or_null(category),
                or_null(service),
                or_null(ci),
                three_level(impact),
                three_level(urgency),
                priority_label(priority),
                or_null(&group),
                or_null(&agent),
                or_null(problem),
                or_null(change),
                "?",
                if state == "Closed" { "Solved (Permanently)" } else { "?" },
                if resolved_at.is_empty() { "?" } else { or_null(&resolved_by) },
                if resolved_missing || resolved_at.is_empty() { "?" } else { &resolved_at },
                if state == "Closed" { &closed_at } else { "?" },
                or_null(title),
                or_null(customer),
                or_null(service),
            ];
            for (j, f) in fields.iter().enumerate() {
                if j > 0 {
                    buf.push(b',');
                }
                push_field(&mut buf, f);
            }
            buf.push(b'\n');
            out.write_all(&buf).map_err(io(&file))?;
            rows += 1;
        }
    }
    out.flush().map_err(io(&file))?;
    Ok(SnapshotSummary { rows, incidents, file })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_day_first_without_seconds_and_the_gap_day_is_the_last_march_sunday() {
        assert_eq!(day_first("2025-10-01T09:58:20+02:00"), "1/10/2025 09:58");
        assert_eq!(spring_forward(2026), NaiveDate::from_ymd_opt(2026, 3, 29).unwrap());
        assert_eq!(split("a,\"b, \"\"c\"\"\",d"), vec!["a", "b, \"c\"", "d"]);
    }

    #[test]
    fn every_incident_event_is_a_version_and_quirks_are_sprinkled() {
        let dir = std::env::temp_dir().join(format!("itsm-snapshot-{}", std::process::id()));
        let spec = super::super::SampleSpec { tickets: 600, months: 3, seed: 5, end_month: (2026, 5) };
        super::super::generate(&spec, &dir).unwrap();
        let s = write_servicenow_snapshots(&dir).unwrap();
        let text = std::fs::read_to_string(&s.file).unwrap();
        let history = std::fs::read_to_string(dir.join("history.csv")).unwrap();
        let incident_events = history.lines().filter(|l| l.starts_with("INC")).count() as u64;
        assert_eq!(s.rows, incident_events);
        assert_eq!(text.lines().count() as u64, s.rows + 1);
        assert!(text.contains(",?,") && text.contains("Fax") && text.contains("Self service"));
        assert!(text.lines().any(|l| l.contains("/3/2026 02:")), "a DST-gap time");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
