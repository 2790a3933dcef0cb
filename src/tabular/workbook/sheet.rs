//! One sheet read row by row (issue 14: an xlsx sheet is never held whole): its cells in the
//! order the reader gives them are gathered into rows, merged regions filled in, the header
//! found ([`SheetStream::head`]) and the data rows below it shaped ([`DataRows`]) as the
//! parent module's docs describe. The cells come from calamine's xlsx cell reader or, for
//! the formats calamine reads only whole, from a range ([`range_cells`]).
//!
//! Must not: open workbooks or choose sheets (the parent module's job).

use std::path::{Path, PathBuf};

use calamine::{Data, Dimensions, Range};

use super::cell::{cell_text, is_blank, take_text};
use super::{ExcelError, SheetHead, HEADER_SEARCH_ROWS};

/// A cell at its 0-based `(row, column)`.
type Placed = ((u32, u32), Data);

/// A row's 0-based number and its cells as (column, value).
type RowCells = (u32, Vec<(u32, Data)>);

/// Why the next cell could not be given.
#[derive(Debug)]
pub(super) enum CellError {
    /// calamine could not read the sheet.
    Read(calamine::XlsxError),
    /// A formula cell without a computed value at 0-based `(row, column)`: the file was
    /// written by a program that does not calculate (a script's library), so what the
    /// cell shows in Excel is not in the file.
    Uncalculated {
        /// 0-based (row, column).
        at: (u32, u32),
        /// The formula's text.
        formula: String,
    },
}

/// The next non-empty cell of a sheet; `None` at the end.
pub(super) type NextCell<'a> = Box<dyn FnMut() -> Result<Option<Placed>, CellError> + Send + 'a>;

/// The non-empty cells of a range read whole, row by row.
pub(super) fn range_cells<'a>(mut range: Range<Data>) -> NextCell<'a> {
    let Some(start) = range.start() else { return Box::new(|| Ok(None)) };
    let (height, width) = range.get_size();
    let (mut row, mut col) = (0usize, 0usize);
    Box::new(move || {
        while row < height {
            let at = (row, col);
            col += 1;
            if col == width {
                (row, col) = (row + 1, 0);
            }
            let value = std::mem::take(&mut range[at.0][at.1]);
            if !matches!(value, Data::Empty) {
                return Ok(Some(((start.0 + at.0 as u32, start.1 + at.1 as u32), value)));
            }
        }
        Ok(None)
    })
}

/// A sheet's rows as they are read: each row's cells gathered, merged regions filled in.
pub(super) struct SheetStream<'a> {
    path: PathBuf,
    sheet: String,
    next: NextCell<'a>,
    /// The used range the sheet declares, when it declares one.
    declared: Option<Dimensions>,
    /// The sheet column the records start at: the declared range's first, else (until the
    /// header is found) the leftmost non-empty cell of the rows read.
    origin: Option<u32>,
    /// Merged regions whose first row was not read yet, the lowest first row last.
    regions: Vec<Dimensions>,
    /// Merged regions the rows have reached, with the value of each one's top-left cell.
    active: Vec<(Dimensions, Option<Data>)>,
    /// A cell read ahead: the first of the next row.
    pending: Option<Placed>,
    last_row: Option<u32>,
    /// The reader said the sheet ended.
    ended: bool,
}

impl<'a> SheetStream<'a> {
    /// The rows of sheet `sheet` of the workbook at `path`, from its cells as `next` gives
    /// them, with the used range the sheet declares and its merged regions.
    pub(super) fn new(
        path: &Path,
        sheet: &str,
        next: NextCell<'a>,
        declared: Option<Dimensions>,
        mut regions: Vec<Dimensions>,
    ) -> Self {
        // Popped from the end as the rows reach their first row.
        regions.sort_by_key(|r| std::cmp::Reverse(r.start.0));
        SheetStream {
            path: path.into(),
            sheet: sheet.into(),
            next,
            declared,
            origin: declared.map(|d| d.start.1),
            regions,
            active: Vec::new(),
            pending: None,
            last_row: None,
            ended: false,
        }
    }

    /// The data rows below the header `head` found (on a stream of the same sheet).
    pub(super) fn rows(mut self, head: &SheetHead) -> DataRows<'a> {
        self.origin = Some(head.origin);
        DataRows { stream: self, header_row: head.header_row as u32 - 1, width: head.header.len(), cells: Vec::new() }
    }

    fn error(&self, e: impl std::fmt::Display) -> ExcelError {
        ExcelError::Unreadable { path: self.path.clone(), message: format!("sheet '{}': {e}", self.sheet) }
    }

    /// The next cell; `None` at the sheet's end and after it (calamine's reader must not be
    /// asked again once it said the end).
    fn read(&mut self) -> Result<Option<Placed>, ExcelError> {
        if self.ended {
            return Ok(None);
        }
        let cell = (self.next)().map_err(|e| match e {
            CellError::Read(e) => self.error(e),
            CellError::Uncalculated { at: (row, col), formula } => ExcelError::Uncalculated {
                path: self.path.clone(),
                sheet: self.sheet.clone(),
                row: row as usize + 1,
                column: column_name(col),
                formula,
            },
        })?;
        self.ended = cell.is_none();
        Ok(cell)
    }

    /// The next row holding a non-empty cell: its 0-based number and its cells (column,
    /// value), merged regions filled in.
    fn next_cells(&mut self) -> Result<Option<RowCells>, ExcelError> {
        let first = match self.pending.take() {
            Some(cell) => cell,
            None => match self.read()? {
                Some(cell) => cell,
                None => return Ok(None),
            },
        };
        let row = first.0 .0;
        if self.last_row.is_some_and(|last| row <= last) {
            return Err(self.error(format!(
                "its rows are out of order (row {} after row {}); open and save it again in a spreadsheet program",
                row + 1,
                self.last_row.unwrap_or_default() + 1
            )));
        }
        self.last_row = Some(row);
        let mut cells = vec![(first.0 .1, first.1)];
        loop {
            match self.read()? {
                Some(((r, c), v)) if r == row => cells.push((c, v)),
                Some(cell) => {
                    self.pending = Some(cell);
                    break;
                }
                None => break,
            }
        }
        cells.sort_by_key(|(c, _)| *c);
        self.fill_merged(row, &mut cells);
        Ok(Some((row, cells)))
    }

    /// Copies each merged region's top-left value into the region's other cells of `row`
    /// (calamine leaves them empty).
    fn fill_merged(&mut self, row: u32, cells: &mut Vec<(u32, Data)>) {
        while self.regions.last().is_some_and(|r| r.start.0 <= row) {
            let Some(region) = self.regions.pop() else { break };
            // The top-left value, when its row is this one (else that row had no cell).
            let value = (region.start.0 == row)
                .then(|| cells.iter().find(|(c, _)| *c == region.start.1).map(|(_, v)| v.clone()))
                .flatten();
            self.active.push((region, value));
        }
        self.active.retain(|(r, _)| r.end.0 >= row);
        let mut added = false;
        // Within the used range the sheet declares, as calamine's ranges clip them.
        let (first, last) = self.declared.map_or((0, u32::MAX), |d| (d.start.1, d.end.1));
        for (region, value) in &self.active {
            let Some(value) = value else { continue };
            for col in region.start.1.max(first)..=region.end.1.min(last) {
                if (row, col) == region.start {
                    continue;
                }
                match cells.iter_mut().find(|(c, _)| *c == col) {
                    Some((_, v)) => *v = value.clone(),
                    None => {
                        cells.push((col, value.clone()));
                        added = true;
                    }
                }
            }
        }
        if added {
            cells.sort_by_key(|(c, _)| *c);
        }
    }

    /// The cells of a row as values from the origin on: `width` wide at least, to the last
    /// cell. A non-empty cell left of the origin cannot be placed under a column: an error.
    fn shape(&self, row: u32, cells: Vec<(u32, Data)>, origin: u32, width: usize) -> Result<Vec<Data>, ExcelError> {
        let end = cells.last().map_or(0, |(c, _)| (c + 1).saturating_sub(origin) as usize);
        let mut out = vec![Data::Empty; width.max(end)];
        for (col, value) in cells {
            if col < origin {
                if is_blank(&value) {
                    continue;
                }
                return Err(ExcelError::LeftOfHeader {
                    path: self.path.clone(),
                    sheet: self.sheet.clone(),
                    row: row as usize + 1,
                    column: column_name(col),
                    value: cell_text(&value),
                });
            }
            out[(col - origin) as usize] = value;
        }
        Ok(out)
    }

    /// Reads up to the header row; `None` when the sheet has no non-empty cell.
    pub(super) fn head(mut self, is_header: &dyn Fn(&[String]) -> bool) -> Result<Option<SheetHead>, ExcelError> {
        let mut first: Option<(u32, Vec<String>)> = None;
        let mut texts: Vec<String> = Vec::new();
        while let Some((row, cells)) = self.next_cells()? {
            if first.as_ref().is_some_and(|(f, _)| row >= f + HEADER_SEARCH_ROWS as u32) {
                break;
            }
            if cells.iter().all(|(_, v)| is_blank(v)) {
                continue;
            }
            // Without a declared range, the records start at the leftmost cell read so far.
            let leftmost = cells.iter().find(|(_, v)| !matches!(v, Data::Empty)).map_or(u32::MAX, |(c, _)| *c);
            let origin = self.origin.unwrap_or(u32::MAX).min(leftmost);
            if self.declared.is_none() {
                self.origin = Some(origin);
            }
            texts.clear();
            texts.extend(self.shape(row, cells.clone(), origin, 0)?.iter().map(cell_text));
            if first.is_none() {
                first = Some((row, texts.iter().filter(|t| !t.is_empty()).take(8).cloned().collect()));
            }
            if is_header(&texts) {
                let width = texts.iter().rposition(|t| !t.is_empty()).map_or(0, |p| p + 1);
                texts.truncate(width);
                let rows_hint = self.declared.map_or(0, |d| u64::from(d.end.0.saturating_sub(row)));
                return Ok(Some(SheetHead {
                    sheet: self.sheet,
                    header_row: row as usize + 1,
                    header: texts,
                    rows_hint,
                    origin,
                }));
            }
        }
        match first {
            None => Ok(None),
            Some((row, shown)) => Err(ExcelError::NoHeader {
                path: self.path,
                sheet: self.sheet,
                first_row_number: row as usize + 1,
                first_row: shown.join(", "),
            }),
        }
    }
}

/// The data rows of one sheet, below its header, as [`super::Workbook::rows`] gives them.
pub struct DataRows<'a> {
    stream: SheetStream<'a>,
    /// 0-based row of the header.
    header_row: u32,
    width: usize,
    cells: Vec<String>,
}

impl DataRows<'_> {
    /// The next data row: its 1-based sheet row number and its cell texts (see
    /// [`super::SheetRecords::rows`] for their shape); fully empty rows are skipped. `None` at the
    /// sheet's end.
    pub fn next_row(&mut self) -> Result<Option<(usize, &[String])>, ExcelError> {
        let origin = self.stream.origin.unwrap_or(0);
        while let Some((row, cells)) = self.stream.next_cells()? {
            if row <= self.header_row || cells.iter().all(|(_, v)| is_blank(v)) {
                continue;
            }
            let values = self.stream.shape(row, cells, origin, self.width)?;
            let last = values.iter().rposition(|c| !is_blank(c)).unwrap_or(0);
            let n = self.width.max(last + 1);
            self.cells.clear();
            self.cells.extend(values.into_iter().take(n).map(take_text));
            return Ok(Some((row as usize + 1, &self.cells)));
        }
        Ok(None)
    }
}

/// The spreadsheet name of a 0-based column: A, …, Z, AA, …; past Excel's last column
/// (XFD) the number itself.
fn column_name(col: u32) -> String {
    u16::try_from(col).map_or_else(|_| format!("column {}", col + 1), rust_xlsxwriter::utility::column_number_to_name)
}

#[cfg(test)]
mod tests {
    use super::super::SheetRecords;
    use super::*;
    use calamine::{Cell, CellErrorType};

    #[test]
    fn a_merged_region_fills_its_rows_within_the_used_range() {
        let is_header = |row: &[String]| row.iter().any(|c| c == "ticket_id");
        // A region fills its own row and the rows below, clipped to the used range (column C
        // is outside it); a region whose top-left cell is empty fills nothing, one whose
        // top-left cell holds blanks fills blanks.
        let range = range_of(vec![
            ((0, 0), s("ticket_id")),
            ((0, 1), s("customer")),
            ((1, 0), s("A1")),
            ((1, 1), s("Lomma")),
            ((2, 0), s("A2")),
            ((3, 1), s("   ")),
            ((4, 0), s("A4")),
        ]);
        let regions = [
            Dimensions { start: (1, 1), end: (2, 2) },
            Dimensions { start: (3, 0), end: (4, 0) },
            Dimensions { start: (3, 1), end: (4, 1) },
        ];
        let t = records_of(range, &regions, &is_header).expect("ok").expect("not empty");
        assert_eq!(
            t.rows,
            [
                (2, vec!["A1".to_string(), "Lomma".into()]),
                (3, vec!["A2".to_string(), "Lomma".into()]),
                (5, vec!["A4".to_string(), "".into()]),
            ]
        );
    }

    /// A stream over `cells` in the order given, declaring `declared` as its used range.
    fn stream_of(cells: Vec<((u32, u32), Data)>, declared: Option<Dimensions>) -> SheetStream<'static> {
        let mut cells = cells.into_iter();
        SheetStream::new(Path::new("x.xlsx"), "S", Box::new(move || Ok(cells.next())), declared, Vec::new())
    }

    #[test]
    fn without_a_declared_range_the_columns_start_at_the_header_and_a_value_left_of_it_is_named() {
        let is_header = |row: &[String]| row.iter().any(|t| t == "ticket_id");
        let cells = vec![((0, 1), s("ticket_id")), ((0, 2), s("status")), ((1, 1), s("A1")), ((2, 0), s("stray"))];
        let head = stream_of(cells.clone(), None).head(&is_header).expect("ok").expect("a header");
        assert_eq!(
            (head.header.as_slice(), head.origin, head.rows_hint),
            (&["ticket_id".to_string(), "status".into()][..], 1, 0)
        );
        let mut rows = stream_of(cells.clone(), None).rows(&head);
        assert_eq!(
            rows.next_row().expect("row 2").map(|(r, c)| (r, c.to_vec())),
            Some((2, vec!["A1".into(), "".into()]))
        );
        let err = rows.next_row().expect_err("a value in column A");
        assert!(
            matches!(&err, ExcelError::LeftOfHeader { row: 3, column, value, .. } if column == "A" && value == "stray")
        );
        assert!(err.to_string().contains("row 3, column A: 'stray' lies left of the header's first column"), "{err}");
        // A declared range from column A: the header has an unnamed first column, and the
        // value is that column's (as a range read whole gives it).
        let declared = Some(Dimensions { start: (0, 0), end: (2, 2) });
        let head = stream_of(cells.clone(), declared).head(&is_header).expect("ok").expect("a header");
        assert_eq!(
            (head.header.as_slice(), head.rows_hint),
            (&["".to_string(), "ticket_id".into(), "status".into()][..], 2)
        );
        let mut rows = stream_of(cells, declared).rows(&head);
        assert_eq!(
            rows.next_row().unwrap().map(|(r, c)| (r, c.to_vec())),
            Some((2, vec!["".into(), "A1".into(), "".into()]))
        );
        assert_eq!(
            rows.next_row().unwrap().map(|(r, c)| (r, c.to_vec())),
            Some((3, vec!["stray".into(), "".into(), "".into()]))
        );
        assert_eq!(rows.next_row().unwrap().map(|(r, _)| r), None);
        assert_eq!(rows.next_row().unwrap().map(|(r, _)| r), None, "asked again after the end");
    }

    #[test]
    fn rows_out_of_order_are_an_error_not_a_reordering() {
        let cells = vec![((0, 0), s("ticket_id")), ((2, 0), s("A2")), ((1, 0), s("A1"))];
        let is_header = |row: &[String]| row.iter().any(|t| t == "ticket_id");
        let head = stream_of(cells.clone(), None).head(&is_header).expect("ok").expect("a header");
        let mut rows = stream_of(cells, None).rows(&head);
        assert_eq!(rows.next_row().unwrap().map(|(r, _)| r), Some(3));
        let err = rows.next_row().expect_err("row 2 after row 3");
        assert!(err.to_string().contains("its rows are out of order (row 2 after row 3)"), "{err}");
    }

    /// A sheet's records from its cells given as a range, with merged `regions`, through the
    /// same stream an xlsx sheet is read with.
    fn records_of(
        range: Range<Data>,
        regions: &[Dimensions],
        is_header: &dyn Fn(&[String]) -> bool,
    ) -> Result<Option<SheetRecords>, ExcelError> {
        let declared = range.start().zip(range.end()).map(|(start, end)| Dimensions { start, end });
        let stream =
            || SheetStream::new(Path::new("x.xlsx"), "S", range_cells(range.clone()), declared, regions.to_vec());
        let Some(head) = stream().head(is_header)? else { return Ok(None) };
        let mut data = stream().rows(&head);
        let mut rows = Vec::new();
        while let Some((row, cells)) = data.next_row()? {
            rows.push((row, cells.to_vec()));
        }
        Ok(Some(SheetRecords { sheet: head.sheet, header_row: head.header_row, header: head.header, rows }))
    }

    fn range_of(cells: Vec<((u32, u32), Data)>) -> Range<Data> {
        Range::from_sparse(cells.into_iter().map(|(pos, v)| Cell::new(pos, v)).collect())
    }

    fn s(text: &str) -> Data {
        Data::String(text.into())
    }

    fn shape(range: Range<Data>) -> SheetRecords {
        let header = |row: &[String]| row.iter().any(|t| t == "ticket_id");
        records_of(range, &[], &header).expect("ok").expect("not empty")
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
        assert_eq!(records_of(empty, &[], &header).expect("ok"), None);
        let deep = range_of(vec![((0, 0), s("notes")), ((40, 0), s("ticket_id"))]);
        let err = records_of(deep, &[], &header).expect_err("beyond 30 rows");
        assert!(matches!(&err, ExcelError::NoHeader { first_row_number: 1, first_row, .. } if first_row == "notes"));
        // The window starts at the first non-empty row, however far down that is.
        let low =
            range_of(vec![((0, 0), s(" ")), ((35, 0), s("notes")), ((60, 0), s("ticket_id")), ((61, 0), s("A1"))]);
        let t = records_of(low, &[], &header).expect("ok").expect("not empty");
        assert_eq!((t.header_row, t.rows.len(), t.rows[0].0), (61, 1, 62));
    }
}
