//! Turning one source record into one canonical row, or into a rejection with its reason.
//!
//! A `RowMapper` is built once per file from the profile and the header (which source
//! column feeds which canonical field); `map` then converts the cells (borrowing the
//! record's text) and appends accepted rows to Arrow builders. A row is validated whole
//! before anything is appended, so a rejected row leaves no trace in the output.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::Arc;

use arrow::array::{
    ArrayRef, BooleanBuilder, Decimal128Builder, Float64Builder, Int32Builder, Int64Builder, StringBuilder,
    TimestampMicrosecondBuilder,
};
use arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use arrow::record_batch::RecordBatch;

use super::profile::{DurationUnit, Profile};
use crate::model::{self, column_index, Column, ColumnType, FileKind, ValueSet, EVENT_COLUMNS, TICKET_COLUMNS};
use crate::tabular::text::{parse_bool, parse_count, parse_decimal, parse_number, DateReader};

/// Scale of money columns: öre (DECIMAL(18, 2)).
const MONEY_SCALE: u32 = 2;

/// The most canonical columns a file kind has: a row's cells fit on the stack.
const MAX_COLUMNS: usize =
    if TICKET_COLUMNS.len() > EVENT_COLUMNS.len() { TICKET_COLUMNS.len() } else { EVENT_COLUMNS.len() };

/// Lower-case label → canonical value, hashed cheaply (labels are short and ours).
type Labels = HashMap<String, &'static str, BuildHasherDefault<super::direct::MixHasher>>;

// Positions of the columns the row rules read; a slot's index is its column's index in the
// file kind's canonical column list.
const T_KIND: usize = column_index(TICKET_COLUMNS, "kind");
const T_OPENED: usize = column_index(TICKET_COLUMNS, "opened_at");
const T_UPDATED: usize = column_index(TICKET_COLUMNS, "updated_at");
const T_STATUS: usize = column_index(TICKET_COLUMNS, "status");
const T_CLOSED_CODE: usize = column_index(TICKET_COLUMNS, "closed_code");
/// Timestamps that must not precede opened_at, with how a rejection names them.
const T_LATER: [(usize, &str); 3] = [
    (column_index(TICKET_COLUMNS, "first_response_at"), "first response"),
    (column_index(TICKET_COLUMNS, "resolved_at"), "resolved"),
    (column_index(TICKET_COLUMNS, "closed_at"), "closed"),
];
const E_KIND: usize = column_index(EVENT_COLUMNS, "kind");
const E_VALUE: usize = column_index(EVENT_COLUMNS, "value");
const E_MINUTES: usize = column_index(EVENT_COLUMNS, "minutes");

/// A value set empty so that its row could load, with why.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    /// Source column that held the value.
    pub column: String,
    /// The value as the file has it.
    pub value: String,
    /// What was wrong and what was done.
    pub reason: String,
}

/// A row that failed validation.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejection {
    /// Source column that held the bad value (None for a whole-row problem).
    pub column: Option<String>,
    /// The offending value.
    pub value: Option<String>,
    /// Why the row was rejected.
    pub reason: String,
}

impl Rejection {
    fn at(column: &str, value: &str, reason: String) -> Rejection {
        Rejection { column: Some(column.to_string()), value: Some(value.to_string()), reason }
    }
}

/// One converted cell.
#[derive(Debug, Clone, Copy)]
enum Cell<'a> {
    Null,
    Text(&'a str),
    Instant(i64),
    Int(i32),
    Number(f64),
    /// Money in öre (10^-2 units), below 10^18 (DECIMAL(18, 2)).
    Money(i64),
    Bool(bool),
}

/// How one canonical column is filled.
struct Slot {
    column: &'static Column,
    /// Index of the source column, if the file has it.
    index: Option<usize>,
    /// Header text of the source column (for messages).
    header: String,
    /// Label -> canonical value, for columns with a closed value set.
    values: Option<(ValueSet, Labels)>,
    /// Whether an unusable value rejects the row (else: set empty, with a warning).
    required: bool,
}

/// Converts records of one file. See the module docs.
pub struct RowMapper {
    kind: FileKind,
    slots: Vec<Slot>,
    dates: DateReader,
    unit_factor: f64,
    default_kind: Option<&'static str>,
    status_values: Labels,
    /// Closing codes that make a resolved or closed ticket cancelled, lower case.
    cancelled_codes: Vec<String>,
    source: String,
    batch_id: i64,
    width: usize,
    builders: Vec<Builder>,
    rows: Int64Builder,
    pending: usize,
    /// Null markers, lower case.
    nulls: Vec<String>,
    /// The longest null marker's length: longer text is no marker.
    null_len: usize,
    /// Tickets: the source column of the update counter (ServiceNow's sys_mod_count).
    update_count: Option<(usize, String)>,
    mods: Int64Builder,
    /// Tickets: the source column of the assignee (personal data), for derived events, and
    /// its header.
    assignee: Option<(usize, String)>,
    agents: StringBuilder,
    /// Warnings of accepted rows not yet taken: (line, warning).
    warnings: Vec<(u64, Warning)>,
    /// Warnings of the row being converted.
    row_warnings: std::cell::RefCell<Vec<Warning>>,
}

enum Builder {
    Text(StringBuilder),
    Instant(TimestampMicrosecondBuilder),
    Int(Int32Builder),
    Number(Float64Builder),
    Money(Decimal128Builder),
    Bool(BooleanBuilder),
    BatchId(Int64Builder),
}

/// Value sets that constrain a canonical column of a file kind.
fn value_set(kind: FileKind, name: &str) -> Option<ValueSet> {
    match (kind, name) {
        (FileKind::Tickets, "kind") => Some(model::KIND),
        (FileKind::Tickets, "status") => Some(model::STATUS),
        (FileKind::Tickets, "channel") => Some(model::CHANNEL),
        (FileKind::Tickets, "impact") => Some(model::IMPACT),
        (FileKind::Tickets, "urgency") => Some(model::URGENCY),
        (FileKind::Tickets, "priority") => Some(model::PRIORITY),
        (FileKind::Tickets, "major_incident") => Some(model::MAJOR_INCIDENT),
        (FileKind::History, "kind") => Some(model::EVENT_KIND),
        _ => None,
    }
}

/// The mapped pseudo-field that orders a ticket's snapshots before their update time
/// (ServiceNow's `sys_mod_count`). It is read into the load table only, not stored.
pub const UPDATE_COUNT: &str = "update_count";

/// The mapped pseudo-field naming the person holding a snapshot (ServiceNow's
/// `assigned_to`): the agent of the events derived from it. Load table only.
pub const ASSIGNEE: &str = "assignee";

/// Whether a file without this canonical column can still be read.
fn column_optional(profile: &Profile, kind: FileKind, c: &Column) -> bool {
    let snapshot_time = kind == FileKind::Tickets && c.name == "updated_at" && profile.tickets.snapshots;
    let listed = profile.required_fields(kind).iter().any(|f| f == c.name);
    !(c.required || listed || snapshot_time)
        || c.name == "source"
        || c.name == "batch_id"
        || (c.name == "updated_at" && !snapshot_time)
        || (kind == FileKind::Tickets && c.name == "kind" && profile.tickets.default_kind.is_some())
}

/// The canonical fields a header lacks: (field, the column names the profile accepts).
/// A snapshot export's update time is one of them: without it every derived event would
/// sit at the same instant.
pub fn missing_columns(profile: &Profile, kind: FileKind, header: &[String]) -> Vec<(String, String)> {
    let mapping = profile.mapping(kind);
    kind.columns()
        .iter()
        .filter(|c| !column_optional(profile, kind, c))
        .filter_map(|c| match mapping.columns.get(c.name) {
            Some(names) if names.find(header).is_some() => None,
            Some(names) => Some((c.name.to_string(), names.shown())),
            None => Some((c.name.to_string(), format!("'<not mapped in [{kind}.columns]>'"))),
        })
        .collect()
}

/// For each field a file of `kind` must have under `profile`, the column names it accepts.
pub fn required_columns(profile: &Profile, kind: FileKind) -> Vec<Vec<String>> {
    let mapping = profile.mapping(kind);
    kind.columns()
        .iter()
        .filter(|c| !column_optional(profile, kind, c))
        .filter_map(|c| mapping.columns.get(c.name).map(|n| n.names().iter().map(|s| s.trim().to_string()).collect()))
        .collect()
}

/// Arrow schema of the load table of a file kind: canonical columns, then `_row`.
pub fn load_schema(kind: FileKind) -> Arc<Schema> {
    let mut fields: Vec<Field> = kind
        .columns()
        .iter()
        .map(|c| {
            let ty = match c.ty {
                ColumnType::Text => DataType::Utf8,
                ColumnType::Instant => DataType::Timestamp(TimeUnit::Microsecond, None),
                ColumnType::Int => DataType::Int32,
                ColumnType::Number => DataType::Float64,
                ColumnType::Money => DataType::Decimal128(18, MONEY_SCALE as i8),
                ColumnType::Bool => DataType::Boolean,
                ColumnType::BatchId => DataType::Int64,
            };
            Field::new(c.name, ty, true)
        })
        .collect();
    fields.push(Field::new("_row", DataType::Int64, false));
    if kind == FileKind::Tickets {
        fields.push(Field::new("_mod", DataType::Int64, true));
        fields.push(Field::new("_agent", DataType::Utf8, true));
    }
    Arc::new(Schema::new(fields))
}

/// Excel's error values, as a workbook's error cell reads (`cell_text`) and as Excel writes
/// them into a CSV file: a formula that failed when the export was made (`#N/A` from a
/// lookup that found nothing, `#REF!` from a deleted column, …). No column takes one as a
/// value: it is empty with a warning, or the row's rejection in a required column.
const EXCEL_ERRORS: &[&str] = &[
    "#N/A",
    "#DIV/0!",
    "#NAME?",
    "#NULL!",
    "#NUM!",
    "#REF!",
    "#VALUE!",
    "#DATA!",
    "#GETTING_DATA",
    "#SPILL!",
    "#CALC!",
    "#FIELD!",
    "#BLOCKED!",
    "#CONNECT!",
    "#BUSY!",
    "#UNKNOWN!",
];

/// Whether trimmed text is one of [`EXCEL_ERRORS`] (case aside).
fn excel_error(text: &str) -> bool {
    text.starts_with('#') && EXCEL_ERRORS.iter().any(|e| e.eq_ignore_ascii_case(text))
}

/// What an Excel error value in a cell means, for warnings and rejections.
fn excel_error_reason(text: &str) -> String {
    format!("the Excel error value {text} (a formula that failed when the file was exported) is no value")
}

/// `map`'s canonical value for the label `text`, compared without case; short ASCII text
/// (every label seen so far) is lowered on the stack instead of into a new string.
fn lookup(map: &Labels, text: &str) -> Option<&'static str> {
    let mut buf = [0u8; 32];
    if text.len() <= buf.len() && text.is_ascii() {
        let lower = &mut buf[..text.len()];
        lower.copy_from_slice(text.as_bytes());
        lower.make_ascii_lowercase();
        return std::str::from_utf8(lower).ok().and_then(|key| map.get(key).copied());
    }
    map.get(&text.to_lowercase()).copied()
}

impl RowMapper {
    /// Prepares conversion of a file of `kind` whose header is `header` (trimmed).
    pub fn new(profile: &Profile, kind: FileKind, header: &[String], source: &str, batch_id: i64) -> RowMapper {
        let tz = profile.timezone.parse().expect("profile time zone is validated on load");
        let mapping = profile.mapping(kind);
        let listed = profile.required_fields(kind);
        let snapshots = kind == FileKind::Tickets && profile.tickets.snapshots;
        let slots = kind
            .columns()
            .iter()
            .map(|column| {
                let index = mapping.columns.get(column.name).and_then(|n| n.find(header));
                let header = index.map(|i| header[i].clone()).unwrap_or_else(|| column.name.to_string());
                let values =
                    value_set(kind, column.name).map(|set| (set, profile.value_map(&set).into_iter().collect()));
                let required = listed.iter().any(|f| f == column.name)
                    || (column.required && !matches!(column.name, "source" | "batch_id" | "updated_at" | "kind"))
                    || (column.name == "kind" && profile.mapping(kind).default_kind.is_none())
                    || (column.name == "updated_at" && snapshots);
                Slot { column, index, header, values, required }
            })
            .collect::<Vec<_>>();
        let assignee = match kind {
            FileKind::Tickets => {
                mapping.columns.get(ASSIGNEE).and_then(|n| n.find(header).map(|i| (i, header[i].clone())))
            }
            FileKind::History => None,
        };
        let update_count = match kind {
            FileKind::Tickets => {
                mapping.columns.get(UPDATE_COUNT).and_then(|n| n.find(header).map(|i| (i, header[i].clone())))
            }
            FileKind::History => None,
        };
        let nulls: Vec<String> = match &profile.null_values {
            Some(list) => list.iter().map(|n| n.trim().to_lowercase()).collect(),
            None => super::profile::DEFAULT_NULL_VALUES.iter().map(|n| n.to_lowercase()).collect(),
        };
        let mut mapper = RowMapper {
            kind,
            dates: DateReader::new(tz, profile.day_first, profile.date_formats.clone(), profile.excel_serial_dates),
            unit_factor: match profile.work_unit {
                DurationUnit::Minutes => 1.0,
                DurationUnit::Hours => 60.0,
            },
            default_kind: profile
                .tickets
                .default_kind
                .as_deref()
                .and_then(|k| model::KIND.values.iter().copied().find(|v| *v == k)),
            status_values: profile.value_map(&model::STATUS).into_iter().collect(),
            cancelled_codes: match kind {
                FileKind::Tickets => profile.tickets.cancelled_codes.iter().map(|c| c.trim().to_lowercase()).collect(),
                FileKind::History => Vec::new(),
            },
            source: source.to_string(),
            batch_id,
            width: header.len(),
            builders: Vec::new(),
            rows: Int64Builder::new(),
            pending: 0,
            null_len: nulls.iter().map(String::len).max().unwrap_or(0),
            nulls,
            update_count,
            mods: Int64Builder::new(),
            assignee,
            agents: StringBuilder::new(),
            warnings: Vec::new(),
            row_warnings: std::cell::RefCell::new(Vec::new()),
            slots,
        };
        mapper.builders = mapper.new_builders();
        mapper
    }

    fn new_builders(&self) -> Vec<Builder> {
        self.slots
            .iter()
            .map(|s| match s.column.ty {
                ColumnType::Text => Builder::Text(StringBuilder::new()),
                ColumnType::Instant => Builder::Instant(TimestampMicrosecondBuilder::new()),
                ColumnType::Int => Builder::Int(Int32Builder::new()),
                ColumnType::Number => Builder::Number(Float64Builder::new()),
                ColumnType::Money => {
                    Builder::Money(Decimal128Builder::new().with_data_type(DataType::Decimal128(18, MONEY_SCALE as i8)))
                }
                ColumnType::Bool => Builder::Bool(BooleanBuilder::new()),
                ColumnType::BatchId => Builder::BatchId(Int64Builder::new()),
            })
            .collect()
    }

    /// Names the file's column that feeds the canonical `field`, as rejections and warnings
    /// show it from the next row on. A mapper reads the header it was built with; a file
    /// whose cells are moved onto canonical field names first (an event log, where one
    /// row becomes a status and an assignment event) would otherwise be told about in our
    /// field names, not its own columns (DESIGN §8). The text is copied into the slot's
    /// own buffer: renaming per event allocates nothing once the longest name fits.
    pub fn name_column(&mut self, field: &str, column: &str) {
        if let Some(slot) = self.slots.iter_mut().find(|s| s.column.name == field) {
            if slot.header != column {
                slot.header.clear();
                slot.header.push_str(column);
            }
        }
    }

    /// Rows converted and not yet taken by `finish_batch`.
    pub fn pending(&self) -> usize {
        self.pending
    }

    /// Converts one record; on success the row is buffered for the next `finish_batch`.
    pub fn map<S: AsRef<str>>(&mut self, fields: &[S], line: u64) -> Result<(), Rejection> {
        if fields.len() != self.width {
            // A short row whose last field spans a line end is the mark of a quote opened and
            // never closed: the reader took the rest of the file (or record) into that field.
            let unclosed = fields.len() < self.width && fields.last().is_some_and(|f| f.as_ref().contains('\n'));
            let hint =
                if unclosed { " (its last field runs over a line end: a quote that is never closed?)" } else { "" };
            return Err(Rejection {
                column: None,
                value: None,
                reason: format!("row has {} fields, the header has {}{hint}", fields.len(), self.width),
            });
        }
        self.row_warnings.borrow_mut().clear();
        let mut cells = [Cell::Null; MAX_COLUMNS];
        let cells = &mut cells[..self.slots.len()];
        self.convert(fields, cells)?;
        let update_count = match &self.update_count {
            Some((i, header)) => {
                let raw = fields[*i].as_ref();
                match parse_count(if self.is_null(raw.trim()) { "" } else { raw }) {
                    Ok(v) => v.map(i64::from),
                    Err(reason) => {
                        self.warn(header, raw, reason.to_string());
                        None
                    }
                }
            }
            None => None,
        };
        let agent = match &self.assignee {
            Some((i, header)) => match fields[*i].as_ref().trim() {
                a if self.is_null(a) => None,
                a if excel_error(a) => {
                    self.warn(header, a, format!("{ASSIGNEE}: {}; set empty", excel_error_reason(a)));
                    None
                }
                a => Some(a.to_string()),
            },
            None => None,
        };
        self.append(cells, line, update_count);
        self.agents.append_option(agent);
        let row = std::mem::take(&mut *self.row_warnings.borrow_mut());
        self.warnings.extend(row.into_iter().map(|w| (line, w)));
        Ok(())
    }

    /// Takes the warnings of the rows accepted so far: (line, warning).
    pub fn take_warnings(&mut self) -> Vec<(u64, Warning)> {
        std::mem::take(&mut self.warnings)
    }

    /// Whether trimmed text is empty or a null marker.
    fn is_null(&self, trimmed: &str) -> bool {
        trimmed.is_empty()
            || (trimmed.len() <= self.null_len && self.nulls.iter().any(|n| n.eq_ignore_ascii_case(trimmed)))
    }

    fn warn(&self, column: &str, value: &str, reason: String) {
        self.row_warnings.borrow_mut().push(Warning { column: column.to_string(), value: value.to_string(), reason });
    }

    fn convert<'a, S: AsRef<str>>(&self, fields: &'a [S], cells: &mut [Cell<'a>]) -> Result<(), Rejection> {
        for (slot, out) in self.slots.iter().zip(cells.iter_mut()) {
            let given = slot.index.map(|i| fields[i].as_ref()).unwrap_or("");
            let text = given.trim();
            // A null marker (`?`, `NULL`, …) is an empty cell before any rule reads it.
            let (raw, text) = if self.is_null(text) { ("", "") } else { (given, text) };
            let cell = match self.cell(slot, raw, text) {
                Ok(cell) => cell,
                Err(rejection) if slot.required => return Err(*rejection),
                Err(rejection) => {
                    self.warn(&slot.header, raw, format!("{}; set empty", rejection.reason));
                    Cell::Null
                }
            };
            if matches!(cell, Cell::Null) && slot.required && !self.filled_later(slot.column.name) {
                return Err(Rejection::at(&slot.header, given, format!("missing required field {}", slot.column.name)));
            }
            *out = cell;
        }
        self.check_row(cells)
    }

    /// Required fields that the row rules fill when the file leaves them empty.
    fn filled_later(&self, name: &str) -> bool {
        matches!(name, "source" | "batch_id" | "updated_at") || (name == "kind" && self.default_kind.is_some())
    }

    /// The cell of `raw` (as the file has it; `text` is it trimmed). The rejection is boxed
    /// so that the common outcome, a cell, stays small.
    fn cell<'a>(&self, slot: &Slot, raw: &'a str, text: &'a str) -> Result<Cell<'a>, Box<Rejection>> {
        let name = slot.column.name;
        let bad = |reason: String| Box::new(Rejection::at(&slot.header, raw, reason));
        Ok(match slot.column.ty {
            ColumnType::Text if name == "source" => Cell::Null,
            ColumnType::BatchId => Cell::Null,
            _ if text.is_empty() => Cell::Null,
            _ if excel_error(text) => return Err(bad(format!("{name}: {}", excel_error_reason(text)))),
            // A NUL is no character of any text an export means: a binary or damaged file.
            _ if text.contains('\0') => return Err(bad(format!("{name}: the value holds a NUL character"))),
            ColumnType::Text => match &slot.values {
                Some((set, map)) => match lookup(map, text) {
                    Some(v) => Cell::Text(v),
                    None => {
                        return Err(bad(format!(
                            "unknown {} value '{text}' (accepted: {} or a label in the profile's [values.{}])",
                            set.name,
                            set.values.join(", "),
                            set.name
                        )))
                    }
                },
                None => Cell::Text(text),
            },
            ColumnType::Instant => match self.dates.parse_noted(text).map_err(|e| bad(format!("{name}: {e}")))? {
                (Some(us), Some(note)) => {
                    self.warn(&slot.header, raw, note.to_string());
                    Cell::Instant(us)
                }
                (Some(us), None) => Cell::Instant(us),
                (None, _) => Cell::Null,
            },
            ColumnType::Int => Cell::Int(parse_count(text).map_err(|e| bad(e.to_string()))?.expect("non-empty")),
            ColumnType::Number => {
                let v = parse_number(text).map_err(|e| bad(e.to_string()))?.expect("non-empty");
                if v < 0.0 {
                    return Err(bad(format!("{name} is negative")));
                }
                Cell::Number(v * self.unit_factor)
            }
            // Money is read exactly (never through a float); more decimals than öre, a
            // negative amount or one beyond DECIMAL(18, 2) is not a cost.
            ColumnType::Money => {
                let v = parse_decimal(text, MONEY_SCALE).map_err(|e| bad(e.to_string()))?.expect("non-empty");
                if v < 0 {
                    return Err(bad(format!("{name} is negative")));
                }
                match i64::try_from(v) {
                    Ok(v) if v < 10i64.pow(18) => Cell::Money(v),
                    _ => return Err(bad(format!("{name} is too large"))),
                }
            }
            ColumnType::Bool => match parse_bool(text).map_err(|e| bad(e.to_string()))? {
                Some(b) => Cell::Bool(b),
                None => Cell::Null,
            },
        })
    }

    /// Rules across cells; may fill derived values.
    fn check_row(&self, cells: &mut [Cell<'_>]) -> Result<(), Rejection> {
        let instant = |cell: Cell<'_>| match cell {
            Cell::Instant(v) => Some(v),
            _ => None,
        };
        match self.kind {
            FileKind::Tickets => {
                if let (Cell::Null, Some(k)) = (cells[T_KIND], self.default_kind) {
                    cells[T_KIND] = Cell::Text(k);
                }
                // Done with a closing code that says nothing was done (Jira's "Won't Do"):
                // cancelled, which status wins with (DESIGN §5a.2).
                if let (Cell::Text("resolved" | "closed"), Cell::Text(code)) = (cells[T_STATUS], cells[T_CLOSED_CODE]) {
                    if self.cancelled_codes.iter().any(|c| c.eq_ignore_ascii_case(code.trim())) {
                        cells[T_STATUS] = Cell::Text("cancelled");
                    }
                }
                let opened = instant(cells[T_OPENED]).expect("required, checked");
                for (i, what) in T_LATER {
                    if instant(cells[i]).is_some_and(|t| t < opened) {
                        if self.slots[i].required {
                            return Err(Rejection {
                                column: Some(self.slots[i].header.clone()),
                                value: None,
                                reason: format!("{what} before opened"),
                            });
                        }
                        self.warn(&self.slots[i].header, "", format!("{what} before opened; set empty"));
                        cells[i] = Cell::Null;
                    }
                }
                if let Cell::Null = cells[T_UPDATED] {
                    let latest = T_LATER.iter().filter_map(|(i, _)| instant(cells[*i])).fold(opened, i64::max);
                    cells[T_UPDATED] = Cell::Instant(latest);
                }
            }
            FileKind::History => {
                let kind = match cells[E_KIND] {
                    Cell::Text(k) => k,
                    _ => unreachable!("required, checked"),
                };
                let value_header = &self.slots[E_VALUE].header;
                match kind {
                    "status" | "reopen" => match cells[E_VALUE] {
                        Cell::Text(v) => match lookup(&self.status_values, v) {
                            Some(s) => cells[E_VALUE] = Cell::Text(s),
                            None => {
                                return Err(Rejection::at(
                                    value_header,
                                    v,
                                    format!("unknown status value '{v}' in a {kind} event"),
                                ))
                            }
                        },
                        _ if kind == "reopen" => cells[E_VALUE] = Cell::Text("open"),
                        _ => return Err(Rejection::at(value_header, "", "status event without a status".into())),
                    },
                    "assignment" if matches!(cells[E_VALUE], Cell::Null) => {
                        return Err(Rejection::at(value_header, "", "assignment event without a team".into()))
                    }
                    "worklog" if matches!(cells[E_MINUTES], Cell::Null) => {
                        let header = &self.slots[E_MINUTES].header;
                        return Err(Rejection::at(header, "", "worklog event without minutes".into()));
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    }

    fn append(&mut self, cells: &[Cell<'_>], line: u64, update_count: Option<i64>) {
        for ((builder, cell), slot) in self.builders.iter_mut().zip(cells).zip(&self.slots) {
            match (builder, cell) {
                (Builder::Text(b), _) if slot.column.name == "source" => b.append_value(&self.source),
                (Builder::BatchId(b), _) => b.append_value(self.batch_id),
                (Builder::Text(b), Cell::Text(v)) => b.append_value(v),
                (Builder::Text(b), _) => b.append_null(),
                (Builder::Instant(b), Cell::Instant(v)) => b.append_value(*v),
                (Builder::Instant(b), _) => b.append_null(),
                (Builder::Int(b), Cell::Int(v)) => b.append_value(*v),
                (Builder::Int(b), _) => b.append_null(),
                (Builder::Number(b), Cell::Number(v)) => b.append_value(*v),
                (Builder::Number(b), _) => b.append_null(),
                (Builder::Money(b), Cell::Money(v)) => b.append_value(i128::from(*v)),
                (Builder::Money(b), _) => b.append_null(),
                (Builder::Bool(b), Cell::Bool(v)) => b.append_value(*v),
                (Builder::Bool(b), _) => b.append_null(),
            }
        }
        self.rows.append_value(line as i64);
        self.mods.append_option(update_count);
        self.pending += 1;
    }

    /// Takes the buffered rows as one record batch in the load table's shape.
    pub fn finish_batch(&mut self) -> RecordBatch {
        let fresh = self.new_builders();
        let mut arrays: Vec<ArrayRef> = std::mem::replace(&mut self.builders, fresh)
            .into_iter()
            .map(|b| -> ArrayRef {
                match b {
                    Builder::Text(mut b) => Arc::new(b.finish()),
                    Builder::Instant(mut b) => Arc::new(b.finish()),
                    Builder::Int(mut b) => Arc::new(b.finish()),
                    Builder::Number(mut b) => Arc::new(b.finish()),
                    Builder::Money(mut b) => Arc::new(b.finish()),
                    Builder::Bool(mut b) => Arc::new(b.finish()),
                    Builder::BatchId(mut b) => Arc::new(b.finish()),
                }
            })
            .collect();
        arrays.push(Arc::new(self.rows.finish()));
        let mods = self.mods.finish();
        let agents = self.agents.finish();
        if self.kind == FileKind::Tickets {
            arrays.push(Arc::new(mods));
            arrays.push(Arc::new(agents));
        }
        self.pending = 0;
        RecordBatch::try_new(load_schema(self.kind), arrays).expect("builders follow the load schema")
    }
}

#[cfg(test)]
#[path = "rows_tests.rs"]
mod tests;
