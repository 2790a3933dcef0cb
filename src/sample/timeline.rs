//! Turning a ticket's plan into dated history. A plan is a list of milestones
//! ("marks") at offsets of *active* business time since opening; this module
//! lays out the resolve-team phase, inserts pending pauses, converts offsets
//! to instants on the business clock, and adds reopen and auto-close.
//!
//! Planning in active business time is what makes SLA outcomes controllable:
//! pending pauses are added on top of the offsets, so "business time to
//! resolution net of pending" equals the planned budget exactly.

use super::clock::BDAY;
use super::model::*;
use super::org;
use super::rng::Rng;
use super::Sim;

/// Pending (waiting for customer or supplier) duration in business seconds.
const PENDING_SECS: [(f64, f64); 6] =
    [(0.0, 900.0), (0.3, 3600.0), (0.6, 14_400.0), (0.85, 48_600.0), (0.97, 162_000.0), (1.0, 324_000.0)];

/// Business days of the rare long stalls (waiting for a supplier, a decision,
/// a customer on leave) that give the backlog its tail of old tickets.
const STALL_DAYS: [(f64, f64); 4] = [(0.0, 20.0), (0.6, 50.0), (0.9, 120.0), (1.0, 250.0)];

/// Share of the target used by tickets that meet it.
const MET_FRACTION: [(f64, f64); 5] = [(0.0, 0.04), (0.3, 0.15), (0.6, 0.35), (0.85, 0.65), (1.0, 0.97)];

/// Resolve-team work per ticket in minutes.
const TEAM_WORK: [(f64, f64); 4] = [(0.0, 10.0), (0.5, 45.0), (0.9, 180.0), (1.0, 480.0)];

/// Probability that an escalated incident breaches, by the team resolving it
/// (TEAMS order): the on-site team of the smallest municipality and the
/// vendors are the weak spots the reports should reveal.
pub(super) const TEAM_BREACH: [f64; 11] = [0.0, 0.0, 0.47, 0.38, 0.40, 0.35, 0.38, 0.43, 0.57, 0.55, 0.50];

/// One milestone of a ticket's plan.
#[derive(Clone, Copy)]
pub(super) enum Act {
    Open,
    Work(u16),
    Assign(u8),
    /// Pending for this many business seconds, then back to Open.
    Pending(i64),
    Resolve,
}

/// Milestones at offsets of active business seconds since opening.
pub(super) type Marks = Vec<(i64, Act)>;

/// Worklog minutes drawn from a quantile table (at least 1).
pub(super) fn minutes(rng: &mut Rng, table: &[(f64, f64)]) -> u16 {
    rng.quantile(table).round().max(1.0) as u16
}

/// Active business seconds an SLA-bound ticket will take: beyond the target
/// with probability `p_breach`, otherwise a share of it.
pub(super) fn sla_budget(rng: &mut Rng, target: i64, p_breach: f64) -> i64 {
    let f = if rng.chance(p_breach) { rng.uniform(1.05, 2.6) } else { rng.quantile(&MET_FRACTION) };
    (target as f64 * f) as i64
}

/// Where an escalated ticket travels.
pub(super) struct Route {
    /// Team holding the ticket when the phase starts.
    pub holder: u8,
    /// The team that should resolve it.
    pub right: u8,
    /// A 3rd-line vendor the right team hands it to, if any.
    pub vendor: Option<u8>,
    /// Wrong 2nd-line teams visited before the right one.
    pub bounces: usize,
    /// Customer (selects the on-site team among wrong guesses).
    pub customer: u8,
}

impl Sim<'_> {
    /// Lays out the resolve-team phase between offsets `from` and `to`: wrong
    /// teams first when the ticket bounces, then the right team, possibly a
    /// vendor that either resolves or hands back.
    pub(super) fn team_phase(&self, r: &Route, from: i64, to: i64, rng: &mut Rng, marks: &mut Marks) {
        let span = (to - from).max(1) as f64;
        let (mut at, mut prev) = (from, r.holder);
        let pool = [
            org::BUSINESS_SYSTEMS,
            org::INFRASTRUCTURE,
            org::CLIENT_DESKTOP,
            org::REQUEST_FULFILMENT,
            org::tpp_for(r.customer),
        ];
        for _ in 0..r.bounces {
            let wrong = loop {
                let t = pool[rng.index(pool.len())];
                if t != r.right && t != prev {
                    break t;
                }
            };
            marks.push((at, Act::Assign(wrong)));
            at += (span * rng.uniform(0.05, 0.15)) as i64;
            marks.push((at, Act::Work(minutes(rng, &[(0.0, 5.0), (1.0, 20.0)]))));
            prev = wrong;
        }
        if prev != r.right {
            marks.push((at, Act::Assign(r.right)));
        }
        let Some(vendor) = r.vendor else {
            if rng.chance(0.4) {
                let mid = at + ((to - at) as f64 * rng.uniform(0.2, 0.7)) as i64;
                marks.push((mid, Act::Work(minutes(rng, &TEAM_WORK))));
            }
            marks.push((to, Act::Work(minutes(rng, &TEAM_WORK))));
            return;
        };
        at += ((to - at) as f64 * rng.uniform(0.1, 0.3)) as i64;
        marks.push((at, Act::Work(minutes(rng, &[(0.0, 10.0), (1.0, 60.0)]))));
        marks.push((at, Act::Assign(vendor)));
        if rng.chance(0.5) {
            // The vendor delivers a fix; the team applies it and resolves.
            at += ((to - at) as f64 * rng.uniform(0.5, 0.85)) as i64;
            marks.push((at, Act::Work(minutes(rng, &[(0.0, 30.0), (1.0, 240.0)]))));
            marks.push((at, Act::Assign(r.right)));
            marks.push((to, Act::Work(minutes(rng, &[(0.0, 5.0), (1.0, 30.0)]))));
        } else {
            marks.push((to, Act::Work(minutes(rng, &TEAM_WORK))));
        }
    }

    /// Inserts zero, one or two pending periods somewhere in `[from, to)` and
    /// sorts the marks (stably, so same-offset marks keep their causal order).
    pub(super) fn add_pending(&self, rng: &mut Rng, from: i64, to: i64, request: bool, marks: &mut Marks) {
        let n = if rng.chance(if request { 0.25 } else { 0.2 }) { 1 + rng.chance(0.2) as usize } else { 0 };
        for _ in 0..n {
            let at = rng.range(from, (to - 1).max(from));
            let secs = if rng.chance(0.07) {
                (rng.quantile(&STALL_DAYS) * BDAY as f64) as i64
            } else {
                rng.quantile(&PENDING_SECS) as i64
            };
            marks.push((at, Act::Pending(secs.max(60))));
        }
        marks.sort_by_key(|m| m.0);
    }

    /// Converts the marks into history events from `t0`, then adds an
    /// occasional reopen (with extra work, counted against `target`) and the
    /// auto-close 2–5 business days after the final resolution.
    pub(super) fn walk_and_close(
        &self,
        t0: i64,
        agent: u16,
        marks: &[(i64, Act)],
        target: Option<i64>,
        rng: &mut Rng,
        tk: &mut Ticket,
    ) {
        let (mut t, mut off, mut agent) = (t0, 0, agent);
        for &(at, act) in marks {
            t = self.cal.add_business(t, at - off);
            off = off.max(at);
            match act {
                Act::Open => tk.push(t, EvKind::Status, OPEN, agent, 0),
                Act::Work(m) => tk.push(t, EvKind::Worklog, 0, agent, m),
                Act::Assign(team) => {
                    // The agent handing over is the actor; the receiver picks it up.
                    tk.push(t, EvKind::Assignment, team, agent, 0);
                    agent = self.people.pick_agent(team, rng);
                }
                Act::Pending(secs) => {
                    tk.push(t, EvKind::Status, PENDING, agent, 0);
                    t = self.cal.add_business(t, secs);
                    tk.push(t, EvKind::Status, OPEN, agent, 0);
                }
                Act::Resolve => tk.push(t, EvKind::Status, RESOLVED, agent, 0),
            }
        }
        if rng.chance(0.04) {
            // The customer answers "still broken" before the auto-close.
            t = self.cal.add_business(t, rng.range(1800, 2 * BDAY - 1800));
            tk.push(t, EvKind::Reopen, OPEN, NOBODY, 0);
            let extra = match target {
                Some(target) => (target as f64 * rng.uniform(0.03, 0.25)) as i64,
                None => rng.range(1800, BDAY),
            };
            t = self.cal.add_business(t, extra.max(300));
            let m = minutes(rng, &[(0.0, 10.0), (1.0, 60.0)]);
            tk.push(t, EvKind::Worklog, 0, agent, m);
            tk.push(t, EvKind::Status, RESOLVED, agent, 0);
        }
        let days = [2, 3, 4, 5][rng.weighted(&[25, 45, 15, 15])];
        let closed = self.cal.add_business(t, days * BDAY);
        tk.push(closed, EvKind::Status, CLOSED, NOBODY, 0);
    }
}
