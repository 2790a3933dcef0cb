//! Ingest of a 100,000-row tickets workbook (.xlsx, written once with rust_xlsxwriter from
//! the generated sample, outside the measurement) through `itsm ingest`'s code path: read
//! with calamine, header found, cells mapped, bulk-appended in one transaction; and
//! `read_workbook` alone on a generated 100,000 × 28 sheet of typed cells (dates, numbers,
//! booleans), the figure a timed unit test used to print. Figures in BENCHMARKS.md.

mod common;

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use itsm::ingest::profile::Profile;
use itsm::sample::{generate, SampleSpec};
use itsm::tabular::{csv, workbook::read_workbook};
use rust_xlsxwriter::Workbook;

/// Writes the sample's tickets.csv (first `rows` rows) as an xlsx sheet of text cells.
fn workbook(rows: usize) -> std::path::PathBuf {
    let export = common::scratch("excel-export");
    let spec = SampleSpec { tickets: rows, months: 13, seed: 42, end_month: (2026, 10) };
    let sample = generate(&spec, &export).unwrap();
    let text = std::fs::read_to_string(&sample.tickets_file).unwrap();
    let mut reader = csv::Reader::new(&text, b',');
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let mut row = 0u32;
    while let Some(rec) = reader.next_record().unwrap() {
        for (col, f) in rec.fields.iter().enumerate() {
            ws.write_string(row, col as u16, *f).unwrap();
        }
        row += 1;
    }
    let path = export.join("tickets.xlsx");
    wb.save(&path).unwrap();
    path
}

/// The canonical ticket columns (the header `itsm sample` writes), as the typed sheet's header.
fn ticket_columns() -> Vec<&'static str> {
    itsm::sample::TICKETS_HEADER.split(',').collect()
}

/// A 100,000-row sheet of typed cells (dates with a number format, numbers, booleans, text),
/// as the `large_sheet_reads_fast` unit test generated it.
fn typed_workbook(rows: u32) -> std::path::PathBuf {
    use rust_xlsxwriter::{ExcelDateTime as XlsxDate, Format, IntoExcelDateTime};
    let path = common::scratch("excel-typed").join("typed.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let date = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    let columns = ticket_columns();
    for (c, name) in columns.iter().enumerate() {
        ws.write(0, c as u16, *name).unwrap();
    }
    let base = XlsxDate::parse_from_str("2026-01-01 08:00:00").unwrap().to_excel_serial_date();
    let customers = ["Kävlinge", "Burlöv", "Staffanstorp"];
    let teams = ["Service Desk", "Infrastructure", "Client Desktop"];
    for r in 1..=rows {
        let i = r as usize;
        for (c, name) in columns.iter().enumerate() {
            let c16 = c as u16;
            match *name {
                "ticket_id" => ws.write(r, c16, format!("INC{r:07}")),
                "opened_at" | "first_response_at" | "resolved_at" | "updated_at" => {
                    ws.write_number_with_format(r, c16, base + f64::from(r) / 96.0 + c as f64 / 1440.0, &date)
                }
                "closed_at" | "problem_id" | "change_id" | "request_item" => continue,
                "customer" => ws.write(r, c16, customers[i % 3]),
                "first_team" | "resolved_by_team" | "assigned_team" => ws.write(r, c16, teams[(i + c) % 3]),
                "reassignment_count" | "reopen_count" => ws.write(r, c16, (i % 4) as f64),
                "work_minutes" => ws.write(r, c16, (i % 120) as f64 + 0.5),
                "billable" => ws.write(r, c16, i.is_multiple_of(2)),
                _ => ws.write(r, c16, format!("{name} {}", i % 50)),
            }
            .unwrap();
        }
    }
    wb.save(&path).unwrap();
    path
}

fn read_typed_sheet(c: &mut Criterion) {
    let rows = 100_000u32;
    let path = typed_workbook(rows);
    let mut group = c.benchmark_group("read_workbook_100k_x_28");
    group.sample_size(10).measurement_time(Duration::from_secs(30)).throughput(Throughput::Elements(rows.into()));
    group.bench_function("calamine_read_workbook", |b| {
        b.iter(|| {
            let got = read_workbook(&path, None, &|row| row.iter().any(|t| t == "ticket_id")).unwrap();
            assert_eq!(got[0].rows.len(), rows as usize);
            assert_eq!(got[0].rows[0].1[0], "INC0000001");
            assert!(got[0].rows[0].1[12].starts_with("2026-01-01 08:"));
            got
        })
    });
    group.finish();
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

criterion_group!(benches, ingest_xlsx, read_typed_sheet);
criterion_main!(benches);
