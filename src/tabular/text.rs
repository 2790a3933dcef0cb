//! Cell values as text: instants in the forms exports use, numbers with decimal commas,
//! booleans in Swedish and English. Each parser returns `Ok(None)` for an empty cell and a
//! [`ValueError`] (whose text is the reason stored with a rejected row) for a value it
//! cannot read.
//!
//! Must not: know columns, profiles or files; callers add where the value came from.

use chrono::{Datelike, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone};
use chrono_tz::Tz;

/// Why a cell's text is not a value of the kind asked for. The message quotes the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    /// No known date or date-time form matches.
    #[error("unparseable date '{0}'")]
    Date(String),
    /// Not a number in any accepted form.
    #[error("not a number: '{0}'")]
    Number(String),
    /// A decimal with more fraction digits than the scale keeps (never rounded).
    #[error("'{value}' has more than {scale} decimals")]
    TooManyDecimals {
        /// The text.
        value: String,
        /// Decimals allowed.
        scale: u32,
    },
    /// A count that is negative, fractional or too large.
    #[error("not a non-negative whole number: '{0}'")]
    Count(String),
    /// Not a yes/no word.
    #[error("not a yes/no value: '{0}'")]
    Bool(String),
    /// A plain number that would be an Excel serial day outside [`FIRST_SERIAL`]–
    /// [`LAST_SERIAL`] (1970-01-01 to 2199-12-31): in a date column that is a count, a bare
    /// year or a shifted column far more often than a date (`3` is 1900-01-02, `2026` is
    /// 1905-07-18), and loading it would stretch every month series back to 1900.
    #[error(
        "date '{value}' is a number, which as an Excel serial day is {day}; serial days are read \
         only from {FIRST_SERIAL} (1970-01-01) to {LAST_SERIAL} (2199-12-31)"
    )]
    ImplausibleSerial {
        /// The text.
        value: String,
        /// The day it would be (`YYYY-MM-DD`).
        day: String,
    },
    /// A date that reads, but outside the years a ticket can have (1900–2199): `0001-01-01`
    /// or `9999-12-31` are placeholders or typing errors, and they would stretch every
    /// month series from the first to the last month.
    #[error("date '{0}' is outside the years {FIRST_YEAR}–{LAST_YEAR}")]
    OutOfRange(String),
}

/// The first year a date may have (older dates are placeholders or typing errors).
pub const FIRST_YEAR: i32 = 1900;
/// The last year a date may have.
pub const LAST_YEAR: i32 = 2199;

/// A local time [`DateReader::parse_noted`] read, but not as plainly as it reads: its text
/// (naming the value, the zone and what was done) is the warning ingest stores with the row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateNote {
    /// In the daylight-saving gap (never happened): shifted forward by the gap.
    Gap(String),
    /// In the repeated hour (happened twice): the first occurrence taken.
    Repeated(String),
}

impl std::fmt::Display for DateNote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DateNote::Gap(text) | DateNote::Repeated(text) => f.write_str(text),
        }
    }
}

/// The first Excel serial day a plain number in a date column is read as: 1970-01-01. No
/// service desk export holds tickets older than that, while small numbers (counts, bare
/// years, a column shifted by one) are common. A workbook's date cells are not read here:
/// they reach ingest as date text (tabular::workbook::cell), so any day of theirs is kept.
pub const FIRST_SERIAL: u32 = 25_569;
/// The last Excel serial day read as a date: 2199-12-31 (the last day of [`LAST_YEAR`]).
pub const LAST_SERIAL: u32 = 109_574;

/// Reads timestamps into microseconds since the Unix epoch, UTC.
#[derive(Debug, Clone)]
pub struct DateReader {
    tz: Tz,
    day_first: bool,
    formats: Vec<String>,
    excel: bool,
}

impl DateReader {
    /// `tz` is the zone of timestamps without an offset; `formats` are extra chrono formats.
    pub fn new(tz: Tz, day_first: bool, formats: Vec<String>, excel: bool) -> DateReader {
        DateReader { tz, day_first, formats, excel }
    }

    /// Parses one cell. Forms: `2026-10-03 14:05[:07[.123]]`, `2026-10-03T14:05:07+02:00`
    /// (or `Z`), `2026-10-03`, `3/10/2026 14:05` (day first per profile), `3.10.2026`,
    /// `2026/10/03`, Excel serial days (`45933.5`, only [`FIRST_SERIAL`]–[`LAST_SERIAL`],
    /// 1970–2199), then the profile's extra formats. A form that reads a date outside
    /// [`FIRST_YEAR`]–[`LAST_YEAR`] does not end the search: the next forms are tried, and
    /// the range error is given only when none reads the text within the years (a profile's
    /// `%d.%m.%y` reads `05.10.26`, which the built-in dotted form reads as the year 26).
    ///
    /// Times without an offset are read in the profile's zone; an ambiguous local time (the
    /// repeated hour when clocks go back) is read as the earlier instant, and
    /// [`DateReader::parse_noted`] says so.
    ///
    /// A local time inside the daylight-saving gap (02:30 on the night clocks go forward)
    /// never happened; it is read with the offset in force before the gap, i.e. shifted
    /// forward by the gap (02:30 → 03:30 CEST), as the tools that write such exports do.
    /// [`DateReader::parse_noted`] says when that happened.
    pub fn parse(&self, cell: &str) -> Result<Option<i64>, ValueError> {
        self.parse_noted(cell).map(|(t, _)| t)
    }

    /// Like [`DateReader::parse`], with a note when the value had to be adjusted (a local
    /// time in the daylight-saving gap) or was one of two instants (a local time in the
    /// repeated hour when clocks go back).
    pub fn parse_noted(&self, cell: &str) -> Result<(Option<i64>, Option<DateNote>), ValueError> {
        let s = cell.trim();
        if s.is_empty() {
            return Ok((None, None));
        }
        // Every form is checked against the year range before any arithmetic on it (a day
        // subtracted from chrono's last date would overflow).
        let in_range = |naive: NaiveDateTime| {
            if (FIRST_YEAR..=LAST_YEAR).contains(&naive.year()) {
                Ok(naive)
            } else {
                Err(ValueError::OutOfRange(s.to_string()))
            }
        };
        let some = |(t, note): (i64, Option<DateNote>)| (Some(t), note);
        // A form that reads the text but outside the years is remembered, not returned: a
        // later form may read it within them (`05.10.26` is year 26 to the built-in dotted
        // form and 2026 to a profile's `%d.%m.%y`; chrono's `%Y` takes two digits too). Its
        // error is given only when no form reads a date within the years.
        let mut refused = None;
        if let Some((naive, offset)) = parse_iso(s).or_else(|| parse_numeric_date(s, self.day_first)) {
            match in_range(naive) {
                Ok(naive) => {
                    return match offset {
                        Some(secs) => {
                            Ok((Some(naive.and_utc().timestamp_micros() - i64::from(secs) * 1_000_000), None))
                        }
                        None => Ok(some(self.local(naive, s))),
                    }
                }
                Err(e) => refused = Some(e),
            }
        }
        if self.excel {
            match parse_excel_serial(s) {
                Some(Serial::Day(naive)) => return Ok(some(self.local(in_range(naive)?, s))),
                Some(Serial::Implausible(day)) => {
                    refused = refused.or(Some(ValueError::ImplausibleSerial { value: s.to_string(), day }))
                }
                None => {}
            }
        }
        for f in &self.formats {
            if let Ok(dt) = chrono::DateTime::parse_from_str(s, f) {
                match in_range(dt.naive_utc()) {
                    Ok(_) => return Ok((Some(dt.timestamp_micros()), None)),
                    Err(e) => refused = refused.or(Some(e)),
                }
            } else if let Ok(naive) = NaiveDateTime::parse_from_str(s, f) {
                match in_range(naive) {
                    Ok(naive) => return Ok(some(self.local(naive, s))),
                    Err(e) => refused = refused.or(Some(e)),
                }
            } else if let Ok(date) = NaiveDate::parse_from_str(s, f) {
                match in_range(date.and_time(NaiveTime::MIN)) {
                    Ok(naive) => return Ok(some(self.local(naive, s))),
                    Err(e) => refused = refused.or(Some(e)),
                }
            }
        }
        Err(refused.unwrap_or_else(|| ValueError::Date(s.to_string())))
    }

    fn local(&self, naive: NaiveDateTime, s: &str) -> (i64, Option<DateNote>) {
        match self.tz.from_local_datetime(&naive) {
            LocalResult::Single(t) => (t.timestamp_micros(), None),
            // The repeated hour: the text cannot say which of the two it means. The first is
            // taken, read with the offset in force before the clocks go back, the same rule
            // as for the gap (the offset before the change) and the reading earlier loads
            // stored, so a re-ingest moves nothing; the note makes the guess visible.
            LocalResult::Ambiguous(first, second) => {
                let note = format!(
                    "local time '{s}' occurs twice in {} (the hour repeated when clocks go back); read as the \
                     first occurrence, in summer time ({}), not the second ({})",
                    self.tz.name(),
                    first.offset().fix(),
                    second.offset().fix()
                );
                (first.timestamp_micros(), Some(DateNote::Repeated(note)))
            }
            LocalResult::None => {
                // The offset in force a day earlier is the one before the gap.
                let before = naive - chrono::Duration::days(1);
                let offset = match self.tz.from_local_datetime(&before) {
                    LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.offset().fix().local_minus_utc(),
                    LocalResult::None => self.tz.offset_from_utc_datetime(&before).fix().local_minus_utc(),
                };
                let utc = naive.and_utc().timestamp_micros() - i64::from(offset) * 1_000_000;
                let after = self.tz.offset_from_utc_datetime(&naive).fix().local_minus_utc();
                let note = format!(
                    "local time '{s}' does not exist in {} (daylight-saving gap); shifted forward by the gap ({} min)",
                    self.tz.name(),
                    (after - offset).abs() / 60
                );
                (utc, Some(DateNote::Gap(note)))
            }
        }
    }
}

/// The value of a run of ASCII digits; `None` when empty, not all digits, or beyond `u32`
/// (a long run of digits is not a day, month or year).
fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    b.iter().try_fold(0u32, |n, d| n.checked_mul(10)?.checked_add(u32::from(d - b'0')))
}

/// `YYYY-MM-DD[(T| )HH:MM[:SS[.f]]][ ][Z|±HH[:MM]]` -> (naive, offset seconds east of UTC).
fn parse_iso(s: &str) -> Option<(NaiveDateTime, Option<i32>)> {
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(digits(&b[0..4])? as i32, digits(&b[5..7])?, digits(&b[8..10])?)?;
    let (time, rest) = if b.len() == 10 {
        (NaiveTime::MIN, &b[10..])
    } else {
        parse_time(&b[11..]).filter(|_| matches!(b[10], b'T' | b' '))?
    };
    let rest = rest.strip_prefix(b" ").unwrap_or(rest);
    let offset = match rest {
        [] => None,
        [b'Z'] | b"UTC" => Some(0),
        [sign @ (b'+' | b'-'), tail @ ..] => {
            let (h, m) = match tail {
                [h1, h2] => (digits(&[*h1, *h2])?, 0),
                [h1, h2, b':', m1, m2] | [h1, h2, m1, m2] => (digits(&[*h1, *h2])?, digits(&[*m1, *m2])?),
                _ => return None,
            };
            let secs = (h * 3600 + m * 60) as i32;
            Some(if *sign == b'-' { -secs } else { secs })
        }
        _ => return None,
    };
    Some((date.and_time(time), offset))
}

/// `H:MM[:SS[.fff]]` at the start of `b`; returns the time and what follows it.
fn parse_time(b: &[u8]) -> Option<(NaiveTime, &[u8])> {
    let colon = b.iter().position(|&c| c == b':')?;
    if colon == 0 || colon > 2 || b.len() < colon + 3 {
        return None;
    }
    let h = digits(&b[..colon])?;
    let m = digits(&b[colon + 1..colon + 3])?;
    let mut rest = &b[colon + 3..];
    let mut sec = 0;
    let mut micros = 0;
    if let [b':', s1, s2, tail @ ..] = rest {
        sec = digits(&[*s1, *s2])?;
        rest = tail;
        if let [b'.' | b',', tail @ ..] = rest {
            let n = tail.iter().take_while(|c| c.is_ascii_digit()).count();
            let frac = &tail[..n.min(6)];
            micros = digits(frac)? * 10u32.pow(6 - frac.len() as u32);
            rest = &tail[n..];
        }
    }
    Some((NaiveTime::from_hms_micro_opt(h, m, sec, micros)?, rest))
}

/// `D/M/YYYY`, `M/D/YYYY`, `D.M.YYYY`, `YYYY/MM/DD`, each with an optional ` H:MM[:SS]`.
fn parse_numeric_date(s: &str, day_first: bool) -> Option<(NaiveDateTime, Option<i32>)> {
    let (date_part, time_part) = match s.split_once(' ') {
        Some((d, t)) => (d, Some(t.trim())),
        None => (s, None),
    };
    let sep = if date_part.contains('/') {
        '/'
    } else if date_part.contains('.') {
        '.'
    } else {
        return None;
    };
    let parts: Vec<&str> = date_part.split(sep).collect();
    let [a, b, c] = parts.as_slice() else { return None };
    let (a, b, c) = (digits(a.as_bytes())?, digits(b.as_bytes())?, digits(c.as_bytes())?);
    let (y, m, d) = if a > 31 {
        (a, b, c)
    } else if sep == '.' || day_first {
        (c, b, a)
    } else {
        (c, a, b)
    };
    let date = NaiveDate::from_ymd_opt(y as i32, m, d)?;
    let time = match time_part {
        None => NaiveTime::MIN,
        Some(t) => match parse_time(t.as_bytes())? {
            (time, []) => time,
            _ => return None,
        },
    };
    Some((date.and_time(time), None))
}

/// What a plain number reads as in Excel's serial days.
enum Serial {
    /// A day in [`FIRST_SERIAL`]..=[`LAST_SERIAL`], with the time of its fraction.
    Day(NaiveDateTime),
    /// A day of Excel's range outside the window (`YYYY-MM-DD`): refused unless a profile's
    /// format reads the text.
    Implausible(String),
}

/// Excel serial days since 1899-12-30 (the 1900 system), with a fraction for the time.
/// `None` when the text is no plain number, or one that is no day of Excel's (below 1 or
/// past 9999-12-31).
fn parse_excel_serial(s: &str) -> Option<Serial> {
    let v = parse_plain_number(s)?;
    if !(1.0..2_958_466.0).contains(&v) {
        return None;
    }
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?.and_time(NaiveTime::MIN);
    let millis = (v * 86_400_000.0).round() as i64;
    // Excel shows times to the second; round away float noise of the fraction.
    let secs = (millis + 500) / 1000;
    let t = base.checked_add_signed(chrono::Duration::seconds(secs))?;
    // Whole days compared (the day of 109 574.99 is still 2199-12-31).
    let day = (t.date() - base.date()).num_days();
    Some(if (i64::from(FIRST_SERIAL)..=i64::from(LAST_SERIAL)).contains(&day) {
        Serial::Day(t)
    } else {
        Serial::Implausible(t.format("%Y-%m-%d").to_string())
    })
}

fn parse_plain_number(s: &str) -> Option<f64> {
    if s.is_empty() || !s.bytes().all(|c| c.is_ascii_digit() || c == b'.' || c == b',') {
        return None;
    }
    s.replace(',', ".").parse().ok()
}

/// A number's text with group separators removed and `.` as the decimal point.
fn plain_number(s: &str) -> String {
    let mut t: String = s.chars().filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\'')).collect();
    let comma = t.rfind(',');
    let dot = t.rfind('.');
    match (comma, dot) {
        (Some(c), Some(d)) if c > d => t = t.replace('.', "").replace(',', "."),
        (Some(_), Some(_)) => t = t.replace(',', ""),
        (Some(_), None) => t = t.replace(',', "."),
        _ => {}
    }
    t
}

/// Reads a number: `12.5`, `12,5`, `1 234,5`, `1,234.5`, `1.234,5`, `-3`.
pub fn parse_number(cell: &str) -> Result<Option<f64>, ValueError> {
    let s = cell.trim();
    if s.is_empty() {
        return Ok(None);
    }
    match plain_number(s).parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        _ => Err(ValueError::Number(s.to_string())),
    }
}

/// Reads an amount exactly, in the forms `parse_number` takes, as a whole number of
/// 10^-`scale` units (`12 500,50` at scale 4 = 125 005 000). More decimals than `scale`
/// is an error, never a rounding: money stays exact from the file to the database.
pub fn parse_decimal(cell: &str, scale: u32) -> Result<Option<i128>, ValueError> {
    let s = cell.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let t = plain_number(s);
    let (negative, digits) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(&t)),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !all_digits(whole) || !all_digits(fraction) || whole.len() > 20 {
        return Err(ValueError::Number(s.to_string()));
    }
    if fraction.len() > scale as usize {
        return Err(ValueError::TooManyDecimals { value: s.to_string(), scale });
    }
    let padded = format!("{whole}{fraction:0<width$}", width = scale as usize);
    let value: i128 = padded.parse().map_err(|_| ValueError::Number(s.to_string()))?;
    Ok(Some(if negative { -value } else { value }))
}

/// Reads a whole number (a count); decimals are an error.
pub fn parse_count(cell: &str) -> Result<Option<i32>, ValueError> {
    match parse_number(cell)? {
        None => Ok(None),
        Some(v) if v.fract() == 0.0 && (0.0..=f64::from(i32::MAX)).contains(&v) => Ok(Some(v as i32)),
        Some(_) => Err(ValueError::Count(cell.trim().to_string())),
    }
}

/// Reads a boolean: true/false, yes/no, ja/nej, sant/falskt, y/n, j/n, x/empty mark, 1/0.
pub fn parse_bool(cell: &str) -> Result<Option<bool>, ValueError> {
    let s = cell.trim();
    if s.is_empty() {
        return Ok(None);
    }
    match s.to_lowercase().as_str() {
        "true" | "yes" | "y" | "ja" | "j" | "sant" | "x" | "1" | "t" => Ok(Some(true)),
        "false" | "no" | "n" | "nej" | "falskt" | "0" | "f" | "-" => Ok(Some(false)),
        _ => Err(ValueError::Bool(s.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader(day_first: bool) -> DateReader {
        DateReader::new(chrono_tz::Europe::Stockholm, day_first, vec!["%d %b %Y %H:%M".into()], true)
    }

    fn utc(s: &str) -> i64 {
        chrono::DateTime::parse_from_rfc3339(s).unwrap().timestamp_micros()
    }

    #[test]
    fn iso_forms_with_and_without_offset() {
        let r = reader(true);
        assert_eq!(r.parse("2026-10-03 14:05").unwrap(), Some(utc("2026-10-03T12:05:00Z")));
        assert_eq!(r.parse("2026-10-03T14:05:07+02:00").unwrap(), Some(utc("2026-10-03T12:05:07Z")));
        assert_eq!(r.parse("2026-01-03T14:05:07Z").unwrap(), Some(utc("2026-01-03T14:05:07Z")));
        assert_eq!(r.parse("2026-01-03 14:05:07.250").unwrap(), Some(utc("2026-01-03T13:05:07.25Z")));
        assert_eq!(r.parse("2026-01-03").unwrap(), Some(utc("2026-01-02T23:00:00Z")));
        assert_eq!(r.parse("  ").unwrap(), None);
    }

    #[test]
    fn day_first_and_month_first() {
        assert_eq!(reader(true).parse("3/10/2026 14:05").unwrap(), Some(utc("2026-10-03T12:05:00Z")));
        assert_eq!(reader(false).parse("3/10/2026 14:05").unwrap(), Some(utc("2026-03-10T13:05:00Z")));
        assert_eq!(reader(false).parse("3.10.2026").unwrap(), Some(utc("2026-10-02T22:00:00Z")));
        assert_eq!(reader(true).parse("03 Oct 2026 14:05").unwrap(), Some(utc("2026-10-03T12:05:00Z")));
    }

    #[test]
    fn excel_serials_are_local_days() {
        // 45933 = 2025-10-03 in Excel's 1900 system; .5 = noon local.
        assert_eq!(reader(true).parse("45933.5").unwrap(), Some(utc("2025-10-03T10:00:00Z")));
        assert_eq!(reader(true).parse("45933,25").unwrap(), Some(utc("2025-10-03T04:00:00Z")));
    }

    #[test]
    fn daylight_saving_gap_and_overlap() {
        let r = reader(true);
        // 02:30 never happened on 2026-03-29: read as 03:30 CEST (01:30 UTC), with a note.
        let (t, note) = r.parse_noted("2026-03-29 02:30").unwrap();
        assert_eq!(t, Some(utc("2026-03-29T01:30:00Z")));
        assert!(matches!(&note, Some(DateNote::Gap(_))), "{note:?}");
        assert!(note.unwrap().to_string().ends_with("shifted forward by the gap (60 min)"));
        assert_eq!(r.parse_noted("2026-03-29 03:30").unwrap(), (Some(utc("2026-03-29T01:30:00Z")), None));
        // 02:30 happens twice on 2026-10-25; the earlier (summer time, +02:00) is taken.
        assert_eq!(r.parse("2026-10-25 02:30").unwrap(), Some(utc("2026-10-25T00:30:00Z")));
    }

    #[test]
    fn a_time_in_the_repeated_autumn_hour_is_read_as_the_first_occurrence_with_a_note() {
        let r = reader(true);
        // 02:30 happens twice on 2026-10-25 in Stockholm: at 00:30 UTC (+02:00) and 01:30 UTC.
        let (t, note) = r.parse_noted("2026-10-25 02:30").unwrap();
        assert_eq!(t, Some(utc("2026-10-25T00:30:00Z")));
        assert_eq!(
            note,
            Some(DateNote::Repeated(
                "local time '2026-10-25 02:30' occurs twice in Europe/Stockholm (the hour repeated when clocks go \
                 back); read as the first occurrence, in summer time (+02:00), not the second (+01:00)"
                    .into()
            ))
        );
        // The same through a day-first form and a profile format; the hours around it are plain.
        assert!(matches!(r.parse_noted("25/10/2026 02:59").unwrap().1, Some(DateNote::Repeated(_))));
        assert!(matches!(r.parse_noted("25 Oct 2026 02:00").unwrap().1, Some(DateNote::Repeated(_))));
        assert_eq!(r.parse_noted("2026-10-25 01:59").unwrap(), (Some(utc("2026-10-24T23:59:00Z")), None));
        assert_eq!(r.parse_noted("2026-10-25 03:00").unwrap(), (Some(utc("2026-10-25T02:00:00Z")), None));
        // With an offset the instant is exact: nothing to note.
        assert_eq!(r.parse_noted("2026-10-25T02:30:00+01:00").unwrap(), (Some(utc("2026-10-25T01:30:00Z")), None));
    }

    #[test]
    fn two_digit_years_of_the_profile_s_formats_are_read_though_a_built_in_form_reads_the_year_26() {
        let formats = ["%d.%m.%y %H:%M", "%m/%d/%y %H:%M", "%y-%m-%d %H:%M"].map(String::from).to_vec();
        let r = DateReader::new(chrono_tz::Europe::Stockholm, true, formats, true);
        // The dotted and the slashed built-in forms read these as the year 26 (out of range).
        assert_eq!(r.parse("05.10.26 08:12").unwrap(), Some(utc("2026-10-05T06:12:00Z")));
        assert_eq!(r.parse("10/5/26 08:12").unwrap(), Some(utc("2026-10-05T06:12:00Z")));
        assert_eq!(r.parse("26-10-05 08:12").unwrap(), Some(utc("2026-10-05T06:12:00Z")));
        // chrono's `%Y` takes two digits as the year 26 too: a later `%y` format still gets its turn.
        let both = ["%d-%m-%Y %H:%M", "%d-%m-%y %H:%M"].map(String::from).to_vec();
        let r2 = DateReader::new(chrono_tz::Europe::Stockholm, true, both, true);
        assert_eq!(r2.parse("05-10-26 08:12").unwrap(), Some(utc("2026-10-05T06:12:00Z")));
        // When no form reads it within the years, the range error stays the answer.
        assert_eq!(r.parse("05.10.0026 08:12"), Err(ValueError::OutOfRange("05.10.0026 08:12".into())));
        assert_eq!(reader(true).parse("05.10.26 08:12"), Err(ValueError::OutOfRange("05.10.26 08:12".into())));
    }

    #[test]
    fn small_numbers_and_bare_years_are_no_excel_serial_days() {
        let r = reader(true);
        for (value, day) in
            [("3", "1900-01-02"), ("1", "1899-12-31"), ("2026", "1905-07-18"), ("25568.5", "1969-12-31")]
        {
            assert_eq!(
                r.parse(value),
                Err(ValueError::ImplausibleSerial { value: value.into(), day: day.into() }),
                "{value}"
            );
        }
        assert_eq!(
            r.parse("2026").unwrap_err().to_string(),
            "date '2026' is a number, which as an Excel serial day is 1905-07-18; serial days are read only from \
             25569 (1970-01-01) to 109574 (2199-12-31)"
        );
        // The window's ends are read, and past it nothing is.
        assert_eq!(r.parse("25569").unwrap(), Some(utc("1969-12-31T23:00:00Z")));
        assert_eq!(r.parse("109574.5").unwrap(), Some(utc("2199-12-31T11:00:00Z")));
        assert!(matches!(r.parse("109575"), Err(ValueError::ImplausibleSerial { .. })));
        // A profile format that reads the number wins over the refusal.
        let ymd = DateReader::new(chrono_tz::Europe::Stockholm, true, vec!["%y%m%d".into()], true);
        assert_eq!(ymd.parse("261005").unwrap(), Some(utc("2026-10-04T22:00:00Z")));
        // Without serial dates a number is no date at all, as before.
        let plain = DateReader::new(chrono_tz::Europe::Stockholm, true, Vec::new(), false);
        assert_eq!(plain.parse("3"), Err(ValueError::Date("3".into())));
    }

    #[test]
    fn bad_dates_are_errors() {
        let r = reader(true);
        for bad in ["2026-13-01 10:00", "2026-02-30", "igår", "2026-10-03 25:00", "31/31/2026"] {
            assert!(r.parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn dates_outside_1900_to_2199_are_refused_not_loaded() {
        let r = reader(true);
        for bad in ["0001-01-01T00:00:00+00:00", "9999-12-31 23:59:59", "1899-12-31", "2200-01-01", "31.12.9999"] {
            assert_eq!(r.parse(bad), Err(ValueError::OutOfRange(bad.to_string())), "{bad}");
        }
        assert_eq!(r.parse("1900-01-01T00:00:00Z").unwrap(), Some(utc("1900-01-01T00:00:00Z")));
        assert_eq!(r.parse("2199-12-31T23:59:59Z").unwrap(), Some(utc("2199-12-31T23:59:59Z")));
        // The profile's own formats are checked too.
        let custom = DateReader::new(chrono_tz::Europe::Stockholm, true, vec!["%Y|%m|%d".into()], true);
        assert_eq!(custom.parse("3000|01|01"), Err(ValueError::OutOfRange("3000|01|01".into())));
        assert_eq!(custom.parse("2026|01|01").unwrap(), Some(utc("2025-12-31T23:00:00Z")));
    }

    #[test]
    fn long_digit_runs_are_not_dates_and_do_not_overflow() {
        // Eleven digits of a day overflowed u32 (a panic in a debug build, a wrong day in release).
        assert!(reader(true).parse("99999999999/1/2026").is_err());
        assert!(reader(false).parse("1/99999999999/2026").is_err());
        assert!(reader(true).parse("2026-10-03 99999999999:00").is_err());
    }

    #[test]
    fn numbers_with_decimal_commas() {
        assert_eq!(parse_number("12,5").unwrap(), Some(12.5));
        assert_eq!(parse_number("1 234,5").unwrap(), Some(1234.5));
        assert_eq!(parse_number("1.234,5").unwrap(), Some(1234.5));
        assert_eq!(parse_number("1,234.5").unwrap(), Some(1234.5));
        assert_eq!(parse_number("-3").unwrap(), Some(-3.0));
        assert!(parse_number("tolv").is_err());
        assert_eq!(parse_count("2").unwrap(), Some(2));
        assert!(parse_count("2,5").is_err());
    }

    #[test]
    fn booleans_in_two_languages() {
        assert_eq!(parse_bool("Ja").unwrap(), Some(true));
        assert_eq!(parse_bool("nej").unwrap(), Some(false));
        assert_eq!(parse_bool("").unwrap(), None);
        assert!(parse_bool("kanske").is_err());
    }

    #[test]
    fn decimals_are_read_exactly_or_refused() {
        assert_eq!(parse_decimal("12 500,50", 4).unwrap(), Some(125_005_000));
        assert_eq!(parse_decimal("1,234.5", 2).unwrap(), Some(123_450));
        assert_eq!(parse_decimal("0.1", 4).unwrap(), Some(1_000));
        assert_eq!(parse_decimal("-3", 2).unwrap(), Some(-300));
        assert_eq!(parse_decimal(",5", 2).unwrap(), Some(50));
        assert_eq!(parse_decimal(" ", 2).unwrap(), None);
        assert!(parse_decimal("0.12345", 4).unwrap_err().to_string().contains("more than 4 decimals"));
        assert!(parse_decimal("1e3", 4).unwrap_err().to_string().contains("not a number"));
        assert!(parse_decimal("-", 4).unwrap_err().to_string().contains("not a number"));
    }
}
