//! `itsm ingest api` (issue 7) against a mock REST server on loopback that the test starts:
//! paging with a 429 and a 500 on the way, a 401, incremental sync by watermark, and the
//! token kept out of the output, the logs and the database.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use crate::{itsm_ok, rows, Tmp};

const TOKEN: &str = "tok-SECRET-4711";

/// What the scripted server saw: (request line, Authorization header) per request.
type Seen = Arc<Mutex<Vec<(String, String)>>>;

/// A scripted HTTP server: answers each connection with the next (status, extra headers,
/// body) and records request lines and Authorization headers.
fn serve(script: Vec<(u16, &'static str, String)>) -> (String, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    std::thread::spawn(move || {
        for (status, headers, body) in script {
            let Ok((stream, _)) = listener.accept() else { return };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let (mut line, mut auth) = (String::new(), String::new());
            reader.read_line(&mut line).unwrap();
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).unwrap() == 0 || h == "\r\n" {
                    break;
                }
                if h.to_lowercase().starts_with("authorization:") {
                    auth = h.trim().to_string();
                }
            }
            log.lock().unwrap().push((line.trim().to_string(), auth));
            let mut stream = stream;
            let reason = match status {
                200 => "OK",
                401 => "Unauthorized",
                429 => "Too Many Requests",
                _ => "Internal Server Error",
            };
            let reply = format!(
                "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n{headers}\r\n{body}",
                body.len()
            );
            stream.write_all(reply.as_bytes()).unwrap();
            let _ = stream.read(&mut [0u8; 16]);
        }
    });
    (base, seen)
}

/// A page of ticket records in the generic profile's field names (also the reliability
/// tests' API pages).
pub(crate) fn page(ids: std::ops::Range<u32>, updated: &str) -> String {
    let records: Vec<String> = ids
        .map(|i| {
            format!(
                "{{\"ticket_id\": \"API{i}\", \"kind\": \"incident\", \"title\": \"Ärende {i}\", \"status\": \"open\", \
                 \"opened_at\": \"2026-10-05T08:00:00+02:00\", \"updated_at\": \"{updated}\", \"customer\": \"Kävlinge\"}}"
            )
        })
        .collect();
    format!("{{\"result\": [{}]}}", records.join(", "))
}

fn config(t: &Tmp, base: &str) {
    let toml = format!(
        "[sources.snow]\nprofile = \"generic\"\n[sources.snow.api]\nurl = \"{base}/api/now/table/incident\"\n\
         records = \"/result\"\npagination = \"offset\"\npage_size = 2\noffset_param = \"sysparm_offset\"\n\
         limit_param = \"sysparm_limit\"\nauth = \"bearer\"\ntoken_env = \"ITSM_TEST_SNOW_TOKEN\"\n\
         since_param = \"sysparm_query\"\nsince_template = \"sys_updated_on>{{since}}\"\ninitial_backoff_ms = 10\n"
    );
    std::fs::write(t.path("itsm.toml"), toml).unwrap();
}

fn ingest_api(t: &Tmp, extra: &[&str]) -> std::process::Output {
    ingest_with_token(t, "ITSM_TEST_SNOW_TOKEN", extra)
}

/// `itsm ingest api --source snow EXTRA` with the token in the environment variable `env`.
fn ingest_with_token(t: &Tmp, env: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["ingest", "api", "--source", "snow"];
    args.extend_from_slice(extra);
    crate::itsm_cmd().current_dir(&t.0).env(env, TOKEN).args(&args).output().unwrap()
}

#[test]
fn pages_with_a_429_and_a_500_on_the_way_load_every_record_once_and_the_token_stays_secret() {
    let t = Tmp::new("api-pages");
    let script = vec![
        (200, "", page(1..3, "2026-10-05T09:00:00+02:00")),
        (200, "", page(3..5, "2026-10-05T09:00:00+02:00")),
        (200, "", page(5..7, "2026-10-05T09:00:00+02:00")),
        (429, "Retry-After: 1\r\n", "{\"error\": \"slow down\"}".to_string()),
        (500, "", "{\"error\": \"oops\"}".to_string()),
        (200, "", page(7..8, "2026-10-05T09:00:00+02:00")),
    ];
    let (base, seen) = serve(script);
    config(&t, &base);
    let out = ingest_api(&t, &["-v"]);
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("7 records in 4 pages (2 retries)"), "{stdout}");
    assert_eq!(rows(&t.db(), "SELECT count(*), count(DISTINCT ticket_id) FROM ticket"), "7,7");
    let requests = seen.lock().unwrap().clone();
    assert_eq!(requests.len(), 6);
    let want = format!("Authorization: Bearer {TOKEN}");
    assert!(requests.iter().all(|(_, auth)| auth.eq_ignore_ascii_case(&want)), "{requests:?}");
    assert!(requests[5].0.contains("sysparm_offset=6"), "the last page is asked for again: {requests:?}");
    // The token is nowhere: not in the output, not in the logs, not in the database file.
    assert!(!stdout.contains(TOKEN) && !stderr.contains(TOKEN));
    let db = std::fs::read(t.db()).unwrap();
    assert!(!db.windows(TOKEN.len()).any(|w| w == TOKEN.as_bytes()), "the token is in the database file");
}

#[test]
fn a_401_exits_2_naming_the_url_without_the_token() {
    let t = Tmp::new("api-401");
    let (base, _) = serve(vec![(401, "", format!("{{\"error\": \"bad token {TOKEN}\"}}"))]);
    config(&t, &base);
    let out = ingest_api(&t, &[]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("401") && stderr.contains(&format!("{base}/api/now/table/incident")), "{stderr}");
    assert!(!stderr.contains(TOKEN) && !String::from_utf8_lossy(&out.stdout).contains(TOKEN), "{stderr}");
    assert_eq!(rows(&t.db(), "SELECT count(*) FROM ingest_batch"), "0");
}

#[test]
fn a_second_run_fetches_only_what_changed_since_the_watermark() {
    let t = Tmp::new("api-watermark");
    let script = vec![
        (200, "", page(1..3, "2026-10-05T09:00:00+02:00")),
        (200, "", page(3..4, "2026-10-06T10:30:00+02:00")),
        // Second run: only API2 changed.
        (200, "", page(2..3, "2026-10-07T11:00:00+02:00").replace("\"open\"", "\"resolved\"")),
    ];
    let (base, seen) = serve(script);
    config(&t, &base);
    assert!(ingest_api(&t, &[]).status.success());
    assert_eq!(rows(&t.db(), "SELECT count(*) FROM ticket"), "3");
    let second = ingest_api(&t, &[]);
    assert!(second.status.success(), "{}", String::from_utf8_lossy(&second.stderr));
    let requests = seen.lock().unwrap().clone();
    // The watermark is the newest updated_at (06 Oct 08:30 UTC) in the profile's zone
    // (10:30 in Stockholm) less the hour of overlap, percent-encoded (issue 22).
    assert!(requests[2].0.contains("sysparm_query=sys_updated_on%3E2026-10-06%2009%3A30%3A00"), "{requests:?}");
    assert!(!requests[0].0.contains("sysparm_query"), "the first run fetches everything");
    assert_eq!(rows(&t.db(), "SELECT ticket_id, status FROM ticket ORDER BY 1"), "API1,open\nAPI2,resolved\nAPI3,open");
    assert_eq!(rows(&t.db(), "SELECT count(*) FROM ingest_batch"), "2");
}

/// Runs `itsm ingest api` against a mock with `body` as the only page, with `api` settings.
fn one_page(name: &str, profile: &str, api: &str, body: String) -> Tmp {
    let t = Tmp::new(name);
    let (base, _) = serve(vec![(200, "", body)]);
    let toml = format!("[sources.tool]\nprofile = \"{profile}\"\n[sources.tool.api]\nurl = \"{base}/api\"\n{api}");
    std::fs::write(t.path("itsm.toml"), toml).unwrap();
    let out = crate::itsm_cmd().current_dir(&t.0).args(["ingest", "api", "--source", "tool"]).output().unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && stdout.contains("0 rejected"), "{profile}: {stdout}\n{stderr}");
    t
}

#[test]
fn jira_search_and_topdesk_incident_responses_map_through_their_api_profiles() {
    let jira = "{\"startAt\": 0, \"maxResults\": 50, \"total\": 3, \"issues\": [{\"key\": \"ITSD-7\", \"fields\": {\
        \"issuetype\": {\"name\": \"Incident\"}, \"summary\": \"Skrivaren på plan 2 är trasig\", \
        \"status\": {\"name\": \"In Progress\"}, \"priority\": {\"name\": \"High\"}, \
        \"created\": \"2026-10-05T08:02:00.000+02:00\", \"updated\": \"2026-10-05T09:00:00.000+02:00\", \
        \"resolutiondate\": null, \"resolution\": null, \"reporter\": {\"displayName\": \"Åsa Öberg\"}}}, \
        {\"key\": \"ITSD-8\", \"fields\": {\"issuetype\": {\"name\": \"Incident\"}, \"summary\": \"Dubblett\", \
        \"status\": {\"name\": \"Done\"}, \"priority\": {\"name\": \"Low\"}, \
        \"created\": \"2026-10-05T10:00:00.000+02:00\", \"updated\": \"2026-10-05T11:00:00.000+02:00\", \
        \"resolutiondate\": \"2026-10-05T11:00:00.000+02:00\", \"resolution\": {\"name\": \"Duplicate\"}}}, \
        {\"key\": \"ITSD-9\", \"fields\": {\"issuetype\": {\"name\": \"Incident\"}, \"summary\": \"Löst\", \
        \"status\": {\"name\": \"Done\"}, \"priority\": {\"name\": \"Low\"}, \
        \"created\": \"2026-10-05T10:00:00.000+02:00\", \"updated\": \"2026-10-05T12:00:00.000+02:00\", \
        \"resolutiondate\": \"2026-10-05T12:00:00.000+02:00\", \"resolution\": {\"name\": \"Done\"}}}]}";
    let t = one_page("api-jira", "jira-api", "records = \"/issues\"\npagination = \"startat\"\n", jira.to_string());
    // An issue done as a Duplicate is cancelled (the jira profile's cancelled_codes, read
    // from fields.resolution.name); one done as Done is closed, as the profile maps Done.
    assert_eq!(
        rows(
            &t.db(),
            "SELECT ticket_id, kind, title, status, priority, strftime(opened_at, '%H:%M') FROM ticket ORDER BY 1"
        ),
        "ITSD-7,incident,Skrivaren på plan 2 är trasig,open,normal,06:02\nITSD-8,incident,Dubblett,cancelled,low,08:00\n\
         ITSD-9,incident,Löst,closed,low,08:00"
    );
    let topdesk = "[{\"number\": \"I 2610 001\", \"briefDescription\": \"Kan inte logga in i Procapita\", \
        \"caller\": {\"dynamicName\": \"Örjan Åberg\"}, \"callerBranch\": {\"name\": \"Kävlinge\"}, \
        \"processingStatus\": {\"name\": \"Pågående\"}, \"callDate\": \"2026-10-05T08:00:00.000+0200\", \
        \"completedDate\": null, \"closedDate\": null, \"operatorGroup\": {\"name\": \"Service Desk\"}, \
        \"modificationDate\": \"2026-10-05T08:30:00.000+0200\"}]";
    let api = "records = \"\"\npagination = \"offset\"\noffset_param = \"start\"\nlimit_param = \"page_size\"\npage_size = 10\n";
    let t = one_page("api-topdesk", "topdesk-api", api, topdesk.to_string());
    assert_eq!(
        rows(
            &t.db(),
            "SELECT ticket_id, kind, customer, status, assigned_team, strftime(opened_at, '%H:%M') FROM ticket"
        ),
        "I 2610 001,incident,Kävlinge,open,Service Desk,06:00"
    );
}

#[test]
fn a_jira_changelog_loads_its_status_changes_as_history_in_the_tickets_batch() {
    // One issue fetched with expand=changelog: opened 10:00 (+02:00), In Progress 10:30,
    // Waiting for customer 11:00 (with its description edited), Done 12:00 (with its
    // resolution set). Only the three status changes are events; the two others are
    // passed over and counted by field.
    let change = |field: &str, from: &str, to: &str| {
        format!(
            "{{\"field\": \"{field}\", \"fieldtype\": \"jira\", \"fromString\": \"{from}\", \"toString\": \"{to}\"}}"
        )
    };
    let history = |id: u32, at: &str, items: Vec<String>| {
        format!(
            "{{\"id\": \"{id}\", \"author\": {{\"displayName\": \"Agent Ahl\"}}, \"created\": \"2026-10-05T{at}:00.000+0200\", \
             \"items\": [{}]}}",
            items.join(", ")
        )
    };
    let histories = [
        history(1, "10:30", vec![change("status", "Open", "In Progress")]),
        history(
            2,
            "11:00",
            vec![change("status", "In Progress", "Waiting for customer"), change("description", "", "x")],
        ),
        history(3, "12:00", vec![change("resolution", "", "Done"), change("status", "Waiting for customer", "Done")]),
    ];
    let jira = format!(
        "{{\"startAt\": 0, \"maxResults\": 50, \"total\": 1, \"issues\": [{{\"key\": \"ITSD-9\", \"fields\": {{\
         \"issuetype\": {{\"name\": \"Incident\"}}, \"summary\": \"Löst\", \"status\": {{\"name\": \"Done\"}}, \
         \"priority\": {{\"name\": \"Low\"}}, \"created\": \"2026-10-05T10:00:00.000+0200\", \
         \"updated\": \"2026-10-05T12:00:00.000+0200\", \"resolutiondate\": \"2026-10-05T12:00:00.000+0200\", \
         \"resolution\": {{\"name\": \"Done\"}}}}, \"changelog\": {{\"startAt\": 0, \"maxResults\": 3, \"total\": 3, \
         \"histories\": [{}]}}}}]}}",
        histories.join(", ")
    );
    let jira_body = jira.clone();
    let toml_for = |base: &str| {
        format!(
            "[sources.tool]\nprofile = \"jira-api\"\n[sources.tool.api]\nurl = \"{base}/api\"\nrecords = \"/issues\"\n\
             pagination = \"startat\"\n[sources.tool.api.query]\nexpand = \"changelog\"\n"
        )
    };
    let t = Tmp::new("api-jira-changelog");
    let (base, _) = serve(vec![(200, "", jira.clone()), (200, "", jira)]);
    std::fs::write(t.path("itsm.toml"), toml_for(&base)).unwrap();
    let out = itsm_ok(&t.0, &["ingest", "api", "--source", "tool"]);
    assert!(out.contains("4 read = 4 loaded + 0 rejected; 0 warnings"), "{out}");
    assert!(
        out.contains("passed over: 2 changelog changes of fields that are no event kind (description 1, resolution 1)"),
        "{out}"
    );
    assert_eq!(
        rows(&t.db(), "SELECT ticket_id, kind, value, agent, strftime(occurred_at, '%H:%M') FROM ticket_event ORDER BY occurred_at"),
        "ITSD-9,status,open,Agent Ahl,08:30\nITSD-9,status,pending,Agent Ahl,09:00\nITSD-9,status,closed,Agent Ahl,10:00"
    );
    assert_eq!(rows(&t.db(), "SELECT file_kind, rows_read FROM ingest_batch"), "tickets and history,4");
    // The same answer again (the run asks from the newest updated_at on): nothing changes.
    let again = itsm_ok(&t.0, &["ingest", "api", "--source", "tool", "--full"]);
    assert!(again.contains("already ingested"), "{again}");
    assert_eq!(rows(&t.db(), "SELECT count(*) FROM ticket_event"), "3");
    itsm_ok(&t.0, &["build", "--as-of", "2026-10-31 17:00"]);
    assert!(itsm_ok(&t.0, &["test"]).contains(" 0 failed"));

    // A changelog Jira cut (3 of its 250 entries came): the history loads, with a warning.
    let cut = jira_body.replace("\"maxResults\": 3, \"total\": 3", "\"maxResults\": 3, \"total\": 250");
    let t = Tmp::new("api-jira-changelog-cut");
    let (base, _) = serve(vec![(200, "", cut)]);
    std::fs::write(t.path("itsm.toml"), toml_for(&base)).unwrap();
    let out = itsm_ok(&t.0, &["ingest", "api", "--source", "tool"]);
    assert!(out.contains("4 read = 4 loaded + 0 rejected; 1 warnings"), "{out}");
    assert!(out.contains("the changelog came with 3 of its '…' entries: this ticket's history is partial"), "{out}");
    assert_eq!(rows(&t.db(), "SELECT row_number, column_name, value FROM ingest_warning"), "1,changelog.total,250");
}

/// An incident as the mock ServiceNow instance holds it; `updated` is the display value of
/// `sys_updated_on` in the integration user's zone.
#[derive(Clone)]
struct Incident {
    number: &'static str,
    group: &'static str,
    ci: &'static str,
    caller: &'static str,
    updated: &'static str,
}

/// A Table API stand-in that answers as ServiceNow documents: `sysparm_offset` /
/// `sysparm_limit` paging with `X-Total-Count`, reference fields as `{"display_value",
/// "link"}` objects unless `sysparm_exclude_reference_link=true`, and `sysparm_query=
/// sys_updated_on>X` read in the user's zone (display values compared as local times).
fn serve_snow(incidents: Arc<Mutex<Vec<Incident>>>) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    std::thread::spawn(move || {
        while let Ok((stream, _)) = listener.accept() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).unwrap() == 0 || h == "\r\n" {
                    break;
                }
            }
            log.lock().unwrap().push(line.trim().to_string());
            let query = line.split_whitespace().nth(1).unwrap_or("").split_once('?').map_or("", |(_, q)| q).to_string();
            let param = |name: &str| {
                query
                    .split('&')
                    .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
                    .map(|v| v.replace("%3E", ">").replace("%20", " ").replace("%3A", ":").replace('+', " "))
            };
            let links = param("sysparm_exclude_reference_link").as_deref() != Some("true");
            let since = param("sysparm_query").and_then(|q| q.strip_prefix("sys_updated_on>").map(str::to_string));
            let offset: usize = param("sysparm_offset").and_then(|v| v.parse().ok()).unwrap_or(0);
            let limit: usize = param("sysparm_limit").and_then(|v| v.parse().ok()).unwrap_or(100);
            let all: Vec<Incident> = incidents
                .lock()
                .unwrap()
                .iter()
                .filter(|i| since.as_ref().is_none_or(|s| i.updated > s.as_str()))
                .cloned()
                .collect();
            let reference = |v: &str| {
                if links {
                    format!(
                        "{{\"display_value\": \"{v}\", \"link\": \"https://x.service-now.com/api/now/table/x/{v}\"}}"
                    )
                } else {
                    format!("\"{v}\"")
                }
            };
            let records: Vec<String> = all
                .iter()
                .skip(offset)
                .take(limit)
                .map(|i| {
                    format!(
                        "{{\"number\": \"{}\", \"short_description\": \"Fel {}\", \"state\": \"In Progress\", \
                         \"opened_at\": \"2026-10-05 08:00:00\", \"sys_updated_on\": \"{}\", \"assignment_group\": {}, \
                         \"cmdb_ci\": {}, \"caller_id\": {}, \"company\": {}}}",
                        i.number,
                        i.number,
                        i.updated,
                        reference(i.group),
                        reference(i.ci),
                        reference(i.caller),
                        reference("Kävlinge")
                    )
                })
                .collect();
            let body = format!("{{\"result\": [{}]}}", records.join(", "));
            let reply = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Total-Count: {}\r\nContent-Length: {}\r\n\
                 Connection: close\r\n\r\n{body}",
                all.len(),
                body.len()
            );
            let mut stream = stream;
            stream.write_all(reply.as_bytes()).unwrap();
            let _ = stream.read(&mut [0u8; 16]);
        }
    });
    (base, seen)
}

/// The README's `[sources.snow]` example, verbatim but for the host.
fn readme_api_example(base: &str) -> String {
    let readme = std::fs::read_to_string(format!("{}/README.md", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let start = readme.find("```toml\n[sources.snow]").expect("the README has the API example") + "```toml\n".len();
    let end = start + readme[start..].find("```").unwrap();
    readme[start..end].replace("https://example.service-now.com", base)
}

fn incidents(n: u32) -> Vec<Incident> {
    let groups = ["Service Desk", "Infrastructure", "Group 3"];
    (0..n)
        .map(|i| Incident {
            number: Box::leak(format!("INC{:07}", i + 1).into_boxed_str()),
            group: groups[i as usize % 3],
            ci: Box::leak(format!("CI-{}", i % 7).into_boxed_str()),
            caller: Box::leak(format!("Person {}", i % 11).into_boxed_str()),
            updated: "2026-10-06 10:00:00",
        })
        .collect()
}

/// With the README's token variable.
fn snow_ingest(t: &Tmp, extra: &[&str]) -> std::process::Output {
    ingest_with_token(t, "SNOW_TOKEN", extra)
}

#[test]
fn issue_22_reference_fields_load_as_display_values_with_and_without_the_link() {
    for links in [false, true] {
        let t = Tmp::new(&format!("api-snow-refs-{links}"));
        // 200 incidents, pages of 100: with X-Total-Count the fetch stops after two pages
        // instead of asking for a third (an instance that repeats its last page would loop).
        let (base, seen) = serve_snow(Arc::new(Mutex::new(incidents(200))));
        let mut config = readme_api_example(&base);
        if links {
            // The README's example less `sysparm_exclude_reference_link`: references come as objects.
            config = config.replace("sysparm_exclude_reference_link = \"true\"\n", "");
        }
        std::fs::write(t.path("itsm.toml"), config).unwrap();
        let out = snow_ingest(&t, &[]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("200 records in 2 pages"), "paging stops at X-Total-Count: {stdout}");
        assert_eq!(seen.lock().unwrap().len(), 2, "no page past the total");
        // Every ticket has its team, CI and caller, whichever way the references came.
        assert_eq!(
            rows(
                &t.db(),
                "SELECT count(*), count(assigned_team), count(ci), count(requester), count(customer), \
                 count(DISTINCT assigned_team) FROM ticket"
            ),
            "200,200,200,200,200,3",
            "links: {links}"
        );
        assert_eq!(
            rows(&t.db(), "SELECT assigned_team, ci, requester FROM ticket WHERE ticket_id = 'INC0000003'"),
            "Group 3,CI-2,Person 2"
        );
        assert_eq!(rows(&t.db(), "SELECT count(*) FROM ingest_warning"), "0");
    }
}

#[test]
fn issue_22_a_mapped_object_without_a_display_value_is_a_warning_not_a_silent_empty() {
    let t = Tmp::new("api-snow-object");
    let body = "{\"result\": [{\"number\": \"INC1\", \"state\": \"New\", \"opened_at\": \"2026-10-05 08:00:00\", \
                \"sys_updated_on\": \"2026-10-05 08:00:00\", \"assignment_group\": {\"link\": \"https://x/y\"}, \
                \"cmdb_ci\": [{\"sys_id\": \"a\"}]}]}"
        .to_string();
    let (base, _) = serve(vec![(200, "", body)]);
    std::fs::write(t.path("itsm.toml"), readme_api_example(&base)).unwrap();
    let out = snow_ingest(&t, &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(rows(&t.db(), "SELECT count(*), count(assigned_team), count(ci) FROM ticket"), "1,0,0");
    assert_eq!(
        rows(&t.db(), "SELECT column_name, value FROM ingest_warning ORDER BY 1"),
        "assignment_group,assignment_group.link=https://x/y\ncmdb_ci,[{\"sys_id\":\"a\"}]"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("2 warnings"), "{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn issue_22_an_update_inside_the_zone_offset_is_fetched_by_the_next_run_west_and_east_of_utc() {
    for (zone, first, late) in [
        // New York (UTC−4 in October): R1 at 10:00 local = 14:00 UTC. R2 saved at 11:00 local
        // (15:00 UTC) after the first run: a watermark sent in UTC ("> 14:00") would read as
        // 14:00 New York time and skip it.
        ("America/New_York", "2026-10-06 10:00:00", "2026-10-06 11:00:00"),
        // Stockholm (UTC+2): R1 at 10:00 local = 08:00 UTC; R2 at 10:30 local.
        ("Europe/Stockholm", "2026-10-06 10:00:00", "2026-10-06 10:30:00"),
    ] {
        let t = Tmp::new(&format!("api-snow-zone-{}", zone.replace('/', "-")));
        let held = Arc::new(Mutex::new(vec![Incident { updated: first, ..incidents(1)[0].clone() }]));
        let (base, seen) = serve_snow(Arc::clone(&held));
        std::fs::write(t.path("user.toml"), format!("base = \"servicenow\"\nname = \"user\"\ntimezone = \"{zone}\"\n"))
            .unwrap();
        std::fs::write(
            t.path("itsm.toml"),
            readme_api_example(&base).replace("profile = \"servicenow\"", "profile = \"user.toml\""),
        )
        .unwrap();
        assert!(snow_ingest(&t, &[]).status.success());
        held.lock().unwrap().push(Incident { number: "INC0000002", updated: late, ..incidents(1)[0].clone() });
        let second = snow_ingest(&t, &[]);
        assert!(second.status.success(), "{}", String::from_utf8_lossy(&second.stderr));
        // The watermark: R1's instant in the source's zone, an hour earlier.
        let asked = seen.lock().unwrap()[1].clone();
        assert!(asked.contains("sys_updated_on%3E2026-10-06%2009%3A00%3A00"), "{zone}: {asked}");
        assert_eq!(
            rows(&t.db(), "SELECT string_agg(ticket_id, ' ' ORDER BY ticket_id) FROM ticket"),
            "INC0000001 INC0000002",
            "{zone}"
        );
    }
}

/// Issue 13: a typo in `[sources.x.api]` (an unknown paging kind, a credential variable
/// missing for the chosen auth) fails when itsm.toml is read, by any command, before any
/// request — not at fetch time.
#[test]
fn api_settings_typos_fail_when_the_config_is_read() {
    let t = Tmp::new("api-config-typo");
    for (api, want) in [
        ("pagination = \"ofset\"\n", "pagination 'ofset' is not offset, startat, token or link"),
        ("auth = \"bearer\"\n", "bearer auth needs token_env"),
        ("pagination = \"token\"\ntoken_param = \"t\"\n", "token paging needs next_pointer"),
    ] {
        let toml = format!(
            "[sources.tool]\nprofile = \"generic\"\n[sources.tool.api]\nurl = \"http://127.0.0.1:9/api\"\n{api}"
        );
        std::fs::write(t.path("itsm.toml"), toml).unwrap();
        let out = crate::itsm(&t.0, &["status"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{api}: {stderr}");
        assert!(stderr.contains(want) && stderr.contains("itsm.toml"), "{api}: {stderr}");
    }
}
