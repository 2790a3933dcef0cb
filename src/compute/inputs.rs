//! The generated inputs of a build: configuration the SQL needs (SLA matrix, targets,
//! scope, pause statuses, the as-of instant) and the calendar as tables, so every model is
//! plain SQL that can be pasted into a DuckDB shell.
//!
//! The calendar goes in as `calendar_span`: one row per open span in UTC with the business
//! seconds of the calendar before it. Business seconds before any instant `t` are then
//! `before_seconds + (least(t, span_end) - span_start)` of the last span starting at or
//! before `t` (an ASOF join), and business time between two instants is a subtraction.
//! `local_day` maps UTC instants to the organisation's local date and month the same way,
//! so months are Stockholm months without time-zone functions in SQL (DuckDB's ICU
//! extension is not compiled in). Must not: read ticket data beyond the range of years.

use std::sync::Arc;

use arrow::array::{
    ArrayRef, BooleanArray, Date32Array, Decimal128Array, Float64Array, Int64Array, StringArray,
    TimestampMicrosecondArray,
};
use arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use arrow::record_batch::RecordBatch;
use chrono::{DateTime, Datelike, NaiveDate, Utc};

use super::ComputeError;
use crate::calendar::{local_day_start_utc, FIRST_YEAR, LAST_YEAR};
use crate::config::Config;
use crate::store::Derive;

/// What the build was computed for: written to `cfg_build`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildInfo {
    /// The instant open tickets are evaluated at ("period end").
    pub as_of: DateTime<Utc>,
    /// Local years the calendar tables cover.
    pub years: (i32, i32),
    /// sha256 of the resolved configuration, for report footers.
    pub config_sha256: String,
}

/// A column of a generated table.
enum Col {
    Text(Vec<Option<String>>),
    Int(Vec<i64>),
    Float(Vec<Option<f64>>),
    Instant(Vec<i64>),
    Date(Vec<Option<i32>>),
    Bool(Vec<bool>),
    /// Exact amounts as DECIMAL(18, scale), in units of 10^-scale (money and rates: never
    /// DOUBLE).
    Decimal(i8, Vec<Option<i128>>),
}

impl Col {
    fn sql_type(&self) -> &'static str {
        match self {
            Col::Text(_) => "VARCHAR",
            Col::Int(_) => "BIGINT",
            Col::Float(_) => "DOUBLE",
            Col::Instant(_) => "TIMESTAMP",
            Col::Date(_) => "DATE",
            Col::Bool(_) => "BOOLEAN",
            Col::Decimal(2, _) => "DECIMAL(18, 2)",
            Col::Decimal(_, _) => "DECIMAL(18, 4)",
        }
    }

    fn into_array(self) -> (DataType, ArrayRef) {
        match self {
            Col::Text(v) => (DataType::Utf8, Arc::new(StringArray::from(v))),
            Col::Int(v) => (DataType::Int64, Arc::new(Int64Array::from(v))),
            Col::Float(v) => (DataType::Float64, Arc::new(Float64Array::from(v))),
            Col::Instant(v) => {
                (DataType::Timestamp(TimeUnit::Microsecond, None), Arc::new(TimestampMicrosecondArray::from(v)))
            }
            Col::Date(v) => (DataType::Date32, Arc::new(Date32Array::from(v))),
            Col::Bool(v) => (DataType::Boolean, Arc::new(BooleanArray::from(v))),
            Col::Decimal(scale, v) => {
                let ty = DataType::Decimal128(18, scale);
                (ty.clone(), Arc::new(Decimal128Array::from(v).with_data_type(ty)))
            }
        }
    }
}

/// Replaces `table` with the given columns.
fn load(tx: &Derive<'_>, table: &str, cols: Vec<(&str, Col)>) -> Result<(), ComputeError> {
    let ddl: Vec<String> = cols.iter().map(|(n, c)| format!("{n} {}", c.sql_type())).collect();
    let (fields, arrays): (Vec<Field>, Vec<ArrayRef>) = cols
        .into_iter()
        .map(|(n, c)| {
            let (ty, array) = c.into_array();
            (Field::new(n, ty, true), array)
        })
        .unzip();
    let batch = RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)
        .map_err(|e| ComputeError::Input { table: table.into(), message: e.to_string() })?;
    tx.load(table, &ddl.join(", "), batch)?;
    Ok(())
}

/// `valid_to` of a price without an end.
const FAR_FUTURE: NaiveDate = match NaiveDate::from_ymd_opt(9999, 12, 31) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

fn micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

fn days_since_epoch(d: NaiveDate) -> i32 {
    (d - NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date")).num_days() as i32
}

/// Writes every generated input table for `info`.
pub fn write(tx: &Derive<'_>, config: &Config, info: &BuildInfo) -> Result<(), ComputeError> {
    let sla = &config.sla;
    load(
        tx,
        "cfg_build",
        vec![
            ("as_of", Col::Instant(vec![micros(info.as_of)])),
            ("timezone", Col::Text(vec![Some(config.timezone.clone())])),
            ("sla_calendar", Col::Text(vec![Some(sla.calendar.clone())])),
            ("first_year", Col::Int(vec![i64::from(info.years.0)])),
            ("last_year", Col::Int(vec![i64::from(info.years.1)])),
            ("config_sha256", Col::Text(vec![Some(info.config_sha256.clone())])),
            ("tool_version", Col::Text(vec![Some(env!("CARGO_PKG_VERSION").into())])),
        ],
    )?;

    // The instant the CAB models evaluate their 12 months of evidence at: the build's
    // as-of here; `itsm report cab --as-of` binds the relation to another instant.
    load(tx, "cfg_cab_as_of", vec![("as_of", Col::Instant(vec![micros(info.as_of)]))])?;

    // The Dispatcher's list (kpi_dispatch) is evaluated at these instants: the build's
    // as-of here; `itsm report dispatch` binds the relation to other instants.
    load(tx, "cfg_dispatch_as_of", vec![("as_of", Col::Instant(vec![micros(info.as_of)]))])?;
    load(tx, "cfg_dispatch", vec![("min_sample", Col::Int(vec![config.dispatch.min_sample]))])?;
    let (major_priorities, major_impacts): (Vec<_>, Vec<_>) =
        config.major.pairs().into_iter().map(|(p, i)| (Some(p), Some(i))).unzip();
    load(tx, "cfg_major_rule", vec![("priority", Col::Text(major_priorities)), ("impact", Col::Text(major_impacts))])?;

    let (mut impacts, mut urgencies, mut priorities) = (Vec::new(), Vec::new(), Vec::new());
    for (impact, row) in &sla.matrix {
        for (urgency, p) in row {
            impacts.push(Some(impact.clone()));
            urgencies.push(Some(urgency.clone()));
            priorities.push(Some(p.clone()));
        }
    }
    load(
        tx,
        "cfg_sla_priority",
        vec![("impact", Col::Text(impacts)), ("urgency", Col::Text(urgencies)), ("priority", Col::Text(priorities))],
    )?;

    let names: Vec<&String> = sla.targets.keys().chain(sla.response_targets.keys()).collect();
    let mut names: Vec<String> = names.into_iter().cloned().collect();
    names.sort();
    names.dedup();
    load(
        tx,
        "cfg_sla_target",
        vec![
            ("resolve_minutes", Col::Float(names.iter().map(|p| sla.targets.get(p).map(|h| h * 60.0)).collect())),
            (
                "response_minutes",
                Col::Float(names.iter().map(|p| sla.response_targets.get(p).map(|h| h * 60.0)).collect()),
            ),
            ("priority", Col::Text(names.into_iter().map(Some).collect())),
        ],
    )?;
    let kpi = &config.kpi;
    load(
        tx,
        "cfg_kpi",
        vec![
            ("first_contact_minutes", Col::Float(vec![Some(kpi.first_contact_minutes)])),
            ("escalation_target_minutes", Col::Float(vec![Some(kpi.escalation_target_minutes)])),
            ("repeat_window_days", Col::Int(vec![kpi.repeat_window_days])),
            ("repeat_key", Col::Text(vec![Some(kpi.repeat_key.join(","))])),
            ("candidate_min_incidents", Col::Int(vec![kpi.candidate_min_incidents])),
        ],
    )?;
    let ids: Vec<&String> = kpi.targets.keys().collect();
    load(
        tx,
        "cfg_kpi_target",
        vec![
            ("kpi", Col::Text(ids.iter().map(|k| Some(k.to_string())).collect())),
            ("target", Col::Float(ids.iter().map(|k| Some(kpi.targets[*k])).collect())),
            (
                "higher_is_better",
                Col::Bool(ids.iter().map(|k| crate::config::KpiConfig::higher_is_better(k)).collect()),
            ),
        ],
    )?;
    load(
        tx,
        "cfg_ftr_excluded_category",
        vec![("category", Col::Text(kpi.not_first_line_categories.iter().cloned().map(Some).collect()))],
    )?;
    let billing = &config.billing;
    load(
        tx,
        "cfg_billing",
        vec![
            ("rounding_minutes", Col::Int(vec![i64::from(billing.rounding_minutes)])),
            ("vat_rate", Col::Decimal(4, vec![billing.vat_rate_e4()])),
            ("currency", Col::Text(vec![Some(billing.currency.clone())])),
            ("shared_customer", Col::Text(vec![billing.shared_customer.clone()])),
            ("price_list", Col::Text(vec![billing.price_list.as_ref().map(|p| p.display().to_string())])),
        ],
    )?;
    load(
        tx,
        "cfg_billing_customer",
        vec![
            ("customer", Col::Text(billing.customers.keys().cloned().map(Some).collect())),
            ("weight", Col::Int(billing.customers.values().map(|w| *w as i64).collect())),
        ],
    )?;
    let prices = match &billing.price_list {
        Some(path) => super::prices::read(path)
            .map_err(|e| ComputeError::Input { table: "cfg_price".into(), message: e.to_string() })?,
        None => Vec::new(),
    };
    load(
        tx,
        "cfg_price",
        vec![
            ("price_type", Col::Text(prices.iter().map(|p| Some(p.kind.clone())).collect())),
            ("name", Col::Text(prices.iter().map(|p| Some(p.name.clone())).collect())),
            ("unit_price", Col::Decimal(2, prices.iter().map(|p| Some(p.unit_price)).collect())),
            ("valid_from", Col::Date(prices.iter().map(|p| Some(days_since_epoch(p.valid_from))).collect())),
            (
                "valid_to",
                Col::Date(
                    prices
                        .iter()
                        .map(|p| Some(p.valid_to.map_or(days_since_epoch(FAR_FUTURE), days_since_epoch)))
                        .collect(),
                ),
            ),
        ],
    )?;
    let candidates = match &config.cab.portfolio {
        Some(path) => super::portfolio::read(path)
            .map_err(|e| ComputeError::Input { table: "cfg_portfolio".into(), message: e.to_string() })?,
        None => Vec::new(),
    };
    load(
        tx,
        "cfg_portfolio",
        vec![
            ("candidate_id", Col::Text(candidates.iter().map(|c| Some(c.id.clone())).collect())),
            ("title", Col::Text(candidates.iter().map(|c| Some(c.title.clone())).collect())),
            ("requesting_customers", Col::Text(candidates.iter().map(|c| Some(c.customers.join(", "))).collect())),
            ("effort_days", Col::Float(candidates.iter().map(|c| c.effort_days).collect())),
            ("cost", Col::Decimal(2, candidates.iter().map(|c| c.cost).collect())),
            ("technical_need", Col::Float(candidates.iter().map(|c| c.technical_need).collect())),
            ("end_of_support", Col::Date(candidates.iter().map(|c| c.end_of_support.map(days_since_epoch)).collect())),
        ],
    )?;
    let team_rows: Vec<(String, String)> =
        candidates.iter().flat_map(|c| c.teams.iter().map(|t| (c.id.clone(), t.clone()))).collect();
    load(
        tx,
        "cfg_portfolio_team",
        vec![
            ("candidate_id", Col::Text(team_rows.iter().map(|r| Some(r.0.clone())).collect())),
            ("team", Col::Text(team_rows.iter().map(|r| Some(r.1.clone())).collect())),
        ],
    )?;
    let cab = &config.cab;
    load(
        tx,
        "cfg_cab_cost",
        vec![
            ("team", Col::Text(cab.hourly_costs.keys().cloned().map(Some).collect())),
            (
                "hourly_cost",
                Col::Decimal(2, cab.hourly_costs.values().map(|c| crate::config::amount_ore(*c)).collect()),
            ),
        ],
    )?;
    load(
        tx,
        "cfg_cab",
        vec![("cost_per_breach", Col::Decimal(2, vec![cab.cost_per_breach.and_then(crate::config::amount_ore)]))],
    )?;
    let capacity: Vec<(String, i64, f64)> = cab
        .capacity
        .iter()
        .flat_map(|(team, c)| c.quarters().into_iter().enumerate().map(|(q, d)| (team.clone(), q as i64 + 1, d)))
        .collect();
    load(
        tx,
        "cfg_cab_capacity",
        vec![
            ("team", Col::Text(capacity.iter().map(|r| Some(r.0.clone())).collect())),
            ("quarter_no", Col::Int(capacity.iter().map(|r| r.1).collect())),
            ("days", Col::Float(capacity.iter().map(|r| Some(r.2)).collect())),
        ],
    )?;
    let mut link_rows: Vec<(String, String, String)> = Vec::new();
    for c in &candidates {
        link_rows.extend(c.links.iter().map(|(k, v)| (c.id.clone(), k.to_string(), v.clone())));
        link_rows.extend(c.customers.iter().map(|v| (c.id.clone(), "customer".to_string(), v.clone())));
    }
    load(
        tx,
        "cfg_portfolio_link",
        vec![
            ("candidate_id", Col::Text(link_rows.iter().map(|r| Some(r.0.clone())).collect())),
            ("link_type", Col::Text(link_rows.iter().map(|r| Some(r.1.clone())).collect())),
            ("value", Col::Text(link_rows.iter().map(|r| Some(r.2.clone())).collect())),
        ],
    )?;
    load(
        tx,
        "cfg_cab_weight",
        vec![
            ("term", Col::Text(config.cab.weights.keys().cloned().map(Some).collect())),
            ("weight", Col::Float(config.cab.weights.values().map(|w| Some(*w)).collect())),
        ],
    )?;
    load(tx, "cfg_sla_scope", vec![("kind", Col::Text(sla.scope.iter().cloned().map(Some).collect()))])?;
    load(tx, "cfg_sla_pause", vec![("status", Col::Text(sla.pause_statuses.iter().cloned().map(Some).collect()))])?;

    let (mut names, mut starts, mut ends, mut before) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for name in config.calendars.keys() {
        let cal = config.calendar(name)?;
        let mut total = 0i64;
        for year in info.years.0..=info.years.1 {
            for (a, b) in cal.open_spans(year) {
                names.push(Some(name.clone()));
                starts.push(micros(a));
                ends.push(micros(b));
                before.push(total);
                total += (b - a).num_seconds();
            }
        }
    }
    load(
        tx,
        "calendar_span",
        vec![
            ("calendar", Col::Text(names)),
            ("span_start", Col::Instant(starts)),
            ("span_end", Col::Instant(ends)),
            ("before_seconds", Col::Int(before)),
        ],
    )?;

    let tz: chrono_tz::Tz = config.timezone.parse().map_err(|_| ComputeError::Input {
        table: "local_day".into(),
        message: format!("timezone '{}' is not an IANA zone", config.timezone),
    })?;
    let (mut days, mut day_starts, mut months) = (Vec::new(), Vec::new(), Vec::new());
    let first = NaiveDate::from_ymd_opt(info.years.0, 1, 1).expect("supported year");
    for date in first.iter_days().take_while(|d| d.year() <= info.years.1) {
        days.push(days_since_epoch(date));
        day_starts.push(micros(local_day_start_utc(tz, date)));
        months.push(days_since_epoch(date.with_day(1).expect("day 1 exists")));
    }
    load(
        tx,
        "local_day",
        vec![
            ("day", Col::Date(days.into_iter().map(Some).collect())),
            ("day_start", Col::Instant(day_starts)),
            ("month", Col::Date(months.into_iter().map(Some).collect())),
        ],
    )
}

/// The local years to cover: the data's years, one more at each end for deadlines and
/// early instants, within the calendar's range.
pub fn year_range(first_data_year: Option<i32>, last_data_year: Option<i32>, as_of: DateTime<Utc>) -> (i32, i32) {
    let from = first_data_year.unwrap_or(as_of.year()).min(as_of.year()) - 1;
    let to = last_data_year.unwrap_or(as_of.year()).max(as_of.year()) + 1;
    (from.clamp(FIRST_YEAR, LAST_YEAR), to.clamp(FIRST_YEAR, LAST_YEAR))
}
