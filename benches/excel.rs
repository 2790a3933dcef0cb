//! Ingest of a 100,000-row tickets workbook (.xlsx, written once with rust_xlsxwriter from
//! the generated sample, outside the measurement) through `itsm ingest`'s code path: read
//! with calamine, header found, cells mapped, bulk-appended in one transaction. Figure in
//! BENCHMARKS.md.

mod common;

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use itsm::ingest::{csv, profile::Profile};
use itsm::sample::{generate, SampleSpec};
use rust_xlsxwriter::Workbook;

/// Writes the sample's tickets.csv (first `rows` rows) as an xlsx sheet of text cells.
fn workbook(rows: usize) -> std::path::PathBuf {
    let export = common::scratch("excel-export");
    let spec = SampleSpec { tickets: rows, months: 13, seed: 42, end_month: (2026, 10) };
    let sample = generate(&spec, &export).unwrap();
    let text = std::fs::read_to_string(&sample.tickets_file).unwrap();
    let mut reader = csv::Reader::new(&text, b',');
    let mut fields = Vec::new();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let mut row = 0u32;
    while reader.next_record(&mut fields).is_some() {
        for (col, f) in fields.iter().enumerate() {
            ws.write_string(row, col as u16, f.as_ref()).unwrap();
        }
        row += 1;
    }
    let path = export.join("tickets.xlsx");
    wb.save(&path).unwrap();
    path
}

fn ingest_xlsx(c: &mut Criterion) {
    let path = workbook(100_000);
    let profile = Profile::load("generic").unwrap();
    let work = common::scratch("excel-db");
    let mut group = c.benchmark_group("ingest_100k_row_xlsx");
    group.sample_size(10).measurement_time(Duration::from_secs(60)).throughput(Throughput::Elements(100_000));
    group.bench_function("itsm_ingest_xlsx", |b| {
        b.iter_custom(|iters| common::timed_ingest(iters, &work, "x", &profile, std::slice::from_ref(&path)))
    });
    group.finish();
}

criterion_group!(benches, ingest_xlsx);
criterion_main!(benches);
