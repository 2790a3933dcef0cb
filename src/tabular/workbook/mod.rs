//! Spreadsheets (xlsx, xlsm, xlsb, xls, ods) as records: the same shape the CSV reader gives
//! the row mapper — a header row of texts, then data rows of texts with their row numbers.
//!
//! This module owns opening a workbook (through calamine: an xlsx sheet's cells as they are
//! parsed, other formats' sheets as ranges), choosing its sheets, finding each sheet's header
//! row with a predicate the caller passes, and shaping its rows, one at a time (the row
//! by row reading of one sheet is `sheet.rs`); each cell becomes the text a CSV export of it would hold in `cell.rs` (dates as local
//! `YYYY-MM-DD HH:MM:SS`, numbers with a decimal point and no exponent, booleans as
//! `true`/`false`, error cells as their Excel text, `#N/A`).
//!
//! It must not talk to the database, and it holds no profile logic: it does not know the
//! canonical columns, column names, value labels, time zones or units. Which row is a header
//! is the caller's `is_header` decision, and parsing the texts into values is the caller's
//! job (ingest's row mapper, through [`super::text`]), exactly as for CSV.
//!
//! Row shape: every data row is as wide as its header (trailing empty header cells are
//! dropped; shorter rows are padded with `""`). A row holding non-empty cells to the right of
//! the header's last column is *not* cut: it is extended up to its last non-empty cell, so the
//! caller sees a row longer than the header (the CSV mapper rejects it with "row has N fields,
//! the header has M", as it does a CSV line with too many fields) instead of losing data
//! silently. Empty cells right of the header are dropped. Fully empty rows are skipped.

mod cell;
mod sheet;

use std::fs::File;
use std::io::{BufReader, Cursor, Read, Seek};
use std::path::{Path, PathBuf};

use calamine::{open_workbook_auto, open_workbook_from_rs, Data, DataRef, Dimensions, Reader, SheetType, Sheets};

pub use cell::cell_text;
pub use sheet::DataRows;
use sheet::{range_cells, CellError, NextCell, SheetStream};

/// Rows searched for the header, counted from the sheet's first non-empty row.
const HEADER_SEARCH_ROWS: usize = 30;

/// One sheet as records: where its header is, the header texts, and the data rows.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetRecords {
    /// The sheet's name, as in the workbook.
    pub sheet: String,
    /// 1-based spreadsheet row number of the header row.
    pub header_row: usize,
    /// Header texts, trimmed; trailing empty header cells are dropped.
    pub header: Vec<String>,
    /// (1-based spreadsheet row number, cell texts aligned with `header`); fully empty rows are skipped.
    ///
    /// A row counts as empty when every cell's text is empty (blank, whitespace or error cells).
    ///
    /// A row is exactly as wide as `header` unless it holds non-empty cells beyond the header's
    /// last column: then it runs to its last non-empty cell (see the module docs).
    pub rows: Vec<(usize, Vec<String>)>,
}

/// Why a workbook could not be turned into records.
#[derive(Debug, thiserror::Error)]
pub enum ExcelError {
    /// The file is not readable as a workbook (xlsx/xlsm/xlsb/xls/ods), or one of its sheets is
    /// not readable.
    #[error("cannot read '{path}' as a spreadsheet (xlsx, xlsm, xlsb, xls or ods): {message}")]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// calamine's message (prefixed with the sheet when one sheet failed).
        message: String,
    },
    /// The workbook has no sheet with the requested name.
    #[error("'{path}' has no sheet named '{name}'; its sheets are: {}", quoted_list(sheets))]
    NoSuchSheet {
        /// The file.
        path: PathBuf,
        /// The name asked for.
        name: String,
        /// The sheets that exist, in workbook order.
        sheets: Vec<String>,
    },
    /// The requested sheet has no non-empty cell.
    #[error("sheet '{sheet}' of '{path}' is empty: expected a header row and data rows")]
    EmptySheet {
        /// The file.
        path: PathBuf,
        /// The sheet.
        sheet: String,
    },
    /// No row among the first 30 of a sheet (from its first non-empty row) passed the caller's
    /// header test.
    #[error(
        "sheet '{sheet}' of '{path}': no row looks like a header among the first {HEADER_SEARCH_ROWS} \
         from row {first_row_number}, which reads: {first_row}"
    )]
    NoHeader {
        /// The file.
        path: PathBuf,
        /// The sheet.
        sheet: String,
        /// 1-based row number of the sheet's first non-empty row.
        first_row_number: usize,
        /// That row's first few non-empty texts, comma-separated (what the sheet starts with).
        first_row: String,
    },
    /// A data row holds a value left of the sheet's first column (a sheet that declares no
    /// used range, so its columns start at the header's leftmost cell).
    #[error(
        "sheet '{sheet}' of '{path}', row {row}, column {column}: '{value}' lies left of the header's \
         first column; give that column a header or move the value into the table"
    )]
    LeftOfHeader {
        /// The file.
        path: PathBuf,
        /// The sheet.
        sheet: String,
        /// 1-based sheet row.
        row: usize,
        /// The column's letters.
        column: String,
        /// The cell's text.
        value: String,
    },
    /// An xlsx cell holds a formula but no computed value: the file was written by a program
    /// that does not calculate, so the value the cell shows in Excel is not in the file.
    #[error(
        "sheet '{sheet}' of '{path}', row {row}, column {column}: the formula ={formula} has no computed \
         value in the file (it was written by a program that does not calculate); open the file in \
         Excel or LibreOffice and save it again, or export CSV"
    )]
    Uncalculated {
        /// The file.
        path: PathBuf,
        /// The sheet.
        sheet: String,
        /// 1-based sheet row.
        row: usize,
        /// The column's letters.
        column: String,
        /// The formula's text, without `=`.
        formula: String,
    },
    /// No sheet was named and every sheet of the workbook is empty.
    #[error("workbook '{path}' has no data (all sheets empty)")]
    NoData {
        /// The file.
        path: PathBuf,
    },
}

fn quoted_list(names: &[String]) -> String {
    if names.is_empty() {
        return "(none)".into();
    }
    names.iter().map(|n| format!("'{n}'")).collect::<Vec<_>>().join(", ")
}

/// Whether the file is a spreadsheet workbook, by its extension.
pub fn is_workbook(path: &Path) -> bool {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_lowercase();
    matches!(ext.as_str(), "xlsx" | "xlsm" | "xls" | "xlsb" | "ods")
}

/// Reads every non-empty sheet (or only `sheet` when given), finding each sheet's header row,
/// and collects its rows: [`Workbook::heads`] and [`Workbook::rows`] together, for callers
/// that need a sheet whole (profile detection, price lists, portfolios).
pub fn read_workbook(
    path: &Path,
    sheet: Option<&str>,
    is_header: &dyn Fn(&[String]) -> bool,
) -> Result<Vec<SheetRecords>, ExcelError> {
    Workbook::open(path)?.collect(sheet, is_header)
}

/// [`read_workbook`] of a workbook read already: `bytes` are the file's content (a FIFO or
/// a device can be read once only), `path` names it in messages and its extension says the
/// format.
pub fn read_workbook_bytes(
    path: &Path,
    bytes: Vec<u8>,
    sheet: Option<&str>,
    is_header: &dyn Fn(&[String]) -> bool,
) -> Result<Vec<SheetRecords>, ExcelError> {
    Workbook::from_bytes(path, bytes)?.collect(sheet, is_header)
}

/// Where a sheet's header is and what it holds, found by [`Workbook::heads`] without reading
/// the sheet's data rows.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetHead {
    /// The sheet's name, as in the workbook.
    pub sheet: String,
    /// 1-based spreadsheet row number of the header row.
    pub header_row: usize,
    /// Header texts, trimmed; trailing empty header cells are dropped.
    pub header: Vec<String>,
    /// The data rows the sheet declares (its `<dimension>` below the header); an estimate
    /// for progress, 0 when the sheet declares none.
    pub rows_hint: u64,
    /// 0-based sheet column of the records' first cell.
    origin: u32,
}

/// An open workbook whose sheets are read one row at a time: an xlsx sheet is parsed as it
/// is read (issue 14: a large export is never held whole in memory, beyond the workbook's
/// shared strings); xls, xlsb and ods sheets are read whole by calamine and then given out
/// the same way.
pub struct Workbook<RS> {
    path: PathBuf,
    book: Sheets<RS>,
    /// Merged regions of each xlsx sheet read so far.
    merged: Vec<(String, Vec<Dimensions>)>,
}

impl Workbook<BufReader<File>> {
    /// Opens the workbook at `path` (its extension says the format).
    pub fn open(path: &Path) -> Result<Self, ExcelError> {
        let book = open_workbook_auto(path).map_err(|e| ExcelError::Unreadable {
            path: path.into(),
            message: format!("{e}{}", not_a_workbook(path).unwrap_or_default()),
        })?;
        Ok(Workbook { path: path.into(), book, merged: Vec::new() })
    }
}

impl Workbook<Cursor<Vec<u8>>> {
    /// A workbook read already: `bytes` are the file's content, `path` names it in messages
    /// and its extension says the format.
    pub fn from_bytes(path: &Path, bytes: Vec<u8>) -> Result<Self, ExcelError> {
        let head = bytes[..bytes.len().min(512)].to_vec();
        let data = Cursor::new(bytes);
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_lowercase();
        let opened = match ext.as_str() {
            "xls" => open_workbook_from_rs(data).map(Sheets::Xls).map_err(calamine::Error::Xls),
            "xlsb" => open_workbook_from_rs(data).map(Sheets::Xlsb).map_err(calamine::Error::Xlsb),
            "ods" => open_workbook_from_rs(data).map(Sheets::Ods).map_err(calamine::Error::Ods),
            _ => open_workbook_from_rs(data).map(Sheets::Xlsx).map_err(calamine::Error::Xlsx),
        };
        let book = opened.map_err(|e| ExcelError::Unreadable {
            path: path.into(),
            message: format!("{e}{}", not_a_workbook_head(&head).unwrap_or_default()),
        })?;
        Ok(Workbook { path: path.into(), book, merged: Vec::new() })
    }
}

impl<RS: Read + Seek + Send> Workbook<RS> {
    /// The header of every non-empty sheet (or only of `sheet` when given).
    ///
    /// The header is the first row, within the first 30 counted from the sheet's first
    /// non-empty row, for which `is_header(&row_texts)` is true (`row_texts` runs from the
    /// sheet's first used column to the row's last non-empty cell); rows above it (a title
    /// block) are ignored. Without `sheet`, every worksheet is read in workbook order (hidden
    /// ones too; chart and macro sheets are not), empty ones are skipped, and a non-empty sheet
    /// without a header row is an error. `sheet` is matched exactly, or else
    /// case-insensitively when that picks a single sheet.
    pub fn heads(
        &mut self,
        sheet: Option<&str>,
        is_header: &dyn Fn(&[String]) -> bool,
    ) -> Result<Vec<SheetHead>, ExcelError> {
        let names: Vec<String> = match sheet {
            Some(wanted) => {
                let all = self.book.sheet_names();
                match find_sheet(&all, wanted) {
                    Some(name) => vec![name.to_owned()],
                    None => {
                        return Err(ExcelError::NoSuchSheet {
                            path: self.path.clone(),
                            name: wanted.into(),
                            sheets: all,
                        })
                    }
                }
            }
            None => self
                .book
                .sheets_metadata()
                .iter()
                .filter(|s| s.typ == SheetType::WorkSheet)
                .map(|s| s.name.clone())
                .collect(),
        };
        let mut out = Vec::with_capacity(names.len());
        for name in names {
            let head = self.stream(&name)?.head(is_header)?;
            match head {
                Some(head) => out.push(head),
                None if sheet.is_some() => return Err(ExcelError::EmptySheet { path: self.path.clone(), sheet: name }),
                None => {}
            }
        }
        if out.is_empty() {
            return Err(ExcelError::NoData { path: self.path.clone() });
        }
        Ok(out)
    }

    /// The data rows of the sheet `head` describes, one at a time.
    pub fn rows(&mut self, head: &SheetHead) -> Result<DataRows<'_>, ExcelError> {
        Ok(self.stream(&head.sheet)?.rows(head))
    }

    /// [`Self::heads`], then every sheet's rows collected.
    fn collect(
        mut self,
        sheet: Option<&str>,
        is_header: &dyn Fn(&[String]) -> bool,
    ) -> Result<Vec<SheetRecords>, ExcelError> {
        let heads = self.heads(sheet, is_header)?;
        let mut out = Vec::with_capacity(heads.len());
        for head in heads {
            let mut rows = Vec::new();
            let mut data = self.rows(&head)?;
            while let Some((row, cells)) = data.next_row()? {
                rows.push((row, cells.to_vec()));
            }
            out.push(SheetRecords { sheet: head.sheet, header_row: head.header_row, header: head.header, rows });
        }
        Ok(out)
    }

    /// The cells of sheet `name` in row order, with its merged regions.
    fn stream(&mut self, name: &str) -> Result<SheetStream<'_>, ExcelError> {
        let path = self.path.clone();
        let unreadable = |e: &dyn std::fmt::Display| ExcelError::Unreadable {
            path: path.clone(),
            message: format!("sheet '{name}': {e}"),
        };
        let (next, declared, regions): (NextCell<'_>, Option<Dimensions>, Vec<Dimensions>) = match &mut self.book {
            Sheets::Xlsx(xlsx) => {
                // A merged cell shows its value over the whole region: each cell of it reads so.
                if !self.merged.iter().any(|(n, _)| n == name) {
                    let regions = xlsx.merge_cells_by_sheet_name(name).map_err(|e| unreadable(&e))?;
                    self.merged.push((name.to_owned(), regions));
                }
                let regions = self.merged.iter().find(|(n, _)| n == name).map(|(_, r)| r.clone()).unwrap_or_default();
                match xlsx.worksheet_cells_reader(name) {
                    Ok(mut reader) => {
                        let dims = reader.dimensions();
                        // A sheet that declares no dimension says A1 (calamine's default).
                        let declared = (dims.start != (0, 0) || dims.end != (0, 0)).then_some(dims);
                        // Styled cells without a value come as empty cells: skipped, as a range
                        // skips them. A formula without a computed value is refused: its cell
                        // would read empty, and the value Excel shows would be lost unseen.
                        let next: NextCell<'_> = Box::new(move || loop {
                            match reader.next_cell_with_formula() {
                                Ok(Some(cell)) => match (cell.value, cell.formula) {
                                    (DataRef::Empty, Some(formula)) => {
                                        return Err(CellError::Uncalculated { at: cell.pos, formula })
                                    }
                                    (DataRef::Empty, None) => {}
                                    (value, _) => return Ok(Some((cell.pos, Data::from(value)))),
                                },
                                Ok(None) => return Ok(None),
                                Err(e) => return Err(CellError::Read(e)),
                            }
                        });
                        (next, declared, regions)
                    }
                    // A chart sheet named by --sheet holds no cells.
                    Err(calamine::XlsxError::NotAWorksheet(_)) => (Box::new(|| Ok(None)), None, regions),
                    Err(e) => return Err(unreadable(&e)),
                }
            }
            book => {
                let range = book.worksheet_range(name).map_err(|e| unreadable(&e))?;
                let declared = range.start().zip(range.end()).map(|(start, end)| Dimensions { start, end });
                (range_cells(range), declared, Vec::new())
            }
        };
        Ok(SheetStream::new(&self.path, name, next, declared, regions))
    }
}

/// Why calamine could not open `path`, in the user's words, from the file's first bytes:
/// empty, text (a CSV file renamed), or a zip archive cut short. `None` when the bytes look
/// like a workbook (calamine's message then stands alone).
fn not_a_workbook(path: &Path) -> Option<String> {
    let mut head = Vec::with_capacity(512);
    std::fs::File::open(path).ok()?.take(512).read_to_end(&mut head).ok()?;
    not_a_workbook_head(&head)
}

/// [`not_a_workbook`] from the file's first 512 bytes.
fn not_a_workbook_head(head: &[u8]) -> Option<String> {
    const ZIP: &[u8] = b"PK\x03\x04";
    const CFB: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
    if head.is_empty() {
        Some(" (the file is empty)".into())
    } else if head.starts_with(ZIP) {
        Some(" (the file is a damaged or incomplete zip archive: truncated, or still being copied?)".into())
    } else if head.starts_with(CFB) {
        None
    } else if std::str::from_utf8(head).is_ok() || !head.contains(&0) {
        let first: String = String::from_utf8_lossy(head).lines().next().unwrap_or("").chars().take(60).collect();
        Some(format!(
            " (the file is not a workbook but text starting '{}': a CSV file with a workbook's extension? \
             rename it to .csv)",
            first.escape_debug()
        ))
    } else {
        Some(" (the file is not a workbook)".into())
    }
}

/// The sheet called `wanted`: an exact match, else the only case-insensitive match.
fn find_sheet<'a>(names: &'a [String], wanted: &str) -> Option<&'a str> {
    if let Some(exact) = names.iter().find(|n| n.as_str() == wanted) {
        return Some(exact);
    }
    let lower = wanted.trim().to_lowercase();
    let mut matches = names.iter().filter(|n| n.trim().to_lowercase() == lower);
    match (matches.next(), matches.next()) {
        (Some(only), None) => Some(only),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

    #[test]
    fn a_merged_cell_reads_its_value_in_every_cell_of_the_region() {
        // tests/fixtures/bad/xlsx-merged-cells.xlsx: a title merged over A1:E1, the header on
        // row 2, and the customer of row 3 ("Kävlinge") merged down over D3:D5.
        let path = Path::new(FIXTURES).join("bad/xlsx-merged-cells.xlsx");
        let is_header = |row: &[String]| row.iter().any(|c| c == "ticket_id");
        let sheets = read_workbook(&path, None, &is_header).unwrap();
        let customers: Vec<(usize, &str)> = sheets[0].rows.iter().map(|(r, c)| (*r, c[3].as_str())).collect();
        assert_eq!(customers, [(3, "Kävlinge"), (4, "Kävlinge"), (5, "Kävlinge")]);
        assert_eq!(sheets[0].header_row, 2);
    }

    #[test]
    fn a_large_xlsx_sheet_is_read_row_by_row_as_its_range_would_give_it() {
        // 3,000 rows with a merged region far down: streamed rows equal the rows of the
        // range calamine reads whole.
        use rust_xlsxwriter::Workbook;
        let path = std::env::temp_dir().join(format!("itsm-excel-stream-{}.xlsx", std::process::id()));
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.write(0, 1, "ticket_id").unwrap();
        ws.write(0, 2, "minutes").unwrap();
        for r in 1..3000u32 {
            ws.write(r, 1, format!("T{r}")).unwrap();
            if r % 7 != 0 {
                ws.write(r, 2, f64::from(r) / 4.0).unwrap();
            }
        }
        ws.merge_range(2500, 3, 2502, 3, "note", &rust_xlsxwriter::Format::new()).unwrap();
        wb.save(&path).unwrap();
        let is_header = |row: &[String]| row.iter().any(|t| t == "ticket_id");
        let streamed = read_workbook(&path, None, &is_header);
        let mut book = open_workbook_auto(&path).unwrap();
        let range = book.worksheet_range_at(0).unwrap().unwrap();
        let _ = std::fs::remove_file(&path);
        let streamed = streamed.unwrap();
        let expected: Vec<Vec<String>> = range
            .rows()
            .skip(1)
            .map(|r| {
                let mut cells: Vec<String> = r.iter().map(cell_text).collect();
                let keep = cells.iter().rposition(|c| !c.is_empty()).map_or(0, |p| p + 1).max(2);
                cells.truncate(keep);
                cells
            })
            .collect();
        assert_eq!(streamed[0].rows.len(), 2999);
        for (i, ((_, got), want)) in streamed[0].rows.iter().zip(&expected).enumerate() {
            // The range read whole has no merged cells filled in.
            if !(2501..=2502).contains(&(i + 1)) {
                assert_eq!(got, want, "row {}", i + 2);
            }
        }
        assert_eq!(streamed[0].rows[2499].1, ["T2500", "625", "note"]);
        assert_eq!(streamed[0].rows[2500].1, ["T2501", "625.25", "note"]);
        assert_eq!(streamed[0].rows[2501].1, ["T2502", "625.5", "note"]);
        assert_eq!(streamed[0].rows[2502].1, ["T2503", "625.75"]);
    }

    #[test]
    fn files_that_are_not_workbooks_are_named_for_what_they_are() {
        let bad = Path::new(FIXTURES).join("bad");
        let message = |name: &str| read_workbook(&bad.join(name), None, &|_: &[String]| true).unwrap_err().to_string();
        assert!(message("csv-renamed.xlsx").contains("not a workbook but text starting 'ticket_id,kind,"));
        assert!(message("csv-renamed.xlsx").ends_with("rename it to .csv)"));
        assert!(message("empty.xlsx").ends_with("(the file is empty)"));
        assert!(message("xlsx-truncated.xlsx").contains("damaged or incomplete zip archive"));
        assert!(
            message("xlsx-password-protected.xlsx").contains("password protected"),
            "{}",
            message("xlsx-password-protected.xlsx")
        );
    }

    const TICKET_COLUMNS: [&str; 28] = [
        "ticket_id",
        "kind",
        "title",
        "customer",
        "service",
        "category",
        "ci",
        "channel",
        "impact",
        "urgency",
        "priority",
        "status",
        "opened_at",
        "first_response_at",
        "resolved_at",
        "closed_at",
        "first_team",
        "resolved_by_team",
        "assigned_team",
        "reassignment_count",
        "reopen_count",
        "problem_id",
        "change_id",
        "work_minutes",
        "billable",
        "request_item",
        "requester",
        "updated_at",
    ];

    fn fixture(name: &str) -> PathBuf {
        Path::new(FIXTURES).join(name)
    }

    /// What the ingest caller does: enough known column names in the row (here: two).
    fn looks_like_header(row: &[String]) -> bool {
        let known = ["ticket_id", "opened_at", "status", "occurred_at", "kind", "value"];
        row.iter().filter(|t| known.contains(&t.to_lowercase().as_str())).count() >= 2
    }

    fn read(name: &str, sheet: Option<&str>) -> Result<Vec<SheetRecords>, ExcelError> {
        read_workbook(&fixture(name), sheet, &looks_like_header)
    }

    fn col(records: &SheetRecords, row: usize, column: &str) -> String {
        let i = records.header.iter().position(|h| h == column).expect("column in header");
        records.rows[row].1[i].clone()
    }

    /// The CSV a fixture was made from, with `YYYY-MM-DD HH:MM` dates as the module renders them.
    fn csv_rows(name: &str) -> Vec<Vec<String>> {
        let text = std::fs::read_to_string(fixture(name)).expect("fixture csv");
        text.lines()
            .map(|line| {
                line.split(',')
                    .map(|cell| {
                        let b = cell.as_bytes();
                        if b.len() == 16 && b[4] == b'-' && b[10] == b' ' && b[13] == b':' {
                            format!("{cell}:00")
                        } else {
                            cell.to_owned()
                        }
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn header_on_the_first_row_and_cells_as_the_csv_had_them() {
        let sheets = read("excel-tickets.xlsx", None).expect("readable");
        assert_eq!(sheets.len(), 1);
        let t = &sheets[0];
        assert_eq!(t.header_row, 1);
        assert_eq!(t.header, TICKET_COLUMNS);
        assert_eq!(t.rows.iter().map(|r| r.0).collect::<Vec<_>>(), [2, 3, 4, 5, 6]);
        let expected = csv_rows("excel-tickets.csv");
        assert_eq!(expected[0], TICKET_COLUMNS);
        for (got, want) in t.rows.iter().zip(&expected[1..]) {
            assert_eq!(&got.1, want, "row {}", got.0);
        }
    }

    #[test]
    fn swedish_characters_survive() {
        let t = &read("excel-tickets.xlsx", None).expect("readable")[0];
        assert_eq!(col(t, 0, "title"), "Skrivaren på plan 3 skriver inte ut");
        assert_eq!(col(t, 1, "title"), "Ärendesystemet är långsamt för Ängelholmsgruppen");
        assert_eq!(col(t, 2, "title"), "Ny dator till Östra skolan");
        assert_eq!(col(t, 4, "title"), "Åtkomst till lönesystemet för Ödön Ärlig");
        let customers: Vec<String> = (0..5).map(|r| col(t, r, "customer")).collect();
        assert_eq!(customers, ["Kävlinge", "Burlöv", "Staffanstorp", "Kävlinge", "Burlöv"]);
        assert_eq!(col(t, 0, "requester"), "Åsa Öberg");
    }

    #[test]
    fn date_cells_numbers_and_booleans() {
        // LibreOffice stored real date cells, not strings.
        let mut wb = open_workbook_auto(fixture("excel-tickets.xlsx")).expect("open");
        let range = wb.worksheet_range_at(0).expect("a sheet").expect("readable");
        let opened = range.get_value((1, 12)).expect("M2");
        assert!(matches!(opened, Data::DateTime(dt) if dt.is_datetime()), "{opened:?}");
        assert!(matches!(range.get_value((1, 23)), Some(Data::Float(f)) if *f == 12.5));
        assert!(matches!(range.get_value((1, 24)), Some(Data::Bool(false))));

        let t = &read("excel-tickets.xlsx", None).expect("readable")[0];
        assert_eq!(col(t, 0, "opened_at"), "2026-10-05 08:00:00");
        assert_eq!(col(t, 0, "first_response_at"), "2026-10-05 08:10:00");
        assert_eq!(col(t, 0, "closed_at"), "");
        assert_eq!(col(t, 0, "work_minutes"), "12.5");
        assert_eq!(col(t, 1, "work_minutes"), "45.25");
        assert_eq!(col(t, 2, "work_minutes"), "90");
        assert_eq!(col(t, 3, "work_minutes"), "0");
        assert_eq!(col(t, 1, "reassignment_count"), "2");
        assert_eq!(col(t, 0, "billable"), "false");
        assert_eq!(col(t, 2, "billable"), "true");
    }

    #[test]
    fn header_under_a_title_block() {
        let sheets = read("excel-title-block.xlsx", None).expect("readable");
        let t = &sheets[0];
        assert_eq!(t.header_row, 5);
        assert_eq!(t.header, TICKET_COLUMNS);
        assert_eq!(t.rows.iter().map(|r| r.0).collect::<Vec<_>>(), [6, 7, 8, 9, 10]);
        let plain = &read("excel-tickets.xlsx", None).expect("readable")[0];
        let cells = |s: &SheetRecords| s.rows.iter().map(|r| r.1.clone()).collect::<Vec<_>>();
        assert_eq!(cells(t), cells(plain));
    }

    #[test]
    fn both_sheets_with_their_names() {
        let sheets = read("excel-two-sheets.xlsx", None).expect("readable");
        let names: Vec<&str> = sheets.iter().map(|s| s.sheet.as_str()).collect();
        assert_eq!(names, ["Ärenden", "Historik"]);
        assert_eq!(sheets[0].header, TICKET_COLUMNS);
        assert_eq!(sheets[0].rows.len(), 5);
        let h = &sheets[1];
        assert_eq!((h.header_row, h.rows.len()), (1, 8));
        assert_eq!(h.header, ["ticket_id", "occurred_at", "kind", "value", "agent", "minutes"]);
        assert_eq!(h.rows[0].1, ["INC2001", "2026-10-05 08:00:00", "status", "new", "Åsa Lindström", ""]);
        assert_eq!(h.rows[2].1[5], "12.5");
        let expected = csv_rows("excel-two-sheets-history.csv");
        assert_eq!(h.rows.iter().map(|r| r.1.clone()).collect::<Vec<_>>(), expected[1..]);

        let only = read("excel-two-sheets.xlsx", Some("Historik")).expect("readable");
        assert_eq!(only, vec![h.clone()]);
        let folded = read("excel-two-sheets.xlsx", Some("ärenden")).expect("case-insensitive");
        assert_eq!(folded[0].sheet, "Ärenden");
    }

    #[test]
    fn empty_workbook_and_named_empty_sheet() {
        let err = read("excel-empty-sheet.xlsx", None).expect_err("no data");
        assert!(matches!(err, ExcelError::NoData { .. }), "{err:?}");
        assert!(err.to_string().contains("has no data (all sheets empty)"), "{err}");

        let err = read("excel-empty-sheet.xlsx", Some("Sheet1")).expect_err("empty sheet");
        assert!(matches!(&err, ExcelError::EmptySheet { sheet, .. } if sheet == "Sheet1"), "{err:?}");
        assert!(err.to_string().contains("sheet 'Sheet1' of"), "{err}");
        assert!(err.to_string().contains("is empty"), "{err}");
    }

    #[test]
    fn unknown_sheet_lists_the_sheets() {
        let err = read("excel-two-sheets.xlsx", Some("Tickets")).expect_err("no such sheet");
        assert!(matches!(&err, ExcelError::NoSuchSheet { sheets, .. } if sheets == &["Ärenden", "Historik"]));
        let msg = err.to_string();
        assert!(msg.contains("no sheet named 'Tickets'"), "{msg}");
        assert!(msg.contains("its sheets are: 'Ärenden', 'Historik'"), "{msg}");
    }

    #[test]
    fn no_header_row_names_the_sheet() {
        let err = read_workbook(&fixture("excel-title-block.xlsx"), None, &|_| false).expect_err("no header");
        let msg = err.to_string();
        assert!(matches!(err, ExcelError::NoHeader { first_row_number: 1, .. }), "{err:?}");
        assert!(msg.contains("sheet 'excel-title-block'"), "{msg}");
        assert!(msg.contains("no row looks like a header among the first 30 from row 1"), "{msg}");
        assert!(msg.contains("Ärendeexport Kävlinge kommun"), "{msg}");
    }

    #[test]
    fn a_formula_without_a_computed_value_is_refused_with_its_cell() {
        // Written by openpyxl (tests/fixtures/bad/make.py): two formulas with the values
        // Excel stores, and A4 `="BAD-"&3` with none, which would read as an empty cell.
        let err = read("bad/xlsx-formulas.xlsx", None).expect_err("uncalculated");
        assert!(
            matches!(&err, ExcelError::Uncalculated { row: 4, column, formula, .. } if column == "A" && formula == "\"BAD-\"&3"),
            "{err:?}"
        );
        assert!(err.to_string().contains("sheet 'Tickets' of"), "{err}");
        assert!(err.to_string().contains("open the file in Excel or LibreOffice and save it again"), "{err}");
    }

    #[test]
    fn not_a_workbook() {
        for name in ["excel-tickets.csv", "does-not-exist.xlsx"] {
            let err = read(name, None).expect_err("unreadable");
            assert!(matches!(err, ExcelError::Unreadable { .. }), "{err:?}");
            assert!(err.to_string().starts_with("cannot read '"), "{err}");
        }
    }

    #[test]
    fn a_workbook_read_already_gives_what_its_file_gives() {
        for name in ["excel-tickets.xlsx", "excel-two-sheets.xlsx"] {
            let bytes = std::fs::read(fixture(name)).unwrap();
            let from_bytes = read_workbook_bytes(&fixture(name), bytes, None, &looks_like_header).expect(name);
            assert_eq!(from_bytes, read(name, None).expect(name), "{name}");
        }
        // Text given as a workbook: the same hint as for the file.
        let text = std::fs::read(fixture("excel-tickets.csv")).unwrap();
        let err = read_workbook_bytes(Path::new("export.xlsx"), text, None, &looks_like_header).expect_err("text");
        assert!(err.to_string().contains("a CSV file with a workbook's extension?"), "{err}");
        let err = read_workbook_bytes(Path::new("empty.xlsx"), Vec::new(), None, &looks_like_header).expect_err("");
        assert!(err.to_string().contains("(the file is empty)"), "{err}");
    }

    #[test]
    fn generated_workbook_through_the_file_path() {
        use rust_xlsxwriter::{Format, Workbook};
        let path = std::env::temp_dir().join(format!("itsm-excel-gen-{}.xlsx", std::process::id()));
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("Data").expect("name");
        let date = Format::new().set_num_format("yyyy-mm-dd hh:mm");
        ws.write(0, 0, "ticket_id").expect("write");
        ws.write(0, 1, "opened_at").expect("write");
        ws.write(1, 0, "A1").expect("write");
        let when = rust_xlsxwriter::ExcelDateTime::parse_from_str("2026-10-05 08:00:00").expect("date");
        ws.write_datetime_with_format(1, 1, &when, &date).expect("write");
        ws.write(2, 0, "A2").expect("write");
        ws.write(2, 3, "extra").expect("write");
        wb.add_worksheet().set_name("Tom").expect("name");
        wb.save(&path).expect("save");
        let got = read_workbook(&path, None, &|row| row.iter().any(|t| t == "ticket_id"));
        let named_empty = read_workbook(&path, Some("Tom"), &|_| true);
        let _ = std::fs::remove_file(&path);
        let got = got.expect("readable");
        assert_eq!(got.len(), 1, "the empty sheet is skipped");
        assert_eq!(got[0].rows[0].1, ["A1", "2026-10-05 08:00:00"]);
        assert_eq!(got[0].rows[1].1, ["A2", "", "", "extra"]);
        assert!(matches!(named_empty, Err(ExcelError::EmptySheet { sheet, .. }) if sheet == "Tom"));
    }
}
