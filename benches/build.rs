//! `itsm build` of the shipped models on generated sample tickets with their history
//! (generated and ingested once, outside the measurement): 100,000 tickets (target: under
//! 5 s) and 1,000,000 tickets (target: under 30 s on the 2-core machine). Figures, and the
//! peak memory measured with `/usr/bin/time -v itsm build`, are in BENCHMARKS.md.

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

/// A store holding `tickets` sample tickets with history, and the sample's ticket count.
fn loaded(tickets: usize, config: &Config) -> (Store, u64) {
    let export = scratch(&format!("build-export-{tickets}"));
    let spec = SampleSpec { tickets, months: 13, seed: 42, end_month: (2026, 10) };
    let sample = generate(&spec, &export).unwrap();
    let db = scratch(&format!("build-db-{tickets}")).join("itsm.duckdb");
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
    let _ = std::fs::remove_dir_all(export);
    (store, sample.tickets)
}

fn build_models(c: &mut Criterion) {
    let config = Config::default();
    let models = shipped_models().unwrap();
    for (tickets, seconds, label) in
        [(100_000, 45, "build_100k_tickets_with_history"), (1_000_000, 330, "build_1m_tickets_with_history")]
    {
        let (mut store, n) = loaded(tickets, &config);
        let mut group = c.benchmark_group(label);
        group.sample_size(10).measurement_time(Duration::from_secs(seconds)).throughput(Throughput::Elements(n));
        group.bench_function("itsm_build", |b| {
            b.iter(|| build(&mut store, &config, &models, &BuildOptions::default(), |_| {}).unwrap())
        });
        group.finish();
    }
}

criterion_group!(benches, build_models);
criterion_main!(benches);
