//! Lifecycles of the operational records that users do not raise themselves:
//! monitoring events, changes and problems. Their key dates were fixed by the
//! planner (other tickets refer to them); here they become history events.

use super::catalog::{self, CHANGE_TITLES, CIS, EVENT_TITLES, PROBLEM_TITLES};
use super::clock::BDAY;
use super::model::*;
use super::org;
use super::rng::Rng;
use super::Sim;

/// Sets the ticket's customer, CI and the CI's service.
fn place(tk: &mut Ticket, customer: u8, ci: u16) {
    tk.customer = customer;
    tk.ci.push_str(CIS[ci as usize].name);
    tk.service = CIS[ci as usize].service;
}

/// Picks a `(category, title)` from a table of [`catalog::group`] titles and
/// writes the title; [`catalog::BY_CLASS`] stands for the CI's class category.
fn titled(tk: &mut Ticket, ci: u16, table: &[(u8, &str)], rng: &mut Rng) {
    let (category, title) = table[rng.index(table.len())];
    tk.category = if category == catalog::BY_CLASS { catalog::class_category(ci) } else { category };
    catalog::render(&mut tk.title, title, &tk.ci);
}

impl Sim<'_> {
    /// Simulates monitoring event number `i`: most alerts clear by themselves;
    /// the rest are picked up by Infrastructure (and some became incidents).
    pub(crate) fn event(&self, i: usize, tk: &mut Ticket) {
        let seed = self.plan.events[i];
        let mut rng = Rng::derive(self.seed, 100 + Kind::Event as u64, i as u64);
        place(tk, seed.customer, seed.ci);
        tk.channel = MONITORING;
        titled(tk, seed.ci, EVENT_TITLES[catalog::group(seed.ci)], &mut rng);
        tk.impact = rng.weighted(&[50, 35, 15]) as u8;
        tk.urgency = rng.weighted(&[30, 50, 20, 0]) as u8;
        tk.priority = priority(tk.impact, tk.urgency);
        let infra = org::INFRASTRUCTURE;
        tk.push(seed.t, EvKind::Status, NEW, NOBODY, 0);
        tk.push(seed.t, EvKind::Assignment, infra, NOBODY, 0);
        let resolved = if !seed.monitoring && rng.chance(0.75) {
            let t = seed.t + rng.range(120, 3600);
            tk.push(t, EvKind::Status, RESOLVED, NOBODY, 0);
            t
        } else {
            let agent = self.people.pick_agent(infra, &mut rng);
            let t = self.cal.add_business(seed.t, rng.quantile(&[(0.0, 60.0), (0.5, 900.0), (1.0, 7200.0)]) as i64);
            tk.push(t, EvKind::Status, OPEN, agent, 0);
            let t = self.cal.add_business(t, rng.range(300, 3600));
            tk.push(t, EvKind::Worklog, 0, agent, rng.range(5, 30) as u16);
            tk.push(t, EvKind::Status, RESOLVED, agent, 0);
            t
        };
        tk.push(self.cal.add_business(resolved, BDAY), EvKind::Status, CLOSED, NOBODY, 0);
    }

    /// Simulates change number `i` from its planned dates: approval, the
    /// implementation window (with the implementer's work logged) and review.
    pub(crate) fn change(&self, i: usize, tk: &mut Ticket) {
        let c = &self.plan.changes[i];
        let mut rng = Rng::derive(self.seed, 100 + Kind::Change as u64, i as u64);
        place(tk, c.customer, c.ci);
        tk.channel = OTHER;
        tk.impact = rng.weighted(&[40, 45, 15]) as u8;
        titled(tk, c.ci, CHANGE_TITLES[catalog::group(c.ci)], &mut rng);
        let agent = self.people.pick_agent(c.team, &mut rng);
        tk.push(c.opened, EvKind::Status, NEW, agent, 0);
        tk.push(c.opened, EvKind::Assignment, c.team, agent, 0);
        if c.cancelled {
            tk.push(c.approved, EvKind::Status, CANCELLED, agent, 0);
            return;
        }
        tk.push(c.approved, EvKind::Status, OPEN, agent, 0);
        let prep = rng.range(30, 240) as u16;
        tk.push(c.approved, EvKind::Worklog, 0, agent, prep);
        tk.push(c.implemented, EvKind::Worklog, 0, agent, rng.range(30, 480) as u16);
        tk.push(c.implemented, EvKind::Status, RESOLVED, agent, 0);
        tk.push(c.closed, EvKind::Status, CLOSED, agent, 0);
    }

    /// Simulates problem number `i`: investigation with worklogs, sometimes a
    /// wait for the vendor, the fix at the planned instant and a later review.
    pub(crate) fn problem(&self, i: usize, tk: &mut Ticket) {
        let p = &self.plan.problems[i];
        let mut rng = Rng::derive(self.seed, 100 + Kind::Problem as u64, i as u64);
        place(tk, p.customer, p.ci);
        tk.category = p.category;
        tk.channel = OTHER;
        tk.impact = rng.weighted(&[10, 55, 35]) as u8;
        catalog::render(&mut tk.title, PROBLEM_TITLES[rng.index(PROBLEM_TITLES.len())], &tk.ci);
        let agent = self.people.pick_agent(p.team, &mut rng);
        tk.push(p.opened, EvKind::Status, NEW, agent, 0);
        tk.push(p.opened, EvKind::Assignment, p.team, agent, 0);
        let span = self.cal.business_secs(p.opened, p.resolved).max(2);
        let opened = self.cal.add_business(p.opened, rng.range(1, span / 10 + 1));
        tk.push(opened, EvKind::Status, OPEN, agent, 0);
        // Offsets in business time from `opened`; all strictly before the fix.
        let room = self.cal.business_secs(opened, p.resolved).max(1);
        let mut at: Vec<i64> = (0..rng.range(2, 6)).map(|_| rng.range(0, room - 1)).collect();
        at.sort_unstable();
        let pending = if rng.chance(0.25) {
            let a = rng.range(0, room - 1);
            Some((a, rng.range(a + 1, room)))
        } else {
            None
        };
        for off in at {
            tk.push(self.cal.add_business(opened, off), EvKind::Worklog, 0, agent, rng.range(30, 240) as u16);
        }
        if let Some((a, b)) = pending {
            // Pushed after the worklogs; `Ticket::finish` sorts them into place.
            tk.push(self.cal.add_business(opened, a), EvKind::Status, PENDING, agent, 0);
            tk.push(self.cal.add_business(opened, b), EvKind::Status, OPEN, agent, 0);
        }
        tk.push(p.resolved, EvKind::Status, RESOLVED, agent, 0);
        let review = self.cal.add_business(p.resolved, rng.range(5, 20) * BDAY);
        tk.push(review, EvKind::Status, CLOSED, agent, 0);
    }
}
