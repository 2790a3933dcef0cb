//! In-memory shape of one generated ticket and its history, the label
//! vocabularies written to the CSV files, the SLA priority matrix, and the
//! derivation of a ticket row's summary fields from its events.
//!
//! Deriving the row from the events (instead of tracking both while simulating)
//! is what makes `tickets.csv` and `history.csv` consistent by construction.

use super::org;

/// Ticket kinds in output order; the order is alphabetical by id prefix, which
/// makes both files sorted by `ticket_id`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Change,
    Event,
    Incident,
    Problem,
    Request,
}

impl Kind {
    /// All kinds in output order.
    pub(crate) const ALL: [Kind; 5] = [Kind::Change, Kind::Event, Kind::Incident, Kind::Problem, Kind::Request];

    /// Ticket id prefix.
    pub(crate) fn prefix(self) -> &'static str {
        ["CHG", "EVT", "INC", "PRB", "REQ"][self as usize]
    }

    /// Value of the `kind` column.
    pub(crate) fn label(self) -> &'static str {
        ["change", "event", "incident", "problem", "request"][self as usize]
    }
}

/// Status codes (indices into [`STATUS`]).
pub(crate) const NEW: u8 = 0;
pub(crate) const OPEN: u8 = 1;
pub(crate) const PENDING: u8 = 2;
pub(crate) const RESOLVED: u8 = 3;
pub(crate) const CLOSED: u8 = 4;
pub(crate) const CANCELLED: u8 = 5;
/// Status labels.
pub(crate) const STATUS: [&str; 6] = ["New", "Open", "Pending", "Resolved", "Closed", "Cancelled"];

/// Channel labels; indices used by the simulation.
pub(crate) const CHANNELS: [&str; 6] = ["phone", "email", "portal", "walk_in", "monitoring", "other"];
pub(crate) const PHONE: u8 = 0;
pub(crate) const WALK_IN: u8 = 3;
pub(crate) const MONITORING: u8 = 4;
pub(crate) const OTHER: u8 = 5;

/// Impact labels (matrix rows).
pub(crate) const IMPACTS: [&str; 3] = ["Low", "Medium", "High"];
/// Urgency labels (matrix columns).
pub(crate) const URGENCIES: [&str; 4] = ["Low", "Normal", "High", "Urgent"];
/// Priority labels, lowest first ("Normal" ranks above "Medium" in this organisation).
pub(crate) const PRIORITIES: [&str; 4] = ["Low", "Medium", "Normal", "High"];
/// Resolution target per priority in business hours.
pub(crate) const TARGET_HOURS: [i64; 4] = [40, 16, 8, 4];
/// The shipped default priority matrix: `MATRIX[impact][urgency]` → priority.
pub(crate) const MATRIX: [[u8; 4]; 3] = [[0, 1, 2, 3], [1, 1, 3, 3], [2, 2, 3, 3]];

/// No agent (system or customer action).
pub(crate) const NOBODY: u16 = u16::MAX;

/// History event kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EvKind {
    Status,
    Assignment,
    Worklog,
    Reopen,
}

impl EvKind {
    /// Value of the history `kind` column.
    pub(crate) fn label(self) -> &'static str {
        ["status", "assignment", "worklog", "reopen"][self as usize]
    }
}

/// One history row.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ev {
    /// Instant, UTC seconds.
    pub t: i64,
    pub kind: EvKind,
    /// Status code (status, reopen) or team index (assignment); unused for worklogs.
    pub value: u8,
    /// Agent id, or [`NOBODY`] for system and customer actions.
    pub agent: u16,
    /// Worklog minutes; unused otherwise.
    pub minutes: u16,
}

/// One generated ticket; reused across tickets to avoid per-row allocation.
/// Index fields use the `plan::NONE*` markers for "empty".
pub(crate) struct Ticket {
    pub kind: Kind,
    pub seq: u32,
    pub title: String,
    pub customer: u8,
    pub service: u8,
    pub category: u8,
    /// CI name (empty: none); a string because device CIs are numbered, not catalogued.
    pub ci: String,
    pub channel: u8,
    pub impact: u8,
    pub urgency: u8,
    pub priority: u8,
    pub problem: u32,
    pub change: u32,
    pub billable: bool,
    pub item: u8,
    pub requester: u32,
    pub events: Vec<Ev>,
}

impl Ticket {
    /// An empty ticket buffer.
    pub(crate) fn new() -> Self {
        let mut t = Ticket {
            kind: Kind::Incident,
            seq: 0,
            title: String::with_capacity(128),
            customer: 0,
            service: 0,
            category: 0,
            ci: String::with_capacity(32),
            channel: 0,
            impact: 0,
            urgency: 0,
            priority: 0,
            problem: 0,
            change: 0,
            billable: false,
            item: 0,
            requester: 0,
            events: Vec::with_capacity(32),
        };
        t.reset(Kind::Incident, 0);
        t
    }

    /// Clears every field for the next ticket, keeping allocations.
    pub(crate) fn reset(&mut self, kind: Kind, seq: u32) {
        use super::plan::{NONE32, NONE8};
        self.kind = kind;
        self.seq = seq;
        self.title.clear();
        self.events.clear();
        (self.service, self.category, self.channel) = (NONE8, NONE8, NONE8);
        (self.impact, self.urgency, self.priority, self.item) = (NONE8, NONE8, NONE8, NONE8);
        self.ci.clear();
        (self.problem, self.change, self.requester) = (NONE32, NONE32, NONE32);
        self.customer = 0;
        self.billable = false;
    }

    /// Appends a history event.
    pub(crate) fn push(&mut self, t: i64, kind: EvKind, value: u8, agent: u16, minutes: u16) {
        self.events.push(Ev { t, kind, value, agent, minutes });
    }

    /// Puts events in time order (stable, so same-instant events keep their
    /// causal order, e.g. New before the first assignment) and drops everything
    /// at or after the export instant `end`.
    pub(crate) fn finish(&mut self, end: i64) {
        self.events.sort_by_key(|e| e.t);
        let keep = self.events.partition_point(|e| e.t < end);
        self.events.truncate(keep);
    }
}

/// Summary fields of a ticket row, derived from its (finished) events.
#[derive(Debug, Default)]
pub(crate) struct Derived {
    pub status: u8,
    pub first_response: Option<i64>,
    /// Last Resolved instant, only while the ticket is Resolved or Closed: a
    /// reopened ticket that is open again has no resolution (yet).
    pub resolved: Option<i64>,
    pub closed: Option<i64>,
    pub first_team: Option<u8>,
    pub resolved_by: Option<u8>,
    pub assigned: Option<u8>,
    pub reassignments: u32,
    pub reopens: u32,
    pub work_minutes: u32,
    pub updated: i64,
}

impl Derived {
    /// Walks the events once.
    pub(crate) fn from_events(events: &[Ev]) -> Self {
        let mut d = Derived::default();
        let mut holder = None;
        let mut assignments = 0;
        for e in events {
            d.updated = e.t;
            match e.kind {
                EvKind::Status => {
                    d.status = e.value;
                    match e.value {
                        OPEN if d.first_response.is_none() => d.first_response = Some(e.t),
                        RESOLVED => {
                            d.resolved = Some(e.t);
                            d.resolved_by = holder;
                        }
                        CLOSED => d.closed = Some(e.t),
                        _ => {}
                    }
                }
                EvKind::Assignment => {
                    assignments += 1;
                    holder = Some(e.value);
                    d.first_team.get_or_insert(e.value);
                }
                EvKind::Worklog => {
                    d.work_minutes += e.minutes as u32;
                    d.first_response.get_or_insert(e.t);
                }
                EvKind::Reopen => {
                    d.status = OPEN;
                    d.reopens += 1;
                }
            }
        }
        d.assigned = holder;
        d.reassignments = assignments.max(1) - 1;
        if !matches!(d.status, RESOLVED | CLOSED) {
            d.resolved = None;
            d.resolved_by = None;
        }
        d
    }
}

/// Priority index from impact and urgency indices.
pub(crate) fn priority(impact: u8, urgency: u8) -> u8 {
    MATRIX[impact as usize][urgency as usize]
}

/// True when a team belongs to the 1st line.
pub(crate) fn first_line(team: u8) -> bool {
    org::line(team) == 1
}
