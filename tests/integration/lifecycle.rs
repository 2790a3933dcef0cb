//! The whole tool: the demo, status, and atomicity of a batch under SIGKILL.

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use crate::{fixture, itsm_cmd, itsm_ok, rows, scalar, Tmp};

#[test]
fn demo_loads_the_sample_and_status_shows_the_batches() {
    let t = Tmp::new("demo");
    let dir = t.path("demo");
    let out = itsm_ok(&t.0, &["demo", "--dir", dir.to_str().unwrap()]);
    assert!(out.contains("database:"), "{out}");
    assert!(out.contains("built ") && out.contains("fct_ticket_sla"), "the demo builds the model: {out}");
    assert!(out.contains(" 0 failed"), "the demo's data checks pass: {out}");
    let db = dir.join("itsm.duckdb");
    assert!(scalar(&db, "SELECT count(*) FROM fct_ticket_sla") > 1000);
    let ftr =
        itsm_ok(&t.0, &["query", "--db", db.to_str().unwrap(), "select * from kpi_ftr_by_month", "--format", "csv"]);
    assert!(ftr.starts_with("month,resolved_total,excluded_monitoring,"), "{ftr}");
    assert_eq!(ftr.lines().count(), 1 + 13, "a header and 13 months: {ftr}");
    assert_eq!(scalar(&db, "SELECT count(*) FROM ticket"), 5000);
    assert!(scalar(&db, "SELECT count(*) FROM ticket_event") > 20_000);
    assert_eq!(scalar(&db, "SELECT count(*) FROM rejected_row"), 0);
    assert_eq!(
        scalar(&db, "SELECT count(*) FROM team WHERE line IS NULL"),
        0,
        "every team in the sample is configured"
    );
    let status = itsm_ok(&t.0, &["status", "--db", db.to_str().unwrap()]);
    let version = itsm::store::Store::open(&db).unwrap().schema_version().unwrap();
    assert!(version >= 3, "migrated to the latest schema: {version}");
    assert!(status.contains(&format!("schema version: {version}")), "{status}");
    assert!(status.contains("tickets.csv") && status.contains("history.csv"), "{status}");
    assert!(status.contains("ticket         5000"), "{status}");
    assert!(status.contains("last build:") && status.contains("; nothing ingested since"), "{status}");
    // Running the demo again changes nothing.
    let again = itsm_ok(&t.0, &["demo", "--dir", dir.to_str().unwrap()]);
    assert!(again.contains("already ingested"), "{again}");
    assert_eq!(scalar(&db, "SELECT count(*) FROM ingest_batch"), 2);
}

#[test]
fn the_demo_directory_is_a_project_every_report_runs_in_without_flags() {
    let t = Tmp::new("demo-project");
    let dir = t.path("demo");
    itsm_ok(&t.0, &["demo", "--dir", dir.to_str().unwrap()]);
    let toml = std::fs::read_to_string(dir.join("itsm.toml")).unwrap();
    assert!(toml.contains("price_list = \"price-list.csv\"") && toml.contains("[[teams]]"), "{toml}");
    // In the demo directory, with no --db, --config or price list: the demo's own files again.
    itsm_ok(&dir, &["report", "billing", "--month", "2026-10"]);
    itsm_ok(&dir, &["report", "cab"]);
    for (made, demo) in [
        ("itsm-reports/2026-10/billing.csv", "reports/2026-10/billing.csv"),
        ("itsm-reports/2026-10/billing.html", "reports/2026-10/billing.html"),
        ("itsm-reports/cab/cab.csv", "reports/2026-10/cab.csv"),
        ("itsm-reports/cab/cab.html", "reports/2026-10/cab.html"),
    ] {
        let (a, b) = (std::fs::read(dir.join(made)).unwrap(), std::fs::read(dir.join(demo)).unwrap());
        assert!(a == b, "{made} differs from the demo's {demo}");
    }
    // Each report renders a copy of its template, edited (--template): the page takes the
    // copy's title; the billing CSV keeps its columns.
    for (report, page, title) in [
        ("billing", "billing.html", "Billing basis"),
        ("cab", "cab.html", "Prioritised changes and projects"),
        ("vendors", "vendors.html", "Supplier follow-up"),
    ] {
        let shipped = std::fs::read_to_string(format!("{}/reports/{report}.md", env!("CARGO_MANIFEST_DIR"))).unwrap();
        assert!(shipped.contains(title), "{report}.md's title");
        let own = dir.join(format!("own-{report}.md"));
        std::fs::write(&own, shipped.replacen(title, "Our own & edited page", 1)).unwrap();
        let mut args = vec!["report", report, "--lang", "en", "--out", "own", "--template", own.to_str().unwrap()];
        if report != "cab" {
            args.extend(["--month", "2026-10"]);
        }
        itsm_ok(&dir, &args);
        let html = std::fs::read_to_string(dir.join("own").join(page)).unwrap();
        assert!(html.contains("Our own &amp; edited page") && !html.contains(title), "{report}: the copy's title");
    }
    let (a, b) = (dir.join("own/billing.csv"), dir.join("reports/2026-10/billing.csv"));
    assert_eq!(std::fs::read(a).unwrap(), std::fs::read(b).unwrap(), "the template does not touch the CSV");
    let missing = crate::itsm(&dir, &["report", "cab", "--template", "no-such.md"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no-such.md"), "the error names the file");
    let sep = itsm_ok(&dir, &["report", "billing", "--month", "2026-09"]);
    assert!(sep.contains("itsm-reports/2026-09/billing.xlsx"), "{sep}");
    // From elsewhere, with --config: paths in the file are read from its directory.
    let monthly = itsm_ok(
        &t.0,
        &["--config", dir.join("itsm.toml").to_str().unwrap(), "report", "monthly", "--month", "2026-09", "--out", "m"],
    );
    assert!(monthly.contains("monthly.html"), "{monthly}");
}

#[test]
fn sigkill_during_a_large_ingest_leaves_the_database_as_it_was() {
    let t = Tmp::new("sigkill");
    let export = t.path("export");
    itsm_ok(
        &t.0,
        &[
            "sample",
            "--tickets",
            "300000",
            "--months",
            "13",
            "--end-month",
            "2026-10",
            "--out",
            export.to_str().unwrap(),
        ],
    );
    let db = t.db();
    let db_arg = db.to_str().unwrap();
    // A first batch, so there is a state to preserve.
    itsm_ok(&t.0, &["ingest", crate::fixture("tickets-v1.csv").as_str(), "--db", db_arg]);
    let before = rows(&db, "SELECT (SELECT count(*) FROM ticket), (SELECT count(*) FROM ingest_batch), (SELECT count(*) FROM ticket_event)");
    let tickets_before = rows(&db, "SELECT * FROM ticket ORDER BY ticket_id");

    let history = export.join("history.csv");
    let mut child = itsm_cmd()
        .current_dir(&t.0)
        .args(["ingest", history.to_str().unwrap(), "--db", db_arg, "--verbose"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Kill once two chunks are staged inside the open transaction.
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let mut staged = 0;
    for line in stderr.lines() {
        if line.unwrap().contains("rows staged, not yet committed") {
            staged += 1;
            if staged == 2 {
                break;
            }
        }
    }
    assert_eq!(staged, 2, "ingest ended before two chunks were staged");
    assert!(child.try_wait().unwrap().is_none(), "ingest finished before it could be killed");
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();

    assert_eq!(rows(&db, "SELECT (SELECT count(*) FROM ticket), (SELECT count(*) FROM ingest_batch), (SELECT count(*) FROM ticket_event)"), before);
    assert_eq!(rows(&db, "SELECT * FROM ticket ORDER BY ticket_id"), tickets_before);
    // And the file is usable: the same ingest now completes.
    let out = itsm_ok(&t.0, &["ingest", history.to_str().unwrap(), "--db", db_arg, "--quiet"]);
    assert!(out.is_empty());
    assert!(scalar(&db, "SELECT count(*) FROM ticket_event") > 1_000_000);
    assert_eq!(scalar(&db, "SELECT count(*) FROM ingest_batch"), 2);
}

#[test]
fn committed_sample_data_is_what_the_demo_generates() {
    let t = Tmp::new("samplecmp");
    let out = t.path("out");
    itsm_ok(
        &t.0,
        &[
            "sample",
            "--tickets",
            "5000",
            "--months",
            "13",
            "--seed",
            "42",
            "--end-month",
            "2026-10",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    for f in ["tickets.csv", "history.csv"] {
        let committed = std::fs::read(format!("{}/sample-data/{f}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        assert!(
            std::fs::read(out.join(f)).unwrap() == committed,
            "sample-data/{f} differs from the generator's output"
        );
    }
}

/// `itsm status` says whether the build is behind the ingests (the reports show the
/// figures of the last build).
#[test]
fn status_says_when_batches_came_after_the_last_build() {
    let t = Tmp::new("status-build");
    itsm_ok(&t.0, &["ingest", &fixture("tickets-v1.csv"), "--profile", "generic"]);
    assert!(itsm_ok(&t.0, &["status"]).contains("last build:     none yet: run `itsm build`"));
    itsm_ok(&t.0, &["build"]);
    assert!(itsm_ok(&t.0, &["status"]).contains("; nothing ingested since"));
    itsm_ok(&t.0, &["ingest", &fixture("tickets-v2.csv"), "--profile", "generic"]);
    let status = itsm_ok(&t.0, &["status"]);
    assert!(status.contains("; 1 batch ingested since: run `itsm build`"), "{status}");
}
