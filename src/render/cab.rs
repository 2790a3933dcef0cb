//! The CAB's prioritised project list (DESIGN §7) from the CAB KPI tables: `cab.html` (the
//! template `reports/cab.md` drawn by [`super::tables`] in the page shell: every candidate
//! with its evidence, each normalised term under its value and its weight in the header,
//! the score; the arithmetic of the four criteria (economics, staffing, technical need,
//! cooperation); the score of each candidate as a bar stacked by term (`part_<term>`); the
//! rank under each varied weight (a pivot of `kpi_cab_sensitivity`); the top problems no
//! candidate addresses) and `cab.csv` (one row per candidate, every column).
//!
//! Must not: score (SQL does) or open the database.

use std::collections::BTreeMap;

use super::format::{csv_field, Lang};
use super::shell::{document, Provenance, Shell};
use super::tables::{body, cell, PageError, TablePage};
use super::Table;

/// The shipped CAB page template, compiled in.
pub const TEMPLATE: &str = include_str!("../../reports/cab.md");

/// The CAB report's two files.
#[derive(Debug, Clone)]
pub struct CabFiles {
    /// cab.html.
    pub html: String,
    /// cab.csv.
    pub csv: String,
}

/// Writes the CAB report from `kpi_cab_candidate`, `kpi_cab_unaddressed` and
/// `kpi_cab_sensitivity` rows (candidates in rank order).
pub fn render(
    template: &super::Template,
    candidates: &Table,
    unaddressed: &Table,
    sensitivity: &Table,
    as_of: &str,
    lang: Lang,
) -> Result<CabFiles, PageError> {
    let mut csv = candidates.columns.join(",");
    csv.push('\n');
    for r in 0..candidates.rows.len() {
        let cells: Vec<String> =
            candidates.columns.iter().map(|c| csv_field(&cell(candidates, r, c).unwrap_or_default())).collect();
        csv.push_str(&cells.join(","));
        csv.push('\n');
    }
    let page = TablePage {
        template,
        tables: BTreeMap::from([
            ("kpi_cab_candidate", candidates),
            ("kpi_cab_unaddressed", unaddressed),
            ("kpi_cab_sensitivity", sensitivity),
        ]),
        lang,
        month: None,
        variables: BTreeMap::new(),
        show_personal: false,
        salt: "",
    };
    let main = body(&page)?;
    let subtitle =
        format!("{} {as_of}", lang.pick("Underlag för de 12 månaderna före", "Evidence from the 12 months before"));
    let title = template.front.title.get(lang);
    let provenance = Provenance { as_of: Some(as_of.to_string()), ..Provenance::default() };
    let html = document(&Shell { lang, title, subtitle: &subtitle, wide: true, provenance: &provenance }, &main);
    Ok(CabFiles { html, csv })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::parse_template;

    #[test]
    fn the_shipped_template_parses_and_draws_tables_only() {
        let t = parse_template("reports/cab.md", TEMPLATE).expect("cab.md parses");
        let blocks: Vec<_> = t
            .items
            .iter()
            .filter_map(|i| if let crate::render::template::Item::Figure(b) = i { Some(b) } else { None })
            .collect();
        assert_eq!(blocks.len(), 5);
        assert!(blocks.iter().all(|b| b.kind == crate::render::template::BlockKind::Table));
    }

    #[test]
    fn every_part_of_the_score_bar_has_its_criterion_s_colour() {
        let t = parse_template("reports/cab.md", TEMPLATE).expect("cab.md parses");
        let bars = t
            .items
            .iter()
            .find_map(|i| match i {
                crate::render::template::Item::Figure(b) if !b.spec.bars.is_empty() => Some(&b.spec),
                _ => None,
            })
            .expect("a bar block");
        let legend: Vec<&str> = bars.legend.iter().map(|l| l.colour.as_str()).collect();
        for (criterion, terms) in crate::config::CAB_GROUPS {
            let colours: Vec<&str> = terms.iter().map(|t| bars.colours[&format!("part_{t}")].as_str()).collect();
            assert!(colours.iter().all(|c| *c == colours[0]), "{criterion}: {colours:?}");
            assert!(legend.contains(&colours[0]), "{criterion}");
        }
        assert_eq!(bars.bars["score"].len(), crate::config::CAB_TERMS.len());
    }
}
