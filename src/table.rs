//! Typed result tables: what a query returns, as the store hands it to the report layer,
//! the renderer and the CLI's `--format` writers.
//!
//! Owns: the [`Value`] type (one variant per kind of value a query can return) and its
//! text form, which is the text DuckDB itself prints for the value (`1.0`, `1e+16`,
//! `2026-10-01 12:00:00`), so a table printed from typed values reads as before.
//! Must not: import the database (the store converts DuckDB's values into these) or
//! format for people (render does that, from the type, never from the text's shape).
//! A leaf: it imports nothing of the crate.

use std::fmt;

use chrono::{NaiveDate, NaiveDateTime};

/// A query result: column names and rows of typed values.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// Column names in order.
    pub columns: Vec<String>,
    /// Rows; each has one value per column.
    pub rows: Vec<Vec<Value>>,
}

impl Table {
    /// Position of a column.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }

    /// The value of `column` in `row` (`Null` when the column does not exist).
    pub fn get<'a>(&self, row: &'a [Value], column: &str) -> &'a Value {
        self.column(column).and_then(|i| row.get(i)).unwrap_or(&Value::Null)
    }
}

/// One value of a result table.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// SQL NULL.
    Null,
    /// BOOLEAN.
    Bool(bool),
    /// Any integer type that fits in 64 bits.
    Int(i64),
    /// DECIMAL (and HUGEINT, as scale 0): the exact digits, never rounded through a float.
    Decimal {
        /// The value times 10^scale.
        value: i128,
        /// Digits after the decimal point.
        scale: u8,
    },
    /// DOUBLE or REAL.
    Float(f64),
    /// VARCHAR, and types without a variant of their own (intervals, lists, structs,
    /// times, blobs), as DuckDB prints them.
    Text(String),
    /// DATE.
    Date(NaiveDate),
    /// TIMESTAMP (UTC in this project's tables).
    Timestamp(NaiveDateTime),
}

impl Value {
    /// Whether the value is NULL.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The value as a number: integers, decimals and floats (a finite float only).
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(v) => Some(*v as f64),
            Value::Decimal { value, scale } => Some(*value as f64 / 10f64.powi(i32::from(*scale))),
            Value::Float(v) if v.is_finite() => Some(*v),
            _ => None,
        }
    }

    /// The value as an integer: integers, and decimals without a fraction.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(v) => Some(*v),
            Value::Decimal { value, scale: 0 } => i64::try_from(*value).ok(),
            _ => None,
        }
    }

    /// The text of a `Text` value.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }

    /// The value as DuckDB prints it; `None` for NULL.
    pub fn to_text(&self) -> Option<String> {
        (!self.is_null()).then(|| self.to_string())
    }

    /// Whether the value is a number (integer, decimal or float).
    pub fn is_number(&self) -> bool {
        matches!(self, Value::Int(_) | Value::Decimal { .. } | Value::Float(_))
    }
}

impl fmt::Display for Value {
    /// DuckDB's text of the value (what `CAST(v AS VARCHAR)` gives); NULL is empty.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => Ok(()),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(v) => write!(f, "{v}"),
            Value::Decimal { value, scale } => f.write_str(&decimal_text(*value, *scale)),
            Value::Float(v) => f.write_str(&float_text(*v)),
            Value::Text(s) => f.write_str(s),
            Value::Date(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            Value::Timestamp(t) => f.write_str(&timestamp_text(*t)),
        }
    }
}

/// `value / 10^scale` with exactly `scale` digits after the point.
fn decimal_text(value: i128, scale: u8) -> String {
    let digits = value.unsigned_abs().to_string();
    let scale = usize::from(scale);
    let sign = if value < 0 { "-" } else { "" };
    if scale == 0 {
        return format!("{sign}{digits}");
    }
    let padded = format!("{digits:0>width$}", width = scale + 1);
    let (int, frac) = padded.split_at(padded.len() - scale);
    format!("{sign}{int}.{frac}")
}

/// A double as DuckDB prints it: the shortest text that reads back as the same value,
/// with `.0` on whole numbers and an exponent (`1e+16`, `1e-05`) outside 1e-4 ≤ |v| < 1e16.
fn float_text(v: f64) -> String {
    if v.is_nan() {
        return "nan".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let sci = format!("{v:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if v != 0.0 && !(-4..16).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{mantissa}e{sign}{:02}", exp.abs());
    }
    let text = format!("{v}");
    if text.contains('.') {
        text
    } else {
        format!("{text}.0")
    }
}

/// `YYYY-MM-DD HH:MM:SS[.ffffff]`, the fraction without trailing zeros.
fn timestamp_text(t: NaiveDateTime) -> String {
    let base = t.format("%Y-%m-%d %H:%M:%S").to_string();
    let micros = chrono::Timelike::nanosecond(&t) / 1_000;
    if micros == 0 {
        return base;
    }
    let frac = format!("{micros:06}");
    format!("{base}.{}", frac.trim_end_matches('0'))
}

impl serde::Serialize for Value {
    /// JSON: numbers as numbers (a decimal with its exact digits), booleans as booleans,
    /// NULL as null, everything else as its text.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => s.serialize_none(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Int(v) => s.serialize_i64(*v),
            Value::Float(v) if v.is_finite() => s.serialize_f64(*v),
            Value::Decimal { value, scale } => match decimal_text(*value, *scale).parse::<serde_json::Number>() {
                Ok(n) => serde::Serialize::serialize(&n, s),
                Err(_) => s.serialize_str(&self.to_string()),
            },
            other => s.serialize_str(&other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_as_duckdb_prints_them() {
        // The texts DuckDB gives for CAST(v AS VARCHAR).
        for (v, text) in [
            (1.0, "1.0"),
            (0.1, "0.1"),
            (1e15, "1000000000000000.0"),
            (1e16, "1e+16"),
            (123456789.125, "123456789.125"),
            (1e-4, "0.0001"),
            (1e-5, "1e-05"),
            (0.00012345, "0.00012345"),
            (-2.5, "-2.5"),
            (100.0, "100.0"),
            (1.0 / 3.0, "0.3333333333333333"),
            (-0.0, "-0.0"),
            (12345678901234567890.0, "1.2345678901234567e+19"),
            (1.5e300, "1.5e+300"),
            (2e-300, "2e-300"),
            (f64::NAN, "nan"),
            (f64::INFINITY, "inf"),
        ] {
            assert_eq!(Value::Float(v).to_string(), text, "{v:e}");
        }
    }

    #[test]
    fn decimals_keep_their_digits() {
        assert_eq!(Value::Decimal { value: 1250, scale: 2 }.to_string(), "12.50");
        assert_eq!(Value::Decimal { value: -5, scale: 2 }.to_string(), "-0.05");
        assert_eq!(Value::Decimal { value: 7, scale: 0 }.to_string(), "7");
        assert_eq!(Value::Decimal { value: 1250, scale: 2 }.as_f64(), Some(12.5));
        let json = serde_json::to_string(&Value::Decimal { value: 12345678901234567890123, scale: 3 }).unwrap();
        assert_eq!(json, "12345678901234567890.123");
    }

    #[test]
    fn timestamps_trim_the_fraction() {
        let t = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").unwrap();
        assert_eq!(Value::Timestamp(t("2026-10-01 12:00:00")).to_string(), "2026-10-01 12:00:00");
        assert_eq!(Value::Timestamp(t("2026-10-01 12:00:00.5")).to_string(), "2026-10-01 12:00:00.5");
        assert_eq!(Value::Timestamp(t("2026-10-01 12:00:00.123456")).to_string(), "2026-10-01 12:00:00.123456");
    }

    #[test]
    fn json_writes_numbers_as_numbers() {
        let row = vec![Value::Int(1), Value::Null, Value::Bool(true), Value::Float(0.5), Value::Text("a".into())];
        assert_eq!(serde_json::to_string(&row).unwrap(), "[1,null,true,0.5,\"a\"]");
    }
}
