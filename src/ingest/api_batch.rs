//! One REST API fetch as one batch: the fetched ticket records, and the history their
//! changelog carries ([`super::profile::FileMapping::api_events`]), mapped and loaded in one
//! transaction like a file's rows.
//!
//! Must not: speak HTTP (`api` fetches) or SQL (the store merges).

use std::collections::BTreeMap;

use super::source::{ApiRows, ApiTable};
use super::{api, checked_kind, rows, BatchLoad, Clock, Content, Form, IngestError, IngestOptions};
use super::{IngestReport, Origin, Profile, Progress, Store};
use crate::model::FileKind;

/// Ingests what a REST API returns as one batch: every record fetched (all pages) is a
/// ticket row mapped through the profile, in one transaction. `label` names the batch (the
/// URL without credentials); `sha256` of the records makes an identical fetch a no-op.
pub fn ingest_records(
    store: &mut Store,
    label: &str,
    records: &[api::Record],
    opts: &IngestOptions<'_>,
) -> Result<IngestReport, IngestError> {
    let clock = Clock::start();
    let origin = Origin::Url(label.to_string());
    let table = ApiTable::new(records, opts.profile, opts.kind.unwrap_or(FileKind::Tickets));
    let kind = checked_kind(&origin, opts, Some(opts.kind.unwrap_or(FileKind::Tickets)), &table.header)?;
    let report = IngestReport::new(origin.clone(), kind, Form::Api);
    if let Some(batch_id) = store.batch_with_sha256(&opts.source, &table.sha256).map_err(IngestError::store(&origin))? {
        return Ok(report.already_in(batch_id, clock));
    }
    let history = match (kind, opts.profile.history.api_events.as_deref()) {
        (FileKind::Tickets, Some(key)) => Some(api_history(records, opts.profile, key)),
        _ => None,
    };
    let total = table.rows.len() + history.as_ref().map_or(0, |h| h.table.rows.len());
    let progress = Progress::bytes(false, total as u64, label);
    let mut load = BatchLoad::open(store, opts, report, progress, clock)?;
    load.stage(&table.header, kind, &mut ApiRows::new(&table))?;
    load.warn(table.unreadable.clone());
    let mut content = Content::file(kind.name(), table.sha256.clone(), table.bytes);
    if let Some(history) = history {
        load.warn(history.unreadable);
        load.passed_over(history.passed_over);
        if !history.table.rows.is_empty() {
            load.set_kind(FileKind::History);
            load.stage(
                &history.table.header,
                FileKind::History,
                &mut ApiRows::after(&history.table, table.rows.len()),
            )?;
            load.warn(history.table.unreadable.iter().map(|(n, w)| (n + table.rows.len() as u64, w.clone())).collect());
            content.file_kind = "tickets and history".into();
        }
    }
    load.commit(content, total as u64)
}

/// The history rows an API's ticket records carry ([`super::profile::FileMapping::api_events`]).
struct ApiHistory {
    /// The rows whose kind maps to an event kind.
    table: ApiTable,
    /// Records whose events could not be read: (record, warning).
    unreadable: Vec<(u64, rows::Warning)>,
    /// Changes of other fields passed over, by field, most first.
    passed_over: Vec<(String, u64)>,
}

/// The history rows of `records`: each record's events under `key`, kept when their kind
/// (the `[history.columns]` kind field) maps to an event kind; the others are counted.
fn api_history(records: &[api::Record], profile: &Profile, key: &str) -> ApiHistory {
    let mapping = &profile.history;
    let names = |field: &str| mapping.columns.get(field).map(|h| h.names().to_vec()).unwrap_or_default();
    let (ids, kinds) = (names("ticket_id"), names("kind"));
    let kind_map = profile.value_map(&crate::model::EVENT_KIND);
    let mut rows = Vec::new();
    let mut unreadable = Vec::new();
    let mut passed: BTreeMap<String, u64> = BTreeMap::new();
    for (i, record) in records.iter().enumerate() {
        let Some(events) = api::events(record, &ids, key, mapping.api_items.as_deref()) else {
            let value = record.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()).unwrap_or_default();
            let reason = "the changelog is not an array of objects: this ticket's history is not read".into();
            unreadable.push((i as u64 + 1, rows::Warning { column: key.to_string(), value, reason }));
            continue;
        };
        // Jira pages a long changelog: `total` changes, of which `maxResults` came with the issue.
        if let Some((parent, _)) = key.rsplit_once('.') {
            let number = |name: &str| {
                let name = format!("{parent}.{name}");
                record.iter().find(|(k, _)| *k == name).and_then(|(_, v)| v.parse::<u64>().ok())
            };
            if let (Some(total), Some(came)) = (number("total"), number("maxResults")) {
                if total > came {
                    let reason = format!(
                        "the changelog came with {came} of its '{total}' entries: this ticket's history is partial"
                    );
                    let warning = rows::Warning { column: format!("{parent}.total"), value: total.to_string(), reason };
                    unreadable.push((i as u64 + 1, warning));
                }
            }
        }
        for event in events {
            let kind = event.iter().find(|(k, _)| kinds.contains(k)).map(|(_, v)| v.trim().to_lowercase());
            match kind {
                Some(k) if kind_map.contains_key(&k) => rows.push(event),
                Some(k) => *passed.entry(k).or_default() += 1,
                None => *passed.entry(String::new()).or_default() += 1,
            }
        }
    }
    let mut passed_over: Vec<(String, u64)> = passed.into_iter().collect();
    passed_over.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    ApiHistory { table: ApiTable::new(&rows, profile, FileKind::History), unreadable, passed_over }
}
