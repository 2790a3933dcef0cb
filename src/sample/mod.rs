//! Deterministic sample-data generator: writes a realistic `tickets.csv` and
//! `history.csv` for the shared IT unit of Kävlinge, Staffanstorp and Burlöv
//! (plus the shared customer "Gemensam"), covering incidents, requests,
//! problems, changes and monitoring events over a span of calendar months.
//!
//! The same [`SampleSpec`] always yields byte-identical files: the generator uses
//! its own PRNG and integer/exact-float arithmetic only, never reads the clock,
//! and never iterates a hash map. Nothing is stamped after the end of
//! `end_month` (Europe/Stockholm); tickets still open then form the backlog.
//!
//! Both files are sorted by `ticket_id` (kinds in prefix order CHG, EVT, INC,
//! PRB, REQ; numbers rise with opening time), and each ticket's history rows by
//! the instant of `occurred_at`. Memory stays small (about 32 bytes of plan per
//! ticket) because lifecycles are simulated and written one ticket at a time.
//!
//! Submodules: `rng` (PRNG), `clock` (Stockholm time, business hours), `org`
//! (teams, customers, people), `catalog` (services, faults, devices, items,
//! titles), `cis` (the catalogued CIs), `arrivals` (volume curve, time-of-day
//! shapes), `plan` (counts, opening times, cross-ticket links, follow-up
//! calls), `flow` (incident/request intake and routing),
//! `timeline` (team phase, pending, reopen, close), `ops` (event, change and
//! problem lifecycles), `model` (ticket shape, row derivation), `write` (CSV).

mod arrivals;
mod catalog;
mod cis;
mod clock;
mod flow;
mod model;
mod ops;
mod org;
mod plan;
mod rng;
mod snapshot;
mod split;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_kpi;
#[cfg(test)]
mod tests_rows;
mod timeline;
mod write;

pub use org::{team_rows, CUSTOMERS, TEAMS};
pub use snapshot::{write_servicenow_snapshots, SnapshotSummary, SNAPSHOT_HEADER};
pub use split::{split_export, SplitSummary};
pub use write::{HISTORY_HEADER, TICKETS_HEADER};

use std::path::{Path, PathBuf};

/// What to generate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SampleSpec {
    /// Total ticket rows over all kinds (≈ 55 % incidents, 35 % requests,
    /// 5 % events, 3 % changes, 2 % problems).
    pub tickets: usize,
    /// Length of the period in calendar months, ending with `end_month` inclusive.
    pub months: u32,
    /// PRNG seed; a different seed gives a different but equally shaped data set.
    pub seed: u64,
    /// `(year, month)`: the last calendar month (Europe/Stockholm) covered.
    pub end_month: (i32, u32),
}

/// What was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SampleSummary {
    /// Rows in `tickets.csv` (excluding the header).
    pub tickets: u64,
    /// Rows in `history.csv` (excluding the header).
    pub events: u64,
    /// Path of `tickets.csv`.
    pub tickets_file: PathBuf,
    /// Path of `history.csv`.
    pub history_file: PathBuf,
}

/// Why generation failed.
#[derive(Debug, thiserror::Error)]
pub enum SampleError {
    /// Creating the output directory or writing a file failed.
    #[error("cannot write {}", path.display())]
    Io {
        /// The directory or file concerned.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The spec is out of the supported range; the message says which field.
    #[error("invalid sample spec: {0}")]
    InvalidSpec(String),
}

/// The request catalogue as `(item, billable, on a price list)`. Items that are
/// billable but on no price list exist on purpose: billing must report them as
/// unpriced/unallocated rather than drop them. A price-list config for the
/// sample data should price exactly the items with `true` in the last place.
pub fn request_items() -> impl Iterator<Item = (&'static str, bool, bool)> {
    catalog::ITEMS.iter().map(|i| (i.name, i.billable, i.priced))
}

/// Largest supported `tickets`: the planner holds ~32 bytes per ticket in
/// memory (≈ 650 MB at this limit) and the files would exceed 15 GB.
pub const MAX_TICKETS: usize = 20_000_000;

/// Shared read-only context of the lifecycle simulations.
pub(crate) struct Sim<'a> {
    seed: u64,
    cal: &'a clock::Calendar,
    people: &'a org::People,
    catalog: &'a catalog::Catalog,
    plan: &'a plan::Plan,
}

/// A calendar month as (year, month 1..=12).
type YearMonth = (i32, u32);

/// First and last (inclusive) month of the period, or why the spec is invalid.
fn period_months(spec: &SampleSpec) -> Result<(YearMonth, YearMonth), SampleError> {
    let bad = |m: String| Err(SampleError::InvalidSpec(m));
    let (y, m) = spec.end_month;
    if !(1..=12).contains(&m) {
        return bad(format!("end_month month must be 1..=12, got {m}"));
    }
    if spec.months == 0 || spec.months > 1200 {
        return bad(format!("months must be 1..=1200, got {}", spec.months));
    }
    if spec.tickets > MAX_TICKETS {
        return bad(format!("tickets must be at most {MAX_TICKETS}, got {}", spec.tickets));
    }
    let end_index = y as i64 * 12 + (m as i64 - 1);
    let start_index = end_index - (spec.months as i64 - 1);
    let (sy, sm) = (start_index.div_euclid(12) as i32, start_index.rem_euclid(12) as u32 + 1);
    // The hand-coded Stockholm offset follows the EU rule in force since 1996.
    if sy < 1997 || y > 2199 {
        return bad(format!("period {sy}-{sm:02}..{y}-{m:02} must lie within 1997-01..2199-12"));
    }
    Ok(((sy, sm), (y, m)))
}

/// Generates `tickets.csv` and `history.csv` in `out_dir` (created if needed,
/// existing files overwritten). On error the files may be partly written.
pub fn generate(spec: &SampleSpec, out_dir: &Path) -> Result<SampleSummary, SampleError> {
    let ((sy, sm), (ey, em)) = period_months(spec)?;
    std::fs::create_dir_all(out_dir).map_err(|source| SampleError::Io { path: out_dir.to_path_buf(), source })?;
    let start = clock::month_start_utc(sy, sm);
    let end = if em == 12 { clock::month_start_utc(ey + 1, 1) } else { clock::month_start_utc(ey, em + 1) };
    let (first_day, last_day) = (start.div_euclid(clock::DAY), end.div_euclid(clock::DAY));
    // Lifecycles run past the export instant before being cut, hence the margin.
    let cal = clock::Calendar::new(first_day - 40, last_day + 800);
    let people = org::People::new();
    let catalog = catalog::Catalog::new();
    let plan = plan::build(spec.seed, start, end, spec.tickets, &cal);
    let sim = Sim { seed: spec.seed, cal: &cal, people: &people, catalog: &catalog, plan: &plan };

    let mut out = write::Writers::create(out_dir)?;
    let mut tk = model::Ticket::new();
    for kind in model::Kind::ALL {
        let n = match kind {
            model::Kind::Change => plan.changes.len(),
            model::Kind::Event => plan.events.len(),
            model::Kind::Incident => plan.incidents.len(),
            model::Kind::Problem => plan.problems.len(),
            model::Kind::Request => plan.requests.len(),
        };
        for i in 0..n {
            tk.reset(kind, i as u32 + 1);
            match kind {
                model::Kind::Change => sim.change(i, &mut tk),
                model::Kind::Event => sim.event(i, &mut tk),
                model::Kind::Incident => sim.incident(i, &mut tk),
                model::Kind::Problem => sim.problem(i, &mut tk),
                model::Kind::Request => sim.request(i, &mut tk),
            }
            tk.finish(end);
            // A ticket whose life starts at or after the export instant (a problem opened
            // after its last incident, late in a short period) is not in the export yet.
            if tk.events.is_empty() {
                continue;
            }
            out.write(&tk, &people)?;
        }
    }
    let (events, tickets) = (out.events, out.rows);
    let (tickets_file, history_file) = out.finish()?;
    Ok(SampleSummary { tickets, events, tickets_file, history_file })
}
