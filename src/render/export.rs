//! The workbook of `itsm export --format xlsx`: one sheet per table, a bold frozen header,
//! each cell written from its type — numbers as numbers (a DECIMAL with as many decimals
//! as its scale), DATE and TIMESTAMP as date cells, booleans as booleans — and text always
//! as a string cell, so ticket text never becomes a formula (the tool writes none here).
//!
//! Must not: open the database or choose tables (the export layer does).

use std::collections::BTreeSet;

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use crate::table::{Table, Value};

/// The longest text an Excel cell holds.
pub const EXCEL_MAX_TEXT: usize = 32_767;

/// `s` as an Excel cell holds it: text longer than [`EXCEL_MAX_TEXT`] characters is cut,
/// visibly, with how long it was (the report's CSV keeps it whole). For the reports'
/// workbooks, where one ticket's pasted log must not stop the month's billing; the
/// export's workbook refuses such text instead ([`SheetError::TextTooLong`]).
pub fn excel_text(s: &str) -> String {
    let chars = s.chars().count();
    if chars <= EXCEL_MAX_TEXT {
        return s.to_string();
    }
    let note = format!(" … [cut: {chars} characters, the CSV has all]");
    let keep = EXCEL_MAX_TEXT - note.chars().count();
    let mut out: String = s.chars().take(keep).collect();
    out.push_str(&note);
    out
}

/// Why the workbook cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    /// A text value is longer than a cell holds.
    #[error(
        "table {table}, row {row}, column {column}: the text has {chars} characters, more than the \
         {EXCEL_MAX_TEXT} an Excel cell holds; export as parquet or csv"
    )]
    TextTooLong {
        /// The table.
        table: String,
        /// 1-based data row.
        row: usize,
        /// The column.
        column: String,
        /// Its length in characters.
        chars: usize,
    },
    /// The writer failed.
    #[error("writing the workbook: {0}")]
    Xlsx(#[from] XlsxError),
}

/// A sheet name Excel accepts and the workbook has not used: at most 31 characters, none
/// of `[]:*?/\`, unique (a `~N` suffix when needed).
pub fn sheet_name(name: &str, taken: &mut BTreeSet<String>) -> String {
    let clean: String = name.chars().map(|c| if "[]:*?/\\".contains(c) { '_' } else { c }).collect();
    let mut candidate: String = clean.chars().take(31).collect();
    let mut n = 1;
    while taken.contains(&candidate.to_lowercase()) {
        n += 1;
        let suffix = format!("~{n}");
        candidate = format!("{}{suffix}", clean.chars().take(31 - suffix.len()).collect::<String>());
    }
    taken.insert(candidate.to_lowercase());
    candidate
}

struct Formats {
    header: Format,
    date: Format,
    datetime: Format,
    decimals: Vec<Format>,
}

fn write_cell(ws: &mut Worksheet, f: &Formats, row: u32, col: u16, v: &Value) -> Result<(), XlsxError> {
    match v {
        Value::Null => {}
        Value::Bool(b) => {
            ws.write_boolean(row, col, *b)?;
        }
        Value::Int(i) => {
            ws.write_number(row, col, *i as f64)?;
        }
        Value::Decimal { scale, .. } => {
            let format = &f.decimals[usize::from(*scale).min(f.decimals.len() - 1)];
            ws.write_number_with_format(row, col, v.as_f64().unwrap_or(0.0), format)?;
        }
        Value::Float(x) if x.is_finite() => {
            ws.write_number(row, col, *x)?;
        }
        Value::Float(_) | Value::Text(_) => {
            ws.write_string(row, col, v.to_string())?;
        }
        Value::Date(d) => {
            let dt = ExcelDateTime::parse_from_str(&d.format("%Y-%m-%d").to_string())?;
            ws.write_datetime_with_format(row, col, &dt, &f.date)?;
        }
        Value::Timestamp(t) => {
            let dt = ExcelDateTime::parse_from_str(&t.format("%Y-%m-%dT%H:%M:%S%.3f").to_string())?;
            ws.write_datetime_with_format(row, col, &dt, &f.datetime)?;
        }
    }
    Ok(())
}

/// A workbook written a sheet at a time, so the caller can drop each table once its sheet
/// is written: one sheet per table, in the order added.
pub struct ExportWorkbook {
    wb: Workbook,
    f: Formats,
    taken: BTreeSet<String>,
}

impl Default for ExportWorkbook {
    fn default() -> Self {
        ExportWorkbook::new()
    }
}

impl ExportWorkbook {
    /// An empty workbook.
    pub fn new() -> ExportWorkbook {
        let f = Formats {
            header: Format::new().set_bold(),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            datetime: Format::new().set_num_format("yyyy-mm-dd hh:mm:ss"),
            decimals: (0..=8)
                .map(|s| {
                    Format::new().set_num_format(if s == 0 { "0".to_string() } else { format!("0.{}", "0".repeat(s)) })
                })
                .collect(),
        };
        ExportWorkbook { wb: Workbook::new(), f, taken: BTreeSet::new() }
    }

    /// Adds table `name` as a sheet; returns the sheet's name. The caller keeps the table
    /// within Excel's rows.
    pub fn add(&mut self, name: &str, table: &Table) -> Result<String, SheetError> {
        let sheet = sheet_name(name, &mut self.taken);
        let f = &self.f;
        let ws = self.wb.add_worksheet();
        ws.set_name(&sheet)?;
        for (c, column) in table.columns.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, column, &f.header)?;
        }
        ws.set_freeze_panes(1, 0)?;
        for (r, row) in table.rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if let Value::Text(s) = v {
                    let chars = s.chars().count();
                    if chars > EXCEL_MAX_TEXT {
                        return Err(SheetError::TextTooLong {
                            table: name.to_string(),
                            row: r + 1,
                            column: table.columns.get(c).cloned().unwrap_or_default(),
                            chars,
                        });
                    }
                }
                write_cell(ws, f, r as u32 + 1, c as u16, v)?;
            }
        }
        Ok(sheet)
    }

    /// Writes the workbook to `path`.
    pub fn save(mut self, path: &std::path::Path) -> Result<(), SheetError> {
        Ok(self.wb.save(path)?)
    }

    /// The workbook's bytes.
    pub fn to_bytes(mut self) -> Result<Vec<u8>, SheetError> {
        Ok(self.wb.save_to_buffer()?)
    }
}

/// The workbook of `tables` (name, rows), one sheet each in order, and the sheet names
/// used. The caller keeps each table within Excel's rows.
pub fn workbook(tables: &[(&str, &Table)]) -> Result<(Vec<u8>, Vec<String>), SheetError> {
    let mut wb = ExportWorkbook::new();
    let names = tables.iter().map(|(name, table)| wb.add(name, table)).collect::<Result<Vec<_>, _>>()?;
    Ok((wb.to_bytes()?, names))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_short_valid_and_unique() {
        let mut taken = BTreeSet::new();
        assert_eq!(sheet_name("kpi_customer_requester_by_month_x", &mut taken), "kpi_customer_requester_by_month");
        assert_eq!(sheet_name("kpi_customer_requester_by_month_y", &mut taken), "kpi_customer_requester_by_mon~2");
        assert_eq!(sheet_name("a/b", &mut taken), "a_b");
    }

    #[test]
    fn report_text_longer_than_a_cell_is_cut_visibly_to_fit() {
        assert_eq!(excel_text("kort"), "kort");
        let long = "å".repeat(40_000);
        let cut = excel_text(&long);
        assert_eq!(cut.chars().count(), EXCEL_MAX_TEXT);
        assert!(cut.ends_with(" … [cut: 40000 characters, the CSV has all]") && cut.starts_with("ååå"));
        assert_eq!(excel_text(&"x".repeat(EXCEL_MAX_TEXT)).len(), EXCEL_MAX_TEXT);
    }

    #[test]
    fn text_longer_than_a_cell_is_refused_with_its_place() {
        let t = Table { columns: vec!["title".into()], rows: vec![vec![Value::Text("x".repeat(EXCEL_MAX_TEXT + 1))]] };
        let err = workbook(&[("ticket", &t)]).unwrap_err().to_string();
        assert!(err.contains("table ticket, row 1, column title") && err.contains("32768"), "{err}");
    }
}
