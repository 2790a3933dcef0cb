//! Issue 18 item 7, XSS on every page: one hostile fixture whose every text field that
//! reaches a page (title, customer, team, category, service, ci, requester and agent with
//! `--show-personal-data`, vendor name, the customer report's note) carries a markup
//! payload, run against every HTML output of `itsm report` — the reports are enumerated
//! from the CLI definition, so a new report without a row here fails the test. No payload
//! may be live (no `<script`, no tag from data, no `javascript:` link); the escaped forms
//! must be there. Writes the "xss" section of docs/reliability.md.

use std::collections::{BTreeMap, BTreeSet};

use clap::CommandFactory;
use itsm::render::format::escape_html;

use super::doc;
use super::injection::{hostile_demo, Payloads};
use crate::{itsm, itsm_ok};

const MARKUP: Payloads = Payloads {
    title: "\"><script>alert('title')</script>",
    customer: "<img src=x onerror=alert(1)>Kund",
    team: "<script>alert(2)</script>Team",
    category: "<a href=javascript:alert(3)>Kategori</a>",
    service: "<svg onload=alert(4)>Tjänst",
    ci: "<iframe src=javascript:alert(5)></iframe>",
    requester: "<b onmouseover=alert(6)>Beställare</b>",
    agent: "<img src=x onerror=alert(7)>Agent",
    vendor: "<script>alert(8)</script>Leverantör",
};

/// The note of the customer report: raw HTML, a `javascript:` link and a remote image.
const NOTE: &str = "Månadens notis <script>alert(9)</script> [klicka](javascript:alert(10)) \
                    ![bild](http://evil.example/x.png) <img src=x onerror=alert(11)>\n";

/// Elements data must never create.
const FORBIDDEN: &[&str] = &["script", "img", "iframe", "object", "embed", "image", "foreignobject"];

/// What is live in a page: each real tag (`<` in the page; data's `<` is escaped) that is
/// a forbidden element, has an `on…=` event handler or a `javascript:` URL; and the note's
/// remote image host anywhere. Empty: nothing live.
fn live(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for part in html.split('<').skip(1) {
        let tag = part.split('>').next().unwrap_or("").to_ascii_lowercase();
        let name: String = tag.trim_start_matches('/').chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        let handler = tag
            .split(|c: char| c.is_whitespace() || c == '/' || c == '"' || c == '\'')
            .any(|a| a.starts_with("on") && a.contains('='));
        if FORBIDDEN.contains(&name.as_str()) || handler || tag.contains("javascript:") {
            found.push(format!("<{}>", tag.chars().take(80).collect::<String>()));
        }
    }
    if html.contains("evil.example") {
        found.push("evil.example".into());
    }
    found
}

/// For each `itsm report` subcommand: the arguments that write its HTML pages (the output
/// directory appended), or why it writes none.
fn html_runs() -> BTreeMap<&'static str, Result<Vec<&'static str>, &'static str>> {
    BTreeMap::from([
        (
            "monthly",
            Ok(vec!["report", "monthly", "--month", "2026-10", "--lang", "en", "--show-personal-data", "--out"]),
        ),
        (
            "billing",
            Ok(vec!["report", "billing", "--month", "2026-10", "--lang", "en", "--show-personal-data", "--out"]),
        ),
        ("cab", Ok(vec!["report", "cab", "--lang", "en", "--out"])),
        (
            "customer",
            Ok(vec![
                "report",
                "customer",
                "--month",
                "2026-10",
                "--all",
                "--note",
                "note.md",
                "--show-personal-data",
                "--out",
            ]),
        ),
        ("vendors", Ok(vec!["report", "vendors", "--month", "2026-10", "--lang", "en", "--out"])),
        ("dispatch", Ok(vec!["report", "dispatch", "--format", "html", "--out"])),
        ("major", Err("writes table or csv only (the monthly page shows major incidents); `--format html` is refused")),
        ("check", Err("checks templates; writes no page")),
    ])
}

#[test]
fn reliability_xss_the_live_markup_detector_finds_what_it_must() {
    assert!(live("<p>&lt;script&gt; href=javascript:x onerror=y</p><svg viewBox=\"0 0 1 1\"></svg>").is_empty());
    assert_eq!(live("<p><script>x</script></p>").len(), 2, "open and close tags");
    assert_eq!(live("<b onmouseover=alert(1)>x</b>").len(), 1);
    assert_eq!(live("<a href=\"JavaScript:alert(1)\">x</a>").len(), 1);
    assert_eq!(live("<svg onload=alert(1)>").len(), 1);
    assert_eq!(live("<img src=x>").len(), 1);
}

#[test]
fn reliability_xss_no_payload_is_live_on_any_page() {
    // Every report subcommand of the CLI has a row above.
    let cli = itsm::cli::Cli::command();
    let report = cli.find_subcommand("report").expect("itsm report");
    let reports: BTreeSet<String> = report.get_subcommands().map(|c| c.get_name().to_string()).collect();
    let runs = html_runs();
    let known: BTreeSet<String> = runs.keys().map(|k| k.to_string()).collect();
    assert_eq!(reports, known, "a report was added or removed: give it a row in html_runs()");

    let t = hostile_demo("xss", &MARKUP);
    let d = t.path("d");
    std::fs::write(d.join("note.md"), NOTE).unwrap();
    let escaped: Vec<(&str, String)> = MARKUP
        .fields()
        .into_iter()
        .map(|(f, p)| (f, escape_html(p)))
        .chain([("note", escape_html("<script>alert(9)</script>"))])
        .collect();

    let mut rows: Vec<(String, String, String)> = Vec::new();
    let mut reached: BTreeSet<&str> = BTreeSet::new();
    for (name, run) in &runs {
        let args = match run {
            Ok(args) => args,
            Err(why) => {
                rows.push((format!("`itsm report {name}`"), "—".into(), why.to_string()));
                continue;
            }
        };
        let out = format!("o/{name}");
        let mut args = args.clone();
        args.push(&out);
        itsm_ok(&d, &args);
        let mut pages: Vec<_> = std::fs::read_dir(d.join(&out))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "html"))
            .collect();
        pages.sort();
        assert!(!pages.is_empty(), "itsm report {name} wrote no page");
        for page in pages {
            let html = std::fs::read_to_string(&page).unwrap();
            let file = page.file_name().unwrap().to_string_lossy().to_string();
            let found = live(&html);
            assert!(found.is_empty(), "{name}/{file}: live markup from data: {found:?}");
            let fields: Vec<&str> =
                escaped.iter().filter(|(_, e)| html.contains(e.as_str())).map(|(f, _)| *f).collect();
            assert!(!fields.is_empty(), "{name}/{file} shows none of the payloads: the test would prove nothing");
            reached.extend(fields.iter().copied());
            rows.push((
                format!("`{name}/{file}`"),
                fields.join(", "),
                "escaped; no live element, handler or script URL".into(),
            ));
        }
    }
    // `--format html` of major is refused, not written unescaped.
    let major = itsm(&d, &["report", "major", "--month", "2026-10", "--format", "html"]);
    assert!(!major.status.success());
    // Every field reached some page (so each payload was tried).
    for (field, _) in MARKUP.fields() {
        assert!(reached.contains(field), "the {field} payload reached no page: {reached:?}");
    }
    assert!(reached.contains("note"), "the note's raw HTML is shown as text");

    let mut body = format!(
        "Markup payloads in every text field that reaches a page, run against every HTML output of \
         `itsm report` (enumerated from the CLI definition; a new report fails the test until it \
         has a row). Personal data shown (`--show-personal-data`) so requesters and agents reach \
         the pages. A page passes when none of its tags is a `script`, `img`, `iframe`, `object` or `embed` \
         element, has an `on…=` handler or a `javascript:` URL, the note's remote image host \
         appears nowhere, and the payloads it shows are there escaped.\n\n\
         Payloads: {}; the customer report's note: `{}`.\n\n\
         | page | fields whose payload it shows (escaped) | outcome |\n| --- | --- | --- |\n",
        MARKUP.fields().iter().map(|(f, v)| format!("{f} `{v}`")).collect::<Vec<_>>().join(", "),
        NOTE.trim()
    );
    for (page, fields, outcome) in rows {
        body.push_str(&format!("| {page} | {fields} | {outcome} |\n"));
    }
    doc::section("xss", &body);
}
