//! Delimited text: character decoding, delimiter detection and a record reader (the `csv`
//! crate, RFC 4180 with ragged rows allowed) that keeps each record's starting line and raw
//! text, so a rejected row can be stored as the file had it.
//!
//! Decoding happens once for the whole file (UTF-8 is borrowed, Windows-1252 is
//! transcoded), so the reader works on `&str`. Line numbers count `\n` (as the `csv` crate
//! does): a file with bare `\r` line ends (classic Mac) reads correctly, but its records all
//! report line 1; the hand-written reader before issue 13 counted those too.
//!
//! Must not: know profiles, columns or the database; it reads text, nothing more.

use std::borrow::Cow;

/// Which character encoding a file is read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EncodingChoice {
    /// UTF-8 (BOM allowed) when the bytes are valid UTF-8, else Windows-1252.
    #[default]
    Auto,
    /// UTF-8, BOM allowed.
    #[serde(alias = "utf-8")]
    Utf8,
    /// Windows-1252 (the usual "ANSI" of Swedish Windows exports).
    #[serde(alias = "windows-1252", alias = "cp1252")]
    Windows1252,
}
/// Decodes file bytes: a UTF-8 BOM is dropped; UTF-16 (with a BOM, as Excel's "Unicode
/// text" writes it, or without one when every other byte of the start is NUL) is decoded
/// whatever the choice; with `Auto`, bytes that are not valid UTF-8 are read as
/// Windows-1252. Returns the text and the encoding's name.
pub fn decode(bytes: &[u8], choice: EncodingChoice) -> (Cow<'_, str>, &'static str) {
    if let Some((encoding, name, body)) = utf16(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(body);
        return (text, name);
    }
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

/// Like [`decode`], but with `Auto` a file that is UTF-8 except for a few bytes (valid
/// multi-byte UTF-8 characters and invalid bytes side by side: two encodings mixed, or a
/// damaged file) is refused: read as Windows-1252, every `ä` of its UTF-8 text would turn
/// into `Ã¤` without a word. The error names the first bad byte's line, column and value.
pub fn decode_checked(bytes: &[u8], choice: EncodingChoice) -> Result<(Cow<'_, str>, &'static str), MixedEncoding> {
    // The usual case first, validating the bytes once (not once to look for mixed
    // encodings and once more to decode): valid UTF-8 is what `decode` returns too.
    if choice != EncodingChoice::Windows1252 && utf16(bytes).is_none() {
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF");
        if let Ok(text) = std::str::from_utf8(body.unwrap_or(bytes)) {
            return Ok((Cow::Borrowed(text), if body.is_some() { "utf-8-bom" } else { "utf-8" }));
        }
    }
    if choice == EncodingChoice::Auto {
        if let Some(mixed) = mixed_encoding(bytes) {
            return Err(mixed);
        }
    }
    Ok(decode(bytes, choice))
}

/// UTF-16 by its BOM, or (without one) by NUL as every other byte of the first 64 bytes
/// with the bytes between them not NUL: (encoding, name, body without the BOM).
pub(super) fn utf16(bytes: &[u8]) -> Option<(&'static encoding_rs::Encoding, &'static str, &[u8])> {
    if let Some(body) = bytes.strip_prefix(b"\xFF\xFE") {
        return Some((encoding_rs::UTF_16LE, "utf-16le", body));
    }
    if let Some(body) = bytes.strip_prefix(b"\xFE\xFF") {
        return Some((encoding_rs::UTF_16BE, "utf-16be", body));
    }
    let head = &bytes[..bytes.len().min(64) & !1];
    if head.len() < 8 {
        return None;
    }
    let pairs = || head.chunks_exact(2);
    if pairs().all(|p| p[0] != 0 && p[1] == 0) {
        return Some((encoding_rs::UTF_16LE, "utf-16le", bytes));
    }
    if pairs().all(|p| p[0] == 0 && p[1] != 0) {
        return Some((encoding_rs::UTF_16BE, "utf-16be", bytes));
    }
    None
}

/// A file whose bytes are UTF-8 except for some that are not: where the first one is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "line {line}, column '{column}': value '{value}' holds {bytes} (not UTF-8), while the rest of \
     the file is UTF-8 (two encodings mixed, or a damaged file); save the export as UTF-8 again, or set \
     encoding = \"utf-8\" in the profile to read such bytes as U+FFFD"
)]
pub struct MixedEncoding {
    /// 1-based line of the first bad byte.
    pub line: u64,
    /// The header name of its column (or `#N` when the header is shorter).
    pub column: String,
    /// The cell's text, the bad bytes written `\xFF`.
    pub value: String,
    /// The bad bytes of that cell, e.g. `0xFF 0xFE`.
    pub bytes: String,
}

fn mixed_encoding(bytes: &[u8]) -> Option<MixedEncoding> {
    if utf16(bytes).is_some() {
        return None;
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let bad = std::str::from_utf8(body).err()?.valid_up_to();
    // Windows-1252 text has no valid multi-byte UTF-8 sequences (in practice): then the
    // whole file is Windows-1252 and nothing is mixed.
    if body.utf8_chunks().all(|c| c.valid().is_ascii()) {
        return None;
    }
    let line_start = body[..bad].iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    let line_end = body[bad..].iter().position(|&b| b == b'\n').map_or(body.len(), |p| bad + p);
    let line = body[..bad].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    // The header follows Excel's `sep=` hint, whose character is the delimiter; of the lines
    // above the bad one (at most the first 31), it is the one with the most non-empty cells,
    // so a report's title lines above it ("Incidenter oktober;;;") are passed over.
    let (hinted, header_start) = sep_hint(body).map_or((None, 0), |(d, n)| (Some(d), n));
    let lines_end = body[header_start..]
        .iter()
        .enumerate()
        .filter(|&(_, &b)| b == b'\n')
        .nth(TITLE_RECORDS)
        .map_or(body.len(), |(i, _)| header_start + i);
    // The bad line is a candidate only when it is the first (a bad byte in the header).
    let top_end = if line_start > header_start { line_start } else { line_end };
    let top = String::from_utf8_lossy(&body[header_start..top_end.min(lines_end).max(header_start)]);
    let delim = hinted.unwrap_or_else(|| detect_delimiter(&top));
    // Non-empty cells of a line, delimiters inside quotes not counted.
    let filled = |l: &str| {
        let (mut quoted, mut cells, mut content) = (false, 0, false);
        for c in l.chars().chain([delim as char]) {
            match c {
                '"' => quoted = !quoted,
                c if c == delim as char && !quoted => {
                    cells += usize::from(content);
                    content = false;
                }
                c if !c.is_whitespace() => content = true,
                _ => {}
            }
        }
        cells
    };
    let header = top.lines().fold("", |best, l| if filled(l) > filled(best) { l } else { best });
    // The cell around the bad byte: from the delimiter before it (outside quotes) to the next.
    let mut quoted = false;
    let (mut index, mut cell_start) = (0, line_start);
    for (i, &b) in body[line_start..bad].iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            _ if b == delim && !quoted => {
                index += 1;
                cell_start = line_start + i + 1;
            }
            _ => {}
        }
    }
    let mut cell_end = line_end;
    for (i, &b) in body[bad..line_end].iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            _ if b == delim && !quoted => {
                cell_end = bad + i;
                break;
            }
            _ => {}
        }
    }
    let cell = &body[cell_start..cell_end];
    let column = header
        .trim_end_matches('\r')
        .split(delim as char)
        .nth(index)
        .map(|h| h.trim().trim_matches('"').to_string())
        .unwrap_or_else(|| format!("#{}", index + 1));
    let (mut value, mut shown) = (String::new(), Vec::new());
    for chunk in cell.utf8_chunks() {
        value.push_str(chunk.valid());
        for b in chunk.invalid() {
            value.push_str(&format!("\\x{b:02X}"));
            shown.push(format!("0x{b:02X}"));
        }
    }
    let bytes = format!("the byte{} {}", if shown.len() == 1 { "" } else { "s" }, shown.join(" "));
    Some(MixedEncoding { line, column, value: value.trim().trim_matches('"').to_string(), bytes })
}

/// Excel's delimiter hint: a first line `sep=;` (`sep=` and one character), which Excel
/// writes above the header of a CSV meant for another locale's Excel and reads to choose
/// the delimiter. It is no record: the readers skip it (counting its line, so lines stay
/// the file's own) and [`detect_delimiter`] takes its character. Tools that quote every
/// field write it quoted (`"sep=;"`), and a spreadsheet that saved the file again pads it
/// with delimiters to the header's width (`sep=;;;;`): both are the same hint. Returns the
/// delimiter and the length of the line with its line end; `None` when `text` (decoded,
/// without a BOM) does not start with one.
pub fn sep_hint(text: &[u8]) -> Option<(u8, usize)> {
    let quoted = text.first() == Some(&b'"');
    let body = &text[usize::from(quoted)..];
    if !body.get(..4)?.eq_ignore_ascii_case(b"sep=") {
        return None;
    }
    let (&delim, mut rest) = body[4..].split_first()?;
    if !(delim.is_ascii_punctuation() || delim == b'\t' || delim == b' ') || delim == b'"' {
        return None;
    }
    let mut used = usize::from(quoted) + 5;
    if quoted {
        rest = rest.strip_prefix(b"\"")?;
        used += 1;
    }
    let pad = rest.iter().take_while(|&&b| b == delim).count();
    rest = &rest[pad..];
    let end = match rest {
        [b'\r', b'\n', ..] => 2,
        [b'\n' | b'\r', ..] => 1,
        [] => 0,
        _ => return None,
    };
    Some((delim, used + pad + end))
}

/// Picks the delimiter from the header line: the candidate that occurs most often outside
/// quotes (`,` wins a tie, as the commonest); Excel's `sep=` hint line, when the text starts
/// with one, decides instead. A first line without any candidate (a report's title above
/// the header) says nothing: the first of the next 30 lines that holds one decides.
pub fn detect_delimiter(text: &str) -> u8 {
    if let Some((delim, _)) = sep_hint(text.as_bytes()) {
        return delim;
    }
    // Each line's candidate counts (outside quotes), up to the first line that has one and,
    // when the first line has none, over the next 30 lines.
    let best =
        |counts: &[(u8, usize); 4]| counts.iter().fold((b',', 0), |best, c| if c.1 > best.1 { *c } else { best });
    let mut chosen = (b',', 0usize);
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0), (b'|', 0)];
    let (mut quoted, mut lines) = (false, 0);
    for &b in text.as_bytes().iter().chain([b'\n'].iter()) {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => {
                let line = best(&counts);
                if line.1 > chosen.1 {
                    chosen = line;
                }
                // The first line decides when it holds a candidate (a plain export's header).
                lines += 1;
                if (lines == 1 && chosen.1 > 0) || lines > TITLE_RECORDS {
                    break;
                }
                counts = [(b',', 0), (b';', 0), (b'\t', 0), (b'|', 0)];
            }
            _ if !quoted => {
                if let Some(c) = counts.iter_mut().find(|(d, _)| *d == b) {
                    c.1 += 1;
                }
            }
            _ => {}
        }
    }
    chosen.0
}

/// The most records a report's title lines may take above the header.
pub const TITLE_RECORDS: usize = 30;

/// How many records of `text` (a file's start) stand above its header: a report exported
/// "with title" puts its name, date or filter on lines of their own above the header.
/// The count of records before the first that `is_header` takes, among the first
/// [`TITLE_RECORDS`]; 0 when the first is taken, or when none is: then the first record is
/// read as the header, as ever, and a header error names it. Lines keep their numbers.
pub fn title_records(text: &str, delim: u8, is_header: &dyn Fn(&[String]) -> bool) -> usize {
    let mut reader = Reader::new(text, delim);
    for n in 0..TITLE_RECORDS {
        match reader.next_record() {
            Ok(Some(record)) => {
                let row: Vec<String> = record.fields.iter().map(|f| f.trim().to_string()).collect();
                if is_header(&row) {
                    return n;
                }
            }
            _ => return 0,
        }
    }
    0
}

/// Why the reader stopped. With text already decoded and ragged rows allowed this means
/// the `csv` crate refused the input, which it does not do for `&str` input in practice.
#[derive(Debug, thiserror::Error)]
#[error("line {line}: {source}")]
pub struct CsvError {
    /// Line on which the record that failed starts.
    pub line: u64,
    /// The reader's error.
    pub source: csv::Error,
}

/// One record and where it came from.
#[derive(Debug, Clone)]
pub struct Record<'r> {
    /// 1-based line on which the record starts (the header is line 1).
    pub line: u64,
    /// The record's text as in the file, without its line end.
    pub raw: &'r str,
    /// Byte offset just past the record (for progress).
    pub end: u64,
    /// The fields, unquoted.
    pub fields: Vec<&'r str>,
}

/// The fields of `record`, whose text in the file is `raw`. When no field was quoted the
/// reader kept every byte of `raw` but the `delim` between fields, so each field is a slice
/// of `raw`: valid UTF-8 already, so only its two ends are checked (and its bytes
/// compared). A record with quotes has its unquoted fields checked one by one. The check
/// of every record's bytes that a `StringRecord` makes was 3 % of an ingest's CPU.
pub(super) fn record_fields<'r>(
    record: &'r csv::ByteRecord,
    raw: &'r str,
    delim: u8,
    line: u64,
) -> Result<Vec<&'r str>, CsvError> {
    let n = record.len();
    let mut fields = Vec::with_capacity(n);
    if n > 0 && record.as_slice().len() + (n - 1) == raw.len() {
        let mut at = 0;
        for (i, field) in record.iter().enumerate() {
            let end = at + field.len();
            let laid_out = i + 1 == n || raw.as_bytes().get(end) == Some(&delim);
            // Compared, not assumed: an unclosed quote at the end of the file can make the
            // lengths add up with a line end inside the field that `raw` does not hold.
            match raw.get(at..end).filter(|text| laid_out && text.as_bytes() == field) {
                Some(text) => fields.push(text),
                None => break,
            }
            at = end + 1;
        }
        if fields.len() == n {
            return Ok(fields);
        }
        fields.clear();
    }
    for field in record {
        let text = std::str::from_utf8(field)
            .map_err(|e| CsvError { line, source: std::io::Error::new(std::io::ErrorKind::InvalidData, e).into() })?;
        fields.push(text);
    }
    Ok(fields)
}

/// The line and the text of a record within `span`, the text from the reader's record
/// position to its end; `None` for a blank record (a line of spaces is blank too). The
/// position can sit on the line end before the record (the `\n` of a `\r\n`, blank lines
/// the reader skipped): its text and line start after those, and its line end is not its.
pub(super) fn record_text(span: &str, start_line: u64) -> Option<(u64, std::ops::Range<usize>)> {
    let body = span.trim_start_matches(['\r', '\n']);
    let skipped = span.len() - body.len();
    let line = start_line + span[..skipped].bytes().filter(|&b| b == b'\n').count() as u64;
    let raw = body.trim_end_matches(['\r', '\n']);
    (!raw.trim().is_empty()).then(|| (line, skipped..skipped + raw.len()))
}

/// A source of records: decoded text ([`Reader`]) or a byte stream
/// ([`super::stream::StreamReader`]).
pub trait Records {
    /// The next record that is not blank; `None` at the end.
    fn next_record(&mut self) -> Result<Option<Record<'_>>, CsvError>;
}

impl Records for Reader<'_> {
    fn next_record(&mut self) -> Result<Option<Record<'_>>, CsvError> {
        Reader::next_record(self)
    }
}

/// What comes before the records the `csv` reader sees: Excel's `sep=` hint line (see
/// [`sep_hint`]), skipped, so that the reader's positions are shifted back into the file's.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Skipped {
    /// Bytes of the decoded text skipped.
    pub bytes: u64,
    /// Line ends among them.
    pub lines: u64,
}

impl Skipped {
    /// The hint line at the start of `text`, if any.
    pub(super) fn hint(text: &str) -> Skipped {
        match sep_hint(text.as_bytes()) {
            Some((_, n)) => {
                Skipped { bytes: n as u64, lines: text[..n].bytes().filter(|&b| b == b'\n').count() as u64 }
            }
            None => Skipped::default(),
        }
    }
}

/// Reads records from decoded text.
pub struct Reader<'a> {
    /// The text after a `sep=` hint line (all of it when there is none).
    text: &'a str,
    skipped: Skipped,
    inner: csv::Reader<&'a [u8]>,
    record: csv::ByteRecord,
    delim: u8,
}

impl<'a> Reader<'a> {
    /// A reader over `text` splitting fields on `delim`; a first line `sep=;` (Excel's
    /// delimiter hint) is skipped, whatever `delim` is: it is never a record.
    pub fn new(text: &'a str, delim: u8) -> Reader<'a> {
        let skipped = Skipped::hint(text);
        let text = &text[skipped.bytes as usize..];
        let inner =
            csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delim).from_reader(text.as_bytes());
        Reader { text, skipped, inner, record: csv::ByteRecord::new(), delim }
    }

    /// The next record that is not blank (a line of spaces is blank too); `None` at the end.
    pub fn next_record(&mut self) -> Result<Option<Record<'_>>, CsvError> {
        loop {
            let line = self.inner.position().line() + self.skipped.lines;
            match self.inner.read_byte_record(&mut self.record) {
                Ok(true) => {}
                Ok(false) => return Ok(None),
                Err(source) => return Err(CsvError { line, source }),
            }
            let (start, start_line) =
                self.record.position().map_or((0, line), |p| (p.byte() as usize, p.line() + self.skipped.lines));
            let end = self.inner.position().byte() as usize;
            let span = &self.text[start..end];
            let Some((line, raw)) = record_text(span, start_line) else { continue };
            let raw = &span[raw];
            let fields = record_fields(&self.record, raw, self.delim, line)?;
            return Ok(Some(Record { line, raw, end: end as u64 + self.skipped.bytes, fields }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(text: &str, delim: u8) -> Vec<(u64, Vec<String>)> {
        let mut r = Reader::new(text, delim);
        let mut out = Vec::new();
        while let Some(rec) = r.next_record().unwrap() {
            out.push((rec.line, rec.fields.iter().map(|s| s.to_string()).collect()));
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
    fn raw_text_is_the_record_as_written() {
        let text = "a,b\r\n1,\"x\ny\"\r\n\r\n  \n2,\"q\"\"\"\n";
        let mut r = Reader::new(text, b',');
        let mut raws = Vec::new();
        while let Some(rec) = r.next_record().unwrap() {
            raws.push((rec.line, rec.raw.to_string(), rec.end));
        }
        assert_eq!(
            raws,
            [
                (1, "a,b".to_string(), 4),
                (2, "1,\"x\ny\"".to_string(), 13),
                (6, "2,\"q\"\"\"".to_string(), text.len() as u64)
            ]
        );
    }

    #[test]
    fn text_after_a_closing_quote_is_kept_and_bare_cr_ends_records() {
        // Malformed but common: the text after the closing quote stays in the field.
        assert_eq!(read_all("a,b\n\"x\"y,2\n", b',')[1].1, vec!["xy", "2"]);
        // Bare CR line ends: the records are right; the line stays 1 (see the module docs).
        assert_eq!(
            read_all("a;b\r1;2\r3;4", b';'),
            [(1, vec!["a", "b"]), (1, vec!["1", "2"]), (1, vec!["3", "4"])]
                .map(|(l, v)| (l, v.iter().map(|s| s.to_string()).collect::<Vec<_>>()))
        );
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
        // A title line above the header says nothing; the line with the most of one
        // candidate decides (a title holding a comma does not outvote the header).
        assert_eq!(detect_delimiter("Incidenter oktober 2026\r\n\r\nid;namn;x,y\n1;a;b\n"), b';');
        assert_eq!(detect_delimiter("Rapport\nIncidenter, oktober\nid;namn;kund;status\n1;a;b;c\n"), b';');
        assert_eq!(detect_delimiter("Report\nPrinted 2026-11-01;;\nnumber,state,opened_at,short_description\n"), b',');
    }

    #[test]
    fn excel_s_sep_hint_line_is_skipped_its_delimiter_used_and_lines_stay_the_file_s() {
        let text = "sep=;\r\nid;namn\r\n1;\"a;b\"\r\n\r\n2;c\r\n";
        assert_eq!(sep_hint(text.as_bytes()), Some((b';', 7)));
        assert_eq!(detect_delimiter(text), b';');
        assert_eq!(
            read_all(text, b';'),
            [(2, vec!["id", "namn"]), (3, vec!["1", "a;b"]), (5, vec!["2", "c"])]
                .map(|(l, v)| (l, v.iter().map(|s| s.to_string()).collect::<Vec<_>>()))
        );
        let mut r = Reader::new(text, b';');
        assert_eq!(r.next_record().unwrap().map(|rec| (rec.raw.to_string(), rec.end)), Some(("id;namn".into(), 15)));
        // `sep=,` over a header that holds more semicolons: the hint decides.
        assert_eq!(detect_delimiter("sep=,\nid;a,b;c\n"), b',');
        assert_eq!(read_all("SEP=|\nid|x\n1|2", b'|')[1], (3, vec!["1".to_string(), "2".to_string()]));
        // Quoted by a tool that quotes every field, or padded by a spreadsheet's save.
        assert_eq!(sep_hint(b"\"sep=;\"\r\nid;namn\r\n"), Some((b';', 9)));
        assert_eq!(sep_hint(b"sep=;;;\nid;namn;x\n"), Some((b';', 8)));
        assert_eq!(sep_hint(b"\"sep=,\",,\nid,a,b\n"), Some((b',', 10)));
        assert_eq!(read_all("\"sep=;\"\nid;namn\n1;a\n", b';')[0], (2, vec!["id".to_string(), "namn".to_string()]));
        // Not a hint: more after the character, no character, or a header that starts so.
        for text in ["sep=;x\nid\n", "sep=\nid\n", "separator;x\n1;2\n", "sep=a\n", "\"sep=;\n", "sep=;,\n"] {
            assert_eq!(sep_hint(text.as_bytes()), None, "{text:?}");
            assert_eq!(read_all(text, b';')[0].0, 1, "{text:?}");
        }
        // A stray byte below a hint line: the column is named from the header under it.
        let err =
            decode_checked(b"sep=;\nid;title\n1;Sk\xc3\xb6n\n2;Skrivare \xff\n", EncodingChoice::Auto).unwrap_err();
        assert_eq!((err.line, err.column.as_str()), (4, "title"));
    }

    #[test]
    fn title_lines_above_the_header_are_counted_and_a_file_without_a_header_counts_none() {
        let is_header = |row: &[String]| row.iter().any(|c| c == "id");
        assert_eq!(title_records("id;x\n1;2\n", b';', &is_header), 0);
        assert_eq!(title_records("Rapport\n\nUtskriven;;\nid;x\n1;2\n", b';', &is_header), 2);
        // No header among the first records: the first is read as it always was.
        assert_eq!(title_records("a;b\n1;2\n", b';', &is_header), 0);
        let far = format!("{}id;x\n", "t\n".repeat(TITLE_RECORDS));
        assert_eq!(title_records(&far, b';', &is_header), 0);
    }

    #[test]
    fn utf16_with_and_without_bom_is_decoded() {
        let text = "ticket_id;Kund\nINC1;Kävlinge\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let with_bom = [&b"\xFF\xFE"[..], &le].concat();
        assert_eq!(decode(&with_bom, EncodingChoice::Auto), (Cow::Borrowed(text), "utf-16le"));
        assert_eq!(decode(&[&b"\xFE\xFF"[..], &be].concat(), EncodingChoice::Utf8).0, text);
        assert_eq!(decode(&le, EncodingChoice::Auto), (Cow::Borrowed(text), "utf-16le"));
        assert_eq!(decode(&be, EncodingChoice::Windows1252), (Cow::Borrowed(text), "utf-16be"));
        // NUL bytes here and there do not make a file UTF-16.
        assert_eq!(decode(b"a\0,b\0,c\0\nx,y,z\n", EncodingChoice::Auto).1, "utf-8");
    }

    #[test]
    fn a_utf8_file_with_a_stray_byte_is_refused_with_line_column_and_value() {
        let bytes =
            b"id,title,customer\nINC1,Sk\xc3\xb6n,K\xc3\xa4vlinge\nINC2,\"Skrivare \xff\xfe, plan 2\",Burl\xc3\xb6v\n";
        let err = decode_checked(bytes, EncodingChoice::Auto).unwrap_err();
        assert_eq!(
            err,
            MixedEncoding {
                line: 3,
                column: "title".into(),
                value: "Skrivare \\xFF\\xFE, plan 2".into(),
                bytes: "the bytes 0xFF 0xFE".into()
            }
        );
        assert!(err
            .to_string()
            .starts_with("line 3, column 'title': value 'Skrivare \\xFF\\xFE, plan 2' holds the bytes"));
        // Below a report's title lines (padded with delimiters), the header names the column;
        // a bad byte in the header itself names its own cell.
        let titled = b"Incidenter oktober;;\n\nUtskriven 2026-11-01;;\nid;title;customer\nINC1;Sk\xc3\xb6n;K\xc3\xa4vlinge\nINC2;ok;Burl\xf6v\n";
        let err = decode_checked(titled, EncodingChoice::Auto).unwrap_err();
        assert_eq!((err.line, err.column.as_str(), err.value.as_str()), (6, "customer", "Burl\\xF6v"));
        let err = decode_checked(b"id;K\xe4und;titel\nINC1;Sk\xc3\xb6n;x\n", EncodingChoice::Auto).unwrap_err();
        assert_eq!((err.line, err.column.as_str()), (1, "K\u{fffd}und"));
        // A data line whose quoted cell holds delimiters is not taken for the header.
        let mut many = b"id,title,customer\n".to_vec();
        many.extend_from_slice(b"INC1,\"a, b, c, d\",K\xc3\xa4vlinge\n".repeat(40).as_slice());
        many.extend_from_slice(b"INC2,ok,Burl\xf6v\n");
        assert_eq!(decode_checked(&many, EncodingChoice::Auto).unwrap_err().column, "customer");
        // A pure Windows-1252 file, a valid UTF-8 file, and an explicit choice are not refused.
        assert_eq!(decode_checked(b"Kund\nK\xe4vlinge\n", EncodingChoice::Auto).unwrap().1, "windows-1252");
        assert_eq!(decode_checked("Kund\nKävlinge\n".as_bytes(), EncodingChoice::Auto).unwrap().1, "utf-8");
        assert_eq!(decode_checked(bytes, EncodingChoice::Utf8).unwrap().1, "utf-8-lossy");
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

    /// The records as the reader gave them before `record_fields`: through a
    /// `StringRecord`, which checks every record's bytes.
    fn read_checked(text: &str, delim: u8) -> Vec<(u64, String, Vec<String>)> {
        let mut inner =
            csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delim).from_reader(text.as_bytes());
        let mut record = csv::StringRecord::new();
        let mut out = Vec::new();
        loop {
            let line = inner.position().line();
            if !inner.read_record(&mut record).unwrap() {
                return out;
            }
            let (start, start_line) = record.position().map_or((0, line), |p| (p.byte() as usize, p.line()));
            let span = &text[start..inner.position().byte() as usize];
            if let Some((line, raw)) = record_text(span, start_line) {
                out.push((line, span[raw].to_string(), record.iter().map(str::to_string).collect()));
            }
        }
    }

    #[test]
    fn fields_sliced_from_the_text_are_the_fields_the_checked_reader_gives() {
        // Quotes at a field's start, inside it and after its closing quote, doubled quotes,
        // delimiters and line ends inside quotes, lone CRs, empty and ragged fields, and
        // multi-byte characters beside every delimiter: random texts over that alphabet.
        let alphabet = ["a", "é", "ö€", "\"", "\"\"", ",", ";", "\n", "\r\n", "\r", " ", "x,y", "\"q\""];
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let mut quoted_or_ragged = 0;
        for _ in 0..4000 {
            let len = 1 + next(24);
            let text: String = (0..len).map(|_| alphabet[next(alphabet.len())]).collect();
            for delim in [b',', b';'] {
                let mut reader = Reader::new(&text, delim);
                let mut got = Vec::new();
                while let Some(r) = reader.next_record().unwrap() {
                    quoted_or_ragged += usize::from(r.fields.iter().any(|f| f.contains('"')));
                    got.push((r.line, r.raw.to_string(), r.fields.iter().map(|f| f.to_string()).collect::<Vec<_>>()));
                }
                assert_eq!(got, read_checked(&text, delim), "{text:?} split on {:?}", delim as char);
            }
        }
        assert!(quoted_or_ragged > 100, "the texts must exercise quoting: {quoted_or_ragged}");
    }
}
