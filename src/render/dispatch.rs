//! The Dispatcher's list of open tickets at risk (DESIGN §7a) in three forms: an aligned
//! text table for a terminal (coloured by risk when asked), CSV for a spreadsheet, and a
//! self-contained page (`reports/dispatch.md` drawn by [`super::tables`] in the page shell)
//! with the backtest's Brier scores and reliability table; and the backtest as CSV.
//!
//! Must not: forecast, score or open the database — the report layer hands over the rows
//! of `kpi_dispatch` (with `deadline` already local text and `forecast_note` filled) and
//! of the backtest models, and says which states' forecasts are shown.

use std::collections::BTreeMap;

use super::format::{csv_field, escape_html, terminal_text, Lang};
use super::shell::{document, Provenance, Shell};
use super::tables::{body, cell, number, PageError, TablePage};
use super::{parse_template, Table};

/// The shipped page template, compiled in.
pub const TEMPLATE: &str = include_str!("../../reports/dispatch.md");

/// The columns of the list in CSV and text, in order.
pub const COLUMNS: &[&str] = &[
    "ticket_id",
    "title",
    "customer",
    "team",
    "team_line",
    "priority",
    "state",
    "target_minutes",
    "used_minutes",
    "paused_minutes",
    "left_minutes",
    "deadline",
    "pct_used",
    "breach_probability",
    "forecast_level",
    "sample_size",
];

/// `table`'s `COLUMNS` as CSV (RFC 4180; ticket text never becomes a formula).
pub fn csv(table: &Table) -> String {
    let mut out = COLUMNS.join(",");
    out.push('\n');
    for r in 0..table.rows.len() {
        let cells: Vec<String> = COLUMNS.iter().map(|c| csv_field(&cell(table, r, c).unwrap_or_default())).collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

/// ANSI colours of a row by risk: red when breached or at least 50 %, yellow from 20 %.
fn risk_colour(table: &Table, row: usize) -> Option<&'static str> {
    let p = number(table, row, "breach_probability");
    let breached = cell(table, row, "forecast_level").as_deref() == Some("breached");
    match p {
        _ if breached => Some("\x1b[31m"),
        Some(p) if p >= 0.5 => Some("\x1b[31m"),
        Some(p) if p >= 0.2 => Some("\x1b[33m"),
        _ => None,
    }
}

/// `table`'s `COLUMNS` (title cut to 40 characters) as aligned text; `colour`: each row in
/// its risk colour (for a terminal).
pub fn text(table: &Table, colour: bool) -> String {
    let shown: Vec<&str> = COLUMNS.iter().copied().filter(|c| *c != "team_line").collect();
    let rows: Vec<Vec<String>> = (0..table.rows.len())
        .map(|r| {
            shown
                .iter()
                .map(|c| {
                    // Before the title is shortened: a long title's control characters too.
                    let text = terminal_text(&cell(table, r, c).unwrap_or_default());
                    if *c == "title" && text.chars().count() > 40 {
                        format!("{}…", text.chars().take(39).collect::<String>())
                    } else {
                        text
                    }
                })
                .collect()
        })
        .collect();
    let mut widths: Vec<usize> = shown.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let padded: Vec<String> =
            cells.iter().zip(&widths).map(|(c, w)| format!("{c}{}", " ".repeat(w - c.chars().count()))).collect();
        padded.join("  ").trim_end().to_string()
    };
    let mut out = line(&shown.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    out.push('\n');
    for (r, row) in rows.iter().enumerate() {
        match risk_colour(table, r).filter(|_| colour) {
            Some(c) => out.push_str(&format!("{c}{}\x1b[0m", line(row))),
            None => out.push_str(&line(row)),
        }
        out.push('\n');
    }
    out
}

/// The backtest as CSV: per state a row with decile `all` and the Brier scores, then its
/// reliability rows (decile 0–9: forecasts, mean forecast, observed share, naive mean).
pub fn backtest_csv(scores: &Table, reliability: &Table) -> String {
    let mut out = String::from(
        "state,decile,forecasts,breached,mean_forecast,observed_share,naive_mean,brier,naive_brier,beats_naive\n",
    );
    for s in 0..scores.rows.len() {
        let state = cell(scores, s, "state").unwrap_or_default();
        let c = |col: &str| csv_field(&cell(scores, s, col).unwrap_or_default());
        out.push_str(&format!(
            "{},all,{},{},,,,{},{},{}\n",
            csv_field(&state),
            c("forecasts"),
            c("breached"),
            c("brier"),
            c("naive_brier"),
            c("beats_naive")
        ));
        for r in 0..reliability.rows.len() {
            if cell(reliability, r, "state").as_deref() != Some(state.as_str()) {
                continue;
            }
            let c = |col: &str| csv_field(&cell(reliability, r, col).unwrap_or_default());
            out.push_str(&format!(
                "{},{},{},,{},{},{},,,\n",
                csv_field(&state),
                c("decile"),
                c("forecasts"),
                c("mean_forecast"),
                c("observed_share"),
                c("naive_mean")
            ));
        }
    }
    out
}

/// What the page says besides its tables.
#[derive(Debug, Clone)]
pub struct DispatchPage<'a> {
    /// The instant the list is as of, as it is to be read ("2026-10-30 12:00").
    pub as_of: &'a str,
    /// The backtest's period, as it is to be read ("2026-04 – 2026-09, 125 business days").
    pub backtest_period: &'a str,
    /// States (`running`, `paused`) whose forecast did not beat the naive one: their
    /// probability is not shown.
    pub hidden_states: &'a [String],
    /// The page's language.
    pub lang: Lang,
}

/// dispatch.html from the list and the backtest's tables.
pub fn html(list: &Table, scores: &Table, reliability: &Table, page: &DispatchPage<'_>) -> Result<String, PageError> {
    let template = parse_template("reports/dispatch.md", TEMPLATE)?;
    let lang = page.lang;
    let tables = TablePage {
        template: &template,
        tables: BTreeMap::from([
            ("kpi_dispatch", list),
            ("kpi_dispatch_backtest", scores),
            ("kpi_dispatch_reliability", reliability),
        ]),
        lang,
        month: None,
        variables: BTreeMap::new(),
        show_personal: false,
        salt: "",
    };
    let mut main = String::new();
    let state_name = |s: &str| -> String {
        match s {
            "running" => lang.pick("pågående", "running").to_string(),
            "paused" => lang.pick("pausade", "paused").to_string(),
            other => other.to_string(),
        }
    };
    if !page.hidden_states.is_empty() {
        let states: Vec<String> = page.hidden_states.iter().map(|s| state_name(s)).collect();
        let text = format!(
            "{} {} {}",
            lang.pick("För", "For"),
            states.join(lang.pick(" och ", " and ")),
            lang.pick(
                "ärenden slog prognosen inte den naiva (andel av målet som förbrukats) i återspelningen nedan: där visas bara andel förbrukat.",
                "tickets the forecast did not beat the naive one (share of target used) in the backtest below: only % used is shown there."
            )
        );
        main.push_str(&format!("<p class=\"note\">{}</p>\n", escape_html(&text)));
    }
    main.push_str(&format!(
        "<p>{} {}</p>\n",
        escape_html(lang.pick("Återspelningens period:", "Backtest period:")),
        escape_html(page.backtest_period)
    ));
    main.push_str(&body(&tables)?);
    let title = template.front.title.get(lang);
    let subtitle = format!("{} {}", lang.pick("Läget", "As of"), page.as_of);
    let provenance = Provenance { as_of: Some(page.as_of.to_string()), ..Provenance::default() };
    Ok(document(&Shell { lang, title, subtitle: &subtitle, wide: true, provenance: &provenance }, &main))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::Value;

    fn list() -> Table {
        let mut t = Table { columns: COLUMNS.iter().map(|c| c.to_string()).collect(), rows: Vec::new() };
        let mut row: Vec<Value> = COLUMNS.iter().map(|_| Value::Null).collect();
        row[0] = Value::Text("INC1".into());
        row[1] = Value::Text("=HYPERLINK(\"x\")".into());
        row[13] = Value::Float(0.6);
        row[14] = Value::Text("priority".into());
        t.rows.push(row);
        t
    }

    #[test]
    fn csv_guards_formulas_and_text_colours_only_when_asked() {
        let csv = csv(&list());
        assert!(csv.contains("INC1,\"'=HYPERLINK(\"\"x\"\")\""), "{csv}");
        assert!(text(&list(), true).contains("\x1b[31m"));
        assert!(!text(&list(), false).contains('\x1b'));
        // A long title is shortened after its control characters are gone: one line per row.
        let mut long = list();
        long.rows[0][1] = Value::Text(format!("{}\n\x1b[2J{}", "x".repeat(20), "y".repeat(40)));
        let shown = text(&long, false);
        assert_eq!(shown.lines().count(), 2, "{shown}");
        assert!(!shown.contains('\x1b') && shown.contains("xxxxxxxxxxxxxxxxxxxx  [2Jyyyy"), "{shown}");
    }

    #[test]
    fn the_shipped_template_parses() {
        parse_template("reports/dispatch.md", TEMPLATE).expect("dispatch.md parses");
    }
}
