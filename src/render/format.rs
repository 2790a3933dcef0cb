//! Numbers, deltas, months, instants and HTML escaping in a report's language.
//!
//! Owns how a report writes a figure: decimal and thousands separators, units, signs, month
//! names and local times, in Swedish or English. It is pure: no database, no file I/O and no
//! clock. The caller passes every value, time zone and language.

use chrono::{DateTime, Datelike, Timelike, Utc};
use chrono_tz::Tz;

/// Written in place of a value that is not a finite number (NaN or infinite): an en dash.
pub const MISSING: &str = "\u{2013}";

/// NO-BREAK SPACE: the thousands separator in Swedish and the space between a number and its unit.
const NBSP: char = '\u{a0}';

/// A report language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    /// Swedish.
    Sv,
    /// English.
    En,
}

impl Lang {
    /// The language with the ISO 639-1 code `"sv"` or `"en"`; any other text is `None`.
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "sv" => Some(Lang::Sv),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The ISO 639-1 code of the language: `"sv"` or `"en"`.
    pub fn code(self) -> &'static str {
        self.pick("sv", "en")
    }

    /// `sv` in Swedish, `en` in English.
    pub fn pick<'a>(self, sv: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Sv => sv,
            Lang::En => en,
        }
    }
}

/// The closed set of number formats a template may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NumberFormat {
    /// A share given as a fraction (0.875), written as a percentage with one decimal.
    Percent,
    /// A count, rounded half away from zero to a whole number.
    Integer,
    /// A plain number with two decimals.
    Decimal,
    /// A duration given in hours, written with one decimal and `h`.
    Hours,
    /// A duration given in minutes, rounded to whole minutes and written with `min`.
    Minutes,
    /// An amount in Swedish kronor with two decimals.
    Currency,
}

impl NumberFormat {
    /// How many decimals are written, and the factor the value is multiplied by first.
    fn precision(self) -> (usize, f64) {
        match self {
            NumberFormat::Percent => (1, 100.0),
            NumberFormat::Integer | NumberFormat::Minutes => (0, 1.0),
            NumberFormat::Hours => (1, 1.0),
            NumberFormat::Decimal | NumberFormat::Currency => (2, 1.0),
        }
    }
}

/// A value rounded for display: its sign and its grouped digits without a sign.
struct Rounded {
    negative: bool,
    zero: bool,
    digits: String,
}

/// Rounds `value` half away from zero to `decimals` places and writes its magnitude with the
/// language's separators; `None` when the value (or the scaled value) is not finite.
fn round(value: f64, decimals: usize, lang: Lang) -> Option<Rounded> {
    let scaled = (value * 10f64.powi(decimals as i32)).round();
    if !scaled.is_finite() {
        return None;
    }
    // `scaled` is a whole number, so `{:.0}` gives its exact digits, however large.
    let all = format!("{:0>width$.0}", scaled.abs(), width = decimals + 1);
    let (int, frac) = all.split_at(all.len() - decimals);
    let (group, point) = match lang {
        Lang::Sv => (NBSP, ','),
        Lang::En => (',', '.'),
    };
    let mut digits = String::with_capacity(all.len() + all.len() / 3 + 1);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            digits.push(group);
        }
        digits.push(c);
    }
    if decimals > 0 {
        digits.push(point);
        digits.push_str(frac);
    }
    Some(Rounded { negative: scaled < 0.0, zero: scaled == 0.0, digits })
}

/// The minus sign: U+2212 in Swedish, a hyphen-minus in English.
fn minus(lang: Lang) -> &'static str {
    lang.pick("\u{2212}", "-")
}

/// Puts the sign and the unit of `format` around already rounded digits.
fn with_unit(format: NumberFormat, lang: Lang, sign: &str, digits: &str) -> String {
    match (format, lang) {
        (NumberFormat::Percent, Lang::Sv) => format!("{sign}{digits}{NBSP}%"),
        (NumberFormat::Percent, Lang::En) => format!("{sign}{digits}%"),
        (NumberFormat::Integer | NumberFormat::Decimal, _) => format!("{sign}{digits}"),
        (NumberFormat::Hours, _) => format!("{sign}{digits}{NBSP}h"),
        (NumberFormat::Minutes, _) => format!("{sign}{digits}{NBSP}min"),
        (NumberFormat::Currency, Lang::Sv) => format!("{sign}{digits}{NBSP}kr"),
        (NumberFormat::Currency, Lang::En) => format!("{sign}SEK{NBSP}{digits}"),
    }
}

/// Writes `value` in `format` for `lang` ("87,5 %" / "87.5%" for 0.875 as a percentage); a value
/// that is not finite is written as [`MISSING`]. The space before a unit is a no-break space.
pub fn format_number(value: f64, format: NumberFormat, lang: Lang) -> String {
    let (decimals, factor) = format.precision();
    match round(value * factor, decimals, lang) {
        Some(r) => with_unit(format, lang, if r.negative { minus(lang) } else { "" }, &r.digits),
        None => MISSING.to_string(),
    }
}

/// Writes a change in a value of `format` with its sign ("+12", "−1,5 h"); a percentage delta is
/// in percentage points ("+2,1 p.e." / "+2.1 pp" for 0.021). A delta that rounds to zero is "±0",
/// one that is not finite is [`MISSING`].
pub fn format_delta(delta: f64, format: NumberFormat, lang: Lang) -> String {
    let (decimals, factor) = format.precision();
    let Some(r) = round(delta * factor, decimals, lang) else {
        return MISSING.to_string();
    };
    if r.zero {
        return "\u{b1}0".to_string();
    }
    let sign = if r.negative { minus(lang) } else { "+" };
    match format {
        NumberFormat::Percent => format!("{sign}{}{NBSP}{}", r.digits, lang.pick("p.e.", "pp")),
        _ => with_unit(format, lang, sign, &r.digits),
    }
}

const MONTHS_SV: [&str; 12] = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const SHORT_SV: [&str; 12] = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"];
const SHORT_EN: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// Looks up month 1–12 in the Swedish or English table; any other month is [`MISSING`].
fn month_in(sv: &[&'static str; 12], en: &[&'static str; 12], month: u32, lang: Lang) -> &'static str {
    let table = match lang {
        Lang::Sv => sv,
        Lang::En => en,
    };
    month.checked_sub(1).and_then(|i| table.get(i as usize)).copied().unwrap_or(MISSING)
}

/// The name of month 1–12: "oktober" / "October" (Swedish in lower case); [`MISSING`] otherwise.
pub fn month_name(month: u32, lang: Lang) -> &'static str {
    month_in(&MONTHS_SV, &MONTHS_EN, month, lang)
}

/// The short name of month 1–12: "okt" / "Oct"; [`MISSING`] otherwise.
pub fn month_short(month: u32, lang: Lang) -> &'static str {
    month_in(&SHORT_SV, &SHORT_EN, month, lang)
}

/// A month of a year: "oktober 2026" / "October 2026".
pub fn format_month(year: i32, month: u32, lang: Lang) -> String {
    format!("{} {year}", month_name(month, lang))
}

/// An instant as local time in `tz` to the minute: "2026-10-31 14:05" / "31 Oct 2026 14:05".
pub fn format_instant(t: DateTime<Utc>, tz: Tz, lang: Lang) -> String {
    let l = t.with_timezone(&tz);
    match lang {
        Lang::Sv => format!("{:04}-{:02}-{:02} {:02}:{:02}", l.year(), l.month(), l.day(), l.hour(), l.minute()),
        Lang::En => {
            format!("{} {} {} {:02}:{:02}", l.day(), month_short(l.month(), lang), l.year(), l.hour(), l.minute())
        }
    }
}

/// Escapes text for HTML content and quoted attribute values: `& < > " '`.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Text for an aligned table on a terminal: every control character (line breaks, tabs,
/// escape sequences, C1 controls) becomes a space, so ticket text can neither break the
/// table's lines nor drive the terminal.
pub fn terminal_text(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// A CSV field, quoted when it holds a comma, quote or line break. Text that a spreadsheet
/// would read as a formula (it starts with `=`, `+`, `-`, `@`, a tab or a carriage return,
/// also after leading blanks, which spreadsheets' importers may trim, or with their
/// full-width forms, and is not a plain number) is prefixed with `'`, so ticket text never
/// becomes a live formula in a CSV the tool writes (OWASP's CSV-injection guidance).
pub fn csv_field(s: &str) -> String {
    const TRIGGERS: [char; 10] = ['=', '+', '-', '@', '\t', '\r', '\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}'];
    let formula = (s.starts_with(TRIGGERS) || s.trim_start_matches([' ', '\u{A0}', '\n']).starts_with(TRIGGERS))
        && !plain_number(s);
    let s = if formula { format!("'{s}") } else { s.to_string() };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// Whether `s` (trimmed) is a plain decimal number such as `-2`, `+1.5` or `1e-5`: digits,
/// signs, a point and an exponent only. Rust's float reader also takes `-inf` and `NaN`,
/// which a spreadsheet reads as a formula (`=-inf`, #NAME?), so it is not enough alone.
fn plain_number(s: &str) -> bool {
    let t = s.trim();
    t.bytes().any(|b| b.is_ascii_digit())
        && t.bytes().all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
        && t.parse::<f64>().is_ok()
}

/// A JSON string literal (quotes, backslashes and control characters, DEL and C1 among
/// them, escaped). It is a TOML basic string on one line too (`itsm init` writes names so).
pub fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use NumberFormat::*;

    fn both(value: f64, format: NumberFormat) -> (String, String) {
        (format_number(value, format, Lang::Sv), format_number(value, format, Lang::En))
    }

    fn delta(value: f64, format: NumberFormat) -> (String, String) {
        (format_delta(value, format, Lang::Sv), format_delta(value, format, Lang::En))
    }

    fn s(sv: &str, en: &str) -> (String, String) {
        (sv.to_string(), en.to_string())
    }

    #[test]
    fn lang_codes() {
        assert_eq!(Lang::parse("sv"), Some(Lang::Sv));
        assert_eq!(Lang::parse("en"), Some(Lang::En));
        assert_eq!(Lang::parse("de"), None);
        assert_eq!(Lang::parse("SV"), None);
        assert_eq!((Lang::Sv.code(), Lang::En.code()), ("sv", "en"));
        assert_eq!((Lang::Sv.pick("ja", "yes"), Lang::En.pick("ja", "yes")), ("ja", "yes"));
    }

    #[test]
    fn percent() {
        assert_eq!(both(0.875, Percent), s("87,5\u{a0}%", "87.5%"));
        assert_eq!(both(1.0, Percent), s("100,0\u{a0}%", "100.0%"));
        assert_eq!(both(0.0, Percent), s("0,0\u{a0}%", "0.0%"));
        assert_eq!(both(0.12345, Percent), s("12,3\u{a0}%", "12.3%"));
        assert_eq!(both(0.99999, Percent), s("100,0\u{a0}%", "100.0%"));
        assert_eq!(both(-0.05, Percent), s("\u{2212}5,0\u{a0}%", "-5.0%"));
        assert_eq!(both(12.5, Percent), s("1\u{a0}250,0\u{a0}%", "1,250.0%"));
    }

    #[test]
    fn integer() {
        assert_eq!(both(1234567.0, Integer), s("1\u{a0}234\u{a0}567", "1,234,567"));
        assert_eq!(both(1234.0, Integer), s("1\u{a0}234", "1,234"));
        assert_eq!(both(999.0, Integer), s("999", "999"));
        assert_eq!(both(0.0, Integer), s("0", "0"));
        assert_eq!(both(2.5, Integer), s("3", "3"));
        assert_eq!(both(-2.5, Integer), s("\u{2212}3", "-3"));
        assert_eq!(both(2.4999, Integer), s("2", "2"));
        assert_eq!(both(-1234.4, Integer), s("\u{2212}1\u{a0}234", "-1,234"));
        assert_eq!(both(-0.4, Integer), s("0", "0"));
        assert_eq!(
            both(1e21, Integer),
            s(&"1 000 000 000 000 000 000 000".replace(' ', "\u{a0}"), "1,000,000,000,000,000,000,000")
        );
    }

    #[test]
    fn decimal() {
        assert_eq!(both(1234.5, Decimal), s("1\u{a0}234,50", "1,234.50"));
        assert_eq!(both(0.125, Decimal), s("0,13", "0.13"));
        assert_eq!(both(-0.005, Decimal), s("\u{2212}0,01", "-0.01"));
        assert_eq!(both(3.0, Decimal), s("3,00", "3.00"));
    }

    #[test]
    fn hours_and_minutes() {
        assert_eq!(both(12.5, Hours), s("12,5\u{a0}h", "12.5\u{a0}h"));
        assert_eq!(both(12.46, Hours), s("12,5\u{a0}h", "12.5\u{a0}h"));
        assert_eq!(both(1234.04, Hours), s("1\u{a0}234,0\u{a0}h", "1,234.0\u{a0}h"));
        assert_eq!(both(-0.25, Hours), s("\u{2212}0,3\u{a0}h", "-0.3\u{a0}h"));
        assert_eq!(both(45.0, Minutes), s("45\u{a0}min", "45\u{a0}min"));
        assert_eq!(both(44.5, Minutes), s("45\u{a0}min", "45\u{a0}min"));
        assert_eq!(both(1439.4, Minutes), s("1\u{a0}439\u{a0}min", "1,439\u{a0}min"));
    }

    #[test]
    fn currency() {
        assert_eq!(both(1234.5, Currency), s("1\u{a0}234,50\u{a0}kr", "SEK\u{a0}1,234.50"));
        assert_eq!(both(0.0, Currency), s("0,00\u{a0}kr", "SEK\u{a0}0.00"));
        assert_eq!(both(-99.999, Currency), s("\u{2212}100,00\u{a0}kr", "-SEK\u{a0}100.00"));
    }

    #[test]
    fn not_finite() {
        for f in [Percent, Integer, Decimal, Hours, Minutes, Currency] {
            for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
                assert_eq!(both(v, f), s("\u{2013}", "\u{2013}"));
                assert_eq!(delta(v, f), s("\u{2013}", "\u{2013}"));
            }
        }
        assert_eq!(both(f64::MAX, Percent), s("\u{2013}", "\u{2013}"));
    }

    #[test]
    fn deltas() {
        assert_eq!(delta(0.021, Percent), s("+2,1\u{a0}p.e.", "+2.1\u{a0}pp"));
        assert_eq!(delta(-0.155, Percent), s("\u{2212}15,5\u{a0}p.e.", "-15.5\u{a0}pp"));
        assert_eq!(delta(12.0, Integer), s("+12", "+12"));
        assert_eq!(delta(-1234.0, Integer), s("\u{2212}1\u{a0}234", "-1,234"));
        assert_eq!(delta(0.5, Decimal), s("+0,50", "+0.50"));
        assert_eq!(delta(1.5, Hours), s("+1,5\u{a0}h", "+1.5\u{a0}h"));
        assert_eq!(delta(-3.0, Minutes), s("\u{2212}3\u{a0}min", "-3\u{a0}min"));
        assert_eq!(delta(1000.0, Currency), s("+1\u{a0}000,00\u{a0}kr", "+SEK\u{a0}1,000.00"));
        assert_eq!(delta(-5.0, Currency), s("\u{2212}5,00\u{a0}kr", "-SEK\u{a0}5.00"));
        for f in [Percent, Integer, Decimal, Hours, Minutes, Currency] {
            assert_eq!(delta(0.0, f), s("\u{b1}0", "\u{b1}0"));
            assert_eq!(delta(-0.0, f), s("\u{b1}0", "\u{b1}0"));
        }
        assert_eq!(delta(0.0004, Percent), s("\u{b1}0", "\u{b1}0"));
        assert_eq!(delta(-0.4, Integer), s("\u{b1}0", "\u{b1}0"));
    }

    #[test]
    fn months() {
        let sv = [
            "januari",
            "februari",
            "mars",
            "april",
            "maj",
            "juni",
            "juli",
            "augusti",
            "september",
            "oktober",
            "november",
            "december",
        ];
        let en = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        let sv_short = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"];
        let en_short = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
        for m in 1..=12u32 {
            let i = m as usize - 1;
            assert_eq!(month_name(m, Lang::Sv), sv[i]);
            assert_eq!(month_name(m, Lang::En), en[i]);
            assert_eq!(month_short(m, Lang::Sv), sv_short[i]);
            assert_eq!(month_short(m, Lang::En), en_short[i]);
        }
        assert_eq!((month_name(0, Lang::Sv), month_short(13, Lang::En)), ("\u{2013}", "\u{2013}"));
        assert_eq!(format_month(2026, 10, Lang::Sv), "oktober 2026");
        assert_eq!(format_month(2026, 10, Lang::En), "October 2026");
    }

    #[test]
    fn instants_in_stockholm() {
        let tz = chrono_tz::Europe::Stockholm;
        let at = |h, m| Utc.with_ymd_and_hms(2026, 10, 25, h, m, 0).single().expect("valid instant");
        // 25 Oct 2026: clocks go back from 03:00 CEST to 02:00 CET at 01:00 UTC, so 02:30 happens twice.
        assert_eq!(format_instant(at(0, 30), tz, Lang::Sv), "2026-10-25 02:30");
        assert_eq!(format_instant(at(1, 30), tz, Lang::Sv), "2026-10-25 02:30");
        assert_eq!(format_instant(at(0, 59), tz, Lang::En), "25 Oct 2026 02:59");
        assert_eq!(format_instant(at(1, 0), tz, Lang::En), "25 Oct 2026 02:00");
        let spring = Utc.with_ymd_and_hms(2026, 3, 29, 1, 0, 0).single().expect("valid instant");
        assert_eq!(format_instant(spring, tz, Lang::Sv), "2026-03-29 03:00");
        let t = Utc.with_ymd_and_hms(2026, 10, 31, 13, 5, 0).single().expect("valid instant");
        assert_eq!(format_instant(t, tz, Lang::Sv), "2026-10-31 14:05");
        assert_eq!(format_instant(t, tz, Lang::En), "31 Oct 2026 14:05");
        let early = Utc.with_ymd_and_hms(2026, 1, 4, 23, 7, 0).single().expect("valid instant");
        assert_eq!(format_instant(early, tz, Lang::En), "5 Jan 2026 00:07");
    }

    #[test]
    fn escaping() {
        assert_eq!(escape_html("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
        assert_eq!(escape_html("\"><img src=x onerror=alert(1)>"), "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
        assert_eq!(escape_html("Tom & Jerry's «å»"), "Tom &amp; Jerry&#39;s «å»");
    }

    #[test]
    fn terminal_text_has_no_control_characters() {
        assert_eq!(terminal_text("a\nb\r\tc\x1b[31md\u{9b}2Je\u{7}"), "a b  c [31md 2Je ");
        assert_eq!(terminal_text("Kävlinge – ok"), "Kävlinge – ok");
    }

    #[test]
    fn csv_fields_are_quoted_and_never_formulas() {
        assert_eq!(csv_field("Kävlinge, \"KAV\""), "\"Kävlinge, \"\"KAV\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
        assert_eq!(csv_field("+46 40 123"), "'+46 40 123");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_field("\tcmd"), "'\tcmd");
        assert_eq!(csv_field("-2"), "-2", "a negative number stays a number");
        assert_eq!(csv_field("-1.5"), "-1.5");
        assert_eq!(csv_field("- not a number"), "'- not a number");
        assert_eq!(csv_field("-inf"), "'-inf", "a float reader's word is not a spreadsheet's number");
        assert_eq!(csv_field("+NaN"), "'+NaN");
        assert_eq!(csv_field("-Infinity"), "'-Infinity");
        assert_eq!(csv_field("+1.5e3"), "+1.5e3");
        // Blanks before the formula: an importer that trims them would run it.
        assert_eq!(csv_field("  =1+1"), "'  =1+1");
        assert_eq!(csv_field("\u{A0}@SUM(A1)"), "'\u{A0}@SUM(A1)");
        assert_eq!(csv_field("\n=cmd"), "\"'\n=cmd\"");
        assert_eq!(csv_field("\u{FF1D}1+1"), "'\u{FF1D}1+1", "the full-width equals sign");
        assert_eq!(csv_field(" -3"), " -3", "a number with a blank stays a number");
        assert_eq!(csv_field("a = b"), "a = b");
    }
}
