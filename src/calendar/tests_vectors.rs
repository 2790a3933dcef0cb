//! Hand-computed business-time vectors: daylight-saving weekends, Easter, Midsummer, New
//! Year, deadlines, short days, 24x7 and the edges of the covered range.
//!
//! Owns: examples whose answers were worked out on paper from the 2026 calendar.
//! Must not: derive expected values from the code under test.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

use super::*;

const H: i64 = 3600;

/// A Stockholm wall-clock time ("2026-03-27 16:00") as a UTC instant.
fn sthlm(s: &str) -> DateTime<Utc> {
    let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
    chrono_tz::Europe::Stockholm.from_local_datetime(&naive).single().unwrap().with_timezone(&Utc)
}

/// An RFC 3339 instant.
fn z(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn office() -> Calendar {
    Calendar::new(&CalendarSpec::default()).unwrap()
}

fn always() -> Calendar {
    Calendar::new(&CalendarSpec::always_open()).unwrap()
}

#[test]
fn calendar_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Calendar>();
}

#[test]
fn spring_forward_weekend() {
    let (fri, mon) = (sthlm("2026-03-27 16:00"), sthlm("2026-03-30 10:00"));
    // Friday 16–17 plus Monday 08–10; the lost hour is on Sunday night, outside hours.
    assert_eq!(office().business_seconds(fri, mon), 3 * H);
    assert_eq!(office().business_minutes(fri, mon), 180.0);
    // Wall clock: 66 h of readings, but only 65 h pass because 02:00–03:00 is skipped.
    assert_eq!(always().business_seconds(fri, mon), 65 * H);
    assert_eq!(office().add_business_seconds(fri, 3 * H), mon);
}

#[test]
fn fall_back_weekend() {
    let (fri, mon) = (sthlm("2026-10-23 16:00"), sthlm("2026-10-26 10:00"));
    assert_eq!(office().business_seconds(fri, mon), 3 * H);
    assert_eq!(always().business_seconds(fri, mon), 67 * H, "02:00–03:00 happens twice");
    assert_eq!(office().add_business_minutes(fri, 180), mon);
}

#[test]
fn dst_sundays_on_a_24x7_calendar() {
    let cal = always();
    let day = |d: &str, next: &str| cal.business_seconds(sthlm(&format!("{d} 00:00")), sthlm(&format!("{next} 00:00")));
    assert_eq!(day("2026-03-29", "2026-03-30"), 23 * H);
    assert_eq!(day("2026-10-25", "2026-10-26"), 25 * H);
    assert_eq!(day("2026-10-26", "2026-10-27"), 24 * H);
    assert_eq!(cal.add_business_seconds(sthlm("2026-03-29 00:00"), 23 * H), sthlm("2026-03-30 00:00"));
    assert_eq!(cal.add_business_seconds(sthlm("2026-10-25 00:00"), 2 * H), z("2026-10-25T00:00:00Z"));
}

#[test]
fn hours_through_the_changeover_count_instants_not_clock_readings() {
    // Sunday 01:00–04:00: on the spring Sunday 02:00–03:00 never happens (2 h); on the
    // autumn Sunday it happens twice (4 h). A Sunday without a change has 3 h.
    let spec = CalendarSpec {
        hours: WeekHours { sun: Some("01:00-04:00".into()), ..WeekHours::default() },
        ..CalendarSpec::always_open()
    };
    let cal = Calendar::new(&spec).unwrap();
    let sunday =
        |d: &str, next: &str| cal.business_seconds(sthlm(&format!("{d} 00:00")), sthlm(&format!("{next} 00:00")));
    assert_eq!(sunday("2026-03-29", "2026-03-30"), 2 * H);
    assert_eq!(sunday("2026-10-25", "2026-10-26"), 4 * H);
    assert_eq!(sunday("2026-11-01", "2026-11-02"), 3 * H);
}

#[test]
fn across_easter() {
    // Maundy Thursday 16–17, Good Friday to Easter Monday closed, Tuesday 08–09.
    let (thu, tue) = (sthlm("2026-04-02 16:00"), sthlm("2026-04-07 09:00"));
    assert_eq!(office().business_minutes(thu, tue), 120.0);
    assert_eq!(office().add_business_minutes(thu, 120), tue);
}

#[test]
fn across_midsummer() {
    // Thursday 15–17, Midsummer Eve (Friday) closed, weekend, Monday 08–09.
    let (thu, mon) = (sthlm("2026-06-18 15:00"), sthlm("2026-06-22 09:00"));
    assert_eq!(office().business_seconds(thu, mon), 3 * H);
    let eves_open = Calendar::new(&CalendarSpec { closed_eves: false, ..CalendarSpec::default() }).unwrap();
    assert_eq!(eves_open.business_seconds(thu, mon), 12 * H, "Friday 19 June counts when eves are open");
    assert_eq!(office().add_business_seconds(thu, 2 * H + 1), sthlm("2026-06-22 08:00") + chrono::Duration::seconds(1));
}

#[test]
fn across_new_year() {
    // Wednesday 30 Dec 16–17; New Year's Eve, New Year's Day and the weekend closed; Monday 08–09.
    let (wed, mon) = (sthlm("2026-12-30 16:00"), sthlm("2027-01-04 09:00"));
    assert_eq!(office().business_minutes(wed, mon), 120.0);
    assert_eq!(office().add_business_seconds(wed, 4 * H), sthlm("2027-01-04 11:00"));
    // The other way round a year end: Tuesday 30 Dec 2025 16–17, Friday 2 Jan 08–10.
    assert_eq!(office().business_seconds(sthlm("2025-12-30 16:00"), sthlm("2026-01-02 10:00")), 3 * H);
    // A 24x7 calendar over the local year boundary (23:00 UTC) is the wall clock.
    assert_eq!(always().business_seconds(sthlm("2026-12-31 12:00"), sthlm("2027-01-01 12:00")), 24 * H);
}

#[test]
fn friday_afternoon_ticket_is_due_monday_morning() {
    let opened = sthlm("2026-10-02 16:30");
    assert_eq!(office().add_business_seconds(opened, 4 * H), sthlm("2026-10-05 11:30"));
    assert_eq!(office().add_business_minutes(opened, 240), sthlm("2026-10-05 11:30"));
    assert_eq!(office().business_minutes(opened, sthlm("2026-10-05 11:30")), 240.0);
}

#[test]
fn deadlines_start_outside_hours_and_end_at_closing() {
    let cal = office();
    // Opened Saturday night: the clock starts Monday 08:00.
    assert_eq!(cal.add_business_seconds(sthlm("2026-10-03 22:00"), H), sthlm("2026-10-05 09:00"));
    // Exactly a day's worth from opening lands on closing time, not the next morning.
    assert_eq!(cal.add_business_seconds(sthlm("2026-10-05 08:00"), 9 * H), sthlm("2026-10-05 17:00"));
    assert_eq!(
        cal.add_business_seconds(sthlm("2026-10-05 08:00"), 9 * H + 1),
        sthlm("2026-10-06 08:00") + chrono::Duration::seconds(1)
    );
    let a = sthlm("2026-10-05 10:00");
    assert_eq!(cal.add_business_seconds(a, 0), a);
    assert_eq!(cal.add_business_seconds(a, -5), a);
    assert_eq!(cal.business_seconds(a, a), 0);
    assert_eq!(cal.business_seconds(sthlm("2026-10-06 10:00"), a), 0, "reversed interval");
}

#[test]
fn short_days_and_close_before_holiday() {
    let spec = CalendarSpec {
        short_days: vec![ShortDaySpec { date: "2026-04-30".into(), close: "13:00".into() }],
        ..CalendarSpec::default()
    };
    let cal = Calendar::new(&spec).unwrap();
    // Thursday 30 April 08–13, May Day Friday closed.
    assert_eq!(cal.business_seconds(sthlm("2026-04-30 08:00"), sthlm("2026-05-04 08:00")), 5 * H);
    assert_eq!(
        cal.business_seconds(sthlm("2026-05-13 08:00"), sthlm("2026-05-15 08:00")),
        9 * H,
        "no rule: a full day"
    );

    let spec = CalendarSpec { close_before_holiday: Some("13:00".into()), ..CalendarSpec::default() };
    let cal = Calendar::new(&spec).unwrap();
    // Wednesday 13 May before Ascension: 08–13, Thursday closed.
    assert_eq!(cal.business_seconds(sthlm("2026-05-13 08:00"), sthlm("2026-05-15 08:00")), 5 * H);
    // A 4 h target opened Wednesday 12:00: 1 h Wednesday, 3 h Friday.
    assert_eq!(cal.add_business_seconds(sthlm("2026-05-13 12:00"), 4 * H), sthlm("2026-05-15 11:00"));
    // Maundy Thursday is the day before Good Friday.
    assert_eq!(cal.business_seconds(sthlm("2026-04-02 08:00"), sthlm("2026-04-07 08:00")), 5 * H);
}

#[test]
fn split_hours_and_another_zone() {
    let spec = CalendarSpec {
        timezone: "America/New_York".into(),
        hours: WeekHours::weekdays("09:00-12:00,13:00-17:00"),
        holidays: Holidays::None,
        closed_eves: false,
        ..CalendarSpec::default()
    };
    let cal = Calendar::new(&spec).unwrap();
    // New York springs forward on 8 March 2026; Friday 6 March 16:00 EST is 21:00Z and
    // Monday 9 March 10:00 EDT is 14:00Z: 1 h Friday + 1 h Monday.
    let (fri, mon) = (z("2026-03-06T21:00:00Z"), z("2026-03-09T14:00:00Z"));
    assert_eq!(cal.business_seconds(fri, mon), 2 * H);
    // Lunch is closed: Monday 11:00 EDT + 2 h = 14:00 EDT (18:00Z).
    let eleven = z("2026-03-09T15:00:00Z");
    assert_eq!(cal.add_business_seconds(eleven, 2 * H), z("2026-03-09T18:00:00Z"));
}

#[test]
fn several_years_and_the_edges_of_the_range() {
    let cal = office();
    let year =
        |y: i32| cal.business_seconds(sthlm(&format!("{y}-01-01 00:00")), sthlm(&format!("{}-01-01 00:00", y + 1)));
    let three = cal.business_seconds(sthlm("2025-01-01 00:00"), sthlm("2028-01-01 00:00"));
    assert_eq!(three, year(2025) + year(2026) + year(2027));
    assert_eq!(year(2026), 251 * 9 * H);
    // Before 1900 and after 2100 count as closed.
    let before = z("1850-01-01T00:00:00Z");
    assert_eq!(always().business_seconds(before, sthlm("1900-01-02 00:00")), 24 * H);
    let late = sthlm("2100-12-31 12:00");
    assert_eq!(always().business_seconds(late, z("2200-01-01T00:00:00Z")), 12 * H);
    assert_eq!(always().checked_add_business_seconds(late, 13 * H), None);
    assert_eq!(always().add_business_seconds(late, 13 * H), sthlm("2101-01-01 00:00"), "saturates");
    assert_eq!(always().checked_add_business_seconds(late, 12 * H), Some(sthlm("2101-01-01 00:00")));
}

#[test]
fn sub_second_instants_are_truncated() {
    let cal = always();
    let a = sthlm("2026-05-05 10:00") + chrono::Duration::milliseconds(700);
    let b = sthlm("2026-05-05 10:01") + chrono::Duration::milliseconds(200);
    assert_eq!(cal.business_seconds(a, b), 60);
    let due = cal.add_business_seconds(a, 60);
    assert!(due >= a);
    assert_eq!(due, sthlm("2026-05-05 10:01"));
}

#[test]
fn closed_days_of_2026() {
    let spec = CalendarSpec {
        closed: vec!["2026-05-15".into(), "2026-12-25".into()],
        short_days: vec![ShortDaySpec { date: "2026-04-30".into(), close: "13:00".into() }],
        ..CalendarSpec::default()
    };
    let list = Calendar::new(&spec).unwrap().closed_days(2026);
    let date = |s: &str| s.parse::<NaiveDate>().unwrap();
    let public = list.iter().filter(|d| d.kind == ClosedKind::PublicHoliday).count();
    let eves: Vec<_> = list.iter().filter(|d| d.kind == ClosedKind::Eve).map(|d| d.date).collect();
    assert_eq!(public, 13, "Christmas Day stays a public holiday although also configured");
    assert_eq!(eves, [date("2026-06-19"), date("2026-12-24"), date("2026-12-31")]);
    let extra: Vec<_> =
        list.iter().filter(|d| !matches!(d.kind, ClosedKind::PublicHoliday | ClosedKind::Eve)).collect();
    assert_eq!(extra.len(), 2);
    assert_eq!(
        (extra[0].date, extra[0].kind),
        (date("2026-04-30"), ClosedKind::ShortDay { close: NaiveTime::from_hms_opt(13, 0, 0).unwrap() })
    );
    assert_eq!(
        (extra[1].date, extra[1].kind, extra[1].name_en),
        (date("2026-05-15"), ClosedKind::Configured, "Closed")
    );
    assert!(list.windows(2).all(|w| w[0].date < w[1].date), "date order, one entry per date in 2026");
    assert_eq!(list[0].name_sv, "Nyårsdagen");
    assert!(Calendar::new(&CalendarSpec::always_open()).unwrap().closed_days(2026).is_empty());
    assert!(office().closed_days(1899).is_empty());
    let may_day_2008: Vec<_> =
        office().closed_days(2008).into_iter().filter(|d| d.date == date("2008-05-01")).map(|d| d.name_sv).collect();
    assert_eq!(may_day_2008, ["Första maj", "Kristi himmelsfärdsdag"]);
}

#[test]
fn open_spans_sum_to_the_years_business_time_and_follow_daylight_saving() {
    let cal = office();
    let spans = cal.open_spans(2026);
    // 2026: 261 weekdays minus 10 closed weekdays (1/1, 6/1, Good Friday 3/4, Easter Monday
    // 6/4, 1/5, Ascension 14/5, Midsummer Eve 19/6, Christmas Eve 24/12, Christmas Day 25/12,
    // New Year's Eve 31/12; National Day and Boxing Day fall on a Saturday) = 251 days of 9 h.
    assert_eq!(spans.len(), 251);
    let total: i64 = spans.iter().map(|(a, b)| (*b - *a).num_seconds()).sum();
    assert_eq!(total, 251 * 9 * H);
    assert_eq!(total, cal.business_seconds(sthlm("2026-01-01 00:00"), sthlm("2027-01-01 00:00")));
    // The Friday before spring-forward opens 07:00 UTC, the Monday after 06:00 UTC.
    assert!(spans.contains(&(z("2026-03-27T07:00:00Z"), z("2026-03-27T16:00:00Z"))));
    assert!(spans.contains(&(z("2026-03-30T06:00:00Z"), z("2026-03-30T15:00:00Z"))));
    assert!(spans.windows(2).all(|w| w[0].1 <= w[1].0), "in time order, not overlapping");
    assert!(cal.open_spans(2101).is_empty());
    assert_eq!(
        local_day_start_utc(chrono_tz::Europe::Stockholm, NaiveDate::from_ymd_opt(2026, 7, 1).unwrap()),
        z("2026-06-30T22:00:00Z")
    );
}
