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
    /// Instants that may be missing.
    MaybeInstant(Vec<Option<i64>>),
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
            Col::Instant(_) | Col::MaybeInstant(_) => "TIMESTAMP",
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
            Col::MaybeInstant(v) => {
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
            ("top_teams", Col::Int(vec![kpi.top_teams])),
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
    // Vendor contracts (DESIGN §7b): one row per vendor in configured order (the first
    // whose pattern matches a team wins), and its UC targets per priority.
    let vendors = &config.vendors;
    load(
        tx,
        "cfg_vendor",
        vec![
            ("vendor", Col::Text(vendors.iter().map(|v| Some(v.name.clone())).collect())),
            ("rule_order", Col::Int((1..=vendors.len() as i64).collect())),
            ("pattern", Col::Text(vendors.iter().map(|v| Some(v.pattern.clone())).collect())),
            ("like_pattern", Col::Text(vendors.iter().map(|v| Some(v.like_pattern())).collect())),
            ("calendar", Col::Text(vendors.iter().map(|v| Some(v.calendar.clone())).collect())),
            ("response_minutes", Col::Float(vendors.iter().map(|v| v.response_target.map(|h| h * 60.0)).collect())),
            ("markup", Col::Decimal(4, vendors.iter().map(|v| v.markup_e4()).collect())),
        ],
    )?;
    let targets: Vec<(&str, &str, f64)> =
        vendors.iter().flat_map(|v| v.uc_targets.iter().map(|(p, h)| (v.name.as_str(), p.as_str(), *h))).collect();
    load(
        tx,
        "cfg_vendor_uc",
        vec![
            ("vendor", Col::Text(targets.iter().map(|t| Some(t.0.to_string())).collect())),
            ("priority", Col::Text(targets.iter().map(|t| Some(t.1.to_string())).collect())),
            ("uc_minutes", Col::Float(targets.iter().map(|t| Some(t.2 * 60.0)).collect())),
        ],
    )?;
    load(tx, "cfg_sla_scope", vec![("kind", Col::Text(sla.scope.iter().cloned().map(Some).collect()))])?;
    load(tx, "cfg_sla_pause", vec![("status", Col::Text(sla.pause_statuses.iter().cloned().map(Some).collect()))])?;

    let (mut names, mut starts, mut ends, mut before) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut hour_names, mut hours, mut hour_before, mut masks) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for name in config.calendars.keys() {
        let cal = config.calendar(name)?;
        let mut total = 0i64;
        let mut spans = Vec::new();
        for year in info.years.0..=info.years.1 {
            for (a, b) in cal.open_spans(year) {
                names.push(Some(name.clone()));
                starts.push(micros(a));
                ends.push(micros(b));
                before.push(total);
                total += (b - a).num_seconds();
                spans.push((a.timestamp(), b.timestamp()));
            }
        }
        for row in clock_hours(&spans) {
            hour_names.push(Some(name.clone()));
            hours.push(row.hour);
            hour_before.push(row.before_seconds);
            masks.push(row.open_mask);
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

    load(
        tx,
        "calendar_hour",
        vec![
            ("calendar", Col::Text(hour_names)),
            ("hour", Col::Int(hours)),
            ("before_seconds", Col::Int(hour_before)),
            ("open_mask", Col::Int(masks)),
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
    let hours = local_hours(&day_starts);
    load(
        tx,
        "local_hour",
        vec![
            ("hour", Col::Int(hours.iter().map(|h| h.hour).collect())),
            ("day", Col::Date(hours.iter().map(|h| Some(days[h.day])).collect())),
            ("month", Col::Date(hours.iter().map(|h| Some(months[h.day])).collect())),
            ("switch_at", Col::MaybeInstant(hours.iter().map(|h| h.switch_at).collect())),
            ("next_day", Col::Date(hours.iter().map(|h| h.switch_at.map(|_| days[h.day + 1])).collect())),
            ("next_month", Col::Date(hours.iter().map(|h| h.switch_at.map(|_| months[h.day + 1])).collect())),
        ],
    )?;
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

/// One UTC hour in `local_hour`: the local day it starts in, and the instant inside it
/// where the next local day starts, if one does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct LocalHour {
    /// Hours since the epoch (floor): `clock_hour(t)`.
    hour: i64,
    /// Index of the local day at the hour's start.
    day: usize,
    /// Microseconds since the epoch where day + 1 starts, when inside the hour.
    switch_at: Option<i64>,
}

/// Every UTC hour from the first local day's start to a day after the last day's start.
/// `local_pick(…)` in `queries/macros.sql` reads the local day (or month) of an instant
/// from its hour's row with an equi-join; a zone whose midnight is not on a whole UTC
/// hour (India, Nepal, historic local mean time) is what `switch_at` is for.
fn local_hours(day_starts: &[i64]) -> Vec<LocalHour> {
    const HOUR_US: i64 = 3_600_000_000;
    let (Some(&first), Some(&last)) = (day_starts.first(), day_starts.last()) else { return Vec::new() };
    let mut rows = Vec::new();
    let mut day = 0usize;
    // From the first hour that starts inside the first day: before it nothing is known, as
    // with the ASOF join (the years covered start a year before the data's).
    let from = first.div_euclid(HOUR_US) + i64::from(first.rem_euclid(HOUR_US) != 0);
    let to = last.div_euclid(HOUR_US) + 48;
    for hour in from..=to {
        let start = hour * HOUR_US;
        while day + 1 < day_starts.len() && day_starts[day + 1] <= start {
            day += 1;
        }
        let switch_at = day_starts.get(day + 1).copied().filter(|&s| s < start + HOUR_US);
        rows.push(LocalHour { hour, day, switch_at });
    }
    rows
}

/// One UTC hour of a calendar in `calendar_hour`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ClockHour {
    /// Hours since the Unix epoch (floor), the key the models join on (`clock_hour(t)`).
    hour: i64,
    /// Business seconds of the calendar before the hour starts.
    before_seconds: i64,
    /// Bit m set when minute m of the hour is open.
    open_mask: i64,
}

/// The hours from a day before the first span to a day after the last, each with the
/// business seconds before it and its open minutes. `spans` are ascending, disjoint,
/// in seconds since the epoch, and start and end on whole minutes (opening hours are
/// `HH:MM` and time-zone offsets whole minutes). `business_clock(hour row, t)` in
/// `queries/macros.sql` then reads the calendar at `t` with an equi-join instead of an
/// ASOF join per instant (issue 14).
fn clock_hours(spans: &[(i64, i64)]) -> Vec<ClockHour> {
    let (Some(first), Some(last)) = (spans.first(), spans.last()) else { return Vec::new() };
    let from = first.0.div_euclid(3600) - 24;
    let to = last.1.div_euclid(3600) + 24;
    let mut rows = Vec::with_capacity((to - from + 1) as usize);
    let (mut next, mut before) = (0usize, 0i64);
    for hour in from..=to {
        let (start, end) = (hour * 3600, hour * 3600 + 3600);
        let mut mask = 0i64;
        let hour_before = before;
        let mut i = next;
        while let Some(&(a, b)) = spans.get(i) {
            if a >= end {
                break;
            }
            let (lo, hi) = (a.max(start), b.min(end));
            if lo < hi {
                let (m0, m1) = ((lo - start) / 60, (hi - start + 59) / 60);
                mask |= ((1i64 << m1) - 1) & !((1i64 << m0) - 1);
                before += hi - lo;
            }
            if b <= end {
                next = i + 1;
            }
            i += 1;
        }
        rows.push(ClockHour { hour, before_seconds: hour_before, open_mask: mask });
    }
    rows
}

/// The local years to cover: the data's years, one more at each end for deadlines and
/// early instants, within the calendar's range.
pub fn year_range(first_data_year: Option<i32>, last_data_year: Option<i32>, as_of: DateTime<Utc>) -> (i32, i32) {
    let from = first_data_year.unwrap_or(as_of.year()).min(as_of.year()) - 1;
    let to = last_data_year.unwrap_or(as_of.year()).max(as_of.year()) + 1;
    (from.clamp(FIRST_YEAR, LAST_YEAR), to.clamp(FIRST_YEAR, LAST_YEAR))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The span formula the ASOF join computed: business seconds up to `t`.
    fn by_spans(spans: &[(i64, i64)], t: i64) -> i64 {
        let mut before = 0;
        for &(a, b) in spans {
            if t < a {
                return before;
            }
            if t < b {
                return before + t - a;
            }
            before += b - a;
        }
        before
    }

    /// What `business_clock` computes from a `calendar_hour` row (queries/macros.sql).
    fn by_hours(rows: &[ClockHour], t: i64) -> i64 {
        let hour = t.div_euclid(3600);
        let Some(h) = rows.iter().find(|h| h.hour == hour) else { return 0 };
        let minute = (t - hour * 3600) / 60;
        let open_before = (h.open_mask & ((1i64 << minute) - 1)).count_ones() as i64;
        let into = if (h.open_mask >> minute) & 1 == 1 { (t - hour * 3600) % 60 } else { 0 };
        h.before_seconds + 60 * open_before + into
    }

    #[test]
    fn clock_hours_read_the_office_calendar_like_its_spans() {
        let config = Config::default();
        let cal = config.calendar("office").expect("office calendar");
        let spans: Vec<(i64, i64)> =
            (2025..=2026).flat_map(|y| cal.open_spans(y)).map(|(a, b)| (a.timestamp(), b.timestamp())).collect();
        let rows = clock_hours(&spans);
        // Every minute boundary and a second into it, over the spring-forward and
        // fall-back weeks and a holiday (Midsummer Eve 2025-06-20 is closed).
        let weeks = ["2025-03-27T00:00:00Z", "2025-06-16T00:00:00Z", "2025-10-23T00:00:00Z", "2025-12-22T00:00:00Z"];
        let mut checked = 0;
        for start in weeks {
            let from = DateTime::parse_from_rfc3339(start).unwrap().timestamp();
            for m in 0..(7 * 24 * 60) {
                for t in [from + m * 60, from + m * 60 + 37] {
                    assert_eq!(by_hours(&rows, t), by_spans(&spans, t), "t = {t}");
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 4 * 7 * 24 * 60 * 2);
        // A whole year of office hours: 2025 has 249 working days of 9 hours, less the
        // short eves; the hour rows end with the same total as the spans.
        let total: i64 = spans.iter().map(|(a, b)| b - a).sum();
        assert_eq!(rows.last().unwrap().before_seconds, total);
    }

    #[test]
    fn clock_hours_split_an_hour_with_two_open_pieces() {
        // Open 10:00–10:20 and 10:45–11:30 (UTC seconds of a made-up day).
        let day = 20_000 * 86_400;
        let spans = [(day + 36_000, day + 37_200), (day + 38_700, day + 41_400)];
        let rows = clock_hours(&spans);
        let ten = rows.iter().find(|h| h.hour == day / 3600 + 10).unwrap();
        assert_eq!(ten.before_seconds, 0);
        assert_eq!(ten.open_mask.count_ones(), 20 + 15);
        let eleven = rows.iter().find(|h| h.hour == day / 3600 + 11).unwrap();
        assert_eq!(eleven.before_seconds, 35 * 60);
        for t in (day + 35_000..day + 43_000).step_by(7) {
            assert_eq!(by_hours(&rows, t), by_spans(&spans, t), "t = {t}");
        }
    }

    #[test]
    fn local_hours_switch_where_a_day_starts_inside_an_hour() {
        const H: i64 = 3_600_000_000;
        // Days starting at 23:00 UTC (a whole hour) and then, say, at 18:30 UTC (India).
        let starts = [10 * H - H, 34 * H - H, 57 * H + H / 2];
        let rows = local_hours(&starts);
        assert_eq!(rows.first().unwrap().hour, 9);
        let at = |hour: i64| rows.iter().find(|r| r.hour == hour).unwrap();
        assert_eq!((at(9).day, at(9).switch_at), (0, None));
        assert_eq!((at(32).day, at(32).switch_at), (0, None));
        assert_eq!((at(33).day, at(33).switch_at), (1, None));
        assert_eq!((at(57).day, at(57).switch_at), (1, Some(57 * H + H / 2)));
        assert_eq!((at(58).day, at(58).switch_at), (2, None));
        assert_eq!(rows.last().unwrap().hour, 57 + 48);
    }
}
