//! Planning pass: decides how many tickets of each kind exist, when each one
//! opens, and the cross-ticket structure that single tickets cannot decide on
//! their own — changes and problems with their key dates, incidents that recur
//! on a problem's CI (including after the fix), unlinked recurring clusters
//! (a flaky switch, a bad client update), incidents raised from monitoring
//! events, incidents caused by changes, and users calling again about the same
//! fault. Together with the catalogue's CI populations this sets the
//! repeat-incident rate (same CI and category within 30 days) of the sample.
//!
//! Every kind's seeds are sorted by opening time so ticket numbers rise with
//! time, as in a real ITSM tool. Lifecycles are simulated later, per ticket.

use super::arrivals::{local_day, machine_time, user_time, working_day, Days};
use super::catalog::{self, Class, CIS, ONSITE, SERVICES};
use super::cis::Ci;
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
    /// Ordinary user incidents: who reports which fault on which CI, as the
    /// index of a PRNG stream. A follow-up call about the same fault (the user
    /// calls again instead of answering the resolved ticket) shares it.
    pub subject: u32,
}

impl Seed {
    fn at(t: i64) -> Self {
        Seed {
            t,
            ci: NONE16,
            category: NONE8,
            customer: NONE8,
            problem: NONE32,
            change: NONE32,
            monitoring: false,
            subject: NONE32,
        }
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

/// A category of a fault that can be recorded on the CI.
fn category_for(rng: &mut Rng, ci: u16) -> u8 {
    let faults = catalog::faults_on(ci);
    let n = faults.clone().count();
    faults.map(|f| f.category).nth(rng.index(n)).expect("every CI has faults")
}

/// The customer of a ticket on a CI: the owner, else any customer by size.
fn customer_for(rng: &mut Rng, ci: u16) -> u8 {
    CIS[ci as usize].owner.unwrap_or_else(|| rng.weighted(&CUSTOMER_WEIGHTS) as u8)
}

/// The customer owning a change, problem or event: the CI's owner, else Gemensam.
fn owner_of(ci: u16) -> u8 {
    CIS[ci as usize].owner.unwrap_or(org::GEMENSAM)
}

/// Resolve team of a CI for changes and problems (on-site work is Client Desktop's).
fn team_for(ci: u16) -> u8 {
    match SERVICES[CIS[ci as usize].service as usize].team {
        ONSITE => org::CLIENT_DESKTOP,
        t => t,
    }
}

/// Any catalogued CI, uniformly.
fn any_ci(rng: &mut Rng) -> u16 {
    rng.index(CIS.len()) as u16
}

/// A catalogued CI of a class, uniformly, among those owned by a municipality
/// when `local` (an access switch or a municipality's client image).
fn ci_of_class(rng: &mut Rng, class: Class, local: bool) -> u16 {
    let fits = |c: &Ci| c.class == class && (!local || matches!(c.owner, Some(0..=2)));
    let n = CIS.iter().filter(|c| fits(c)).count();
    let k = rng.index(n);
    CIS.iter().enumerate().filter(|(_, c)| fits(c)).nth(k).map(|(i, _)| i as u16).expect("class has CIs")
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
    /// Monitored CIs (network gear, servers).
    monitored: Vec<u16>,
}

impl Ctx<'_> {
    /// A monitored CI, uniformly.
    fn monitored_ci(&self, rng: &mut Rng) -> u16 {
        self.monitored[rng.index(self.monitored.len())]
    }

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
                let ci = if rng.chance(0.6) { self.monitored_ci(&mut rng) } else { any_ci(&mut rng) };
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
                s.ci = self.monitored_ci(&mut rng);
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

    /// Problems (stream 3) with the incidents linked to them. Most are reactive:
    /// incidents that recurred before the problem was opened, some during the
    /// investigation and, for about a third of the fixed ones, recurrences
    /// after the fix (it did not hold). A quarter are proactive (raised from
    /// monitoring trends or a vendor's advisory) and have at most one incident.
    fn problems(&self, n: usize, incidents: &mut Vec<Seed>) -> Vec<ProblemPlan> {
        let (cal, days) = (self.cal, &self.days);
        let (first, last) = self.span();
        let mut rng = Rng::derive(self.seed, 3, 0);
        let fix_days = [(0.0, 2.0), (0.5, 12.0), (0.85, 35.0), (1.0, 90.0)];
        let mut problems: Vec<ProblemPlan> = (0..n)
            .map(|_| {
                let lo = (first + 14).min(last - 1);
                // Half follow the users' volume curve, half not: problem work
                // (and the faults behind it) does not take the summer off.
                let cdf = if rng.chance(0.5) { &days.office } else { &days.flat };
                let day = days.pick(&mut rng, cdf).clamp(lo, (last - 2).max(lo));
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
            if rng.chance(0.25) {
                for _ in 0..rng.range(0, 1) {
                    link(&mut rng, od, rd.min(od + 40), p.opened, p.resolved);
                }
                continue;
            }
            for _ in 0..rng.range(2, 3) {
                link(&mut rng, od - 40, od, i64::MIN, p.opened);
            }
            for _ in 0..rng.range(0, 1) {
                link(&mut rng, od, rd.min(od + 40), p.opened, p.resolved);
            }
            if p.resolved < self.end && rng.chance(0.35) {
                for _ in 0..rng.range(1, 2) {
                    link(&mut rng, rd, rd + 60, p.resolved, i64::MAX);
                }
            }
        }
        problems
    }

    /// Runs of incidents on one CI and category that nobody opened a problem
    /// for (stream 4): the problem candidates. They take turns being a flaky
    /// access switch (3–5 reports days apart), a bad client update rolled out
    /// to one municipality (4–7 reports within days) and a fault on any CI.
    fn clusters(&self, n: usize, incidents: &mut Vec<Seed>) {
        let (first, last) = self.span();
        let mut rng = Rng::derive(self.seed, 4, 0);
        for k in 0..n {
            let (ci, category, reports, gap) = match k % 3 {
                0 => (ci_of_class(&mut rng, Class::Switch, true), catalog::NET_SWITCH, (3, 5), (1, 12)),
                1 => (ci_of_class(&mut rng, Class::Platform, true), catalog::SW_UPDATE, (4, 7), (0, 3)),
                _ => {
                    let ci = any_ci(&mut rng);
                    (ci, category_for(&mut rng, ci), (3, 5), (1, 14))
                }
            };
            let mut day = self.days.pick(&mut rng, &self.days.flat).min((last - 30).max(first));
            for _ in 0..rng.range(reports.0, reports.1) {
                day = working_day(day + rng.range(gap.0, gap.1), self.cal);
                if day >= last {
                    break;
                }
                let t = user_time(day, &mut rng, self.cal);
                incidents.push(on_ci(t, ci, category, &mut rng));
            }
        }
    }
}

/// Share of ordinary user incidents followed by a new incident about the same
/// fault: the fix did not hold, or the user called again instead of reopening.
const FOLLOW_UP: f64 = 0.04;

/// Days until that follow-up call: mostly within a week or two.
const FOLLOW_UP_DAYS: [(f64, f64); 4] = [(0.0, 1.0), (0.5, 5.0), (0.9, 16.0), (1.0, 28.0)];

/// Builds the plan for the period `[start, end)`.
pub(crate) fn build(seed: u64, start: i64, end: i64, total: usize, cal: &Calendar) -> Plan {
    let [n_chg, n_evt, n_inc, n_prb, n_req] = kind_counts(total);
    let days = Days::new(local_day(start), local_day(end - 1) + 1, cal);
    let monitored = (0..CIS.len() as u16).filter(|&i| CIS[i as usize].class.monitored()).collect();
    let ctx = Ctx { seed, start, end, cal, days, monitored };
    let (mut incidents, mut requests) = (Vec::new(), Vec::new());
    let changes = ctx.changes(n_chg, &mut incidents, &mut requests);
    let events = ctx.events(n_evt, &mut incidents);
    let problems = ctx.problems(n_prb, &mut incidents);
    ctx.clusters(if n_inc >= 50 { (n_prb / 8).max(2) } else { 0 }, &mut incidents);

    // Planted seeds first (they carry the structure), then ordinary arrivals
    // (stream 5) up to the exact count; ids follow opening order. Some user
    // incidents are followed by a new call about the same fault days later.
    let mut rng = Rng::derive(seed, 5, 0);
    let mut subject = 0;
    for (list, n, follow_up) in [(&mut incidents, n_inc, FOLLOW_UP), (&mut requests, n_req, 0.0)] {
        list.retain(|s| s.t >= start && s.t < end);
        list.sort();
        list.truncate(n);
        while list.len() < n {
            let day = ctx.days.pick(&mut rng, &ctx.days.office);
            let mut s = Seed::at(user_time(day, &mut rng, cal));
            (s.subject, subject) = (subject, subject + 1);
            list.push(s);
            if list.len() < n && rng.chance(follow_up) {
                let later = working_day(day + rng.quantile(&FOLLOW_UP_DAYS) as i64, cal);
                s.t = user_time(later, &mut rng, cal);
                if s.t < end {
                    list.push(s);
                }
            }
        }
        list.sort();
    }
    Plan { changes, events, problems, incidents, requests }
}
