//! Tabular output of CLI commands in the formats users pick with `--format`: an aligned
//! text table for people, CSV (RFC 4180) and JSON (an array of objects, all values as
//! strings or null) for programs. Commands hand over headers and rows of text.

use std::io::Write;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns.
    Table,
    /// Comma-separated values with a header row.
    Csv,
    /// An array of objects keyed by column name.
    Json,
}

/// Writes `rows` under `headers` in `format`. `None` cells are empty in a table or CSV and
/// `null` in JSON.
pub fn write_rows(
    out: &mut impl Write,
    format: Format,
    headers: &[&str],
    rows: &[Vec<Option<String>>],
) -> std::io::Result<()> {
    match format {
        Format::Table => {
            let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
            for row in rows {
                for (w, cell) in widths.iter_mut().zip(row) {
                    *w = (*w).max(cell.as_deref().unwrap_or("").chars().count());
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
            writeln!(out, "{}", line(headers.to_vec()))?;
            for row in rows {
                writeln!(out, "{}", line(row.iter().map(|c| c.as_deref().unwrap_or("")).collect()))?;
            }
        }
        Format::Csv => {
            writeln!(out, "{}", headers.iter().map(|h| csv_field(h)).collect::<Vec<_>>().join(","))?;
            for row in rows {
                let cells: Vec<String> = row.iter().map(|c| csv_field(c.as_deref().unwrap_or(""))).collect();
                writeln!(out, "{}", cells.join(","))?;
            }
        }
        Format::Json => {
            writeln!(out, "[")?;
            for (i, row) in rows.iter().enumerate() {
                let fields: Vec<String> = headers
                    .iter()
                    .zip(row)
                    .map(|(h, c)| format!("{}: {}", json_string(h), c.as_deref().map_or("null".into(), json_string)))
                    .collect();
                writeln!(out, "  {{{}}}{}", fields.join(", "), if i + 1 < rows.len() { "," } else { "" })?;
            }
            writeln!(out, "]")?;
        }
    }
    Ok(())
}

pub use crate::render::format::{csv_field, json_string};

#[cfg(test)]
mod tests {
    use super::*;

    fn render(format: Format) -> String {
        let rows = vec![vec![Some("Kävlinge, \"KAV\"".into()), None], vec![Some("a\nb".into()), Some("1".into())]];
        let mut out = Vec::new();
        write_rows(&mut out, format, &["name", "n"], &rows).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        assert_eq!(render(Format::Csv), "name,n\n\"Kävlinge, \"\"KAV\"\"\",\n\"a\nb\",1\n");
    }

    #[test]
    fn json_escapes_and_nulls() {
        assert_eq!(
            render(Format::Json),
            "[\n  {\"name\": \"Kävlinge, \\\"KAV\\\"\", \"n\": null},\n  {\"name\": \"a\\nb\", \"n\": \"1\"}\n]\n"
        );
    }

    #[test]
    fn table_aligns_by_characters_not_bytes() {
        let mut out = Vec::new();
        let rows = vec![vec![Some("Kävlinge".into()), Some("1".into())], vec![Some("Lomma".into()), Some("22".into())]];
        write_rows(&mut out, Format::Table, &["kund", "n"], &rows).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "kund      n\nKävlinge  1\nLomma     22\n");
    }
}
