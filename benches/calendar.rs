//! Business-time arithmetic: 1,000,000 random intervals over three years through the
//! office calendar (Mon–Fri 08–17 Europe/Stockholm, Swedish holidays). Target: under one
//! second on the project's 2-core machine. Figures in BENCHMARKS.md.

use chrono::{DateTime, TimeZone, Utc};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use itsm::calendar::{Calendar, CalendarSpec};

/// Deterministic pseudo-random pairs (a ≤ b) spread over 2025–2027.
fn intervals(n: usize) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let start = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap().timestamp();
    let span = Utc.with_ymd_and_hms(2028, 1, 1, 0, 0, 0).unwrap().timestamp() - start;
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as i64 % span
    };
    (0..n)
        .map(|_| {
            let (x, y) = (next(), next());
            let (a, b) = (x.min(y), x.max(y));
            (DateTime::from_timestamp(start + a, 0).unwrap(), DateTime::from_timestamp(start + b, 0).unwrap())
        })
        .collect()
}

fn business_time(c: &mut Criterion) {
    let cal = Calendar::new(&CalendarSpec::default()).unwrap();
    let pairs = intervals(1_000_000);
    let mut group = c.benchmark_group("calendar_1m_intervals_3_years");
    group.sample_size(10).throughput(Throughput::Elements(pairs.len() as u64));
    group.bench_function("business_seconds", |b| {
        b.iter(|| pairs.iter().map(|(a, z)| cal.business_seconds(*a, *z)).sum::<i64>())
    });
    group.bench_function("add_business_seconds", |b| {
        b.iter(|| pairs.iter().map(|(a, _)| cal.add_business_seconds(*a, 4 * 3600).timestamp()).sum::<i64>())
    });
    group.finish();
}

criterion_group!(benches, business_time);
criterion_main!(benches);
