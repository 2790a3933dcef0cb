//! `[sources.NAME.api]`: how `itsm ingest api --source NAME` reaches a tool's REST API —
//! endpoint, where the records are, paging style, authentication (the *names* of the
//! environment variables holding secrets, never the secrets), incremental sync and limits.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;

use crate::ingest::api::{ApiSource, Auth, Pagination};

/// The API settings of a source.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ApiConfig {
    /// Endpoint URL.
    pub url: String,
    /// JSON pointer to the records array (`/result`, `/issues`; empty = the body is the array).
    #[serde(default)]
    pub records: String,
    /// `offset` (offset/limit), `startat` (Jira startAt/maxResults/total), `token` (page
    /// tokens) or `link` (RFC 8288 Link headers).
    #[serde(default = "default_pagination")]
    pub pagination: String,
    /// Records per page.
    #[serde(default = "default_page_size")]
    pub page_size: u32,
    /// Offset parameter (offset paging), e.g. `sysparm_offset`.
    #[serde(default = "default_offset_param")]
    pub offset_param: String,
    /// Limit parameter (offset paging), e.g. `sysparm_limit`.
    #[serde(default = "default_limit_param")]
    pub limit_param: String,
    /// Token parameter (token paging).
    #[serde(default)]
    pub token_param: Option<String>,
    /// JSON pointer of the next token (token paging).
    #[serde(default)]
    pub next_pointer: Option<String>,
    /// `none`, `bearer` or `basic`.
    #[serde(default = "default_auth")]
    pub auth: String,
    /// Environment variable holding the bearer token.
    #[serde(default)]
    pub token_env: Option<String>,
    /// Environment variables holding the basic-auth user and password.
    #[serde(default)]
    pub user_env: Option<String>,
    /// See `user_env`.
    #[serde(default)]
    pub password_env: Option<String>,
    /// Fixed query parameters.
    #[serde(default)]
    pub query: BTreeMap<String, String>,
    /// Incremental sync: the parameter carrying the watermark, e.g. `sysparm_query`.
    #[serde(default)]
    pub since_param: Option<String>,
    /// Its value with `{since}` where the watermark goes, e.g. `sys_updated_on>{since}`.
    #[serde(default = "default_since_template")]
    pub since_template: String,
    /// chrono format of the watermark, default `%Y-%m-%d %H:%M:%S`. The watermark is written
    /// in the source's time zone (its profile's `timezone`, or `--timezone`): ServiceNow and
    /// Jira read the dates of a query in the integration user's zone.
    #[serde(default = "default_since_format")]
    pub since_format: String,
    /// Minutes the watermark is moved back, so an update saved while the last run read its
    /// pages, or a zone set wrong by an hour, is fetched again rather than missed;
    /// re-fetched records upsert as unchanged. Default 60.
    #[serde(default = "default_since_overlap")]
    pub since_overlap_minutes: u32,
    /// Seconds per request.
    #[serde(default = "default_timeout")]
    pub timeout_seconds: u64,
    /// Most pages per run.
    #[serde(default = "default_max_pages")]
    pub max_pages: u32,
    /// Retries on 429 and 5xx.
    #[serde(default = "default_retries")]
    pub max_retries: u32,
    /// First backoff in milliseconds (doubles; Retry-After wins).
    #[serde(default = "default_backoff")]
    pub initial_backoff_ms: u64,
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

impl ApiConfig {
    /// The fetch plan; `since` is the watermark text when the run is incremental.
    pub fn to_source(&self, source: &str, since: Option<String>) -> Result<ApiSource, String> {
        let bad = |what: &str| format!("[sources.{source}.api] {what}");
        let pagination = match self.pagination.as_str() {
            "offset" => Pagination::OffsetLimit {
                offset_param: self.offset_param.clone(),
                limit_param: self.limit_param.clone(),
                page_size: self.page_size,
            },
            "startat" => Pagination::StartAtTotal { page_size: self.page_size },
            "token" => Pagination::PageToken {
                token_param: self.token_param.clone().ok_or_else(|| bad("token paging needs token_param"))?,
                next_pointer: self.next_pointer.clone().ok_or_else(|| bad("token paging needs next_pointer"))?,
                page_size_param: Some((self.limit_param.clone(), self.page_size)),
            },
            "link" => Pagination::LinkHeader,
            other => return Err(bad(&format!("pagination '{other}' is not offset, startat, token or link"))),
        };
        let auth = match self.auth.as_str() {
            "none" => Auth::None,
            "bearer" => {
                Auth::Bearer { token_env: self.token_env.clone().ok_or_else(|| bad("bearer auth needs token_env"))? }
            }
            "basic" => Auth::Basic {
                user_env: self.user_env.clone().ok_or_else(|| bad("basic auth needs user_env"))?,
                password_env: self.password_env.clone().ok_or_else(|| bad("basic auth needs password_env"))?,
            },
            other => return Err(bad(&format!("auth '{other}' is not none, bearer or basic"))),
        };
        let since = match (&self.since_param, since) {
            (Some(param), Some(value)) => Some((param.clone(), self.since_template.replace("{since}", &value))),
            _ => None,
        };
        Ok(ApiSource {
            base_url: self.url.clone(),
            query: self.query.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            records_pointer: self.records.clone(),
            pagination,
            auth,
            since,
            timeout: Duration::from_secs(self.timeout_seconds),
            max_pages: self.max_pages,
            max_retries: self.max_retries,
            initial_backoff: Duration::from_millis(self.initial_backoff_ms),
        })
    }
}
