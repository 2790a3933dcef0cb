//! One spreadsheet cell as the text a CSV export of it would hold: dates and times as local
//! `YYYY-MM-DD HH:MM:SS` (Excel serials in the 1900 or 1904 system, ISO texts of ODS files),
//! durations as `H:MM:SS`, numbers with a decimal point, no exponent and Excel's 15
//! significant digits, booleans as `true`/`false`, error cells as their Excel text (`#N/A`,
//! which the row mapper then refuses as a value). It knows nothing of
//! sheets, headers or rows (the parent module's job).

use std::fmt::Write as _;

use calamine::{Data, ExcelDateTime};
use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Timelike};

/// Significant digits a float cell is shown with (Excel's display precision).
const FLOAT_DIGITS: usize = 15;

/// True when `cell_text(cell)` is empty, without building the text, or the cell is an
/// error cell: a row of blanks and errors only (formulas filled down past the data) is no
/// row, as a blank one is not.
pub(super) fn is_blank(cell: &Data) -> bool {
    match cell {
        Data::Empty | Data::Error(_) => true,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.trim().is_empty(),
        Data::Int(_) | Data::Float(_) | Data::Bool(_) | Data::DateTime(_) => false,
    }
}

/// `cell_text` for a cell the caller owns: a string cell's text is moved, not copied.
pub(super) fn take_text(cell: Data) -> String {
    match cell {
        Data::String(s) if s.trim().len() == s.len() => s,
        other => cell_text(&other),
    }
}

/// Turns one cell into the text the CSV mapper would see.
///
/// - strings: trimmed;
/// - integers: `3`; floats: decimal point, no exponent, no trailing zeros (`1.5`, `90`), shown
///   to 15 significant digits as Excel does (so float noise such as `0.30000000000000004`
///   reads `0.3`);
/// - booleans: `true` / `false`;
/// - date-time cells: local `YYYY-MM-DD HH:MM:SS`, no offset (rounded to the second; a date
///   without a time reads `YYYY-MM-DD 00:00:00`); a time-of-day cell (serial below 1) and a
///   duration cell read `HH:MM:SS`, hours running past 24 for durations (`36:00:00`);
/// - ISO 8601 date cells (ods, and xlsx `t="d"` cells): `YYYY-MM-DD HH:MM:SS` when they hold
///   a date or a date-time without an offset, `HH:MM:SS` for a time, else the text unchanged;
///   ISO durations (`PT8H30M`, ods time cells) `HH:MM:SS`;
/// - error cells: Excel's text of the error (`#N/A`, `#DIV/0!`), as a CSV export of the
///   sheet holds it, so the row mapper names it in its warning or rejection instead of the
///   cell vanishing as empty;
/// - empty cells: empty text.
pub fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::Error(e) => e.to_string(),
        Data::String(s) => s.trim().to_owned(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => float_text(*f),
        Data::Bool(b) => if *b { "true" } else { "false" }.to_owned(),
        Data::DateTime(dt) => excel_datetime_text(dt),
        Data::DateTimeIso(s) => iso_datetime_text(s.trim()),
        Data::DurationIso(s) => {
            let s = s.trim();
            iso_duration_seconds(s).map_or_else(|| s.to_owned(), duration_text)
        }
    }
}

fn float_text(v: f64) -> String {
    if v == 0.0 {
        return "0".into(); // also -0.0
    }
    if v.fract() == 0.0 && v.abs() < 1e15 {
        return (v as i64).to_string();
    }
    // `Display` for f64 never uses an exponent and gives the shortest text that reads back.
    let shortest = v.to_string();
    if !v.is_finite() || significant_digits(&shortest) <= FLOAT_DIGITS {
        return shortest;
    }
    let rounded: f64 = format!("{v:.prec$e}", prec = FLOAT_DIGITS - 1).parse().unwrap_or(v);
    if rounded.fract() == 0.0 && rounded.abs() < 1e15 {
        return (rounded as i64).to_string();
    }
    rounded.to_string()
}

/// Digits of a plain decimal text, leading zeros excluded.
fn significant_digits(s: &str) -> usize {
    let digits = s.bytes().filter(u8::is_ascii_digit);
    digits.skip_while(|&d| d == b'0').count()
}

fn excel_datetime_text(dt: &ExcelDateTime) -> String {
    let serial = dt.as_f64();
    if dt.is_duration() || (0.0..1.0).contains(&serial) {
        return duration_text(serial * 86_400.0);
    }
    let (y, mo, d, h, mi, s, ms) = dt.to_ymd_hms_milli();
    let exact = NaiveDate::from_ymd_opt(i32::from(y), u32::from(mo), u32::from(d))
        .and_then(|date| date.and_hms_opt(u32::from(h), u32::from(mi), u32::from(s)));
    match exact {
        Some(t) => datetime_text(if ms >= 500 { t + TimeDelta::seconds(1) } else { t }),
        // 1900-02-29, the day Excel's 1900 system has and the calendar does not.
        None => format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}"),
    }
}

fn datetime_text(t: NaiveDateTime) -> String {
    let mut out = String::with_capacity(19);
    let _ = write!(
        out,
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
    out
}

/// `HH:MM:SS` (hours past 24 allowed, `-` for negative) from seconds, rounded to the second.
fn duration_text(seconds: f64) -> String {
    let total = seconds.round() as i64;
    let sign = if total < 0 { "-" } else { "" };
    let total = total.unsigned_abs();
    format!("{sign}{:02}:{:02}:{:02}", total / 3600, total / 60 % 60, total % 60)
}

fn iso_datetime_text(s: &str) -> String {
    let round = |t: NaiveDateTime| if t.nanosecond() >= 500_000_000 { t + TimeDelta::seconds(1) } else { t };
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, fmt) {
            return datetime_text(round(t));
        }
    }
    if let Ok(date) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return datetime_text(date.and_time(NaiveTime::MIN));
    }
    if let Ok(time) = NaiveTime::parse_from_str(s, "%H:%M:%S%.f") {
        return duration_text(f64::from(time.num_seconds_from_midnight()) + f64::from(time.nanosecond()) / 1e9);
    }
    // With an offset or in another form: the mapper reads ISO 8601 with offsets itself.
    s.to_owned()
}

/// Seconds of an ISO 8601 duration such as `PT08H30M00S`, `-PT1H` or `P1DT2H`; `None` for
/// other texts and for years or months (no fixed length).
fn iso_duration_seconds(s: &str) -> Option<f64> {
    let (sign, rest) = match s.strip_prefix('-') {
        Some(rest) => (-1.0, rest),
        None => (1.0, s),
    };
    let mut rest = rest.strip_prefix('P')?;
    let mut in_time = false;
    let mut total = 0.0;
    let mut any = false;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('T') {
            in_time = true;
            rest = r;
            continue;
        }
        let n = rest.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))?;
        let value: f64 = rest[..n].replace(',', ".").parse().ok()?;
        let unit = match (rest[n..].chars().next()?, in_time) {
            ('W', false) => 7.0 * 86_400.0,
            ('D', false) => 86_400.0,
            ('H', true) => 3600.0,
            ('M', true) => 60.0,
            ('S', true) => 1.0,
            _ => return None,
        };
        total += value * unit;
        any = true;
        rest = &rest[n + 1..];
    }
    any.then_some(sign * total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{CellErrorType, ExcelDateTimeType};

    fn s(text: &str) -> Data {
        Data::String(text.into())
    }

    fn dt(serial: f64) -> Data {
        Data::DateTime(ExcelDateTime::new(serial, ExcelDateTimeType::DateTime, false))
    }

    #[test]
    fn cell_texts() {
        assert_eq!(cell_text(&Data::Empty), "");
        assert_eq!(cell_text(&Data::Error(CellErrorType::NA)), "#N/A");
        assert_eq!(cell_text(&Data::Error(CellErrorType::Div0)), "#DIV/0!");
        assert!(is_blank(&Data::Error(CellErrorType::Ref)), "a row of error cells only is no row");
        assert_eq!(cell_text(&s("  Kävlinge \n")), "Kävlinge");
        assert_eq!(cell_text(&Data::Int(3)), "3");
        assert_eq!(cell_text(&Data::Int(-42)), "-42");
        assert_eq!(cell_text(&Data::Bool(true)), "true");
        assert_eq!(cell_text(&Data::Bool(false)), "false");
        for (v, want) in [
            (1.5, "1.5"),
            (90.0, "90"),
            (12.50, "12.5"),
            (-0.0, "0"),
            (0.1 + 0.2, "0.3"),
            (1e20, "100000000000000000000"),
            (1.0e-7, "0.0000001"),
            (-3.25, "-3.25"),
            (46300.3333333333, "46300.3333333333"),
        ] {
            assert_eq!(cell_text(&Data::Float(v)), want, "{v:?}");
        }
    }

    #[test]
    fn date_and_time_cell_texts() {
        assert_eq!(cell_text(&dt(46300.0)), "2026-10-05 00:00:00");
        assert_eq!(cell_text(&dt(46300.3333333333)), "2026-10-05 08:00:00"); // 15 digits, as files hold it
        assert_eq!(cell_text(&dt(46300.5 + 0.6 / 86_400.0)), "2026-10-05 12:00:01"); // rounded to the second
        assert_eq!(cell_text(&dt(46_300.999_999_999)), "2026-10-06 00:00:00");
        assert_eq!(cell_text(&dt(60.0)), "1900-02-29 00:00:00"); // Excel's phantom day
        assert_eq!(cell_text(&dt(0.75)), "18:00:00"); // a time of day
        let dur = Data::DateTime(ExcelDateTime::new(1.5, ExcelDateTimeType::TimeDelta, false));
        assert_eq!(cell_text(&dur), "36:00:00");
        let mac = Data::DateTime(ExcelDateTime::new(45000.25, ExcelDateTimeType::DateTime, true));
        assert_eq!(cell_text(&mac), "2027-03-16 06:00:00"); // 1904 system: 1462 days later than 1900
        assert_eq!(cell_text(&Data::DateTimeIso("2026-10-05T08:00:00".into())), "2026-10-05 08:00:00");
        assert_eq!(cell_text(&Data::DateTimeIso("2026-10-05T08:00:00.6".into())), "2026-10-05 08:00:01");
        assert_eq!(cell_text(&Data::DateTimeIso("2026-10-05".into())), "2026-10-05 00:00:00");
        assert_eq!(cell_text(&Data::DateTimeIso("08:30:00".into())), "08:30:00");
        assert_eq!(cell_text(&Data::DateTimeIso("2026-10-05T08:00:00+02:00".into())), "2026-10-05T08:00:00+02:00");
        assert_eq!(cell_text(&Data::DurationIso("PT08H30M00S".into())), "08:30:00");
        assert_eq!(cell_text(&Data::DurationIso("P1DT2H".into())), "26:00:00");
        assert_eq!(cell_text(&Data::DurationIso("-PT1M30.4S".into())), "-00:01:30");
        assert_eq!(cell_text(&Data::DurationIso("P1Y".into())), "P1Y");
    }
}
