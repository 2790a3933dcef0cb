//! Rendering the monthly report (`itsm report monthly`: read the KPI tables, compute the
//! figures, draw the charts, write monthly.html and kpi.json) from a database built from
//! 1,000,000 generated tickets with history (generated, ingested and built once, outside
//! the measurement). Target: under 2 s on the 2-core machine. Figures in BENCHMARKS.md.

mod common;

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use itsm::compute::{build, shipped_models, BuildOptions};
use itsm::config::Config;
use itsm::report::{self, monthly, MonthlyOptions};

fn render_monthly(c: &mut Criterion) {
    let tickets = std::env::var("ITSM_BENCH_TICKETS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let config = Config::default();
    let dir = common::scratch("report-db");
    let db = dir.join("itsm.duckdb");
    {
        let (mut store, _) = common::loaded(tickets, &db);
        build(&mut store, &config, &shipped_models().unwrap(), &BuildOptions::default(), |_| {}).unwrap();
    }
    let store = report::open(&db).unwrap();
    let options =
        MonthlyOptions { month: Some("2026-10".into()), out: Some(dir.join("out")), ..MonthlyOptions::default() };
    let mut group = c.benchmark_group(format!("report_monthly_{tickets}_tickets"));
    group.sample_size(10).measurement_time(Duration::from_secs(20));
    group.bench_function("itsm_report_monthly", |b| b.iter(|| monthly(&store, &config, &options).unwrap()));
    group.finish();
}

criterion_group!(benches, render_monthly);
criterion_main!(benches);
