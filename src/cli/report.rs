//! `itsm report`: render report templates from the built KPI tables (`monthly`, `billing`,
//! `cab`, `customer`, `vendors`), the operational lists (`dispatch`, `major`), and check templates against the tables (`check`).
//!
//! This file maps the flags onto the options of [`crate::report`], calls one report and
//! prints what it wrote; the reports themselves live there.

use std::path::PathBuf;
use std::process::ExitCode;

use super::Context;
use crate::render::output::OutputFormat;
use crate::render::Lang;
use crate::report::{
    self, BillingOptions, CabOptions, CustomerOptions, DispatchOptions, MonthlyOptions, VendorsOptions,
};

/// Arguments of `itsm report`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  itsm report monthly --month 2026-10 --lang en\n  itsm report billing --month 2026-10"
)]
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
    /// Each customer's monthly service report: customer-<name>.html and customer-<name>.json.
    #[command(
        after_help = "Example:\n  itsm report customer --month 2026-10 --all --lang sv --note october.md\n  itsm report customer --month 2026-10 --customer Kävlinge --lang en"
    )]
    Customer(CustomerArgs),
    /// The IT controller's supplier follow-up: vendors.html, vendors.csv and vendors.xlsx.
    #[command(after_help = "Example:\n  itsm report vendors --month 2026-10 --lang en --out itsm-reports/2026-10")]
    Vendors(VendorsArgs),
    /// The Dispatcher's list: open tickets at an instant with the probability of breach.
    #[command(
        after_help = "Example:\n  itsm report dispatch --team Infrastructure\n  itsm report dispatch --format html --out itsm-reports/dispatch\n  itsm report dispatch --backtest --from 2026-04 --to 2026-09"
    )]
    Dispatch(DispatchArgs),
    /// The Incident Manager's major incidents of a month.
    #[command(after_help = "Example:\n  itsm report major --month 2026-10 --format csv")]
    Major(MajorArgs),
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
    /// A template file for billing.html instead of the shipped billing.md (copy it and edit
    /// it; the workbook and the CSV file keep their columns).
    #[arg(long, value_name = "FILE")]
    pub template: Option<PathBuf>,
}

/// Arguments of `itsm report vendors`.
#[derive(Debug, clap::Args)]
pub struct VendorsArgs {
    /// Report month, YYYY-MM.
    #[arg(long, value_name = "YYYY-MM")]
    pub month: String,
    /// Output directory (default: itsm-reports/YYYY-MM).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Language of the page and the workbook.
    #[arg(long, default_value = "sv", value_parser = ["sv", "en"])]
    pub lang: String,
    /// A template file for vendors.html instead of the shipped vendors.md (copy it and edit it).
    #[arg(long, value_name = "FILE")]
    pub template: Option<PathBuf>,
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
    /// A template file for cab.html instead of the shipped cab.md (copy it and edit it).
    #[arg(long, value_name = "FILE")]
    pub template: Option<PathBuf>,
}

/// Arguments of `itsm report customer`.
#[derive(Debug, clap::Args)]
pub struct CustomerArgs {
    /// Report month, YYYY-MM.
    #[arg(long, value_name = "YYYY-MM")]
    pub month: String,
    /// A billed customer to write the report for (repeat for several).
    #[arg(long, value_name = "NAME", conflicts_with = "all")]
    pub customer: Vec<String>,
    /// Every billed customer (the default when no --customer is given).
    #[arg(long)]
    pub all: bool,
    /// Output directory (default: itsm-reports/YYYY-MM).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Report language.
    #[arg(long, default_value = "sv", value_parser = ["sv", "en"])]
    pub lang: String,
    /// A Markdown file whose text opens the report (the month's note; `[[sv|en]]` pairs allowed).
    #[arg(long, value_name = "FILE")]
    pub note: Option<PathBuf>,
    /// A template file instead of the shipped customer.md (copy it and edit it).
    #[arg(long, value_name = "FILE")]
    pub template: Option<PathBuf>,
    /// Show requesters as they are instead of pseudonymised.
    #[arg(long)]
    pub show_personal_data: bool,
}

/// Output of `itsm report dispatch` and `itsm report major`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    /// Aligned columns on standard output (coloured by risk on a terminal).
    Table,
    /// CSV on standard output, or a file in --out.
    Csv,
    /// A self-contained page in --out (dispatch only).
    Html,
}

/// Arguments of `itsm report dispatch`.
#[derive(Debug, clap::Args)]
pub struct DispatchArgs {
    /// The instant (RFC 3339 or local `YYYY-MM-DD HH:MM`; default: now).
    #[arg(long, value_name = "INSTANT")]
    pub as_of: Option<String>,
    /// Only tickets held by this team at the instant (repeatable).
    #[arg(long = "team", value_name = "NAME")]
    pub teams: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ListFormat,
    /// Output directory for html, and for csv instead of standard output (default for
    /// html: itsm-reports/dispatch).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replay the history at every business day 12:00 and score the forecast.
    #[arg(long)]
    pub backtest: bool,
    /// First month of the backtest (default: six months before the build's).
    #[arg(long, value_name = "YYYY-MM")]
    pub from: Option<String>,
    /// Last month of the backtest (default: the month before the build's).
    #[arg(long, value_name = "YYYY-MM")]
    pub to: Option<String>,
    /// Language of the page.
    #[arg(long, default_value = "sv", value_parser = ["sv", "en"])]
    pub lang: String,
}

/// Arguments of `itsm report major`.
#[derive(Debug, clap::Args)]
pub struct MajorArgs {
    /// The month the incidents were opened in, YYYY-MM.
    #[arg(long, value_name = "YYYY-MM")]
    pub month: String,
    /// Output format (table or csv).
    #[arg(long, value_enum, default_value = "table")]
    pub format: ListFormat,
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
    let written = match args.command {
        ReportCommand::Monthly(a) => {
            let store = report::open(&cx.db)?;
            let written = report::monthly(&store, &cx.config, &a.options())?;
            if let Some(note) = super::build::first_line_note(&store)? {
                cx.say(note)?;
            }
            cx.say(format!("report: {}", written[0].display()))?;
            cx.say(format!("data:   {}", written[1].display()))?;
            return Ok(ExitCode::SUCCESS);
        }
        ReportCommand::Billing(a) => report::billing(&report::open(&cx.db)?, &cx.config, &a.options())?,
        ReportCommand::Cab(a) => {
            let store = report::open(&cx.db)?;
            let options = a.options(cx)?;
            report::cab(&store, &cx.config, &options)?
        }
        ReportCommand::Customer(a) => report::customer(&report::open(&cx.db)?, &cx.config, &a.options())?,
        ReportCommand::Vendors(a) => {
            let options = VendorsOptions {
                month: a.month.clone(),
                out: a.out.clone(),
                lang: lang(&a.lang),
                template: a.template.clone(),
            };
            report::vendors(&report::open(&cx.db)?, &cx.config, &options)?
        }
        ReportCommand::Dispatch(a) => return dispatch(cx, &a),
        ReportCommand::Major(a) => return major(cx, &a),
        ReportCommand::Check(a) => return check(cx, &a),
    };
    for path in written {
        cx.say(format!("written: {}", path.display()))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn lang(code: &str) -> Lang {
    Lang::parse(code).unwrap_or(Lang::Sv)
}

impl MonthlyArgs {
    /// The report's options.
    pub fn options(&self) -> MonthlyOptions {
        MonthlyOptions {
            month: self.month.clone(),
            out: self.out.clone(),
            lang: lang(&self.lang),
            template: self.template.clone(),
            definitions: self.definitions.clone(),
            show_personal_data: self.show_personal_data,
        }
    }
}

impl BillingArgs {
    /// The report's options.
    pub fn options(&self) -> BillingOptions {
        BillingOptions {
            month: self.month.clone(),
            out: self.out.clone(),
            lang: lang(&self.lang),
            show_personal_data: self.show_personal_data,
            template: self.template.clone(),
        }
    }
}

impl CustomerArgs {
    /// The report's options.
    pub fn options(&self) -> CustomerOptions {
        CustomerOptions {
            month: self.month.clone(),
            customers: if self.all { Vec::new() } else { self.customer.clone() },
            out: self.out.clone(),
            lang: lang(&self.lang),
            note: self.note.clone(),
            template: self.template.clone(),
            show_personal_data: self.show_personal_data,
        }
    }
}

impl CabArgs {
    /// The report's options; `--as-of` is read in the SLA calendar's zone.
    pub fn options(&self, cx: &Context) -> anyhow::Result<CabOptions> {
        let as_of = match &self.as_of {
            Some(text) => {
                Some(super::calendar::instant(&cx.config.calendar(&cx.config.sla.calendar)?, text)?.naive_utc())
            }
            None => None,
        };
        Ok(CabOptions { as_of, out: self.out.clone(), lang: lang(&self.lang), template: self.template.clone() })
    }
}

fn dispatch(cx: &Context, a: &DispatchArgs) -> anyhow::Result<ExitCode> {
    use std::io::{IsTerminal, Write};
    let store = report::open(&cx.db)?;
    let as_of = match &a.as_of {
        Some(text) => Some(super::calendar::instant(&cx.config.calendar(&cx.config.sla.calendar)?, text)?.naive_utc()),
        None => None,
    };
    let options = DispatchOptions {
        as_of,
        teams: a.teams.clone(),
        backtest: (a.from.clone(), a.to.clone()),
        lang: lang(&a.lang),
    };
    let mut stdout = std::io::stdout().lock();
    if a.backtest {
        let backtest = report::backtest(&store, &cx.config, &options.backtest)?;
        writeln!(
            stdout,
            "backtest {} – {}: {} business days at 12:00",
            backtest.months.0, backtest.months.1, backtest.instants
        )?;
        crate::render::output::write_table(&mut stdout, OutputFormat::Table, &backtest.scores)?;
        writeln!(stdout)?;
        crate::render::output::write_table(&mut stdout, OutputFormat::Table, &backtest.reliability)?;
        let list = report::dispatch_list(&store, &cx.config, &options)?;
        let out = a.out.clone().or_else(|| Some(PathBuf::from("itsm-reports/dispatch")));
        for path in report::write_dispatch(&list, &backtest, out, options.lang, true)? {
            cx.say(format!("written: {}", path.display()))?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let list = report::dispatch_list(&store, &cx.config, &options)?;
    match a.format {
        ListFormat::Table => {
            let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            write!(stdout, "{}", crate::render::dispatch::text(&list.rows, colour))?;
        }
        ListFormat::Csv => {
            let csv = crate::render::dispatch::csv(&list.rows);
            match &a.out {
                Some(dir) => {
                    std::fs::create_dir_all(dir)?;
                    let path = dir.join("dispatch.csv");
                    std::fs::write(&path, csv)?;
                    cx.say(format!("written: {}", path.display()))?;
                }
                None => write!(stdout, "{csv}")?,
            }
        }
        ListFormat::Html => {
            let backtest = report::backtest(&store, &cx.config, &options.backtest)?;
            for path in report::write_dispatch(&list, &backtest, a.out.clone(), options.lang, false)? {
                cx.say(format!("written: {}", path.display()))?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn major(cx: &Context, a: &MajorArgs) -> anyhow::Result<ExitCode> {
    let store = report::open(&cx.db)?;
    let table = report::major(&store, &a.month)?;
    let format = match a.format {
        ListFormat::Csv => OutputFormat::Csv,
        ListFormat::Table => OutputFormat::Table,
        ListFormat::Html => anyhow::bail!("itsm report major writes table or csv; the monthly report has the page"),
    };
    // A month of the build's without a major incident: said in words, not as a bare header
    // (the CSV keeps its header: no rows is the file's answer).
    if table.rows.is_empty() && format == OutputFormat::Table {
        cx.say(format!("no major incident was opened in {}", a.month))?;
        return Ok(ExitCode::SUCCESS);
    }
    crate::render::output::write_table(&mut std::io::stdout().lock(), format, &table)?;
    Ok(ExitCode::SUCCESS)
}

fn check(cx: &Context, a: &CheckArgs) -> anyhow::Result<ExitCode> {
    let store = report::open(&cx.db)?;
    let outcome = report::check(&store, &a.files, a.definitions.as_deref())?;
    for p in &outcome.problems {
        println!("{p}");
    }
    cx.say(format!("{} templates checked, {} problems", outcome.checked, outcome.problems.len()))?;
    Ok(if outcome.problems.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
