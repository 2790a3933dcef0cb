//! Tests of api.rs: each starts its own scripted HTTP server on loopback.

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
    let result = fetch_with_sleep(src, &mut |s| progress.push((s.records, s.pages)), &mut |d| sleeps.push(d));
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
    assert_eq!(stats, FetchStats { pages: 4, records: 7, retries: 0, total: None });
    assert_eq!(progress, [(2, 1), (4, 2), (6, 3), (7, 4)]);
    assert!(sleeps.is_empty());
    let expected: Vec<String> =
        [0, 2, 4, 6].iter().map(|o| format!("/api/now/table/incident?sysparm_offset={o}&sysparm_limit=2")).collect();
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
    assert_eq!(stats, FetchStats { pages: 4, records: 7, retries: 2, total: None });
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
fn a_secret_echoed_url_encoded_or_json_escaped_is_scrubbed_too() {
    std::env::set_var("ITSM_API_TEST_TOKEN_ECHO", "tok/SECRET+1 =");
    // The server echoes the token as JSON with `\/`, URL-encoded with upper- and lower-case
    // hex, with `+` for the space, and with every other character as `\uXXXX` (a header
    // value is ASCII, so the token is).
    let body = r#"{"a":"tok\/SECRET+1 =","b":"tok%2FSECRET%2B1%20%3D","c":"tok%2fSECRET%2b1%20%3d","d":"tok%2FSECRET%2B1+%3D","e":"tok\u002fSECRET\u002b1\u0020\u003d"}"#;
    let mock = Mock::start(vec![(403, vec![], body.to_string())]);
    let mut src = source(format!("{}/api", mock.base), offset_limit(2), "/result");
    src.auth = Auth::Bearer { token_env: "ITSM_API_TEST_TOKEN_ECHO".to_string() };
    let shown = run(&src).0.unwrap_err().to_string();
    for leak in ["SECRET", "tok%2", "tok\\"] {
        assert!(!shown.contains(leak), "{leak} in {shown}");
    }
    assert_eq!(shown.matches("***").count(), 5, "{shown}");
}

#[test]
fn the_password_of_the_base_url_s_userinfo_is_a_secret() {
    let mut src = source("https://svc:pa%24%24word@example.invalid/api".into(), offset_limit(2), "/result");
    src.auth = Auth::None;
    let secrets = Secrets::from_env(&src).unwrap();
    assert_eq!(secrets.scrub("login pa$$word failed; pa%24%24word"), "login *** failed; ***");
    assert_eq!(redact_url(&src.base_url), "https://example.invalid/api");
}

#[test]
fn jira_start_at_total_advances_by_records_received() {
    let issues = |ids: std::ops::Range<u32>| {
        let list: Vec<String> = ids.map(|i| format!(r#"{{"id":"{i}","fields":{{"summary":"s{i}"}}}}"#)).collect();
        format!(r#"{{"startAt":0,"total":5,"issues":[{}]}}"#, list.join(","))
    };
    let mock = Mock::start(vec![ok(issues(0..2)), ok(issues(2..4)), ok(issues(4..5))]);
    let src = source(format!("{}/rest/api/2/search", mock.base), Pagination::StartAtTotal { page_size: 3 }, "/issues");
    let (records, stats) = run(&src).0.unwrap();
    assert_eq!(ids(&records), expect_ids(5));
    assert_eq!(records[4][1], ("fields.summary".to_string(), "s4".to_string()));
    assert_eq!(stats.pages, 3);
    let targets = mock.targets();
    assert_eq!(targets, [0, 2, 4].map(|s| format!("/rest/api/2/search?startAt={s}&maxResults=3")));
}

#[test]
fn page_tokens_until_absent() {
    let body = |ids, token: &str| page(ids).replace("\"result\"", "\"issues\"").replace("]}", &format!("]{token}}}"));
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
    let expected = ["", "&nextPageToken=t1", "&nextPageToken=t%202"].map(|t| format!("/search/jql?maxResults=2{t}"));
    assert_eq!(mock.targets(), expected);
}

#[test]
fn link_headers_absolute_and_relative() {
    let array = |ids: std::ops::Range<u32>| page(ids).replace(r#"{"result":"#, "").trim_end_matches('}').to_string();
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

/// A relative next link is resolved against the URL that answered: after a redirect, the
/// redirect's target, not the URL first asked for (before, page 2 was asked of /api/v1 again).
#[test]
fn a_relative_link_after_a_redirect_follows_the_redirect() {
    let array = |ids: std::ops::Range<u32>| page(ids).replace(r#"{"result":"#, "").trim_end_matches('}').to_string();
    let script = vec![
        (301, vec![("Location", "{base}/api/v2/incidents".to_string())], String::new()),
        (200, vec![("Link", r#"<incidents?page=2>; rel="next""#.to_string())], array(0..2)),
        (200, vec![], array(2..3)),
    ];
    let mock = Mock::start(script);
    let src = source(format!("{}/api/v1/incidents", mock.base), Pagination::LinkHeader, "");
    let (records, stats) = run(&src).0.unwrap();
    assert_eq!((ids(&records), stats.pages), (expect_ids(3), 2));
    assert_eq!(mock.targets(), ["/api/v1/incidents", "/api/v2/incidents", "/api/v2/incidents?page=2"]);
}

#[test]
fn since_parameter_and_basic_auth_are_sent() {
    std::env::set_var("ITSM_API_TEST_USER_SINCE", "svc");
    std::env::set_var("ITSM_API_TEST_PW_SINCE", "pa:ss");
    let mock = Mock::start(vec![ok(page(0..1))]);
    let mut src =
        source(format!("{}/api/now/table/incident?sysparm_display_value=all", mock.base), offset_limit(5), "/result");
    src.since = Some(("sysparm_query".to_string(), "sys_updated_on>2026-10-01 00:00:00".to_string()));
    src.auth =
        Auth::Basic { user_env: "ITSM_API_TEST_USER_SINCE".into(), password_env: "ITSM_API_TEST_PW_SINCE".into() };
    run(&src).0.unwrap();
    let query = "sysparm_display_value=all&sysparm_query=sys_updated_on%3E2026-10-01%2000%3A00%3A00&sysparm_offset=0";
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
    let Some(Value::Array(items)) = value.pointer("/result") else { panic!("no records") };
    let mut record = Vec::new();
    flatten("", &items[0], &mut record);
    let expected = [
        ("number", "INC001"),
        ("assignment_group", "Service Desk"),
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
    assert!(err.contains("got an HTML page (a login") && err.ends_with("starts: <html> Log in </html>"), "{err}");
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let err = run(&source(format!("http://u:pw@127.0.0.1:{port}/t"), offset_limit(2), "/result")).0.unwrap_err();
    assert!(matches!(err, ApiError::Transport { .. }) && !err.to_string().contains("pw@"), "{err}");
}

#[test]
fn json_edge_cases_are_refused_or_kept_whole() {
    // A high surrogate followed by a `\u` escape that is not a low surrogate: the hand parser
    // this replaced dropped a character; serde_json refuses the body instead of losing text.
    assert!(parse_json(r#"{"a":"\ud83d\u0041"}"#).is_err());
    // A surrogate pair is one character.
    assert_eq!(parse_json(r#""\ud83d\ude00""#).unwrap(), Value::String("😀".into()));
    // `-.5` is not JSON (a number needs a digit before the point).
    assert!(parse_json("-.5").is_err() && parse_json(r#"{"a":-.5}"#).is_err());
    assert_eq!(parse_json("-0.5").unwrap().to_string(), "-0.5");
    // Numbers keep their digits (an exponent gets its sign written: serde_json's form), keys
    // their order.
    let v = parse_json(r#"{"z":1.50,"a":1e3,"m":10000000000000000000001}"#).unwrap();
    let Value::Object(members) = &v else { panic!("object") };
    let texts: Vec<(String, String)> = members.iter().map(|(k, v)| (k.clone(), scalar_text(v))).collect();
    let expected = [("z", "1.50"), ("a", "1e+3"), ("m", "10000000000000000000001")];
    assert_eq!(texts, expected.map(|(k, v)| (k.to_string(), v.to_string())));
}

#[test]
fn origins_compare_scheme_host_and_effective_port() {
    assert_eq!(origin("https://h:443/a"), origin("https://h/b?x=1"));
    assert_eq!(origin("http://h:80/a"), origin("http://H/"));
    assert_eq!(origin("https://user:pw@h/a"), origin("https://h"));
    assert_ne!(origin("https://h:8443/a"), origin("https://h/a"));
    assert_ne!(origin("http://h/a"), origin("https://h/a"));
    assert_ne!(origin("https://h.evil.example/a"), origin("https://h/a"));
    assert_ne!(origin("https://h@evil.example/a"), origin("https://h/a"));
    assert_eq!(origin("not a url"), None);
    assert_eq!(origin("ftp://h/a"), None);
}

#[test]
fn next_link_to_the_default_port_is_followed_and_another_host_is_refused() {
    assert_eq!(resolve("https://h/api/x?start=0", "https://h:443/api/x?start=2"), "https://h:443/api/x?start=2");
    assert_eq!(resolve("https://h/api/x?start=0", "y?start=2"), "https://h/api/y?start=2");
    assert_eq!(resolve("https://h/api/x?start=0", "?start=2"), "https://h/api/x?start=2");
    assert_eq!(resolve("https://h/api/x", "//o/p"), "https://o/p");
    // A next link to another origin stops the fetch before credentials are sent there.
    std::env::set_var("ITSM_API_TEST_TOKEN_ORIGIN", "s3cret");
    let mock =
        Mock::start(vec![(200, vec![("Link", "<http://localhost:1/x>; rel=\"next\"".to_string())], "[]".into())]);
    let mut src = source(format!("{}/t", mock.base), Pagination::LinkHeader, "");
    src.auth = Auth::Bearer { token_env: "ITSM_API_TEST_TOKEN_ORIGIN".into() };
    let err = run(&src).0.unwrap_err().to_string();
    assert!(err.contains("a next link on the base URL's host") && !err.contains("s3cret"), "{err}");
    assert_eq!(mock.targets().len(), 1);
}

#[test]
fn retry_after_accepts_an_http_date() {
    let mut headers = ureq::http::HeaderMap::new();
    headers.insert("retry-after", "Sun, 06 Nov 1994 08:49:37 GMT".parse().unwrap());
    let now = std::time::UNIX_EPOCH + Duration::from_secs(784_111_777 - 5);
    assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(5)));
}

#[test]
fn a_next_link_back_to_an_earlier_page_is_a_loop_error_not_a_run_to_max_pages() {
    let array = |ids: std::ops::Range<u32>| page(ids).replace(r#"{"result":"#, "").trim_end_matches('}').to_string();
    // Page 1 links to page 2, page 2 back to page 1 (as a relative link): the third request
    // would repeat the first.
    let script = vec![
        (200, vec![("Link", r#"<{base}/api?p=2>; rel="next""#.to_string())], array(0..2)),
        (200, vec![("Link", r#"</api?p=1>; rel="next""#.to_string())], array(2..4)),
        (200, vec![], array(4..6)),
    ];
    let mock = Mock::start(script);
    let mut src = source(format!("{}/api", mock.base), Pagination::LinkHeader, "");
    src.query = vec![("p".to_string(), "1".to_string())];
    let err = run(&src).0.unwrap_err();
    assert!(matches!(err, ApiError::PageLoop { page: 2, first: 1, .. }), "{err:?}");
    assert!(err.to_string().contains(&format!("{}/api?p=1", mock.base)), "{err}");
    assert_eq!(mock.targets(), ["/api?p=1", "/api?p=2"], "stops before asking for page 1 again");
}

#[test]
fn a_page_token_that_repeats_is_a_loop_error() {
    let body = |ids, token: &str| page(ids).replace("]}", &format!("],\"next\":\"{token}\"}}"));
    let mock = Mock::start(vec![ok(body(0..2, "a")), ok(body(2..4, "b")), ok(body(4..6, "a")), ok(body(6..8, "b"))]);
    let pagination = Pagination::PageToken {
        token_param: "token".to_string(),
        next_pointer: "/next".to_string(),
        page_size_param: None,
    };
    let err = run(&source(format!("{}/t", mock.base), pagination, "/result")).0.unwrap_err();
    // Pages 1 (no token), 2 (a), 3 (b); page 3 names token a again, page 2's URL.
    assert!(matches!(err, ApiError::PageLoop { page: 3, first: 2, .. }), "{err:?}");
    assert_eq!(mock.targets().len(), 3);
}

#[test]
fn read_page_names_what_is_wrong_with_a_body() {
    let ok_page = read_page("\u{feff}{\"result\":[{\"id\":\"1\"},{\"id\":\"2\"}]}".as_bytes(), "/result").unwrap();
    assert_eq!(ids(&ok_page.records), ["1", "2"]);
    assert_eq!(read_page(b"{\"a\":\"\xff\"}", "/result"), Err(PageError::NotUtf8 { byte: 6 }));
    assert_eq!(read_page(b"  \n<!DOCTYPE html><title>Sign in</title>", ""), Err(PageError::Html));
    let Err(PageError::Json { reason }) = read_page(b"{\"result\":[{\"id\":1}", "/result") else { panic!("json") };
    // 19 bytes, cut after the first record: serde_json places the end at the last byte (18).
    assert_eq!(reason, "EOF while parsing a list at byte 18");
    assert_eq!(read_page(b"{\"result\":{}}", "/result"), Err(PageError::NoArray { pointer: "/result".into() }));
    assert_eq!(read_page(b"[{}, 3]", ""), Err(PageError::NotObject { index: 1 }));
    assert!(PageError::Html.is_unreadable() && !PageError::NotObject { index: 0 }.is_unreadable());
}

/// A server that answers every connection with `reply` bytes and then, when `hold`, keeps
/// the connection open without writing more until the client goes away.
fn raw_server(reply: &'static [u8], hold: bool) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            std::thread::spawn(move || {
                stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
                    head.push(byte[0]);
                }
                let _ = stream.write_all(reply);
                if hold {
                    let _ = stream.read(&mut [0u8; 1]);
                }
            });
        }
    });
    base
}

#[test]
fn a_silent_server_times_out_and_a_cut_body_says_the_connection_closed() {
    let base = raw_server(b"", true);
    let mut src = source(format!("{base}/t"), offset_limit(2), "/result");
    src.timeout = Duration::from_millis(300);
    let started = std::time::Instant::now();
    let err = run(&src).0.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5), "the timeout holds: {:?}", started.elapsed());
    assert!(
        matches!(err, ApiError::Transport { .. }) && err.to_string().contains("no complete answer within 0.3 s"),
        "{err}"
    );
    // 100 bytes promised, 11 sent, then the connection closes.
    let base = raw_server(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{\"result\":[", false);
    let err = run(&source(format!("{base}/t"), offset_limit(2), "/result")).0.unwrap_err();
    assert!(
        matches!(err, ApiError::Transport { .. }) && err.to_string().contains("the connection closed before the whole"),
        "{err}"
    );
}

#[test]
fn a_record_s_changelog_becomes_one_row_per_change_with_the_ticket_id_and_the_event_s_fields() {
    let record = |histories: &str| -> Record {
        vec![
            ("key".into(), "ITSD-1".into()),
            ("fields.summary".into(), "x".into()),
            ("changelog.histories".into(), histories.into()),
        ]
    };
    let keep = ["key".to_string()];
    let two = r#"[{"id":"1","author":{"displayName":"A"},"created":"t1","items":[{"field":"status","toString":"Done"},{"field":"labels","toString":"l"}]},{"id":"2","created":"t2","items":null}]"#;
    let rows = events(&record(two), &keep, "changelog.histories", Some("items")).unwrap();
    let fields = |r: &Record| r.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(" ");
    assert_eq!(rows.len(), 2, "one row per item; an event without items has none");
    assert_eq!(fields(&rows[0]), "key=ITSD-1 id=1 author=A author.displayName=A created=t1 field=status toString=Done");
    assert_eq!(fields(&rows[1]), "key=ITSD-1 id=1 author=A author.displayName=A created=t1 field=labels toString=l");
    // Without items, each event is a row; no changelog, or an empty one: no rows.
    assert_eq!(events(&record(two), &keep, "changelog.histories", None).unwrap().len(), 2);
    assert_eq!(events(&record(""), &keep, "changelog.histories", Some("items")), Some(Vec::new()));
    assert_eq!(events(&record("[]"), &keep, "other", Some("items")), Some(Vec::new()));
    // Not an array of objects, or items that are not objects: not read (the caller warns).
    for bad in ["{\"a\":1}", "[1,2]", "[{\"items\":[1]}]", "[{\"items\":\"x\"}]", "not json"] {
        assert_eq!(events(&record(bad), &keep, "changelog.histories", Some("items")), None, "{bad}");
    }
}
