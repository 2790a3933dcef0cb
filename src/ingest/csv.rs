//! Delimited text: character decoding, delimiter detection and an RFC 4180 record reader
//! that keeps each record's starting line and raw text (for rejected rows).
//!
//! Decoding happens once for the whole file (UTF-8 is borrowed, Windows-1252 is
//! transcoded), so the reader works on `&str` and fields borrow from it unless they hold
//! doubled quotes.

use std::borrow::Cow;

use super::profile::EncodingChoice;

/// Decodes file bytes: a UTF-8 BOM is dropped; with `Auto`, bytes that are not valid UTF-8
/// are read as Windows-1252. Returns the text and the encoding's name.
pub fn decode(bytes: &[u8], choice: EncodingChoice) -> (Cow<'_, str>, &'static str) {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF");
    let had_bom = body.is_some();
    let body = body.unwrap_or(bytes);
    let utf8 = match choice {
        EncodingChoice::Windows1252 => None,
        EncodingChoice::Utf8 | EncodingChoice::Auto => std::str::from_utf8(body).ok(),
    };
    match (utf8, choice) {
        (Some(text), _) => (Cow::Borrowed(text), if had_bom { "utf-8-bom" } else { "utf-8" }),
        (None, EncodingChoice::Utf8) => (String::from_utf8_lossy(body), "utf-8-lossy"),
        (None, _) => {
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(body);
            (text, "windows-1252")
        }
    }
}

/// Picks the delimiter from the header line: the candidate that occurs most often outside
/// quotes (`,` wins a tie, as the commonest).
pub fn detect_delimiter(text: &str) -> u8 {
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0), (b'|', 0)];
    let mut quoted = false;
    for &b in text.as_bytes() {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            _ if !quoted => {
                if let Some(c) = counts.iter_mut().find(|(d, _)| *d == b) {
                    c.1 += 1;
                }
            }
            _ => {}
        }
    }
    counts.iter().fold((b',', 0), |best, c| if c.1 > best.1 { *c } else { best }).0
}

/// Where a record came from.
#[derive(Debug, Clone, Copy)]
pub struct RecordPos<'a> {
    /// 1-based line on which the record starts (the header is line 1).
    pub line: u64,
    /// The record's text as in the file, without its line end.
    pub raw: &'a str,
    /// Byte offset just past the record (for progress).
    pub end: usize,
}

/// Reads records from decoded text.
pub struct Reader<'a> {
    text: &'a str,
    pos: usize,
    line: u64,
    delim: u8,
}

impl<'a> Reader<'a> {
    /// A reader over `text` splitting fields on `delim`.
    pub fn new(text: &'a str, delim: u8) -> Reader<'a> {
        Reader { text, pos: 0, line: 1, delim }
    }

    /// Reads the next non-blank record into `fields` (cleared first). `None` at the end.
    pub fn next_record(&mut self, fields: &mut Vec<Cow<'a, str>>) -> Option<RecordPos<'a>> {
        let bytes = self.text.as_bytes();
        loop {
            if self.pos >= bytes.len() {
                return None;
            }
            fields.clear();
            let start = self.pos;
            let start_line = self.line;
            let mut i = self.pos;
            let mut field_start = i;
            let mut quoted = false;
            let mut has_escaped_quote = false;
            let end_of_record;
            loop {
                if i >= bytes.len() {
                    self.push_field(fields, field_start, i, has_escaped_quote);
                    end_of_record = i;
                    self.pos = i;
                    break;
                }
                let b = bytes[i];
                if quoted {
                    if b == b'"' {
                        if bytes.get(i + 1) == Some(&b'"') {
                            has_escaped_quote = true;
                            i += 2;
                            continue;
                        }
                        quoted = false;
                    } else if b == b'\n' {
                        self.line += 1;
                    }
                    i += 1;
                } else if b == b'"' && i == field_start {
                    quoted = true;
                    i += 1;
                } else if b == self.delim {
                    self.push_field(fields, field_start, i, has_escaped_quote);
                    has_escaped_quote = false;
                    i += 1;
                    field_start = i;
                } else if b == b'\n' || b == b'\r' {
                    self.push_field(fields, field_start, i, has_escaped_quote);
                    end_of_record = i;
                    i += if b == b'\r' && bytes.get(i + 1) == Some(&b'\n') { 2 } else { 1 };
                    self.line += 1;
                    self.pos = i;
                    break;
                } else {
                    i += 1;
                }
            }
            let raw = &self.text[start..end_of_record];
            if raw.trim().is_empty() {
                continue;
            }
            return Some(RecordPos { line: start_line, raw, end: self.pos });
        }
    }

    fn push_field(&self, fields: &mut Vec<Cow<'a, str>>, start: usize, end: usize, escaped: bool) {
        let s = &self.text[start..end];
        let field = match s.strip_prefix('"') {
            Some(inner) => {
                // A quoted field may carry text after its closing quote (malformed but common);
                // keep it rather than lose it.
                let (body, tail) = match inner.rfind('"') {
                    Some(q) => (&inner[..q], &inner[q + 1..]),
                    None => (inner, ""),
                };
                if escaped || !tail.is_empty() {
                    Cow::Owned(format!("{}{}", body.replace("\"\"", "\""), tail))
                } else {
                    Cow::Borrowed(body)
                }
            }
            None => Cow::Borrowed(s),
        };
        fields.push(field);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(text: &str, delim: u8) -> Vec<(u64, Vec<String>)> {
        let mut r = Reader::new(text, delim);
        let mut f = Vec::new();
        let mut out = Vec::new();
        while let Some(pos) = r.next_record(&mut f) {
            out.push((pos.line, f.iter().map(|s| s.to_string()).collect()));
        }
        out
    }

    #[test]
    fn quotes_embedded_newlines_and_line_numbers() {
        let text = "a,b,c\r\n1,\"x, \"\"y\"\"\",3\n\n2,\"multi\nline\",4\n5,,\n";
        let rows = read_all(text, b',');
        assert_eq!(rows[0], (1, vec!["a".into(), "b".into(), "c".into()]));
        assert_eq!(rows[1], (2, vec!["1".into(), "x, \"y\"".into(), "3".into()]));
        assert_eq!(rows[2], (4, vec!["2".into(), "multi\nline".into(), "4".into()]));
        assert_eq!(rows[3], (6, vec!["5".into(), "".into(), "".into()]));
        assert_eq!(rows.len(), 4);
    }

    #[test]
    fn last_record_without_newline() {
        assert_eq!(read_all("a;b\n1;2", b';')[1].1, vec!["1", "2"]);
    }

    #[test]
    fn delimiter_is_taken_from_the_header() {
        assert_eq!(detect_delimiter("id;namn;\"a,b\"\n1,2,3,4,5\n"), b';');
        assert_eq!(detect_delimiter("id\tname\n"), b'\t');
        assert_eq!(detect_delimiter("id,name\n"), b',');
    }

    #[test]
    fn windows_1252_is_detected_and_decoded() {
        let bytes = b"Kund;Rubrik\nK\xe4vlinge;Sk\xf6n \xe5\n";
        let (text, enc) = decode(bytes, EncodingChoice::Auto);
        assert_eq!(enc, "windows-1252");
        assert!(text.contains("Kävlinge;Skön å"));
        let (text, enc) = decode("\u{feff}Kund\nBurlöv\n".as_bytes(), EncodingChoice::Auto);
        assert_eq!((text.as_ref(), enc), ("Kund\nBurlöv\n", "utf-8-bom"));
    }
}

/// A small configuration table (price list, portfolio) read whole from CSV or the first
/// sheet of a workbook: the lower-cased, trimmed header and each record's 1-based line (or
/// sheet row) with its trimmed cells. `what` names the
/// file in errors ("price list").
pub fn read_table(path: &std::path::Path, what: &str) -> Result<(Vec<String>, Vec<(u64, Vec<String>)>), String> {
    let file = path.display();
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_lowercase();
    if matches!(ext.as_str(), "xlsx" | "xlsm" | "xls" | "ods") {
        // The first sheet whose first non-empty row is taken as the header.
        let sheets =
            crate::ingest::excel::read_workbook(path, None, &|row: &[String]| row.iter().any(|c| !c.trim().is_empty()))
                .map_err(|e| format!("{what}: {e}"))?;
        let sheet = sheets.into_iter().next().ok_or_else(|| format!("{what} '{file}' is empty"))?;
        let header = sheet.header.iter().map(|h| h.trim().to_lowercase()).collect();
        let rows = sheet
            .rows
            .into_iter()
            .map(|(r, cells)| (r as u64, cells.into_iter().map(|c| c.trim().to_string()).collect()))
            .collect();
        return Ok((header, rows));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {what} '{file}': {e}"))?;
    let (text, _) = decode(&bytes, crate::ingest::profile::EncodingChoice::Auto);
    let mut reader = Reader::new(&text, detect_delimiter(&text));
    let mut fields = Vec::new();
    reader.next_record(&mut fields).ok_or_else(|| format!("{what} '{file}' is empty"))?;
    let header = fields.iter().map(|f| f.trim().to_lowercase()).collect();
    let mut records = Vec::new();
    while let Some(pos) = reader.next_record(&mut fields) {
        records.push((pos.line, fields.iter().map(|f| f.trim().to_string()).collect()));
    }
    Ok((header, records))
}
