//! The Dispatcher's list (DESIGN §7a): every SLA ticket open at an instant with its clock,
//! deadline and forecast probability of breach (`kpi_dispatch`), and the forecast's
//! backtest (`kpi_dispatch_backtest`, `kpi_dispatch_reliability`) over every business day
//! 12:00 of a range of months.
//!
//! The models read their instants from the input relation `cfg_dispatch_as_of` (the build
//! fills it with the build's as-of). For another instant, or the backtest's many, the
//! models' SQL runs as it is with `cfg_dispatch_as_of` bound as a CTE of the same name
//! (over a bound parameter, or the business days of `local_day`) — as the CAB report does;
//! the SQL is never edited. Must not: compute figures (SQL does) or format them (render).

use std::path::PathBuf;

use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Tz;

use super::{computed_month, parse_month, within_calendar, write_files, ReportError, Result};
use crate::compute::{load_models, ModelSet};
use crate::config::Config;
use crate::render::dispatch::DispatchPage;
use crate::render::{self, Lang};
use crate::store::Store;
use crate::table::{Table, Value};

/// What `dispatch` shows.
#[derive(Debug, Clone)]
pub struct DispatchOptions {
    /// The instant (UTC); `None`: now.
    pub as_of: Option<NaiveDateTime>,
    /// Only these teams (the team holding the ticket at the instant); empty: all.
    pub teams: Vec<String>,
    /// Backtest months `YYYY-MM` (first, last); `None`: the six months before the build's.
    pub backtest: (Option<String>, Option<String>),
    /// Language of the page.
    pub lang: Lang,
}

/// The list at one instant.
#[derive(Debug, Clone)]
pub struct DispatchList {
    /// The instant, UTC.
    pub as_of: NaiveDateTime,
    /// One row per open ticket, sorted by probability then deadline: the columns of
    /// [`render::dispatch::COLUMNS`] (deadline as local text) and `forecast_note`.
    pub rows: Table,
    /// The zone the build computed in, which the deadlines and the as-of are shown in.
    pub zone: Tz,
}

/// A backtest's result.
#[derive(Debug, Clone)]
pub struct Backtest {
    /// First and last month, `YYYY-MM`.
    pub months: (String, String),
    /// Business days (instants) replayed.
    pub instants: i64,
    /// `kpi_dispatch_backtest` rows (Brier scores as text with four decimals).
    pub scores: Table,
    /// `kpi_dispatch_reliability` rows ordered by state and decile, with `decile_label`.
    pub reliability: Table,
}

impl Backtest {
    /// The states whose forecast did not beat the naive one (their probability is hidden
    /// on the page); a state with no scored forecast counts as not beating it.
    pub fn hidden_states(&self) -> Vec<String> {
        ["running", "paused"]
            .into_iter()
            .filter(|s| {
                let row = (0..self.scores.rows.len())
                    .find(|&r| render::tables::cell(&self.scores, r, "state").as_deref() == Some(s));
                !matches!(row.map(|r| render::tables::value(&self.scores, r, "beats_naive")), Some(Value::Bool(true)))
            })
            .map(String::from)
            .collect()
    }
}

/// Binds the models' instants to the instant of parameter 1.
const BIND_ONE: &str = "WITH cfg_dispatch_as_of AS (SELECT CAST(? AS TIMESTAMP) AS as_of)";

/// Binds the models' instants to every business day 12:00 (local) of the months from
/// parameter 1 to parameter 2 (first days, `YYYY-MM-01`), before the build's as-of: a day
/// whose 12:00 lies in an open span of the SLA calendar.
const BIND_DAYS: &str = "WITH cfg_dispatch_as_of AS (
    SELECT d.day_start + INTERVAL 12 HOUR AS as_of
    FROM local_day AS d
    WHERE d.month BETWEEN CAST(? AS DATE) AND CAST(? AS DATE)
      AND d.day_start + INTERVAL 12 HOUR < (SELECT as_of FROM cfg_build)
      AND EXISTS (
          SELECT 1 FROM calendar_span AS c
          WHERE c.calendar = (SELECT sla_calendar FROM cfg_build)
            AND c.span_start <= d.day_start + INTERVAL 12 HOUR AND d.day_start + INTERVAL 12 HOUR < c.span_end
      )
)";

/// The build's as-of instant (UTC): the instant a demo's list is drawn at.
pub fn build_as_of(store: &Store) -> Result<NaiveDateTime> {
    match store.query_table("SELECT as_of FROM cfg_build")?.rows.first().and_then(|r| r.first()) {
        Some(Value::Timestamp(t)) => Ok(*t),
        _ => Err(ReportError::EmptyBuild),
    }
}

fn model_sql<'a>(set: &'a ModelSet, name: &str) -> Result<&'a str> {
    Ok(&set.model(name).ok_or_else(|| ReportError::NoModel(name.into()))?.sql)
}

/// The list at `options.as_of` (default now), for `options.teams`.
pub fn dispatch_list(store: &Store, config: &Config, options: &DispatchOptions) -> Result<DispatchList> {
    let set = load_models(config.queries.as_deref())?;
    let model = model_sql(&set, "kpi_dispatch")?;
    let as_of = options.as_of.unwrap_or_else(|| Utc::now().naive_utc());
    // The zone the build computed in (its months, its calendar), not today's configuration.
    let tz: Tz = super::build_zone(store)?;
    within_calendar(store, as_of, tz)?;
    let at = as_of.format("%Y-%m-%d %H:%M:%S").to_string();
    let teams = if options.teams.is_empty() {
        String::new()
    } else {
        format!("WHERE team IN ({})", vec!["?"; options.teams.len()].join(", "))
    };
    let sql = format!(
        "{BIND_ONE} SELECT ticket_id, title, customer, team, team_line, priority, state, target_minutes,
            round(used_minutes, 1) AS used_minutes, round(paused_minutes, 1) AS paused_minutes,
            round(left_minutes, 1) AS left_minutes, deadline_at, round(pct_used, 4) AS pct_used,
            round(breach_probability, 4) AS breach_probability, forecast_level, sample_size
        FROM ({model}\n) AS k {teams}
        ORDER BY breach_probability DESC NULLS LAST, deadline_at NULLS LAST, ticket_id"
    );
    let mut params: Vec<&str> = vec![&at];
    params.extend(options.teams.iter().map(String::as_str));
    let mut rows = store.query_table_with(&sql, &params)?;
    localise_deadlines(&mut rows, tz, options.lang);
    Ok(DispatchList { as_of, rows, zone: tz })
}

/// Replaces `deadline_at` (UTC) by `deadline` (local `YYYY-MM-DD HH:MM`) and adds
/// `forecast_note` (the level and n under a probability).
fn localise_deadlines(rows: &mut Table, tz: Tz, lang: Lang) {
    let (Some(d), Some(level), Some(n)) =
        (rows.column("deadline_at"), rows.column("forecast_level"), rows.column("sample_size"))
    else {
        return;
    };
    rows.columns[d] = "deadline".into();
    rows.columns.push("forecast_note".into());
    for row in &mut rows.rows {
        if let Value::Timestamp(t) = row[d] {
            let local = DateTime::<Utc>::from_naive_utc_and_offset(t, Utc).with_timezone(&tz);
            row[d] = Value::Text(local.format("%Y-%m-%d %H:%M").to_string());
        }
        let level_text = match row[level].to_string().as_str() {
            "team_priority" => lang.pick("grupp och prioritet", "team and priority").to_string(),
            "priority" => lang.pick("prioritet", "priority").to_string(),
            "all" => lang.pick("alla", "all").to_string(),
            "too_few" => lang.pick("för få tidigare ärenden", "too few past tickets").to_string(),
            "breached" => lang.pick("målet passerat", "target passed").to_string(),
            other => other.to_string(),
        };
        let note = match &row[n] {
            Value::Null => level_text,
            v => format!("n = {v}, {level_text}"),
        };
        row.push(Value::Text(note));
    }
}

/// `YYYY-MM` → `YYYY-MM-01`, checked.
fn month_start(text: &str) -> Result<String> {
    let (y, m) = parse_month(text)?;
    Ok(format!("{y:04}-{m:02}-01"))
}

/// The backtest over `months` (default: the six months before the build's as-of month).
pub fn backtest(store: &Store, config: &Config, months: &(Option<String>, Option<String>)) -> Result<Backtest> {
    let set = load_models(config.queries.as_deref())?;
    let dispatch = model_sql(&set, "kpi_dispatch")?;
    let scores_sql = model_sql(&set, "kpi_dispatch_backtest")?;
    let reliability_sql = model_sql(&set, "kpi_dispatch_reliability")?;
    let scored = model_sql(&set, "kpi_dispatch_scored")?;
    let build_month = super::first_text(&store.query_table(
        "SELECT strftime(d.month, '%Y-%m') FROM cfg_build AS b ASOF JOIN local_day AS d ON b.as_of >= d.day_start",
    )?);
    let (by, bm) = parse_month(&build_month)?;
    let shift = |back: i32| {
        let index = by * 12 + bm as i32 - 1 - back;
        format!("{:04}-{:02}", index.div_euclid(12), index.rem_euclid(12) + 1)
    };
    // A month given that the build never computed has no business day to replay (none
    // before the data, none after the build's as-of): a backtest of 0 days, refused. The
    // defaults are the build's own months and stand as they are.
    for (given, flag) in [(&months.0, "--from"), (&months.1, "--to")] {
        if let Some(month) = given {
            computed_month(store, parse_month(month)?, flag)?;
        }
    }
    let from = months.0.clone().unwrap_or_else(|| shift(6));
    let to = months.1.clone().unwrap_or_else(|| shift(1));
    let (a, b) = (month_start(&from)?, month_start(&to)?);
    let params: [&str; 2] = [&a, &b];
    let instants = store
        .query_table_with(&format!("{BIND_DAYS} SELECT count(*) FROM cfg_dispatch_as_of"), &params)?
        .rows
        .first()
        .and_then(|r| r.first())
        .and_then(Value::as_f64)
        .unwrap_or(0.0) as i64;
    // The scored forecasts are computed once and read twice (scores and reliability).
    store.keep_temp_with(
        "backtest_scored",
        &format!("{BIND_DAYS}, kpi_dispatch AS ({dispatch}\n), kpi_dispatch_scored AS ({scored}\n) SELECT * FROM kpi_dispatch_scored"),
        &params,
    )?;
    let scored = "WITH kpi_dispatch_scored AS (SELECT * FROM temp.backtest_scored)";
    let scores = store.query_table(&format!(
        "{scored} SELECT state, forecasts, breached, printf('%.4f', brier) AS brier, printf('%.4f', naive_brier) AS naive_brier,
            beats_naive
        FROM ({scores_sql}\n) AS s ORDER BY CASE state WHEN 'running' THEN 1 WHEN 'paused' THEN 2 ELSE 3 END"
    ))?;
    let reliability = store.query_table(&format!(
        "{scored} SELECT state, decile, printf('%d–%d %%', decile * 10, decile * 10 + 10) AS decile_label, forecasts,
            round(mean_forecast, 4) AS mean_forecast, round(observed_share, 4) AS observed_share,
            round(naive_mean, 4) AS naive_mean
        FROM ({reliability_sql}\n) AS r
        ORDER BY CASE state WHEN 'running' THEN 1 WHEN 'paused' THEN 2 ELSE 3 END, decile"
    ))?;
    Ok(Backtest { months: (from, to), instants, scores, reliability })
}

/// Writes dispatch.html (the list, with the backtest's section) into `out` (default
/// `itsm-reports/dispatch`); with `backtest_csv`, backtest.csv beside it.
pub fn write_dispatch(
    list: &DispatchList,
    backtest: &Backtest,
    out: Option<PathBuf>,
    lang: Lang,
    backtest_csv: bool,
) -> Result<Vec<PathBuf>> {
    let hidden = backtest.hidden_states();
    let mut rows = list.rows.clone();
    if let (Some(p), Some(s)) = (rows.column("breach_probability"), rows.column("state")) {
        for row in &mut rows.rows {
            let breached = matches!(&row[p], Value::Float(v) if *v >= 1.0);
            if !breached && hidden.iter().any(|h| *h == row[s].to_string()) {
                row[p] = Value::Null;
            }
        }
    }
    let as_of = DateTime::<Utc>::from_naive_utc_and_offset(list.as_of, Utc).with_timezone(&list.zone);
    let as_of = as_of.format("%Y-%m-%d %H:%M").to_string();
    let period = format!(
        "{} – {}, {} {}",
        backtest.months.0,
        backtest.months.1,
        backtest.instants,
        lang.pick("arbetsdagar kl. 12", "business days at 12:00")
    );
    let page = DispatchPage { as_of: &as_of, backtest_period: &period, hidden_states: &hidden, lang };
    let html = render::dispatch::html(&rows, &backtest.scores, &backtest.reliability, &page)?;
    let dir = out.unwrap_or_else(|| PathBuf::from("itsm-reports/dispatch"));
    let csv = render::dispatch::backtest_csv(&backtest.scores, &backtest.reliability);
    let mut files: Vec<(&str, &[u8])> = vec![("dispatch.html", html.as_bytes())];
    if backtest_csv {
        files.push(("backtest.csv", csv.as_bytes()));
    }
    write_files(&dir, &files)
}
