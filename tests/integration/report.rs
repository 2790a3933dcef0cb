//! `itsm report`: the monthly report on the demo data (kpi.json equals the KPI tables),
//! escaping of hostile ticket text, both languages, `report check`, and the page in
//! headless Chromium with no console errors and no network requests.

use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use crate::{fixture, itsm, itsm_ok, Tmp};

/// A database built from the committed sample data (the demo's data).
fn sample_built(name: &str) -> Tmp {
    let t = Tmp::new(name);
    let root = env!("CARGO_MANIFEST_DIR");
    let (tickets, history) = (format!("{root}/sample-data/tickets.csv"), format!("{root}/sample-data/history.csv"));
    itsm_ok(&t.0, &["ingest", &tickets, &history, "--source", "sample", "--profile", "generic"]);
    itsm_ok(&t.0, &["build"]);
    t
}

/// kpi.json of a report directory, parsed.
fn kpi_json(t: &Tmp, dir: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(t.path(&format!("{dir}/kpi.json"))).unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("kpi.json is not JSON: {e}\n{text}"))
}

#[test]
fn monthly_report_figures_equal_the_kpi_tables() {
    let t = sample_built("report-json");
    let out = itsm_ok(&t.0, &["report", "monthly", "--month", "2026-10", "--lang", "en", "--out", "r"]);
    assert!(out.contains("r/monthly.html"), "{out}");
    let json = kpi_json(&t, "r");
    assert_eq!(json["month"], "2026-10", "{json}");
    assert_eq!(json["pseudonymised"], true, "{json}");
    let figures = json["figures"].as_array().unwrap();
    let tiles: Vec<&serde_json::Value> = figures.iter().filter(|f| f["kind"] == "tile").collect();
    assert_eq!(tiles.len(), 7, "the seven tiles of the monthly report");
    for tile in tiles {
        let (query, column) = (tile["query"].as_str().unwrap(), tile["column"].as_str().unwrap());
        let sql = format!("SELECT {column} FROM {query} WHERE month = DATE '2026-10-01'");
        let table = itsm_ok(&t.0, &["query", &sql, "--format", "csv"]);
        let want: f64 = table.lines().nth(1).unwrap().parse().unwrap();
        let got = tile["value"].as_f64().unwrap_or_else(|| panic!("no value in {tile}"));
        assert_eq!(got, want, "{query}.{column}");
        assert!(tile["definition"].as_str().is_some_and(|d| !d.is_empty()), "{tile}");
        assert!(tile["format"].as_str().is_some_and(|f| f.chars().all(|c| c.is_ascii_lowercase())), "{tile}");
    }
    // The SLA-by-team bar: one value per team of the month, in team order (the sample has
    // at most 12 teams a month, so the top-12 bar is every team and no "other" bar).
    let bar = figures.iter().find(|f| f["query"] == "kpi_sla_by_team_top_month" && f["kind"] == "bar").unwrap();
    let csv = itsm_ok(
        &t.0,
        &[
            "query",
            "SELECT team, compliance FROM kpi_sla_by_team_month WHERE month = DATE '2026-10-01' ORDER BY team",
            "--format",
            "csv",
        ],
    );
    let teams: Vec<String> = csv.lines().skip(1).map(|l| l.split(',').next().unwrap().to_string()).collect();
    let want: Vec<f64> = csv.lines().skip(1).map(|l| l.rsplit(',').next().unwrap().parse().unwrap()).collect();
    let x: Vec<&str> = bar["x"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert!(teams.len() <= 12, "{teams:?}");
    assert_eq!(x, teams, "{bar}");
    let got: Vec<f64> = bar["series"][0]["values"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
    assert_eq!(got, want, "{bar}");
}

#[test]
fn hostile_ticket_text_is_escaped_everywhere() {
    let t = Tmp::new("report-escape");
    // The SLA fixture with a hostile title on a breached ticket (S3) and a hostile customer.
    let text = std::fs::read_to_string(fixture("sla-tickets.csv")).unwrap();
    let text = text.replace(
        "SLA case S3,Kävlinge",
        "\"<script>alert(1)</script> \"\"><img src=x onerror=alert(1)>\",<b>Kommun</b>",
    );
    std::fs::write(t.path("tickets.csv"), text).unwrap();
    itsm_ok(&t.0, &["ingest", "tickets.csv", &fixture("sla-history.csv")]);
    itsm_ok(&t.0, &["build", "--as-of", "2026-11-03 17:00"]);
    itsm_ok(&t.0, &["report", "monthly", "--month", "2026-10", "--out", "r"]);
    let html = std::fs::read_to_string(t.path("r/monthly.html")).unwrap();
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x onerror=alert(1)&gt;"),
        "title escaped"
    );
    assert!(html.contains("&lt;b&gt;Kommun&lt;/b&gt;"), "customer escaped");
    assert!(!html.contains("<script") && !html.contains("<img") && !html.contains("<b>"), "nothing hostile unescaped");
    assert!(!html.contains("Anna Berg") && !html.contains("Agent A"), "personal data pseudonymised");
    let json = std::fs::read_to_string(t.path("r/kpi.json")).unwrap();
    assert!(
        json.contains(r#"<script>alert(1)</script> \"><img src=x onerror=alert(1)>"#),
        "kpi.json keeps the text, JSON-escaped"
    );
    let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
    let cells: Vec<&str> = parsed["figures"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["rows"].as_array())
        .flatten()
        .flat_map(|r| r.as_array().unwrap().iter().filter_map(|c| c.as_str()))
        .collect();
    assert!(
        cells.contains(&"<script>alert(1)</script> \"><img src=x onerror=alert(1)>"),
        "kpi.json keeps the text as it is: {cells:?}"
    );
    itsm_ok(&t.0, &["report", "monthly", "--month", "2026-10", "--out", "p", "--show-personal-data"]);
    assert!(std::fs::read_to_string(t.path("p/monthly.html")).unwrap().contains("Anna Berg"));
}

/// The text of every `class="value">…<` (the tiles' values) and the footer line.
fn tile_values_and_footer(html: &str) -> String {
    let mut out: Vec<String> =
        html.split("<div class=\"value\">").skip(1).map(|s| s[..s.find('<').unwrap()].to_string()).collect();
    let meta: Vec<String> =
        html.split("<div class=\"meta\">").skip(1).map(|s| s[..s.find("</div>").unwrap()].to_string()).collect();
    out.extend(meta);
    let footer = &html[html.find("<footer>").unwrap()..];
    let mut line = footer[..footer.find("</p>").unwrap()].replace(env!("CARGO_PKG_VERSION"), "VERSION");
    // The configuration hash changes whenever the configuration's shape does: not a format.
    for label in ["Konfiguration: ", "Configuration: "] {
        if let Some(i) = line.find(label) {
            let start = i + label.len();
            line.replace_range(start..start + 12, "CONFIGHASH12");
        }
    }
    out.push(line);
    out.join("\n")
}

#[test]
fn swedish_and_english_reports_format_numbers_and_dates_their_way() {
    let t = sample_built("report-lang");
    itsm_ok(&t.0, &["report", "monthly", "--month", "2026-10", "--lang", "sv", "--out", "sv"]);
    itsm_ok(&t.0, &["report", "monthly", "--month", "2026-10", "--lang", "en", "--out", "en"]);
    let sv = std::fs::read_to_string(t.path("sv/monthly.html")).unwrap();
    let en = std::fs::read_to_string(t.path("en/monthly.html")).unwrap();
    assert!(sv.contains("<html lang=\"sv\">") && sv.contains("oktober 2026") && sv.contains("Månadsrapport"));
    assert!(en.contains("<html lang=\"en\">") && en.contains("October 2026") && en.contains("Monthly IT operations"));
    insta::assert_snapshot!("monthly_tiles_sv", tile_values_and_footer(&sv));
    insta::assert_snapshot!("monthly_tiles_en", tile_values_and_footer(&en));
}

#[test]
fn report_check_names_file_and_line_of_a_missing_column() {
    let t = sample_built("report-check");
    let ok = itsm_ok(&t.0, &["report", "check"]);
    assert!(ok.contains("0 problems"), "{ok}");
    let template = "---\ntitle = \"T\"\n---\n\n## A\n\n```tile\nquery = \"kpi_ftr_by_month\"\nvalue = \"ftr_rat\"\n```\n\n```bar\nquery = \"kpi_nope\"\nx = \"team\"\ny = [\"compliance\"]\n```\n";
    std::fs::write(t.path("mine.md"), template).unwrap();
    let out = itsm(&t.0, &["report", "check", "mine.md"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("mine.md:7: 'kpi_ftr_by_month' has no column 'ftr_rat' (it has: month,"), "{stdout}");
    assert!(stdout.contains("mine.md:12: query 'kpi_nope' is not a table of the KPI layer"), "{stdout}");
    // A broken block is reported with its line too.
    std::fs::write(t.path("bad.md"), "---\ntitle = \"T\"\n---\n```line\nquery = \"kpi_sla_by_month\"\n```\n").unwrap();
    let out = itsm(&t.0, &["report", "check", "bad.md"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("bad.md:4:"), "{}", String::from_utf8_lossy(&out.stdout));
}

/// A local HTTP proxy that records the first line of every request sent through it.
fn recording_proxy() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut stream = stream;
            let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(2)));
            let mut buf = [0u8; 512];
            let n = stream.read(&mut buf).unwrap_or(0);
            let first = String::from_utf8_lossy(&buf[..n]).lines().next().unwrap_or("").to_string();
            log.lock().unwrap().push(first);
        }
    });
    (port, seen)
}

/// Loads `page` in headless Chromium through the recording proxy; returns the requests the
/// page made (Chromium's own update and time checks to Google hosts, and connections on
/// which nothing was requested, left out) and its console messages.
pub(crate) fn load_in_chromium(page: &Path, screenshot: &Path) -> (Vec<String>, Vec<String>) {
    let (port, seen) = recording_proxy();
    let out = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            &format!("--proxy-server=http://127.0.0.1:{port}"),
            "--proxy-bypass-list=<-loopback>",
            "--enable-logging=stderr",
            "--v=1",
            "--window-size=1200,4800",
            &format!("--screenshot={}", screenshot.display()),
            &format!("file://{}", page.display()),
        ])
        .output()
        .expect("run chromium");
    assert!(out.status.success(), "chromium failed: {}", String::from_utf8_lossy(&out.stderr));
    let requests = seen
        .lock()
        .unwrap()
        .iter()
        // A connection on which nothing was asked is Chromium preconnecting to its proxy.
        .filter(|r| !r.is_empty())
        .filter(|r| !["google.com", "googleapis.com", "gvt1.com"].iter().any(|h| r.contains(h)))
        .cloned()
        .collect();
    let console =
        String::from_utf8_lossy(&out.stderr).lines().filter(|l| l.contains(":CONSOLE")).map(String::from).collect();
    (requests, console)
}

/// Whether headless Chromium can run here. Elsewhere the test is skipped with a printed
/// reason; under CI (which installs it) a missing Chromium fails the test.
pub(crate) fn chromium_available() -> bool {
    if Command::new("chromium").arg("--version").output().is_ok() {
        return true;
    }
    assert!(std::env::var_os("CI").is_none(), "CI installs chromium (Debian package `chromium`), but it does not run");
    eprintln!("SKIPPED: chromium is not installed (Debian package `chromium`)");
    false
}

#[test]
fn the_page_loads_in_chromium_without_console_errors_or_network_requests() {
    if !chromium_available() {
        return;
    }
    let t = sample_built("report-chromium");
    // The detector works: a page that fetches and logs is caught.
    let control = t.path("control.html");
    std::fs::write(
        &control,
        "<!DOCTYPE html><img src=\"http://example.invalid/x.png\"><script>console.error('boom')</script>",
    )
    .unwrap();
    let (requests, console) = load_in_chromium(&control, &t.path("control.png"));
    assert!(requests.iter().any(|r| r.contains("example.invalid")), "{requests:?}");
    assert!(console.iter().any(|c| c.contains("boom")), "{console:?}");

    let shots: PathBuf = std::env::var_os("ITSM_SCREENSHOT_DIR").map(PathBuf::from).unwrap_or_else(|| t.path("shots"));
    std::fs::create_dir_all(&shots).unwrap();
    for lang in ["sv", "en"] {
        itsm_ok(&t.0, &["report", "monthly", "--month", "2026-10", "--lang", lang, "--out", lang]);
        let page = t.path(&format!("{lang}/monthly.html"));
        let shot = shots.join(format!("monthly-{lang}.png"));
        let (requests, console) = load_in_chromium(&page, &shot);
        assert_eq!(requests, Vec::<String>::new(), "the {lang} page made network requests");
        assert_eq!(console, Vec::<String>::new(), "the {lang} page logged to the console");
        assert!(std::fs::metadata(&shot).unwrap().len() > 50_000, "a screenshot of the {lang} page");
    }
}

/// A file with shifted columns puts names where dates belong: the data-quality tables of
/// the monthly report count the rows per cause with the value taken out of the reason, and
/// show the first row's value as personal data (a pseudonym unless --show-personal-data).
#[test]
fn the_data_quality_tables_count_causes_and_show_no_cell_text_unless_asked() {
    let t = Tmp::new("report-dq-personal");
    let header = "ticket_id,kind,title,customer,status,opened_at,resolved_at,first_team,assigned_team,requester";
    let rows = [
        "DQ1,incident,Fine,Kävlinge,open,2026-10-05 08:00,,Service Desk,Service Desk,Anna Berg",
        "DQ2,incident,Shifted,Kävlinge,open,Greta Garbo,,Service Desk,Service Desk,",
        "DQ3,incident,Shifted,Kävlinge,open, Sven Svensson ,,Service Desk,Service Desk,",
        "DQ4,incident,Shifted,Kävlinge,resolved,2026-10-06 08:00,Karl Larsson,Service Desk,Service Desk,",
    ];
    std::fs::write(t.path("tickets.csv"), format!("{header}\n{}\n", rows.join("\n"))).unwrap();
    itsm_ok(&t.0, &["ingest", "tickets.csv", "--profile", "generic"]);
    itsm_ok(&t.0, &["build", "--as-of", "2026-11-02 12:00"]);
    // One row per cause: both names in opened_at count together; rejected_row keeps both.
    assert_eq!(
        crate::rows(&t.db(), "SELECT reason, rows_rejected, first_row, example_value FROM kpi_rejected_reason"),
        "opened_at: unparseable date '…',2,3,Greta Garbo"
    );
    assert_eq!(crate::scalar(&t.db(), "SELECT count(*) FROM rejected_row WHERE reason LIKE '%Svensson%'"), 1);
    assert_eq!(
        crate::rows(&t.db(), "SELECT warnings, example_reason, example_value FROM kpi_ingest_warning"),
        "1,resolved_at: unparseable date '…'; set empty,Karl Larsson"
    );
    itsm_ok(&t.0, &["report", "monthly", "--month", "2026-10", "--lang", "en", "--out", "r"]);
    let html = std::fs::read_to_string(t.path("r/monthly.html")).unwrap();
    for name in ["Greta", "Svensson", "Karl Larsson"] {
        assert!(!html.contains(name), "{name} is in the pseudonymised report");
    }
    assert!(html.contains("unparseable date &#39;…&#39;") || html.contains("unparseable date '…'"), "the cause");
    itsm_ok(&t.0, &["report", "monthly", "--month", "2026-10", "--lang", "en", "--out", "p", "--show-personal-data"]);
    let shown = std::fs::read_to_string(t.path("p/monthly.html")).unwrap();
    assert!(shown.contains("Greta Garbo") && shown.contains("Karl Larsson"), "--show-personal-data shows the values");
    // `itsm export` pseudonymises the value as the report does.
    itsm_ok(
        &t.0,
        &["export", "--tables", "kpi_rejected_reason", "kpi_ingest_warning", "--format", "csv", "--out", "x"],
    );
    for table in ["kpi_rejected_reason", "kpi_ingest_warning"] {
        let csv = std::fs::read_to_string(t.path(&format!("x/{table}.csv"))).unwrap();
        assert!(!csv.contains("Greta") && !csv.contains("Karl") && csv.contains(",P-"), "{table}: {csv}");
    }
}
