//! The CAB's prioritised project list (DESIGN §7) from the CAB KPI tables: `cab.html` (every
//! candidate with its evidence, each normalised term beside its weight, the score; the
//! arithmetic of the four criteria — economics, staffing, technical need, cooperation; the
//! score of each candidate as a stacked bar by term; the sensitivity of the ranking to each
//! weight; and the top problems no candidate addresses) and `cab.csv` (one row per
//! candidate, every column).
//!
//! Must not: score (SQL does) or open the database.

use std::fmt::Write as _;

use super::format::{escape_html, format_number, Lang, NumberFormat};
use crate::table::Table as TypedTable;

/// A table with every value as its text (`None` for NULL), as this page reads them.
struct Table {
    columns: Vec<String>,
    rows: Vec<Vec<Option<String>>>,
}

impl Table {
    fn text(t: &TypedTable) -> Table {
        let rows = t.rows.iter().map(|r| r.iter().map(crate::table::Value::to_text).collect()).collect();
        Table { columns: t.columns.clone(), rows }
    }
    fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }
}

/// The terms of the score in the order shown (grouped by criterion), with their labels.
const TERMS: &[(&str, &str, &str)] = &[
    ("cooperation", "Samverkan (kommuner)", "Cooperation (municipalities)"),
    ("users", "Användare", "Users"),
    ("payback", "Återbetalning", "Payback"),
    ("work_hours", "Arbetstimmar", "Work hours"),
    ("incidents", "Incidenter", "Incidents"),
    ("breaches", "SLA-brott", "SLA breaches"),
    ("staffing", "Bemanning", "Staffing"),
    ("effort", "Insats", "Effort"),
    ("technical", "Tekniskt behov", "Technical need"),
    ("trend", "Trend", "Trend"),
];

/// The value shown above each term (None: the term has no value of its own) and whether
/// it is a decimal.
fn term_value(term: &str) -> Option<(&'static str, bool)> {
    match term {
        "cooperation" => Some(("customers_benefiting", false)),
        "users" => Some(("users", false)),
        "payback" => Some(("payback_months", true)),
        "work_hours" => Some(("work_hours", true)),
        "incidents" => Some(("incidents", false)),
        "breaches" => Some(("breaches", false)),
        "effort" => Some(("effort_days", true)),
        "trend" => Some(("trend", false)),
        _ => None,
    }
}

/// A colour per criterion (the groups of config::CAB_GROUPS), for the score bars.
fn group_colour(term: &str) -> &'static str {
    let group = crate::config::CAB_GROUPS.iter().position(|(_, terms)| terms.contains(&term)).unwrap_or(0);
    ["#1f5f8b", "#c8702a", "#3c8d5a", "#7a4f9a"][group % 4]
}

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

fn is_missing(t: &Table, row: &[Option<String>], col: &str) -> bool {
    get(t, row, col).is_empty()
}

/// Writes the CAB report from `kpi_cab_candidate`, `kpi_cab_unaddressed` and
/// `kpi_cab_sensitivity` rows.
pub fn render(
    candidates: &TypedTable,
    unaddressed: &TypedTable,
    sensitivity: &TypedTable,
    as_of: &str,
    lang: Lang,
) -> CabFiles {
    let (candidates, unaddressed, sensitivity) =
        (&Table::text(candidates), &Table::text(unaddressed), &Table::text(sensitivity));
    let csv_field = super::format::csv_field;
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
                "Poäng = Σ vikt × term; varje term är kandidatens värde delat med det största bland kandidaterna (0–1), återbetalning den kortaste bland kandidaterna delad med kandidatens. Kriterierna: samverkan, ekonomi, bemanning och tekniskt behov. – = inga uppgifter (termen väger 0).",
                "Score = Σ weight × term; each term is the candidate's value over the largest among candidates (0–1), payback the shortest among candidates over the candidate's. The criteria: cooperation, economics, staffing and technical need. – = no data (the term weighs 0)."
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
        for (term, _, _) in TERMS {
            let shown = match term_value(term) {
                Some((value, _)) if is_missing(candidates, r, value) => "–".to_string(),
                Some((value, true)) => dec(num(candidates, r, value)),
                Some((value, false)) => int(num(candidates, r, value)),
                None => String::new(),
            };
            let term_col = format!("term_{term}");
            let term_text = if is_missing(candidates, r, &term_col) {
                "–".to_string()
            } else {
                dec(num(candidates, r, &term_col))
            };
            let _ = write!(h, "<td class=\"num\">{shown}<br><small>{term_text}</small></td>");
        }
        let _ = writeln!(h, "<td class=\"num score\">{}</td></tr>", dec(num(candidates, r, "score")));
    }
    let _ = write!(
        h,
        "</tbody></table>\n<p><small>{}</small></p>\n",
        pick(
            "Under varje värde: termen (0–1). Samverkan: kommuner som får nytta (incidenternas kunder och beställarna; gemensamt räknas som alla). Trend: incidenter de senaste 3 månaderna minus de 3 före. Återbetalning: månader.",
            "Under each value: the term (0–1). Cooperation: municipalities that benefit (the incidents' customers and the requesters; shared counts as all). Trend: incidents in the last 3 months minus the 3 before. Payback: months."
        ),
    );
    criteria(&mut h, candidates, lang);
    score_bars(&mut h, candidates, lang);
    sensitivity_table(&mut h, candidates, sensitivity, lang);
    let _ = write!(
        h,
        "<h2>{}</h2>\n<table><thead><tr><th class=\"num\">#</th><th>{}</th><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th></tr></thead><tbody>\n",
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

/// The arithmetic of economics, staffing and technical need per candidate.
fn criteria(h: &mut String, c: &Table, lang: Lang) {
    let pick = |sv: &'static str, en: &'static str| lang.pick(sv, en);
    let dec = |v: f64| escape_html(&format_number(v, NumberFormat::Decimal, lang));
    let money = |v: f64| escape_html(&format_number(v, NumberFormat::Currency, lang));
    let _ = write!(
        h,
        "<h2>{}</h2>\n<table><thead><tr><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th>\
         <th>{}</th><th>{}</th><th>{}</th><th class=\"num\">{}</th><th>{}</th><th class=\"num\">{}</th></tr></thead><tbody>\n",
        pick("Ekonomi, bemanning och tekniskt behov", "Economics, staffing and technical need"),
        pick("Kandidat", "Candidate"),
        pick("Kostnad", "Cost"),
        pick("Smärtans kostnad per månad", "Monthly cost of the pain"),
        pick("Återbetalning (mån)", "Payback (months)"),
        pick("Grupper", "Teams"),
        pick("Start", "Start"),
        pick("Klar", "Finish"),
        pick("Tekniskt behov (0–5)", "Technical need (0–5)"),
        pick("Supportslut", "End of support"),
        pick("Trend på CI", "Trend on CIs"),
    );
    let missing = |r: &[Option<String>], col: &str| is_missing(c, r, col);
    let no_data = pick("inga uppgifter", "no data");
    for r in &c.rows {
        let payback = if missing(r, "payback_months") && !missing(r, "term_payback") {
            pick("smärtan kostar inget", "the pain costs nothing").to_string()
        } else if missing(r, "payback_months") {
            no_data.to_string()
        } else {
            format!(
                "{} / {} = {}",
                money(num(c, r, "cost")),
                money(num(c, r, "monthly_pain_cost")),
                dec(num(c, r, "payback_months"))
            )
        };
        let (start, finish) = match get(c, r, "staffable") {
            "" => (no_data.to_string(), String::new()),
            "false" => (
                pick("kan inte bemannas inom fyra kvartal", "cannot be staffed within four quarters").to_string(),
                String::new(),
            ),
            _ => (escape_html(get(c, r, "start_label")), escape_html(get(c, r, "finish_label"))),
        };
        let _ = writeln!(
            h,
            "<tr><td><b>{}</b></td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
            escape_html(get(c, r, "candidate_id")),
            if missing(r, "cost") { "–".into() } else { money(num(c, r, "cost")) },
            if missing(r, "monthly_pain_cost") { "–".into() } else { money(num(c, r, "monthly_pain_cost")) },
            payback,
            escape_html(get(c, r, "teams")),
            start,
            finish,
            if missing(r, "technical_need") { "–".into() } else { dec(num(c, r, "technical_need")) },
            escape_html(get(c, r, "end_of_support")),
            if missing(r, "ci_trend") { "–".into() } else { escape_html(get(c, r, "ci_trend")) },
        );
    }
    let _ = writeln!(
        h,
        "</tbody></table>\n<p><small>{}</small></p>",
        pick(
            "Smärtans kostnad per månad = (arbetstimmar på de kopplade incidenterna × internt timpris för den lösande gruppen + SLA-brott × kostnad per brott) / 12. Bemanning: kandidaterna planeras i rangordning utan bemanningstermen; varje grupp tar sin andel av insatsen ur sina fria persondagar per kvartal, de fyra kvartalen efter underlagets. Tekniskt behov: medel av bedömningen / 5, närhet till supportslut (1 när det passerats, 0 vid 24 månader) och trenden på kandidatens CI.",
            "Monthly cost of the pain = (work hours on the linked incidents × the resolving team's internal hourly cost + SLA breaches × cost per breach) / 12. Staffing: candidates are planned in rank order without the staffing term; each team takes its share of the effort from its free person-days per quarter, the four quarters after the evidence's. Technical need: the mean of the judgement / 5, nearness of end of support (1 once passed, 0 at 24 months) and the trend on the candidate's CIs."
        )
    );
}

/// Each candidate's score as a horizontal bar stacked by term (weight × term), coloured by
/// criterion; an inline SVG.
fn score_bars(h: &mut String, c: &Table, lang: Lang) {
    let pick = |sv: &'static str, en: &'static str| lang.pick(sv, en);
    let (label_w, bar_w, row_h) = (160.0, 560.0, 22.0);
    let max = c.rows.iter().map(|r| num(c, r, "score")).fold(0.0_f64, f64::max).max(1e-9);
    let height = row_h * c.rows.len() as f64 + 40.0;
    let _ = write!(
        h,
        "<h2>{}</h2>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{height}\" role=\"img\" font-family=\"Arial\" font-size=\"11\">\n",
        pick("Poäng per term", "Score by term"),
        label_w + bar_w + 60.0
    );
    for (i, r) in c.rows.iter().enumerate() {
        let y = i as f64 * row_h;
        let _ = write!(
            h,
            "<text x=\"0\" y=\"{:.1}\">{}</text>",
            y + 15.0,
            escape_html(&format!("{} {}", get(c, r, "cab_rank"), get(c, r, "candidate_id")))
        );
        let mut x = label_w;
        for (term, sv, en) in TERMS {
            let part = num(c, r, &format!("w_{term}")) * num(c, r, &format!("term_{term}"));
            if part <= 0.0 {
                continue;
            }
            let w = part / max * bar_w;
            let _ = write!(
                h,
                "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{:.1}\" fill=\"{}\" stroke=\"#fff\"><title>{}: {}</title></rect>",
                y + 3.0,
                row_h - 6.0,
                group_colour(term),
                escape_html(lang.pick(sv, en)),
                escape_html(&format_number(part, NumberFormat::Decimal, lang)),
            );
            x += w;
        }
        let _ = writeln!(
            h,
            "<text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            x + 4.0,
            y + 15.0,
            escape_html(&format_number(num(c, r, "score"), NumberFormat::Decimal, lang))
        );
    }
    let legend_y = row_h * c.rows.len() as f64 + 20.0;
    let groups = [
        ("Samverkan", "Cooperation"),
        ("Ekonomi", "Economics"),
        ("Bemanning", "Staffing"),
        ("Tekniskt behov", "Technical need"),
    ];
    for (i, ((sv, en), colour)) in groups.iter().zip(["#1f5f8b", "#c8702a", "#3c8d5a", "#7a4f9a"]).enumerate() {
        let x = label_w + i as f64 * 140.0;
        let _ = write!(
            h,
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"10\" height=\"10\" fill=\"{colour}\"/><text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            legend_y - 9.0,
            x + 14.0,
            legend_y,
            escape_html(lang.pick(sv, en))
        );
    }
    let _ = writeln!(h, "\n</svg>");
}

/// The rank of every candidate with each weight 50 % lower and higher, and which stay in
/// the top 3 under every variation.
fn sensitivity_table(h: &mut String, c: &Table, s: &Table, lang: Lang) {
    let pick = |sv: &'static str, en: &'static str| lang.pick(sv, en);
    let mut variations: Vec<(String, String)> = Vec::new();
    for r in &s.rows {
        let v = (get(s, r, "term").to_string(), get(s, r, "change").to_string());
        if !variations.contains(&v) {
            variations.push(v);
        }
    }
    let label = |term: &str| {
        TERMS.iter().find(|(t, _, _)| *t == term).map_or(term.to_string(), |(_, sv, en)| lang.pick(sv, en).to_string())
    };
    let _ = write!(
        h,
        "<h2>{}</h2>\n<p><small>{}</small></p>\n<table><thead><tr><th>{}</th><th class=\"num\">{}</th>",
        pick("Hur rangordningen beror på vikterna", "How the ranking depends on the weights"),
        pick(
            "Varje vikt (≠ 0) sänkt och höjd med 50 %, övriga vikter skalade så att summan är densamma; bemanningstermen behåller sitt värde. Robust: bland de tre främsta i grundrangordningen och under varje variation.",
            "Each weight (≠ 0) lowered and raised by 50 %, the other weights scaled so the sum stays the same; the staffing term keeps its value. Robust: in the top 3 in the base ranking and under every variation."
        ),
        pick("Kandidat", "Candidate"),
        pick("Rang", "Rank"),
    );
    for (term, change) in &variations {
        let _ = write!(h, "<th class=\"num\">{}<br>{}</th>", escape_html(&label(term)), escape_html(change));
    }
    let _ = writeln!(h, "<th>{}</th></tr></thead><tbody>", pick("Topp 3", "Top 3"));
    for r in &c.rows {
        let id = get(c, r, "candidate_id");
        let mine: Vec<&Vec<Option<String>>> = s.rows.iter().filter(|x| get(s, x, "candidate_id") == id).collect();
        let _ = write!(
            h,
            "<tr><td><b>{}</b></td><td class=\"num\">{}</td>",
            escape_html(id),
            escape_html(get(c, r, "cab_rank"))
        );
        for (term, change) in &variations {
            let rank = mine
                .iter()
                .find(|x| get(s, x, "term") == term && get(s, x, "change") == change)
                .map_or("", |x| get(s, x, "variation_rank"));
            let _ = write!(h, "<td class=\"num\">{}</td>", escape_html(rank));
        }
        let verdict = match mine.first() {
            None => "",
            Some(x) if get(s, x, "robust_top3") == "true" => pick("robust", "robust"),
            Some(x) if num(s, x, "top3_variations") > 0.0 => pick("under vissa vikter", "under some weights"),
            Some(_) => "",
        };
        let _ = writeln!(h, "<td>{verdict}</td></tr>");
    }
    let _ = writeln!(h, "</tbody></table>");
}
