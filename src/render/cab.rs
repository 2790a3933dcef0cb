//! The CAB's prioritised project list (DESIGN §7) from the CAB KPI tables: `cab.html` (every
//! candidate with its evidence, each normalised term beside its weight, the score, and the
//! top problems no candidate addresses) and `cab.csv` (one row per candidate, every column).
//!
//! Must not: score (SQL does) or open the database.

use std::fmt::Write as _;

use super::format::{escape_html, format_number, Lang, NumberFormat};
use super::Table;

/// The terms of the score in the order shown, with their labels.
const TERMS: &[(&str, &str, &str)] = &[
    ("cooperation", "Samverkan (kommuner)", "Cooperation (municipalities)"),
    ("incidents", "Incidenter", "Incidents"),
    ("work_hours", "Arbetstimmar", "Work hours"),
    ("breaches", "SLA-brott", "SLA breaches"),
    ("users", "Användare", "Users"),
    ("trend", "Trend", "Trend"),
    ("effort", "Insats", "Effort"),
];

/// The CAB report's two files.
#[derive(Debug, Clone)]
pub struct CabFiles {
    /// cab.html.
    pub html: String,
    /// cab.csv.
    pub csv: String,
}

fn get<'a>(t: &'a Table, row: &'a [Option<String>], col: &str) -> &'a str {
    t.column(col).and_then(|i| row.get(i)).and_then(|c| c.as_deref()).unwrap_or("")
}

fn num(t: &Table, row: &[Option<String>], col: &str) -> f64 {
    get(t, row, col).parse().unwrap_or(0.0)
}

/// Writes the CAB report from `kpi_cab_candidate` and `kpi_cab_unaddressed` rows.
pub fn render(candidates: &Table, unaddressed: &Table, as_of: &str, lang: Lang) -> CabFiles {
    let csv_field = crate::cli::format::csv_field;
    let mut csv = candidates.columns.join(",");
    csv.push('\n');
    for r in &candidates.rows {
        let cells: Vec<String> = r.iter().map(|c| csv_field(c.as_deref().unwrap_or(""))).collect();
        csv.push_str(&cells.join(","));
        csv.push('\n');
    }
    let pick = |sv: &'static str, en: &'static str| lang.pick(sv, en);
    let dec = |v: f64| escape_html(&format_number(v, NumberFormat::Decimal, lang));
    let int = |v: f64| escape_html(&format_number(v, NumberFormat::Integer, lang));
    let mut h = String::new();
    let title = pick("Prioriterade förändringar och projekt", "Prioritised changes and projects");
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n<style>\
         body{{font-family:Arial,sans-serif;max-width:1200px;margin:auto;padding:16px;color:#1a1a1a}}\
         table{{border-collapse:collapse;width:100%;font-size:12px;margin:8px 0 16px}}th,td{{border-bottom:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}}\
         td.num,th.num{{text-align:right}}th{{background:#f0f4f8}}.score{{font-weight:700}}@page{{size:A4 landscape;margin:12mm}}\
         footer{{font-size:11px;color:#555;border-top:1px solid #ccc;margin-top:24px}}</style>\n</head>\n<body>\n<h1>{title}</h1>\n<p>{}</p>\n",
        lang.code(),
        escape_html(&format!(
            "{} {as_of}. {}",
            pick("Underlag för de 12 månaderna före", "Evidence from the 12 months before"),
            pick(
                "Poäng = Σ vikt × term; varje term är kandidatens värde delat med det största bland kandidaterna (0–1).",
                "Score = Σ weight × term; each term is the candidate's value over the largest among candidates (0–1)."
            )
        )),
    );
    let _ = write!(
        h,
        "<table><thead><tr><th class=\"num\">#</th><th>{}</th><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th>",
        pick("Kandidat", "Candidate"),
        pick("Beställare", "Requested by"),
        pick("Insats (dagar)", "Effort (days)"),
        pick("Kostnad", "Cost"),
    );
    let weight_of = |term: &str| candidates.rows.first().map_or(0.0, |r| num(candidates, r, &format!("w_{term}")));
    for (term, sv, en) in TERMS {
        let _ = write!(
            h,
            "<th class=\"num\">{}<br>{} {}</th>",
            escape_html(lang.pick(sv, en)),
            pick("vikt", "weight"),
            dec(weight_of(term))
        );
    }
    let _ = write!(h, "<th class=\"num\">{}</th></tr></thead><tbody>\n", pick("Poäng", "Score"));
    let values: &[(&str, bool)] = &[
        ("customers_benefiting", false),
        ("incidents", false),
        ("work_hours", true),
        ("breaches", false),
        ("users", false),
        ("trend", false),
        ("effort_days", true),
    ];
    for r in &candidates.rows {
        let _ = write!(
            h,
            "<tr><td class=\"num\">{}</td><td><b>{}</b> {}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>",
            escape_html(get(candidates, r, "cab_rank")),
            escape_html(get(candidates, r, "candidate_id")),
            escape_html(get(candidates, r, "title")),
            escape_html(get(candidates, r, "requesting_customers")),
            dec(num(candidates, r, "effort_days")),
            escape_html(&format_number(num(candidates, r, "cost"), NumberFormat::Currency, lang)),
        );
        for ((term, _, _), (value, decimal)) in TERMS.iter().zip(values) {
            let v = num(candidates, r, value);
            let _ = write!(
                h,
                "<td class=\"num\">{}<br><small>{}</small></td>",
                if *decimal { dec(v) } else { int(v) },
                dec(num(candidates, r, &format!("term_{term}")))
            );
        }
        let _ = writeln!(h, "<td class=\"num score\">{}</td></tr>", dec(num(candidates, r, "score")));
    }
    let _ = write!(
        h,
        "</tbody></table>\n<p><small>{}</small></p>\n<h2>{}</h2>\n<table><thead><tr><th class=\"num\">#</th><th>{}</th><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th></tr></thead><tbody>\n",
        pick(
            "Under varje värde: termen (0–1). Samverkan: kommuner som får nytta (incidenternas kunder och beställarna; gemensamt räknas som alla). Trend: incidenter de senaste 3 månaderna minus de 3 före.",
            "Under each value: the term (0–1). Cooperation: municipalities that benefit (the incidents' customers and the requesters; shared counts as all). Trend: incidents in the last 3 months minus the 3 before."
        ),
        pick("Problem som ingen kandidat tar hand om", "Unaddressed problems"),
        pick("Problem", "Problem"),
        pick("Rubrik", "Title"),
        pick("Incidenter", "Incidents"),
        pick("Kunder", "Customers"),
        pick("Arbetstimmar", "Work hours"),
    );
    for r in &unaddressed.rows {
        let _ = writeln!(
            h,
            "<tr><td class=\"num\">{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape_html(get(unaddressed, r, "unaddressed_rank")),
            escape_html(get(unaddressed, r, "problem_id")),
            escape_html(get(unaddressed, r, "title")),
            int(num(unaddressed, r, "incidents")),
            int(num(unaddressed, r, "customers_affected")),
            dec(num(unaddressed, r, "work_hours")),
        );
    }
    let _ =
        write!(h, "</tbody></table>\n<footer><p>itsm {}</p></footer>\n</body>\n</html>\n", env!("CARGO_PKG_VERSION"));
    CabFiles { html: h, csv }
}
