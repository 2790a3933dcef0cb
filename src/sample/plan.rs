//! Planning pass: decides how many tickets of each kind exist, when each one
//! opens, and the cross-ticket structure that single tickets cannot decide on
//! their own — changes and problems with their key dates, incidents that recur
//! on a problem's CI (including after the fix), unlinked recurring clusters,
//! incidents raised from monitoring events and incidents caused by changes.
//!
//! Every kind's seeds are sorted by opening time so ticket numbers rise with
//! time, as in a real ITSM tool. Lifecycles are simulated later, per ticket.

use super::arrivals::{local_day, machine_time, user_time, working_day, Days};
use super::catalog::{CIS, ONSITE, SERVICES};
use super::clock::{self, Calendar, BDAY, DAY, HOUR};
use super::org::{self, CUSTOMER_WEIGHTS};
use super::rng::Rng;

/// "No value" marker for the small index fields of [`Seed`].
pub(crate) const NONE8: u8 = u8::MAX;
/// "No value" marker for CI indices.
pub(crate) const NONE16: u16 = u16::MAX;
/// "No value" marker for problem/change links.
pub(crate) const NONE32: u32 = u32::MAX;

/// What the planner fixes about one ticket before its lifecycle is simulated;
/// `NONE*` fields are left for the lifecycle to draw.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Seed {
    /// Opening instant (UTC seconds); first so sorting orders by time.
    pub t: i64,
    /// Forced CI.
    pub ci: u16,
    /// Forced category.
    pub category: u8,
    /// Forced customer.
    pub customer: u8,
    /// Linked problem (index into `Plan::problems`).
    pub problem: u32,
    /// Linked change (index into `Plan::changes`).
    pub change: u32,
    /// Incident raised by monitoring; for events: the event became an incident.
    pub monitoring: bool,
}

impl Seed {
    fn at(t: i64) -> Self {
        Seed { t, ci: NONE16, category: NONE8, customer: NONE8, problem: NONE32, change: NONE32, monitoring: false }
    }
}

/// Key dates of a change, fixed up front because incidents refer to them.
pub(crate) struct ChangePlan {
    pub opened: i64,
    /// CAB approval (status Open), or the cancellation instant.
    pub approved: i64,
    /// Implementation (status Resolved); incidents it causes follow it.
    pub implemented: i64,
    /// Post-implementation review done (status Closed).
    pub closed: i64,
    pub ci: u16,
    pub customer: u8,
    /// Implementing team.
    pub team: u8,
    pub cancelled: bool,
}

/// Key dates of a problem; `resolved` may lie after the period (still open).
pub(crate) struct ProblemPlan {
    pub opened: i64,
    /// When the fix was in place; incidents after it show the fix did not hold.
    pub resolved: i64,
    /// CI and category shared with the linked incidents.
    pub ci: u16,
    pub category: u8,
    pub customer: u8,
    /// Investigating team.
    pub team: u8,
}

/// The whole plan of one generation run. Each list is in ticket-number order
/// (by opening time): index `i` becomes number `i + 1` of its kind.
pub(crate) struct Plan {
    pub changes: Vec<ChangePlan>,
    pub events: Vec<Seed>,
    pub problems: Vec<ProblemPlan>,
    pub incidents: Vec<Seed>,
    pub requests: Vec<Seed>,
}

/// A category that the CI's service has titles for.
fn category_for(rng: &mut Rng, ci: u16) -> u8 {
    let titles = SERVICES[CIS[ci as usize].1 as usize].titles;
    titles[rng.index(titles.len())].0
}

/// The customer of a ticket on a CI: the owner, else any customer by size.
fn customer_for(rng: &mut Rng, ci: u16) -> u8 {
    CIS[ci as usize].2.unwrap_or_else(|| rng.weighted(&CUSTOMER_WEIGHTS) as u8)
}

/// The customer owning a change, problem or event: the CI's owner, else Gemensam.
fn owner_of(ci: u16) -> u8 {
    CIS[ci as usize].2.unwrap_or(org::GEMENSAM)
}

/// Resolve team of a CI for changes and problems (on-site work is Client Desktop's).
fn team_for(ci: u16) -> u8 {
    match SERVICES[CIS[ci as usize].1 as usize].team {
        ONSITE => org::CLIENT_DESKTOP,
        t => t,
    }
}

/// Any catalogued CI, uniformly.
fn any_ci(rng: &mut Rng) -> u16 {
    rng.index(CIS.len()) as u16
}

/// A monitored CI (servers, switches, firewalls), uniformly.
fn monitored_ci(rng: &mut Rng) -> u16 {
    let monitored: Vec<u16> = (0..CIS.len() as u16).filter(|&i| CIS[i as usize].3).collect();
    monitored[rng.index(monitored.len())]
}

/// A seed for an incident on a given CI and category.
fn on_ci(t: i64, ci: u16, category: u8, rng: &mut Rng) -> Seed {
    let mut s = Seed::at(t);
    s.ci = ci;
    s.category = category;
    s.customer = customer_for(rng, ci);
    s
}

/// Split of `total` tickets over kinds: (changes, events, incidents, problems, requests).
pub(crate) fn kind_counts(total: usize) -> [usize; 5] {
    let share = |pct: usize| (total * pct + 50) / 100;
    let (chg, evt, prb, req) = (share(3), share(5), share(2), share(35));
    [chg, evt, total - chg - evt - prb - req, prb, req]
}

/// Inputs shared by the planning steps.
struct Ctx<'a> {
    seed: u64,
    start: i64,
    end: i64,
    cal: &'a Calendar,
    days: Days,
}

impl Ctx<'_> {
    /// Local day numbers `[first, last)` of the period.
    fn span(&self) -> (i64, i64) {
        (self.days.first, self.days.first + self.days.office.len() as i64)
    }

    /// Changes (stream 1), plus incidents they caused and requests that asked for them.
    fn changes(&self, n: usize, incidents: &mut Vec<Seed>, requests: &mut Vec<Seed>) -> Vec<ChangePlan> {
        let (cal, days) = (self.cal, &self.days);
        let mut rng = Rng::derive(self.seed, 1, 0);
        let business_days = |rng: &mut Rng, lo: f64, hi: f64| (rng.uniform(lo, hi) * BDAY as f64) as i64;
        let mut changes: Vec<ChangePlan> = (0..n)
            .map(|_| {
                let opened = user_time(days.pick(&mut rng, &days.office), &mut rng, cal);
                let ci = if rng.chance(0.6) { monitored_ci(&mut rng) } else { any_ci(&mut rng) };
                let team = team_for(ci);
                let approved = cal.add_business(opened, business_days(&mut rng, 0.5, 5.0));
                let implemented = if team == org::INFRASTRUCTURE {
                    // Infrastructure works in the evening service window.
                    let d = local_day(cal.add_business(approved, rng.range(1, 5) * BDAY));
                    clock::local_to_utc(d * DAY + rng.range(18 * HOUR, 21 * HOUR))
                } else {
                    cal.add_business(approved, business_days(&mut rng, 0.5, 5.0))
                };
                let closed = cal.add_business(implemented, business_days(&mut rng, 1.0, 5.0));
                let cancelled = rng.chance(0.05);
                ChangePlan { opened, approved, implemented, closed, ci, customer: owner_of(ci), team, cancelled }
            })
            .collect();
        changes.sort_by_key(|c| (c.opened, c.ci));
        for (i, c) in changes.iter().enumerate().filter(|(_, c)| !c.cancelled) {
            if rng.chance(0.25) {
                for _ in 0..rng.range(1, 2) {
                    let t = cal.add_business(c.implemented, rng.range(300, 3 * BDAY / 2));
                    let category = category_for(&mut rng, c.ci);
                    let mut s = on_ci(t, c.ci, category, &mut rng);
                    s.change = i as u32;
                    incidents.push(s);
                }
            }
            if rng.chance(0.15) {
                let mut s = Seed::at(c.opened - rng.range(HOUR, 5 * DAY));
                s.change = i as u32;
                requests.push(s);
            }
        }
        changes
    }

    /// Monitoring events (stream 2); ~30 % become incidents minutes later.
    fn events(&self, n: usize, incidents: &mut Vec<Seed>) -> Vec<Seed> {
        let mut rng = Rng::derive(self.seed, 2, 0);
        let mut events: Vec<Seed> = (0..n)
            .map(|_| {
                let mut s = Seed::at(machine_time(self.days.pick(&mut rng, &self.days.flat), &mut rng));
                s.ci = monitored_ci(&mut rng);
                s.customer = owner_of(s.ci);
                s.monitoring = rng.chance(0.3);
                s
            })
            .collect();
        events.sort();
        for e in events.iter().filter(|e| e.monitoring) {
            let mut s = Seed::at(e.t + rng.range(60, 900));
            (s.ci, s.customer, s.monitoring) = (e.ci, e.customer, true);
            s.category = category_for(&mut rng, e.ci);
            incidents.push(s);
        }
        events
    }

    /// Problems (stream 3) with the recurring incidents linked to them: those
    /// that led to the problem, those during the investigation and, for about a
    /// third of the fixed ones, recurrences after the fix (it did not hold).
    fn problems(&self, n: usize, incidents: &mut Vec<Seed>) -> Vec<ProblemPlan> {
        let (cal, days) = (self.cal, &self.days);
        let (first, last) = self.span();
        let mut rng = Rng::derive(self.seed, 3, 0);
        let fix_days = [(0.0, 2.0), (0.5, 12.0), (0.85, 35.0), (1.0, 90.0)];
        let mut problems: Vec<ProblemPlan> = (0..n)
            .map(|_| {
                let lo = (first + 14).min(last - 1);
                let day = days.pick(&mut rng, &days.office).clamp(lo, (last - 2).max(lo));
                let opened = user_time(working_day(day, cal), &mut rng, cal);
                let ci = any_ci(&mut rng);
                let fix = (rng.quantile(&fix_days) * BDAY as f64) as i64;
                let category = category_for(&mut rng, ci);
                let resolved = cal.add_business(opened, fix);
                ProblemPlan { opened, resolved, ci, category, customer: owner_of(ci), team: team_for(ci) }
            })
            .collect();
        problems.sort_by_key(|p| (p.opened, p.ci, p.category));
        for (i, p) in problems.iter().enumerate() {
            let (od, rd) = (local_day(p.opened), local_day(p.resolved));
            let mut link = |rng: &mut Rng, day_lo: i64, day_hi: i64, after: i64, before: i64| {
                let t = user_time(working_day(rng.range(day_lo, day_hi), cal), rng, cal);
                if t >= self.start && t > after && t < before && t < self.end {
                    let mut s = on_ci(t, p.ci, p.category, rng);
                    s.problem = i as u32;
                    incidents.push(s);
                }
            };
            for _ in 0..rng.range(2, 5) {
                link(&mut rng, od - 30, od, i64::MIN, p.opened);
            }
            for _ in 0..rng.range(0, 3) {
                link(&mut rng, od, rd.min(od + 40), p.opened, p.resolved);
            }
            if p.resolved < self.end && rng.chance(0.35) {
                for _ in 0..rng.range(1, 3) {
                    link(&mut rng, rd, rd + 60, p.resolved, i64::MAX);
                }
            }
        }
        problems
    }

    /// Bursts of 3–5 incidents on one CI and category within 25 days that
    /// nobody opened a problem for (stream 4): the CAB's problem candidates.
    fn clusters(&self, n: usize, incidents: &mut Vec<Seed>) {
        let (first, last) = self.span();
        let mut rng = Rng::derive(self.seed, 4, 0);
        for _ in 0..n {
            let ci = any_ci(&mut rng);
            let category = category_for(&mut rng, ci);
            let d0 = self.days.pick(&mut rng, &self.days.office).min((last - 26).max(first));
            for _ in 0..rng.range(3, 5) {
                let day = working_day(d0 + rng.range(0, 25), self.cal).min(last - 1);
                let t = user_time(day, &mut rng, self.cal);
                incidents.push(on_ci(t, ci, category, &mut rng));
            }
        }
    }
}

/// Builds the plan for the period `[start, end)`.
pub(crate) fn build(seed: u64, start: i64, end: i64, total: usize, cal: &Calendar) -> Plan {
    let [n_chg, n_evt, n_inc, n_prb, n_req] = kind_counts(total);
    let days = Days::new(local_day(start), local_day(end - 1) + 1, cal);
    let ctx = Ctx { seed, start, end, cal, days };
    let (mut incidents, mut requests) = (Vec::new(), Vec::new());
    let changes = ctx.changes(n_chg, &mut incidents, &mut requests);
    let events = ctx.events(n_evt, &mut incidents);
    let problems = ctx.problems(n_prb, &mut incidents);
    ctx.clusters(if n_inc >= 50 { (n_prb / 4).max(2) } else { 0 }, &mut incidents);

    // Planted seeds first (they carry the structure), then ordinary arrivals
    // (stream 5) up to the exact count; ids follow opening order.
    let mut rng = Rng::derive(seed, 5, 0);
    for (list, n) in [(&mut incidents, n_inc), (&mut requests, n_req)] {
        list.retain(|s| s.t >= start && s.t < end);
        list.sort();
        list.truncate(n);
        while list.len() < n {
            let day = ctx.days.pick(&mut rng, &ctx.days.office);
            list.push(Seed::at(user_time(day, &mut rng, cal)));
        }
        list.sort();
    }
    Plan { changes, events, problems, incidents, requests }
}
