//! A sample export cut at a local date into what an organisation would have loaded before
//! it and "a day's export" from it on: the tickets opened before the date with their
//! events before it, then the tickets opened from it on, the rows of earlier tickets that
//! have later events, and those events. Incremental builds are tested and benchmarked on
//! such a pair (issue 14).

use std::collections::BTreeSet;
use std::path::Path;

use super::SampleError;

/// Rows written to each part: (tickets, events).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SplitSummary {
    /// Rows of the first part.
    pub before: (usize, usize),
    /// Rows of the second part (the day's export).
    pub from: (usize, usize),
}

/// Splits `tickets.csv` and `history.csv` of `from` at `cut` (`YYYY-MM-DD`, compared with
/// the local date the sample writes) into the directories `before` and `after`.
pub fn split_export(from: &Path, cut: &str, before: &Path, after: &Path) -> Result<SplitSummary, SampleError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |e: csv::Error| SampleError::Io { path: path.clone(), source: std::io::Error::other(e.to_string()) }
    };
    let read = |name: &str| -> Result<(csv::StringRecord, Vec<csv::StringRecord>), SampleError> {
        let path = from.join(name);
        let mut r = csv::Reader::from_path(&path).map_err(io(&path))?;
        let header = r.headers().map_err(io(&path))?.clone();
        let rows = r.records().collect::<Result<Vec<_>, _>>().map_err(io(&path))?;
        Ok((header, rows))
    };
    let write = |dir: &Path, name: &str, header: &csv::StringRecord, rows: &[&csv::StringRecord]| {
        std::fs::create_dir_all(dir).map_err(|source| SampleError::Io { path: dir.to_path_buf(), source })?;
        let path = dir.join(name);
        let mut w = csv::Writer::from_path(&path).map_err(io(&path))?;
        w.write_record(header).map_err(io(&path))?;
        for r in rows {
            w.write_record(*r).map_err(io(&path))?;
        }
        w.flush().map_err(|source| SampleError::Io { path: path.clone(), source })
    };
    let date = |text: &str| text.get(..10).unwrap_or(text).to_string();
    let (h, events) = read("history.csv")?;
    let (late, early): (Vec<&csv::StringRecord>, Vec<&csv::StringRecord>) =
        events.iter().partition(|e| date(&e[1]).as_str() >= cut);
    let touched: BTreeSet<&str> = late.iter().map(|e| &e[0]).collect();
    write(before, "history.csv", &h, &early)?;
    write(after, "history.csv", &h, &late)?;
    let (h, tickets) = read("tickets.csv")?;
    let opened = h.iter().position(|c| c == "opened_at").unwrap_or(12);
    let first: Vec<&csv::StringRecord> = tickets.iter().filter(|t| date(&t[opened]).as_str() < cut).collect();
    let day: Vec<&csv::StringRecord> =
        tickets.iter().filter(|t| date(&t[opened]).as_str() >= cut || touched.contains(&t[0])).collect();
    write(before, "tickets.csv", &h, &first)?;
    write(after, "tickets.csv", &h, &day)?;
    Ok(SplitSummary { before: (first.len(), early.len()), from: (day.len(), late.len()) })
}
