//! Issue 18, items 3–5: faults injected into the real binary, each followed by a data check
//! that compares every table of the database before and after (row count and an
//! order-independent hash of the rows).
//!
//! - locks: two `itsm ingest` on one database, `itsm report` while `itsm build` runs, and
//!   `itsm build` killed with SIGKILL halfway. The lock is held deterministically: the first
//!   ingest reads a FIFO the test writes (it holds the database while it waits for rows),
//!   and the build is stopped with SIGSTOP once its `-v` output says it is inside its
//!   transaction; /proc/locks confirms who holds the file. Every wait is bounded.
//! - disk: an ingest and a build under a file-size limit (`ulimit -f`, SIGXFSZ ignored so
//!   the write fails with EFBIG instead of killing the process).
//! - api: a loopback mock answers with a body cut short, an HTML login page, malformed JSON,
//!   a `next` link back to an earlier page, or nothing at all; plus property fuzzing of the
//!   page reader (`ITSM_FUZZ_CASES` cases per property, default 1000).
//!
//! Each test writes its section of docs/reliability.md: fault → injected → outcome → data check.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use super::doc;
use crate::{itsm, itsm_cmd, itsm_ok, Tmp};

/// Every base table: (rows, sum of the rows' hashes).
type Tables = BTreeMap<String, (String, String)>;

/// The contents of every base table of `db`, opened read-only (so nothing is migrated).
fn tables(db: &Path) -> Tables {
    let store = itsm::store::Store::open_read_only(db).expect("the database opens");
    let names = store
        .query_text("SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' ORDER BY 1")
        .unwrap();
    names
        .iter()
        .map(|r| {
            let sql = format!("SELECT count(*), coalesce(sum(hash(x)), 0) FROM \"{}\" AS x", r[0]);
            let v = store.query_text(&sql).unwrap();
            (r[0].clone(), (v[0][0].clone(), v[0][1].clone()))
        })
        .collect()
}

/// The tables whose contents differ between two snapshots (empty = identical).
fn changed(before: &Tables, after: &Tables) -> Vec<String> {
    let names: std::collections::BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    names.into_iter().filter(|n| before.get(*n) != after.get(*n)).cloned().collect()
}

/// Asserts `db` holds exactly `before`; returns the data-check cell of the doc table.
fn same_tables(db: &Path, before: &Tables, what: &str) -> String {
    let after = tables(db);
    let diff = changed(before, &after);
    assert!(diff.is_empty(), "{what}: these tables changed: {diff:?}");
    let rows: u64 = before.values().map(|(n, _)| n.parse::<u64>().unwrap()).sum();
    format!("all {} tables identical before and after ({rows} rows, same content hash)", before.len())
}

/// Polls `ready` every 20 ms until it holds; panics after `limit` with `what`.
fn wait_until(what: &str, limit: Duration, mut ready: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(start.elapsed() < limit, "waited {limit:?} for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Whether process `pid` holds a POSIX lock on `file` (read from /proc/locks, so the check
/// itself takes no lock).
fn locked_by(file: &Path, pid: u32) -> bool {
    use std::os::unix::fs::MetadataExt;
    let Ok(meta) = std::fs::metadata(file) else { return false };
    let locks = std::fs::read_to_string("/proc/locks").unwrap_or_default();
    locks.lines().any(|line| {
        let f: Vec<&str> = line.split_whitespace().collect();
        // `1: POSIX  ADVISORY  WRITE 24422 fe:00:10027022 0 EOF`
        f.len() >= 6
            && f[4] == pid.to_string()
            && f[5].rsplit(':').next().and_then(|i| i.parse::<u64>().ok()) == Some(meta.ino())
    })
}

/// Sends `signal` (STOP, CONT) to `pid` with kill(1).
fn signal(pid: u32, signal: &str) {
    let status = Command::new("kill").args(["-s", signal, &pid.to_string()]).status().unwrap();
    assert!(status.success(), "kill -s {signal} {pid}");
}

/// A sample export of `tickets` tickets in `dir/name`.
fn sample(dir: &Path, name: &str, tickets: u32, seed: u32) -> PathBuf {
    let out = dir.join(name);
    let (n, s) = (tickets.to_string(), seed.to_string());
    let args = ["sample", "--tickets", &n, "--seed", &s, "--end-month", "2026-10", "--out", out.to_str().unwrap()];
    itsm_ok(dir, &args);
    out
}

fn text(out: &Output) -> (String, String) {
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// The message as the doc shows it: temporary paths, PIDs and ports made stable, `|` escaped.
fn shown(message: &str, tmp: &Path) -> String {
    let mut s = message.trim().replace(tmp.to_str().unwrap(), "<tmp>");
    s = s.replace(env!("CARGO_BIN_EXE_itsm"), "<itsm>");
    let mut out = String::new();
    let mut rest = s.as_str();
    while let Some(i) = rest.find("PID ") {
        out.push_str(&rest[..i + 4]);
        rest = rest[i + 4..].trim_start_matches(|c: char| c.is_ascii_digit());
        out.push_str("<pid>");
    }
    out.push_str(rest);
    let mut s = out;
    while let Some(i) = s.find("127.0.0.1:") {
        let end = s[i + 10..].find(|c: char| !c.is_ascii_digit()).map_or(s.len(), |e| i + 10 + e);
        s.replace_range(i..end, "127.0.0.1#PORT");
    }
    s.replace("127.0.0.1#PORT", "127.0.0.1:PORT").replace('|', "\\|")
}

/// Exit code and message (the lines itsm prints as `itsm: …`), as a doc cell.
fn outcome(out: &Output, tmp: &Path) -> String {
    let stderr = text(out).1;
    let message: Vec<&str> = stderr.lines().filter(|l| l.starts_with("itsm:")).collect();
    let message = if message.is_empty() { stderr.lines().collect() } else { message };
    // Double-backtick code spans, one per line: DuckDB's and serde_json's messages hold
    // single backticks.
    let spans: Vec<String> = message.iter().map(|l| format!("`` {} ``", shown(l, tmp))).collect();
    format!("exit {}: {}", out.status.code().map_or("signal".into(), |c| c.to_string()), spans.join("<br>"))
}

fn table(head: &str, rows: &[[String; 4]]) -> String {
    let mut md = format!("{head}\n\n| fault | injected | outcome | data check |\n| --- | --- | --- | --- |\n");
    for r in rows {
        md.push_str(&format!("| {} | {} | {} | {} |\n", r[0], r[1], r[2], r[3]));
    }
    md
}

/// Starts `itsm ARGS` in `dir` with stdout and stderr piped.
fn spawn(dir: &Path, args: &[&str]) -> Child {
    itsm_cmd().current_dir(dir).args(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap()
}

/// Reads `child`'s stderr line by line until a line starts with `prefix`; returns the lines
/// read. Bounded: the read ends at the latest when the child exits (EOF).
fn read_until(child: &mut Child, prefix: &str) -> (BufReader<std::process::ChildStderr>, Vec<String>) {
    let mut reader = BufReader::new(child.stderr.take().unwrap());
    let mut lines = Vec::new();
    loop {
        let mut line = String::new();
        let n = reader.read_line(&mut line).unwrap();
        assert!(n > 0, "the child ended before printing '{prefix}': {lines:?}");
        let done = line.starts_with(prefix);
        lines.push(line.trim_end().to_string());
        if done {
            return (reader, lines);
        }
    }
}

/// The message every busy command must print.
fn assert_busy(out: &Output, db_name: &str, holder: u32, what: &str) {
    let (_, stderr) = text(out);
    assert_eq!(out.status.code(), Some(2), "{what}: {stderr}");
    assert!(stderr.contains(&format!("database '{db_name}' is busy")), "{what}: {stderr}");
    assert!(stderr.contains(&format!("PID {holder}")), "{what} names the holder: {stderr}");
    assert!(stderr.contains("run this one again"), "{what}: {stderr}");
    assert!(!stderr.contains("panicked"), "{what}: {stderr}");
}

#[test]
fn reliability_locks_two_writers_report_during_build_and_api_fetch_and_killed_build() {
    let mut rows = Vec::new();
    rows.push(two_ingests());
    let t = Tmp::new("rel-locks-build");
    rows.extend(build_busy_and_killed(&t));
    rows.push(report_during_api_fetch(&t));
    doc::section(
        "locks",
        &table(
            "## Locks: two writers, a reader during a build or an API fetch, a build killed halfway\n\n\
             DuckDB lets one process at a time open a database for writing. What a second command \
             sees, and what a killed build leaves behind:",
            &rows,
        ),
    );
}

/// Two `itsm ingest` on one database: the first holds it while it reads a FIFO.
fn two_ingests() -> [String; 4] {
    let t = Tmp::new("rel-locks-ingest");
    let export = sample(&t.0, "export", 300, 42);
    let fifo = t.path("tickets-slow.csv");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let mut first = spawn(&t.0, &["ingest", "--profile", "generic", "tickets-slow.csv"]);
    // Read-write never blocks on a FIFO: no wait for the reader to open it.
    let mut pipe = std::fs::OpenOptions::new().read(true).write(true).open(&fifo).unwrap();
    let tickets = std::fs::read_to_string(export.join("tickets.csv")).unwrap();
    let (head, tail) = tickets.split_at(tickets.match_indices('\n').nth(10).unwrap().0 + 1);
    pipe.write_all(head.as_bytes()).unwrap();
    let db = t.db();
    wait_until("the first ingest to lock the database", Duration::from_secs(60), || locked_by(&db, first.id()));

    let history = export.join("history.csv");
    let started = Instant::now();
    let second = itsm(&t.0, &["ingest", "--profile", "generic", history.to_str().unwrap()]);
    let waited = started.elapsed();
    assert!(first.try_wait().unwrap().is_none(), "the first ingest still runs: the second did not wait for it");
    assert_busy(&second, "itsm.duckdb", first.id(), "the second ingest");
    assert!(waited < Duration::from_secs(20), "the second ingest fails at once, not after {waited:?}");

    pipe.write_all(tail.as_bytes()).unwrap();
    drop(pipe);
    let out = first.wait_with_output().unwrap();
    assert!(out.status.success(), "the first ingest: {}", text(&out).1);
    itsm_ok(&t.0, &["ingest", "--profile", "generic", history.to_str().unwrap()]);
    // Both files loaded: every data row of each file, in two batches.
    let lines = |p: &Path| std::fs::read_to_string(p).unwrap().lines().count() as i64 - 1;
    let (n_tickets, n_events) = (tickets.lines().count() as i64 - 1, lines(&history));
    let loaded = crate::rows(&db, "SELECT file_kind, rows_read, rows_loaded FROM ingest_batch ORDER BY batch_id");
    assert_eq!(loaded, format!("tickets,{n_tickets},{n_tickets}\nhistory,{n_events},{n_events}"));
    assert_eq!(crate::scalar(&db, "SELECT count(*) FROM ticket"), n_tickets);
    assert_eq!(crate::scalar(&db, "SELECT count(*) FROM ticket_event"), n_events);
    [
        "two `itsm ingest` on one database".into(),
        "ingest 1 holds the database (it reads its file from a FIFO the test feeds slowly); ingest 2 starts".into(),
        format!("ingest 2, at once (under 20 s, while ingest 1 still runs): {}", outcome(&second, &t.0)),
        format!(
            "ingest 1 completes; ingest 2 retried: exit 0; both files loaded ({n_tickets} tickets + {n_events} events \
             = rows read, in 2 batches)"
        ),
    ]
}

/// `itsm report` while `itsm build` runs, then `itsm build` killed with SIGKILL halfway.
fn build_busy_and_killed(t: &Tmp) -> Vec<[String; 4]> {
    let first = sample(&t.0, "first", 3000, 42);
    let more = sample(&t.0, "more", 3000, 7);
    let db = t.db();
    let files = |dir: &Path| [dir.join("tickets.csv"), dir.join("history.csv")];
    let ingest = |dir: &Path| {
        let [a, b] = files(dir);
        itsm_ok(&t.0, &["ingest", "--profile", "generic", a.to_str().unwrap(), b.to_str().unwrap()]);
    };
    ingest(&first);

    // A report while the build runs: the build is stopped (SIGSTOP) inside its transaction.
    let mut build = spawn(&t.0, &["build", "--full", "-v"]);
    let (mut rest, _) = read_until(&mut build, "built fct_ticket ");
    signal(build.id(), "STOP");
    assert!(locked_by(&db, build.id()), "the build holds the database");
    let report = itsm(&t.0, &["report", "monthly", "--month", "2026-10", "--out", "report"]);
    let query = itsm(&t.0, &["query", "SELECT count(*) FROM ticket"]);
    signal(build.id(), "CONT");
    assert_busy(&report, "itsm.duckdb", build.id(), "report during build");
    assert_busy(&query, "itsm.duckdb", build.id(), "query during build");
    std::io::copy(&mut rest, &mut std::io::sink()).unwrap();
    assert!(build.wait().unwrap().success(), "the build completes after the report was refused");
    itsm_ok(&t.0, &["report", "monthly", "--month", "2026-10", "--out", "report"]);
    assert!(t.path("report/monthly.html").exists());
    let report_row = [
        "`itsm report monthly` (and `itsm query`) while `itsm build` runs".into(),
        "`itsm build --full` stopped with SIGSTOP after `fct_ticket` (inside its transaction, holding the database)"
            .into(),
        outcome(&report, &t.0),
        "the build resumes (SIGCONT) and exits 0; the report run again writes monthly.html".into(),
    ];

    // A build killed halfway: new data arrives, the next build is killed after the marts of
    // ticket flow and SLA; the previous build's tables must be what the database holds.
    ingest(&more);
    let before = tables(&db);
    let kpi_before = crate::rows(&db, "SELECT month, count(*) FROM kpi_sla_by_month GROUP BY 1 ORDER BY 1");
    let mut build = spawn(&t.0, &["build", "--full", "-v"]);
    let (_, done) = read_until(&mut build, "built fct_ticket_sla ");
    build.kill().unwrap(); // SIGKILL
    let status = build.wait().unwrap();
    assert_eq!(std::os::unix::process::ExitStatusExt::signal(&status), Some(9), "{status:?}");
    let check = same_tables(&db, &before, "a build killed with SIGKILL");
    assert_eq!(crate::rows(&db, "SELECT month, count(*) FROM kpi_sla_by_month GROUP BY 1 ORDER BY 1"), kpi_before);
    let test = itsm(&t.0, &["test"]);
    let (stdout, stderr) = text(&test);
    assert_eq!(test.status.code(), Some(0), "itsm test after the kill: {stdout}\n{stderr}");
    let passed = stdout.lines().rev().find(|l| l.contains("checks,")).unwrap_or_default().to_string();
    // And the next build completes and changes the tables (the new data is built).
    itsm_ok(&t.0, &["build"]);
    assert!(!changed(&before, &tables(&db)).is_empty(), "a completed build does change the tables");
    let killed_row = [
        "`itsm build` killed with SIGKILL halfway".into(),
        format!(
            "new batches ingested, then `itsm build --full` killed (SIGKILL) after {} of its models were built",
            done.iter().filter(|l| l.starts_with("built ")).count()
        ),
        format!("killed by signal 9; then `itsm test`: exit 0, {passed}"),
        format!("{check}: the previous build's tables, readable; the next `itsm build` completes"),
    ];
    vec![report_row, killed_row]
}

/// `itsm report` while `itsm ingest api` waits for the API (on a database `t` holds, built):
/// the mock holds its answer to the first page until the report and a query have run.
fn report_during_api_fetch(t: &Tmp) -> [String; 4] {
    let db = t.db();
    let tickets_before = crate::scalar(&db, "SELECT count(*) FROM ticket");
    let gate = Gate::default();
    let base = mock(vec![Answer::Gated(gate.clone(), api_page(1..3)), Answer::Full(200, JSON.into(), api_page(3..4))]);
    api_config(t, &base, OFFSET, 30);
    let fetch = api_command(t, false).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    wait_until("the ingest to ask for its first page", Duration::from_secs(60), || gate.asked());
    assert!(!locked_by(&db, fetch.id()), "the ingest holds the database while it waits for the API");
    let report = itsm(&t.0, &["report", "monthly", "--month", "2026-10", "--out", "report-during-fetch"]);
    let query = itsm(&t.0, &["query", "SELECT count(*) FROM ticket"]);
    gate.release();
    let out = fetch.wait_with_output().unwrap();
    assert_eq!(report.status.code(), Some(0), "report during the fetch: {}", text(&report).1);
    assert!(t.path("report-during-fetch/monthly.html").exists());
    assert_eq!(query.status.code(), Some(0), "query during the fetch: {}", text(&query).1);
    assert!(text(&query).0.contains(&tickets_before.to_string()), "{}", text(&query).0);
    assert!(out.status.success(), "the ingest after the report: {}", text(&out).1);
    assert_eq!(crate::scalar(&db, "SELECT count(*) FROM ticket"), tickets_before + 3);
    assert_eq!(crate::scalar(&db, "SELECT count(*) FROM ingest_batch WHERE source = 'tool'"), 1);
    [
        "`itsm report monthly` (and `itsm query`) while `itsm ingest api` waits for the API".into(),
        "the mock holds its answer to the first page; /proc/locks shows no lock of the ingest meanwhile".into(),
        format!(
            "exit 0: the report writes monthly.html; the query answers ({tickets_before} tickets, the database \
             as it was)"
        ),
        "the answer released, the ingest completes: exit 0, its 3 records in one batch".into(),
    ]
}

/// `itsm ARGS` under a file-size limit of `blocks` × 512 bytes, SIGXFSZ ignored.
fn itsm_limited(dir: &Path, blocks: u64, args: &[&str]) -> Output {
    let script = format!("ulimit -f {blocks}; trap '' XFSZ; exec \"$0\" \"$@\"");
    Command::new("sh")
        .current_dir(dir)
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_itsm"))
        .args(args)
        .output()
        .unwrap()
}

/// The disk-full message every such failure must print.
fn assert_disk_full(out: &Output, what: &str) {
    let (_, stderr) = text(out);
    assert_eq!(out.status.code(), Some(2), "{what}: {stderr}");
    assert!(stderr.contains("File too large"), "{what} says why: {stderr}");
    assert!(stderr.contains("hint: the disk is full or a file-size limit"), "{what}: {stderr}");
    assert!(!stderr.contains("panicked"), "{what}: {stderr}");
}

#[test]
fn reliability_disk_full_ingest_and_build_leave_the_previous_contents() {
    let t = Tmp::new("rel-disk");
    let small = sample(&t.0, "small", 300, 42);
    let big = sample(&t.0, "big", 20000, 7);
    let [a, b] = [small.join("tickets.csv"), small.join("history.csv")];
    itsm_ok(&t.0, &["ingest", "--profile", "generic", a.to_str().unwrap(), b.to_str().unwrap()]);
    itsm_ok(&t.0, &["build"]);
    let db = t.db();
    // 1 MiB: far below what 20 000 tickets take in the write-ahead log (about 7 MB) and
    // below the database file's size, so any write that grows a file fails with EFBIG.
    const BLOCKS: u64 = 2048;
    let mut rows = Vec::new();

    let before = tables(&db);
    let big_tickets = big.join("tickets.csv");
    let ingest = itsm_limited(&t.0, BLOCKS, &["ingest", "--profile", "generic", big_tickets.to_str().unwrap()]);
    assert_disk_full(&ingest, "ingest under a file-size limit");
    let check = same_tables(&db, &before, "ingest under a file-size limit");
    itsm_ok(&t.0, &["status"]);
    rows.push([
        "disk full during `itsm ingest`".into(),
        "a 20 000-ticket file ingested under `ulimit -f 2048` (1 MiB per file, SIGXFSZ ignored)".into(),
        outcome(&ingest, &t.0),
        format!("{check}; `itsm status` opens it"),
    ]);

    // The same file without the limit, then a build under it.
    itsm_ok(&t.0, &["ingest", "--profile", "generic", big_tickets.to_str().unwrap()]);
    let before = tables(&db);
    let build = itsm_limited(&t.0, BLOCKS, &["build", "--full"]);
    assert_disk_full(&build, "build under a file-size limit");
    let check = same_tables(&db, &before, "build under a file-size limit");
    let test = itsm(&t.0, &["test"]);
    assert_eq!(test.status.code(), Some(0), "itsm test after the failed build: {}", text(&test).0);
    itsm_ok(&t.0, &["build", "--full"]);
    assert!(!changed(&before, &tables(&db)).is_empty(), "a completed build does change the tables");
    rows.push([
        "disk full during `itsm build`".into(),
        "`itsm build --full` over the 20 000 new tickets under `ulimit -f 2048`".into(),
        outcome(&build, &t.0),
        format!("{check} (the previous build's); `itsm test` exits 0; without the limit the build completes"),
    ]);
    doc::section(
        "disk",
        &table(
            "## Disk full\n\nA file-size limit stands in for a full disk: the write fails with EFBIG \
             (`File too large`) as it would with ENOSPC.",
            &rows,
        ),
    );
}

const USER: &str = "svc-itsm";
const PASSWORD: &str = "pw-SECRET-0815";

/// What the mock does with one connection.
#[derive(Clone)]
enum Answer {
    /// A whole response: status, extra header lines, body.
    Full(u16, String, String),
    /// Headers promising `declared` bytes, then `body` (shorter), then the connection closes.
    Cut(usize, String),
    /// Reads the request, says so through the gate, and answers 200 with the body once the
    /// gate is released.
    Gated(Gate, String),
    /// Reads the request and never answers.
    Silent,
}

/// Holds a mock's answer until the test lets it go.
#[derive(Clone, Default)]
struct Gate(std::sync::Arc<[std::sync::atomic::AtomicBool; 2]>);

impl Gate {
    /// Whether the request has arrived.
    fn asked(&self) -> bool {
        self.0[0].load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Lets the answer go.
    fn release(&self) {
        self.0[1].store(true, std::sync::atomic::Ordering::SeqCst);
    }

    /// Says the request arrived and waits (at most a minute) for the release.
    fn hold(&self) {
        self.0[0].store(true, std::sync::atomic::Ordering::SeqCst);
        wait_until("the test to release the answer", Duration::from_secs(60), || {
            self.0[1].load(std::sync::atomic::Ordering::SeqCst)
        });
    }
}

/// A loopback HTTP server answering connection i with `script[i]` (the last repeats).
fn mock(script: Vec<Answer>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for (i, stream) in listener.incoming().enumerate() {
            let Ok(mut stream) = stream else { return };
            let answer = script[i.min(script.len() - 1)].clone();
            std::thread::spawn(move || {
                stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
                let (mut head, mut byte) = (Vec::new(), [0u8; 1]);
                while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
                    head.push(byte[0]);
                }
                let reply = match answer {
                    Answer::Full(status, headers, body) => format!(
                        "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n{headers}\r\n{body}",
                        body.len()
                    ),
                    Answer::Cut(declared, body) => format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {declared}\r\n\
                         Connection: close\r\n\r\n{body}"
                    ),
                    Answer::Gated(gate, body) => {
                        gate.hold();
                        format!(
                            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n{JSON}\r\n{body}",
                            body.len()
                        )
                    }
                    Answer::Silent => {
                        let _ = stream.read(&mut [0u8; 1]); // until the client gives up
                        return;
                    }
                };
                let _ = stream.write_all(reply.as_bytes());
            });
        }
    });
    base
}

/// A JSON page of ticket records API{from}..API{to} in the generic profile's field names.
fn api_page(ids: std::ops::Range<u32>) -> String {
    crate::api::page(ids, "2026-10-05T09:00:00+02:00")
}

const JSON: &str = "Content-Type: application/json\r\n";

/// Writes itsm.toml for source `tool` at `base` and runs `itsm -v ingest api --source tool --full`
/// with the credentials in the environment.
fn ingest_api(t: &Tmp, base: &str, pagination: &str) -> Output {
    api_config(t, base, pagination, 1);
    api_command(t, true).output().unwrap()
}

/// Writes itsm.toml for source `tool` at `base`, waiting `timeout` seconds for an answer.
fn api_config(t: &Tmp, base: &str, pagination: &str, timeout: u32) {
    let toml = format!(
        "[sources.tool]\nprofile = \"generic\"\n[sources.tool.api]\nurl = \"{base}/api/now/table/incident\"\n\
         records = \"/result\"\n{pagination}\nauth = \"basic\"\nuser_env = \"ITSM_REL_API_USER\"\n\
         password_env = \"ITSM_REL_API_PASSWORD\"\ntimeout_seconds = {timeout}\nmax_retries = 0\nmax_pages = 50\n"
    );
    std::fs::write(t.path("itsm.toml"), toml).unwrap();
}

/// `itsm -v ingest api --source tool` (with `--full` when `full`), the credentials in the
/// environment.
fn api_command(t: &Tmp, full: bool) -> Command {
    let mut cmd = itsm_cmd();
    cmd.current_dir(&t.0)
        .env("ITSM_REL_API_USER", USER)
        .env("ITSM_REL_API_PASSWORD", PASSWORD)
        .args(["-v", "ingest", "api", "--source", "tool"]);
    if full {
        cmd.arg("--full");
    }
    cmd
}

const OFFSET: &str = "pagination = \"offset\"\npage_size = 2";
const LINK: &str = "pagination = \"link\"";

#[test]
fn reliability_api_faults_exit_2_naming_the_url_and_store_nothing() {
    let t = Tmp::new("rel-api");
    // A good run first, so the database has something to lose.
    let base =
        mock(vec![Answer::Full(200, JSON.into(), api_page(1..3)), Answer::Full(200, JSON.into(), api_page(3..4))]);
    let out = ingest_api(&t, &base, OFFSET);
    assert!(out.status.success(), "the good run: {}", text(&out).1);
    let db = t.db();
    assert_eq!(crate::scalar(&db, "SELECT count(*) FROM ticket"), 3);
    let before = tables(&db);

    let login = "<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body><form action=\"/login\">\
                 <input name=\"user\"><input name=\"password\" type=\"password\"></form></body></html>";
    // The body echoes the password, as a careless error page might: it must not be shown.
    let malformed = format!("{{\"result\": [{{\"ticket_id\": \"API9\" \"title\": \"login {USER}:{PASSWORD}\"}}]}}");
    let cut = api_page(7..9);
    let cases: Vec<(&str, String, Vec<Answer>, &str, &str)> = vec![
        (
            "connection closed mid-body",
            "page 1 whole (2 records); page 2: 200 with `Content-Length` 4096, 60 bytes, then the connection closes"
                .into(),
            vec![Answer::Full(200, JSON.into(), api_page(5..7)), Answer::Cut(4096, cut[..60].to_string())],
            OFFSET,
            "the connection closed before the whole response arrived",
        ),
        (
            "HTML login page instead of JSON",
            "200, `text/html`, a sign-in form".into(),
            vec![Answer::Full(200, "Content-Type: text/html\r\n".into(), login.into())],
            OFFSET,
            "got an HTML page",
        ),
        (
            "malformed JSON",
            "page 1 whole; page 2: 200, a comma missing between two members (and the password in the text)".into(),
            vec![Answer::Full(200, JSON.into(), api_page(5..7)), Answer::Full(200, JSON.into(), malformed)],
            OFFSET,
            "expected `,` or `}`",
        ),
        (
            "`next` link looping back",
            "page 1 links to page 2, page 2 back to page 1 (`max_pages` = 50)".into(),
            vec![
                Answer::Full(
                    200,
                    format!("{JSON}Link: </api/now/table/incident?page=2>; rel=\"next\"\r\n"),
                    api_page(5..7),
                ),
                Answer::Full(200, format!("{JSON}Link: </api/now/table/incident>; rel=\"next\"\r\n"), api_page(7..9)),
            ],
            LINK,
            "loops: page 2 leads back to page 1",
        ),
        (
            "server never answers",
            "page 1 whole; for page 2 the server accepts the connection and sends nothing; `timeout_seconds = 1`"
                .into(),
            vec![Answer::Full(200, JSON.into(), api_page(5..7)), Answer::Silent],
            OFFSET,
            "no complete answer within 1 s",
        ),
    ];
    let secrets = [PASSWORD.to_string(), base64_of(&format!("{USER}:{PASSWORD}"))];
    let mut rows = Vec::new();
    for (name, injected, script, pagination, says) in cases {
        let base = mock(script);
        let started = Instant::now();
        let out = ingest_api(&t, &base, pagination);
        let took = started.elapsed();
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(2), "{name}: {stdout}\n{stderr}");
        assert!(stderr.contains(&format!("{base}/api/now/table/incident")), "{name} names the URL: {stderr}");
        assert!(stderr.contains(says), "{name}: {stderr}");
        assert!(stderr.contains("the database is as it was"), "{name}: {stderr}");
        for secret in &secrets {
            assert!(!stdout.contains(secret.as_str()) && !stderr.contains(secret.as_str()), "{name} shows a secret");
        }
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        assert!(took < Duration::from_secs(30), "{name} took {took:?}");
        let check = same_tables(&db, &before, name);
        rows.push([
            name.to_string(),
            injected,
            outcome(&out, &t.0),
            format!("{check}; neither the password nor `user:password` in base64 printed"),
        ]);
    }
    let fuzz = fuzz_page_reader();
    doc::section(
        "api",
        &format!(
            "{}\n{fuzz}",
            table(
                "## REST API faults\n\n`itsm -v ingest api --source tool` against a loopback mock, with basic \
                 authentication from `ITSM_REL_API_USER`/`ITSM_REL_API_PASSWORD`, after a good run that \
                 loaded 3 tickets:",
                &rows
            )
        ),
    );
}

/// Standard base64 with padding (to look for the Basic credential in the output).
fn base64_of(text: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(text.as_bytes())
}

/// Cases per fuzz property: `ITSM_FUZZ_CASES`, default 1000.
fn fuzz_cases() -> u32 {
    std::env::var("ITSM_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(1000)
}

/// Realistic pages to mutate: ServiceNow (references with display values), Jira (nested
/// fields, startAt/total), TOPdesk (the body is the array), and edge cases.
const SEEDS: &[(&str, &str)] = &[
    (
        "/result",
        r#"{"result":[{"number":"INC0010001","short_description":"Skrivaren på plan 2","priority":"2","assignment_group":{"display_value":"Service Desk","link":"https://x/api/now/table/sys_user_group/1"},"sys_updated_on":"2026-10-05 09:00:00","work_notes":null,"reopen_count":0}],"next":"t1"}"#,
    ),
    (
        "/issues",
        r#"{"startAt":0,"maxResults":50,"total":1,"issues":[{"key":"ITSD-7","fields":{"issuetype":{"name":"Incident"},"summary":"Kan inte logga in","labels":["vpn","kvälls"],"created":"2026-10-05T08:02:00.000+0200","resolutiondate":null,"customfield_1":1.50e3}}]}"#,
    ),
    (
        "",
        r#"[{"number":"I 2610 001","caller":{"dynamicName":"Örjan Åberg"},"callDate":"2026-10-05T08:00:00.000+0200","tags":[[1,2],{"a":true}]},{}]"#,
    ),
    ("/result", "\u{feff}{\"result\":[{\"a\":\"\\ud83d\\ude00 \\u00e5\",\"n\":10000000000000000000001,\"e\":-0.0}]}"),
];

/// Pieces of JSON (and near-JSON) that random sequences are built from.
const JSON_TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    "\"result\"",
    "\"issues\"",
    "\"a\"",
    "\"display_value\"",
    "\"name\"",
    "\"\"",
    "\"\\u00e5\\ud83d\\ude00\"",
    "\"\\ud83d\"",
    "0",
    "-0.5e3",
    "1.50",
    "10000000000000000000001",
    "1e999",
    "null",
    "true",
    "false",
    " ",
    "\u{feff}",
    "\"ä\\n\"",
    "{\"result\":[",
    "]}",
    "{}",
    "[]",
];

/// One input through the page reader: never a panic, and a page holds exactly the objects of
/// the array at its pointer.
fn check_page(bytes: &[u8], pointer: &str) -> Result<(), proptest::test_runner::TestCaseError> {
    if let Ok(page) = itsm::ingest::api::read_page(bytes, pointer) {
        let items = page.body.pointer(pointer).and_then(|v| v.as_array()).map(Vec::len);
        proptest::prop_assert_eq!(items, Some(page.records.len()));
    }
    Ok(())
}

/// Applies byte mutations (flip, insert, delete, truncate, duplicate a run) to `seed`.
fn mutate(seed: &str, edits: &[(usize, u8, u8)]) -> Vec<u8> {
    let mut b = seed.as_bytes().to_vec();
    for &(at, op, byte) in edits {
        let len = b.len();
        match op {
            0 if len > 0 => b[at % len] = byte,
            1 => b.insert(at % (len + 1), byte),
            2 if len > 0 => {
                b.remove(at % len);
            }
            3 => b.truncate(at % (len + 1)),
            _ if len > 0 => {
                let from = at % len;
                let run: Vec<u8> = b[from..len.min(from + 1 + usize::from(byte % 32))].to_vec();
                b.splice(from..from, run);
            }
            _ => {}
        }
    }
    b
}

/// Property fuzzing of the API client's JSON page reader; returns the doc's paragraph.
fn fuzz_page_reader() -> String {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    let cases = fuzz_cases();
    let config = || Config { cases, failure_persistence: None, ..Config::default() };
    // Valid pages read as pages.
    for (pointer, seed) in SEEDS {
        let page = itsm::ingest::api::read_page(seed.as_bytes(), pointer).expect("a seed page reads");
        assert!(!page.records.is_empty(), "{seed}");
    }
    let mut runner = TestRunner::new(config());
    let pointers = prop::sample::select(vec!["/result", "", "/issues", "/result/0"]);
    runner
        .run(&(prop::collection::vec(any::<u8>(), 0..4096), pointers.clone()), |(bytes, pointer)| {
            // The bytes as they are (mostly not UTF-8) and made UTF-8, so the JSON parser sees them.
            check_page(&bytes, pointer)?;
            check_page(String::from_utf8_lossy(&bytes).as_bytes(), pointer)
        })
        .unwrap();
    // Random sequences of JSON tokens: structure the parser and the flattener must walk.
    let token = prop::sample::select(JSON_TOKENS.to_vec());
    let mut runner = TestRunner::new(config());
    runner
        .run(&(prop::collection::vec(token, 0..96), pointers), |(tokens, pointer)| {
            check_page(tokens.concat().as_bytes(), pointer)
        })
        .unwrap();
    let json_bytes = prop::sample::select(b"{}[]\",:\\0123456789eE-+. tfnu".to_vec());
    let edit = (any::<usize>(), 0u8..5, prop_oneof![any::<u8>(), json_bytes]);
    let mut runner = TestRunner::new(config());
    runner
        .run(&(prop::sample::select(SEEDS.to_vec()), prop::collection::vec(edit, 1..8)), |((pointer, seed), edits)| {
            check_page(&mutate(seed, &edits), pointer)
        })
        .unwrap();
    // Deep nesting: serde_json's recursion limit answers, not the stack.
    for depth in [100, 127, 128, 129, 10_000] {
        let body = format!("{{\"result\":[{{\"a\":{}1{}}}]}}", "[".repeat(depth), "]".repeat(depth));
        check_page(body.as_bytes(), "/result").unwrap();
        let body = format!("{{\"result\":[{}{}]}}", "{\"a\":".repeat(depth), "}".repeat(depth));
        check_page(body.as_bytes(), "/result").unwrap();
    }
    format!(
        "### Fuzzing the JSON page reader\n\n`itsm::ingest::api::read_page` (what `itsm ingest api` reads every \
         response body with) ran on {cases} random byte strings (up to 4 KiB, each as it is and made UTF-8, against four records \
         pointers), {cases} random sequences of up to 95 JSON tokens, and {cases} mutations of {} valid pages (ServiceNow, Jira, TOPdesk, escapes and big numbers; 1–7 byte \
         flips, inserts, deletes, truncations and duplicated runs each), plus pages nested 100 to 10 000 deep: \
         no panic, and every page read holds exactly the objects of its records array. Longer run: `ITSM_FUZZ_CASES=200000 cargo test --release --test integration -- \
         reliability_api`.\n",
        SEEDS.len(),
    )
}
