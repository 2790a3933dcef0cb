//! Issue 18, item 1: the bad-input corpus. Every line of tests/fixtures/bad/INDEX.tsv is one
//! case: on a database that already holds a valid load (tests/fixtures/tickets-v1.csv),
//! `itsm ingest` runs on the bad file and must either
//!
//! - exit 0 with read = loaded + rejected, read equal to the data records the index says the
//!   file holds (counted by hand), and every rejected row kept with a non-empty reason; or
//! - exit 2 with one message naming the file (and the row, column and value the index lists,
//!   where the file has them), the contents of every table unchanged.
//!
//! Never a panic (exit 101), never a signal. The index also pins which of the two the tool
//! does for each file, so a change of behaviour shows up here. The results are written to
//! the "corpus" and "summary" sections of docs/reliability.md.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::doc;
use crate::{fixture, itsm, itsm_ok, rows, Tmp};

/// One line of INDEX.tsv.
struct Case {
    file: String,
    args: Vec<String>,
    /// Data records in the file, counted by hand (`None`: refused before rows are read).
    records: Option<i64>,
    refuse: bool,
    /// Fragments the refusal message must contain besides the file name.
    names: Vec<String>,
    what: String,
}

fn bad_dir() -> PathBuf {
    PathBuf::from(fixture("bad"))
}

fn index() -> Vec<Case> {
    let text = std::fs::read_to_string(bad_dir().join("INDEX.tsv")).expect("tests/fixtures/bad/INDEX.tsv");
    let mut cases = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 6, "INDEX.tsv line {}: want 6 tab-separated columns: {line}", n + 1);
        let args = cols[1].replace("{fixtures}", &fixture("")).split_whitespace().map(str::to_string).collect();
        let records = match cols[2] {
            "-" => None,
            n => Some(n.parse().unwrap_or_else(|_| panic!("INDEX.tsv: rows '{n}' is not a number"))),
        };
        let refuse = match cols[3] {
            "refuse" => true,
            "load" => false,
            other => panic!("INDEX.tsv: outcome '{other}' is neither load nor refuse"),
        };
        let names = match cols[4] {
            "-" => Vec::new(),
            s => s.split('|').map(str::to_string).collect(),
        };
        cases.push(Case { file: cols[0].to_string(), args, records, refuse, names, what: cols[5].to_string() });
    }
    cases
}

/// Files too large to commit, written at test time.
fn generated(name: &str) -> Option<Vec<u8>> {
    match name {
        "big-cell-1mb.csv" => {
            let header = std::fs::read_to_string(fixture("tickets-v1.csv")).unwrap();
            let mut lines = header.lines();
            let (head, row) = (lines.next().unwrap(), lines.next().unwrap());
            // The title of the first row is 1 MB of text (quoted, with commas and quotes inside).
            let big = "Skrivaren, \"den\" på plan två ".repeat(1 << 20 >> 5);
            let cells: Vec<&str> = row.split(',').collect();
            let mut out = format!("{head}\n");
            let mut first: Vec<String> = cells.iter().map(|c| c.to_string()).collect();
            first[0] = "BIG-1".into();
            first[2] = format!("\"{}\"", big.replace('"', "\"\""));
            out.push_str(&first.join(","));
            out.push('\n');
            let mut second: Vec<String> = cells.iter().map(|c| c.to_string()).collect();
            second[0] = "BIG-2".into();
            out.push_str(&second.join(","));
            out.push('\n');
            Some(out.into_bytes())
        }
        _ => None,
    }
}

/// Every table's rows, each row as text, sorted: the database's whole content.
fn contents(db: &Path) -> BTreeMap<String, Vec<String>> {
    let tables = rows(
        db,
        "SELECT table_name FROM information_schema.tables \
         WHERE table_schema = 'main' AND table_type = 'BASE TABLE' ORDER BY table_name",
    );
    let store = itsm::store::Store::open(db).unwrap();
    tables
        .lines()
        .map(|t| {
            let mut all: Vec<String> = store
                .query_text(&format!("SELECT * FROM \"{t}\""))
                .unwrap()
                .into_iter()
                .map(|r| r.join("\u{1f}"))
                .collect();
            all.sort();
            (t.to_string(), all)
        })
        .collect()
}

/// "7 read = 6 loaded + 1 rejected" from the ingest's printed summary.
fn printed_counts(stdout: &str) -> Option<(i64, i64, i64)> {
    let at = stdout.find(" read = ")?;
    let read = stdout[..at].rsplit(' ').next()?.parse().ok()?;
    let rest = &stdout[at + 8..];
    let mut words = rest.split_whitespace();
    let loaded = words.next()?.parse().ok()?;
    words.next(); // loaded
    words.next(); // +
    let rejected = words.next()?.parse().ok()?;
    Some((read, loaded, rejected))
}

/// What happened to one case, for the page.
struct Outcome {
    file: String,
    what: String,
    text: String,
    read: i64,
    lost: i64,
}

fn run_case(case: &Case, baseline: &Path, scratch: &Path) -> Outcome {
    let t = Tmp::new(&format!("corpus-{}", case.file.replace('.', "-")));
    std::fs::copy(baseline, t.db()).unwrap();
    let wal = PathBuf::from(format!("{}.wal", baseline.display()));
    if wal.exists() {
        std::fs::copy(&wal, format!("{}.wal", t.db().display())).unwrap();
    }
    let file = match generated(&case.file) {
        Some(bytes) => {
            assert!(!bad_dir().join(&case.file).exists(), "{} is generated at test time, not committed", case.file);
            let path = scratch.join(&case.file);
            std::fs::write(&path, bytes).unwrap();
            path
        }
        None => bad_dir().join(&case.file),
    };
    assert!(file.exists(), "INDEX.tsv names {}, which is not in tests/fixtures/bad", case.file);
    let before = contents(&t.db());
    let batches_before = rows(&t.db(), "SELECT coalesce(max(batch_id), 0) FROM ingest_batch");
    let mut args = vec!["ingest".to_string(), file.display().to_string()];
    args.extend(case.args.iter().cloned());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = itsm(&t.0, &args);
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let context = format!("case {} ({}):\nstdout:\n{stdout}\nstderr:\n{stderr}", case.file, case.what);
    let code = out.status.code().unwrap_or_else(|| panic!("killed by a signal: {context}"));
    assert!(!stderr.contains("panicked"), "panic: {context}");
    assert!(code == 0 || code == 2, "exit {code}, want 0 or 2: {context}");
    let name = file.file_name().unwrap().to_string_lossy().to_string();
    if code == 2 {
        assert!(case.refuse, "refused, but INDEX.tsv says it loads: {context}");
        assert_eq!(contents(&t.db()), before, "the database changed although the ingest was refused: {context}");
        let message = stderr.trim();
        assert_eq!(message.lines().filter(|l| l.starts_with("itsm:")).count(), 1, "one message: {context}");
        assert!(message.contains(&name), "the message names the file: {context}");
        for fragment in &case.names {
            assert!(message.contains(fragment.as_str()), "the message names '{fragment}': {context}");
        }
        let shown: String = message
            .replace(&file.display().to_string(), &name)
            .replace("itsm: ingest into 'itsm.duckdb' stopped; the database is as it was before this file: ", "")
            .chars()
            .take(320)
            .collect();
        return Outcome {
            file: case.file.clone(),
            what: case.what.clone(),
            text: format!("refused: {}", shown.replace('\n', " ")),
            read: 0,
            lost: 0,
        };
    }
    assert!(!case.refuse, "loaded, but INDEX.tsv says it is refused: {context}");
    let (read, loaded, rejected) = printed_counts(&stdout).unwrap_or_else(|| panic!("no summary: {context}"));
    let db = t.db();
    let batch = rows(&db, "SELECT max(batch_id) FROM ingest_batch");
    assert_ne!(batch, batches_before, "a new batch was written: {context}");
    let stored =
        rows(&db, &format!("SELECT rows_read, rows_loaded, rows_rejected FROM ingest_batch WHERE batch_id = {batch}"));
    assert_eq!(stored, format!("{read},{loaded},{rejected}"), "printed and stored counts agree: {context}");
    if let Some(records) = case.records {
        assert_eq!(read, records, "rows read = data records in the file (INDEX.tsv): {context}");
    }
    let kept = rows(&db, &format!("SELECT count(*) FROM rejected_row WHERE batch_id = {batch}"));
    assert_eq!(kept, rejected.to_string(), "every rejected row is kept: {context}");
    let no_reason = rows(
        &db,
        &format!("SELECT count(*) FROM rejected_row WHERE batch_id = {batch} AND coalesce(trim(reason), '') = ''"),
    );
    assert_eq!(no_reason, "0", "every rejected row has a reason: {context}");
    let reasons = rows(
        &db,
        &format!(
            "SELECT n || ' × ' || r FROM (SELECT regexp_replace(reason, '''[^'']*''', '…', 'g') AS r, \
             count(*) AS n FROM rejected_row WHERE batch_id = {batch} GROUP BY r) ORDER BY n DESC, r"
        ),
    );
    let warnings = rows(&db, &format!("SELECT count(*) FROM ingest_warning WHERE batch_id = {batch}"));
    let mut text = format!("loaded {loaded}, rejected {rejected}");
    if rejected > 0 {
        text.push_str(&format!(" ({})", reasons.replace('\n', "; ")));
    }
    if warnings != "0" {
        text.push_str(&format!("; {warnings} values set empty with a warning"));
    }
    Outcome { file: case.file.clone(), what: case.what.clone(), text, read, lost: read - loaded - rejected }
}

#[test]
fn reliability_corpus_every_bad_input_is_loaded_with_reasons_or_refused_cleanly() {
    let cases = index();
    assert!(cases.len() >= 40, "the corpus has at least 40 files, INDEX.tsv lists {}", cases.len());
    // Every file in the folder has an index line (the script and the index excepted).
    let listed: Vec<&str> = cases.iter().map(|c| c.file.as_str()).collect();
    for entry in std::fs::read_dir(bad_dir()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        assert!(
            name == "INDEX.tsv" || name == "make.py" || listed.contains(&name.as_str()),
            "tests/fixtures/bad/{name} has no line in INDEX.tsv"
        );
    }
    let base = Tmp::new("corpus-baseline");
    itsm_ok(&base.0, &["ingest", &fixture("tickets-v1.csv"), "--profile", "generic", "-q"]);
    let baseline = base.db();
    let outcomes: Vec<Outcome> = cases.iter().map(|c| run_case(c, &baseline, &base.0)).collect();

    let lost: i64 = outcomes.iter().map(|o| o.lost).sum();
    let read: i64 = outcomes.iter().map(|o| o.read).sum();
    let refused = outcomes.iter().filter(|o| o.text.starts_with("refused")).count();
    let mut table = String::from(
        "Each file of `tests/fixtures/bad/` (listed with its arguments in `INDEX.tsv`) is ingested into a \
         database that already holds a valid load. It either loads, with every row read counted as loaded \
         or rejected (each rejected row kept in `rejected_row` with its reason), or is refused with exit 2, \
         one message naming the file (and row, column and value where the file has them) and every \
         table's contents unchanged.\n\n| file | what it is | outcome |\n| --- | --- | --- |\n",
    );
    for o in &outcomes {
        let cell = |s: &str| s.replace('|', "\\|");
        table.push_str(&format!("| `{}` | {} | {} |\n", o.file, cell(&o.what), cell(&o.text)));
    }
    doc::section("corpus", &table);
    doc::section(
        "summary",
        &format!(
            "**{n} bad inputs tried, {read} rows read, rows lost: {lost}.** {loaded} loaded (every row read is loaded or \
             rejected with a reason), {refused} refused with one message and the database unchanged; \
             none panicked.\n\nThe sections below give the corpus case by case, the fuzzing figures, and the \
             faults injected (locks, disk full, API) and the injection and XSS checks with their outcomes.",
            n = outcomes.len(),
            loaded = outcomes.len() - refused,
        ),
    );
    assert_eq!(lost, 0, "rows lost (read − loaded − rejected over the cases)");
}
