//! Which mapped rows may skip the load table (issue 14): while the store holds nothing of
//! a source, a row whose key the batch has not seen before cannot supersede or duplicate
//! anything, so it is appended straight to the canonical table and never merged. A row
//! whose key hash the batch has seen before is a *suspect*: it goes to the load table, and
//! the store's usual merge decides exactly (for a ticket, the first row's key is moved back
//! to the load table too, so the ranking sees every row of that ticket). A hash collision
//! only makes a suspect of a row that did not need to be one: the result is exact either
//! way.
//!
//! The key is the one the merge uses: a ticket's id (the source is the batch's), an
//! event's ticket id, instant, kind, value, agent and minutes.
//!
//! Must not: talk to the store or decide whether the direct path is allowed (the batch
//! asks the store).

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray};
use arrow::compute::filter_record_batch;
use arrow::datatypes::{DataType, Float64Type, Int32Type, Int64Type, TimestampMicrosecondType};
use arrow::record_batch::RecordBatch;

use crate::model::FileKind;
use crate::store::MovedTicket;

/// A hasher for keys that are already hashes: passes the `u64` through.
#[derive(Default)]
struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type Hashes = BuildHasherDefault<PassThrough>;

/// The keys a batch appended straight to one canonical table.
pub(super) struct DirectKeys {
    kind: FileKind,
    /// Tickets: key hash → (file row, update counter) of the row appended.
    tickets: HashMap<u64, (i64, Option<i64>), Hashes>,
    /// Events: key hashes appended.
    events: HashSet<u64, Hashes>,
}

/// One mapped chunk split by [`DirectKeys::split`].
pub(super) struct Split {
    /// Rows for the canonical table.
    pub direct: Option<RecordBatch>,
    /// Rows for the load table (keys seen before in the batch).
    pub suspects: Option<RecordBatch>,
    /// Tickets appended directly earlier whose key a suspect names.
    pub moved: Vec<MovedTicket>,
}

impl DirectKeys {
    /// No key seen yet, for rows of `kind`.
    pub fn new(kind: FileKind) -> DirectKeys {
        DirectKeys { kind, tickets: HashMap::default(), events: HashSet::default() }
    }

    /// Makes room for `keys` keys in all, so that a large batch's set is allocated once
    /// instead of grown by doubling (1M history: 7.3 M keys, ~23 rehashes of every key).
    pub fn reserve(&mut self, keys: usize) {
        match self.kind {
            FileKind::Tickets => self.tickets.reserve(keys.saturating_sub(self.tickets.len())),
            FileKind::History => self.events.reserve(keys.saturating_sub(self.events.len())),
        }
    }

    /// Splits a chunk in the load table's shape (see [`super::rows::load_schema`]) into the
    /// rows with a key new to the batch and the suspects, and remembers the new keys.
    pub fn split(&mut self, batch: RecordBatch) -> Split {
        let hashes = key_hashes(&batch, self.kind);
        let mut direct = Vec::with_capacity(hashes.len());
        let mut moved = Vec::new();
        match self.kind {
            FileKind::Tickets => {
                let rows = batch.column_by_name("_row").expect("load schema has _row").as_primitive::<Int64Type>();
                let mods = batch.column_by_name("_mod").expect("load schema has _mod").as_primitive::<Int64Type>();
                let ids = batch.column_by_name("ticket_id").expect("load schema has ticket_id").as_string::<i32>();
                for (i, h) in hashes.iter().enumerate() {
                    let update_count = mods.is_valid(i).then(|| mods.value(i));
                    match self.tickets.get(h) {
                        None => {
                            self.tickets.insert(*h, (rows.value(i), update_count));
                            direct.push(true);
                        }
                        Some(&(row, first_count)) => {
                            moved.push((ids.value(i).to_string(), row, first_count));
                            direct.push(false);
                        }
                    }
                }
            }
            FileKind::History => direct.extend(hashes.iter().map(|h| self.events.insert(*h))),
        }
        let take = |keep: bool| {
            let mask = BooleanArray::from(direct.iter().map(|d| *d == keep).collect::<Vec<_>>());
            let n = mask.true_count();
            if n == 0 {
                None
            } else if n == batch.num_rows() {
                Some(batch.clone())
            } else {
                Some(filter_record_batch(&batch, &mask).expect("mask is as long as the batch"))
            }
        };
        Split { direct: take(true), suspects: take(false), moved }
    }
}

/// Columns of the merge key of `kind`.
fn key_columns(kind: FileKind) -> &'static [&'static str] {
    match kind {
        FileKind::Tickets => &["ticket_id"],
        FileKind::History => &["ticket_id", "occurred_at", "kind", "value", "agent", "minutes"],
    }
}

/// One hash per row over the key columns (NULL hashed apart from every value), column by
/// column: each column is downcast once, and each value folded into its row's hash.
fn key_hashes(batch: &RecordBatch, kind: FileKind) -> Vec<u64> {
    let mut hashes = vec![0u64; batch.num_rows()];
    for name in key_columns(kind) {
        let col = batch.column_by_name(name).expect("load schema has the key columns");
        match col.data_type() {
            DataType::Utf8 => {
                let values = col.as_string::<i32>();
                fold(&mut hashes, col, |i| mix_bytes(values.value(i).as_bytes()));
            }
            DataType::Timestamp(_, _) => {
                let values = col.as_primitive::<TimestampMicrosecondType>();
                fold(&mut hashes, col, |i| values.value(i) as u64);
            }
            DataType::Float64 => {
                let values = col.as_primitive::<Float64Type>();
                fold(&mut hashes, col, |i| values.value(i).to_bits());
            }
            DataType::Int32 => {
                let values = col.as_primitive::<Int32Type>();
                fold(&mut hashes, col, |i| values.value(i) as u64);
            }
            other => unreachable!("no merge key column is of type {other}"),
        }
    }
    hashes.into_iter().map(finish).collect()
}

/// Folds each row's value of `col` (`value(i)`, or a mark of its own for NULL) into its hash.
fn fold(hashes: &mut [u64], col: &ArrayRef, value: impl Fn(usize) -> u64) {
    const NULL: u64 = 0x9E37_79B9_7F4A_7C15;
    for (i, h) in hashes.iter_mut().enumerate() {
        let v = if col.is_null(i) { NULL } else { value(i).wrapping_add(1) };
        *h = mix(*h, v);
    }
}

/// A hasher for short texts of our own (value labels): [`mix_bytes`] instead of SipHash,
/// which guards against keys chosen to collide; a label map's keys come from the profile.
#[derive(Default)]
pub(super) struct MixHasher(u64);

impl Hasher for MixHasher {
    fn finish(&self) -> u64 {
        finish(self.0)
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0 = mix(self.0, mix_bytes(bytes));
    }
}

/// One step of an FxHash-like mix (fast; the batch only needs few collisions, not a
/// cryptographic hash: a collision just sends a row through the exact merge).
fn mix(h: u64, v: u64) -> u64 {
    (h.rotate_left(5) ^ v).wrapping_mul(0x51_7C_C1_B7_27_22_0A_95)
}

/// The bytes of a text folded eight at a time, with its length (so that "ab", "c" and
/// "a", "bc" differ).
fn mix_bytes(bytes: &[u8]) -> u64 {
    let mut h = bytes.len() as u64;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        h = mix(h, u64::from_le_bytes(w.try_into().expect("8 bytes")));
    }
    let mut tail = [0u8; 8];
    tail[..words.remainder().len()].copy_from_slice(words.remainder());
    mix(h, u64::from_le_bytes(tail))
}

/// Spreads the bits of a folded hash (murmur3's finaliser).
fn finish(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    h ^= h >> 33;
    h = h.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    h ^ (h >> 33)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    use arrow::array::{Float64Array, Int64Array, StringArray, TimestampMicrosecondArray};

    use crate::ingest::rows::load_schema;

    /// An event's ticket, instant, kind, value and minutes.
    type Event<'a> = (&'a str, i64, &'a str, Option<&'a str>, Option<f64>);

    fn events(rows: &[Event<'_>]) -> RecordBatch {
        let schema = load_schema(FileKind::History);
        let n = rows.len();
        let cols: Vec<ArrayRef> = schema
            .fields()
            .iter()
            .map(|f| -> ArrayRef {
                match f.name().as_str() {
                    "ticket_id" => Arc::new(StringArray::from(rows.iter().map(|r| r.0).collect::<Vec<_>>())),
                    "occurred_at" => {
                        Arc::new(TimestampMicrosecondArray::from(rows.iter().map(|r| r.1).collect::<Vec<_>>()))
                    }
                    "kind" => Arc::new(StringArray::from(rows.iter().map(|r| r.2).collect::<Vec<_>>())),
                    "value" => Arc::new(StringArray::from(rows.iter().map(|r| r.3).collect::<Vec<_>>())),
                    "minutes" => Arc::new(Float64Array::from(rows.iter().map(|r| r.4).collect::<Vec<_>>())),
                    "batch_id" | "_row" => Arc::new(Int64Array::from((0..n as i64).collect::<Vec<_>>())),
                    _ => Arc::new(StringArray::from(vec![Some("x"); n])),
                }
            })
            .collect();
        RecordBatch::try_new(schema, cols).unwrap()
    }

    #[test]
    fn an_event_seen_again_in_a_later_chunk_is_a_suspect_and_a_null_differs_from_a_value() {
        let mut keys = DirectKeys::new(FileKind::History);
        let first = keys.split(events(&[
            ("T1", 10, "status", Some("open"), None),
            ("T1", 10, "status", None, None),
            ("T1", 10, "worklog", None, Some(5.0)),
        ]));
        assert_eq!(first.direct.unwrap().num_rows(), 3);
        assert!(first.suspects.is_none());
        let second = keys.split(events(&[
            ("T1", 10, "status", Some("open"), None), // the same as the first row: a suspect
            ("T1", 10, "worklog", None, Some(6.0)),   // other minutes: new
            ("T2", 10, "status", Some("open"), None), // other ticket: new
        ]));
        assert_eq!(second.direct.unwrap().num_rows(), 2);
        let suspects = second.suspects.unwrap();
        assert_eq!(suspects.num_rows(), 1);
        assert_eq!(suspects.column_by_name("ticket_id").unwrap().as_string::<i32>().value(0), "T1");
        assert!(second.moved.is_empty(), "events move nothing back");
    }

    #[test]
    fn a_ticket_named_twice_moves_its_first_row_back_with_that_row_s_number() {
        let schema = load_schema(FileKind::Tickets);
        let ids = ["A", "B", "A"];
        let cols: Vec<ArrayRef> = schema
            .fields()
            .iter()
            .map(|f| -> ArrayRef {
                match (f.name().as_str(), f.data_type()) {
                    ("ticket_id", _) => Arc::new(StringArray::from(ids.to_vec())),
                    ("_row", _) => Arc::new(Int64Array::from(vec![2, 3, 4])),
                    ("_mod", _) => Arc::new(Int64Array::from(vec![Some(7), None, Some(9)])),
                    (_, dt) => arrow::array::new_null_array(dt, 3),
                }
            })
            .collect();
        let mut keys = DirectKeys::new(FileKind::Tickets);
        let split = keys.split(RecordBatch::try_new(schema, cols).unwrap());
        assert_eq!(split.direct.unwrap().num_rows(), 2);
        assert_eq!(split.suspects.unwrap().num_rows(), 1);
        assert_eq!(split.moved, vec![("A".to_string(), 2, Some(7))]);
    }
}
