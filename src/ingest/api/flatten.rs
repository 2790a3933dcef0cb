//! JSON bodies into records: a REST API's JSON (parsed by serde_json with `preserve_order`
//! and `arbitrary_precision`, so keys keep the server's order and numbers their text)
//! flattened to (key, text) pairs, references read as their display value.
//!
//! Must not: know HTTP, paging or profiles (api.rs fetches; the profile maps).

use serde_json::Value;

/// One fetched record: the JSON object flattened to (key, text) pairs, keys in the object's
/// order. Nested objects are joined with `.` (`{"assignment_group": {"display_value": "SD"}}` →
/// `assignment_group.display_value`); a reference object (one with `display_value`,
/// `displayName`, `name` or `value`) is also that value under its own key
/// (`assignment_group` = `SD`); arrays of scalars joined with `"; "`, other arrays kept as
/// compact JSON, numbers and booleans as their JSON text, null and `{}` as `""`.
pub type Record = Vec<(String, String)>;

/// The member of a reference object that stands for the whole, in order of preference:
/// ServiceNow's `display_value` (`sysparm_display_value=true` without
/// `sysparm_exclude_reference_link`), Jira's `displayName`, `name` and `value`, TOPdesk's
/// `name`.
const REFERENCE_KEYS: &[&str] = &["display_value", "displayName", "name", "value"];

/// One response body read as a page of records.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// The whole body (paging reads its next token or total from it).
    pub body: Value,
    /// The records of the array at the records pointer, flattened, in order.
    pub records: Vec<Record>,
}

/// Why a body is not a page; the text reads after "expected".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PageError {
    /// The body is not UTF-8 (JSON must be).
    #[error("a UTF-8 JSON body (invalid UTF-8 at byte {byte})")]
    NotUtf8 {
        /// Offset of the first invalid byte.
        byte: usize,
    },
    /// The body is an HTML page, typically a login or single-sign-on page answered with 200.
    #[error("a JSON body, got an HTML page (a login or error page? check the URL and the credentials)")]
    Html,
    /// The body is not JSON.
    #[error("a JSON body ({reason})")]
    Json {
        /// serde_json's complaint and its byte offset.
        reason: String,
    },
    /// Nothing, or no array, at the records pointer.
    #[error("an array of records at JSON pointer '{pointer}'")]
    NoArray {
        /// The records pointer.
        pointer: String,
    },
    /// An element of the records array is not an object.
    #[error("record {index} of the page to be an object")]
    NotObject {
        /// Its position in the array, from 0.
        index: usize,
    },
}

impl PageError {
    /// Whether the body itself could not be read as JSON (worth showing its start).
    pub fn is_unreadable(&self) -> bool {
        matches!(self, PageError::NotUtf8 { .. } | PageError::Html | PageError::Json { .. })
    }
}

/// Reads one response body: UTF-8 (a BOM is allowed) JSON with an array of objects at
/// `records_pointer` (`` = the body is the array), each flattened to a [`Record`]. Any bytes
/// give a page or a [`PageError`], never a panic (fuzzed in
/// tests/integration/reliability/faults.rs).
pub fn read_page(body: &[u8], records_pointer: &str) -> Result<Page, PageError> {
    let text = std::str::from_utf8(body).map_err(|e| PageError::NotUtf8 { byte: e.valid_up_to() })?;
    let value = parse_json(text).map_err(|e| {
        let start = text.strip_prefix('\u{feff}').unwrap_or(text).trim_start();
        if start.starts_with('<') {
            PageError::Html
        } else {
            PageError::Json { reason: json_error(text, &e) }
        }
    })?;
    let Some(Value::Array(items)) = value.pointer(records_pointer) else {
        return Err(PageError::NoArray { pointer: records_pointer.to_string() });
    };
    let mut records = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let Value::Object(_) = item else { return Err(PageError::NotObject { index }) };
        let mut record = Vec::new();
        flatten("", item, &mut record);
        records.push(record);
    }
    Ok(Page { body: value, records })
}

/// The history rows of one fetched record: the array under `events_key` (kept as compact
/// JSON by `flatten`), each event object flattened (its `items_key` member left out) and,
/// with `items_key`, one row per object of that array, the event's fields beside the
/// item's. Every row starts with the record's fields named in `keep` (its ticket id). A
/// record without `events_key` has no events; `None` when its value there is no JSON
/// array of objects (the caller warns: the history is not read).
pub fn events(record: &Record, keep: &[String], events_key: &str, items_key: Option<&str>) -> Option<Vec<Record>> {
    let Some((_, text)) = record.iter().find(|(k, _)| k == events_key) else { return Some(Vec::new()) };
    if text.is_empty() {
        return Some(Vec::new());
    }
    let Ok(Value::Array(list)) = parse_json(text) else { return None };
    let head: Record = record.iter().filter(|(k, _)| keep.contains(k)).cloned().collect();
    let mut out = Vec::new();
    for event in &list {
        let Value::Object(members) = event else { return None };
        let mut row = head.clone();
        for (key, v) in members.iter().filter(|(k, _)| Some(k.as_str()) != items_key) {
            flatten(key, v, &mut row);
        }
        match items_key.map(|k| members.get(k)) {
            None => out.push(row),
            Some(None | Some(Value::Null)) => {}
            Some(Some(Value::Array(items))) => {
                for item in items {
                    let Value::Object(_) = item else { return None };
                    let mut change = row.clone();
                    flatten("", item, &mut change);
                    out.push(change);
                }
            }
            Some(Some(_)) => return None,
        }
    }
    Some(out)
}

/// A response body as JSON (a UTF-8 BOM is allowed).
pub(super) fn parse_json(text: &str) -> Result<Value, serde_json::Error> {
    serde_json::from_str(text.strip_prefix('\u{feff}').unwrap_or(text))
}

/// serde_json's complaint with its place as a byte offset into the body (what an excerpt
/// of the body can be checked against).
pub(super) fn json_error(text: &str, e: &serde_json::Error) -> String {
    let line_start: usize = text.split_inclusive('\n').take(e.line().saturating_sub(1)).map(str::len).sum();
    let byte = line_start + e.column().saturating_sub(1);
    let message = e.to_string();
    let what = message.split(" at line ").next().unwrap_or(&message);
    match what {
        "expected value" => format!("a JSON value expected at byte {byte}"),
        other => format!("{other} at byte {byte}"),
    }
}

/// A scalar's text: strings as they are, numbers as written, booleans as `true`/`false`,
/// null as empty; structures as compact JSON.
pub(super) fn scalar_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Appends `value`'s members under `prefix` (`a.b`) to `out`; see [`Record`].
pub(super) fn flatten(prefix: &str, value: &Value, out: &mut Record) {
    match value {
        Value::Object(members) if !members.is_empty() => {
            // A reference field (`{"display_value": "Group 3", "link": "…"}`) is also its
            // display value under its own name, so a profile that maps `assignment_group`
            // reads the group whether or not the instance sends the link.
            let shown = REFERENCE_KEYS
                .iter()
                .find_map(|k| members.get(*k).filter(|v| !matches!(v, Value::Object(_) | Value::Array(_))));
            if let (false, Some(v)) = (prefix.is_empty(), shown) {
                out.push((prefix.to_string(), scalar_text(v)));
            }
            for (key, v) in members {
                flatten(&if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") }, v, out);
            }
        }
        Value::Object(_) => out.push((prefix.to_string(), String::new())),
        Value::Array(items) if items.iter().all(|i| !matches!(i, Value::Array(_) | Value::Object(_))) => {
            out.push((prefix.to_string(), items.iter().map(scalar_text).collect::<Vec<_>>().join("; ")))
        }
        Value::Array(_) => out.push((prefix.to_string(), value.to_string())),
        scalar => out.push((prefix.to_string(), scalar_text(scalar))),
    }
}
