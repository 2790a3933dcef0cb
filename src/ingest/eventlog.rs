//! Event logs (one row per status change of a case, as process-mining data sets have them):
//! each row becomes a status event and, when a team is named, an assignment event, mapped
//! through the profile's history rules. A row whose status event is rejected is rejected
//! whole, so rows read = loaded + rejected counts lines of the file.
//!
//! Must not: write the batch row or commit (the batch skeleton does).

use std::borrow::Cow;

use super::batch::{target, BatchLoad};
use super::profile::{self, EventLogMapping};
use super::rows::RowMapper;
use super::source::RecordSource;
use super::{IngestError, Origin};
use crate::model::FileKind;

/// Canonical history columns the events are read as, in the mapper's (sorted) header order.
const EVENT_FIELDS: [&str; 6] = ["agent", "kind", "minutes", "occurred_at", "ticket_id", "value"];

/// Whether a file with this header is the profile's event log (it has the case column).
pub(super) fn is_event_log(log: &EventLogMapping, header: &[String]) -> bool {
    header.iter().any(|h| h.to_lowercase() == log.case.to_lowercase())
}

impl BatchLoad<'_, '_> {
    /// Stages every row of an event log with this `header`.
    pub fn stage_event_log(
        &mut self,
        input: &Origin,
        header: &[String],
        log: &EventLogMapping,
        rows: &mut dyn RecordSource,
    ) -> Result<(), IngestError> {
        let opts = self.opts();
        let col = |name: &str| header.iter().position(|h| h.eq_ignore_ascii_case(name.trim()));
        let missing = |name: &str| IngestError::MissingColumns {
            input: input.clone(),
            kind: FileKind::History,
            profile: opts.profile.name.clone(),
            missing: vec![("eventlog".into(), format!("'{name}'"))],
            found: header.join(", "),
        };
        let case = col(&log.case).ok_or_else(|| missing(&log.case))?;
        let at = col(&log.timestamp).ok_or_else(|| missing(&log.timestamp))?;
        let status = col(&log.status).ok_or_else(|| missing(&log.status))?;
        let team = log.team.as_deref().map(|t| col(t).ok_or_else(|| missing(t))).transpose()?;
        let agent = log.agent.as_deref().map(|a| col(a).ok_or_else(|| missing(a))).transpose()?;
        // The events are read as canonical history columns.
        let mut events = opts.profile.clone();
        events.history.columns = EVENT_FIELDS.iter().map(|c| (c.to_string(), profile::Headers::one(c))).collect();
        let event_header: Vec<String> = events.history.columns.keys().cloned().collect();
        let order: Vec<usize> =
            EVENT_FIELDS.iter().map(|c| event_header.iter().position(|h| h == c).unwrap_or(0)).collect();
        let mut mapper = RowMapper::new(&events, FileKind::History, &event_header, &opts.source, self.batch_id());
        // Messages name the log's own columns (DESIGN §8), not the fields they are moved
        // onto; an event's value is named per event below (status or team column).
        mapper.name_column("ticket_id", &header[case]);
        mapper.name_column("occurred_at", &header[at]);
        if let Some(a) = agent {
            mapper.name_column("agent", &header[a]);
        }
        let target = target(FileKind::History);
        while let Some(row) = rows.next_row()? {
            let cell = |i: usize| row.fields.get(i).map(|c| c.trim()).unwrap_or("");
            // Fields in event_header order (sorted names): agent, kind, minutes, occurred_at, ticket_id, value.
            let record = |kind: &'static str, value: &str| -> Vec<Cow<'static, str>> {
                let mut r = vec![Cow::Borrowed(""); 6];
                r[order[0]] = Cow::Owned(agent.map(cell).unwrap_or("").to_string());
                r[order[1]] = Cow::Borrowed(kind);
                r[order[3]] = Cow::Owned(cell(at).to_string());
                r[order[4]] = Cow::Owned(cell(case).to_string());
                r[order[5]] = Cow::Owned(value.to_string());
                r
            };
            mapper.name_column("value", &header[status]);
            let mut outcome = mapper.map(&record("status", cell(status)), row.line);
            if outcome.is_ok() {
                if let Some(i) = team.filter(|&i| !opts.profile.is_null(cell(i))) {
                    mapper.name_column("value", &header[i]);
                    outcome = mapper.map(&record("assignment", cell(i)), row.line);
                }
            }
            self.count(row.line, &row.raw, outcome);
            if mapper.pending() >= super::batch::CHUNK_ROWS {
                self.flush(&mut mapper, target, Some(row.position))?;
            }
        }
        self.flush(&mut mapper, target, None)
    }
}
