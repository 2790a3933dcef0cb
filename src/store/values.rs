//! DuckDB's values into the crate's typed [`Value`]: which result types map to a variant
//! of their own, and the conversion of one value. The other types are cast to VARCHAR by
//! DuckDB before they are read (see `Store::query_table`), so their text is DuckDB's own.

use chrono::{DateTime, NaiveDate};
use duckdb::arrow::datatypes::DataType;
use duckdb::types::{TimeUnit, ValueRef};

use crate::table::Value;

/// Whether a column of this type is read as a typed [`Value`] (else it is cast to text;
/// DuckDB's reader cannot read a column of type NULL, `SELECT NULL AS n`, but its cast can).
pub(super) fn is_plain(ty: &DataType) -> bool {
    matches!(
        ty,
        DataType::Boolean
            | DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32
            | DataType::UInt64
            | DataType::Float32
            | DataType::Float64
            | DataType::Decimal128(..)
            | DataType::Utf8
            | DataType::LargeUtf8
            | DataType::Date32
            | DataType::Timestamp(_, None)
    )
}

/// One value. HUGEINT becomes a decimal of scale 0 (exact); an unsigned 64-bit integer
/// past `i64::MAX` likewise.
pub(super) fn value(v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Boolean(b) => Value::Bool(b),
        ValueRef::TinyInt(i) => Value::Int(i.into()),
        ValueRef::SmallInt(i) => Value::Int(i.into()),
        ValueRef::Int(i) => Value::Int(i.into()),
        ValueRef::BigInt(i) => Value::Int(i),
        ValueRef::HugeInt(i) => Value::Decimal { value: i, scale: 0 },
        ValueRef::UTinyInt(i) => Value::Int(i.into()),
        ValueRef::USmallInt(i) => Value::Int(i.into()),
        ValueRef::UInt(i) => Value::Int(i.into()),
        ValueRef::UBigInt(i) => i64::try_from(i).map_or(Value::Decimal { value: i.into(), scale: 0 }, Value::Int),
        ValueRef::Float(f) => Value::Float(f.into()),
        ValueRef::Double(f) => Value::Float(f),
        ValueRef::Decimal(d) => Value::Decimal { value: d.value(), scale: d.scale() },
        ValueRef::Text(bytes) => Value::Text(String::from_utf8_lossy(bytes).into_owned()),
        ValueRef::Date32(days) => NaiveDate::from_num_days_from_ce_opt(days + 719_163).map_or(Value::Null, Value::Date),
        ValueRef::Timestamp(unit, n) => {
            let micros = match unit {
                TimeUnit::Second => n.saturating_mul(1_000_000),
                TimeUnit::Millisecond => n.saturating_mul(1_000),
                TimeUnit::Microsecond => n,
                TimeUnit::Nanosecond => n / 1_000,
            };
            DateTime::from_timestamp_micros(micros).map_or(Value::Null, |t| Value::Timestamp(t.naive_utc()))
        }
        // Only reached for a type `is_plain` let through without a variant here.
        other => Value::Text(format!("{other:?}")),
    }
}
