//! What a batch says about its rows besides loading them: rejected rows (kept whole in
//! `rejected_row`, with why) and warnings (a value set empty so its row could load, in
//! `ingest_warning`). One buffer type builds either table's Arrow batch and counts the
//! notes by reason for the load summary.
//!
//! Must not: decide what is rejected or warned about (the row mapper does).

use std::collections::BTreeMap;
use std::sync::Arc;

use arrow::array::{ArrayRef, Int64Array, Int64Builder, StringBuilder};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;

use super::rows::{Rejection, Warning};

/// Rejections or warnings of one batch on their way to their table.
pub(super) struct RowNotes {
    batch_id: i64,
    /// Notes held.
    pub(super) len: usize,
    reasons: BTreeMap<String, i64>,
    rows: Int64Builder,
    column: StringBuilder,
    value: StringBuilder,
    reason: StringBuilder,
    /// The raw row: kept for rejections (`rejected_row.raw`), not for warnings.
    raw: Option<StringBuilder>,
    /// The workbook sheet the rows come from now (None for CSV and API rows).
    current_sheet: Option<String>,
    sheet: StringBuilder,
}

impl RowNotes {
    fn new(batch_id: i64, raw: bool) -> RowNotes {
        RowNotes {
            batch_id,
            len: 0,
            reasons: BTreeMap::new(),
            rows: Int64Builder::new(),
            column: StringBuilder::new(),
            value: StringBuilder::new(),
            reason: StringBuilder::new(),
            raw: raw.then(StringBuilder::new),
            current_sheet: None,
            sheet: StringBuilder::new(),
        }
    }

    /// Rejected rows, for `rejected_row`.
    pub(super) fn rejects(batch_id: i64) -> RowNotes {
        RowNotes::new(batch_id, true)
    }

    /// Warnings, for `ingest_warning`.
    pub(super) fn warnings(batch_id: i64) -> RowNotes {
        RowNotes::new(batch_id, false)
    }

    /// The sheet the next rows come from: a workbook's sheets number their rows each from
    /// their own header, so a row number names a row only with its sheet.
    pub(super) fn set_sheet(&mut self, sheet: &str) {
        self.current_sheet = Some(sheet.to_string());
    }

    /// The sheet the rows come from now (None for CSV and API rows).
    pub(super) fn sheet(&self) -> Option<&str> {
        self.current_sheet.as_deref()
    }

    fn note(&mut self, line: u64, column: Option<String>, value: Option<String>, reason: String) {
        self.len += 1;
        *self.reasons.entry(reason_kind(column.as_deref(), &reason)).or_default() += 1;
        self.rows.append_value(line as i64);
        self.column.append_option(column);
        self.value.append_option(value);
        self.reason.append_value(reason);
        self.sheet.append_option(self.current_sheet.as_deref());
    }

    /// A rejected row: its line, raw text and why.
    pub(super) fn push(&mut self, line: u64, raw: &str, r: Rejection) {
        self.note(line, r.column, r.value, r.reason);
        if let Some(b) = self.raw.as_mut() {
            b.append_value(raw);
        }
    }

    /// Warnings with the lines of their rows.
    pub(super) fn extend(&mut self, warnings: Vec<(u64, Warning)>) {
        for (line, w) in warnings {
            self.note(line, Some(w.column), Some(w.value), w.reason);
        }
    }

    /// Counts by reason (values elided), most frequent first.
    pub(super) fn by_reason(&self) -> Vec<(String, i64)> {
        ranked(&self.reasons)
    }

    /// The rows of `rejected_row` or `ingest_warning`, in their column order (`sheet`, of
    /// schema 7, last).
    pub(super) fn finish(mut self) -> RecordBatch {
        let mut fields = vec![
            Field::new("batch_id", DataType::Int64, false),
            Field::new("row_number", DataType::Int64, false),
            Field::new("column_name", DataType::Utf8, true),
            Field::new("value", DataType::Utf8, true),
            Field::new("reason", DataType::Utf8, false),
        ];
        let mut arrays: Vec<ArrayRef> = vec![
            Arc::new(Int64Array::from(vec![self.batch_id; self.len])),
            Arc::new(self.rows.finish()),
            Arc::new(self.column.finish()),
            Arc::new(self.value.finish()),
            Arc::new(self.reason.finish()),
        ];
        if let Some(mut raw) = self.raw.take() {
            fields.push(Field::new("raw", DataType::Utf8, false));
            arrays.push(Arc::new(raw.finish()));
        }
        fields.push(Field::new("sheet", DataType::Utf8, true));
        arrays.push(Arc::new(self.sheet.finish()));
        RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).expect("note columns follow their table")
    }
}

/// A reason with quoted values elided and its column named, so that counts group alike
/// problems: `channel: unknown channel value '…' (accepted: …)`.
fn reason_kind(column: Option<&str>, reason: &str) -> String {
    // A quote opens after a non-letter and closes before one, so the apostrophe of
    // "profile's" is text, not a quoted value.
    let chars: Vec<char> = reason.chars().collect();
    let mut out = String::new();
    let mut quoted = false;
    for (i, &c) in chars.iter().enumerate() {
        let before = i.checked_sub(1).map(|j| chars[j].is_alphanumeric()).unwrap_or(false);
        let after = chars.get(i + 1).is_some_and(|n| n.is_alphanumeric());
        if c == '\'' && !quoted && !before {
            out.push_str("'…'");
            quoted = true;
        } else if c == '\'' && quoted && !after {
            quoted = false;
        } else if !quoted {
            out.push(c);
        }
    }
    match column {
        // A reason that names its field already begins with the column when the header is
        // the field's own name (`assigned_team: assigned_team: …` was shown).
        Some(col) if out.starts_with(&format!("{col}: ")) => out,
        Some(col) => format!("{col}: {out}"),
        None => out,
    }
}

fn ranked(counts: &BTreeMap<String, i64>) -> Vec<(String, i64)> {
    let mut v: Vec<(String, i64)> = counts.iter().map(|(k, n)| (k.clone(), *n)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_group_without_their_values() {
        assert_eq!(
            reason_kind(
                Some("contact_type"),
                "unknown channel value 'Fax' (or a label in the profile's [values.channel])"
            ),
            "contact_type: unknown channel value '…' (or a label in the profile's [values.channel])"
        );
        assert_eq!(reason_kind(None, "a 'x' and 'y z'"), "a '…' and '…'");
        // The header is the field's name: said once.
        assert_eq!(
            reason_kind(Some("assigned_team"), "assigned_team: the Excel error value #N/A (…) is no value; set empty"),
            "assigned_team: the Excel error value #N/A (…) is no value; set empty"
        );
        assert_eq!(reason_kind(Some("Grupp"), "assigned_team: x"), "Grupp: assigned_team: x");
    }

    #[test]
    fn rejections_keep_the_raw_row_and_warnings_do_not() {
        let mut r = RowNotes::rejects(7);
        r.push(3, "a,b", Rejection { column: Some("c".into()), value: Some("x".into()), reason: "bad 'x'".into() });
        let batch = r.finish();
        assert_eq!((batch.num_columns(), batch.num_rows()), (7, 1));
        assert_eq!(batch.schema().field(5).name(), "raw");
        let mut w = RowNotes::warnings(7);
        w.extend(vec![(4, Warning { column: "c".into(), value: "y".into(), reason: "odd 'y'".into() })]);
        assert_eq!(w.by_reason(), [("c: odd '…'".to_string(), 1)]);
        assert_eq!(w.finish().num_columns(), 6);
    }

    #[test]
    fn each_note_keeps_the_sheet_its_row_came_from() {
        use arrow::array::{Array, StringArray};
        let mut w = RowNotes::warnings(7);
        let warning = || Warning { column: "c".into(), value: "y".into(), reason: "odd".into() };
        w.extend(vec![(2, warning())]);
        w.set_sheet("Ärenden");
        w.extend(vec![(2, warning())]);
        w.set_sheet("Historik");
        w.extend(vec![(2, warning())]);
        let batch = w.finish();
        let sheet = batch.column_by_name("sheet").unwrap().as_any().downcast_ref::<StringArray>().unwrap();
        assert_eq!(batch.schema().fields().last().unwrap().name(), "sheet");
        assert!(sheet.is_null(0));
        assert_eq!((sheet.value(1), sheet.value(2)), ("Ärenden", "Historik"));
    }
}
