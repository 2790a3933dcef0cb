//! Business time: opening hours in a time zone minus Swedish public holidays, closed eves
//! and configured closures (DESIGN §4), with business-seconds arithmetic between UTC
//! instants that is exact across daylight saving, year ends and closed days.
//!
//! Owns: holiday rules, calendar configuration (`[calendars.NAME]`), and the per-year
//! cumulative index that answers [`Calendar::business_seconds`] and
//! [`Calendar::add_business_seconds`] with a direct day lookup, not by stepping.
//! Must not: touch the database, files or the clock; it is pure and used by compute (e.g.
//! a DuckDB scalar function) and by tests directly.
//!
//! Layout: `holidays` (which dates, what names), `spec` (TOML shape and validation),
//! `rules` (what one local date is), `index` (local hours to UTC, prefix sums).
//!
//! Coverage is the local years 1900–2100; instants outside count as closed, so sums stay
//! additive and a deadline that would fall past 2100 saturates (see
//! [`Calendar::checked_add_business_seconds`]). Instants are counted in whole seconds
//! (sub-second parts are truncated).

mod holidays;
mod index;
mod rules;
mod spec;

#[cfg(test)]
mod tests_props;
#[cfg(test)]
mod tests_vectors;

use std::sync::OnceLock;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;

pub use holidays::easter_sunday;
pub use spec::{CalendarError, CalendarSpec, Holidays, ShortDaySpec, WeekHours};

use index::{local_day_start, YearIndex};
use rules::Rules;

/// First local year a calendar covers.
pub const FIRST_YEAR: i32 = 1900;
/// Last local year a calendar covers.
pub const LAST_YEAR: i32 = 2100;

const YEARS: usize = (LAST_YEAR - FIRST_YEAR + 1) as usize;

/// Why a date is in a calendar's list of closed days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClosedKind {
    /// A public holiday by law (with `holidays = "se"`).
    PublicHoliday,
    /// A de-facto closed eve: Midsummer Eve, Christmas Eve or New Year's Eve.
    Eve,
    /// A date in the calendar's `closed` list.
    Configured,
    /// Open, but closing early: a configured short day or a day before a public holiday.
    ShortDay {
        /// Local closing time that day.
        close: NaiveTime,
    },
}

/// A closed or shortened day, as `itsm calendar holidays` lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClosedDay {
    /// The local date.
    pub date: NaiveDate,
    /// Swedish name, e.g. "Midsommardagen".
    pub name_sv: &'static str,
    /// English name, e.g. "Midsummer Day".
    pub name_en: &'static str,
    /// Why it is listed.
    pub kind: ClosedKind,
}

/// The first instant whose local date in `tz` is `date` (midnight, or the end of a
/// daylight-saving jump across midnight), in UTC.
pub fn local_day_start_utc(tz: Tz, date: NaiveDate) -> DateTime<Utc> {
    to_utc(local_day_start(tz, date))
}

/// A business calendar ready for arithmetic. Built once from a [`CalendarSpec`]; each
/// year's index is built on first use and then shared, so a `Calendar` is cheap to create,
/// `Send + Sync`, and meant to be shared (e.g. in an `Arc`) across threads.
pub struct Calendar {
    rules: Rules,
    /// UTC second at which each local year FIRST_YEAR..=LAST_YEAR+1 starts.
    year_starts: Vec<i64>,
    /// Per-year indexes, built lazily: most work touches a few years out of the 201.
    years: Vec<OnceLock<YearIndex>>,
}

impl std::fmt::Debug for Calendar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let built = self.years.iter().filter(|y| y.get().is_some()).count();
        f.debug_struct("Calendar").field("timezone", &self.rules.tz).field("years_built", &built).finish()
    }
}

impl Calendar {
    /// Validates `spec` and prepares the calendar.
    pub fn new(spec: &CalendarSpec) -> Result<Calendar, CalendarError> {
        let rules = spec.to_rules()?;
        let year_starts = (FIRST_YEAR..=LAST_YEAR + 1)
            .map(|y| local_day_start(rules.tz, NaiveDate::from_ymd_opt(y, 1, 1).expect("supported year")))
            .collect();
        let years = (0..YEARS).map(|_| OnceLock::new()).collect();
        Ok(Calendar { rules, year_starts, years })
    }

    /// The zone in which the opening hours are read (for parsing and printing local times).
    pub fn timezone(&self) -> Tz {
        self.rules.tz
    }

    /// Business seconds in `[a, b)`: the time inside opening hours; 0 when `b <= a`.
    pub fn business_seconds(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
        let (a, b) = (self.clamp(a), self.clamp(b));
        if b <= a {
            return 0;
        }
        let (ya, yb) = (self.year_of(a), self.year_of(b));
        if ya == yb {
            let year = self.year(ya);
            return year.elapsed(b) - year.elapsed(a);
        }
        let first = self.year(ya);
        let whole: i64 = (ya + 1..yb).map(|y| self.year(y).total()).sum();
        first.total() - first.elapsed(a) + whole + self.year(yb).elapsed(b)
    }

    /// [`business_seconds`](Self::business_seconds) in minutes, fractions kept.
    pub fn business_minutes(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> f64 {
        self.business_seconds(a, b) as f64 / 60.0
    }

    /// The earliest instant `t >= a` with `business_seconds(a, t) == s`: the deadline of a
    /// target of `s` business seconds started at `a`. Returns `a` for `s <= 0`. A deadline
    /// past the end of 2100 saturates to the end of the covered range.
    pub fn add_business_seconds(&self, a: DateTime<Utc>, s: i64) -> DateTime<Utc> {
        self.checked_add_business_seconds(a, s).unwrap_or_else(|| to_utc(self.year_starts[YEARS]))
    }

    /// As [`add_business_seconds`](Self::add_business_seconds), but `None` when the deadline
    /// would fall after the covered years.
    pub fn checked_add_business_seconds(&self, a: DateTime<Utc>, s: i64) -> Option<DateTime<Utc>> {
        if s <= 0 {
            return Some(a);
        }
        let t = self.clamp(a);
        let y = self.year_of(t);
        let year = self.year(y);
        let before = year.elapsed(t);
        if year.total() - before >= s {
            return Some(to_utc(year.locate(before + s)));
        }
        let mut rest = s - (year.total() - before);
        for y in y + 1..YEARS {
            let year = self.year(y);
            if year.total() >= rest {
                return Some(to_utc(year.locate(rest)));
            }
            rest -= year.total();
        }
        None
    }

    /// [`add_business_seconds`](Self::add_business_seconds) with a target in minutes.
    pub fn add_business_minutes(&self, a: DateTime<Utc>, minutes: i64) -> DateTime<Utc> {
        self.add_business_seconds(a, minutes.saturating_mul(60))
    }

    /// The closed and shortened days of local `year`, in date order: public holidays,
    /// closed eves, configured closures and short days (with their closing time). Weekends
    /// are not listed. Two holidays on one date (Ascension on May Day in 2008) give two
    /// entries. Empty outside [`FIRST_YEAR`]..=[`LAST_YEAR`].
    pub fn closed_days(&self, year: i32) -> Vec<ClosedDay> {
        if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
            return Vec::new();
        }
        let days = self.rules.year_days(year);
        let jan1 = NaiveDate::from_ymd_opt(year, 1, 1).expect("supported year");
        let mut list = Vec::new();
        for date in jan1.iter_days().take_while(|d| chrono::Datelike::year(d) == year) {
            self.rules.listed(date, &days, &mut list);
        }
        list
    }

    /// The open spans of local `year` as UTC `[from, to)` instants in time order, none empty;
    /// empty outside [`FIRST_YEAR`]..=[`LAST_YEAR`]. This is what a calendar table in SQL
    /// is made of: business seconds before `t` are the lengths of the spans before it plus
    /// the part of the span holding it.
    pub fn open_spans(&self, year: i32) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
            return Vec::new();
        }
        self.year((year - FIRST_YEAR) as usize).spans().iter().map(|&(a, b)| (to_utc(a), to_utc(b))).collect()
    }

    /// Whole UTC seconds of `t`, clamped to the covered range.
    fn clamp(&self, t: DateTime<Utc>) -> i64 {
        t.timestamp().clamp(self.year_starts[0], self.year_starts[YEARS])
    }

    /// Position of the local year holding UTC second `t` (the range's end belongs to the last).
    fn year_of(&self, t: i64) -> usize {
        self.year_starts.partition_point(|&s| s <= t).saturating_sub(1).min(YEARS - 1)
    }

    /// The index of year position `i`, built on first use.
    fn year(&self, i: usize) -> &YearIndex {
        self.years[i].get_or_init(|| {
            YearIndex::build(&self.rules, FIRST_YEAR + i as i32, self.year_starts[i], self.year_starts[i + 1])
        })
    }
}

/// UTC second to an instant; every second the calendar produces is inside chrono's range.
fn to_utc(t: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(t, 0).expect("instant within chrono's range")
}
