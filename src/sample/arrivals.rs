//! When tickets arrive: the daily volume curve (growth, July and Christmas
//! dips, quiet weekends and holidays) and the time-of-day shapes of
//! user-reported versus machine-generated tickets.

use super::clock::{self, Calendar, CLOSE, DAY, HOUR, OPEN};
use super::rng::Rng;

/// Relative daily volume: slight growth, summer and Christmas dips, quiet weekends.
fn day_weight(day: i64, first_day: i64, cal: &Calendar) -> f64 {
    let (_, m, d) = clock::civil_from_days(day);
    let season = match (m, d) {
        (7, _) => 0.45,
        (6, 22..) => 0.75,
        (8, ..=10) => 0.7,
        (12, 21..) | (1, ..=6) => 0.5,
        _ => 1.0,
    };
    let wd = clock::weekday(day);
    let week = [1.2, 1.1, 1.0, 1.0, 0.85, 0.05, 0.04][wd as usize];
    let closed = if wd < 5 && !cal.is_open_day(day) { 0.06 } else { 1.0 };
    let trend = 1.0 + 0.10 * (day - first_day) as f64 / 365.0;
    trend * season * week * closed
}

/// Cumulative day weights for drawing opening days.
pub(crate) struct Days {
    /// Local day number of the first day of the period.
    pub first: i64,
    /// Cumulative weights of user-facing volume per day.
    pub office: Vec<f64>,
    /// Cumulative weights of round-the-clock (machine) volume per day.
    pub flat: Vec<f64>,
}

impl Days {
    /// Weights for local days `[first, last)`.
    pub(crate) fn new(first: i64, last: i64, cal: &Calendar) -> Self {
        let (mut office, mut flat) = (Vec::new(), Vec::new());
        let (mut a, mut b) = (0.0, 0.0);
        for day in first..last {
            a += day_weight(day, first, cal);
            b += 1.0 + 0.10 * (day - first) as f64 / 365.0;
            office.push(a);
            flat.push(b);
        }
        Days { first, office, flat }
    }

    /// A local day number drawn with the weights of `cdf` (one of this table's).
    pub(crate) fn pick(&self, rng: &mut Rng, cdf: &[f64]) -> i64 {
        let x = rng.f64() * cdf[cdf.len() - 1];
        self.first + cdf.partition_point(|&c| c <= x).min(cdf.len() - 1) as i64
    }
}

/// Hourly shape of office-hours arrivals, 08–17: morning peak, lunch dip.
const HOUR_WEIGHTS: [u32; 9] = [10, 14, 13, 10, 6, 11, 11, 9, 6];

/// An opening instant on `day` shaped like user-reported tickets: office hours
/// mostly, ~4.5 % evening/early on working days, any daytime on closed days.
pub(crate) fn user_time(day: i64, rng: &mut Rng, cal: &Calendar) -> i64 {
    let sod = if !cal.is_open_day(day) {
        rng.range(9 * HOUR, 20 * HOUR)
    } else if rng.chance(0.045) {
        if rng.chance(0.8) {
            rng.range(CLOSE, 22 * HOUR + 1800)
        } else {
            rng.range(6 * HOUR + 1800, OPEN - 1)
        }
    } else {
        OPEN + rng.weighted(&HOUR_WEIGHTS) as i64 * HOUR + rng.range(0, HOUR - 1)
    };
    clock::local_to_utc(day * DAY + sod)
}

/// An instant on `day` for machine-generated tickets: round the clock, with a
/// daytime bump because that is when load and changes happen.
pub(crate) fn machine_time(day: i64, rng: &mut Rng) -> i64 {
    let sod = if rng.chance(0.4) { rng.range(OPEN, CLOSE - 1) } else { rng.range(0, DAY - 1) };
    clock::local_to_utc(day * DAY + sod)
}

/// The first working day on or after `day`: planted recurrences are reported by
/// users at work, and must not inflate the out-of-hours share.
pub(crate) fn working_day(mut day: i64, cal: &Calendar) -> i64 {
    while !cal.is_open_day(day) {
        day += 1;
    }
    day
}

/// Local (Stockholm) day number of an instant.
pub(crate) fn local_day(utc: i64) -> i64 {
    clock::to_local(utc).div_euclid(DAY)
}
