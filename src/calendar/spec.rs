//! The calendar as configured: `[calendars.NAME]` in `itsm.toml`, read with serde, and its
//! validation into [`Rules`] with errors a user can act on.
//!
//! Owns: the TOML shape, the defaults, and parsing of times, ranges and dates.
//! Must not: compute holidays or business time, or read files (config.rs reads the file).

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::rules::{Rules, DAY_SECONDS};
use super::{FIRST_YEAR, LAST_YEAR};

/// Why a calendar spec was rejected. Each variant names the offending field and value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// `timezone` is not an IANA zone name known to chrono-tz.
    #[error("timezone: unknown time zone '{zone}' (expected an IANA name such as Europe/Stockholm)")]
    UnknownZone {
        /// The value given.
        zone: String,
    },
    /// An opening-hours value is not a list of ascending, non-overlapping `HH:MM-HH:MM` ranges.
    #[error("{field}: bad opening hours '{value}': {reason}")]
    BadTimeRange {
        /// Where it was found, e.g. `hours.mon`.
        field: String,
        /// The value given.
        value: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A closing time is not `HH:MM` between 00:00 and 23:59.
    #[error("{field}: bad time '{value}' (expected HH:MM between 00:00 and 23:59)")]
    BadTime {
        /// Where it was found, e.g. `short_days[0].close`.
        field: String,
        /// The value given.
        value: String,
    },
    /// A date is not `YYYY-MM-DD`, or lies outside the years the calendar covers.
    #[error("{field}: bad date '{value}': {reason}")]
    BadDate {
        /// Where it was found, e.g. `closed[2]`.
        field: String,
        /// The value given.
        value: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// No weekday has opening hours, so no deadline could ever be reached.
    #[error("hours: the calendar is closed on every weekday; give at least one day opening hours")]
    NoOpeningHours,
}

/// Which public holidays close the calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Holidays {
    /// Swedish public holidays (`"se"`).
    #[default]
    #[serde(rename = "se")]
    Sweden,
    /// No public holidays (`"none"`), e.g. for a 24x7 service.
    #[serde(rename = "none")]
    None,
}

/// Opening hours per weekday, local wall-clock time. A missing or empty day is closed;
/// `"00:00-24:00"` is all day; several ranges are comma-separated (`"08:00-12:00,13:00-17:00"`).
/// Ranges cannot cross midnight: give the two days their own parts.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeekHours {
    /// Monday.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mon: Option<String>,
    /// Tuesday.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tue: Option<String>,
    /// Wednesday.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wed: Option<String>,
    /// Thursday.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thu: Option<String>,
    /// Friday.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fri: Option<String>,
    /// Saturday.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sat: Option<String>,
    /// Sunday.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sun: Option<String>,
}

impl WeekHours {
    /// Monday–Friday with the same hours, weekend closed.
    pub fn weekdays(range: &str) -> Self {
        let day = Some(range.to_string());
        WeekHours {
            mon: day.clone(),
            tue: day.clone(),
            wed: day.clone(),
            thu: day.clone(),
            fri: day,
            ..Self::default()
        }
    }

    /// Every day with the same hours.
    pub fn every_day(range: &str) -> Self {
        let day = Some(range.to_string());
        WeekHours { sat: day.clone(), sun: day.clone(), ..Self::weekdays(range) }
    }

    /// The days Monday first, with their field names for error messages.
    fn days(&self) -> [(&'static str, &Option<String>); 7] {
        [
            ("mon", &self.mon),
            ("tue", &self.tue),
            ("wed", &self.wed),
            ("thu", &self.thu),
            ("fri", &self.fri),
            ("sat", &self.sat),
            ("sun", &self.sun),
        ]
    }
}

/// A configured short day: open as usual but closing early.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShortDaySpec {
    /// The date, `YYYY-MM-DD`.
    pub date: String,
    /// Closing time that day, `HH:MM` local.
    pub close: String,
}

/// One named calendar (`[calendars.NAME]` in `itsm.toml`). Missing keys take the values of
/// [`CalendarSpec::default`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CalendarSpec {
    /// IANA time zone in which the opening hours are read.
    pub timezone: String,
    /// Weekly opening hours; when given, days it leaves out are closed.
    pub hours: WeekHours,
    /// Public holidays that close the calendar.
    pub holidays: Holidays,
    /// Close on Midsummer Eve, Christmas Eve and New Year's Eve.
    pub closed_eves: bool,
    /// Extra closed dates, `YYYY-MM-DD`.
    pub closed: Vec<String>,
    /// Days that close early.
    pub short_days: Vec<ShortDaySpec>,
    /// Close at this time (`HH:MM`) on a working day whose next day is a public holiday.
    pub close_before_holiday: Option<String>,
}

impl Default for CalendarSpec {
    /// The office: Monday–Friday 08:00–17:00 Europe/Stockholm, Swedish holidays, eves closed.
    fn default() -> Self {
        CalendarSpec {
            timezone: "Europe/Stockholm".into(),
            hours: WeekHours::weekdays("08:00-17:00"),
            holidays: Holidays::Sweden,
            closed_eves: true,
            closed: Vec::new(),
            short_days: Vec::new(),
            close_before_holiday: None,
        }
    }
}

impl CalendarSpec {
    /// Open around the clock every day of the year, no holidays (e.g. Infrastructure on call).
    pub fn always_open() -> Self {
        CalendarSpec {
            hours: WeekHours::every_day("00:00-24:00"),
            holidays: Holidays::None,
            closed_eves: false,
            ..Self::default()
        }
    }

    /// Checks every field without building the calendar, so configuration can be rejected
    /// at load time with the field that is wrong.
    pub fn validate(&self) -> Result<(), CalendarError> {
        self.to_rules().map(|_| ())
    }

    /// Parses and checks every field into the form the calendar computes with.
    pub(crate) fn to_rules(&self) -> Result<Rules, CalendarError> {
        let tz: Tz = self.timezone.parse().map_err(|_| CalendarError::UnknownZone { zone: self.timezone.clone() })?;
        let mut week: [Vec<(u32, u32)>; 7] = Default::default();
        for (slot, (name, value)) in week.iter_mut().zip(self.hours.days()) {
            if let Some(value) = value {
                *slot = parse_ranges(&format!("hours.{name}"), value)?;
            }
        }
        if week.iter().all(Vec::is_empty) {
            return Err(CalendarError::NoOpeningHours);
        }
        let closed: BTreeSet<NaiveDate> = self
            .closed
            .iter()
            .enumerate()
            .map(|(i, value)| parse_date(&format!("closed[{i}]"), value))
            .collect::<Result<_, _>>()?;
        let mut short = BTreeMap::new();
        for (i, day) in self.short_days.iter().enumerate() {
            let date = parse_date(&format!("short_days[{i}].date"), &day.date)?;
            let close = parse_close(&format!("short_days[{i}].close"), &day.close)?;
            // The same date listed twice: the earlier closing wins, as the stricter reading.
            let entry = short.entry(date).or_insert(close);
            *entry = (*entry).min(close);
        }
        let close_before_holiday =
            self.close_before_holiday.as_deref().map(|v| parse_close("close_before_holiday", v)).transpose()?;
        Ok(Rules {
            tz,
            week,
            swedish: self.holidays == Holidays::Sweden,
            eves: self.closed_eves,
            closed,
            short,
            close_before_holiday,
        })
    }
}

/// `HH:MM` as seconds since midnight; `24:00` only where `end_of_day` allows it.
fn parse_hhmm(value: &str, end_of_day: bool) -> Option<u32> {
    let (h, m) = value.trim().split_once(':')?;
    let digits = |s: &str| !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(h) || m.len() != 2 || !digits(m) {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    match (h, m) {
        (24, 0) if end_of_day => Some(DAY_SECONDS),
        (0..=23, 0..=59) => Some(h * 3600 + m * 60),
        _ => None,
    }
}

/// A day's opening hours: comma-separated `HH:MM-HH:MM`, ascending, not overlapping.
fn parse_ranges(field: &str, value: &str) -> Result<Vec<(u32, u32)>, CalendarError> {
    let bad = |reason| CalendarError::BadTimeRange { field: field.into(), value: value.into(), reason };
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    for part in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (from, to) = part.split_once('-').ok_or_else(|| bad("expected HH:MM-HH:MM"))?;
        let from = parse_hhmm(from, false).ok_or_else(|| bad("start must be HH:MM between 00:00 and 23:59"))?;
        let to = parse_hhmm(to, true).ok_or_else(|| bad("end must be HH:MM between 00:01 and 24:00"))?;
        if to <= from {
            return Err(bad("a range must end after it starts and cannot cross midnight"));
        }
        if ranges.last().is_some_and(|&(_, prev_end)| from < prev_end) {
            return Err(bad("ranges must be in time order and must not overlap"));
        }
        // Touching ranges (08:00-12:00,12:00-17:00) are one open stretch.
        match ranges.last_mut() {
            Some(last) if last.1 == from => last.1 = to,
            _ => ranges.push((from, to)),
        }
    }
    Ok(ranges)
}

/// A closing time, `HH:MM` from 00:00 to 23:59.
fn parse_close(field: &str, value: &str) -> Result<u32, CalendarError> {
    parse_hhmm(value, false).ok_or_else(|| CalendarError::BadTime { field: field.into(), value: value.into() })
}

/// A `YYYY-MM-DD` date inside the covered years.
fn parse_date(field: &str, value: &str) -> Result<NaiveDate, CalendarError> {
    let bad = |reason| CalendarError::BadDate { field: field.into(), value: value.into(), reason };
    let date = NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").map_err(|_| bad("expected YYYY-MM-DD"))?;
    if !(FIRST_YEAR..=LAST_YEAR).contains(&chrono::Datelike::year(&date)) {
        return Err(bad("the calendar covers the years 1900–2100"));
    }
    Ok(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(toml_text: &str) -> CalendarSpec {
        toml::from_str(toml_text).expect("valid TOML")
    }

    #[test]
    fn an_empty_table_is_the_office_default() {
        assert_eq!(spec(""), CalendarSpec::default());
        let rules = CalendarSpec::default().to_rules().unwrap();
        assert_eq!(rules.week[0], vec![(8 * 3600, 17 * 3600)]);
        assert!(rules.week[5].is_empty() && rules.week[6].is_empty());
        assert!(rules.swedish && rules.eves);
    }

    #[test]
    fn the_documented_example_parses() {
        let s = spec(
            r#"
            timezone = "Europe/Stockholm"
            hours = { mon = "08:00-12:00,13:00-17:00", sat = "00:00-24:00" }
            holidays = "none"
            closed_eves = false
            closed = ["2026-05-15"]
            short_days = [{ date = "2026-04-30", close = "13:00" }]
            close_before_holiday = "13:00"
            "#,
        );
        let rules = s.to_rules().unwrap();
        assert_eq!(rules.week[0], vec![(8 * 3600, 12 * 3600), (13 * 3600, 17 * 3600)]);
        assert!(rules.week[1].is_empty(), "a day left out of hours is closed");
        assert_eq!(rules.week[5], vec![(0, DAY_SECONDS)]);
        assert!(!rules.swedish && !rules.eves);
        assert_eq!(rules.short.values().copied().collect::<Vec<_>>(), vec![13 * 3600]);
        assert_eq!(rules.close_before_holiday, Some(13 * 3600));
    }

    #[test]
    fn unknown_keys_are_rejected() {
        assert!(toml::from_str::<CalendarSpec>("hours = { monday = \"08:00-17:00\" }").is_err());
        assert!(toml::from_str::<CalendarSpec>("holidays = \"us\"").is_err());
        assert!(toml::from_str::<CalendarSpec>("timezon = \"UTC\"").is_err());
    }

    #[test]
    fn bad_values_name_the_field() {
        let with = |f: fn(&mut CalendarSpec)| {
            let mut s = CalendarSpec::default();
            f(&mut s);
            s.validate().unwrap_err()
        };
        let e = with(|s| s.timezone = "Europe/Stokholm".into());
        assert!(matches!(e, CalendarError::UnknownZone { .. }), "{e}");
        for bad in ["17:00-08:00", "08:00", "8-17", "08:00-25:00", "24:00-24:00", "08:00-12:00,11:00-17:00"] {
            let mut s = CalendarSpec::default();
            s.hours.tue = Some(bad.into());
            let e = s.validate().unwrap_err();
            assert!(matches!(&e, CalendarError::BadTimeRange { field, .. } if field == "hours.tue"), "{bad}: {e}");
        }
        let e = with(|s| s.closed = vec!["2026-02-30".into()]);
        assert_eq!(e.to_string(), "closed[0]: bad date '2026-02-30': expected YYYY-MM-DD");
        let e = with(|s| s.closed = vec!["2026-01-01".into(), "1850-01-01".into()]);
        assert!(matches!(&e, CalendarError::BadDate { field, .. } if field == "closed[1]"), "{e}");
        let e = with(|s| s.short_days = vec![ShortDaySpec { date: "2026-04-30".into(), close: "24:00".into() }]);
        assert!(matches!(&e, CalendarError::BadTime { field, .. } if field == "short_days[0].close"), "{e}");
        let e = with(|s| s.close_before_holiday = Some("1pm".into()));
        assert!(matches!(e, CalendarError::BadTime { .. }), "{e}");
        let e = with(|s| s.hours = WeekHours::default());
        assert_eq!(e, CalendarError::NoOpeningHours);
    }

    #[test]
    fn touching_ranges_merge_and_always_open_is_all_day() {
        assert_eq!(parse_ranges("f", "08:00-12:00, 12:00-17:00").unwrap(), vec![(8 * 3600, 17 * 3600)]);
        assert_eq!(parse_ranges("f", "").unwrap(), vec![]);
        let rules = CalendarSpec::always_open().to_rules().unwrap();
        assert!(rules.week.iter().all(|d| d == &vec![(0, DAY_SECONDS)]));
        assert!(!rules.swedish && !rules.eves);
    }
}
