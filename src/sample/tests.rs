//! Tests of the generator's contract — byte-for-byte determinism, exact
//! headers, spec validation — plus the CSV/timestamp parsing helpers and the
//! cached reference data set shared with `tests_rows` and `tests_kpi`.

use super::*;
use chrono::{DateTime, Offset, TimeZone};
use chrono_tz::Europe::Stockholm;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// A parsed CSV file.
pub(super) struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn col(&self, name: &str) -> usize {
        self.header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"))
    }
}

/// Minimal RFC 4180 reader (quoted fields, doubled quotes, `\n` records).
pub(super) fn parse_csv(text: &str) -> Table {
    let mut records = Vec::new();
    let (mut rec, mut field, mut quoted, mut chars) = (Vec::new(), String::new(), false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => rec.push(std::mem::take(&mut field)),
            (false, '\n') => {
                rec.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut rec));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(field.is_empty() && rec.is_empty(), "file must end with a newline");
    let header = records.remove(0);
    for r in &records {
        assert_eq!(r.len(), header.len(), "ragged row {r:?}");
    }
    Table { header, rows: records }
}

/// Parses an output timestamp, checking format and that the offset is
/// Stockholm's at that instant (per chrono-tz); returns UTC seconds.
pub(super) fn ts(s: &str) -> i64 {
    assert_eq!(s.len(), 25, "timestamp shape: {s}");
    let t = DateTime::parse_from_rfc3339(s).unwrap_or_else(|e| panic!("{s}: {e}"));
    let expected = Stockholm.offset_from_utc_datetime(&t.naive_utc()).fix();
    assert_eq!(*t.offset(), expected, "wrong offset in {s}");
    t.timestamp()
}

pub(super) fn opt_ts(s: &str) -> Option<i64> {
    (!s.is_empty()).then(|| ts(s))
}

/// One history row.
pub(super) struct Hist {
    pub t: i64,
    pub kind: String,
    pub value: String,
    pub minutes: Option<u32>,
}

/// A generated and parsed data set.
pub(super) struct Data {
    pub tickets: Table,
    pub history: BTreeMap<String, Vec<Hist>>,
    pub end: i64,
    pub bytes: (Vec<u8>, Vec<u8>),
}

pub(super) fn temp_dir(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("itsm-sample-{}-{name}", std::process::id()))
}

pub(super) fn generate_bytes(spec: &SampleSpec, name: &str) -> (Vec<u8>, Vec<u8>, SampleSummary) {
    let dir = temp_dir(name);
    let summary = generate(spec, &dir).expect("generate");
    let t = std::fs::read(&summary.tickets_file).unwrap();
    let h = std::fs::read(&summary.history_file).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    (t, h, summary)
}

pub(super) fn load(spec: &SampleSpec, name: &str) -> Data {
    let (t, h, summary) = generate_bytes(spec, name);
    let tickets = parse_csv(std::str::from_utf8(&t).unwrap());
    let hist = parse_csv(std::str::from_utf8(&h).unwrap());
    assert_eq!(summary.tickets as usize, tickets.rows.len());
    assert_eq!(summary.events as usize, hist.rows.len());
    let mut history: BTreeMap<String, Vec<Hist>> = BTreeMap::new();
    let mut last_key = (String::new(), i64::MIN);
    for r in &hist.rows {
        let key = (r[0].clone(), ts(&r[1]));
        assert!(key >= last_key, "history not sorted by (ticket_id, occurred_at) at {key:?}");
        last_key = key.clone();
        let minutes = (!r[5].is_empty()).then(|| r[5].parse().unwrap());
        history.entry(key.0).or_default().push(Hist { t: key.1, kind: r[2].clone(), value: r[3].clone(), minutes });
    }
    let (y, m) = spec.end_month;
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    let end = Stockholm.with_ymd_and_hms(ny, nm, 1, 0, 0, 0).unwrap().timestamp();
    Data { tickets, history, end, bytes: (t, h) }
}

/// The reference data set of the KPI tests: 5,000 tickets, 13 months, seed 42, up to 2026-10.
pub(super) fn reference() -> &'static Data {
    static DATA: OnceLock<Data> = OnceLock::new();
    DATA.get_or_init(|| load(&SampleSpec { tickets: 5_000, months: 13, seed: 42, end_month: (2026, 10) }, "reference"))
}

pub(super) fn line_of(team: &str) -> u8 {
    TEAMS.iter().find(|t| t.0 == team).unwrap_or_else(|| panic!("unknown team {team}")).1
}

#[test]
fn same_spec_same_bytes_other_seed_other_bytes() {
    let spec = SampleSpec { tickets: 1_500, months: 4, seed: 7, end_month: (2026, 3) };
    let a = generate_bytes(&spec, "det-a");
    let b = generate_bytes(&spec, "det-b");
    assert!(a.0 == b.0 && a.1 == b.1, "same spec must give identical bytes");
    let c = generate_bytes(&SampleSpec { seed: 8, ..spec }, "det-c");
    assert!(a.0 != c.0 && a.1 != c.1, "another seed must give other data");
}

#[test]
fn headers_are_exact_and_files_are_plain_utf8() {
    let d = reference();
    let first = |b: &[u8]| String::from_utf8(b.split(|&c| c == b'\n').next().unwrap().to_vec()).unwrap();
    assert_eq!(first(&d.bytes.0), TICKETS_HEADER);
    assert_eq!(first(&d.bytes.1), "ticket_id,occurred_at,kind,value,agent,minutes");
    assert_eq!(
        TICKETS_HEADER,
        "ticket_id,kind,title,customer,service,category,ci,channel,impact,urgency,priority,status,\
         opened_at,first_response_at,resolved_at,closed_at,first_team,resolved_by_team,assigned_team,\
         reassignment_count,reopen_count,problem_id,change_id,work_minutes,billable,request_item,\
         requester,updated_at,cost"
    );
    for b in [&d.bytes.0, &d.bytes.1] {
        assert!(!b.starts_with(&[0xEF, 0xBB, 0xBF]) && !b.contains(&b'\r'));
    }
    assert_eq!(d.tickets.rows.len(), 5_000);
    // Quoting is exercised: titles with commas and with a doubled quote exist.
    let title = d.tickets.col("title");
    assert!(d.tickets.rows.iter().any(|r| r[title].contains(',')));
    assert!(d.tickets.rows.iter().any(|r| r[title].contains('"')));
    assert!(d.tickets.rows.iter().any(|r| r[title].contains('ö') || r[title].contains('å')));
}

#[test]
fn invalid_specs_are_rejected() {
    let ok = SampleSpec { tickets: 10, months: 1, seed: 1, end_month: (2026, 1) };
    for bad in [
        SampleSpec { end_month: (2026, 13), ..ok.clone() },
        SampleSpec { end_month: (2026, 0), ..ok.clone() },
        SampleSpec { months: 0, ..ok.clone() },
        SampleSpec { months: 400, ..ok.clone() },
        SampleSpec { tickets: MAX_TICKETS + 1, ..ok.clone() },
    ] {
        let err = generate(&bad, &temp_dir("never-created")).unwrap_err();
        assert!(matches!(err, SampleError::InvalidSpec(_)), "{bad:?}");
    }
    // Degenerate but valid: tiny and empty data sets still come out consistent.
    for n in [0, 1, 7, 60] {
        let d = load(&SampleSpec { tickets: n, ..ok.clone() }, &format!("tiny-{n}"));
        assert_eq!(d.tickets.rows.len(), n);
    }
}

/// 64-bit FNV-1a, enough to pin file contents.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3))
}

/// Pins the exact output of one spec. A failure means every data set generated
/// from now on differs from those generated before (on this or any machine):
/// if that is intended, update the pins and say so in the change log.
#[test]
fn output_is_pinned() {
    let spec = SampleSpec { tickets: 2_000, months: 3, seed: 1, end_month: (2026, 3) };
    let (t, h, _) = generate_bytes(&spec, "pinned");
    let pins = (0x3fa7_ec9a_541a_d227, 0x92d4_4a51_5805_c898);
    assert_eq!((fnv(&t), fnv(&h)), pins, "generator output changed");
}

/// The catalogue tables are hand-written; check the cross-references.
#[test]
fn catalog_is_coherent() {
    use super::catalog::{faults_on, Catalog, On, CATEGORIES, CIS, DEVICES, ITEMS, SERVICES};
    let cat = Catalog::new();
    for (s, svc) in SERVICES.iter().enumerate() {
        assert!(svc.faults.iter().any(|f| f.weight > 0), "{} has nothing to report", svc.name);
        for fault in svc.faults {
            assert!((fault.category as usize) < CATEGORIES.len(), "{}", fault.title);
            match fault.on {
                // Users report it: every customer needs a CI of that class.
                On::Named(class) if fault.weight > 0 => {
                    for c in 0..CUSTOMERS.len() as u8 {
                        assert!(!cat.cis_for(s as u8, class, c).is_empty(), "{}: no {class:?} CI for {c}", svc.name);
                    }
                }
                On::Device(d) => assert!(DEVICES[d].per_customer.iter().all(|&n| n > 0)),
                _ => {}
            }
        }
    }
    // Planted incidents (problems, clusters, monitoring, changes) need a fault on every CI.
    let mut names = std::collections::BTreeSet::new();
    for (i, ci) in CIS.iter().enumerate() {
        assert!(names.insert(ci.name), "{} listed twice", ci.name);
        assert!(faults_on(i as u16).next().is_some(), "{} has no fault to record", ci.name);
    }
    for item in ITEMS {
        if let Some(name) = item.ci {
            let ci = CIS.iter().find(|c| c.name == name).unwrap_or_else(|| panic!("{}: no CI {name}", item.name));
            assert_eq!(ci.service, item.service, "{}: CI of another service", item.name);
        }
    }
    assert!(request_items().any(|(_, billable, priced)| billable && !priced));
}

/// One language per title: the organisation writes Swedish; the monitoring
/// tool (events) writes English. Catches a title written in the other language.
#[test]
fn titles_are_swedish_except_the_monitoring_tools() {
    let d = reference();
    let (kind, title) = (d.tickets.col("kind"), d.tickets.col("title"));
    let english = ["not", "on", "to", "when", "error", "recurring", "update", "request", "failed", "down", "crashes"];
    let swedish = ["inte", "på", "till", "fel", "och", "är", "av", "efter", "saknas"];
    let words = |t: &str| -> Vec<String> {
        t.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(|w| w.to_lowercase()).collect()
    };
    for r in &d.tickets.rows {
        let w = words(&r[title]);
        // "Access denied" is an error message quoted inside a Swedish sentence.
        let quoted_free: String = r[title].split('"').step_by(2).collect::<Vec<_>>().join(" ");
        let unquoted = words(&quoted_free);
        if r[kind] == "event" {
            assert!(!w.iter().any(|x| swedish.contains(&x.as_str())), "Swedish in an alert: {}", r[title]);
            assert!(!r[title].contains(['å', 'ä', 'ö']), "Swedish in an alert: {}", r[title]);
        } else {
            assert!(!unquoted.iter().any(|x| english.contains(&x.as_str())), "English in {}: {}", r[0], r[title]);
        }
    }
}
