//! Shared set-up of the benches: scratch directories and a store loaded with generated
//! sample tickets and history (outside any measurement).

#![allow(dead_code)] // each bench uses part of this

use std::path::PathBuf;

use itsm::ingest::{ingest_file, profile::Profile, IngestOptions};
use itsm::sample::{generate, SampleSpec};
use itsm::store::Store;

/// A fresh directory under the system's temp dir, unique to this process.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("itsm-bench-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Ingest options of the benches: the generic profile, the sample's teams.
fn options(profile: &Profile) -> IngestOptions<'_> {
    IngestOptions { teams: itsm::sample::team_rows(), ..IngestOptions::new("bench", profile) }
}

/// Ingests the tickets and history files of `dir` into `store`.
pub fn ingest_into(store: &mut Store, dir: &std::path::Path) {
    let profile = Profile::load("generic").unwrap();
    for f in ["tickets.csv", "history.csv"] {
        ingest_file(store, &dir.join(f), &options(&profile)).unwrap();
    }
}

/// `tickets` sample tickets cut at `cut` (see `itsm::sample::split_export`): a database
/// `work/before.duckdb` with the part before ingested (not built), and the directory of
/// the day's export. Returns (database, day's export directory).
pub fn day_export(tickets: usize, cut: &str, work: &std::path::Path) -> (PathBuf, PathBuf) {
    let export = work.join("export");
    let spec = SampleSpec { tickets, months: 13, seed: 42, end_month: (2026, 10) };
    generate(&spec, &export).unwrap();
    let (before, day) = (work.join("before"), work.join("day"));
    itsm::sample::split_export(&export, cut, &before, &day).unwrap();
    let db = work.join("before.duckdb");
    let mut store = Store::open(&db).unwrap();
    ingest_into(&mut store, &before);
    let _ = std::fs::remove_dir_all(export);
    (db, day)
}

/// A database at `db` holding `tickets` sample tickets (13 months to 2026-10, seed 42) with
/// their history, ingested with the generic profile; returns the open store and the ticket count.
pub fn loaded(tickets: usize, db: &std::path::Path) -> (Store, u64) {
    let export = scratch(&format!("export-{tickets}"));
    let spec = SampleSpec { tickets, months: 13, seed: 42, end_month: (2026, 10) };
    let sample = generate(&spec, &export).unwrap();
    let mut store = Store::open(db).unwrap();
    let profile = Profile::load("generic").unwrap();
    for f in [&sample.tickets_file, &sample.history_file] {
        ingest_file(&mut store, f, &options(&profile)).unwrap();
    }
    let _ = std::fs::remove_dir_all(export);
    (store, sample.tickets)
}

/// `iters` times: ingests `files` with `profile` into a fresh database under `work` (file
/// name starting `name`) and returns the summed time of opening, ingesting and closing.
/// Every row must load.
pub fn timed_ingest(
    iters: u64,
    work: &std::path::Path,
    name: &str,
    profile: &itsm::ingest::profile::Profile,
    files: &[PathBuf],
) -> std::time::Duration {
    let mut total = std::time::Duration::ZERO;
    for i in 0..iters {
        let db = work.join(format!("{name}-{i}.duckdb"));
        let _ = std::fs::remove_file(&db);
        let start = std::time::Instant::now();
        let mut store = Store::open(&db).unwrap();
        let opts = IngestOptions::new("bench", profile);
        // As `itsm ingest FILE…` does: each later file's first pass beside the one before.
        itsm::ingest::prescanned(
            files,
            |_| Some(profile.clone()),
            |f, scanned| {
                let r = itsm::ingest::ingest_scanned(&mut store, f, scanned, &opts)?;
                assert_eq!(r.rows_rejected, 0);
                Ok::<(), itsm::ingest::IngestError>(())
            },
        )
        .unwrap();
        drop(store);
        total += start.elapsed();
        let _ = std::fs::remove_file(&db);
    }
    total
}
