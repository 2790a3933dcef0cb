//! Issue 18, item 2: property fuzzing of the readers, through the library (not the binary),
//! so that thousands of cases run in seconds.
//!
//! Each property runs `ITSM_FUZZ_CASES` cases (default [`DEFAULT_CASES`], a bounded CI run;
//! the ingest one — a database batch per case — a quarter of that) and must never panic:
//!
//! - random bytes into the CSV reader (decoding, delimiter detection, records);
//! - mutated valid exports (bytes flipped, delimiters, quotes, line ends and NULs inserted,
//!   spans deleted or repeated) through the row mapper: every record read is loaded or
//!   rejected with a reason;
//! - the same through a real `ingest_file` into a database: read = loaded + rejected, read =
//!   the records the CSV reader finds, and the rejected rows kept;
//! - the date reader on random text and date-like text (ISO, day-first, dotted, Excel
//!   serials, custom formats): no panic, and every instant it returns lies in 1900–2199;
//! - the number, decimal, count and yes/no readers (Swedish forms included);
//! - the profile loader on random TOML and mutated built-in profiles, each profile that
//!   loads then mapping a row; the configuration parser on mutated itsm.toml files;
//! - the workbook reader on mutated xlsx files.
//!
//! The long run (`ITSM_FUZZ_CASES=20000 cargo test --release --test integration -- \
//! reliability_fuzz --nocapture`) writes its figures to `fuzz-last-long-run.txt` next to this
//! file; the bounded run quotes that file in docs/reliability.md.

use std::path::{Path, PathBuf};
use std::time::Instant;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};

use itsm::ingest::profile::Profile;
use itsm::ingest::rows::RowMapper;
use itsm::model::FileKind;
use itsm::tabular::csv::{self, EncodingChoice};
use itsm::tabular::text::{self, DateReader};

use super::doc;
use crate::{fixture, Tmp};

/// Cases per property in the bounded (CI) run.
const DEFAULT_CASES: u32 = 512;

/// A run at or above this many cases per property is a long run: its figures are kept.
const LONG_RUN: u32 = 10_000;

fn cases() -> u32 {
    std::env::var("ITSM_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_CASES)
}

fn long_run_file() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/integration/reliability/fuzz-last-long-run.txt")
}

/// What one property did.
struct Run {
    name: &'static str,
    what: &'static str,
    cases: u32,
    seconds: f64,
    failure: Option<String>,
    /// What the cases reached (rows mapped, files ingested), so a property that exercises
    /// nothing shows.
    note: String,
}

fn run<S: Strategy>(
    name: &'static str,
    what: &'static str,
    cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) -> Run
where
    S::Value: std::fmt::Debug,
{
    let config = Config { cases, failure_persistence: None, max_shrink_iters: 2_000, ..Config::default() };
    // The bounded run draws the same cases every time (a stable page, a reproducible CI);
    // a run with ITSM_FUZZ_CASES set draws new ones.
    let mut runner = if std::env::var_os("ITSM_FUZZ_CASES").is_some() {
        TestRunner::new(config)
    } else {
        let rng = proptest::test_runner::TestRng::deterministic_rng(config.rng_algorithm);
        TestRunner::new_with_rng(config, rng)
    };
    let started = Instant::now();
    let failure = match runner.run(&strategy, test) {
        Ok(()) => None,
        Err(TestError::Fail(reason, value)) => Some(format!("{reason}; minimal input: {value:?}")),
        Err(TestError::Abort(reason)) => Some(format!("aborted: {reason}")),
    };
    Run { name, what, cases, seconds: started.elapsed().as_secs_f64(), failure, note: String::new() }
}

/// A valid export mutated: `edits` of (position, kind, byte) applied in order.
fn mutate(valid: &[u8], edits: &[(usize, u8, u8)]) -> Vec<u8> {
    let mut out = valid.to_vec();
    for &(at, kind, byte) in edits {
        let at = if out.is_empty() { 0 } else { at % (out.len() + 1) };
        match kind % 8 {
            0 => {
                if at < out.len() {
                    out[at] = byte;
                }
            }
            1 => out.insert(at, [b',', b';', b'\t', b'"', b'\n', b'\r', 0, b'?'][byte as usize % 8]),
            2 => {
                let end = (at + byte as usize % 40).min(out.len());
                out.drain(at..end);
            }
            3 => {
                let end = (at + byte as usize % 60).min(out.len());
                let span = out[at..end].to_vec();
                out.splice(at..at, span);
            }
            4 => out.insert(at, byte),
            5 => {
                // A multi-byte character cut or doubled: the UTF-8 of å, or a lone continuation byte.
                let piece: &[u8] = [&b"\xc3\xa5"[..], b"\xc3", b"\xa5", b"\xef\xbb\xbf"][byte as usize % 4];
                out.splice(at..at, piece.iter().copied());
            }
            6 => {
                // A value replaced by a hostile one.
                let piece: &[u8] = [
                    &b"0001-01-01"[..],
                    b"9999-12-31 23:59",
                    b"2026-03-29 02:30",
                    b"99999999999",
                    b"-1",
                    b"1e400",
                    b"NaN",
                    b"=1+1",
                    b"\"\"\"",
                    b"12,5",
                    b"31.02.2026",
                    b"45933.5",
                ][byte as usize % 12];
                let end = out[at..].iter().position(|&b| b == b',' || b == b'\n').map_or(out.len(), |p| at + p);
                out.splice(at..end, piece.iter().copied());
            }
            _ => out.truncate(at),
        }
    }
    out
}

fn edits(max: usize) -> impl Strategy<Value = Vec<(usize, u8, u8)>> {
    prop::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..max)
}

fn read(path: &str) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The valid exports mutated: (bytes, profile).
fn exports() -> Vec<(Vec<u8>, &'static str)> {
    vec![
        (read(&fixture("tickets-v1.csv")), "generic"),
        (read(&fixture("bad-rows.csv")), "generic"),
        (read(&fixture("kpi-history.csv")), "generic"),
        (read(&fixture("sv-export-cp1252.csv")), "sv"),
        (read(&fixture("profile-servicenow.csv")), "servicenow"),
    ]
}

fn profile(name: &str) -> Profile {
    match name {
        "sv" => Profile::load(&fixture("sv-export.toml")).unwrap(),
        n => Profile::load(n).unwrap(),
    }
}

/// Every record of `bytes` through the CSV reader as ingest reads it (`delimiter` as a
/// profile gives it, `auto` detected): (header, records after it).
fn records(bytes: &[u8], encoding: EncodingChoice, delimiter: &str) -> Option<(Vec<String>, Vec<Vec<String>>)> {
    let (text, _) = csv::decode_checked(bytes, encoding).ok()?;
    let delim = match delimiter {
        "auto" => csv::detect_delimiter(&text),
        d => d.as_bytes()[0],
    };
    let mut reader = csv::Reader::new(&text, delim);
    let header: Vec<String> = reader.next_record().ok()??.fields.iter().map(|f| f.trim().to_string()).collect();
    let mut rows = Vec::new();
    while let Ok(Some(r)) = reader.next_record() {
        rows.push(r.fields.iter().map(|f| f.to_string()).collect());
    }
    Some((header, rows))
}

/// The kind a header is (history when it has occurred_at or the profile's history id).
fn kind_of(profile: &Profile, header: &[String]) -> FileKind {
    let history = profile.mapping(FileKind::History).columns.get("occurred_at");
    if history.is_some_and(|h| h.find(header).is_some()) {
        FileKind::History
    } else {
        FileKind::Tickets
    }
}

fn csv_random_bytes(cases: u32) -> Run {
    run(
        "csv_reader_random_bytes",
        "random bytes (0–4 KB) decoded in each encoding choice, delimiter detected, every record read",
        cases,
        prop::collection::vec(any::<u8>(), 0..4096),
        |bytes| {
            for choice in [EncodingChoice::Auto, EncodingChoice::Utf8, EncodingChoice::Windows1252] {
                let _ = records(&bytes, choice, "auto");
                let (text, _) = csv::decode(&bytes, choice);
                let _ = csv::detect_delimiter(&text);
            }
            Ok(())
        },
    )
}

fn csv_mutated_mapper(cases: u32) -> Run {
    let exports = exports();
    let profiles: Vec<Profile> = exports.iter().map(|(_, p)| profile(p)).collect();
    let totals = std::cell::Cell::new((0usize, 0usize));
    let mut r = run(
        "csv_mutated_exports_row_mapper",
        "valid exports (generic tickets and history, Swedish cp1252, ServiceNow) mutated, every record mapped: \
         loaded or rejected with a reason",
        cases,
        (0..exports.len(), edits(12)),
        |(which, edits)| {
            let bytes = mutate(&exports[which].0, &edits);
            let profile = &profiles[which];
            let Some((header, rows)) = records(&bytes, profile.encoding, &profile.delimiter) else { return Ok(()) };
            let kind = kind_of(profile, &header);
            let mut mapper = RowMapper::new(profile, kind, &header, "fuzz", 1);
            let (mut loaded, mut rejected) = (0, 0);
            for (i, row) in rows.iter().enumerate() {
                match mapper.map(row, i as u64 + 2) {
                    Ok(()) => loaded += 1,
                    Err(r) => {
                        prop_assert!(!r.reason.trim().is_empty(), "a rejection without a reason");
                        rejected += 1;
                    }
                }
            }
            prop_assert_eq!(rows.len(), loaded + rejected);
            prop_assert_eq!(mapper.finish_batch().num_rows(), loaded);
            let (l, j) = totals.get();
            totals.set((l + loaded, j + rejected));
            Ok(())
        },
    );
    let (loaded, rejected) = totals.get();
    r.note = format!("{} rows read = {loaded} loaded + {rejected} rejected", loaded + rejected);
    r
}

fn csv_mutated_ingest(cases: u32) -> Run {
    let exports = exports();
    let profiles: Vec<Profile> = exports.iter().map(|(_, p)| profile(p)).collect();
    let tmp = Tmp::new("fuzz-ingest");
    let db = tmp.db();
    let file = tmp.path("mutated.csv");
    let mut store = itsm::store::Store::open(&db).unwrap();
    let counter = std::cell::Cell::new(0u32);
    let store = std::cell::RefCell::new(&mut store);
    let totals = std::cell::Cell::new((0u32, 0i64, 0i64, 0i64));
    let mut r = run(
        "csv_mutated_exports_ingest",
        "mutated valid exports ingested into a database: read = loaded + rejected, read = the records the CSV \
         reader finds, every rejected row kept",
        cases,
        (0..exports.len(), edits(12)),
        |(which, edits)| {
            let bytes = mutate(&exports[which].0, &edits);
            std::fs::write(&file, &bytes).unwrap();
            let profile = &profiles[which];
            counter.set(counter.get() + 1);
            let opts = itsm::ingest::IngestOptions::new(format!("fuzz{}", counter.get()), profile);
            let mut store = store.borrow_mut();
            let Ok(report) = itsm::ingest::ingest_file(&mut store, &file, &opts) else { return Ok(()) };
            prop_assert_eq!(report.rows_read, report.rows_loaded + report.rows_rejected);
            let (_, rows) = records(&bytes, profile.encoding, &profile.delimiter).expect("ingest read it");
            prop_assert_eq!(report.rows_read, rows.len() as i64, "rows read = records in the file");
            let kept = store
                .query_i64(&format!("SELECT count(*) FROM rejected_row WHERE batch_id = {}", report.batch_id))
                .unwrap();
            prop_assert_eq!(kept, report.rows_rejected);
            let (f, read, loaded, rejected) = totals.get();
            totals.set((f + 1, read + report.rows_read, loaded + report.rows_loaded, rejected + report.rows_rejected));
            Ok(())
        },
    );
    let (files, read, loaded, rejected) = totals.get();
    r.note = format!(
        "{files} files ingested (the others refused whole): {read} rows read = {loaded} loaded + {rejected} rejected"
    );
    r
}

/// Text that looks like a date, in the forms exports use, with the numbers anywhere.
fn date_like() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9]{1,6}-[0-9]{1,3}-[0-9]{1,3}([T ][0-9]{1,3}:[0-9]{1,3}(:[0-9]{1,3}([.,][0-9]{0,9})?)?)?( ?(Z|UTC|[+-][0-9]{2}(:?[0-9]{2})?))?",
        "[0-9]{1,12}[/.][0-9]{1,12}[/.][0-9]{1,12}( [0-9]{1,3}:[0-9]{1,3}(:[0-9]{1,3})?)?",
        "[0-9]{1,12}([.,][0-9]{0,12})?",
        "[0-9]{1,2} (Jan|Oct|okt|Foo) [0-9]{1,7} [0-9]{1,2}:[0-9]{1,2}",
        ".{0,40}",
    ]
}

fn dates(cases: u32) -> Run {
    let formats = vec!["%d %b %Y %H:%M".to_string(), "%Y|%m|%d".to_string(), "%s".to_string(), "%+".to_string()];
    let readers: Vec<DateReader> = [chrono_tz::Europe::Stockholm, chrono_tz::America::New_York, chrono_tz::UTC]
        .into_iter()
        .flat_map(|tz| [true, false].map(|day_first| DateReader::new(tz, day_first, formats.clone(), true)))
        .collect();
    let first = chrono::NaiveDate::from_ymd_opt(1899, 12, 31).unwrap().and_hms_opt(0, 0, 0).unwrap();
    let last = chrono::NaiveDate::from_ymd_opt(2200, 1, 2).unwrap().and_hms_opt(0, 0, 0).unwrap();
    let (lo, hi) = (first.and_utc().timestamp_micros(), last.and_utc().timestamp_micros());
    run(
        "date_reader",
        "random and date-like text (ISO with offsets, day-first and month-first, dotted, Excel serials, custom \
         formats incl. %s) in three zones: every instant returned lies in 1900–2199",
        cases,
        (0..readers.len(), date_like()),
        |(which, s)| {
            if let Ok((Some(t), _)) = readers[which].parse_noted(&s) {
                prop_assert!((lo..hi).contains(&t), "'{}' read as {} µs, outside 1900–2199", s, t);
            }
            Ok(())
        },
    )
}

fn numbers(cases: u32) -> Run {
    run(
        "number_readers",
        "random and number-like text (decimal commas, spaces, NBSP, apostrophes, signs, exponents) into the \
         number, exact decimal (scales 0–8), count and yes/no readers",
        cases,
        (prop_oneof!["[-+]?[0-9 .,'\u{a0}\u{202f}eE]{0,40}", ".{0,40}"], 0u32..=8),
        |(s, scale)| {
            let n = text::parse_number(&s);
            if let Ok(Some(v)) = n {
                prop_assert!(v.is_finite());
            }
            if let (Ok(Some(d)), Ok(Some(v))) = (text::parse_decimal(&s, scale), n) {
                // The exact reading agrees with the float one (to the float's precision).
                let exact = d as f64 / 10f64.powi(scale as i32);
                prop_assert!((exact - v).abs() <= v.abs() * 1e-9 + 1e-9, "'{}': {} vs {}", s, exact, v);
            }
            if let Ok(Some(c)) = text::parse_count(&s) {
                prop_assert!(c >= 0);
            }
            let _ = text::parse_bool(&s);
            Ok(())
        },
    )
}

fn builtin_profiles() -> Vec<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("profiles");
    let mut texts: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap()).collect();
    texts.sort();
    texts.push(std::fs::read_to_string(fixture("sv-export.toml")).unwrap());
    texts
}

/// After a profile loads, a row of the generic header goes through it.
fn use_profile(profile: &Profile) {
    let header: Vec<String> = std::fs::read_to_string(fixture("tickets-v1.csv"))
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect();
    let row: Vec<String> = std::fs::read_to_string(fixture("tickets-v1.csv"))
        .unwrap()
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect();
    for kind in [FileKind::Tickets, FileKind::History] {
        let _ = itsm::ingest::rows::missing_columns(profile, kind, &header);
        let mut mapper = RowMapper::new(profile, kind, &header, "fuzz", 1);
        let _ = mapper.map(&row, 2);
        let _ = mapper.map(&row[..3], 3);
        let _ = mapper.finish_batch();
    }
    let _ = profile.is_null("?");
}

fn profiles(cases: u32) -> Run {
    let texts = builtin_profiles();
    let tmp = Tmp::new("fuzz-profiles");
    let path = tmp.path("p.toml");
    let loaded = std::cell::Cell::new(0u32);
    let mut r = run(
        "profile_loader",
        "random TOML-ish text and mutated built-in profiles (lines dropped, doubled, values replaced, bytes \
         flipped) loaded from a file; each profile that loads maps a row",
        cases,
        (0..texts.len() + 1, edits(6), "[a-z_\\[\\]=\" .,0-9\n#{}-]{0,200}"),
        |(which, edits, random)| {
            let bytes = match texts.get(which) {
                Some(t) => mutate(t.as_bytes(), &edits),
                None => random.into_bytes(),
            };
            std::fs::write(&path, &bytes).unwrap();
            if let Ok(p) = Profile::load(path.to_str().unwrap()) {
                use_profile(&p);
                loaded.set(loaded.get() + 1);
            }
            Ok(())
        },
    );
    r.note = format!("{} profiles loaded and used, the others refused with a message", loaded.get());
    r
}

fn configs(cases: u32) -> Run {
    let texts: Vec<String> = ["kpi-itsm.toml", "billing-itsm.toml", "customer-itsm.toml"]
        .iter()
        .map(|f| std::fs::read_to_string(fixture(f)).unwrap())
        .collect();
    run(
        "config_parser",
        "mutated itsm.toml files (KPI, billing, customer fixtures) parsed and validated",
        cases,
        (0..texts.len(), edits(6)),
        |(which, edits)| {
            let bytes = mutate(texts[which].as_bytes(), &edits);
            if let Ok(text) = std::str::from_utf8(&bytes) {
                let _ = itsm::config::Config::parse(text);
            }
            Ok(())
        },
    )
}

fn workbooks(cases: u32) -> Run {
    let books: Vec<Vec<u8>> = ["excel-tickets.xlsx", "excel-two-sheets.xlsx", "bad/xlsx-merged-cells.xlsx"]
        .iter()
        .map(|f| read(&fixture(f)))
        .collect();
    let tmp = Tmp::new("fuzz-xlsx");
    let path = tmp.path("book.xlsx");
    let read = std::cell::Cell::new(0u32);
    let mut r = run(
        "workbook_reader",
        "valid workbooks (one and two sheets, merged cells) with bytes flipped, spans cut or doubled",
        cases,
        (0..books.len(), prop::collection::vec((any::<usize>(), 0u8..4, any::<u8>()), 1..4)),
        |(which, edits)| {
            // Flips, inserts, cuts and truncations only: a workbook is binary.
            let edits: Vec<(usize, u8, u8)> =
                edits.into_iter().map(|(a, k, b)| (a, [0, 2, 4, 7][k as usize], b)).collect();
            std::fs::write(&path, mutate(&books[which], &edits)).unwrap();
            let sheets = itsm::tabular::workbook::read_workbook(Path::new(&path), None, &|row: &[String]| {
                row.iter().any(|c| c.eq_ignore_ascii_case("ticket_id"))
            });
            if sheets.is_ok() {
                read.set(read.get() + 1);
            }
            Ok(())
        },
    );
    r.note = format!("{} workbooks still read, the others refused with a message", read.get());
    r
}

#[test]
fn reliability_fuzz_harness_reports_a_panic_and_a_broken_property_as_failures() {
    let panics = run("p", "", 64, 0u32..1000, |n| {
        assert!(n < 500, "boom");
        Ok(())
    });
    let breaks = run("b", "", 64, 0u32..1000, |n| {
        prop_assert!(n < 500);
        Ok(())
    });
    // Shrunk to the smallest failing input.
    assert!(panics.failure.as_deref().unwrap().ends_with("minimal input: 500"), "{:?}", panics.failure);
    assert!(breaks.failure.as_deref().unwrap().ends_with("minimal input: 500"), "{:?}", breaks.failure);
    assert!(run("ok", "", 16, 0u32..10, |_| Ok(())).failure.is_none());
    // Mutations change the export, and can cut it to nothing.
    let valid = b"a,b\n1,2\n";
    assert_eq!(mutate(valid, &[(1, 0, b'x')]), b"axb\n1,2\n");
    assert_eq!(mutate(valid, &[(0, 7, 0)]), b"");
}

#[test]
fn reliability_fuzz_readers_never_panic_and_lose_no_rows() {
    let n = cases();
    let heavy = (n / 4).max(1);
    let runs = vec![
        csv_random_bytes(n),
        csv_mutated_mapper(n),
        csv_mutated_ingest(heavy),
        dates(n * 4),
        numbers(n * 4),
        profiles(n),
        configs(n),
        workbooks(n),
    ];
    let failures: Vec<&Run> = runs.iter().filter(|r| r.failure.is_some()).collect();
    let total: u32 = runs.iter().map(|r| r.cases).sum();
    if n >= LONG_RUN {
        let line = format!(
            "last long run: {total} cases ({n} per property, {heavy} for the ingest one, \
             4 × {n} for dates and numbers), {} failures, {}\n",
            failures.len(),
            chrono::Utc::now().format("%Y-%m-%d")
        );
        std::fs::write(long_run_file(), line).unwrap();
    }
    let mut body = format!(
        "Property tests (proptest) call the readers in the library directly. {} runs each property with \
         `ITSM_FUZZ_CASES` cases (default {DEFAULT_CASES}, drawn from a fixed seed so the page is stable; \
         setting the variable draws new cases); the ingest property, a database batch per case, runs a \
         quarter of that, the date and number readers four times that. A property fails on a panic or on its \
         assertion; proptest then shrinks the input to a minimal one.\n\n\
         | property | what goes in | cases | outcome |\n| --- | --- | --- | --- |\n",
        "`cargo test --release --test integration reliability`",
    );
    for r in &runs {
        let outcome = match &r.failure {
            None if r.note.is_empty() => "no panic, properties held".to_string(),
            None => format!("no panic, properties held; {}", r.note),
            Some(f) => format!("FAILED: {}", f.chars().take(300).collect::<String>().replace('|', "\\|")),
        };
        body.push_str(&format!("| `{}` | {} | {} | {} |\n", r.name, r.what, r.cases, outcome));
    }
    let last = std::fs::read_to_string(long_run_file()).unwrap_or_else(|_| "last long run: none yet\n".into());
    body.push_str(&format!(
        "\n{total} cases in this run, {} failures; {}.\n\n\
         The long run (10 minutes on two busy cores at 20 000 cases, most of it the ingest property) is a \
         separate command:\n\n\
         ```\nITSM_FUZZ_CASES=20000 cargo test --release --test integration -- reliability_fuzz --nocapture\n```\n\n\
         It rewrites `tests/integration/reliability/fuzz-last-long-run.txt` (commit it) and this section.\n",
        failures.len(),
        last.trim()
    ));
    doc::section("fuzz", &body);
    for r in &runs {
        eprintln!("{}: {} cases in {:.1} s", r.name, r.cases, r.seconds);
    }
    assert!(
        failures.is_empty(),
        "fuzzing failed: {:#?}",
        failures.iter().map(|r| (r.name, &r.failure)).collect::<Vec<_>>()
    );
}
