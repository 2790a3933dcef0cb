//! `itsm build` of the shipped models on generated sample tickets with their history
//! (generated and ingested once, outside the measurement): a full build of 100,000 and of
//! 1,000,000 tickets (issue 14's aim: 1M in 10 s), and an incremental build of the 1M
//! database after a day's export (aim: 3 s): the sample cut at 2026-10-30, the part before
//! ingested and built, then the day's export ingested; each iteration builds a fresh copy
//! of that database. Figures, and the peak memory measured with `/usr/bin/time -v itsm
//! build`, are in BENCHMARKS.md.

mod common;

use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use itsm::compute::{build, shipped_models, BuildOptions};
use itsm::config::Config;
use itsm::store::Store;

fn build_models(c: &mut Criterion) {
    let config = Config::default();
    let models = shipped_models().unwrap();
    let full = BuildOptions { full: true, ..BuildOptions::default() };
    for (tickets, seconds, label) in
        [(100_000, 45, "build_100k_tickets_with_history"), (1_000_000, 330, "build_1m_tickets_with_history")]
    {
        let db = common::scratch(&format!("build-db-{tickets}")).join("itsm.duckdb");
        let (mut store, n) = common::loaded(tickets, &db);
        let mut group = c.benchmark_group(label);
        group.sample_size(10).measurement_time(Duration::from_secs(seconds)).throughput(Throughput::Elements(n));
        group.bench_function("itsm_build", |b| b.iter(|| build(&mut store, &config, &models, &full, |_| {}).unwrap()));
        group.finish();
    }
}

fn incremental_build(c: &mut Criterion) {
    let config = Config::default();
    let models = shipped_models().unwrap();
    let work = common::scratch("build-incremental");
    let (base, day) = common::day_export(1_000_000, "2026-10-30", &work);
    {
        let mut store = Store::open(&base).unwrap();
        build(&mut store, &config, &models, &BuildOptions::default(), |_| {}).unwrap();
        common::ingest_into(&mut store, &day);
    }
    let db = work.join("incremental.duckdb");
    let mut group = c.benchmark_group("build_1m_incremental_after_a_day");
    group.sample_size(10).measurement_time(Duration::from_secs(120));
    group.bench_function("itsm_build", |b| {
        b.iter_batched(
            || {
                std::fs::copy(&base, &db).unwrap();
                Store::open(&db).unwrap()
            },
            |mut store| {
                let report = build(&mut store, &config, &models, &BuildOptions::default(), |_| {}).unwrap();
                assert!(report.mode.starts_with("incremental"), "{}", report.mode);
                store
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, build_models, incremental_build);
criterion_main!(benches);
