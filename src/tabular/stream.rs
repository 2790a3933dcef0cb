//! Delimited text read as a stream (issue 14): a large export is never held whole in
//! memory. A first pass over the bytes ([`scan`]) hashes them (through the caller) and
//! decides the encoding the way [`super::csv::decode_checked`] would; the second pass
//! ([`StreamReader`]) decodes and splits records as it reads, keeping only the text from
//! the start of the current record on, so each record's raw text can still be stored with
//! a rejection.
//!
//! Only the common encodings stream: UTF-8 (BOM or not) and Windows-1252. UTF-16, a file
//! that is UTF-8 except for some bytes (refused with the place of the first bad byte) and
//! UTF-8 read lossily go through the whole-file path of [`super::csv`], so their results
//! and messages stay exactly as they are.
//!
//! Must not: know profiles, columns or the database.

use std::io::Read;

use super::csv::{record_text, utf16, CsvError, EncodingChoice, Record, Records, Skipped};

/// An encoding a file can be streamed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Streamable {
    /// UTF-8; `bom`: the file starts with a byte-order mark (skipped).
    Utf8 {
        /// The file starts with a UTF-8 BOM.
        bom: bool,
    },
    /// Windows-1252 (a UTF-8 BOM at the start is skipped, as the whole-file path does).
    Windows1252 {
        /// The file starts with a UTF-8 BOM.
        bom: bool,
    },
}

impl Streamable {
    /// The name the whole-file path gives the same encoding.
    pub fn name(self) -> &'static str {
        match self {
            Streamable::Utf8 { bom: true } => "utf-8-bom",
            Streamable::Utf8 { bom: false } => "utf-8",
            Streamable::Windows1252 { .. } => "windows-1252",
        }
    }

    fn bom(self) -> bool {
        match self {
            Streamable::Utf8 { bom } | Streamable::Windows1252 { bom } => bom,
        }
    }
}

/// Reads `input` to its end, handing every block of bytes to `each` (to hash them), and
/// says how the file can be streamed under `choice`: `None` when it must be read whole
/// (UTF-16; invalid UTF-8 under `Utf8`; UTF-8 with some bytes that are not, under `Auto`).
/// `each` runs on a second thread while the block is checked on this one.
pub fn scan(
    mut input: impl Read,
    choice: EncodingChoice,
    mut each: impl FnMut(&[u8]) + Send,
) -> std::io::Result<Option<Streamable>> {
    const BLOCK: usize = 4 << 20;
    // A block is read after the (up to 3) bytes of a character the block before cut short:
    // `buf[..carry]` holds them, so the text to check is contiguous.
    let mut buf = vec![0u8; BLOCK + 4];
    let mut carry = 0usize;
    let mut start = Vec::new();
    let (mut valid, mut non_ascii, mut first) = (true, false, true);
    let mut bom = false;
    loop {
        // The first block holds at least the 3 bytes of a BOM, unless the file is shorter.
        let mut n = input.read(&mut buf[carry..])?;
        while first && n > 0 && n < 3 {
            match input.read(&mut buf[n..])? {
                0 => break,
                more => n += more,
            }
        }
        if n == 0 {
            break;
        }
        let len = carry + n;
        let data = &buf[..len];
        let block = &data[carry..];
        if start.len() < 64 {
            start.extend_from_slice(&block[..block.len().min(64 - start.len())]);
        }
        let mut from = 0;
        if first {
            first = false;
            if block.starts_with(b"\xEF\xBB\xBF") {
                bom = true;
                from = 3;
            }
        }
        // Once mixed (invalid bytes and valid non-ASCII text) the whole-file path will say
        // where: only the hash goes on.
        let check = valid || !non_ascii;
        let each = &mut each;
        let left = std::thread::scope(|scope| {
            let hashing = scope.spawn(move || each(block));
            let mut left = 0;
            if check {
                let text = &data[from..];
                let cut = complete_prefix(text);
                let (ok, wide) = check_utf8(&text[..cut], non_ascii);
                valid &= ok;
                non_ascii |= wide;
                left = text.len() - cut;
            }
            hashing.join().expect("hashing does not panic");
            left
        });
        buf.copy_within(len - left..len, 0);
        carry = left;
    }
    if carry > 0 {
        valid = false; // a character cut by the end of the file
    }
    if start.len() >= 2 && utf16(&start).is_some() {
        return Ok(None);
    }
    Ok(match (choice, valid) {
        (EncodingChoice::Windows1252, _) => Some(Streamable::Windows1252 { bom }),
        (_, true) => Some(Streamable::Utf8 { bom }),
        (EncodingChoice::Utf8, false) => None,
        (EncodingChoice::Auto, false) if non_ascii => None,
        (EncodingChoice::Auto, false) => Some(Streamable::Windows1252 { bom }),
    })
}

/// Whether `data` is valid UTF-8, and whether its valid parts hold a non-ASCII character
/// (not looked for again when `known_non_ascii`). Valid text takes `from_utf8`'s fast path.
fn check_utf8(data: &[u8], known_non_ascii: bool) -> (bool, bool) {
    match std::str::from_utf8(data) {
        Ok(text) => (true, known_non_ascii || !text.is_ascii()),
        Err(_) => data.utf8_chunks().fold((true, known_non_ascii), |(ok, wide), chunk| {
            (ok && chunk.invalid().is_empty(), wide || !chunk.valid().is_ascii())
        }),
    }
}

/// The decoded text of the file's first MiB (a character cut at its end is replaced):
/// enough for [`super::csv::detect_delimiter`], which reads the first line.
pub fn head_text(input: impl Read, encoding: Streamable) -> std::io::Result<String> {
    let mut bytes = Vec::new();
    input.take(1 << 20).read_to_end(&mut bytes)?;
    let body = if encoding.bom() { bytes.get(3..).unwrap_or_default() } else { &bytes[..] };
    Ok(match encoding {
        Streamable::Utf8 { .. } => String::from_utf8_lossy(body).into_owned(),
        Streamable::Windows1252 { .. } => encoding_rs::WINDOWS_1252.decode_without_bom_handling(body).0.into_owned(),
    })
}

/// The length of `data` without a UTF-8 sequence its end cuts short (at most 3 bytes).
fn complete_prefix(data: &[u8]) -> usize {
    let from = data.len().saturating_sub(3);
    for i in (from..data.len()).rev() {
        let b = data[i];
        if b & 0xC0 != 0x80 {
            let need = match b {
                0xC0..=0xDF => 2,
                0xE0..=0xEF => 3,
                0xF0..=0xF7 => 4,
                _ => 1,
            };
            return if data.len() - i < need { i } else { data.len() };
        }
    }
    data.len()
}

/// Decodes bytes as they are read and keeps the decoded text from `kept` on.
struct Decoding<R> {
    input: R,
    decoder: encoding_rs::Decoder,
    raw: Vec<u8>,
    /// Decoded text from absolute offset `base` on.
    text: String,
    base: u64,
    /// Index in `text` of the next byte to hand out.
    served: usize,
    done: bool,
}

impl<R: Read> Decoding<R> {
    fn new(input: R, encoding: Streamable) -> Decoding<R> {
        let decoder = match encoding {
            Streamable::Utf8 { .. } => encoding_rs::UTF_8.new_decoder_without_bom_handling(),
            Streamable::Windows1252 { .. } => encoding_rs::WINDOWS_1252.new_decoder_without_bom_handling(),
        };
        Decoding { input, decoder, raw: vec![0u8; 256 * 1024], text: String::new(), base: 0, served: 0, done: false }
    }

    /// Decodes the next block of input onto `text`; false at the end.
    fn fill(&mut self) -> std::io::Result<bool> {
        if self.done {
            return Ok(false);
        }
        let n = self.input.read(&mut self.raw)?;
        let last = n == 0;
        let mut src = &self.raw[..n];
        loop {
            self.text.reserve(self.decoder.max_utf8_buffer_length(src.len()).unwrap_or(src.len() * 3 + 4));
            let (result, read, _) = self.decoder.decode_to_string(src, &mut self.text, last);
            src = &src[read..];
            if result == encoding_rs::CoderResult::InputEmpty {
                break;
            }
        }
        self.done = last;
        Ok(!last || self.served < self.text.len())
    }

    /// Drops the text before absolute offset `offset`.
    fn keep_from(&mut self, offset: u64) {
        let cut = ((offset - self.base) as usize).min(self.served);
        if cut > 0 && cut >= self.text.len() / 2 {
            self.text.drain(..cut);
            self.base += cut as u64;
            self.served -= cut;
        }
    }

    /// The text between two absolute offsets (both kept).
    fn slice(&self, start: u64, end: u64) -> &str {
        &self.text[(start - self.base) as usize..(end - self.base) as usize]
    }
}

impl<R: Read> Read for Decoding<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.served == self.text.len() {
            if !self.fill()? {
                return Ok(0);
            }
        }
        let n = out.len().min(self.text.len() - self.served);
        out[..n].copy_from_slice(&self.text.as_bytes()[self.served..self.served + n]);
        self.served += n;
        Ok(n)
    }
}

/// Reads records from a byte stream in a [`Streamable`] encoding; the same records, lines,
/// raw text and offsets as [`super::csv::Reader`] gives for the decoded text.
pub struct StreamReader<R: Read> {
    inner: csv::Reader<Decoding<R>>,
    record: csv::ByteRecord,
    delim: u8,
    /// Excel's `sep=` hint line, never handed to the `csv` reader: its positions plus this
    /// are offsets and lines of the decoded file.
    skipped: Skipped,
    /// Offset past the last record handed out: text before it is no longer needed.
    done: u64,
}

impl<R: Read> StreamReader<R> {
    /// A reader over `input` (the file from its first byte) splitting fields on `delim`; a
    /// first line `sep=;` is skipped, as [`super::csv::Reader`] skips it.
    pub fn new(mut input: R, encoding: Streamable, delim: u8) -> std::io::Result<StreamReader<R>> {
        if encoding.bom() {
            let mut bom = [0u8; 3];
            input.read_exact(&mut bom)?;
        }
        let mut decoding = Decoding::new(input, encoding);
        // Enough of the start to hold a hint line with its line end (`sep=;\r\n`).
        while decoding.text.len() < 8 && !decoding.done {
            decoding.fill()?;
        }
        let skipped = Skipped::hint(&decoding.text);
        decoding.served = skipped.bytes as usize;
        let inner = csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delim).from_reader(decoding);
        Ok(StreamReader { inner, record: csv::ByteRecord::new(), delim, skipped, done: skipped.bytes })
    }

    /// The next record that is not blank (a line of spaces is blank too); `None` at the end.
    pub fn next_record(&mut self) -> Result<Option<Record<'_>>, CsvError> {
        self.inner.get_mut().keep_from(self.done);
        let Skipped { bytes: skip, lines: skip_lines } = self.skipped;
        let (line, raw_start, raw_end, end) = loop {
            let line = self.inner.position().line() + skip_lines;
            match self.inner.read_byte_record(&mut self.record) {
                Ok(true) => {}
                Ok(false) => return Ok(None),
                Err(source) => return Err(CsvError { line, source }),
            }
            let (start, start_line) =
                self.record.position().map_or((skip, line), |p| (p.byte() + skip, p.line() + skip_lines));
            let end = self.inner.position().byte() + skip;
            self.done = end;
            if let Some((line, raw)) = record_text(self.inner.get_ref().slice(start, end), start_line) {
                break (line, start + raw.start as u64, start + raw.end as u64, end);
            }
        };
        let raw = self.inner.get_ref().slice(raw_start, raw_end);
        let fields = super::csv::record_fields(&self.record, raw, self.delim, line)?;
        Ok(Some(Record { line, raw, end, fields }))
    }
}

impl<R: Read> Records for StreamReader<R> {
    fn next_record(&mut self) -> Result<Option<Record<'_>>, CsvError> {
        StreamReader::next_record(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tabular::csv::{decode, Reader};

    /// Every record of `bytes` through both readers: equal lines, raw text, ends, fields.
    fn same_as_whole_file(bytes: &[u8], choice: EncodingChoice) {
        let encoding = scan(bytes, choice, |_| {}).unwrap().expect("streamable");
        let (text, name) = decode(bytes, choice);
        assert_eq!(encoding.name(), name);
        let mut whole = Reader::new(&text, b',');
        let mut stream = StreamReader::new(bytes, encoding, b',').unwrap();
        loop {
            let a = whole.next_record().unwrap().map(|r| (r.line, r.raw.to_string(), r.end, r.fields.join("|")));
            let b = stream.next_record().unwrap().map(|r| (r.line, r.raw.to_string(), r.end, r.fields.join("|")));
            assert_eq!(a, b);
            if a.is_none() {
                break;
            }
        }
    }

    #[test]
    fn records_lines_and_raw_text_equal_the_whole_file_reader_s() {
        let text = "a,b,c\r\n1,\"x, \"\"y\"\"\",3\n\n2,\"multi\nline\",4\n  \n5,,\n";
        same_as_whole_file(text.as_bytes(), EncodingChoice::Auto);
        same_as_whole_file(format!("\u{feff}{text}").as_bytes(), EncodingChoice::Auto);
        // Long enough to cross the decoder's and the CSV reader's blocks many times, with
        // multi-byte characters and a quoted field of 300 KB.
        let mut long = String::from("id,name,note\n");
        for i in 0..40_000 {
            long.push_str(&format!("{i},Åsa Öberg {i},\"rad {i}\nmed ärende\"\r\n"));
        }
        long.push_str(&format!("x,\"{}\",y\n", "ä".repeat(150_000)));
        same_as_whole_file(long.as_bytes(), EncodingChoice::Auto);
        same_as_whole_file(long.as_bytes(), EncodingChoice::Utf8);
    }

    #[test]
    fn excel_s_sep_hint_line_is_skipped_as_the_whole_file_reader_skips_it() {
        let text = "sep=;\r\nid;namn\r\n1;\"a\nb\"\r\n2;c\r\n";
        let mut stream = StreamReader::new(text.as_bytes(), Streamable::Utf8 { bom: false }, b';').unwrap();
        let first = stream.next_record().unwrap().map(|r| (r.line, r.raw.to_string(), r.end, r.fields.join("|")));
        assert_eq!(first, Some((2, "id;namn".to_string(), 15, "id|namn".to_string())));
        for bytes in [text.as_bytes(), format!("\u{feff}{text}").as_bytes(), &b"sep=,\nid,n\n1,x"[..]] {
            same_as_whole_file(bytes, EncodingChoice::Auto);
        }
        // Read a byte at a time, the hint is still found whole.
        let mut trickle =
            StreamReader::new(Trickle { bytes: text.as_bytes(), step: 1 }, Streamable::Utf8 { bom: false }, b';')
                .unwrap();
        assert_eq!(trickle.next_record().unwrap().map(|r| r.line), Some(2));
        // A file that is only a hint line has no record.
        let mut only = StreamReader::new(&b"sep=;"[..], Streamable::Utf8 { bom: false }, b';').unwrap();
        assert!(only.next_record().unwrap().is_none());
    }

    #[test]
    fn windows_1252_streams_and_utf16_and_mixed_files_are_left_to_the_whole_file_path() {
        let cp1252 = b"id,namn\n1,\xC5sa \xD6berg\n2,K\xE4vlinge\n";
        assert_eq!(
            scan(&cp1252[..], EncodingChoice::Auto, |_| {}).unwrap(),
            Some(Streamable::Windows1252 { bom: false })
        );
        same_as_whole_file(cp1252, EncodingChoice::Auto);
        same_as_whole_file(b"id,namn\n1,Asa\n", EncodingChoice::Windows1252);
        let utf16: Vec<u8> = "id,namn\n1,Åsa\n".encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        assert_eq!(scan(&utf16[..], EncodingChoice::Auto, |_| {}).unwrap(), None);
        let mut mixed = "id,namn\n1,Åsa\n2,K".as_bytes().to_vec();
        mixed.extend([0xE4, b'\n']);
        assert_eq!(scan(&mixed[..], EncodingChoice::Auto, |_| {}).unwrap(), None);
        assert_eq!(scan(&mixed[..], EncodingChoice::Utf8, |_| {}).unwrap(), None);
    }

    /// Hands out at most `step` bytes per read, so that blocks end inside characters.
    struct Trickle<'a> {
        bytes: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let n = self.step.min(out.len()).min(self.bytes.len());
            out[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    #[test]
    fn a_character_cut_by_a_block_end_is_not_taken_for_a_bad_byte() {
        let utf8 = "\u{feff}id,namn\n1,Åsa Öberg €\n2,Kävlinge 🙂\n".as_bytes();
        let cp1252 = b"id,namn\n1,\xC5sa \xD6berg\n2,K\xE4vlinge\n";
        let mut mixed = "id,namn\n1,Åsa\n2,K".as_bytes().to_vec();
        mixed.extend([0xE4, b'\n']);
        let cut_at_end = &utf8[..utf8.len() - 2]; // the emoji's last bytes are missing
        for (bytes, want) in [
            (utf8, Some(Streamable::Utf8 { bom: true })),
            (&cp1252[..], Some(Streamable::Windows1252 { bom: false })),
            (&mixed[..], None),
            (cut_at_end, None), // UTF-8 with a bad end: the whole-file path says where
        ] {
            for step in [1, 2, 3, 5, 7, 4096] {
                let mut hashed = Vec::new();
                let got = scan(Trickle { bytes, step }, EncodingChoice::Auto, |b| hashed.extend_from_slice(b)).unwrap();
                assert_eq!(got, want, "{} bytes read {step} at a time", bytes.len());
                assert_eq!(hashed, bytes, "every byte is hashed once, in order");
            }
        }
    }
}
