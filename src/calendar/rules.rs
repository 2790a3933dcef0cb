//! A validated calendar and what it says about one local date: closed, shortened, or open
//! on its weekday's hours.
//!
//! Owns: the precedence between holidays, eves, configured closures and short days.
//! Must not: deal with UTC instants or daylight saving (index.rs maps local hours to
//! instants), or parse configuration (spec.rs does).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Days, NaiveDate, NaiveTime};
use chrono_tz::Tz;

use super::holidays::{self, Holiday};
use super::{ClosedDay, ClosedKind};

/// Seconds in a wall-clock day; opening hours are seconds since local midnight in [0, this].
pub(crate) const DAY_SECONDS: u32 = 86_400;

/// A calendar spec after validation: everything parsed, nothing left to fail.
#[derive(Debug, Clone)]
pub(crate) struct Rules {
    /// Zone in which the hours below are read.
    pub(crate) tz: Tz,
    /// Opening ranges per weekday, Monday first, as seconds since local midnight;
    /// ascending, non-overlapping, non-touching.
    pub(crate) week: [Vec<(u32, u32)>; 7],
    /// Swedish public holidays close the calendar.
    pub(crate) swedish: bool,
    /// The three de-facto closed eves close the calendar.
    pub(crate) eves: bool,
    /// Configured extra closed dates.
    pub(crate) closed: BTreeSet<NaiveDate>,
    /// Configured short days and their closing time (seconds since local midnight).
    pub(crate) short: BTreeMap<NaiveDate, u32>,
    /// Closing time on a working day before a public holiday.
    pub(crate) close_before_holiday: Option<u32>,
}

/// The holidays that matter for the days of one year, computed once per year rather than
/// once per day.
pub(crate) struct YearDays {
    /// Public holidays of the year and of the next one (31 December looks at 1 January).
    public: Vec<Holiday>,
    /// The closed eves of the year (empty when eves are open).
    eves: Vec<Holiday>,
}

impl Rules {
    /// The holiday lists the days of `year` are judged against.
    pub(crate) fn year_days(&self, year: i32) -> YearDays {
        let public = if self.swedish {
            let mut list = holidays::public_holidays(year);
            list.extend(holidays::public_holidays(year + 1));
            list
        } else {
            Vec::new()
        };
        let eves = if self.eves { holidays::closed_eves(year) } else { Vec::new() };
        YearDays { public, eves }
    }

    /// What is special about `date`, if anything: closed for a reason, or closing early.
    ///
    /// Precedence, strongest first: public holiday, closed eve, configured closure, short
    /// day. A configured short day and `close_before_holiday` on the same date give the
    /// earlier closing time. The day-before rule only fires on days with opening hours, so
    /// the holiday listing does not show weekends as short days.
    pub(crate) fn special(&self, date: NaiveDate, days: &YearDays) -> Option<ClosedDay> {
        let found = |list: &[Holiday]| list.iter().find(|h| h.date == date).copied();
        if let Some(h) = found(&days.public).or_else(|| found(&days.eves)) {
            let kind = if h.eve { ClosedKind::Eve } else { ClosedKind::PublicHoliday };
            return Some(ClosedDay { date, name_sv: h.sv, name_en: h.en, kind });
        }
        if self.closed.contains(&date) {
            return Some(ClosedDay { date, name_sv: "Stängt", name_en: "Closed", kind: ClosedKind::Configured });
        }
        let configured = self.short.get(&date).map(|&close| (close, "Kort dag", "Short day"));
        let before_holiday = self
            .close_before_holiday
            .filter(|_| !self.weekday_hours(date).is_empty())
            .filter(|_| {
                date.checked_add_days(Days::new(1)).is_some_and(|next| days.public.iter().any(|h| h.date == next))
            })
            .map(|close| (close, "Dag före helgdag", "Day before a public holiday"));
        let (close, sv, en) = match (configured, before_holiday) {
            (Some(c), Some(b)) if b.0 < c.0 => b,
            (Some(c), _) => c,
            (None, Some(b)) => b,
            (None, None) => return None,
        };
        let close = NaiveTime::from_num_seconds_from_midnight_opt(close, 0).expect("close times are below 24:00");
        Some(ClosedDay { date, name_sv: sv, name_en: en, kind: ClosedKind::ShortDay { close } })
    }

    /// Appends what the holiday listing shows for `date`: every holiday or eve on it (two
    /// holidays can share a date, e.g. Ascension on May Day 2008), else its [`special`]
    /// status, if any.
    ///
    /// [`special`]: Rules::special
    pub(crate) fn listed(&self, date: NaiveDate, days: &YearDays, out: &mut Vec<ClosedDay>) {
        let before = out.len();
        for h in days.public.iter().chain(&days.eves).filter(|h| h.date == date) {
            let kind = if h.eve { ClosedKind::Eve } else { ClosedKind::PublicHoliday };
            out.push(ClosedDay { date, name_sv: h.sv, name_en: h.en, kind });
        }
        if out.len() == before {
            out.extend(self.special(date, days));
        }
    }

    /// The weekly hours of `date`'s weekday, ignoring holidays.
    pub(crate) fn weekday_hours(&self, date: NaiveDate) -> &[(u32, u32)] {
        &self.week[date.weekday().num_days_from_monday() as usize]
    }

    /// The opening ranges of `date` in local seconds since midnight, appended to `out`.
    pub(crate) fn open_ranges(&self, date: NaiveDate, days: &YearDays, out: &mut Vec<(u32, u32)>) {
        let hours = self.weekday_hours(date);
        match self.special(date, days).map(|d| d.kind) {
            Some(ClosedKind::PublicHoliday | ClosedKind::Eve | ClosedKind::Configured) => {}
            Some(ClosedKind::ShortDay { close }) => {
                let close = chrono::Timelike::num_seconds_from_midnight(&close);
                out.extend(hours.iter().filter(|r| r.0 < close).map(|&(from, to)| (from, to.min(close))));
            }
            None => out.extend_from_slice(hours),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{CalendarSpec, ShortDaySpec};

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn ranges(rules: &Rules, d: &str) -> Vec<(u32, u32)> {
        let d = date(d);
        let mut out = Vec::new();
        rules.open_ranges(d, &rules.year_days(d.year()), &mut out);
        out
    }

    const H: u32 = 3600;

    #[test]
    fn office_days() {
        let rules = CalendarSpec::default().to_rules().unwrap();
        assert_eq!(ranges(&rules, "2026-04-02"), vec![(8 * H, 17 * H)], "Maundy Thursday is a working day");
        assert_eq!(ranges(&rules, "2026-04-03"), vec![], "Good Friday");
        assert_eq!(ranges(&rules, "2026-06-19"), vec![], "Midsummer Eve");
        assert_eq!(ranges(&rules, "2026-12-31"), vec![], "New Year's Eve");
        assert_eq!(ranges(&rules, "2026-10-03"), vec![], "Saturday");
    }

    #[test]
    fn short_days_and_the_day_before_a_holiday() {
        let mut spec = CalendarSpec {
            hours: crate::calendar::WeekHours::weekdays("08:00-12:00,13:00-17:00"),
            closed_eves: false,
            close_before_holiday: Some("14:00".into()),
            ..CalendarSpec::default()
        };
        spec.short_days = vec![
            ShortDaySpec { date: "2026-04-02".into(), close: "11:00".into() },
            ShortDaySpec { date: "2026-03-12".into(), close: "15:00".into() },
        ];
        spec.closed = vec!["2026-04-30".into()];
        let rules = spec.to_rules().unwrap();
        assert_eq!(ranges(&rules, "2026-03-12"), vec![(8 * H, 12 * H), (13 * H, 15 * H)]);
        assert_eq!(ranges(&rules, "2026-04-02"), vec![(8 * H, 11 * H)], "configured 11:00 beats 14:00");
        assert_eq!(ranges(&rules, "2026-05-13"), vec![(8 * H, 12 * H), (13 * H, 14 * H)], "before Ascension");
        assert_eq!(ranges(&rules, "2026-04-30"), vec![], "configured closure beats the day-before rule");
        assert_eq!(ranges(&rules, "2026-12-31"), vec![(8 * H, 12 * H), (13 * H, 14 * H)], "eve open, before 1 Jan");
        let listed = rules.special(date("2026-01-05"), &rules.year_days(2026)).unwrap();
        assert_eq!(listed.kind, ClosedKind::ShortDay { close: NaiveTime::from_hms_opt(14, 0, 0).unwrap() });
        assert_eq!(
            rules.special(date("2026-06-05"), &rules.year_days(2026)).map(|d| d.name_en),
            Some("Day before a public holiday")
        );
        assert_eq!(
            rules.special(date("2026-10-30"), &rules.year_days(2026)).map(|d| d.name_en),
            Some("Day before a public holiday")
        );
        assert!(rules.special(date("2027-06-05"), &rules.year_days(2027)).is_none(), "a Saturday has no hours");
    }
}
