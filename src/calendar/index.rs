//! The cumulative business-seconds index of one local year: where each local day starts in
//! UTC, how many business seconds lie before it, and its open spans as UTC instants.
//!
//! Owns: turning local wall-clock opening hours into UTC spans across daylight-saving
//! changes, and answering "business seconds before t" and "instant of the n-th business
//! second" by direct day lookup instead of stepping through time.
//! Must not: decide which days are open (rules.rs does) or hold more than one year, so
//! years can be built lazily and independently.
//!
//! A business second is an instant whose local wall-clock time lies inside the day's
//! opening ranges. On a spring-forward day an hour of wall-clock time never happens and on
//! a fall-back day an hour happens twice; counting instants (not clock readings) is what
//! makes an office calendar lose nothing on those weekends and a 24x7 calendar match the
//! wall clock, 23 h and 25 h days included.

use chrono::{DateTime, LocalResult, NaiveDate, NaiveTime, Offset, TimeZone};
use chrono_tz::Tz;

use super::rules::Rules;

/// UTC seconds of the first instant whose local date is `date`.
pub(crate) fn local_day_start(tz: Tz, date: NaiveDate) -> i64 {
    let midnight = date.and_time(NaiveTime::MIN);
    match tz.from_local_datetime(&midnight) {
        LocalResult::Single(t) => t.timestamp(),
        // Midnight happens twice when clocks fall back across it: the day starts at the first.
        LocalResult::Ambiguous(a, b) => a.timestamp().min(b.timestamp()),
        // Midnight is skipped when clocks spring forward across it: the day starts at the
        // jump. Offsets stay within ±16 h, so the jump lies in this window, and local time
        // only moves forward inside it.
        LocalResult::None => {
            let naive = midnight.and_utc().timestamp();
            let (mut lo, mut hi) = (naive - 17 * 3600, naive + 17 * 3600);
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                if mid + offset(tz, mid) >= naive {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            hi
        }
    }
}

/// The zone's offset from UTC, in seconds, at UTC second `t`.
fn offset(tz: Tz, t: i64) -> i64 {
    let utc = DateTime::from_timestamp(t, 0).expect("instant within chrono's range").naive_utc();
    i64::from(tz.offset_from_utc_datetime(&utc).fix().local_minus_utc())
}

/// One local year's index. Every per-day vector has one entry per day plus a final entry
/// for the start of the next year, so day `d` spans `[starts[d], starts[d + 1])`.
#[derive(Debug)]
pub(crate) struct YearIndex {
    /// UTC second at which each local day starts.
    starts: Vec<i64>,
    /// Business seconds from the start of the year to the start of each day.
    cum: Vec<i64>,
    /// Position in `spans` of each day's first open span.
    first: Vec<u32>,
    /// Open spans `[from, to)` in UTC seconds, in time order, none empty.
    spans: Vec<(i64, i64)>,
}

impl YearIndex {
    /// Builds the index of local `year`; `end` is the UTC start of the next local year.
    pub(crate) fn build(rules: &Rules, year: i32, start: i64, end: i64) -> YearIndex {
        let first_date = NaiveDate::from_ymd_opt(year, 1, 1).expect("supported year");
        let n = first_date.leap_year() as usize + 365;
        let dates: Vec<NaiveDate> = first_date.iter_days().take(n).collect();
        let mut starts: Vec<i64> = Vec::with_capacity(n + 1);
        starts.push(start);
        starts.extend(dates[1..].iter().map(|&d| local_day_start(rules.tz, d)));
        starts.push(end);

        let days = rules.year_days(year);
        let mut cum = Vec::with_capacity(n + 1);
        let mut first = Vec::with_capacity(n + 1);
        let mut spans = Vec::with_capacity(n * 2);
        let mut local = Vec::with_capacity(4);
        let mut total = 0;
        for (k, &date) in dates.iter().enumerate() {
            cum.push(total);
            first.push(spans.len() as u32);
            local.clear();
            rules.open_ranges(date, &days, &mut local);
            let before = spans.len();
            day_spans(rules.tz, date, starts[k], starts[k + 1], &local, &mut spans);
            total += spans[before..].iter().map(|(a, b)| b - a).sum::<i64>();
        }
        cum.push(total);
        first.push(spans.len() as u32);
        YearIndex { starts, cum, first, spans }
    }

    /// The open spans `[from, to)` in UTC seconds, in time order, none empty.
    pub(crate) fn spans(&self) -> &[(i64, i64)] {
        &self.spans
    }

    /// Business seconds in the whole year.
    pub(crate) fn total(&self) -> i64 {
        self.cum[self.cum.len() - 1]
    }

    /// Business seconds from the start of the year to `t` (clamped to the year).
    pub(crate) fn elapsed(&self, t: i64) -> i64 {
        let n = self.starts.len() - 1;
        if t <= self.starts[0] {
            return 0;
        }
        if t >= self.starts[n] {
            return self.cum[n];
        }
        let d = self.day_of(t);
        let mut acc = self.cum[d];
        for &(from, to) in &self.spans[self.first[d] as usize..self.first[d + 1] as usize] {
            if t <= from {
                break;
            }
            acc += t.min(to) - from;
        }
        acc
    }

    /// The earliest instant at which `elapsed` reaches `target`, for 0 < target ≤ total.
    pub(crate) fn locate(&self, target: i64) -> i64 {
        debug_assert!(target > 0 && target <= self.total());
        // cum[0] = 0 < target, so the first day boundary at or past the target is ≥ 1 and the
        // day before it holds the target's second.
        let d = self.cum.partition_point(|&c| c < target) - 1;
        let mut rest = target - self.cum[d];
        for &(from, to) in &self.spans[self.first[d] as usize..self.first[d + 1] as usize] {
            if rest <= to - from {
                return from + rest;
            }
            rest -= to - from;
        }
        unreachable!("cum and spans disagree: the day's spans must hold its business seconds")
    }

    /// The local day holding `t`, for `starts[0] <= t < starts[n]`. Days are 24 h give or take
    /// the zone's offset changes, so dividing by 24 h lands on or next to the right day.
    fn day_of(&self, t: i64) -> usize {
        let last = self.starts.len() - 2;
        let mut d = (((t - self.starts[0]) / 86_400) as usize).min(last);
        while self.starts[d] > t {
            d -= 1;
        }
        while self.starts[d + 1] <= t {
            d += 1;
        }
        d
    }
}

/// Appends the UTC spans of local `date` (which runs over UTC `[start, end)`) whose
/// wall-clock time lies in `ranges` (seconds since local midnight).
///
/// The day is cut where the zone's offset changes; inside each piece local time is UTC plus
/// a constant, so a wall-clock range maps to one UTC span by subtracting the offset. A zone
/// is assumed to change offset at most once within a local day, as every zone does in
/// practice.
fn day_spans(tz: Tz, date: NaiveDate, start: i64, end: i64, ranges: &[(u32, u32)], out: &mut Vec<(i64, i64)>) {
    if ranges.is_empty() {
        return;
    }
    let midnight = date.and_time(NaiveTime::MIN).and_utc().timestamp();
    let (first, last) = (offset(tz, start), offset(tz, end - 1));
    let mut pieces = [(start, end, first), (end, end, last)];
    if first != last {
        // The change is the first second whose offset is no longer `first`.
        let (mut lo, mut hi) = (start, end - 1);
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if offset(tz, mid) == first {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        pieces = [(start, hi, first), (hi, end, last)];
    }
    // Spans merge only within the day: each day must own its spans for the per-day lookup.
    let base = out.len();
    for (from, to, off) in pieces {
        for &(open, close) in ranges {
            let lo = from.max(midnight + i64::from(open) - off);
            let hi = to.min(midnight + i64::from(close) - off);
            if lo >= hi {
                continue;
            }
            // A range running through the change arrives as two touching spans: keep one.
            match out[base..].last_mut() {
                Some(prev) if prev.1 == lo => prev.1 = hi,
                _ => out.push((lo, hi)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::CalendarSpec;

    fn utc(s: &str) -> i64 {
        DateTime::parse_from_rfc3339(s).unwrap().timestamp()
    }

    fn year(spec: CalendarSpec, y: i32) -> YearIndex {
        let rules = spec.to_rules().unwrap();
        let start = |y| local_day_start(rules.tz, NaiveDate::from_ymd_opt(y, 1, 1).unwrap());
        YearIndex::build(&rules, y, start(y), start(y + 1))
    }

    #[test]
    fn day_starts_follow_the_zone() {
        let tz: Tz = "Europe/Stockholm".parse().unwrap();
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(local_day_start(tz, d("2026-03-29")), utc("2026-03-28T23:00:00Z"));
        assert_eq!(local_day_start(tz, d("2026-03-30")), utc("2026-03-29T22:00:00Z"));
        assert_eq!(local_day_start(tz, d("2026-10-26")), utc("2026-10-25T23:00:00Z"));
        // America/Havana springs forward at midnight: 2026-03-08 begins at 01:00 local (05:00Z).
        let havana: Tz = "America/Havana".parse().unwrap();
        assert_eq!(local_day_start(havana, d("2026-03-08")), utc("2026-03-08T05:00:00Z"));
    }

    #[test]
    fn year_totals() {
        let all = year(CalendarSpec::always_open(), 2026);
        assert_eq!(all.total(), 365 * 86_400, "a 24x7 year is a wall-clock year: the DST hours cancel");
        let office = year(CalendarSpec::default(), 2026);
        // 2026: 261 weekdays, minus 7 holidays on weekdays (1 and 6 Jan, Good Friday, Easter
        // Monday, 1 May, Ascension, Christmas Day) and the 3 eves, all on weekdays.
        assert_eq!(office.total(), (261 - 7 - 3) * 9 * 3600);
    }

    #[test]
    fn lookups_invert() {
        let office = year(CalendarSpec::default(), 2026);
        let t = utc("2026-03-30T06:30:00Z"); // Monday after spring-forward, 08:30 CEST
        let e = office.elapsed(t);
        assert_eq!(office.locate(e), t);
        assert_eq!(office.elapsed(utc("2026-03-30T06:00:00Z")), e - 1800);
        assert_eq!(office.locate(office.total()), utc("2026-12-30T16:00:00Z"), "last business second ends 17:00 CET");
    }
}
