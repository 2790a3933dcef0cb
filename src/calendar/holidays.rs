//! Swedish public holidays and the de-facto closed eves, computed per year from rules
//! (Gregorian computus for Easter, "the Saturday in …" for Midsummer and All Saints').
//!
//! Owns: which dates are holidays and what they are called in Swedish and English.
//! Must not: know about opening hours, time zones or configuration; hold date tables.
//!
//! Today's rules are applied to every year in 1900–2100, except the two changes the
//! project cares about: Whit Monday is a holiday only until 2004 and National Day only
//! from 2005. Before 1953 Sweden fixed Midsummer Day on 24 June and All Saints' Day on
//! 1 November (and kept a few holidays since abolished); those historical rules are
//! deliberately not modelled, because ticket data never reaches back that far and one rule
//! for all years keeps the holiday list predictable.

use chrono::{Datelike, Days, NaiveDate, Weekday};

/// One Swedish holiday or closed eve in a given year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Holiday {
    /// The date.
    pub(crate) date: NaiveDate,
    /// Swedish name, as Swedes write it.
    pub(crate) sv: &'static str,
    /// English name.
    pub(crate) en: &'static str,
    /// True for the de-facto closed eves, false for public holidays by law.
    pub(crate) eve: bool,
}

/// Easter Sunday of `year` in the Gregorian calendar.
///
/// This is the Meeus/Jones/Butcher ("anonymous Gregorian") algorithm; the tests check it
/// against Gauss's method for every supported year.
pub fn easter_sunday(year: i32) -> NaiveDate {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    ymd(year, month as u32, day as u32)
}

/// The date of `weekday` within the seven days starting `year-month-first_day` (the
/// window may run into the next month, as All Saints' 31 Oct–6 Nov does).
fn weekday_in_week(year: i32, month: u32, first_day: u32, weekday: Weekday) -> NaiveDate {
    let start = ymd(year, month, first_day);
    let ahead = (7 + weekday.num_days_from_monday() - start.weekday().num_days_from_monday()) % 7;
    start + Days::new(u64::from(ahead))
}

/// Midsummer Day: the Saturday in 20–26 June.
pub(crate) fn midsummer_day(year: i32) -> NaiveDate {
    weekday_in_week(year, 6, 20, Weekday::Sat)
}

/// All Saints' Day: the Saturday in 31 October–6 November.
pub(crate) fn all_saints_day(year: i32) -> NaiveDate {
    weekday_in_week(year, 10, 31, Weekday::Sat)
}

/// The public holidays of `year`, in date order.
pub(crate) fn public_holidays(year: i32) -> Vec<Holiday> {
    let easter = easter_sunday(year);
    let shift = |days: i64| easter + chrono::Duration::days(days);
    let law = |date, sv, en| Holiday { date, sv, en, eve: false };
    let mut list = vec![
        law(ymd(year, 1, 1), "Nyårsdagen", "New Year's Day"),
        law(ymd(year, 1, 6), "Trettondedag jul", "Epiphany"),
        law(shift(-2), "Långfredagen", "Good Friday"),
        law(easter, "Påskdagen", "Easter Sunday"),
        law(shift(1), "Annandag påsk", "Easter Monday"),
        law(ymd(year, 5, 1), "Första maj", "May Day"),
        law(shift(39), "Kristi himmelsfärdsdag", "Ascension Day"),
        law(shift(49), "Pingstdagen", "Whitsunday"),
    ];
    // Whit Monday gave way to National Day as a day off in 2005 (SFS 2004:1063).
    if year <= 2004 {
        list.push(law(shift(50), "Annandag pingst", "Whit Monday"));
    } else {
        list.push(law(ymd(year, 6, 6), "Sveriges nationaldag", "National Day"));
    }
    list.extend([
        law(midsummer_day(year), "Midsommardagen", "Midsummer Day"),
        law(all_saints_day(year), "Alla helgons dag", "All Saints' Day"),
        law(ymd(year, 12, 25), "Juldagen", "Christmas Day"),
        law(ymd(year, 12, 26), "Annandag jul", "Boxing Day"),
    ]);
    // May Day can fall after Ascension (late Easter), and National Day can fall before
    // or after Whitsunday: sort rather than rely on listing order.
    list.sort_by_key(|h| h.date);
    list
}

/// The de-facto closed eves of `year` (not holidays by law, but most offices close).
pub(crate) fn closed_eves(year: i32) -> Vec<Holiday> {
    let eve = |date, sv, en| Holiday { date, sv, en, eve: true };
    vec![
        eve(midsummer_day(year) - Days::new(1), "Midsommarafton", "Midsummer Eve"),
        eve(ymd(year, 12, 24), "Julafton", "Christmas Eve"),
        eve(ymd(year, 12, 31), "Nyårsafton", "New Year's Eve"),
    ]
}

/// A date known to exist; every caller passes a month/day that exists in every year.
fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("holiday rule produced a valid date")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Gauss's Easter algorithm for the Gregorian calendar, with its two exceptions;
    /// an independent derivation used only to check `easter_sunday`.
    fn easter_gauss(year: i32) -> NaiveDate {
        let a = year % 19;
        let b = year % 4;
        let c = year % 7;
        let k = year / 100;
        let p = (13 + 8 * k) / 25;
        let q = k / 4;
        let m = (15 - p + k - q).rem_euclid(30);
        let n = (4 + k - q).rem_euclid(7);
        let d = (19 * a + m) % 30;
        let e = (2 * b + 4 * c + 6 * d + n) % 7;
        if d == 29 && e == 6 {
            return ymd(year, 4, 19);
        }
        if d == 28 && e == 6 && (11 * m + 11) % 30 < 19 {
            return ymd(year, 4, 18);
        }
        ymd(year, 3, 22) + chrono::Duration::days(i64::from(d + e))
    }

    #[test]
    fn easter_agrees_with_gauss_for_every_supported_year() {
        for year in 1900..=2100 {
            let easter = easter_sunday(year);
            assert_eq!(easter, easter_gauss(year), "year {year}");
            assert_eq!(easter.weekday(), Weekday::Sun, "year {year}");
            assert!(easter >= ymd(year, 3, 22) && easter <= ymd(year, 4, 25), "year {year}: {easter}");
        }
    }

    #[test]
    fn easter_spot_dates() {
        for (year, month, day) in
            [(2026, 4, 5), (2038, 4, 25), (1943, 4, 25), (2000, 4, 23), (2008, 3, 23), (1913, 3, 23), (2019, 4, 21)]
        {
            assert_eq!(easter_sunday(year), ymd(year, month, day));
        }
    }

    #[test]
    fn every_year_has_the_right_shape() {
        for year in 1900..=2100 {
            let list = public_holidays(year);
            assert_eq!(list.len(), 13, "year {year}");
            assert!(list.windows(2).all(|w| w[0].date <= w[1].date), "year {year}: sorted");
            // Two holidays share a date only when Ascension meets May Day or Whitsunday
            // meets National Day; both stay listed, as both are true.
            let shared = list.windows(2).filter(|w| w[0].date == w[1].date).count();
            assert_eq!(shared, usize::from([1913, 2008, 2049, 2055, 2060].contains(&year)), "year {year}");
            assert!(list.iter().all(|h| h.date.year() == year && !h.eve));
            let midsummer = midsummer_day(year);
            assert_eq!(midsummer.weekday(), Weekday::Sat);
            assert!(midsummer >= ymd(year, 6, 20) && midsummer <= ymd(year, 6, 26), "{midsummer}");
            let saints = all_saints_day(year);
            assert_eq!(saints.weekday(), Weekday::Sat);
            assert!(saints >= ymd(year, 10, 31) && saints <= ymd(year, 11, 6), "{saints}");
            let named = |en: &str| list.iter().find(|h| h.en == en).map(|h| h.date);
            let easter = easter_sunday(year);
            assert_eq!(named("Good Friday"), Some(easter - Days::new(2)));
            assert_eq!(named("Ascension Day"), Some(easter + Days::new(39)));
            assert_eq!(named("Ascension Day").unwrap().weekday(), Weekday::Thu);
            assert_eq!(named("Whit Monday").is_some(), year <= 2004, "year {year}");
            assert_eq!(named("National Day").is_some(), year >= 2005, "year {year}");
            let eves = closed_eves(year);
            assert_eq!(eves[0].date.weekday(), Weekday::Fri);
            assert_eq!(eves[0].date + Days::new(1), midsummer);
        }
    }

    #[test]
    fn spot_dates() {
        assert_eq!(midsummer_day(2026), ymd(2026, 6, 20));
        assert_eq!(all_saints_day(2026), ymd(2026, 10, 31));
        assert_eq!(all_saints_day(2025), ymd(2025, 11, 1));
        assert_eq!(midsummer_day(2027), ymd(2027, 6, 26));
    }

    #[test]
    fn the_full_2026_list() {
        let got: Vec<(String, &str, &str)> =
            public_holidays(2026).iter().chain(&closed_eves(2026)).map(|h| (h.date.to_string(), h.sv, h.en)).collect();
        let mut got = got;
        got.sort();
        let want = [
            ("2026-01-01", "Nyårsdagen", "New Year's Day"),
            ("2026-01-06", "Trettondedag jul", "Epiphany"),
            ("2026-04-03", "Långfredagen", "Good Friday"),
            ("2026-04-05", "Påskdagen", "Easter Sunday"),
            ("2026-04-06", "Annandag påsk", "Easter Monday"),
            ("2026-05-01", "Första maj", "May Day"),
            ("2026-05-14", "Kristi himmelsfärdsdag", "Ascension Day"),
            ("2026-05-24", "Pingstdagen", "Whitsunday"),
            ("2026-06-06", "Sveriges nationaldag", "National Day"),
            ("2026-06-19", "Midsommarafton", "Midsummer Eve"),
            ("2026-06-20", "Midsommardagen", "Midsummer Day"),
            ("2026-10-31", "Alla helgons dag", "All Saints' Day"),
            ("2026-12-24", "Julafton", "Christmas Eve"),
            ("2026-12-25", "Juldagen", "Christmas Day"),
            ("2026-12-26", "Annandag jul", "Boxing Day"),
            ("2026-12-31", "Nyårsafton", "New Year's Eve"),
        ];
        let want: Vec<(String, &str, &str)> = want.iter().map(|(d, s, e)| (d.to_string(), *s, *e)).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn ascension_on_may_day_2008() {
        let may_day: Vec<&str> =
            public_holidays(2008).iter().filter(|h| h.date == ymd(2008, 5, 1)).map(|h| h.en).collect();
        assert_eq!(may_day, ["May Day", "Ascension Day"]);
    }

    #[test]
    fn whit_monday_before_2005() {
        let list = public_holidays(2004);
        let whit = list.iter().find(|h| h.en == "Whit Monday").expect("2004 has Whit Monday");
        assert_eq!(whit.date, ymd(2004, 5, 31));
        assert_eq!(whit.sv, "Annandag pingst");
    }
}
