//! Lifecycle of user-facing tickets — incidents and requests — through the
//! three support lines: intake at the Service Desk (or Back Office), then
//! either first-touch resolution or escalation to a resolve team (see
//! `timeline` for the team phase, pending pauses, reopen and auto-close).
//! Incidents raised by monitoring skip the 1st line and start at Infrastructure.

use super::catalog::{self, On, CIS, ITEMS, REQUEST_TITLES, SERVICES};
use super::clock::{BDAY, HOUR};
use super::model::*;
use super::org::{self, BACK_OFFICE, SERVICE_DESK};
use super::plan::{Seed, NONE16};
use super::rng::Rng;
use super::timeline::{minutes, sla_budget, Act, Marks, Route, TEAM_BREACH};
use super::Sim;
use std::fmt::Write as _;

/// Business seconds the 1st line spends on a ticket it resolves itself.
const FIRST_LINE_HANDLING: [(f64, f64); 5] =
    [(0.0, 120.0), (0.5, 900.0), (0.8, 2700.0), (0.95, 14_400.0), (1.0, 2.0 * 32_400.0)];

/// Business seconds until an e-mail/portal ticket is picked up.
const RESPONSE: [(f64, f64); 5] = [(0.0, 30.0), (0.5, 240.0), (0.8, 600.0), (0.95, 1800.0), (1.0, 5400.0)];

/// Business seconds from opening to escalation: ~80 % within the 15-minute
/// target, a tail of tickets the 1st line kept for up to a day.
const ESCALATE_FAST: [(f64, f64); 3] = [(0.0, 60.0), (0.5, 330.0), (1.0, 890.0)];
const ESCALATE_SLOW: [(f64, f64); 4] = [(0.0, 910.0), (0.5, 2700.0), (0.9, 10_800.0), (1.0, 32_400.0)];

/// How a user ticket will be handled, decided from its service or item.
struct Handling {
    /// The 1st line resolves it (possibly via Back Office).
    ftr: bool,
    /// Resolve team when escalated.
    right: u8,
    vendor: Option<u8>,
    /// Chance of visiting wrong teams first.
    bounce_p: f64,
    /// SLA resolution target (incidents); requests follow `delivery` instead.
    target: Option<i64>,
    /// Delivery time in business days once escalated (requests).
    delivery: (f64, f64),
    /// The 1st line usually passes it to Back Office (account/access items).
    back_office_item: bool,
}

impl Sim<'_> {
    /// Simulates incident number `i` of the plan into `tk`.
    pub(crate) fn incident(&self, i: usize, tk: &mut Ticket) {
        let seed = self.plan.incidents[i];
        let mut rng = Rng::derive(self.seed, 100 + Kind::Incident as u64, i as u64);
        let mut requester = None;
        let title = if seed.ci != NONE16 {
            // Planted structure: the CI and category are given; any fault of
            // that category recorded on the CI gives the title.
            let ci = &CIS[seed.ci as usize];
            (tk.customer, tk.service, tk.category) = (seed.customer, ci.service, seed.category);
            tk.ci.push_str(ci.name);
            let fitting = catalog::faults_on(seed.ci).filter(|f| f.category == seed.category);
            let k = rng.index(fitting.clone().count().max(1));
            fitting.map(|f| f.title).nth(k).unwrap_or("Fel på {ci}")
        } else {
            // Who reports what on which CI comes from the subject's own stream,
            // so that a follow-up about the same fault repeats it exactly.
            let mut who = Rng::derive(self.seed, 6, seed.subject as u64);
            tk.customer = who.weighted(&org::CUSTOMER_WEIGHTS) as u8;
            tk.service = who.weighted(&self.catalog.service_weights) as u8;
            let faults = SERVICES[tk.service as usize].faults;
            let fault = &faults[who.weighted(&self.catalog.fault_weights[tk.service as usize])];
            tk.category = fault.category;
            self.user_ci(fault.on, &mut who, tk);
            requester = Some(self.people.pick_requester(tk.customer, &mut who));
            fault.title
        };
        catalog::render(&mut tk.title, title, &tk.ci);
        let (imp, urg): (&[u32], &[u32]) =
            if seed.monitoring { (&[20, 50, 30], &[10, 40, 35, 15]) } else { (&[55, 33, 12], &[22, 50, 20, 8]) };
        tk.impact = rng.weighted(imp) as u8;
        tk.urgency = rng.weighted(urg) as u8;
        tk.priority = priority(tk.impact, tk.urgency);
        (tk.problem, tk.change) = (seed.problem, seed.change);
        tk.billable = rng.chance(0.03); // work outside the base agreement
        let svc = &SERVICES[tk.service as usize];
        // On-site technicians handle physical faults; software goes to Client Desktop.
        let right = match svc.team {
            catalog::ONSITE if catalog::physical(tk.category) => org::tpp_for(tk.customer),
            catalog::ONSITE => org::CLIENT_DESKTOP,
            t => t,
        };
        let target = TARGET_HOURS[tk.priority as usize] * HOUR;
        if seed.monitoring {
            tk.channel = MONITORING;
            return self.monitored_incident(&seed, right, svc.vendor, target, &mut rng, tk);
        }
        tk.requester = requester.unwrap_or_else(|| self.people.pick_requester(tk.customer, &mut rng));
        let ftr = rng.chance(svc.ftr);
        let vendor = svc.vendor.filter(|_| !ftr && rng.chance(0.15));
        let h = Handling {
            ftr,
            right,
            vendor,
            bounce_p: 0.14,
            target: Some(target),
            delivery: (0.0, 0.0),
            back_office_item: false,
        };
        self.user_ticket(&seed, &h, &mut rng, tk);
    }

    /// Records the CI of an ordinary user incident: one of the customer's
    /// devices, a catalogued CI the customer uses, or none.
    fn user_ci(&self, on: On, rng: &mut Rng, tk: &mut Ticket) {
        match on {
            On::Device(d) => {
                let dev = &catalog::DEVICES[d];
                let count = dev.per_customer[tk.customer as usize] as usize;
                let n = 1 + ((rng.f64().powi(dev.skew) * count as f64) as usize).min(count - 1);
                let (prefix, site, digits) = (dev.prefix, catalog::SITES[tk.customer as usize], dev.digits);
                let _ = write!(tk.ci, "{prefix}-{site}-{n:0digits$}");
            }
            On::Named(class) => {
                let cis = self.catalog.cis_for(tk.service, class, tk.customer);
                if !cis.is_empty() {
                    tk.ci.push_str(CIS[cis[rng.index(cis.len())] as usize].name);
                }
            }
            On::Nothing => {}
        }
    }

    /// Simulates request number `i` of the plan into `tk`.
    pub(crate) fn request(&self, i: usize, tk: &mut Ticket) {
        let seed = self.plan.requests[i];
        let mut rng = Rng::derive(self.seed, 100 + Kind::Request as u64, i as u64);
        tk.customer = rng.weighted(&org::CUSTOMER_WEIGHTS) as u8;
        let it = rng.weighted(&self.catalog.item_weights);
        let item = &ITEMS[it];
        (tk.item, tk.service, tk.category) = (it as u8, item.service, item.category);
        if let Some(ci) = item.ci {
            tk.ci.push_str(ci);
        }
        let titles = REQUEST_TITLES.len() - !catalog::physical(item.category) as usize;
        catalog::render(&mut tk.title, REQUEST_TITLES[rng.index(titles)], item.name);
        tk.impact = rng.weighted(&[85, 15, 0]) as u8;
        tk.urgency = rng.weighted(&[40, 50, 10, 0]) as u8;
        tk.priority = priority(tk.impact, tk.urgency);
        tk.change = seed.change;
        tk.billable = item.billable;
        tk.requester = self.people.pick_requester(tk.customer, &mut rng);
        let team = match item.team {
            catalog::ONSITE => org::tpp_for(tk.customer),
            t => t,
        };
        let h = Handling {
            ftr: first_line(team) || rng.chance(item.first_line),
            // Account items the 1st line cannot do go to the directory team.
            right: if first_line(team) { org::INFRASTRUCTURE } else { team },
            vendor: None,
            bounce_p: 0.05,
            target: None,
            delivery: item.days,
            back_office_item: item.team == BACK_OFFICE,
        };
        self.user_ticket(&seed, &h, &mut rng, tk);
    }

    /// Intake through the 1st line and everything after it.
    fn user_ticket(&self, seed: &Seed, h: &Handling, rng: &mut Rng, tk: &mut Ticket) {
        let Some((first, agent, resp)) = self.intake(seed.t, rng, tk) else {
            return;
        };
        let mut marks = Marks::with_capacity(16);
        let (work_from, total) = if h.ftr {
            (resp, self.first_line_marks(first, resp, h, rng, &mut marks))
        } else {
            self.escalated_marks(first, resp, h, rng, tk.customer, &mut marks)
        };
        self.add_pending(rng, work_from, total, tk.kind == Kind::Request, &mut marks);
        marks.push((total, Act::Resolve));
        self.walk_and_close(seed.t, agent, &marks, h.target, rng, tk);
    }

    /// Channel, creation, first assignment and response delay; `None` when the
    /// ticket is cancelled (then its whole history is already written).
    fn intake(&self, t0: i64, rng: &mut Rng, tk: &mut Ticket) -> Option<(u8, u16, i64)> {
        let channels: &[u32] = match (self.cal.is_office_hours(t0), tk.kind) {
            (false, _) => &[5, 40, 55, 0, 0, 0],
            (true, Kind::Request) => &[12, 20, 62, 3, 0, 3],
            _ => &[38, 22, 28, 6, 0, 6],
        };
        tk.channel = rng.weighted(channels) as u8;
        let first = if rng.chance(0.07) { BACK_OFFICE } else { SERVICE_DESK };
        let agent = self.people.pick_agent(first, rng);
        // Phone and walk-in tickets are registered by the agent talking to the user.
        let live = matches!(tk.channel, PHONE | WALK_IN);
        tk.push(t0, EvKind::Status, NEW, NOBODY, 0);
        tk.push(t0, EvKind::Assignment, first, if live { agent } else { NOBODY }, 0);
        let mut resp = if live { rng.range(0, 90) } else { rng.quantile(&RESPONSE) as i64 };
        if !live && rng.chance(0.003) {
            resp = rng.range(1, 15) * BDAY; // forgotten in the queue
        }
        if rng.chance(0.02) {
            let mut t = t0;
            if rng.chance(0.5) {
                t = self.cal.add_business(t0, resp);
                tk.push(t, EvKind::Status, OPEN, agent, 0);
            }
            let t = self.cal.add_business(t, rng.range(300, 3 * BDAY));
            tk.push(t, EvKind::Status, CANCELLED, agent, 0);
            return None;
        }
        Some((first, agent, resp))
    }

    /// The 1st line resolves the ticket itself; returns the active time used.
    fn first_line_marks(&self, first: u8, resp: i64, h: &Handling, rng: &mut Rng, marks: &mut Marks) -> i64 {
        let mut handling = rng.quantile(&FIRST_LINE_HANDLING) as i64;
        if let Some(target) = h.target.filter(|_| rng.chance(0.04)) {
            // The 1st line sits on a ticket it could solve: a breach without escalation.
            handling = (target as f64 * rng.uniform(1.05, 2.0)) as i64;
        }
        let total = resp + handling;
        marks.push((resp, Act::Open));
        if first == SERVICE_DESK && rng.chance(if h.back_office_item { 0.7 } else { 0.08 }) {
            marks.push((resp + handling.min(600) / 2, Act::Assign(BACK_OFFICE)));
        }
        let m = minutes(rng, &[(0.0, 3.0), (0.5, 10.0), (0.9, 30.0), (1.0, 90.0)]);
        marks.push((total, Act::Work(m.min((handling / 60).max(1) as u16))));
        total
    }

    /// Triage, escalation and the resolve-team phase; returns (escalation offset, total).
    fn escalated_marks(
        &self,
        first: u8,
        resp: i64,
        h: &Handling,
        rng: &mut Rng,
        customer: u8,
        marks: &mut Marks,
    ) -> (i64, i64) {
        let table: &[(f64, f64)] = if rng.chance(0.8) { &ESCALATE_FAST } else { &ESCALATE_SLOW };
        let e = rng.quantile(table) as i64;
        let resp = resp.min((e as f64 * rng.uniform(0.2, 0.8)) as i64);
        marks.push((resp, Act::Open));
        marks.push((e, Act::Work(minutes(rng, &[(0.0, 2.0), (0.5, 6.0), (1.0, 20.0)]))));
        let bounces = if rng.chance(h.bounce_p) { 1 + rng.weighted(&[60, 30, 10]) } else { 0 };
        let total = match h.target {
            Some(target) => {
                let p = TEAM_BREACH[h.right as usize]
                    + if h.vendor.is_some() { 0.2 } else { 0.0 }
                    + if bounces > 0 { 0.15 } else { 0.0 };
                sla_budget(rng, target, p).max(e + 900)
            }
            None => e + (rng.uniform(h.delivery.0, h.delivery.1) * BDAY as f64) as i64,
        };
        let route = Route { holder: first, right: h.right, vendor: h.vendor, bounces, customer };
        self.team_phase(&route, e, total, rng, marks);
        (e, total)
    }

    /// Incidents raised from monitoring start at Infrastructure (no 1st line).
    fn monitored_incident(
        &self,
        seed: &Seed,
        right: u8,
        vendor: Option<u8>,
        target: i64,
        rng: &mut Rng,
        tk: &mut Ticket,
    ) {
        let first = org::INFRASTRUCTURE;
        let agent = self.people.pick_agent(first, rng);
        tk.push(seed.t, EvKind::Status, NEW, NOBODY, 0);
        tk.push(seed.t, EvKind::Assignment, first, NOBODY, 0);
        let resp = rng.quantile(&[(0.0, 60.0), (0.5, 600.0), (1.0, 3600.0)]) as i64;
        let vendor = vendor.filter(|_| rng.chance(0.15));
        let p = TEAM_BREACH[right as usize] + if vendor.is_some() { 0.2 } else { 0.0 };
        let budget = sla_budget(rng, target, p);
        let handoff = resp + rng.range(300, 3600);
        let total = budget.max(handoff + 900);
        let mut marks = vec![(resp, Act::Open)];
        if right != first {
            // Triage by Infrastructure before passing it on to the owning team.
            marks.push((handoff, Act::Work(minutes(rng, &[(0.0, 5.0), (1.0, 20.0)]))));
        }
        let route = Route { holder: first, right, vendor, bounces: 0, customer: tk.customer };
        self.team_phase(&route, handoff, total, rng, &mut marks);
        self.add_pending(rng, resp, total, false, &mut marks);
        marks.push((total, Act::Resolve));
        self.walk_and_close(seed.t, agent, &marks, Some(target), rng, tk);
    }
}
