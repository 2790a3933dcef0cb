//! Tabular output in the formats users pick with `--format`: an aligned text table for
//! people, CSV (RFC 4180) and JSON (an array of objects) for programs, written from a
//! typed [`Table`]. Text and CSV show each value as DuckDB prints it; JSON keeps numbers
//! numbers (a DECIMAL with its exact digits), booleans booleans and NULL null.
//!
//! Must not: parse command lines (the CLI maps its `--format` flag onto [`OutputFormat`]).

use std::io::Write;

use super::format::{csv_field, terminal_text};
use crate::table::Table;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// Aligned columns.
    Table,
    /// Comma-separated values with a header row.
    Csv,
    /// An array of objects keyed by column name, one object per line.
    Json,
}

/// Writes `table` in `format`. NULL cells are empty in a table or CSV and `null` in JSON.
pub fn write_table(out: &mut impl Write, format: OutputFormat, table: &Table) -> std::io::Result<()> {
    let headers = &table.columns;
    match format {
        OutputFormat::Table => {
            // Control characters in ticket text would break the lines or drive the terminal.
            let rows: Vec<Vec<String>> =
                table.rows.iter().map(|r| r.iter().map(|c| terminal_text(&c.to_string())).collect()).collect();
            let headers: Vec<String> = headers.iter().map(|h| terminal_text(h)).collect();
            let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
            for row in &rows {
                for (w, cell) in widths.iter_mut().zip(row) {
                    *w = (*w).max(cell.chars().count());
                }
            }
            let line = |cells: Vec<&str>| {
                let padded: Vec<String> = cells
                    .iter()
                    .zip(&widths)
                    .map(|(c, w)| format!("{c}{}", " ".repeat(w - c.chars().count())))
                    .collect();
                padded.join("  ").trim_end().to_string()
            };
            writeln!(out, "{}", line(headers.iter().map(String::as_str).collect()))?;
            for row in &rows {
                writeln!(out, "{}", line(row.iter().map(String::as_str).collect()))?;
            }
        }
        OutputFormat::Csv => {
            writeln!(out, "{}", headers.iter().map(|h| csv_field(h)).collect::<Vec<_>>().join(","))?;
            for row in &table.rows {
                let cells: Vec<String> = row.iter().map(|c| csv_field(&c.to_string())).collect();
                writeln!(out, "{}", cells.join(","))?;
            }
        }
        OutputFormat::Json => {
            writeln!(out, "[")?;
            for (i, row) in table.rows.iter().enumerate() {
                let fields: Vec<String> =
                    headers.iter().zip(row).map(|(h, c)| format!("{}: {}", json(h), json(c))).collect();
                writeln!(out, "  {{{}}}{}", fields.join(", "), if i + 1 < table.rows.len() { "," } else { "" })?;
            }
            writeln!(out, "]")?;
        }
    }
    Ok(())
}

/// One JSON literal, written by serde_json (a String or a Value cannot fail to serialise).
fn json(v: &impl serde::Serialize) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::Value;

    fn text(s: &str) -> Value {
        Value::Text(s.into())
    }

    fn render(format: OutputFormat) -> String {
        let table = Table {
            columns: vec!["name".into(), "n".into()],
            rows: vec![vec![text("Kävlinge, \"KAV\""), Value::Null], vec![text("a\nb"), text("1")]],
        };
        let mut out = Vec::new();
        write_table(&mut out, format, &table).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        assert_eq!(render(OutputFormat::Csv), "name,n\n\"Kävlinge, \"\"KAV\"\"\",\n\"a\nb\",1\n");
    }

    #[test]
    fn json_escapes_and_nulls() {
        assert_eq!(
            render(OutputFormat::Json),
            "[\n  {\"name\": \"Kävlinge, \\\"KAV\\\"\", \"n\": null},\n  {\"name\": \"a\\nb\", \"n\": \"1\"}\n]\n"
        );
    }

    #[test]
    fn json_keeps_numbers_numbers() {
        let table = Table {
            columns: vec!["n".into(), "d".into(), "ok".into()],
            rows: vec![vec![Value::Int(1), Value::Decimal { value: 1250, scale: 2 }, Value::Bool(true)]],
        };
        let mut out = Vec::new();
        write_table(&mut out, OutputFormat::Json, &table).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "[\n  {\"n\": 1, \"d\": 12.50, \"ok\": true}\n]\n");
    }

    #[test]
    fn table_aligns_by_characters_not_bytes() {
        let mut out = Vec::new();
        let table = Table {
            columns: vec!["kund".into(), "n".into()],
            rows: vec![vec![text("Kävlinge"), Value::Int(1)], vec![text("Lomma"), Value::Int(22)]],
        };
        write_table(&mut out, OutputFormat::Table, &table).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "kund      n\nKävlinge  1\nLomma     22\n");
    }

    #[test]
    fn table_keeps_one_line_per_row_whatever_the_text() {
        assert_eq!(render(OutputFormat::Table), "name             n\nKävlinge, \"KAV\"\na b              1\n");
    }
}
