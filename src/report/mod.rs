//! Reports: the application logic between a built store and the rendered files. Each
//! report reads the tables it needs from the store, applies the report's policies (the
//! months a monthly report reads, the pseudonym salt, the instant CAB evidence is taken
//! at) and hands plain typed tables to `render`, then writes the files.
//!
//! Owns: opening and checking the built store ([`open`]), the shipped templates and KPI
//! definitions, the billing, CAB and customer-report fetches, the pseudonym-salt policy,
//! the source batches of a report's footer, and the refusal of a month or instant the
//! build did not compute ([`ReportError::MonthNotComputed`], [`ReportError::OutsideCalendar`]).
//! Must not: parse command lines (the CLI maps its flags onto the options structs here),
//! format values for people (render does) or import `cli`.
//! Callable from benches and tests as `itsm::report::monthly(&store, &config, &options)`.

mod billing;
mod cab;
mod customer;
mod dispatch;
mod major;
mod monthly;
mod vendors;

use std::path::{Path, PathBuf};

pub use billing::{billing, BillingOptions};
pub use cab::{cab, CabOptions};
pub use customer::{customer, file_stem, CustomerOptions};
pub use dispatch::{backtest, build_as_of, dispatch_list, write_dispatch, Backtest, DispatchList, DispatchOptions};
pub use major::major;
pub use monthly::{check, load_definitions, monthly, CheckOutcome, MonthlyOptions};
pub use vendors::{vendors, VendorsOptions};

use chrono::{DateTime, Datelike, NaiveDateTime, Utc};
use chrono_tz::Tz;

use crate::compute::ModelError;
use crate::render::{RenderError, SourceBatch, TemplateError};
use crate::store::{Store, StoreError};
use crate::table::Value;

/// The shipped templates, compiled in so the binary works anywhere.
pub const SHIPPED: &[(&str, &str)] = &[
    ("reports/monthly.md", include_str!("../../reports/monthly.md")),
    ("reports/billing.md", crate::render::billing::TEMPLATE),
    ("reports/cab.md", crate::render::cab::TEMPLATE),
    ("reports/customer.md", crate::render::customer::TEMPLATE),
    ("reports/vendors.md", crate::render::vendors::TEMPLATE),
];
/// The shipped KPI definitions.
pub const DEFINITIONS: &str = include_str!("../../reports/definitions.toml");

/// The page template a report renders: the file given (`--template`, a copy of the shipped
/// one, edited) or the shipped `(file, text)`.
pub(crate) fn load_template(given: Option<&Path>, shipped: (&str, &str)) -> Result<crate::render::Template> {
    let (file, text) = match given {
        Some(p) => (p.display().to_string(), read_text(p)?),
        None => (shipped.0.to_string(), shipped.1.to_string()),
    };
    Ok(crate::render::parse_template(&file, &text)?)
}

/// A text file a report reads (a template, a note), its error naming the file.
pub(crate) fn read_text(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|source| ReportError::Read { path: path.to_owned(), source })
}

/// Errors of the reports. Each names the file, query or setting a user can act on.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The database file does not exist.
    #[error("database '{0}' does not exist; create it with `itsm demo` or `itsm ingest`")]
    NoDatabase(PathBuf),
    /// The database has not been built.
    #[error("database '{0}' has no built model; run `itsm build` first")]
    NotBuilt(PathBuf),
    /// The database predates its pseudonym salt (schema version 6) and was opened read-only.
    #[error("database '{db}' has no pseudonym salt yet (made by an older version); run `itsm build` once to add it")]
    NoPseudonymSalt {
        /// The database file.
        db: PathBuf,
    },
    /// `cfg_build` has no row.
    #[error("cfg_build is empty; run `itsm build`")]
    EmptyBuild,
    /// A month is not `YYYY-MM`.
    #[error(transparent)]
    Month(#[from] crate::model::MonthError),
    /// A template names a table the database does not have.
    #[error("{file}: query '{query}' is not a table of the database; run `itsm build`")]
    NoTable {
        /// Template file.
        file: String,
        /// The table it names.
        query: String,
    },
    /// The KPI definitions are not valid TOML of `[id] sv = "…" en = "…"`.
    #[error("{file} is invalid: {message}")]
    Definitions {
        /// Definitions file.
        file: String,
        /// The TOML reader's reason.
        message: String,
    },
    /// No price list is configured, so there is no billing basis.
    #[error("no price list is configured: set [billing] price_list in itsm.toml and run `itsm build`")]
    NoPriceList,
    /// The CAB portfolio is empty.
    #[error("the portfolio is empty: set [cab] portfolio in itsm.toml and run `itsm build`")]
    EmptyPortfolio,
    /// A customer report names a customer that is not billed.
    #[error("'{name}' is not a billed customer (known: {known}); see [billing] customers in itsm.toml")]
    UnknownCustomer {
        /// The name given.
        name: String,
        /// The billed customers.
        known: String,
    },
    /// No billed customer has a ticket in the data: `[billing] customers` is the built-in
    /// sample organisation's, or names none of the data's customers.
    #[error(
        "none of the billed customers ({known}) has a ticket in the data; the data's customers: {found}. \
         Set [billing] customers in itsm.toml (the built-in ones are the sample organisation's), \
         or name one with --customer"
    )]
    NoBilledCustomerInData {
        /// The billed customers.
        known: String,
        /// The customers the tickets name (the first few), or why there are none.
        found: String,
    },
    /// An instant lies outside the local years the build computed the calendar for: its
    /// business time is unknown (read at the calendar's edge it would stand still).
    #[error(
        "the as-of instant {as_of} lies outside the calendar the build computed, local years {first}–{last}; \
         give --as-of within those years, or rebuild with `itsm build --as-of \"{as_of}\"` to compute the calendar up to it"
    )]
    OutsideCalendar {
        /// The instant, local `YYYY-MM-DD HH:MM` (as `--as-of` takes it).
        as_of: String,
        /// First local year of the calendar.
        first: i64,
        /// Last local year of the calendar.
        last: i64,
    },
    /// A month lies outside the months the build computed (`dim_month_end`: from the first
    /// month a ticket was opened to the month of the build's as-of instant): the data holds
    /// nothing of it and the build evaluated nothing at it, so its page would be empty
    /// boxes and zeros that read like a quiet month.
    #[error(
        "the month {month} lies outside the months the build computed, {first} to {last} (from the first \
         ticket opened to the build's as-of instant, {as_of}); give {flag} within them, or load the exports \
         that cover it and rebuild (for a later month with `itsm build --as-of` after its end)"
    )]
    MonthNotComputed {
        /// The month asked for, `YYYY-MM`.
        month: String,
        /// The flag that gave it (`--month`, `--as-of`, `--from`, `--to`).
        flag: &'static str,
        /// First month the build computed, `YYYY-MM`.
        first: String,
        /// Last month the build computed (the as-of instant's), `YYYY-MM`.
        last: String,
        /// The build's as-of instant, local `YYYY-MM-DD HH:MM`.
        as_of: String,
    },
    /// The queries lack a model a report evaluates.
    #[error("no model {0} in the queries")]
    NoModel(String),
    /// A file could not be read.
    #[error("reading '{path}'")]
    Read {
        /// The file.
        path: PathBuf,
        /// The system's reason.
        source: std::io::Error,
    },
    /// An output file or directory could not be written.
    #[error("{what} '{path}'")]
    Write {
        /// `creating` or `writing`.
        what: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The system's reason.
        source: std::io::Error,
    },
    /// A store query failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A template is invalid.
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// A figure cannot be drawn.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// The billing workbook could not be written.
    #[error(transparent)]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    /// A billing or CAB page (or its files) cannot be written.
    #[error(transparent)]
    Page(#[from] crate::render::tables::PageError),
    /// The models could not be read.
    #[error(transparent)]
    Models(#[from] ModelError),
}

/// Shorthand for report results.
pub type Result<T> = std::result::Result<T, ReportError>;

/// Opens a built database read-only; an error says what to run when it is missing or
/// not built.
pub fn open(db: &Path) -> Result<Store> {
    if !db.exists() {
        return Err(ReportError::NoDatabase(db.to_owned()));
    }
    let store = Store::open_read_only(db)?;
    if !store.relations()?.iter().any(|r| r == "build_model") {
        return Err(ReportError::NotBuilt(db.to_owned()));
    }
    Ok(store)
}

/// (year, month) of `YYYY-MM`: the model's one month reader.
pub fn parse_month(text: &str) -> Result<(i32, u32)> {
    Ok(crate::model::parse_month(text)?)
}

/// The organisation's zone the build computed its months in (`cfg_build.timezone`).
fn build_zone(store: &Store) -> Result<Tz> {
    let zone = first_text(&store.query_table("SELECT timezone FROM cfg_build")?);
    Ok(zone.parse().unwrap_or(chrono_tz::Europe::Stockholm))
}

/// Refuses an instant outside the local years of the build's calendar (`cfg_build`). The
/// models read business time from the calendar tables, and past their last hour the clock
/// reads the calendar's end: every ticket's used minutes would stop at 31 December of the
/// last year while the report claims another instant. Extending the calendar is the
/// build's job (it covers the data, the loads and its as-of, a year either side), so the
/// way out is a rebuild, named in the message.
fn within_calendar(store: &Store, as_of: NaiveDateTime, tz: Tz) -> Result<()> {
    let years = store.query_table("SELECT first_year, last_year FROM cfg_build")?;
    let year = |i: usize| years.rows.first().and_then(|r| r.get(i)).and_then(Value::as_f64).map(|y| y as i64);
    let (Some(first), Some(last)) = (year(0), year(1)) else { return Err(ReportError::EmptyBuild) };
    let local = DateTime::<Utc>::from_naive_utc_and_offset(as_of, Utc).with_timezone(&tz);
    if (first..=last).contains(&i64::from(local.year())) {
        return Ok(());
    }
    Err(ReportError::OutsideCalendar { as_of: local.format("%Y-%m-%d %H:%M").to_string(), first, last })
}

/// The local month `(year, month)` of a UTC instant.
fn local_month(instant: NaiveDateTime, tz: Tz) -> (i32, u32) {
    let local = DateTime::<Utc>::from_naive_utc_and_offset(instant, Utc).with_timezone(&tz);
    (local.year(), local.month())
}

/// Refuses a month the build did not compute: before the first month a ticket was opened,
/// or after the month of the build's as-of instant (`dim_month_end` holds exactly these
/// months, the backlog's). Before them the export holds nothing; after them the build has
/// evaluated no open ticket, no backlog and no outcome. Either way every figure of the
/// month would be empty or 0 and read like a quiet month, so the report says which months
/// it can give instead. A month inside them with no ticket is a real month and passes.
/// A store without tickets computes no month; its reports are empty and pass.
fn computed_month(store: &Store, (y, m): (i32, u32), flag: &'static str) -> Result<()> {
    let span = store.query_table(
        "SELECT strftime(min(month), '%Y-%m'), strftime(max(month), '%Y-%m'), (SELECT as_of FROM cfg_build) \
         FROM dim_month_end",
    )?;
    let Some(row) = span.rows.first() else { return Ok(()) };
    let (Some(first), Some(last)) = (row[0].to_text(), row[1].to_text()) else { return Ok(()) };
    let month = format!("{y:04}-{m:02}");
    if (first.as_str()..=last.as_str()).contains(&month.as_str()) {
        return Ok(());
    }
    let as_of = match &row[2] {
        Value::Timestamp(t) => DateTime::<Utc>::from_naive_utc_and_offset(*t, Utc).with_timezone(&build_zone(store)?),
        _ => return Err(ReportError::EmptyBuild),
    };
    Err(ReportError::MonthNotComputed { month, flag, first, last, as_of: as_of.format("%Y-%m-%d %H:%M").to_string() })
}

/// `out`, else `itsm-reports/YYYY-MM`.
fn month_dir(out: Option<&Path>, (y, m): (i32, u32)) -> PathBuf {
    out.map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from(format!("itsm-reports/{y:04}-{m:02}")))
}

/// Writes `files` into `dir` (created when missing); returns their paths in order.
fn write_files(dir: &Path, files: &[(&str, &[u8])]) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|source| ReportError::Write { what: "creating", path: dir.into(), source })?;
    files
        .iter()
        .map(|(name, bytes)| {
            let path = dir.join(name);
            std::fs::write(&path, bytes).map_err(|source| ReportError::Write {
                what: "writing",
                path: path.clone(),
                source,
            })?;
            Ok(path)
        })
        .collect()
}

/// The text of the first cell of the first row (empty when there is none or it is NULL).
fn first_text(table: &crate::table::Table) -> String {
    table.rows.first().and_then(|r| r.first()).map(Value::to_string).unwrap_or_default()
}

/// The batches the database was loaded from, for a report's footer.
fn source_batches(store: &Store) -> Result<Vec<SourceBatch>> {
    let table = store.query_table(
        "SELECT batch_id, source, file, strftime(finished_at, '%Y-%m-%d %H:%M') FROM kpi_ingest_batch ORDER BY batch_id",
    )?;
    Ok(table
        .rows
        .iter()
        .map(|r| {
            let c = |i: usize| r.get(i).map(Value::to_string).unwrap_or_default();
            SourceBatch { batch_id: c(0), source: c(1), file: c(2), finished_at: c(3) }
        })
        .collect())
}

/// The salt of pseudonyms: `ITSM_PSEUDONYM_SALT` from the environment when set (a secret,
/// never printed; set it to keep pseudonyms equal across databases), else the database's
/// own salt, drawn at random when the file was created or upgraded (schema version 6,
/// table `store_secret`, never exported), so names cannot be recovered by hashing a list.
pub fn pseudonym_salt(store: &Store) -> Result<String> {
    if let Ok(salt) = std::env::var("ITSM_PSEUDONYM_SALT") {
        if !salt.is_empty() {
            return Ok(salt);
        }
    }
    let has_table = store.query_i64(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' AND table_name = 'store_secret'",
    )?;
    let salt = if has_table == 1 {
        first_text(&store.query_table("SELECT secret FROM store_secret WHERE name = 'pseudonym_salt'")?)
    } else {
        String::new()
    };
    if salt.is_empty() {
        return Err(ReportError::NoPseudonymSalt { db: store.path().to_path_buf() });
    }
    Ok(salt)
}
