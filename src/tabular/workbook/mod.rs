//! Spreadsheets (xlsx, xlsm, xlsb, xls, ods) as records: the same shape the CSV reader gives
//! the row mapper — a header row of texts, then data rows of texts with their row numbers.
//!
//! This module owns opening a workbook (through calamine's range API), choosing its sheets,
//! finding each sheet's header row with a predicate the caller passes, and shaping its rows;
//! each cell becomes the text a CSV export of it would hold in `cell.rs` (dates as local
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

use std::path::{Path, PathBuf};

use std::io::{Cursor, Read, Seek};

use calamine::{open_workbook_auto, open_workbook_from_rs, Data, Range, Reader, SheetType, Sheets};

pub use cell::cell_text;
use cell::{is_blank, take_text};

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

/// Reads every non-empty sheet (or only `sheet` when given), finding each sheet's header row.
///
/// The header is the first row, within the first 30 counted from the sheet's first non-empty
/// row, for which `is_header(&row_texts)` is true (`row_texts` spans the sheet's used width,
/// trailing empty cells included); rows above it (a title block) are ignored. Without `sheet`,
/// every worksheet is read in workbook order (hidden ones too; chart and macro sheets are not),
/// empty ones are skipped, and a non-empty sheet without a header row is an error. `sheet` is
/// matched exactly, or else case-insensitively when that picks a single sheet.
pub fn read_workbook(
    path: &Path,
    sheet: Option<&str>,
    is_header: &dyn Fn(&[String]) -> bool,
) -> Result<Vec<SheetRecords>, ExcelError> {
    let workbook = open_workbook_auto(path).map_err(|e| ExcelError::Unreadable {
        path: path.into(),
        message: format!("{e}{}", not_a_workbook(path).unwrap_or_default()),
    })?;
    sheets_of(path, workbook, sheet, is_header)
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
    let head = bytes[..bytes.len().min(512)].to_vec();
    let data = Cursor::new(bytes);
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_lowercase();
    let opened = match ext.as_str() {
        "xls" => open_workbook_from_rs(data).map(Sheets::Xls).map_err(calamine::Error::Xls),
        "xlsb" => open_workbook_from_rs(data).map(Sheets::Xlsb).map_err(calamine::Error::Xlsb),
        "ods" => open_workbook_from_rs(data).map(Sheets::Ods).map_err(calamine::Error::Ods),
        _ => open_workbook_from_rs(data).map(Sheets::Xlsx).map_err(calamine::Error::Xlsx),
    };
    let workbook = opened.map_err(|e| ExcelError::Unreadable {
        path: path.into(),
        message: format!("{e}{}", not_a_workbook_head(&head).unwrap_or_default()),
    })?;
    sheets_of(path, workbook, sheet, is_header)
}

/// The sheets of an open workbook as [`read_workbook`] gives them.
fn sheets_of<RS: Read + Seek>(
    path: &Path,
    mut workbook: Sheets<RS>,
    sheet: Option<&str>,
    is_header: &dyn Fn(&[String]) -> bool,
) -> Result<Vec<SheetRecords>, ExcelError> {
    let names: Vec<String> = match sheet {
        Some(wanted) => {
            let all = workbook.sheet_names();
            match find_sheet(&all, wanted) {
                Some(name) => vec![name.to_owned()],
                None => return Err(ExcelError::NoSuchSheet { path: path.into(), name: wanted.into(), sheets: all }),
            }
        }
        None => workbook
            .sheets_metadata()
            .iter()
            .filter(|s| s.typ == SheetType::WorkSheet)
            .map(|s| s.name.clone())
            .collect(),
    };
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let mut range = workbook
            .worksheet_range(&name)
            .map_err(|e| ExcelError::Unreadable { path: path.into(), message: format!("sheet '{name}': {e}") })?;
        // A merged cell shows its value over the whole region: each cell of it reads so.
        if let calamine::Sheets::Xlsx(xlsx) = &mut workbook {
            let regions = xlsx
                .merge_cells_by_sheet_name(&name)
                .map_err(|e| ExcelError::Unreadable { path: path.into(), message: format!("sheet '{name}': {e}") })?;
            fill_merged(&mut range, &regions);
        }
        match records_from_range(path, &name, range, is_header)? {
            Some(records) => out.push(records),
            None if sheet.is_some() => return Err(ExcelError::EmptySheet { path: path.into(), sheet: name }),
            None => {}
        }
    }
    if out.is_empty() {
        return Err(ExcelError::NoData { path: path.into() });
    }
    Ok(out)
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

/// Copies each merged region's top-left value into the region's other cells (within the
/// range; calamine leaves them empty). Regions are absolute sheet positions.
fn fill_merged(range: &mut Range<Data>, regions: &[calamine::Dimensions]) {
    let (Some(start), Some(end)) = (range.start(), range.end()) else { return };
    for region in regions {
        let Some(value) = range.get_value(region.start).cloned() else { continue };
        if matches!(value, Data::Empty) {
            continue;
        }
        for row in region.start.0.max(start.0)..=region.end.0.min(end.0) {
            for col in region.start.1.max(start.1)..=region.end.1.min(end.1) {
                if (row, col) != region.start {
                    range.set_value((row, col), value.clone());
                }
            }
        }
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

/// One sheet's cells as records; `None` when the sheet is empty.
fn records_from_range(
    path: &Path,
    sheet: &str,
    mut range: Range<Data>,
    is_header: &dyn Fn(&[String]) -> bool,
) -> Result<Option<SheetRecords>, ExcelError> {
    let Some((first_row, _)) = range.start() else { return Ok(None) };
    let first_row = first_row as usize + 1;
    let (height, width) = range.get_size();

    // The header search window: HEADER_SEARCH_ROWS rows from the first non-empty one.
    let mut texts: Vec<String> = Vec::with_capacity(width);
    let mut first_nonblank: Option<usize> = None;
    let mut header_at = None;
    for i in 0..height {
        if first_nonblank.is_some_and(|f| i >= f + HEADER_SEARCH_ROWS) {
            break;
        }
        let row = &range[i];
        if row.iter().all(is_blank) {
            continue;
        }
        first_nonblank.get_or_insert(i);
        texts.clear();
        texts.extend(row.iter().map(cell_text));
        if is_header(&texts) {
            header_at = Some(i);
            break;
        }
    }
    let Some(header_at) = header_at else {
        let Some(first) = first_nonblank else { return Ok(None) };
        let shown: Vec<String> = range[first].iter().map(cell_text).filter(|t| !t.is_empty()).take(8).collect();
        return Err(ExcelError::NoHeader {
            path: path.into(),
            sheet: sheet.into(),
            first_row_number: first_row + first,
            first_row: shown.join(", "),
        });
    };
    let header_width = texts.iter().rposition(|t| !t.is_empty()).map_or(0, |p| p + 1);
    texts.truncate(header_width);
    let header = texts;

    let mut rows = Vec::with_capacity(height - header_at - 1);
    for i in header_at + 1..height {
        let row = &mut range[i];
        let Some(last) = row.iter().rposition(|c| !is_blank(c)) else { continue };
        let n = header_width.max(last + 1);
        let mut cells = Vec::with_capacity(n);
        // Rows of a range are all `width` wide, so n <= width and short rows come padded with Empty.
        cells.extend(row[..n].iter_mut().map(|c| take_text(std::mem::take(c))));
        rows.push((first_row + i, cells));
    }
    Ok(Some(SheetRecords { sheet: sheet.into(), header_row: first_row + header_at, header, rows }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Cell, CellErrorType};

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
        // Regions reaching outside the range are clipped; an empty top-left cell fills nothing.
        let mut range: Range<Data> = Range::new((1, 1), (2, 2));
        range.set_value((1, 1), Data::String("x".into()));
        let regions =
            [calamine::Dimensions { start: (0, 0), end: (5, 5) }, calamine::Dimensions { start: (1, 1), end: (9, 9) }];
        fill_merged(&mut range, &regions);
        assert_eq!(range.get_value((2, 2)), Some(&Data::String("x".into())));
        assert_eq!(range.get_size(), (2, 2));
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

    fn range_of(cells: Vec<((u32, u32), Data)>) -> Range<Data> {
        Range::from_sparse(cells.into_iter().map(|(pos, v)| Cell::new(pos, v)).collect())
    }

    fn s(text: &str) -> Data {
        Data::String(text.into())
    }

    fn shape(range: Range<Data>) -> SheetRecords {
        let header = |row: &[String]| row.iter().any(|t| t == "ticket_id");
        records_from_range(Path::new("x.xlsx"), "S", range, &header).expect("ok").expect("not empty")
    }

    #[test]
    fn rows_are_padded_extended_and_blank_rows_skipped() {
        // Title in B2, header in B4:D4 (row 4, 0-based 3), then data from row 5.
        let r = range_of(vec![
            ((1, 1), s("Export")),
            ((3, 1), s(" ticket_id ")),
            ((3, 2), s("status")),
            ((3, 3), s("minutes")),
            ((4, 1), s("A1")),
            ((4, 2), s("open")),
            ((4, 3), Data::Float(1.5)),
            ((5, 1), s("A2")),  // short row
            ((6, 1), s("   ")), // blank: whitespace only
            ((6, 2), Data::Error(CellErrorType::NA)),
            ((7, 1), s("A3")),
            ((7, 2), s("closed")),
            ((7, 5), s("stray")), // beyond the header: kept, row extended
            ((8, 1), s("A4")),
            ((8, 4), Data::Empty),
        ]);
        let t = shape(r);
        assert_eq!(t.header_row, 4);
        // The range starts in column B: the header starts there too.
        assert_eq!(t.header, ["ticket_id", "status", "minutes"]);
        let rows: Vec<(usize, Vec<&str>)> =
            t.rows.iter().map(|(n, c)| (*n, c.iter().map(String::as_str).collect())).collect();
        assert_eq!(
            rows,
            [
                (5, vec!["A1", "open", "1.5"]),
                (6, vec!["A2", "", ""]),
                (8, vec!["A3", "closed", "", "", "stray"]),
                (9, vec!["A4", "", ""]),
            ]
        );
    }

    #[test]
    fn blank_and_missing_header_in_memory() {
        let header = |row: &[String]| row.iter().any(|t| t == "ticket_id");
        let empty = range_of(vec![((0, 0), s("  ")), ((2, 3), Data::Error(CellErrorType::Div0))]);
        assert_eq!(records_from_range(Path::new("x"), "S", empty, &header).expect("ok"), None);
        let deep = range_of(vec![((0, 0), s("notes")), ((40, 0), s("ticket_id"))]);
        let err = records_from_range(Path::new("x"), "S", deep, &header).expect_err("beyond 30 rows");
        assert!(matches!(&err, ExcelError::NoHeader { first_row_number: 1, first_row, .. } if first_row == "notes"));
        // The window starts at the first non-empty row, however far down that is.
        let low =
            range_of(vec![((0, 0), s(" ")), ((35, 0), s("notes")), ((60, 0), s("ticket_id")), ((61, 0), s("A1"))]);
        let t = records_from_range(Path::new("x"), "S", low, &header).expect("ok").expect("not empty");
        assert_eq!((t.header_row, t.rows.len(), t.rows[0].0), (61, 1, 62));
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
