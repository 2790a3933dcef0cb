//! `itsm demo`: the whole pipeline on sample data, into a directory of its own that stays a
//! working project (`itsm.toml`, price list, portfolio, database): generate, ingest, build
//! the models, run the data checks, write the reports.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;

use super::{ingest::print_report, Context};
use crate::config::Config;
use crate::ingest::{self, profile::Profile, IngestOptions};
use crate::render::Lang;
use crate::report::{self, BillingOptions, CabOptions, CustomerOptions, DispatchOptions, MonthlyOptions};
use crate::sample::{generate, SampleSpec};
use crate::store::Store;

/// The sample the demo uses: the same as the committed `sample-data/`, so the demo's
/// figures never drift with today's date.
pub const DEMO_SPEC: SampleSpec = SampleSpec { tickets: 5000, months: 13, seed: 42, end_month: (2026, 10) };

/// The sample organisation's price list (sample-data/price-list.csv).
pub const SAMPLE_PRICE_LIST: &str = include_str!("../../sample-data/price-list.csv");

/// The sample CAB portfolio (sample-data/portfolio.csv).
pub const SAMPLE_PORTFOLIO: &str = include_str!("../../sample-data/portfolio.csv");

/// The sample organisation's project configuration (sample-data/itsm.toml): teams, SLA,
/// billing with the price list, CAB with the portfolio, costs and capacity. The demo writes
/// it next to its database and runs with it, so every command works there with no flags.
pub const DEMO_CONFIG: &str = include_str!("../../sample-data/itsm.toml");

/// Arguments of `itsm demo`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  itsm demo --dir /tmp/itsm-demo && itsm status --db /tmp/itsm-demo/itsm.duckdb")]
pub struct Args {
    /// Directory for the export, the database and (later) the reports.
    #[arg(long, default_value = "itsm-demo", value_name = "DIR")]
    pub dir: PathBuf,
}

/// Runs `itsm demo`.
pub fn run(cx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let export = args.dir.join("export");
    let summary = generate(&DEMO_SPEC, &export)?;
    cx.say(format!(
        "sample export: {} tickets, {} history events in {}",
        summary.tickets,
        summary.events,
        export.display()
    ))?;
    // The demo is a project of its own: its itsm.toml, price list and portfolio, written
    // next to the database, are the configuration of everything below.
    let config_file = args.dir.join("itsm.toml");
    for (name, text) in
        [("itsm.toml", DEMO_CONFIG), ("price-list.csv", SAMPLE_PRICE_LIST), ("portfolio.csv", SAMPLE_PORTFOLIO)]
    {
        let path = args.dir.join(name);
        std::fs::write(&path, text).with_context(|| format!("writing '{}'", path.display()))?;
    }
    let config = Config::load(Some(&config_file))?;
    let db = config.db.clone();
    let profile = Profile::load("generic")?;
    let mut store = Store::open(&db)?;
    let opts = IngestOptions {
        teams: super::teams_for(&config, &profile.name),
        team_rules: config.team_rules(),
        progress: !cx.quiet,
        verbose: cx.verbose,
        ..IngestOptions::new("sample", &profile)
    };
    for file in [&summary.tickets_file, &summary.history_file] {
        let report = ingest::ingest_file(&mut store, file, &opts)?;
        print_report(cx, &report)?;
    }
    drop(store);
    let dcx = Context { config, db: db.clone(), quiet: cx.quiet, verbose: cx.verbose };
    let report = super::build::build(&dcx, None, None)?;
    super::build::print_report(&dcx, &report)?;
    let failed = super::test::test(&dcx, None)?;
    let (year, month) = DEMO_SPEC.end_month;
    let out = args.dir.join("reports").join(format!("{year:04}-{month:02}"));
    let store = report::open(&db)?;
    let monthly = MonthlyOptions {
        month: Some(format!("{year:04}-{month:02}")),
        out: Some(out.clone()),
        ..MonthlyOptions::default()
    };
    report::monthly(&store, &dcx.config, &monthly)?;
    let billing = BillingOptions {
        month: format!("{year:04}-{month:02}"),
        out: Some(out.clone()),
        lang: Lang::Sv,
        show_personal_data: false,
        template: None,
    };
    report::billing(&store, &dcx.config, &billing)?;
    let cab = CabOptions { as_of: None, out: Some(out.clone()), lang: Lang::Sv, template: None };
    report::cab(&store, &dcx.config, &cab)?;
    // Each customer's service report for the month (every billed customer).
    let customers = CustomerOptions {
        month: format!("{year:04}-{month:02}"),
        customers: Vec::new(),
        out: Some(out.clone()),
        lang: Lang::Sv,
        note: None,
        template: None,
        show_personal_data: false,
    };
    let customer_reports = report::customer(&store, &dcx.config, &customers)?;
    let vendors = report::VendorsOptions {
        month: format!("{year:04}-{month:02}"),
        out: Some(out.clone()),
        lang: Lang::Sv,
        template: None,
    };
    report::vendors(&store, &dcx.config, &vendors)?;
    // The Dispatcher's list at the sample's end instant (the build's as-of), with its backtest.
    let dispatch = DispatchOptions {
        as_of: Some(report::build_as_of(&store)?),
        teams: Vec::new(),
        backtest: (None, None),
        lang: Lang::Sv,
    };
    let list = report::dispatch_list(&store, &dcx.config, &dispatch)?;
    let backtest = report::backtest(&store, &dcx.config, &dispatch.backtest)?;
    let reports = args.dir.join("reports");
    report::write_dispatch(&list, &backtest, Some(reports.clone()), Lang::Sv, true)?;
    cx.say(format!("database:      {}", db.display()))?;
    cx.say(format!("report:        {}", out.join("monthly.html").display()))?;
    cx.say(format!("billing:       {}", out.join("billing.xlsx").display()))?;
    cx.say(format!("cab:           {}", out.join("cab.html").display()))?;
    for path in customer_reports.iter().filter(|p| p.extension().is_some_and(|e| e == "html")) {
        cx.say(format!("customer:      {}", path.display()))?;
    }
    cx.say(format!("vendors:       {}", out.join("vendors.html").display()))?;
    cx.say(format!("dispatch:      {}", reports.join("dispatch.html").display()))?;
    cx.say(format!("config:        {}", config_file.display()))?;
    cx.say(format!("next:          cd {} && itsm report billing --month 2026-09", args.dir.display()))?;
    cx.say(format!("               itsm query --db {} \"select * from fct_ticket_sla limit 10\"", db.display()))?;
    Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
