//! `itsm build` of the shipped models on 100,000 sample tickets with their history (ingested
//! once, outside the measurement). Target: under 5 s on the 2-core machine. Figures are
//! written down in BENCHMARKS.md.

use std::path::PathBuf;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use itsm::compute::{build, shipped_models, BuildOptions};
use itsm::config::Config;
use itsm::ingest::{ingest_file, profile::Profile, IngestOptions};
use itsm::sample::{generate, SampleSpec};
use itsm::store::Store;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("itsm-bench-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn build_models(c: &mut Criterion) {
    let export = scratch("build-export");
    let spec = SampleSpec { tickets: 100_000, months: 13, seed: 42, end_month: (2026, 10) };
    let sample = generate(&spec, &export).unwrap();
    let config = Config::default();
    let db = scratch("build-db").join("itsm.duckdb");
    let mut store = Store::open(&db).unwrap();
    let profile = Profile::load("generic").unwrap();
    let opts = IngestOptions {
        source: "bench".into(),
        profile: &profile,
        kind: None,
        teams: config.team_rows(),
        progress: false,
        verbose: false,
    };
    for f in [&sample.tickets_file, &sample.history_file] {
        ingest_file(&mut store, f, &opts).unwrap();
    }
    let models = shipped_models().unwrap();

    let mut group = c.benchmark_group("build_100k_tickets_with_history");
    group.sample_size(10).measurement_time(Duration::from_secs(45)).throughput(Throughput::Elements(sample.tickets));
    group.bench_function("itsm_build", |b| {
        b.iter(|| build(&mut store, &config, &models, &BuildOptions::default(), |_| {}).unwrap())
    });
    group.finish();
}

criterion_group!(benches, build_models);
criterion_main!(benches);
