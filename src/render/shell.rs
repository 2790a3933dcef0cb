//! The page shell: the one HTML document every report page is written into — doctype,
//! language, title, the one stylesheet (`style.css`, compiled in), the header, the page's
//! body, and a footer that says where the figures come from — and the template prose
//! (Markdown) every page shares.
//!
//! Owns how a page looks around its figures. Must not: know what a report shows (the
//! monthly page, the billing basis and the CAB list pass their body in) or compute figures.
//! Every text from data or configuration is escaped here or by the caller with
//! [`escape_html`]; template prose is Markdown whose raw HTML is shown as text.

use std::fmt::Write as _;

use pulldown_cmark::{html::push_html, Event, Options, Parser, Tag, TagEnd};

use super::format::{escape_html, Lang};
use super::template::localize;

/// The one stylesheet of every page: A4 print layout (`body.wide` prints landscape), tiles,
/// figures, tables and the footer.
pub const STYLE: &str = include_str!("style.css");

/// Where a page's figures come from, printed in its footer. Absent parts are left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Provenance {
    /// The period shown ("oktober 2026").
    pub period: Option<String>,
    /// The data's as-of instant, as it is to be read.
    pub as_of: Option<String>,
    /// The configuration's hash (the first 12 hex digits are printed).
    pub config: Option<String>,
    /// The source batches, one text each (`None`: the page does not list them).
    pub sources: Option<Vec<String>>,
    /// Whether personal data is shown as is (`Some(false)`: pseudonymised); `None`: the page
    /// shows no personal data.
    pub personal_shown: Option<bool>,
}

/// A page around its body.
#[derive(Debug, Clone)]
pub struct Shell<'a> {
    /// The page's language.
    pub lang: Lang,
    /// The title (the `<h1>` and the document title).
    pub title: &'a str,
    /// The line under the title (the period, or what the page is as of); may be empty.
    pub subtitle: &'a str,
    /// A wide page: printed A4 landscape.
    pub wide: bool,
    /// The footer's provenance.
    pub provenance: &'a Provenance,
}

/// The HTML document: `main` is the page's body (already HTML, every data value escaped).
pub fn document(shell: &Shell<'_>, main: &str) -> String {
    let lang = shell.lang;
    let title = escape_html(shell.title);
    let subtitle = escape_html(shell.subtitle);
    let doc_title = if subtitle.is_empty() { title.clone() } else { format!("{title} – {subtitle}") };
    let class = if shell.wide { " class=\"wide\"" } else { "" };
    let mut out = String::with_capacity(main.len() + STYLE.len() + 2048);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{doc_title}</title>\n\
         <style>\n{STYLE}</style>\n</head>\n<body{class}>\n<header>\n<h1>{title}</h1>\n<p>{subtitle}</p>\n</header>\n<main>\n",
        lang.code(),
    );
    out.push_str(main);
    out.push_str("</main>\n");
    footer(lang, shell.provenance, &mut out);
    out.push_str("</body>\n</html>\n");
    out
}

/// The footer: one line of period, as-of, configuration and tool version, then the sources
/// and the personal-data note when the page has them.
fn footer(lang: Lang, p: &Provenance, out: &mut String) {
    let mut line = Vec::new();
    let config = p.config.as_deref().map(|c| c.get(..12).unwrap_or(c));
    let labelled = [
        (lang.pick("Period", "Period"), p.period.as_deref()),
        (lang.pick("Data till och med", "Data as of"), p.as_of.as_deref()),
        (lang.pick("Konfiguration", "Configuration"), config),
    ];
    for (label, value) in labelled {
        if let Some(v) = value {
            line.push(format!("{label}: {}", escape_html(v)));
        }
    }
    line.push(format!("itsm {}", env!("CARGO_PKG_VERSION")));
    let _ = write!(out, "<footer>\n<p>{}</p>\n", line.join(" · "));
    if let Some(sources) = &p.sources {
        let _ = writeln!(out, "<p>{}: {}</p>", lang.pick("Källor", "Sources"), escape_html(&sources.join("; ")));
    }
    match p.personal_shown {
        Some(true) => {
            let note = lang.pick(
                "Personuppgifter visas i klartext (--show-personal-data).",
                "Personal data is shown as is (--show-personal-data).",
            );
            let _ = writeln!(out, "<p>{note}</p>");
        }
        Some(false) => {
            let note = lang.pick(
                "Personuppgifter (beställare, handläggare) visas pseudonymiserade.",
                "Personal data (requesters, agents) is shown pseudonymised.",
            );
            let _ = writeln!(out, "<p>{note}</p>");
        }
        None => {}
    }
    out.push_str("</footer>\n");
}

/// Template prose (Markdown with `[[sv|en]]` pairs) as HTML in `lang`; raw HTML in it is
/// shown as text, never passed through. A link keeps its target only when it is `http:`,
/// `https:`, `mailto:` or a `#fragment` (a `javascript:` or `data:` link is shown as its
/// text); an image is shown as its alt text, so a note can neither run code nor make the
/// page fetch anything.
pub fn markdown(text: &str, lang: Lang, out: &mut String) {
    let text = localize(text, lang);
    let mut kept_links: Vec<bool> = Vec::new();
    let parser = Parser::new_ext(&text, Options::ENABLE_TABLES).filter_map(|e| match e {
        Event::Html(h) | Event::InlineHtml(h) => Some(Event::Text(h)),
        Event::Start(Tag::Link { ref dest_url, .. }) => {
            let keep = safe_link(dest_url);
            kept_links.push(keep);
            keep.then_some(e)
        }
        Event::End(TagEnd::Link) => kept_links.pop().unwrap_or(false).then_some(e),
        Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => None,
        other => Some(other),
    });
    push_html(out, parser);
}

/// Whether a link target from a template or note may stay a link.
fn safe_link(url: &str) -> bool {
    let u = url.trim().to_ascii_lowercase();
    u.starts_with("http://") || u.starts_with("https://") || u.starts_with("mailto:") || u.starts_with('#')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_links_keep_safe_targets_only_and_images_become_text() {
        let mut out = String::new();
        markdown(
            "[a](javascript:alert(1)) [b](https://example.org) [c]( JavaScript:x) ![pic](http://evil.example/x.png) <script>x</script>",
            Lang::En,
            &mut out,
        );
        assert!(!out.contains("javascript:") && !out.contains("JavaScript:") && !out.contains("<img"), "{out}");
        assert!(!out.contains("<script") && out.contains("&lt;script&gt;"), "{out}");
        assert!(out.starts_with("<p>a <a href=\"https://example.org\">b</a> c pic "), "{out}");
    }

    #[test]
    fn the_document_is_self_contained_and_escapes_its_texts() {
        let provenance = Provenance {
            period: Some("October 2026".into()),
            as_of: Some("31 Oct 2026 19:32".into()),
            config: Some("0123456789abcdef".into()),
            sources: Some(vec!["#1 <x>.csv".into()]),
            personal_shown: Some(false),
        };
        let shell =
            Shell { lang: Lang::En, title: "A & B", subtitle: "October 2026", wide: false, provenance: &provenance };
        let html = document(&shell, "<p>body</p>\n");
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"), "{html}");
        assert!(html.contains("<title>A &amp; B – October 2026</title>") && html.contains("<h1>A &amp; B</h1>"));
        assert!(html.contains("<main>\n<p>body</p>\n</main>"));
        assert!(html.contains(&format!(
            "<footer>\n<p>Period: October 2026 · Data as of: 31 Oct 2026 19:32 · Configuration: 0123456789ab · itsm {}</p>\n\
             <p>Sources: #1 &lt;x&gt;.csv</p>\n<p>Personal data (requesters, agents) is shown pseudonymised.</p>\n</footer>",
            env!("CARGO_PKG_VERSION")
        )));
        assert!(!html.contains("<script") && !html.contains("http://") && !html.contains("https://"));
        let bare = Provenance::default();
        let wide = document(&Shell { lang: Lang::Sv, title: "T", subtitle: "", wide: true, provenance: &bare }, "");
        assert!(wide.contains("<title>T</title>") && wide.contains("<body class=\"wide\">"));
        assert!(wide.contains(&format!("<footer>\n<p>itsm {}</p>\n</footer>", env!("CARGO_PKG_VERSION"))));
    }

    #[test]
    fn markdown_prose_shows_raw_html_as_text() {
        let mut out = String::new();
        markdown("## [[Rubrik|Heading]]\n\n<script>x</script> and <b>y</b>\n", Lang::En, &mut out);
        assert!(out.contains("<h2>Heading</h2>") && !out.contains("<script") && !out.contains("<b>"), "{out}");
    }
}
