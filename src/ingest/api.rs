//! REST-API fetching: pages through a service-desk tool's REST API (ServiceNow, Jira Service
//! Management, TOPdesk, …) and hands back every record flattened to (key, text) pairs.
//!
//! This module owns HTTP: paging, retries with backoff, authentication from environment
//! variables and keeping secrets out of everything it shows or returns. It must not touch the
//! database and must not map fields to the canonical model: the profile and the store do that.
//! JSON is read by `serde_json` with `preserve_order` (keys keep the order the server sent
//! them in) and `arbitrary_precision` (numbers keep their text: `1.50` stays `1.50`). URLs
//! are parsed as `http::Uri` for origin checks and redaction; what the endpoint, paging and
//! authentication are comes typed from `config` ([`ApiConfig`]); records are flattened in
//! `api/flatten.rs`.

use std::collections::HashMap;
use std::io::Read;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::Value;
use ureq::http::Uri;

mod flatten;

pub use crate::config::{ApiConfig, Auth, Pagination};
#[cfg(test)]
use flatten::scalar_text;
pub use flatten::{events, read_page, Page, PageError, Record};
#[cfg(test)]
use flatten::{flatten, parse_json};

/// Largest successful response body read, in bytes.
const MAX_BODY: u64 = 512 * 1024 * 1024;
/// Longest wait computed from the exponential backoff.
const MAX_BACKOFF: Duration = Duration::from_secs(60);
/// Longest wait a server's `Retry-After` may impose.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(600);
/// Longest body excerpt in an error message, in characters.
const EXCERPT_CHARS: usize = 200;

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

impl ApiSource {
    /// The fetch plan of a configured source; `since` is the watermark text when the run is
    /// incremental (ignored when the source has no `since_param`).
    pub fn new(config: &ApiConfig, since: Option<String>) -> ApiSource {
        let since = match (&config.since, since) {
            (Some(s), Some(value)) => Some((s.param.clone(), s.template.replace("{since}", &value))),
            _ => None,
        };
        ApiSource {
            base_url: config.url.clone(),
            query: config.query.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            records_pointer: config.records.clone(),
            pagination: config.pagination.clone(),
            auth: config.auth.clone(),
            since,
            timeout: Duration::from_secs(config.timeout_seconds),
            max_pages: config.max_pages,
            max_retries: config.max_retries,
            initial_backoff: Duration::from_millis(config.initial_backoff_ms),
        }
    }
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
    /// The paging led back to a page already fetched in this run (a `next` link or page
    /// token that loops); following it would only repeat pages up to `max_pages`.
    #[error(
        "the paging of {url} loops: page {page} leads back to page {first}, fetched already; \
         the server's next link or page token repeats, so the run stops"
    )]
    PageLoop {
        /// Redacted URL of the repeated page.
        url: String,
        /// The page (from 1) whose next link or token repeats.
        page: u32,
        /// The page (from 1) it leads back to.
        first: u32,
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

/// What a fetch did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FetchStats {
    /// Pages fetched.
    pub pages: u32,
    /// Records fetched.
    pub records: u64,
    /// Requests repeated after 429 or 5xx.
    pub retries: u32,
    /// Records the source says the query has (`X-Total-Count`, as ServiceNow answers).
    pub total: Option<u64>,
}

/// Fetches every page; calls `on_page(stats so far)` after each page (for a progress bar:
/// records, pages and, when the source says it, the total). Returns all records in order.
pub fn fetch_all(src: &ApiSource, on_page: &mut dyn FnMut(&FetchStats)) -> Result<(Vec<Record>, FetchStats), ApiError> {
    fetch_with_sleep(src, on_page, &mut std::thread::sleep)
}

/// The URL as it may be shown: `user:password@` removed and the value of any query parameter whose
/// name looks secret (token, key, password, secret, auth, sig, signature; case-insensitive)
/// replaced by `***`. Text that does not parse as a URL is not shown at all.
pub fn redact_url(url: &str) -> String {
    let (url, fragment) = url.split_once('#').map_or((url, None), |(a, b)| (a, Some(b)));
    let Ok(uri) = url.parse::<Uri>() else { return "(not a valid URL)".to_string() };
    let mut out = match (uri.scheme_str(), uri.host()) {
        (Some(scheme), Some(host)) => {
            let port = uri.port().map(|p| format!(":{p}")).unwrap_or_default();
            format!("{scheme}://{host}{port}{}", uri.path())
        }
        _ => uri.path().to_string(),
    };
    if let Some(query) = uri.query() {
        let pairs: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((name, _)) if secret_name(&percent_decode_str(name).decode_utf8_lossy()) => format!("{name}=***"),
                _ => pair.to_string(),
            })
            .collect();
        out = format!("{out}?{}", pairs.join("&"));
    }
    match fragment {
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
        // A password in the base URL's `user:password@` (redact_url drops it from the URL
        // shown, but a server or a transport error may repeat it).
        if let Some(password) = src.base_url.parse::<Uri>().ok().and_then(|u| {
            let userinfo = u.authority()?.as_str().rsplit_once('@')?.0.to_string();
            let password = userinfo.split_once(':')?.1.to_string();
            Some(percent_decode_str(&password).decode_utf8_lossy().into_owned())
        }) {
            secrets.values.push(password);
        }
        // Each secret as a server may echo it: URL-encoded (upper- or lower-case hex, `+`
        // for a space) or JSON-escaped (`\/`, `\uXXXX`), longest first.
        let mut values: Vec<String> = secrets.values.iter().filter(|v| !v.is_empty()).flat_map(|v| forms(v)).collect();
        values.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        values.dedup();
        secrets.values = values;
        Ok(secrets)
    }

    fn scrub(&self, text: &str) -> String {
        self.values.iter().fold(text.to_string(), |t, v| t.replace(v.as_str(), "***"))
    }
}

/// The forms a secret's value may take in what a server sends back or a library prints.
fn forms(value: &str) -> Vec<String> {
    let mut out = vec![value.to_string()];
    for set in [NON_ALPHANUMERIC, QUERY_TEXT] {
        let upper = utf8_percent_encode(value, set).to_string();
        let lower = lower_hex(&upper);
        out.push(upper.replace("%20", "+"));
        out.push(lower);
        out.push(upper);
    }
    let json = serde_json::to_string(value).unwrap_or_default();
    let json = json.get(1..json.len().saturating_sub(1)).unwrap_or_default().to_string();
    out.push(json.replace('/', "\\/"));
    // Every character outside ASCII letters and digits as `\uXXXX`, as some servers write it.
    for upper in [false, true] {
        let escaped: String = value
            .encode_utf16()
            .map(|u| match char::from_u32(u32::from(u)) {
                Some(c) if c.is_ascii_alphanumeric() => c.to_string(),
                _ if upper => format!("\\u{u:04X}"),
                _ => format!("\\u{u:04x}"),
            })
            .collect();
        out.push(escaped);
    }
    out.push(json);
    out.retain(|f| !f.is_empty());
    out
}

/// `%2F` as `%2f`: the hex digits of percent escapes in lower case.
fn lower_hex(encoded: &str) -> String {
    let mut out = String::with_capacity(encoded.len());
    let mut hex = 0;
    for c in encoded.chars() {
        if c == '%' {
            hex = 2;
            out.push(c);
        } else if hex > 0 {
            hex -= 1;
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Standard base64 with padding, as HTTP Basic authentication wants it.
fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Where the next request goes.
enum Cursor {
    Offset(u64),
    Token(Option<String>),
    Url(String),
}

fn fetch_with_sleep(
    src: &ApiSource,
    on_page: &mut dyn FnMut(&FetchStats),
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
    // Every page URL requested, with its page number from 1: a URL asked for twice means the
    // paging loops.
    let mut fetched: HashMap<String, u32> = HashMap::new();
    loop {
        if stats.pages >= src.max_pages {
            return Err(ApiError::TooManyPages {
                url: secrets.scrub(&redact_url(&src.base_url)),
                max_pages: src.max_pages,
            });
        }
        let url = page_url(src, &cursor);
        let shown = secrets.scrub(&redact_url(&url));
        if let Some(&first) = fetched.get(&url) {
            return Err(ApiError::PageLoop { url: shown, page: stats.pages, first });
        }
        fetched.insert(url.clone(), stats.pages + 1);
        let Response { body: raw, link, total, answered } =
            get_body(&agent, &url, &shown, &secrets, src, &mut stats, sleep)?;
        if total.is_some() {
            stats.total = total;
        }
        let page = read_page(&raw, &src.records_pointer).map_err(|e| {
            let expected = if e.is_unreadable() {
                format!("{e}; the body starts: {}", excerpt(&secrets, &String::from_utf8_lossy(&raw)))
            } else {
                e.to_string()
            };
            ApiError::Body { url: shown.clone(), expected }
        })?;
        let (body, n) = (page.body, page.records.len() as u64);
        records.extend(page.records);
        stats.pages += 1;
        stats.records += n;
        on_page(&stats);
        // The source said how many there are: stop there, so an instance that repeats its
        // last page cannot loop to the page bound.
        if stats.total.is_some_and(|t| stats.records >= t) {
            break;
        }
        cursor = match (&src.pagination, cursor) {
            (Pagination::OffsetLimit { page_size, .. }, Cursor::Offset(o)) if n >= u64::from((*page_size).max(1)) => {
                Cursor::Offset(o + n)
            }
            (Pagination::StartAtTotal { .. }, Cursor::Offset(o)) if n > 0 => {
                let total = match body.pointer("/total") {
                    Some(Value::Number(t)) => t.to_string().parse::<u64>().ok(),
                    Some(Value::String(t)) => t.parse::<u64>().ok(),
                    _ => None,
                };
                match total {
                    Some(total) if o + n >= total => break,
                    _ => Cursor::Offset(o + n),
                }
            }
            (Pagination::PageToken { next_pointer, .. }, _) => match body.pointer(next_pointer) {
                Some(Value::String(t)) if !t.is_empty() => Cursor::Token(Some(t.clone())),
                Some(Value::Number(t)) => Cursor::Token(Some(t.to_string())),
                _ => break,
            },
            (Pagination::LinkHeader, Cursor::Url(_)) => match link {
                Some(next) => {
                    // Relative to the URL that answered: after a redirect, not the one asked.
                    let next = resolve(&answered, &next);
                    if origin(&next).is_none() || origin(&next) != origin(&src.base_url) {
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

/// Bytes left as they are in a query name or value: RFC 3986 unreserved characters.
const QUERY_TEXT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

fn encode(text: &str) -> String {
    utf8_percent_encode(text, QUERY_TEXT).to_string()
}

/// A successful response as paging needs it.
struct Response {
    /// The body's bytes.
    body: Vec<u8>,
    /// The `rel="next"` link, if any.
    link: Option<String>,
    /// The URL that answered: the one asked for, or where its redirects led.
    answered: String,
    /// The `X-Total-Count`, if any.
    total: Option<u64>,
}

/// One GET with retries on 429 and 5xx.
fn get_body(
    agent: &ureq::Agent,
    url: &str,
    shown: &str,
    secrets: &Secrets,
    src: &ApiSource,
    stats: &mut FetchStats,
    sleep: &mut dyn FnMut(Duration),
) -> Result<Response, ApiError> {
    let transport = |e: ureq::Error| ApiError::Transport {
        url: shown.to_string(),
        reason: secrets.scrub(&transport_reason(&e, src.timeout).replace(url, shown)),
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
            let total = response
                .headers()
                .get("x-total-count")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok());
            let answered = ureq::ResponseExt::get_uri(&response).to_string();
            let body = response.body_mut().with_config().limit(MAX_BODY).read_to_vec().map_err(transport)?;
            return Ok(Response { body, link, total, answered });
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

/// What went wrong on the wire, in words: a timeout names the limit that ran out and a body
/// cut short says so; anything else is ureq's own text.
fn transport_reason(e: &ureq::Error, timeout: Duration) -> String {
    match e {
        ureq::Error::Timeout(_) => format!(
            "no complete answer within {} s (timeout_seconds of the source; the server may be down or slow)",
            timeout.as_secs_f64()
        ),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            format!("the connection closed before the whole response arrived ({io})")
        }
        other => other.to_string(),
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

/// Parses an HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`, RFC 2822's form).
fn http_date(text: &str) -> Option<SystemTime> {
    chrono::DateTime::parse_from_rfc2822(text).ok().map(SystemTime::from)
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

/// Scheme, host and effective port of a URL, lower-cased, without user info: the port is
/// the scheme's default when not written, so `https://h:443` and `https://h` are one
/// origin. `None` when the text is not an absolute http(s) URL.
fn origin(url: &str) -> Option<(String, String, u16)> {
    let uri = url.parse::<Uri>().ok()?;
    let scheme = uri.scheme_str()?.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => 80,
        "https" => 443,
        _ => return None,
    };
    let host = uri.host()?.to_ascii_lowercase();
    Some((scheme, host, uri.port_u16().unwrap_or(default_port)))
}

/// A link target resolved against the URL it came from (RFC 3986 §5.2, without
/// dot-segment removal): absolute, scheme-relative (`//h/p`), absolute-path, query-only
/// and relative-path references.
fn resolve(current: &str, target: &str) -> String {
    let Ok(base) = current.parse::<Uri>() else { return target.to_string() };
    let (Some(scheme), Some(authority)) = (base.scheme_str(), base.authority()) else { return target.to_string() };
    let is_scheme = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    if target.split_once("://").is_some_and(|(s, _)| is_scheme(s)) {
        target.to_string()
    } else if let Some(rest) = target.strip_prefix("//") {
        format!("{scheme}://{rest}")
    } else if target.starts_with('/') {
        format!("{scheme}://{authority}{target}")
    } else if target.starts_with('?') {
        format!("{scheme}://{authority}{}{target}", base.path())
    } else {
        let path = base.path();
        let dir = &path[..path.rfind('/').map_or(0, |i| i + 1)];
        let dir = if dir.is_empty() { "/" } else { dir };
        format!("{scheme}://{authority}{dir}{target}")
    }
}

#[cfg(test)]
#[path = "api_tests.rs"]
mod tests;
