//! The Dispatcher's backtest (issue 15): `itsm report dispatch --backtest` replays the breach
//! forecast at every business day 12:00 of six months (2026-04 to 2026-09, 126 instants) on
//! 1,000,000 generated sample tickets with their history (generated, ingested and built once,
//! outside the measurement). Aim: under 60 s on the 2-core machine. Figures in BENCHMARKS.md.

mod common;

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use itsm::compute::{build, shipped_models, BuildOptions};
use itsm::config::Config;

fn backtest_six_months(c: &mut Criterion) {
    let config = Config::default();
    let db = common::scratch("dispatch-db").join("itsm.duckdb");
    let (mut store, _) = common::loaded(1_000_000, &db);
    build(&mut store, &config, &shipped_models().unwrap(), &BuildOptions::default(), |_| {}).unwrap();
    let months = (Some("2026-04".to_string()), Some("2026-09".to_string()));
    let mut group = c.benchmark_group("dispatch_backtest_1m_six_months");
    // Flat sampling: one backtest per sample (several seconds each), not 1 + 2 + … + 10.
    group.sample_size(10).sampling_mode(SamplingMode::Flat).measurement_time(Duration::from_secs(120));
    group.bench_function("itsm_report_dispatch_backtest", |b| {
        b.iter(|| {
            let result = itsm::report::backtest(&store, &config, &months).unwrap();
            assert!(result.instants >= 120, "{} instants", result.instants);
            result
        })
    });
    group.finish();
}

criterion_group!(benches, backtest_six_months);
criterion_main!(benches);
