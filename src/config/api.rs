//! `[sources.NAME.api]`: how `itsm ingest api --source NAME` reaches a tool's REST API —
//! endpoint, where the records are, paging style, authentication (the *names* of the
//! environment variables holding secrets, never the secrets), incremental sync and limits.
//!
//! The TOML keeps flat keys (`pagination = "token"`, `token_param = …`, `auth = "basic"`,
//! `user_env = …`); reading it builds the typed [`Pagination`] and [`Auth`] enums, so an
//! unknown kind or a missing field fails when `itsm.toml` is read, not at fetch time.
//! Must not: fetch anything (ingest::api consumes these types).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// How a tool pages its results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
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

/// Incremental sync: the query parameter that carries the watermark and how it is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Since {
    /// The parameter, e.g. `sysparm_query`.
    pub param: String,
    /// Its value with `{since}` where the watermark goes, e.g. `sys_updated_on>{since}`.
    pub template: String,
}

/// What is wrong with `[sources.NAME.api]`; reported when `itsm.toml` is read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiConfigError {
    /// `url` is not an absolute http(s) URL (the text is not repeated: it may hold a secret).
    #[error("url is not an absolute http or https URL with a host")]
    Url,
    /// `pagination` names no paging style.
    #[error("pagination '{0}' is not offset, startat, token or link")]
    UnknownPagination(String),
    /// `auth` names no authentication.
    #[error("auth '{0}' is not none, bearer or basic")]
    UnknownAuth(String),
    /// A limit that must be positive is 0 (`timeout_seconds = 0` leaves a request no time,
    /// `max_pages = 0` makes every fetch "too many pages").
    #[error("{0} must be at least 1")]
    Zero(&'static str),
    /// The chosen paging style or authentication needs a key that is absent.
    #[error("{what} needs {key}")]
    Missing {
        /// The choice, e.g. "token paging".
        what: &'static str,
        /// The key it needs, e.g. "token_param".
        key: &'static str,
    },
}

/// The API settings of a source, checked.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(try_from = "RawApiConfig")]
pub struct ApiConfig {
    /// Endpoint URL.
    pub url: String,
    /// JSON pointer to the records array (`/result`, `/issues`; empty = the body is the array).
    pub records: String,
    /// How the tool pages (`pagination = "offset" | "startat" | "token" | "link"`, with
    /// `page_size`, `offset_param`, `limit_param`, `token_param`, `next_pointer`).
    pub pagination: Pagination,
    /// How to authenticate (`auth = "none" | "bearer" | "basic"`, with `token_env`,
    /// `user_env`, `password_env`).
    pub auth: Auth,
    /// Fixed query parameters.
    pub query: BTreeMap<String, String>,
    /// Incremental sync (`since_param`, `since_template`); `None` = always everything.
    pub since: Option<Since>,
    /// chrono format of the watermark, default `%Y-%m-%d %H:%M:%S`. The watermark is written
    /// in the source's time zone (its profile's `timezone`, or `--timezone`): ServiceNow and
    /// Jira read the dates of a query in the integration user's zone.
    pub since_format: String,
    /// Minutes the watermark is moved back, so an update saved while the last run read its
    /// pages, or a zone set wrong by an hour, is fetched again rather than missed;
    /// re-fetched records upsert as unchanged. Default 60.
    pub since_overlap_minutes: u32,
    /// Seconds per request.
    pub timeout_seconds: u64,
    /// Most pages per run.
    pub max_pages: u32,
    /// Retries on 429 and 5xx.
    pub max_retries: u32,
    /// First backoff in milliseconds (doubles; Retry-After wins).
    pub initial_backoff_ms: u64,
}

/// `[sources.NAME.api]` as written: flat keys, the way README and users write it. Turned
/// into [`ApiConfig`] (typed enums, every combination checked) as the file is read.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawApiConfig {
    /// Endpoint URL.
    url: String,
    /// JSON pointer to the records array (`/result`, `/issues`; empty = the body is the array).
    #[serde(default)]
    records: String,
    /// `offset` (offset/limit), `startat` (Jira startAt/maxResults/total), `token` (page
    /// tokens) or `link` (RFC 8288 Link headers).
    #[serde(default = "default_pagination")]
    pagination: String,
    /// Records per page.
    #[serde(default = "default_page_size")]
    page_size: u32,
    /// Offset parameter (offset paging), e.g. `sysparm_offset`.
    #[serde(default = "default_offset_param")]
    offset_param: String,
    /// Limit parameter (offset paging), e.g. `sysparm_limit`.
    #[serde(default = "default_limit_param")]
    limit_param: String,
    /// Token parameter (token paging).
    #[serde(default)]
    token_param: Option<String>,
    /// JSON pointer of the next token (token paging).
    #[serde(default)]
    next_pointer: Option<String>,
    /// `none`, `bearer` or `basic`.
    #[serde(default = "default_auth")]
    auth: String,
    /// Environment variable holding the bearer token.
    #[serde(default)]
    token_env: Option<String>,
    /// Environment variables holding the basic-auth user and password.
    #[serde(default)]
    user_env: Option<String>,
    /// See `user_env`.
    #[serde(default)]
    password_env: Option<String>,
    /// Fixed query parameters.
    #[serde(default)]
    query: BTreeMap<String, String>,
    /// Incremental sync: the parameter carrying the watermark, e.g. `sysparm_query`.
    #[serde(default)]
    since_param: Option<String>,
    /// Its value with `{since}` where the watermark goes, e.g. `sys_updated_on>{since}`.
    #[serde(default = "default_since_template")]
    since_template: String,
    /// chrono format of the watermark, default `%Y-%m-%d %H:%M:%S`. The watermark is written
    /// in the source's time zone (its profile's `timezone`, or `--timezone`): ServiceNow and
    /// Jira read the dates of a query in the integration user's zone.
    #[serde(default = "default_since_format")]
    since_format: String,
    /// Minutes the watermark is moved back, so an update saved while the last run read its
    /// pages, or a zone set wrong by an hour, is fetched again rather than missed;
    /// re-fetched records upsert as unchanged. Default 60.
    #[serde(default = "default_since_overlap")]
    since_overlap_minutes: u32,
    /// Seconds per request.
    #[serde(default = "default_timeout")]
    timeout_seconds: u64,
    /// Most pages per run.
    #[serde(default = "default_max_pages")]
    max_pages: u32,
    /// Retries on 429 and 5xx.
    #[serde(default = "default_retries")]
    max_retries: u32,
    /// First backoff in milliseconds (doubles; Retry-After wins).
    #[serde(default = "default_backoff")]
    initial_backoff_ms: u64,
}

fn default_pagination() -> String {
    "offset".into()
}
fn default_page_size() -> u32 {
    100
}
fn default_offset_param() -> String {
    "offset".into()
}
fn default_limit_param() -> String {
    "limit".into()
}
fn default_auth() -> String {
    "none".into()
}
fn default_since_template() -> String {
    "{since}".into()
}
fn default_since_format() -> String {
    "%Y-%m-%d %H:%M:%S".into()
}
fn default_since_overlap() -> u32 {
    60
}
fn default_timeout() -> u64 {
    30
}
fn default_max_pages() -> u32 {
    10_000
}
fn default_retries() -> u32 {
    5
}
fn default_backoff() -> u64 {
    500
}

impl TryFrom<RawApiConfig> for ApiConfig {
    type Error = ApiConfigError;

    fn try_from(raw: RawApiConfig) -> Result<ApiConfig, ApiConfigError> {
        let uri = raw.url.parse::<ureq::http::Uri>().map_err(|_| ApiConfigError::Url)?;
        if !matches!(uri.scheme_str(), Some("http" | "https")) || uri.host().is_none() {
            return Err(ApiConfigError::Url);
        }
        for (key, value) in [("timeout_seconds", raw.timeout_seconds), ("max_pages", u64::from(raw.max_pages))] {
            if value == 0 {
                return Err(ApiConfigError::Zero(key));
            }
        }
        let need = |value: Option<String>, what, key| value.ok_or(ApiConfigError::Missing { what, key });
        let pagination = match raw.pagination.as_str() {
            "offset" => Pagination::OffsetLimit {
                offset_param: raw.offset_param,
                limit_param: raw.limit_param,
                page_size: raw.page_size,
            },
            "startat" => Pagination::StartAtTotal { page_size: raw.page_size },
            "token" => Pagination::PageToken {
                token_param: need(raw.token_param, "token paging", "token_param")?,
                next_pointer: need(raw.next_pointer, "token paging", "next_pointer")?,
                page_size_param: Some((raw.limit_param, raw.page_size)),
            },
            "link" => Pagination::LinkHeader,
            other => return Err(ApiConfigError::UnknownPagination(other.to_string())),
        };
        let auth = match raw.auth.as_str() {
            "none" => Auth::None,
            "bearer" => Auth::Bearer { token_env: need(raw.token_env, "bearer auth", "token_env")? },
            "basic" => Auth::Basic {
                user_env: need(raw.user_env, "basic auth", "user_env")?,
                password_env: need(raw.password_env, "basic auth", "password_env")?,
            },
            other => return Err(ApiConfigError::UnknownAuth(other.to_string())),
        };
        Ok(ApiConfig {
            url: raw.url,
            records: raw.records,
            pagination,
            auth,
            query: raw.query,
            since: raw.since_param.map(|param| Since { param, template: raw.since_template }),
            since_format: raw.since_format,
            since_overlap_minutes: raw.since_overlap_minutes,
            timeout_seconds: raw.timeout_seconds,
            max_pages: raw.max_pages,
            max_retries: raw.max_retries,
            initial_backoff_ms: raw.initial_backoff_ms,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The config, or the error's text.
    fn read(toml_text: &str) -> Result<ApiConfig, toml::de::Error> {
        toml::from_str::<ApiConfig>(toml_text)
    }

    #[test]
    fn flat_keys_become_typed_choices() {
        let c = read("url = \"https://h/api\"\npagination = \"token\"\ntoken_param = \"t\"\nnext_pointer = \"/next\"\nauth = \"basic\"\nuser_env = \"U\"\npassword_env = \"P\"\n").unwrap();
        assert_eq!(
            c.pagination,
            Pagination::PageToken {
                token_param: "t".into(),
                next_pointer: "/next".into(),
                page_size_param: Some(("limit".into(), 100))
            }
        );
        assert_eq!(c.auth, Auth::Basic { user_env: "U".into(), password_env: "P".into() });
        let d = read("url = \"https://h/api\"\n").unwrap();
        assert_eq!(
            d.pagination,
            Pagination::OffsetLimit { offset_param: "offset".into(), limit_param: "limit".into(), page_size: 100 }
        );
        assert_eq!((d.auth, d.since), (Auth::None, None));
    }

    #[test]
    fn a_typo_fails_when_the_file_is_read() {
        let err = read("url = \"example.com/api\"\n").unwrap_err().to_string();
        assert!(err.contains("url is not an absolute http or https URL"), "{err}");
        let err = read("url = \"https://u\"\npagination = \"ofset\"\n").unwrap_err().to_string();
        assert!(err.contains("pagination 'ofset' is not offset, startat, token or link"), "{err}");
        let err = read("url = \"https://u\"\nauth = \"bearer\"\n").unwrap_err().to_string();
        assert!(err.contains("bearer auth needs token_env"), "{err}");
        let err = read("url = \"https://u\"\npagination = \"token\"\ntoken_param = \"t\"\n").unwrap_err().to_string();
        assert!(err.contains("token paging needs next_pointer"), "{err}");
        let err = read("url = \"https://u\"\nauth = \"oauth\"\n").unwrap_err().to_string();
        assert!(err.contains("auth 'oauth' is not none, bearer or basic"), "{err}");
        let err = read("url = \"https://u\"\ntimeout_seconds = 0\n").unwrap_err().to_string();
        assert!(err.contains("timeout_seconds must be at least 1"), "{err}");
        let err = read("url = \"https://u\"\nmax_pages = 0\n").unwrap_err().to_string();
        assert!(err.contains("max_pages must be at least 1"), "{err}");
        let err = read("url = \"https://u\"\npage_sise = 5\n").unwrap_err().to_string();
        assert!(err.contains("page_sise"), "{err}");
    }
}
