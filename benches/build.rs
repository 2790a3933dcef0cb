//! `itsm build` of the shipped models on generated sample tickets with their history
//! (generated and ingested once, outside the measurement): 100,000 tickets (target: under
//! 5 s) and 1,000,000 tickets (target: under 30 s on the 2-core machine). Figures, and the
//! peak memory measured with `/usr/bin/time -v itsm build`, are in BENCHMARKS.md.

mod common;

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use itsm::compute::{build, shipped_models, BuildOptions};
use itsm::config::Config;

fn build_models(c: &mut Criterion) {
    let config = Config::default();
    let models = shipped_models().unwrap();
    for (tickets, seconds, label) in
        [(100_000, 45, "build_100k_tickets_with_history"), (1_000_000, 330, "build_1m_tickets_with_history")]
    {
        let db = common::scratch(&format!("build-db-{tickets}")).join("itsm.duckdb");
        let (mut store, n) = common::loaded(tickets, &db);
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
