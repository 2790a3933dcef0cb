//! Ingest throughput: 100,000 sample tickets with their history through `itsm ingest`'s
//! code path, against DuckDB's own `read_csv` of the same two files into tables.
//! Figures are written down in BENCHMARKS.md.

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use itsm::ingest::profile::Profile;
use itsm::sample::{generate, SampleSpec};
use itsm::store::Store;

mod common;
use common::scratch;

fn ingest(c: &mut Criterion) {
    let export = scratch("export");
    let spec = SampleSpec { tickets: 100_000, months: 13, seed: 42, end_month: (2026, 10) };
    let sample = generate(&spec, &export).unwrap();
    let files = [sample.tickets_file.clone(), sample.history_file.clone()];
    let rows = sample.tickets + sample.events;
    let profile = Profile::load("generic").unwrap();
    let work = scratch("db");

    let mut group = c.benchmark_group("ingest_100k_tickets_with_history");
    group.sample_size(10).measurement_time(Duration::from_secs(60)).throughput(Throughput::Elements(rows));
    group.bench_function("itsm_ingest", |b| {
        b.iter_custom(|iters| common::timed_ingest(iters, &work, "ingest", &profile, &files))
    });
    group.bench_function("duckdb_read_csv", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for i in 0..iters {
                let db = work.join(format!("baseline-{i}.duckdb"));
                let _ = std::fs::remove_file(&db);
                let start = Instant::now();
                let store = Store::open(&db).unwrap();
                let n = store.read_csv_baseline(&files[0], "baseline_tickets").unwrap()
                    + store.read_csv_baseline(&files[1], "baseline_history").unwrap();
                assert_eq!(n as u64, rows);
                drop(store);
                total += start.elapsed();
                let _ = std::fs::remove_file(&db);
            }
            total
        })
    });
    group.finish();
    let _ = std::fs::remove_dir_all(&export);
    let _ = std::fs::remove_dir_all(&work);
}

criterion_group!(benches, ingest);
criterion_main!(benches);
