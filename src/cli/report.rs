//! `itsm report`: render report templates from the built KPI tables (`monthly`), and check
//! templates against the tables (`check`).
//!
//! This file fetches the tables a template names from the store and hands them to the
//! render stage as plain tables; render never sees a connection.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use chrono::DateTime;

use super::Context;
use crate::render::{self, parse_template, Lang, Localized, ReportInput, SourceBatch, Table, Template};
use crate::store::Store;

/// The shipped templates and definitions, compiled in so the binary works anywhere.
pub const SHIPPED: &[(&str, &str)] = &[("reports/monthly.md", include_str!("../../reports/monthly.md"))];
/// The shipped KPI definitions.
pub const DEFINITIONS: &str = include_str!("../../reports/definitions.toml");

/// Arguments of `itsm report`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Which report.
    #[command(subcommand)]
    pub command: ReportCommand,
}

/// The reports.
#[derive(Debug, clap::Subcommand)]
pub enum ReportCommand {
    /// The IT manager's monthly KPI report: monthly.html and kpi.json.
    #[command(after_help = "Example:\n  itsm report monthly --month 2026-10 --lang sv --out itsm-reports/2026-10")]
    Monthly(MonthlyArgs),
    /// The IT controller's billing basis: billing.xlsx, billing.csv and billing.html.
    #[command(after_help = "Example:\n  itsm report billing --month 2026-10 --out itsm-reports/2026-10")]
    Billing(BillingArgs),
    /// The CAB's prioritised list of changes and projects: cab.html and cab.csv.
    #[command(after_help = "Example:\n  itsm report cab --as-of 2026-10-31 --out itsm-reports/cab")]
    Cab(CabArgs),
    /// Check templates: every query and column they name exists, every block is valid.
    #[command(after_help = "Example:\n  itsm report check my-monthly.md")]
    Check(CheckArgs),
}

/// Arguments of `itsm report monthly`.
#[derive(Debug, clap::Args)]
pub struct MonthlyArgs {
    /// Report month, YYYY-MM (default: the month before the build's as-of instant).
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Option<String>,
    /// Output directory (default: itsm-reports/YYYY-MM).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Report language.
    #[arg(long, default_value = "sv", value_parser = ["sv", "en"])]
    pub lang: String,
    /// A template file to render instead of the shipped monthly.md (copy it and edit it).
    #[arg(long, value_name = "FILE")]
    pub template: Option<PathBuf>,
    /// KPI definitions (TOML) instead of the shipped ones.
    #[arg(long, value_name = "FILE")]
    pub definitions: Option<PathBuf>,
    /// Show requesters and agents as they are instead of pseudonymised.
    #[arg(long)]
    pub show_personal_data: bool,
}

/// Arguments of `itsm report billing`.
#[derive(Debug, clap::Args)]
pub struct BillingArgs {
    /// Billing month, YYYY-MM.
    #[arg(long, value_name = "YYYY-MM")]
    pub month: String,
    /// Output directory (default: itsm-reports/YYYY-MM).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Language of the sheets and the page.
    #[arg(long, default_value = "sv", value_parser = ["sv", "en"])]
    pub lang: String,
    /// Show requesters as they are instead of pseudonymised.
    #[arg(long)]
    pub show_personal_data: bool,
}

/// Arguments of `itsm report cab`.
#[derive(Debug, clap::Args)]
pub struct CabArgs {
    /// Evidence from the 12 months before this instant (RFC 3339 or local `YYYY-MM-DD HH:MM`;
    /// default: the build's as-of instant).
    #[arg(long, value_name = "INSTANT")]
    pub as_of: Option<String>,
    /// Output directory (default: itsm-reports/cab).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Language of the page.
    #[arg(long, default_value = "sv", value_parser = ["sv", "en"])]
    pub lang: String,
}

/// Arguments of `itsm report check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Template files to check (default: the shipped templates).
    pub files: Vec<PathBuf>,
    /// KPI definitions (TOML) instead of the shipped ones.
    #[arg(long, value_name = "FILE")]
    pub definitions: Option<PathBuf>,
}

/// Runs `itsm report`.
pub fn run(cx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        ReportCommand::Monthly(a) => {
            let out = monthly(cx, &a)?;
            if let Some(note) = super::build::first_line_note(&open(cx)?)? {
                cx.say(note)?;
            }
            cx.say(format!("report: {}", out.join("monthly.html").display()))?;
            cx.say(format!("data:   {}", out.join("kpi.json").display()))?;
            Ok(ExitCode::SUCCESS)
        }
        ReportCommand::Billing(a) => {
            let out = billing(cx, &a)?;
            for f in ["billing.xlsx", "billing.csv", "billing.html"] {
                cx.say(format!("written: {}", out.join(f).display()))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        ReportCommand::Cab(a) => {
            let out = cab(cx, &a)?;
            cx.say(format!("written: {}", out.join("cab.html").display()))?;
            cx.say(format!("written: {}", out.join("cab.csv").display()))?;
            Ok(ExitCode::SUCCESS)
        }
        ReportCommand::Check(a) => check(cx, &a),
    }
}

fn open(cx: &Context) -> anyhow::Result<Store> {
    if !cx.db.exists() {
        anyhow::bail!("database '{}' does not exist; create it with `itsm demo` or `itsm ingest`", cx.db.display());
    }
    let store = Store::open_read_only(&cx.db)?;
    if !store.relations()?.iter().any(|r| r == "build_model") {
        anyhow::bail!("database '{}' has no built model; run `itsm build` first", cx.db.display());
    }
    Ok(store)
}

fn load_template(path: Option<&Path>) -> anyhow::Result<Template> {
    let (file, text) = match path {
        Some(p) => {
            (p.display().to_string(), std::fs::read_to_string(p).with_context(|| format!("reading '{}'", p.display()))?)
        }
        None => (SHIPPED[0].0.to_string(), SHIPPED[0].1.to_string()),
    };
    Ok(parse_template(&file, &text)?)
}

/// Reads KPI definitions: `[id] sv = "…" en = "…"`.
pub fn load_definitions(path: Option<&Path>) -> anyhow::Result<BTreeMap<String, Localized>> {
    let (file, text) = match path {
        Some(p) => {
            (p.display().to_string(), std::fs::read_to_string(p).with_context(|| format!("reading '{}'", p.display()))?)
        }
        None => ("reports/definitions.toml".to_string(), DEFINITIONS.to_string()),
    };
    toml::from_str(&text).map_err(|e| anyhow::anyhow!("{file} is invalid: {e}"))
}

fn to_table(t: crate::store::TextTable) -> Table {
    Table { columns: t.columns, rows: t.rows }
}

/// (year, month) of `YYYY-MM`.
fn parse_month(text: &str) -> anyhow::Result<(i32, u32)> {
    let err = || anyhow::anyhow!("month '{text}' is not YYYY-MM");
    let (y, m) = text.split_once('-').ok_or_else(err)?;
    let (y, m): (i32, u32) = (y.parse().map_err(|_| err())?, m.parse().map_err(|_| err())?);
    if !(1..=12).contains(&m) || y < 1900 {
        return Err(err());
    }
    Ok((y, m))
}

/// Renders the monthly report; returns the output directory.
pub fn monthly(cx: &Context, a: &MonthlyArgs) -> anyhow::Result<PathBuf> {
    let store = open(cx)?;
    let template = load_template(a.template.as_deref())?;
    let definitions = load_definitions(a.definitions.as_deref())?;
    let lang = Lang::parse(&a.lang).unwrap_or(Lang::Sv);
    let build = store.query_table("SELECT epoch_us(as_of), config_sha256, timezone FROM cfg_build")?;
    let row = build.rows.first().ok_or_else(|| anyhow::anyhow!("cfg_build is empty; run `itsm build`"))?;
    let cell = |i: usize| row.get(i).cloned().flatten().unwrap_or_default();
    let as_of = DateTime::from_timestamp_micros(cell(0).parse().unwrap_or_default()).unwrap_or_default();
    let timezone: chrono_tz::Tz = cell(2).parse().unwrap_or(chrono_tz::Europe::Stockholm);
    let month = match &a.month {
        Some(m) => parse_month(m)?,
        None => {
            let local = as_of.with_timezone(&timezone);
            let (y, m) = (chrono::Datelike::year(&local), chrono::Datelike::month(&local));
            if m == 1 {
                (y - 1, 12)
            } else {
                (y, m - 1)
            }
        }
    };
    let relations = store.relations()?;
    let (y, m) = month;
    let first = {
        let k = y * 12 + m as i32 - 1 - 36;
        format!("{:04}-{:02}-01", k.div_euclid(12), k.rem_euclid(12) + 1)
    };
    let mut tables = BTreeMap::new();
    for (_, query, _) in template.references() {
        if tables.contains_key(&query) {
            continue;
        }
        if !relations.contains(&query) {
            anyhow::bail!("{}: query '{query}' is not a table of the database; run `itsm build`", template.file);
        }
        let columns = store.query_table(&format!("SELECT * FROM \"{query}\" LIMIT 0"))?.columns;
        // Only the months a report can show: up to 36 back from the report month.
        let sql = if columns.iter().any(|c| c == "month") {
            format!("SELECT * FROM \"{query}\" WHERE month BETWEEN DATE '{first}' AND DATE '{y:04}-{m:02}-01'")
        } else {
            format!("SELECT * FROM \"{query}\"")
        };
        tables.insert(query.clone(), to_table(store.query_table(&sql)?));
    }
    let batches = source_batches(&store)?;
    let input = ReportInput {
        template,
        lang,
        month,
        tables,
        definitions,
        timezone,
        show_personal: a.show_personal_data,
        pseudonym_salt: pseudonym_salt(&store)?,
        as_of,
        config_sha256: cell(1),
        batches,
    };
    let rendered = render::render(&input)?;
    let out = a.out.clone().unwrap_or_else(|| PathBuf::from(format!("itsm-reports/{y:04}-{m:02}")));
    std::fs::create_dir_all(&out).with_context(|| format!("creating '{}'", out.display()))?;
    let write = |name: &str, text: &str| {
        let path = out.join(name);
        std::fs::write(&path, text).with_context(|| format!("writing '{}'", path.display()))
    };
    write("monthly.html", &rendered.html)?;
    write("kpi.json", &rendered.json)?;
    Ok(out)
}

fn source_batches(store: &Store) -> anyhow::Result<Vec<SourceBatch>> {
    let rows = store
        .query_table("SELECT batch_id, source, file, strftime(finished_at, '%Y-%m-%d %H:%M') FROM kpi_ingest_batch ORDER BY batch_id")?
        .rows;
    Ok(rows
        .into_iter()
        .map(|r| {
            let c = |i: usize| r.get(i).cloned().flatten().unwrap_or_default();
            SourceBatch { batch_id: c(0), source: c(1), file: c(2), finished_at: c(3) }
        })
        .collect())
}

/// Writes the billing basis of a month; returns the output directory.
pub fn billing(cx: &Context, a: &BillingArgs) -> anyhow::Result<PathBuf> {
    let store = open(cx)?;
    let (y, m) = parse_month(&a.month)?;
    let month = format!("DATE '{y:04}-{m:02}-01'");
    let fetch = |sql: String| -> anyhow::Result<Table> { Ok(to_table(store.query_table(&sql)?)) };
    let price_list = store.query_table("SELECT price_list, currency FROM cfg_billing")?;
    let first = price_list.rows.first().cloned().unwrap_or_default();
    if first.first().cloned().flatten().is_none() {
        anyhow::bail!("no price list is configured: set [billing] price_list in itsm.toml and run `itsm build`");
    }
    let currency = first.get(1).cloned().flatten().unwrap_or_else(|| "SEK".into());
    let batches = source_batches(&store)?
        .into_iter()
        .map(|b| format!("#{} {} ({}, {} UTC)", b.batch_id, b.file, b.source, b.finished_at))
        .collect();
    let input = render::billing::BillingInput {
        lang: Lang::parse(&a.lang).unwrap_or(Lang::Sv),
        month: (y, m),
        currency,
        template: parse_template("reports/billing.md", render::billing::TEMPLATE)?,
        lines: fetch(format!(
            "SELECT * FROM kpi_billing_line WHERE month = {month} ORDER BY section, customer, charge_type, price_key, unit_price"
        ))?,
        allocation: fetch(format!(
            "SELECT * FROM kpi_billing_allocation WHERE month = {month} ORDER BY customer, charge_type, price_key, unit_price"
        ))?,
        allocation_key: fetch(format!(
            "SELECT * FROM kpi_billing_allocation_key WHERE month = {month} ORDER BY customer"
        ))?,
        customers: fetch(format!("SELECT * FROM kpi_billing_customer WHERE month = {month} ORDER BY customer"))?,
        total: fetch(format!("SELECT * FROM kpi_billing_total WHERE month = {month}"))?,
        tickets: fetch(format!(
            "SELECT * FROM kpi_billing_ticket WHERE month = {month} ORDER BY section, customer, charge_type, price_key, ticket_id"
        ))?,
        covered: fetch(format!("SELECT * FROM kpi_billing_covered WHERE month = {month} ORDER BY customer, service"))?,
        batches,
        pseudonymise: !a.show_personal_data,
        salt: pseudonym_salt(&store)?,
    };
    let files = render::billing::render(&input)?;
    let out = a.out.clone().unwrap_or_else(|| PathBuf::from(format!("itsm-reports/{y:04}-{m:02}")));
    std::fs::create_dir_all(&out).with_context(|| format!("creating '{}'", out.display()))?;
    for (name, bytes) in [
        ("billing.xlsx", files.xlsx.as_slice()),
        ("billing.csv", files.csv.as_bytes()),
        ("billing.html", files.html.as_bytes()),
    ] {
        let path = out.join(name);
        std::fs::write(&path, bytes).with_context(|| format!("writing '{}'", path.display()))?;
    }
    Ok(out)
}

/// How the CAB models read their as-of instant; `--as-of` replaces it with a literal.
const AS_OF_TOKEN: &str = "(SELECT as_of FROM cfg_build)";

/// Writes the CAB report; returns the output directory.
pub fn cab(cx: &Context, a: &CabArgs) -> anyhow::Result<PathBuf> {
    let store = open(cx)?;
    if store.query_i64("SELECT count(*) FROM cfg_portfolio")? == 0 {
        anyhow::bail!("the portfolio is empty: set [cab] portfolio in itsm.toml and run `itsm build`");
    }
    let (candidates, unaddressed, sensitivity, as_of) = match &a.as_of {
        None => {
            let as_of = store.query_table("SELECT strftime(as_of, '%Y-%m-%d %H:%M') FROM cfg_build")?;
            let as_of = as_of.rows.first().and_then(|r| r.first().cloned().flatten()).unwrap_or_default();
            (
                store.query_table("SELECT * FROM kpi_cab_candidate ORDER BY cab_rank")?,
                store.query_table("SELECT * FROM kpi_cab_unaddressed ORDER BY unaddressed_rank")?,
                store.query_table("SELECT * FROM kpi_cab_sensitivity")?,
                format!("{as_of} UTC"),
            )
        }
        Some(text) => {
            let instant = super::calendar::instant(&cx.config.calendar(&cx.config.sla.calendar)?, text)?;
            let literal = format!("TIMESTAMP '{}'", instant.format("%Y-%m-%d %H:%M:%S"));
            let set = crate::compute::load_models(cx.config.queries.as_deref())?;
            let model = |name: &str| -> anyhow::Result<String> {
                let m = set.model(name).ok_or_else(|| anyhow::anyhow!("no model {name} in the queries"))?;
                Ok(m.sql.replace(AS_OF_TOKEN, &literal))
            };
            let candidate_sql = model("kpi_cab_candidate")?;
            (
                store.query_table(&format!("SELECT * FROM ({candidate_sql}) AS c ORDER BY cab_rank"))?,
                store.query_table(&format!(
                    "SELECT * FROM ({}) AS u ORDER BY unaddressed_rank",
                    model("kpi_cab_unaddressed")?
                ))?,
                // The sensitivity reads the candidates as of the same instant: the model's
                // name, bound as a CTE, shadows the built table.
                store.query_table(&format!(
                    "WITH kpi_cab_candidate AS ({candidate_sql}) SELECT * FROM ({}) AS s",
                    model("kpi_cab_sensitivity")?
                ))?,
                format!("{} UTC", instant.format("%Y-%m-%d %H:%M")),
            )
        }
    };
    let files = render::cab::render(
        &to_table(candidates),
        &to_table(unaddressed),
        &to_table(sensitivity),
        &as_of,
        Lang::parse(&a.lang).unwrap_or(Lang::Sv),
    )?;
    let out = a.out.clone().unwrap_or_else(|| PathBuf::from("itsm-reports/cab"));
    std::fs::create_dir_all(&out).with_context(|| format!("creating '{}'", out.display()))?;
    std::fs::write(out.join("cab.html"), &files.html).with_context(|| format!("writing '{}'", out.display()))?;
    std::fs::write(out.join("cab.csv"), &files.csv).with_context(|| format!("writing '{}'", out.display()))?;
    Ok(out)
}

/// The salt of pseudonyms: `ITSM_PSEUDONYM_SALT` from the environment when set (a secret,
/// never printed), else the content hash of the database's first loaded file, which is
/// stable for the database and not public, so names cannot be recovered by hashing a list.
fn pseudonym_salt(store: &Store) -> anyhow::Result<String> {
    if let Ok(salt) = std::env::var("ITSM_PSEUDONYM_SALT") {
        if !salt.is_empty() {
            return Ok(salt);
        }
    }
    let rows = store.query_table(
        "SELECT sha256 FROM kpi_ingest_batch JOIN dim_ingest_batch USING (batch_id) ORDER BY batch_id LIMIT 1",
    )?;
    Ok(rows.rows.first().and_then(|r| r.first().cloned().flatten()).unwrap_or_default())
}

fn check(cx: &Context, a: &CheckArgs) -> anyhow::Result<ExitCode> {
    let store = open(cx)?;
    let definitions: Vec<String> = load_definitions(a.definitions.as_deref())?.into_keys().collect();
    let mut templates = Vec::new();
    let mut problems = Vec::new();
    if a.files.is_empty() {
        templates.push(load_template(None)?);
    }
    for f in &a.files {
        match load_template(Some(f)) {
            Ok(t) => templates.push(t),
            Err(e) => problems.push(e.to_string()),
        }
    }
    let relations = store.relations()?;
    let mut columns = BTreeMap::new();
    for t in &templates {
        for (_, query, _) in t.references() {
            if columns.contains_key(&query) || !relations.contains(&query) {
                continue;
            }
            let cols = store.query_table(&format!("SELECT * FROM \"{query}\" LIMIT 0"))?.columns;
            columns.insert(query, cols);
        }
        problems.extend(render::check(t, &columns, &definitions));
    }
    for p in &problems {
        println!("{p}");
    }
    let checked = if a.files.is_empty() { 1 } else { a.files.len() };
    cx.say(format!("{checked} templates checked, {} problems", problems.len()))?;
    Ok(if problems.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
