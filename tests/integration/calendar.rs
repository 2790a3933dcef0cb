//! `itsm calendar` from the command line: the closed days of a year, business minutes and
//! deadlines, with figures computed by hand.

use crate::{itsm, itsm_ok, Tmp};

#[test]
fn holidays_2026_as_csv_are_exactly_the_swedish_closed_days() {
    let t = Tmp::new("cal-holidays");
    let out = itsm_ok(&t.0, &["calendar", "holidays", "--year", "2026", "--format", "csv"]);
    assert_eq!(
        out,
        "date,weekday,name_sv,name_en,kind,closes_at\n\
         2026-01-01,Thu,Nyårsdagen,New Year's Day,public_holiday,\n\
         2026-01-06,Tue,Trettondedag jul,Epiphany,public_holiday,\n\
         2026-04-03,Fri,Långfredagen,Good Friday,public_holiday,\n\
         2026-04-05,Sun,Påskdagen,Easter Sunday,public_holiday,\n\
         2026-04-06,Mon,Annandag påsk,Easter Monday,public_holiday,\n\
         2026-05-01,Fri,Första maj,May Day,public_holiday,\n\
         2026-05-14,Thu,Kristi himmelsfärdsdag,Ascension Day,public_holiday,\n\
         2026-05-24,Sun,Pingstdagen,Whitsunday,public_holiday,\n\
         2026-06-06,Sat,Sveriges nationaldag,National Day,public_holiday,\n\
         2026-06-19,Fri,Midsommarafton,Midsummer Eve,eve,\n\
         2026-06-20,Sat,Midsommardagen,Midsummer Day,public_holiday,\n\
         2026-10-31,Sat,Alla helgons dag,All Saints' Day,public_holiday,\n\
         2026-12-24,Thu,Julafton,Christmas Eve,eve,\n\
         2026-12-25,Fri,Juldagen,Christmas Day,public_holiday,\n\
         2026-12-26,Sat,Annandag jul,Boxing Day,public_holiday,\n\
         2026-12-31,Thu,Nyårsafton,New Year's Eve,eve,\n"
    );
}

#[test]
fn minutes_and_deadlines_by_hand() {
    let t = Tmp::new("cal-minutes");
    // Thu 2 Apr 16:00-17:00 (60) + Good Friday, Easter weekend, Easter Monday closed + Tue 7 Apr 08:00-09:00 (60).
    assert_eq!(itsm_ok(&t.0, &["calendar", "minutes", "2026-04-02 16:00", "2026-04-07 09:00"]), "120\n");
    // Friday 16:30 with a 4 h target: 30 min on Friday, 3 h 30 min on Monday from 08:00.
    assert_eq!(
        itsm_ok(&t.0, &["calendar", "deadline", "2026-10-02 16:30", "240"]),
        "2026-10-05 11:30:00 +02:00 (Europe/Stockholm) = 2026-10-05T09:30:00Z\n"
    );
    // Round the clock over the spring-forward weekend: Saturday 24 h + Sunday 23 h.
    assert_eq!(
        itsm_ok(&t.0, &["calendar", "minutes", "2026-03-28 00:00", "2026-03-30 00:00", "--calendar", "24x7"]),
        "2820\n"
    );
    // Office hours across the fall-back weekend: Friday 16:00-17:00 and Monday 08:00-09:00.
    assert_eq!(
        itsm_ok(&t.0, &["calendar", "minutes", "2026-10-23T16:00:00+02:00", "2026-10-26T09:00:00+01:00"]),
        "120\n"
    );
    let out = itsm(&t.0, &["calendar", "minutes", "2026-03-29 02:30", "2026-03-30 00:00"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist in Europe/Stockholm"));
    let out = itsm(&t.0, &["calendar", "holidays", "--year", "2026", "--calendar", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no calendar named 'nope' (configured: 24x7, office)"));
}

/// QA: the refusal of a time in the spring-forward gap said the time was "shifted forward
/// by the gap", which reads as if it had been accepted. It says it was refused, why, and
/// what to type instead (both texts name the instant an export's 02:30 is read as).
#[test]
fn a_time_in_the_daylight_saving_gap_is_refused_with_what_to_type_instead() {
    let t = Tmp::new("calendar-gap");
    let out = itsm(&t.0, &["calendar", "minutes", "2026-03-29 02:30", "2026-03-30 00:00"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err.trim_end(),
        "itsm: refused '2026-03-29 02:30': that local time does not exist in Europe/Stockholm (the clocks jump 60 \
         min forward over it for daylight saving), and a time typed here is not guessed at; type '2026-03-29 \
         03:30', the time the clocks showed then, or '2026-03-29T02:30:00+01:00', with the offset before the jump"
    );
    assert!(!err.contains("shifted"), "{err}");
    // Both suggestions are read, as the same instant.
    for typed in ["2026-03-29 03:30", "2026-03-29T02:30:00+01:00"] {
        assert_eq!(itsm_ok(&t.0, &["calendar", "minutes", typed, "2026-03-29 04:30", "--calendar", "24x7"]), "60\n");
    }
}
