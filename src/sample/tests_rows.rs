//! Row-level tests: Stockholm offsets (also across DST) against chrono-tz,
//! the business clock, nothing stamped after the period, and every ticket row
//! re-derived independently from its history.

use super::clock;
use super::tests::{line_of, opt_ts, reference, ts};
use chrono::{DateTime, Offset, TimeZone};
use chrono_tz::Europe::Stockholm;

#[test]
fn stockholm_offset_matches_chrono_tz_every_hour() {
    let mut t = Stockholm.with_ymd_and_hms(1997, 1, 1, 0, 0, 0).unwrap().timestamp();
    let stop = Stockholm.with_ymd_and_hms(2038, 1, 1, 0, 0, 0).unwrap().timestamp();
    while t < stop {
        for probe in [t, t + 1799, t + 3599] {
            let utc = DateTime::from_timestamp(probe, 0).unwrap().naive_utc();
            let want = Stockholm.offset_from_utc_datetime(&utc).fix().local_minus_utc() as i64;
            assert_eq!(clock::offset(probe), want, "at {utc}");
        }
        t += 3600;
    }
}

#[test]
fn business_clock_ignores_dst_and_skips_closed_days() {
    let cal = clock::Calendar::new(20_000, 21_000);
    let at = |y, m, d, h, mi| Stockholm.with_ymd_and_hms(y, m, d, h, mi, 0).unwrap().timestamp();
    // Fri 2026-10-23 16:00 → DST ends Sun 25 → Mon 26 09:00 is exactly 2 business hours.
    assert_eq!(cal.add_business(at(2026, 10, 23, 16, 0), 7200), at(2026, 10, 26, 9, 0));
    assert_eq!(cal.business_secs(at(2026, 10, 23, 16, 0), at(2026, 10, 26, 9, 0)), 7200);
    // Spring: Fri 2026-03-27 → Mon 30 across the lost hour.
    assert_eq!(cal.business_secs(at(2026, 3, 27, 8, 0), at(2026, 3, 30, 17, 0)), 2 * clock::BDAY);
    // Easter 2026: Good Friday 3 April and Easter Monday 6 April are closed.
    assert_eq!(cal.business_secs(at(2026, 4, 2, 17, 0), at(2026, 4, 7, 8, 30)), 1800);
    // Midsummer Eve 2026-06-19, Christmas Eve, Epiphany, National Day (a Saturday in 2026).
    for (m, d) in [(6, 19), (12, 24), (1, 6), (5, 1)] {
        assert_eq!(cal.business_secs(at(2026, m, d, 0, 0), at(2026, m, d, 23, 0)), 0, "{m}-{d}");
    }
    assert_eq!(cal.business_secs(at(2026, 6, 18, 0, 0), at(2026, 6, 18, 23, 0)), clock::BDAY);
    // Starting outside hours counts from the next opening.
    assert_eq!(cal.add_business(at(2026, 10, 2, 20, 0), 60), at(2026, 10, 5, 8, 1));
}

#[test]
fn timestamps_have_dst_offsets_and_stay_inside_the_period() {
    let d = reference();
    let mut offsets = (0, 0);
    for c in ["opened_at", "first_response_at", "resolved_at", "closed_at", "updated_at"] {
        let i = d.tickets.col(c);
        for r in &d.tickets.rows {
            if let Some(t) = opt_ts(&r[i]) {
                assert!(t < d.end, "{} {c} {} after the period", r[0], r[i]);
                if r[i].ends_with("+01:00") {
                    offsets.0 += 1
                } else {
                    offsets.1 += 1
                }
            }
        }
    }
    assert!(offsets.0 > 1000 && offsets.1 > 1000, "both CET and CEST expected: {offsets:?}");
    let last = d.history.values().flatten().map(|h| h.t).max().unwrap();
    assert!(last < d.end && last > d.end - 86_400 * 2, "history should run up to the end");
}

/// Re-derives every summary field of every ticket from its history.
#[test]
fn ticket_rows_match_their_history() {
    let d = reference();
    let tk = &d.tickets;
    let c = |n: &str| tk.col(n);
    let mut ids = std::collections::BTreeSet::new();
    let kinds = [("CHG", "change"), ("EVT", "event"), ("INC", "incident"), ("PRB", "problem"), ("REQ", "request")];
    let mut prev = String::new();
    for r in &tk.rows {
        let id = &r[0];
        assert!(id.len() >= 10 && id[3..].bytes().all(|b| b.is_ascii_digit()), "{id}");
        assert!(*id > prev, "tickets not sorted/unique at {id}");
        prev = id.clone();
        ids.insert(id.clone());
        assert!(kinds.contains(&(&id[..3], r[c("kind")].as_str())), "{id} kind {}", r[c("kind")]);
        let ev = d.history.get(id).unwrap_or_else(|| panic!("{id} has no history"));
        assert_eq!(ev[0].kind, "status");
        assert_eq!(ev[0].value, "New");
        assert_eq!(ev[1].kind, "assignment");
        let opened = ts(&r[c("opened_at")]);
        assert_eq!((ev[0].t, ev[1].t), (opened, opened), "{id}");
        let (mut status, mut holder, mut assigns, mut reopens, mut work) = ("", "", 0, 0, 0);
        let (mut first_resp, mut resolved, mut closed, mut resolved_by) = (None, None, None, "");
        for e in ev {
            match e.kind.as_str() {
                "status" => {
                    status = &e.value;
                    if e.value == "Open" && first_resp.is_none() {
                        first_resp = Some(e.t)
                    }
                    if e.value == "Resolved" {
                        resolved = Some(e.t);
                        resolved_by = holder;
                    }
                    if e.value == "Closed" {
                        closed = Some(e.t)
                    }
                    assert!(e.minutes.is_none());
                }
                "assignment" => {
                    assigns += 1;
                    holder = &e.value;
                    line_of(holder);
                }
                "worklog" => {
                    work += e.minutes.unwrap();
                    first_resp.get_or_insert(e.t);
                    assert!(e.value.is_empty());
                }
                "reopen" => {
                    assert_eq!(e.value, "Open");
                    status = "Open";
                    reopens += 1;
                }
                k => panic!("{id}: unknown history kind {k}"),
            }
        }
        if !matches!(status, "Resolved" | "Closed") {
            (resolved, resolved_by) = (None, "");
        }
        assert_eq!(r[c("status")], status, "{id}");
        assert_eq!(opt_ts(&r[c("first_response_at")]), first_resp, "{id} first_response");
        assert_eq!(opt_ts(&r[c("resolved_at")]), resolved, "{id} resolved");
        assert_eq!(opt_ts(&r[c("closed_at")]), closed, "{id} closed");
        assert_eq!(ts(&r[c("updated_at")]), ev.last().unwrap().t, "{id} updated");
        assert_eq!(r[c("first_team")], ev[1].value, "{id}");
        assert_eq!(r[c("assigned_team")], holder, "{id}");
        assert_eq!(r[c("resolved_by_team")], resolved_by, "{id}");
        assert_eq!(r[c("reassignment_count")], (assigns - 1).to_string(), "{id}");
        assert_eq!(r[c("reopen_count")], reopens.to_string(), "{id}");
        assert_eq!(r[c("work_minutes")], work.to_string(), "{id}");
        let chain = [Some(opened), first_resp, resolved, closed];
        let present: Vec<i64> = chain.iter().flatten().copied().collect();
        assert!(present.windows(2).all(|w| w[0] <= w[1]), "{id}: {chain:?}");
        assert!(status != "Closed" || resolved.is_some(), "{id} closed without resolution");
    }
    // Links point at existing tickets of the right kind.
    for (col, prefix) in [("problem_id", "PRB"), ("change_id", "CHG")] {
        for r in &tk.rows {
            let v = &r[c(col)];
            assert!(v.is_empty() || (v.starts_with(prefix) && ids.contains(v)), "{} {col} {v}", r[0]);
        }
    }
}
