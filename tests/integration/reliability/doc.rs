//! docs/reliability.md is assembled from sections; each reliability test owns one section and
//! rewrites only it, between `<!-- section: NAME -->` and `<!-- end: NAME -->` markers. The tests
//! of one run share a process, so a mutex keeps two sections from being written at once.

use std::path::PathBuf;
use std::sync::Mutex;

static LOCK: Mutex<()> = Mutex::new(());

/// The order sections appear in when the page is first written.
const ORDER: &[&str] = &["summary", "corpus", "fuzz", "locks", "disk", "api", "injection", "xss"];

const HEAD: &str = "# Reliability and security in figures\n\n\
This page is written by the tests: `cargo test --release --test integration reliability` \
regenerates every section below from what the tests tried and saw. Do not edit it by hand.\n";

fn page() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/reliability.md")
}

/// Replaces section `name` of docs/reliability.md with `body` (markdown, without the markers).
pub fn section(name: &str, body: &str) {
    assert!(ORDER.contains(&name), "unknown reliability section {name}");
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let path = page();
    let old = std::fs::read_to_string(&path).unwrap_or_default();
    let text = replace(&old, name, body);
    if text != old {
        std::fs::write(&path, text).expect("write docs/reliability.md");
    }
}

fn markers(name: &str) -> (String, String) {
    (format!("<!-- section: {name} -->\n"), format!("<!-- end: {name} -->\n"))
}

fn replace(old: &str, name: &str, body: &str) -> String {
    let mut text = if old.is_empty() { HEAD.to_string() } else { old.to_string() };
    for n in ORDER {
        let (start, end) = markers(n);
        if !text.contains(&start) {
            text.push_str(&format!("\n{start}{end}"));
        }
    }
    let (start, end) = markers(name);
    let from = text.find(&start).unwrap() + start.len();
    let to = from + text[from..].find(&end).expect("section end marker");
    let mut body = body.trim_end().to_string();
    body.push('\n');
    text.replace_range(from..to, &body);
    text
}

#[test]
fn reliability_sections_are_replaced_in_place_and_others_kept() {
    let once = replace("", "corpus", "a\n");
    let twice = replace(&once, "fuzz", "b");
    let again = replace(&twice, "corpus", "c");
    assert!(again.starts_with(HEAD));
    assert!(again.contains("<!-- section: corpus -->\nc\n<!-- end: corpus -->"));
    assert!(again.contains("<!-- section: fuzz -->\nb\n<!-- end: fuzz -->"));
    assert!(again.find("section: corpus").unwrap() < again.find("section: fuzz").unwrap());
    assert_eq!(replace(&again, "fuzz", "b"), again);
}
