//! A small JSON reader for API responses: objects keep their members in document order
//! and numbers their text as written (`1.50` stays `1.50`), which a flattened record needs
//! and serde_json without `preserve_order` would not give. RFC 8259 with a nesting bound.
//!
//! Must not: know about HTTP or records; api.rs flattens what this parses.

/// Deepest JSON nesting accepted.
const MAX_DEPTH: usize = 200;

/// A parsed JSON value; objects keep their members in document order, numbers their text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Json {
    Null,
    Bool(bool),
    Num(String),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

/// RFC 6901 JSON pointer; `""` is the whole value.
pub(crate) fn pointer<'a>(value: &'a Json, pointer: &str) -> Option<&'a Json> {
    if pointer.is_empty() {
        return Some(value);
    }
    pointer.strip_prefix('/')?.split('/').try_fold(value, |v, token| {
        let token = token.replace("~1", "/").replace("~0", "~");
        match v {
            Json::Obj(members) => members.iter().find(|(k, _)| *k == token).map(|(_, v)| v),
            Json::Arr(items) => items.get(token.parse::<usize>().ok()?),
            _ => None,
        }
    })
}

pub(crate) fn scalar_text(value: &Json) -> String {
    match value {
        Json::Null => String::new(),
        Json::Bool(b) => b.to_string(),
        Json::Num(s) | Json::Str(s) => s.clone(),
        other => compact(other),
    }
}

pub(crate) fn compact(value: &Json) -> String {
    let quote = |s: &str| {
        let mut out = String::from("\"");
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
                c => out.push(c),
            }
        }
        out + "\""
    };
    match value {
        Json::Null => "null".to_string(),
        Json::Str(s) => quote(s),
        Json::Arr(items) => format!("[{}]", items.iter().map(compact).collect::<Vec<_>>().join(",")),
        Json::Obj(m) => {
            format!("{{{}}}", m.iter().map(|(k, v)| quote(k) + ":" + &compact(v)).collect::<Vec<_>>().join(","))
        }
        scalar => scalar_text(scalar),
    }
}

pub(crate) fn parse_json(text: &str) -> Result<Json, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut p = Parser { s: text.as_bytes(), i: 0 };
    let value = p.value(0)?;
    p.ws();
    if p.i < p.s.len() {
        return Err(p.fail("the end"));
    }
    Ok(value)
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn fail(&self, what: &str) -> String {
        format!("{what} expected at byte {}", self.i)
    }

    fn ws(&mut self) {
        while self.s.get(self.i).is_some_and(|b| b.is_ascii_whitespace()) {
            self.i += 1;
        }
    }

    fn eat(&mut self, b: u8) -> bool {
        self.ws();
        let hit = self.s.get(self.i) == Some(&b);
        self.i += usize::from(hit);
        hit
    }

    fn value(&mut self, depth: usize) -> Result<Json, String> {
        self.ws();
        if depth > MAX_DEPTH {
            return Err(self.fail("at most 200 levels of nesting"));
        }
        let rest = &self.s[self.i..];
        for (word, value) in [("true", Json::Bool(true)), ("false", Json::Bool(false)), ("null", Json::Null)] {
            if rest.starts_with(word.as_bytes()) {
                self.i += word.len();
                return Ok(value);
            }
        }
        match rest.first() {
            Some(b'"') => self.string().map(Json::Str),
            Some(b'-' | b'0'..=b'9') => {
                let len = rest.iter().take_while(|b| b.is_ascii_digit() || b"+-.eE".contains(b)).count();
                let num = String::from_utf8_lossy(&rest[..len]).into_owned();
                if num.parse::<f64>().is_err() {
                    return Err(self.fail("a number"));
                }
                self.i += len;
                Ok(Json::Num(num))
            }
            Some(b'[') => {
                self.i += 1;
                let mut items = Vec::new();
                if self.eat(b']') {
                    return Ok(Json::Arr(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    if self.eat(b']') {
                        return Ok(Json::Arr(items));
                    } else if !self.eat(b',') {
                        return Err(self.fail("',' or ']'"));
                    }
                }
            }
            Some(b'{') => {
                self.i += 1;
                let mut members = Vec::new();
                if self.eat(b'}') {
                    return Ok(Json::Obj(members));
                }
                loop {
                    self.ws();
                    if self.s.get(self.i) != Some(&b'"') {
                        return Err(self.fail("a quoted key"));
                    }
                    let key = self.string()?;
                    if !self.eat(b':') {
                        return Err(self.fail("':'"));
                    }
                    members.push((key, self.value(depth + 1)?));
                    if self.eat(b'}') {
                        return Ok(Json::Obj(members));
                    } else if !self.eat(b',') {
                        return Err(self.fail("',' or '}'"));
                    }
                }
            }
            _ => Err(self.fail("a JSON value")),
        }
    }

    /// A string starting at the opening quote.
    fn string(&mut self) -> Result<String, String> {
        self.i += 1;
        let mut out = Vec::new();
        loop {
            let Some(&b) = self.s.get(self.i) else { return Err(self.fail("a closing '\"'")) };
            self.i += 1;
            match b {
                b'"' => return String::from_utf8(out).map_err(|_| self.fail("UTF-8 text")),
                b'\\' => {
                    let Some(&e) = self.s.get(self.i) else { return Err(self.fail("an escape")) };
                    self.i += 1;
                    let c = match e {
                        b'"' | b'\\' | b'/' => char::from(e),
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hi = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&hi) && self.s[self.i..].starts_with(b"\\u") {
                                self.i += 2;
                                let lo = self.hex4()?;
                                let pair = (0xDC00..0xE000).contains(&lo);
                                if pair {
                                    0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                                } else {
                                    0xFFFD
                                }
                            } else {
                                hi
                            };
                            char::from_u32(code).unwrap_or('\u{fffd}')
                        }
                        _ => return Err(self.fail("a valid escape")),
                    };
                    out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                }
                _ => out.push(b),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let hex = self.s.get(self.i..self.i + 4).and_then(|h| std::str::from_utf8(h).ok());
        let code = hex.and_then(|h| u32::from_str_radix(h, 16).ok()).ok_or_else(|| self.fail("four hex digits"))?;
        self.i += 4;
        Ok(code)
    }
}
