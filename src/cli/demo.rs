//! `itsm demo`: the whole pipeline on sample data, into a directory of its own: generate,
//! ingest, build the models, run the data checks.

use std::path::PathBuf;
use std::process::ExitCode;

use super::{ingest::print_report, Context};
use crate::config::Capacity;
use crate::ingest::{self, profile::Profile, IngestOptions};
use crate::render::Lang;
use crate::report::{self, BillingOptions, CabOptions, MonthlyOptions};
use crate::sample::{generate, SampleSpec};
use crate::store::Store;

/// The sample the demo uses: the same as the committed `sample-data/`, so the demo's
/// figures never drift with today's date.
pub const DEMO_SPEC: SampleSpec = SampleSpec { tickets: 5000, months: 13, seed: 42, end_month: (2026, 10) };

/// The sample organisation's price list (sample-data/price-list.csv).
pub const SAMPLE_PRICE_LIST: &str = include_str!("../../sample-data/price-list.csv");

/// The sample CAB portfolio (sample-data/portfolio.csv).
pub const SAMPLE_PORTFOLIO: &str = include_str!("../../sample-data/portfolio.csv");

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
    let db = args.dir.join("itsm.duckdb");
    let profile = Profile::load("generic")?;
    let mut store = Store::open(&db)?;
    let opts = IngestOptions {
        source: "sample".into(),
        profile: &profile,
        kind: None,
        sheet: None,
        teams: super::teams_for(&cx.config, &profile.name),
        team_rules: cx.config.team_rules(),
        progress: !cx.quiet,
        verbose: cx.verbose,
    };
    for file in [&summary.tickets_file, &summary.history_file] {
        let report = ingest::ingest_file(&mut store, file, &opts)?;
        print_report(cx, &report)?;
    }
    drop(store);
    // The sample price list, so the demo's billing basis has prices (unless one is configured).
    let mut config = cx.config.clone();
    if config.billing.price_list.is_none() {
        let prices = args.dir.join("price-list.csv");
        std::fs::write(&prices, SAMPLE_PRICE_LIST)?;
        config.billing.price_list = Some(prices);
    }
    if config.cab.portfolio.is_none() {
        let portfolio = args.dir.join("portfolio.csv");
        std::fs::write(&portfolio, SAMPLE_PORTFOLIO)?;
        config.cab.portfolio = Some(portfolio);
        // The sample organisation's internal hourly cost, cost per SLA breach and the
        // person-days its teams have free for projects per quarter, so the CAB report's
        // economics and staffing have data.
        config.cab.hourly_costs = [("*".to_string(), 650.0), ("Vendor ERP".to_string(), 1_150.0)].into();
        config.cab.cost_per_breach = Some(1_500.0);
        config.cab.capacity = [
            ("Infrastructure", Capacity::Each(40.0)),
            ("Business Systems", Capacity::Quarters(vec![20.0, 30.0, 30.0, 40.0])),
            ("Client Desktop", Capacity::Each(25.0)),
            ("Service Desk", Capacity::Each(10.0)),
            ("TPP STP", Capacity::Each(10.0)),
            ("Vendor ERP", Capacity::Each(30.0)),
        ]
        .into_iter()
        .map(|(team, capacity)| (team.to_string(), capacity))
        .collect();
    }
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
    };
    report::billing(&store, &dcx.config, &billing)?;
    report::cab(&store, &dcx.config, &CabOptions { as_of: None, out: Some(out.clone()), lang: Lang::Sv })?;
    cx.say(format!("database:      {}", db.display()))?;
    cx.say(format!("report:        {}", out.join("monthly.html").display()))?;
    cx.say(format!("billing:       {}", out.join("billing.xlsx").display()))?;
    cx.say(format!("cab:           {}", out.join("cab.html").display()))?;
    cx.say(format!("next:          itsm query --db {} \"select * from fct_ticket_sla limit 10\"", db.display()))?;
    Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
