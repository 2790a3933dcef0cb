//! CSV output of the generator: `tickets.csv` (one row per ticket, current
//! state) and `history.csv` (one row per event).
//!
//! Format: UTF-8 without BOM, comma-separated, `\n` line ends, RFC 4180 quoting
//! only where a field contains a comma, double quote or line break. Rows are
//! assembled by hand into a reused line buffer because `format!`/csv-crate
//! overhead per field would dominate at a million tickets.
//!
//! Ordering: tickets are written kind by kind in id-prefix order (CHG, EVT, INC,
//! PRB, REQ), each kind by rising number, so both files are sorted by
//! `ticket_id`; within a ticket, history rows are sorted by the instant of
//! `occurred_at` (ties keep causal order, e.g. `New` before the first
//! assignment). Compare instants, not strings: in the autumn DST night the
//! local clock repeats an hour.

use super::clock::push_timestamp;
use super::model::{Derived, EvKind, Kind, Ticket, CHANNELS, IMPACTS, NOBODY, PRIORITIES, STATUS, URGENCIES};
use super::org::{People, CUSTOMERS, TEAMS};
use super::plan::{NONE32, NONE8};
use super::{catalog, SampleError};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Header of `tickets.csv`.
pub const TICKETS_HEADER: &str = "ticket_id,kind,title,customer,service,category,ci,channel,impact,urgency,\
priority,status,opened_at,first_response_at,resolved_at,closed_at,first_team,resolved_by_team,assigned_team,\
reassignment_count,reopen_count,problem_id,change_id,work_minutes,billable,request_item,requester,updated_at,cost";

/// The third-party cost of a ticket, in öre, or None. Some resolved tickets a vendor held
/// carry the vendor's invoice (DESIGN §7b): about three in five, 1 200 to 16 000 kr with
/// öre, chosen by a hash of the ticket id rather than the generator's random stream, so
/// adding costs moved no other figure of the sample.
pub(crate) fn vendor_cost_ore(id: &[u8], events: &[super::model::Ev]) -> Option<u64> {
    use super::org::{VENDOR_ERP, VENDOR_NETWORK};
    let vendor = events.iter().any(|e| e.kind == EvKind::Assignment && matches!(e.value, VENDOR_ERP | VENDOR_NETWORK));
    let resolved = events.iter().any(|e| e.kind == EvKind::Status && e.value == super::model::RESOLVED);
    if !(vendor && resolved) {
        return None;
    }
    // FNV-1a over the id.
    let h = id.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3));
    (h % 5 < 3).then(|| 120_000 + (h / 5 % 593) * 2_500 + (h / 2_965 % 100))
}

/// Header of `history.csv`.
pub const HISTORY_HEADER: &str = "ticket_id,occurred_at,kind,value,agent,minutes";

/// Appends a field, quoting it when RFC 4180 requires.
pub(crate) fn push_field(buf: &mut Vec<u8>, s: &str) {
    if s.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        buf.push(b'"');
        for b in s.bytes() {
            if b == b'"' {
                buf.push(b'"');
            }
            buf.push(b);
        }
        buf.push(b'"');
    } else {
        buf.extend_from_slice(s.as_bytes());
    }
}

/// Appends an unsigned integer in decimal.
fn push_u64(buf: &mut Vec<u8>, mut v: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    buf.extend_from_slice(&tmp[i..]);
}

/// Appends a ticket id: prefix plus at least 7 zero-padded digits.
pub(crate) fn push_id(buf: &mut Vec<u8>, kind: Kind, seq: u32) {
    buf.extend_from_slice(kind.prefix().as_bytes());
    let digits = if seq == 0 { 1 } else { seq.ilog10() + 1 };
    for _ in digits..7 {
        buf.push(b'0');
    }
    push_u64(buf, seq as u64);
}

fn push_opt_ts(buf: &mut Vec<u8>, t: Option<i64>) {
    if let Some(t) = t {
        push_timestamp(buf, t);
    }
}

fn push_team(buf: &mut Vec<u8>, team: Option<u8>) {
    if let Some(t) = team {
        buf.extend_from_slice(TEAMS[t as usize].0.as_bytes());
    }
}

fn push_label(buf: &mut Vec<u8>, labels: &[&str], i: u8) {
    if i != NONE8 {
        push_field(buf, labels[i as usize]);
    }
}

/// A buffered output file that remembers its path for error messages.
struct Out {
    path: PathBuf,
    w: BufWriter<File>,
}

impl Out {
    fn create(path: PathBuf, header: &str) -> Result<Self, SampleError> {
        let file = File::create(&path).map_err(|source| SampleError::Io { path: path.clone(), source })?;
        let mut out = Out { path, w: BufWriter::with_capacity(1 << 20, file) };
        out.put(header.as_bytes())?;
        out.put(b"\n")?;
        Ok(out)
    }

    fn put(&mut self, bytes: &[u8]) -> Result<(), SampleError> {
        self.w.write_all(bytes).map_err(|source| SampleError::Io { path: self.path.clone(), source })
    }

    fn close(mut self) -> Result<PathBuf, SampleError> {
        self.w.flush().map_err(|source| SampleError::Io { path: self.path.clone(), source })?;
        Ok(self.path)
    }
}

/// Both output files plus reusable row buffers.
pub(crate) struct Writers {
    tickets: Out,
    history: Out,
    line: Vec<u8>,
    id: Vec<u8>,
    /// History rows written so far.
    pub events: u64,
    /// Ticket rows written so far.
    pub rows: u64,
}

impl Writers {
    /// Creates (truncates) `tickets.csv` and `history.csv` in `dir` and writes the headers.
    pub(crate) fn create(dir: &Path) -> Result<Self, SampleError> {
        Ok(Writers {
            tickets: Out::create(dir.join("tickets.csv"), TICKETS_HEADER)?,
            history: Out::create(dir.join("history.csv"), HISTORY_HEADER)?,
            line: Vec::with_capacity(1 << 12),
            id: Vec::with_capacity(16),
            events: 0,
            rows: 0,
        })
    }

    /// Writes one finished ticket: its history rows, then its ticket row.
    pub(crate) fn write(&mut self, tk: &Ticket, people: &People) -> Result<(), SampleError> {
        self.id.clear();
        push_id(&mut self.id, tk.kind, tk.seq);
        let line = &mut self.line;
        line.clear();
        for e in &tk.events {
            line.extend_from_slice(&self.id);
            line.push(b',');
            push_timestamp(line, e.t);
            line.push(b',');
            line.extend_from_slice(e.kind.label().as_bytes());
            line.push(b',');
            match e.kind {
                EvKind::Status | EvKind::Reopen => line.extend_from_slice(STATUS[e.value as usize].as_bytes()),
                EvKind::Assignment => line.extend_from_slice(TEAMS[e.value as usize].0.as_bytes()),
                EvKind::Worklog => {}
            }
            line.push(b',');
            if e.agent != NOBODY {
                push_field(line, people.agent(e.agent));
            }
            line.push(b',');
            if e.kind == EvKind::Worklog {
                push_u64(line, e.minutes as u64);
            }
            line.push(b'\n');
        }
        self.events += tk.events.len() as u64;
        self.history.put(line)?;

        let d = Derived::from_events(&tk.events);
        line.clear();
        line.extend_from_slice(&self.id);
        line.push(b',');
        line.extend_from_slice(tk.kind.label().as_bytes());
        line.push(b',');
        push_field(line, &tk.title);
        line.push(b',');
        line.extend_from_slice(CUSTOMERS[tk.customer as usize].as_bytes());
        line.push(b',');
        if tk.service != NONE8 {
            push_field(line, catalog::SERVICES[tk.service as usize].name);
        }
        line.push(b',');
        push_label(line, catalog::CATEGORIES, tk.category);
        line.push(b',');
        push_field(line, &tk.ci);
        line.push(b',');
        push_label(line, &CHANNELS, tk.channel);
        line.push(b',');
        push_label(line, &IMPACTS, tk.impact);
        line.push(b',');
        push_label(line, &URGENCIES, tk.urgency);
        line.push(b',');
        push_label(line, &PRIORITIES, tk.priority);
        line.push(b',');
        line.extend_from_slice(STATUS[d.status as usize].as_bytes());
        line.push(b',');
        push_timestamp(line, tk.events[0].t);
        for t in [d.first_response, d.resolved, d.closed] {
            line.push(b',');
            push_opt_ts(line, t);
        }
        for team in [d.first_team, d.resolved_by, d.assigned] {
            line.push(b',');
            push_team(line, team);
        }
        line.push(b',');
        push_u64(line, d.reassignments as u64);
        line.push(b',');
        push_u64(line, d.reopens as u64);
        line.push(b',');
        if tk.problem != NONE32 {
            push_id(line, Kind::Problem, tk.problem + 1);
        }
        line.push(b',');
        if tk.change != NONE32 {
            push_id(line, Kind::Change, tk.change + 1);
        }
        line.push(b',');
        push_u64(line, d.work_minutes as u64);
        line.push(b',');
        line.extend_from_slice(if tk.billable { b"true" } else { b"false" });
        line.push(b',');
        if tk.item != NONE8 {
            push_field(line, catalog::ITEMS[tk.item as usize].name);
        }
        line.push(b',');
        if tk.requester != NONE32 {
            push_field(line, people.requester(tk.customer, tk.requester));
        }
        line.push(b',');
        push_timestamp(line, d.updated);
        line.push(b',');
        if let Some(ore) = vendor_cost_ore(&self.id, &tk.events) {
            push_u64(line, ore / 100);
            line.push(b'.');
            line.push(b'0' + (ore % 100 / 10) as u8);
            line.push(b'0' + (ore % 10) as u8);
        }
        line.push(b'\n');
        self.rows += 1;
        self.tickets.put(line)
    }

    /// Flushes both files; returns (tickets path, history path).
    pub(crate) fn finish(self) -> Result<(PathBuf, PathBuf), SampleError> {
        Ok((self.tickets.close()?, self.history.close()?))
    }
}
