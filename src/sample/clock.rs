//! Time for the sample generator: civil dates, Europe/Stockholm offsets,
//! fast ISO 8601 formatting and an office-hours business clock.
//!
//! Instants are `i64` seconds since the Unix epoch (UTC), like the canonical
//! model. Local time is only derived, for business-hour arithmetic and output.
//! The Stockholm offset follows the EU rule (CET +01:00, CEST +02:00 from the
//! last Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC) by
//! hand rather than through chrono-tz: it is ~50x faster on the hot path and
//! keeps output independent of future tzdata releases. A test checks it against
//! chrono-tz for every hour of 1997–2037.

use chrono::Datelike;

/// Seconds per day.
pub(crate) const DAY: i64 = 86_400;
/// Seconds per hour.
pub(crate) const HOUR: i64 = 3_600;
/// Office opening, seconds after local midnight (08:00).
pub(crate) const OPEN: i64 = 8 * HOUR;
/// Office closing, seconds after local midnight (17:00).
pub(crate) const CLOSE: i64 = 17 * HOUR;
/// Business seconds in one full office day.
pub(crate) const BDAY: i64 = CLOSE - OPEN;

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub(crate) fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y as i64 - 1 } else { y as i64 };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Inverse of [`days_from_civil`]: (year, month, day).
pub(crate) fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y as i32, m, d)
}

/// Weekday of a day number, 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday).
pub(crate) fn weekday(day: i64) -> u32 {
    (day + 3).rem_euclid(7) as u32
}

/// Day number of the last Sunday of a month (months 3 and 10 are the ones used).
fn last_sunday(y: i32, m: u32) -> i64 {
    let last = days_from_civil(y, m + 1, 1) - 1;
    last - ((weekday(last) + 1) % 7) as i64
}

/// UTC offset in seconds of Europe/Stockholm at a UTC instant.
pub(crate) fn offset(utc: i64) -> i64 {
    let (y, _, _) = civil_from_days(utc.div_euclid(DAY));
    let start = last_sunday(y, 3) * DAY + HOUR;
    let end = last_sunday(y, 10) * DAY + HOUR;
    if utc >= start && utc < end {
        2 * HOUR
    } else {
        HOUR
    }
}

/// Local wall-clock seconds (as if local time were UTC) of a UTC instant.
pub(crate) fn to_local(utc: i64) -> i64 {
    utc + offset(utc)
}

/// UTC instant of a local wall-clock time. A time in the spring gap maps one hour
/// forward; an ambiguous autumn time maps to its first (summer-time) occurrence.
pub(crate) fn local_to_utc(local: i64) -> i64 {
    let summer = local - 2 * HOUR;
    if offset(summer) == 2 * HOUR {
        summer
    } else {
        local - HOUR
    }
}

/// Local midnight starting a calendar month, as a UTC instant.
pub(crate) fn month_start_utc(y: i32, m: u32) -> i64 {
    local_to_utc(days_from_civil(y, m, 1) * DAY)
}

fn push2(buf: &mut Vec<u8>, v: u32) {
    buf.push(b'0' + (v / 10) as u8);
    buf.push(b'0' + (v % 10) as u8);
}

/// Appends `YYYY-MM-DDTHH:MM:SS+HH:MM` in Stockholm time. Hand-rolled because
/// chrono's formatter dominated the run time at a million tickets.
pub(crate) fn push_timestamp(buf: &mut Vec<u8>, utc: i64) {
    let off = offset(utc);
    let local = utc + off;
    let (y, mo, d) = civil_from_days(local.div_euclid(DAY));
    let sod = local.rem_euclid(DAY) as u32;
    let y = y as u32;
    push2(buf, y / 100);
    push2(buf, y % 100);
    buf.push(b'-');
    push2(buf, mo);
    buf.push(b'-');
    push2(buf, d);
    buf.push(b'T');
    push2(buf, sod / 3600);
    buf.push(b':');
    push2(buf, sod / 60 % 60);
    buf.push(b':');
    push2(buf, sod % 60);
    buf.push(b'+');
    push2(buf, (off / HOUR) as u32);
    buf.extend_from_slice(b":00");
}

/// True for Swedish weekday closures: public holidays that can fall on a weekday
/// plus the de-facto closed eves, matching the design's default calendar
/// (Saturday/Sunday holidays do not matter to an office-hours clock).
pub(crate) fn is_holiday(day: i64) -> bool {
    let (y, m, d) = civil_from_days(day);
    match (m, d) {
        (1, 1) | (1, 6) | (5, 1) | (6, 6) | (12, 24) | (12, 25) | (12, 26) | (12, 31) => return true,
        _ => {}
    }
    // Midsummer Eve: the Friday between 19 and 25 June.
    if m == 6 && (19..=25).contains(&d) && weekday(day) == 4 {
        return true;
    }
    let easter = crate::calendar::easter_sunday(y);
    let offset_from_easter = day - days_from_civil(y, easter.month(), easter.day());
    // Good Friday, Easter Monday, Ascension Day.
    matches!(offset_from_easter, -2 | 1 | 39)
}

/// Office-hours clock (Mon–Fri 08:00–17:00 Stockholm, minus closed days) with the
/// open/closed state of each day precomputed over the range the generator uses.
pub(crate) struct Calendar {
    first_day: i64,
    open: Vec<bool>,
}

impl Calendar {
    /// Precomputes days `[from_day, to_day)`; days outside still work, just slower.
    pub(crate) fn new(from_day: i64, to_day: i64) -> Self {
        let open = (from_day..to_day).map(Self::compute_open).collect();
        Calendar { first_day: from_day, open }
    }

    fn compute_open(day: i64) -> bool {
        weekday(day) < 5 && !is_holiday(day)
    }

    /// True when the office is open at all on this local day number.
    pub(crate) fn is_open_day(&self, day: i64) -> bool {
        let i = day - self.first_day;
        if i >= 0 && (i as usize) < self.open.len() {
            self.open[i as usize]
        } else {
            Self::compute_open(day)
        }
    }

    /// True when the UTC instant falls inside office hours.
    pub(crate) fn is_office_hours(&self, utc: i64) -> bool {
        let l = to_local(utc);
        let s = l.rem_euclid(DAY);
        self.is_open_day(l.div_euclid(DAY)) && (OPEN..CLOSE).contains(&s)
    }

    /// The instant `secs` business seconds after `utc`. Counting happens on the
    /// local wall clock, so a DST night never adds or loses business time; a
    /// start outside office hours begins counting at the next opening.
    pub(crate) fn add_business(&self, utc: i64, secs: i64) -> i64 {
        if secs <= 0 {
            return utc;
        }
        let mut left = secs;
        let l = to_local(utc);
        let mut day = l.div_euclid(DAY);
        let mut sod = l.rem_euclid(DAY);
        loop {
            if self.is_open_day(day) {
                let start = sod.max(OPEN);
                if start < CLOSE {
                    let avail = CLOSE - start;
                    if left <= avail {
                        return local_to_utc(day * DAY + start + left);
                    }
                    left -= avail;
                }
            }
            day += 1;
            sod = 0;
        }
    }

    /// Business seconds inside `[a, b)`; 0 when `b <= a`.
    pub(crate) fn business_secs(&self, a: i64, b: i64) -> i64 {
        if b <= a {
            return 0;
        }
        let (la, lb) = (to_local(a), to_local(b));
        let mut total = 0;
        for day in la.div_euclid(DAY)..=lb.div_euclid(DAY) {
            if !self.is_open_day(day) {
                continue;
            }
            let lo = la.max(day * DAY + OPEN);
            let hi = lb.min(day * DAY + CLOSE);
            if hi > lo {
                total += hi - lo;
            }
        }
        total
    }
}
