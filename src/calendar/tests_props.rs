//! Property tests for business-time arithmetic: additivity, bounds, the inverse relation
//! between `business_seconds` and `add_business_seconds`, and 24x7 = wall clock.
//!
//! Owns: laws that must hold for any instants, drawn over 2025–2027 with extra weight on
//! the daylight-saving weekends and holiday clusters where calendars usually break.
//! Must not: restate hand-computed examples (tests_vectors.rs holds those).

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use proptest::prelude::*;

use super::*;

/// The office calendar, plus one with lunch breaks, a weekend shift, short days and the
/// day-before rule, so that the laws are exercised on more than one shape of day.
static CALENDARS: LazyLock<Vec<Calendar>> = LazyLock::new(|| {
    let busy = CalendarSpec {
        hours: WeekHours {
            sat: Some("10:00-14:00".into()),
            sun: Some("01:30-03:30".into()),
            ..WeekHours::weekdays("07:00-11:30,12:15-16:45,18:00-24:00")
        },
        closed: vec!["2026-02-13".into()],
        short_days: vec![ShortDaySpec { date: "2026-12-23".into(), close: "12:00".into() }],
        close_before_holiday: Some("13:00".into()),
        ..CalendarSpec::default()
    };
    [CalendarSpec::default(), busy].iter().map(|s| Calendar::new(s).unwrap()).collect()
});

static ALWAYS: LazyLock<Calendar> = LazyLock::new(|| Calendar::new(&CalendarSpec::always_open()).unwrap());

/// 2025-01-01T00:00:00Z and 2028-01-01T00:00:00Z: the three years the properties range over.
const FROM: i64 = 1_735_689_600;
const TO: i64 = 1_830_297_600;

/// Instants where calendars tend to go wrong: DST changes (01:00Z), Easter, Midsummer and
/// the local year boundary (23:00Z on 31 December).
const HOTSPOTS: [i64; 8] = [
    1_774_746_000, // 2026-03-29T01:00:00Z spring forward
    1_792_890_000, // 2026-10-25T01:00:00Z fall back
    1_743_296_400, // 2025-03-30T01:00:00Z spring forward
    1_761_440_400, // 2025-10-26T01:00:00Z fall back
    1_775_347_200, // 2026-04-05T00:00:00Z Easter Sunday
    1_781_827_200, // 2026-06-19T00:00:00Z Midsummer Eve
    1_798_758_000, // 2026-12-31T23:00:00Z local New Year
    1_767_222_000, // 2025-12-31T23:00:00Z local New Year
];

fn instant() -> impl Strategy<Value = i64> {
    prop_oneof![
        FROM..TO,
        (0..HOTSPOTS.len(), -4 * 86_400i64..4 * 86_400).prop_map(|(i, d)| HOTSPOTS[i] + d),
        // Whole minutes, so instants land exactly on opening and closing times too.
        (FROM / 60..TO / 60).prop_map(|m| m * 60),
    ]
}

fn at(t: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(t, 0).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn additive(x in instant(), y in instant(), z in instant(), which in 0..2usize) {
        let mut v = [x, y, z];
        v.sort();
        let cal = &CALENDARS[which];
        let (a, b, c) = (at(v[0]), at(v[1]), at(v[2]));
        prop_assert_eq!(cal.business_seconds(a, c), cal.business_seconds(a, b) + cal.business_seconds(b, c));
    }

    #[test]
    fn bounded_by_the_wall_clock(x in instant(), y in instant(), which in 0..2usize) {
        let (a, b) = (x.min(y), x.max(y));
        let s = CALENDARS[which].business_seconds(at(a), at(b));
        prop_assert!(s >= 0 && s <= b - a, "{} not in 0..={}", s, b - a);
        prop_assert_eq!(CALENDARS[which].business_seconds(at(b), at(a)), 0, "reversed intervals are empty");
    }

    #[test]
    fn always_open_is_the_wall_clock(x in instant(), y in instant()) {
        let (a, b) = (x.min(y), x.max(y));
        prop_assert_eq!(ALWAYS.business_seconds(at(a), at(b)), b - a);
        prop_assert_eq!(ALWAYS.add_business_seconds(at(a), b - a), at(b));
    }

    #[test]
    fn add_is_the_earliest_inverse(x in instant(), s in 0..400 * 3600i64, which in 0..2usize) {
        let cal = &CALENDARS[which];
        let a = at(x);
        let t = cal.add_business_seconds(a, s);
        prop_assert!(t >= a);
        prop_assert_eq!(cal.business_seconds(a, t), s);
        if s > 0 {
            // One second earlier the target is not yet reached: t is the earliest.
            prop_assert_eq!(cal.business_seconds(a, t - chrono::Duration::seconds(1)), s - 1);
        }
    }

    #[test]
    fn add_undoes_business(x in instant(), y in instant(), which in 0..2usize) {
        let cal = &CALENDARS[which];
        let (a, b) = (at(x.min(y)), at(x.max(y)));
        let back = cal.add_business_seconds(a, cal.business_seconds(a, b));
        prop_assert!(back <= b);
        // When the second just before b is open, b is where the count last grew: equality.
        let open_before_b = b > a && cal.business_seconds(b - chrono::Duration::seconds(1), b) == 1;
        if open_before_b {
            prop_assert_eq!(back, b);
        }
        prop_assert_eq!(cal.business_seconds(a, back), cal.business_seconds(a, b));
    }
}
