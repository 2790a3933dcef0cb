//! REST-API fetching: pages through a service-desk tool's REST API (ServiceNow, Jira Service
//! Management, TOPdesk, …) and hands back every record flattened to (key, text) pairs.
//!
//! This module owns HTTP: paging, retries with backoff, authentication from environment
//! variables and keeping secrets out of everything it shows or returns. It must not touch the
//! database and must not map fields to the canonical model: the profile and the store do that.
//! JSON is read by a small parser here so that keys keep the order the server sent them in.

use std::io::Read;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Largest successful response body read, in bytes.
const MAX_BODY: u64 = 512 * 1024 * 1024;
/// Longest wait computed from the exponential backoff.
const MAX_BACKOFF: Duration = Duration::from_secs(60);
/// Longest wait a server's `Retry-After` may impose.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(600);
/// Longest body excerpt in an error message, in characters.
const EXCERPT_CHARS: usize = 200;
/// Deepest JSON nesting accepted.
const MAX_DEPTH: usize = 200;

/// How a tool pages its results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pagination {
    /// `?{offset_param}=N&{limit_param}=M` until a page has fewer than M records (ServiceNow:
    /// `sysparm_offset`/`sysparm_limit`). The offset advances by the records received.
    OffsetLimit {
        /// Name of the offset parameter.
        offset_param: String,
        /// Name of the page-size parameter.
        limit_param: String,
        /// Records asked for per page (at least 1).
        page_size: u32,
    },
    /// Jira: `startAt`/`maxResults` with `total` in the body; stops when `startAt >= total` or a
    /// page is empty. `startAt` advances by the records received (Jira may cap `maxResults`).
    StartAtTotal {
        /// Records asked for per page.
        page_size: u32,
    },
    /// Opaque page tokens: the next token is found at a JSON pointer in the body (e.g.
    /// `/nextPageToken`) and sent back as `{token_param}`; stops when absent, null or empty.
    PageToken {
        /// Name of the query parameter carrying the token.
        token_param: String,
        /// JSON pointer to the next token in the body.
        next_pointer: String,
        /// Page-size parameter name and value, sent with every request.
        page_size_param: Option<(String, u32)>,
    },
    /// RFC 8288 `Link: <url>; rel="next"` headers (TOPdesk and others); stops when there is no
    /// next link. Next links must stay on the base URL's scheme, host and port.
    LinkHeader,
}

/// Authentication; secrets come from the environment, by variable name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    /// No `Authorization` header.
    None,
    /// `Authorization: Bearer <token>`.
    Bearer {
        /// Environment variable holding the token.
        token_env: String,
    },
    /// `Authorization: Basic base64(user:password)`.
    Basic {
        /// Environment variable holding the user name.
        user_env: String,
        /// Environment variable holding the password.
        password_env: String,
    },
}

/// One API endpoint to fetch completely.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiSource {
    /// Endpoint, e.g. `https://x.service-now.com/api/now/table/incident`.
    pub base_url: String,
    /// Fixed query parameters, sent with every request built from `base_url`.
    pub query: Vec<(String, String)>,
    /// JSON pointer to the records array: `/result` (ServiceNow), `/issues` (Jira), `` = the body
    /// is the array (TOPdesk).
    pub records_pointer: String,
    /// How the tool pages.
    pub pagination: Pagination,
    /// How to authenticate.
    pub auth: Auth,
    /// Incremental sync: when `Some((param, value))` the fetch sends `param=value`, e.g. ServiceNow
    /// `sysparm_query=sys_updated_on>2026-10-01 00:00:00`; the caller builds the value from its
    /// watermark.
    pub since: Option<(String, String)>,
    /// Time limit per request, from connecting to the end of the body.
    pub timeout: Duration,
    /// Most pages fetched; needing more is an error.
    pub max_pages: u32,
    /// Retries of one request on 429 and 5xx.
    pub max_retries: u32,
    /// First wait between retries; doubles each retry, capped at 60 s. A `Retry-After` header
    /// (seconds or HTTP date, capped at 10 min) wins when present.
    pub initial_backoff: Duration,
}

/// Why a fetch failed. Messages show URLs redacted and never contain a secret's value.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// HTTP error status, not retried or retries exhausted.
    #[error("HTTP {status} from {url} after {attempts} attempt(s): {excerpt}")]
    Status {
        /// Redacted URL.
        url: String,
        /// HTTP status code.
        status: u16,
        /// Attempts made, retries included.
        attempts: u32,
        /// Start of the body (at most 200 characters), secrets removed.
        excerpt: String,
    },
    /// Connecting, sending or receiving failed (including timeouts).
    #[error("request to {url} failed: {reason}")]
    Transport {
        /// Redacted URL.
        url: String,
        /// What went wrong, secrets removed.
        reason: String,
    },
    /// The response was not what the source describes.
    #[error("unexpected response from {url}: expected {expected}")]
    Body {
        /// Redacted URL.
        url: String,
        /// What was expected, and what was found.
        expected: String,
    },
    /// An environment variable named by [`Auth`] is unset, empty or not UTF-8.
    #[error("environment variable {name} is not set (it should hold the API credential)")]
    MissingEnv {
        /// The variable's name.
        name: String,
    },
    /// The source has more pages than `max_pages`.
    #[error("{url} has more than {max_pages} pages: raise max_pages or narrow the query")]
    TooManyPages {
        /// Redacted base URL.
        url: String,
        /// The bound.
        max_pages: u32,
    },
}

/// One fetched record: the JSON object flattened to (key, text) pairs, keys in the object's
/// order. Nested objects are joined with `.` (`{"assignment_group": {"display_value": "SD"}}` →
/// `assignment_group.display_value`), arrays of scalars joined with `"; "`, other arrays kept as
/// compact JSON, numbers and booleans as their JSON text, null and `{}` as `""`.
pub type Record = Vec<(String, String)>;

/// What a fetch did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FetchStats {
    /// Pages fetched.
    pub pages: u32,
    /// Records fetched.
    pub records: u64,
    /// Requests repeated after 429 or 5xx.
    pub retries: u32,
}

/// Fetches every page; calls `on_page(records_so_far, pages_so_far)` after each page (for a
/// progress bar). Returns all records in order.
pub fn fetch_all(src: &ApiSource, on_page: &mut dyn FnMut(u64, u32)) -> Result<(Vec<Record>, FetchStats), ApiError> {
    fetch_with_sleep(src, on_page, &mut std::thread::sleep)
}

/// The URL as it may be shown: `user:password@` removed and the value of any query parameter whose
/// name looks secret (token, key, password, secret, auth, sig, signature; case-insensitive)
/// replaced by `***`.
pub fn redact_url(url: &str) -> String {
    let (before_frag, frag) = url.split_once('#').map_or((url, None), |(a, b)| (a, Some(b)));
    let (head, query) = before_frag.split_once('?').map_or((before_frag, None), |(a, b)| (a, Some(b)));
    let mut out = match head.find("://") {
        Some(i) => {
            let rest = &head[i + 3..];
            let auth_end = rest.find('/').unwrap_or(rest.len());
            let host = rest[..auth_end].rsplit_once('@').map_or(&rest[..auth_end], |(_, h)| h);
            format!("{}{host}{}", &head[..i + 3], &rest[auth_end..])
        }
        None => head.to_string(),
    };
    if let Some(query) = query {
        let pairs: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((name, _)) if secret_name(name) => format!("{name}=***"),
                _ => pair.to_string(),
            })
            .collect();
        out = format!("{out}?{}", pairs.join("&"));
    }
    match frag {
        Some(f) => format!("{out}#{f}"),
        None => out,
    }
}

fn secret_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    ["token", "key", "password", "secret", "auth", "signature"].iter().any(|w| name.contains(w))
        || name.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| w == "sig")
}

/// The secrets of one fetch: the header to send and the values to scrub from anything shown.
struct Secrets {
    header: Option<String>,
    values: Vec<String>,
}

impl Secrets {
    /// Reads the credentials `src.auth` names; values of secret-looking fixed query parameters are
    /// scrubbed too.
    fn from_env(src: &ApiSource) -> Result<Secrets, ApiError> {
        let var = |name: &str| match std::env::var(name) {
            Ok(v) if !v.is_empty() => Ok(v),
            _ => Err(ApiError::MissingEnv { name: name.to_string() }),
        };
        let mut secrets = match &src.auth {
            Auth::None => Secrets { header: None, values: Vec::new() },
            Auth::Bearer { token_env } => {
                let token = var(token_env)?;
                Secrets { header: Some(format!("Bearer {token}")), values: vec![token] }
            }
            Auth::Basic { user_env, password_env } => {
                let (user, password) = (var(user_env)?, var(password_env)?);
                let encoded = base64(format!("{user}:{password}").as_bytes());
                Secrets { header: Some(format!("Basic {encoded}")), values: vec![password, encoded] }
            }
        };
        let in_query = src.query.iter().filter(|(k, v)| secret_name(k) && !v.is_empty()).map(|(_, v)| v.clone());
        secrets.values.extend(in_query);
        Ok(secrets)
    }

    fn scrub(&self, text: &str) -> String {
        self.values.iter().fold(text.to_string(), |t, v| t.replace(v.as_str(), "***"))
    }
}

fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            let c = if i <= chunk.len() { ABC[(n >> (18 - 6 * i) & 63) as usize] } else { b'=' };
            out.push(char::from(c));
        }
    }
    out
}

/// Where the next request goes.
enum Cursor {
    Offset(u64),
    Token(Option<String>),
    Url(String),
}

fn fetch_with_sleep(
    src: &ApiSource,
    on_page: &mut dyn FnMut(u64, u32),
    sleep: &mut dyn FnMut(Duration),
) -> Result<(Vec<Record>, FetchStats), ApiError> {
    let secrets = Secrets::from_env(src)?;
    let config = ureq::Agent::config_builder()
        .timeout_global(Some(src.timeout))
        .http_status_as_error(false)
        .user_agent(concat!("itsm/", env!("CARGO_PKG_VERSION")))
        .build();
    let agent = ureq::Agent::new_with_config(config);
    let mut stats = FetchStats::default();
    let mut records = Vec::new();
    let mut cursor = match &src.pagination {
        Pagination::OffsetLimit { .. } | Pagination::StartAtTotal { .. } => Cursor::Offset(0),
        Pagination::PageToken { .. } => Cursor::Token(None),
        Pagination::LinkHeader => Cursor::Url(build_url(src, &[])),
    };
    loop {
        if stats.pages >= src.max_pages {
            return Err(ApiError::TooManyPages {
                url: secrets.scrub(&redact_url(&src.base_url)),
                max_pages: src.max_pages,
            });
        }
        let url = page_url(src, &cursor);
        let shown = secrets.scrub(&redact_url(&url));
        let (body, link) = get_json(&agent, &url, &shown, &secrets, src, &mut stats, sleep)?;
        let Some(Json::Arr(items)) = pointer(&body, &src.records_pointer) else {
            let expected = format!("an array of records at JSON pointer '{}'", src.records_pointer);
            return Err(ApiError::Body { url: shown, expected });
        };
        for (i, item) in items.iter().enumerate() {
            let Json::Obj(_) = item else {
                return Err(ApiError::Body { url: shown, expected: format!("record {i} of the page to be an object") });
            };
            let mut record = Vec::new();
            flatten("", item, &mut record);
            records.push(record);
        }
        let n = items.len() as u64;
        stats.pages += 1;
        stats.records += n;
        on_page(stats.records, stats.pages);
        cursor = match (&src.pagination, cursor) {
            (Pagination::OffsetLimit { page_size, .. }, Cursor::Offset(o)) if n >= u64::from((*page_size).max(1)) => {
                Cursor::Offset(o + n)
            }
            (Pagination::StartAtTotal { .. }, Cursor::Offset(o)) if n > 0 => {
                let total = match pointer(&body, "/total") {
                    Some(Json::Num(t) | Json::Str(t)) => t.parse::<u64>().ok(),
                    _ => None,
                };
                match total {
                    Some(total) if o + n >= total => break,
                    _ => Cursor::Offset(o + n),
                }
            }
            (Pagination::PageToken { next_pointer, .. }, _) => match pointer(&body, next_pointer) {
                Some(Json::Str(t) | Json::Num(t)) if !t.is_empty() => Cursor::Token(Some(t.clone())),
                _ => break,
            },
            (Pagination::LinkHeader, Cursor::Url(current)) => match link {
                Some(next) => {
                    let next = resolve(&current, &next);
                    if origin(&next) != origin(&src.base_url) {
                        let expected = format!("a next link on the base URL's host, got {}", redact_url(&next));
                        return Err(ApiError::Body { url: shown, expected: secrets.scrub(&expected) });
                    }
                    Cursor::Url(next)
                }
                None => break,
            },
            _ => break,
        };
    }
    Ok((records, stats))
}

fn page_url(src: &ApiSource, cursor: &Cursor) -> String {
    match (&src.pagination, cursor) {
        (Pagination::OffsetLimit { offset_param, limit_param, page_size }, Cursor::Offset(o)) => build_url(
            src,
            &[(offset_param.clone(), o.to_string()), (limit_param.clone(), (*page_size).max(1).to_string())],
        ),
        (Pagination::StartAtTotal { page_size }, Cursor::Offset(o)) => {
            build_url(src, &[("startAt".to_string(), o.to_string()), ("maxResults".to_string(), page_size.to_string())])
        }
        (Pagination::PageToken { token_param, page_size_param, .. }, Cursor::Token(token)) => {
            let mut extra: Vec<(String, String)> = Vec::new();
            if let Some((name, size)) = page_size_param {
                extra.push((name.clone(), size.to_string()));
            }
            if let Some(token) = token {
                extra.push((token_param.clone(), token.clone()));
            }
            build_url(src, &extra)
        }
        (_, Cursor::Url(url)) => url.clone(),
        _ => build_url(src, &[]),
    }
}

/// `base_url` with the fixed query, the `since` parameter and `extra`, percent-encoded.
fn build_url(src: &ApiSource, extra: &[(String, String)]) -> String {
    let pairs: Vec<String> = src
        .query
        .iter()
        .chain(src.since.iter())
        .chain(extra.iter())
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    if pairs.is_empty() {
        return src.base_url.clone();
    }
    let sep = if !src.base_url.contains('?') {
        "?"
    } else if src.base_url.ends_with('?') || src.base_url.ends_with('&') {
        ""
    } else {
        "&"
    };
    format!("{}{sep}{}", src.base_url, pairs.join("&"))
}

fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// One GET with retries on 429 and 5xx: the parsed body and the `rel="next"` link, if any.
fn get_json(
    agent: &ureq::Agent,
    url: &str,
    shown: &str,
    secrets: &Secrets,
    src: &ApiSource,
    stats: &mut FetchStats,
    sleep: &mut dyn FnMut(Duration),
) -> Result<(Json, Option<String>), ApiError> {
    let transport = |e: ureq::Error| ApiError::Transport {
        url: shown.to_string(),
        reason: secrets.scrub(&e.to_string().replace(url, shown)),
    };
    let mut attempt = 0u32;
    loop {
        let mut request = agent.get(url).header("Accept", "application/json");
        if let Some(value) = &secrets.header {
            request = request.header("Authorization", value);
        }
        let mut response = request.call().map_err(transport)?;
        let status = response.status().as_u16();
        if (200..300).contains(&status) {
            let link = next_link(response.headers());
            let text = response.body_mut().with_config().limit(MAX_BODY).read_to_string().map_err(transport)?;
            let body = parse_json(&text).map_err(|why| ApiError::Body {
                url: shown.to_string(),
                expected: format!("a JSON body ({why}); the body starts: {}", excerpt(secrets, &text)),
            })?;
            return Ok((body, link));
        }
        if (status == 429 || (500..600).contains(&status)) && attempt < src.max_retries {
            let backoff = src.initial_backoff.saturating_mul(1u32.checked_shl(attempt).unwrap_or(u32::MAX));
            let wait = retry_after(response.headers(), SystemTime::now()).unwrap_or(backoff.min(MAX_BACKOFF));
            attempt += 1;
            stats.retries += 1;
            sleep(wait);
            continue;
        }
        let mut raw = Vec::new();
        let _ = response.body_mut().as_reader().take(64 * 1024).read_to_end(&mut raw);
        let excerpt = excerpt(secrets, &String::from_utf8_lossy(&raw));
        return Err(ApiError::Status { url: shown.to_string(), status, attempts: attempt + 1, excerpt });
    }
}

/// The start of a body as shown in errors: secrets removed, whitespace collapsed, at most 200 characters.
fn excerpt(secrets: &Secrets, body: &str) -> String {
    let head: String = body.chars().take(64 * 1024).collect();
    let text = secrets.scrub(&head).split_whitespace().collect::<Vec<_>>().join(" ");
    let mut excerpt: String = text.chars().take(EXCERPT_CHARS).collect();
    if text.chars().nth(EXCERPT_CHARS).is_some() {
        excerpt.push('…');
    }
    excerpt
}

/// The wait a `Retry-After` header asks for: delay-seconds or an IMF-fixdate HTTP date.
fn retry_after(headers: &ureq::http::HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get("retry-after")?.to_str().ok()?.trim();
    let wait = match value.parse::<u64>() {
        Ok(secs) => Duration::from_secs(secs),
        Err(_) => http_date(value)?.duration_since(now).unwrap_or(Duration::ZERO),
    };
    Some(wait.min(MAX_RETRY_AFTER))
}

/// Parses `Sun, 06 Nov 1994 08:49:37 GMT`.
fn http_date(text: &str) -> Option<SystemTime> {
    let parts: Vec<&str> = text.split_whitespace().collect();
    let [_, day, month, year, time, "GMT"] = parts[..] else { return None };
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let m = MONTHS.iter().position(|&n| n.eq_ignore_ascii_case(month))? as i64 + 1;
    let (d, y): (i64, i64) = (day.parse().ok()?, year.parse().ok()?);
    let hms: Vec<u64> = time.split(':').map(|p| p.parse().ok()).collect::<Option<_>>()?;
    let [h, min, s] = hms[..] else { return None };
    // Days from civil (Howard Hinnant).
    let yy = if m <= 2 { y - 1 } else { y };
    let era = yy.div_euclid(400);
    let yoe = yy - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    let secs = u64::try_from(days).ok()? * 86_400 + h * 3600 + min * 60 + s;
    UNIX_EPOCH.checked_add(Duration::from_secs(secs))
}

/// The target of the first `rel="next"` link in the `Link` headers.
fn next_link(headers: &ureq::http::HeaderMap) -> Option<String> {
    for value in headers.get_all("link") {
        let Ok(mut rest) = value.to_str() else { continue };
        while let Some(start) = rest.find('<') {
            let after = &rest[start + 1..];
            let end = after.find('>')?;
            let params_end = after[end..].find('<').map_or(after.len(), |i| end + i);
            let is_next = after[end + 1..params_end].split(';').any(|p| {
                p.split_once('=').is_some_and(|(k, v)| {
                    k.trim().eq_ignore_ascii_case("rel")
                        && v.trim_matches(|c: char| c == '"' || c == ',' || c.is_whitespace())
                            .split_whitespace()
                            .any(|r| r.eq_ignore_ascii_case("next"))
                })
            });
            if is_next {
                return Some(after[..end].trim().to_string());
            }
            rest = &after[params_end..];
        }
    }
    None
}

/// `scheme://host:port` of a URL, without user info, lower-cased.
fn origin(url: &str) -> String {
    let Some(i) = url.find("://") else { return String::new() };
    let rest = &url[i + 3..];
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    format!("{}://{host}", &url[..i]).to_ascii_lowercase()
}

/// A link target resolved against the URL it came from.
fn resolve(current: &str, target: &str) -> String {
    let scheme_end = current.find("://").map_or(0, |i| i + 3);
    let host_end = current[scheme_end..].find(['/', '?', '#']).map_or(current.len(), |i| scheme_end + i);
    let scheme = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    if target.split_once("://").is_some_and(|(s, _)| scheme(s)) {
        target.to_string()
    } else if let Some(rest) = target.strip_prefix("//") {
        format!("{}{rest}", &current[..scheme_end])
    } else if target.starts_with('/') {
        format!("{}{target}", &current[..host_end])
    } else {
        let path_end = current[host_end..].find(['?', '#']).map_or(current.len(), |i| host_end + i);
        if target.starts_with('?') {
            format!("{}{target}", &current[..path_end])
        } else {
            let dir_end = current[host_end..path_end].rfind('/').map_or(host_end, |i| host_end + i);
            format!("{}/{target}", &current[..dir_end])
        }
    }
}

/// A parsed JSON value; objects keep their members in document order, numbers their text.
#[derive(Debug, Clone, PartialEq)]
enum Json {
    Null,
    Bool(bool),
    Num(String),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

/// RFC 6901 JSON pointer; `""` is the whole value.
fn pointer<'a>(value: &'a Json, pointer: &str) -> Option<&'a Json> {
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

fn flatten(prefix: &str, value: &Json, out: &mut Record) {
    match value {
        Json::Obj(members) if !members.is_empty() => {
            for (key, v) in members {
                flatten(&if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") }, v, out);
            }
        }
        Json::Obj(_) => out.push((prefix.to_string(), String::new())),
        Json::Arr(items) if items.iter().all(|i| !matches!(i, Json::Arr(_) | Json::Obj(_))) => {
            out.push((prefix.to_string(), items.iter().map(scalar_text).collect::<Vec<_>>().join("; ")))
        }
        Json::Arr(_) => out.push((prefix.to_string(), compact(value))),
        scalar => out.push((prefix.to_string(), scalar_text(scalar))),
    }
}

fn scalar_text(value: &Json) -> String {
    match value {
        Json::Null => String::new(),
        Json::Bool(b) => b.to_string(),
        Json::Num(s) | Json::Str(s) => s.clone(),
        other => compact(other),
    }
}

fn compact(value: &Json) -> String {
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

fn parse_json(text: &str) -> Result<Json, String> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::net::TcpListener;
    use std::sync::{Arc, Mutex};

    /// A scripted response: status, headers, body; `{base}` in headers and body becomes the server's URL.
    type Reply = (u16, Vec<(&'static str, String)>, String);

    /// A loopback HTTP server answering one connection per scripted reply, recording each request's
    /// request line and headers.
    struct Mock {
        base: String,
        seen: Arc<Mutex<Vec<Vec<String>>>>,
    }

    impl Mock {
        fn start(script: Vec<Reply>) -> Mock {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            let base = format!("http://{}", listener.local_addr().unwrap());
            let seen = Arc::new(Mutex::new(Vec::new()));
            let (b, s) = (base.clone(), Arc::clone(&seen));
            std::thread::spawn(move || {
                for (status, headers, body) in script {
                    let Ok((mut stream, _)) = listener.accept() else { return };
                    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
                    let (mut head, mut byte) = (Vec::new(), [0u8; 1]);
                    while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
                        head.push(byte[0]);
                    }
                    let head = String::from_utf8_lossy(&head).into_owned();
                    s.lock().unwrap().push(head.lines().filter(|l| !l.is_empty()).map(String::from).collect());
                    let body = body.replace("{base}", &b);
                    let mut out = format!("HTTP/1.1 {status} Scripted\r\nContent-Length: {}\r\n", body.len());
                    for (name, value) in headers {
                        out += &format!("{name}: {}\r\n", value.replace("{base}", &b));
                    }
                    out += &format!("Content-Type: application/json\r\nConnection: close\r\n\r\n{body}");
                    let _ = stream.write_all(out.as_bytes());
                }
            });
            Mock { base, seen }
        }

        /// Request targets (path and query) in order.
        fn targets(&self) -> Vec<String> {
            let seen = self.seen.lock().unwrap();
            seen.iter().map(|r| r[0].split(' ').nth(1).unwrap_or("").to_string()).collect()
        }

        /// The value of a header of request `i`.
        fn header(&self, i: usize, name: &str) -> Option<String> {
            let seen = self.seen.lock().unwrap();
            seen[i].iter().skip(1).find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
            })
        }
    }

    fn ok(body: String) -> Reply {
        (200, vec![], body)
    }

    /// A ServiceNow-like page holding records with ids `ids`.
    fn page(ids: std::ops::Range<u32>) -> String {
        let records: Vec<String> = ids.map(|i| format!(r#"{{"id":"{i}"}}"#)).collect();
        format!(r#"{{"result":[{}]}}"#, records.join(","))
    }

    fn source(base_url: String, pagination: Pagination, records_pointer: &str) -> ApiSource {
        ApiSource {
            base_url,
            query: vec![],
            records_pointer: records_pointer.to_string(),
            pagination,
            auth: Auth::None,
            since: None,
            timeout: Duration::from_secs(10),
            max_pages: 100,
            max_retries: 3,
            initial_backoff: Duration::from_millis(10),
        }
    }

    fn offset_limit(page_size: u32) -> Pagination {
        let (offset_param, limit_param) = ("sysparm_offset".to_string(), "sysparm_limit".to_string());
        Pagination::OffsetLimit { offset_param, limit_param, page_size }
    }

    type Fetched = Result<(Vec<Record>, FetchStats), ApiError>;

    /// Fetches with sleeps recorded instead of slept; returns the result, the sleeps and the progress calls.
    fn run(src: &ApiSource) -> (Fetched, Vec<Duration>, Vec<(u64, u32)>) {
        let (mut sleeps, mut progress) = (Vec::new(), Vec::new());
        let result = fetch_with_sleep(src, &mut |r, p| progress.push((r, p)), &mut |d| sleeps.push(d));
        (result, sleeps, progress)
    }

    fn ids(records: &[Record]) -> Vec<String> {
        records.iter().map(|r| r.iter().find(|(k, _)| k == "id").map(|(_, v)| v.clone()).unwrap()).collect()
    }

    fn expect_ids(n: u32) -> Vec<String> {
        (0..n).map(|i| i.to_string()).collect()
    }

    #[test]
    fn offset_limit_pages_until_a_short_page() {
        let mock = Mock::start(vec![ok(page(0..2)), ok(page(2..4)), ok(page(4..6)), ok(page(6..7))]);
        let src = source(format!("{}/api/now/table/incident", mock.base), offset_limit(2), "/result");
        let (result, sleeps, progress) = run(&src);
        let (records, stats) = result.unwrap();
        assert_eq!(ids(&records), expect_ids(7));
        assert_eq!(stats, FetchStats { pages: 4, records: 7, retries: 0 });
        assert_eq!(progress, [(2, 1), (4, 2), (6, 3), (7, 4)]);
        assert!(sleeps.is_empty());
        let expected: Vec<String> = [0, 2, 4, 6]
            .iter()
            .map(|o| format!("/api/now/table/incident?sysparm_offset={o}&sysparm_limit=2"))
            .collect();
        assert_eq!(mock.targets(), expected);
    }

    #[test]
    fn retries_429_and_500_honouring_retry_after() {
        let script = vec![
            ok(page(0..2)),
            ok(page(2..4)),
            ok(page(4..6)),
            (429, vec![("Retry-After", "2".to_string())], "slow down".to_string()),
            (500, vec![], "oops".to_string()),
            ok(page(6..7)),
        ];
        let mock = Mock::start(script);
        let (result, sleeps, _) = run(&source(format!("{}/t", mock.base), offset_limit(2), "/result"));
        let (records, stats) = result.unwrap();
        assert_eq!(ids(&records), expect_ids(7));
        assert_eq!(stats, FetchStats { pages: 4, records: 7, retries: 2 });
        assert_eq!(sleeps, [Duration::from_secs(2), Duration::from_millis(20)]);
        let targets = mock.targets();
        assert_eq!(targets.len(), 6);
        assert!(targets[3..].iter().all(|t| t == "/t?sysparm_offset=6&sysparm_limit=2"), "{targets:?}");
    }

    #[test]
    fn status_error_is_redacted_and_never_shows_the_token() {
        std::env::set_var("ITSM_API_TEST_TOKEN_401", "tok-SECRET-123");
        let body = r#"{"error":"token tok-SECRET-123 rejected", "key": "k-777"}"#;
        let mock = Mock::start(vec![(401, vec![], body.to_string())]);
        let mut src = source(format!("{}/api/now/table/incident", mock.base), offset_limit(2), "/result");
        src.query = vec![("api_key".to_string(), "k-777".to_string())];
        src.auth = Auth::Bearer { token_env: "ITSM_API_TEST_TOKEN_401".to_string() };
        let err = run(&src).0.unwrap_err();
        let (shown, debug) = (err.to_string(), format!("{err:?} {src:?}"));
        let url = format!("{}/api/now/table/incident?api_key=***&sysparm_offset=0&sysparm_limit=2", mock.base);
        assert!(shown.contains(&url) && shown.contains("401"), "{shown}");
        assert!(shown.contains("token *** rejected"), "{shown}");
        assert!(!shown.contains("tok-SECRET-123") && !debug.contains("tok-SECRET-123") && !shown.contains("k-777"));
        assert_eq!(mock.header(0, "authorization").unwrap(), "Bearer tok-SECRET-123");
        assert_eq!(mock.targets().len(), 1, "4xx other than 429 is not retried");
    }

    #[test]
    fn jira_start_at_total_advances_by_records_received() {
        let issues = |ids: std::ops::Range<u32>| {
            let list: Vec<String> = ids.map(|i| format!(r#"{{"id":"{i}","fields":{{"summary":"s{i}"}}}}"#)).collect();
            format!(r#"{{"startAt":0,"total":5,"issues":[{}]}}"#, list.join(","))
        };
        let mock = Mock::start(vec![ok(issues(0..2)), ok(issues(2..4)), ok(issues(4..5))]);
        let src =
            source(format!("{}/rest/api/2/search", mock.base), Pagination::StartAtTotal { page_size: 3 }, "/issues");
        let (records, stats) = run(&src).0.unwrap();
        assert_eq!(ids(&records), expect_ids(5));
        assert_eq!(records[4][1], ("fields.summary".to_string(), "s4".to_string()));
        assert_eq!(stats.pages, 3);
        let targets = mock.targets();
        assert_eq!(targets, [0, 2, 4].map(|s| format!("/rest/api/2/search?startAt={s}&maxResults=3")));
    }

    #[test]
    fn page_tokens_until_absent() {
        let body =
            |ids, token: &str| page(ids).replace("\"result\"", "\"issues\"").replace("]}", &format!("]{token}}}"));
        let script = vec![
            ok(body(0..2, r#","nextPageToken":"t1""#)),
            ok(body(2..4, r#","nextPageToken":"t 2""#)),
            ok(body(4..5, "")),
        ];
        let mock = Mock::start(script);
        let pagination = Pagination::PageToken {
            token_param: "nextPageToken".to_string(),
            next_pointer: "/nextPageToken".to_string(),
            page_size_param: Some(("maxResults".to_string(), 2)),
        };
        let (records, stats) = run(&source(format!("{}/search/jql", mock.base), pagination, "/issues")).0.unwrap();
        assert_eq!((ids(&records), stats.pages), (expect_ids(5), 3));
        let expected =
            ["", "&nextPageToken=t1", "&nextPageToken=t%202"].map(|t| format!("/search/jql?maxResults=2{t}"));
        assert_eq!(mock.targets(), expected);
    }

    #[test]
    fn link_headers_absolute_and_relative() {
        let array =
            |ids: std::ops::Range<u32>| page(ids).replace(r#"{"result":"#, "").trim_end_matches('}').to_string();
        let script = vec![
            (
                206,
                vec![("Link", r#"<{base}/tas/api/incidents?start=2>; rel="next", <{base}/x>; rel="last""#.to_string())],
                array(0..2),
            ),
            (206, vec![("Link", r#"</tas/api/incidents?start=4>; rel="prev next""#.to_string())], array(2..4)),
            (200, vec![("Link", r#"</tas/api/incidents?start=0>; rel="first""#.to_string())], array(4..5)),
        ];
        let mock = Mock::start(script);
        let mut src = source(format!("{}/tas/api/incidents", mock.base), Pagination::LinkHeader, "");
        src.query = vec![("start".to_string(), "0".to_string())];
        let (records, stats) = run(&src).0.unwrap();
        assert_eq!((ids(&records), stats.pages), (expect_ids(5), 3));
        assert_eq!(
            mock.targets(),
            ["/tas/api/incidents?start=0", "/tas/api/incidents?start=2", "/tas/api/incidents?start=4"]
        );
    }

    #[test]
    fn since_parameter_and_basic_auth_are_sent() {
        std::env::set_var("ITSM_API_TEST_USER_SINCE", "svc");
        std::env::set_var("ITSM_API_TEST_PW_SINCE", "pa:ss");
        let mock = Mock::start(vec![ok(page(0..1))]);
        let mut src = source(
            format!("{}/api/now/table/incident?sysparm_display_value=all", mock.base),
            offset_limit(5),
            "/result",
        );
        src.since = Some(("sysparm_query".to_string(), "sys_updated_on>2026-10-01 00:00:00".to_string()));
        src.auth =
            Auth::Basic { user_env: "ITSM_API_TEST_USER_SINCE".into(), password_env: "ITSM_API_TEST_PW_SINCE".into() };
        run(&src).0.unwrap();
        let query =
            "sysparm_display_value=all&sysparm_query=sys_updated_on%3E2026-10-01%2000%3A00%3A00&sysparm_offset=0";
        assert_eq!(mock.targets()[0], format!("/api/now/table/incident?{query}&sysparm_limit=5"));
        assert_eq!(mock.header(0, "authorization").unwrap(), format!("Basic {}", base64(b"svc:pa:ss")));
        assert_eq!(base64(b"svc:pa:ss"), "c3ZjOnBhOnNz");
    }

    #[test]
    fn flattening_keeps_order_and_renders_values() {
        let body = r#"{"result":[{"number":"INC001","assignment_group":{"display_value":"Service Desk","value":"abc"},
            "labels":["vpn","urgent"],"closed_at":null,"reopen_count":3,"active":true,"price":1.50,"empty":{},
            "comments":[{"by":"a"}],"z":"\u00e5\ud83d\ude00\n","a":""}]}"#;
        let value = parse_json(body).unwrap();
        let Some(Json::Arr(items)) = pointer(&value, "/result") else { panic!("no records") };
        let mut record = Vec::new();
        flatten("", &items[0], &mut record);
        let expected = [
            ("number", "INC001"),
            ("assignment_group.display_value", "Service Desk"),
            ("assignment_group.value", "abc"),
            ("labels", "vpn; urgent"),
            ("closed_at", ""),
            ("reopen_count", "3"),
            ("active", "true"),
            ("price", "1.50"),
            ("empty", ""),
            ("comments", r#"[{"by":"a"}]"#),
            ("z", "å😀\n"),
            ("a", ""),
        ];
        assert_eq!(record, expected.map(|(k, v)| (k.to_string(), v.to_string())));
        assert!(parse_json(r#"{"a":1,}"#).is_err() && parse_json("<html>").is_err() && parse_json("[1] x").is_err());
    }

    #[test]
    fn redact_url_hides_credentials_and_secret_parameters() {
        let url = "https://user:pw@x.example.com/api?api_key=abc&Token=def&assigned_to=me&X-Amz-Signature=s#frag";
        assert_eq!(
            redact_url(url),
            "https://x.example.com/api?api_key=***&Token=***&assigned_to=me&X-Amz-Signature=***#frag"
        );
        assert_eq!(
            redact_url("http://h/p?sig=1&q=2&client_secret=3&password=4"),
            "http://h/p?sig=***&q=2&client_secret=***&password=***"
        );
        assert_eq!(redact_url("http://h:8080/p"), "http://h:8080/p");
    }

    #[test]
    fn exceeding_max_pages_is_an_error() {
        let mock = Mock::start(vec![ok(page(0..2)), ok(page(2..4)), ok(page(4..6))]);
        let mut src = source(format!("{}/t", mock.base), offset_limit(2), "/result");
        src.max_pages = 2;
        let err = run(&src).0.unwrap_err();
        assert!(matches!(err, ApiError::TooManyPages { max_pages: 2, .. }), "{err}");
        assert_eq!(mock.targets().len(), 2);
    }

    #[test]
    fn missing_env_var_is_named() {
        let mut src = source("http://127.0.0.1:9/t".to_string(), offset_limit(2), "/result");
        src.auth = Auth::Bearer { token_env: "ITSM_API_TEST_UNSET_TOKEN".to_string() };
        let err = run(&src).0.unwrap_err();
        assert!(matches!(&err, ApiError::MissingEnv { name } if name == "ITSM_API_TEST_UNSET_TOKEN"), "{err}");
        assert!(err.to_string().contains("ITSM_API_TEST_UNSET_TOKEN"));
    }

    #[test]
    fn records_pointer_missing_and_connection_refused() {
        let mock = Mock::start(vec![ok(r#"{"error":{"message":"no"}}"#.into()), ok("<html>\n Log in </html>".into())]);
        let src = source(format!("{}/t", mock.base), offset_limit(2), "/result");
        let err = run(&src).0.unwrap_err();
        assert!(matches!(err, ApiError::Body { .. }) && err.to_string().contains("'/result'"), "{err}");
        let err = run(&src).0.unwrap_err().to_string();
        assert!(
            err.contains("a JSON value expected at byte 0") && err.ends_with("starts: <html> Log in </html>"),
            "{err}"
        );
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let err = run(&source(format!("http://u:pw@127.0.0.1:{port}/t"), offset_limit(2), "/result")).0.unwrap_err();
        assert!(matches!(err, ApiError::Transport { .. }) && !err.to_string().contains("pw@"), "{err}");
    }

    #[test]
    fn retry_after_accepts_an_http_date() {
        let mut headers = ureq::http::HeaderMap::new();
        headers.insert("retry-after", "Sun, 06 Nov 1994 08:49:37 GMT".parse().unwrap());
        let now = UNIX_EPOCH + Duration::from_secs(784_111_777 - 5);
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(5)));
    }
}
