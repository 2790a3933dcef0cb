//! `itsm export`: the built tables as Parquet, CSV or xlsx files for BI tools, with a
//! README.txt describing each table. The export itself lives in [`crate::export`].

use std::path::PathBuf;
use std::process::ExitCode;

use super::Context;
use crate::export::{ExportFormat, ExportOptions, WORKBOOK};

/// The file formats of `--format`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// Apache Parquet (snappy); large tables partitioned by month.
    Parquet,
    /// One CSV file per table.
    Csv,
    /// One workbook, a sheet per table.
    Xlsx,
}

/// Arguments of `itsm export`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  itsm export --format parquet --out bi            # kpis, marts and canonical tables\n  \
                        itsm export --tables kpis --format xlsx --out excel\n  \
                        itsm export --tables kpi_sla_by_month fct_ticket --format csv --out csv"
)]
pub struct Args {
    /// Groups (`kpis` = kpi_* tables, `marts` = dim_*/fct_*, `canonical` = the ingested
    /// tables) and table names; default: all three groups.
    #[arg(long, num_args = 1.., value_name = "GROUP|TABLE")]
    pub tables: Vec<String>,
    /// File format.
    #[arg(long, value_enum)]
    pub format: Format,
    /// Output directory (created when missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Write requesters and agents as they are instead of pseudonymised.
    #[arg(long)]
    pub show_personal_data: bool,
}

/// Runs `itsm export`.
pub fn run(cx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let store = crate::report::open(&cx.db)?;
    let models = crate::compute::load_models(cx.config.queries.as_deref())?;
    let format = match args.format {
        Format::Parquet => ExportFormat::Parquet,
        Format::Csv => ExportFormat::Csv,
        Format::Xlsx => ExportFormat::Xlsx,
    };
    let options = ExportOptions {
        tables: args.tables,
        format,
        out: args.out.clone(),
        show_personal_data: args.show_personal_data,
    };
    let done = crate::export::export(&store, &models, &options)?;
    let rows: i64 = done.iter().map(|e| e.rows).sum();
    let files = match format {
        // Every table is a sheet of one workbook: counting the sheets as files sent readers
        // looking for 91 files where there is one.
        ExportFormat::Xlsx => {
            let sheets = done.iter().filter(|e| !e.files.is_empty()).count();
            format!("1 file, {WORKBOOK}, with {sheets} sheet{}", if sheets == 1 { "" } else { "s" })
        }
        ExportFormat::Parquet | ExportFormat::Csv => {
            format!("{} files", done.iter().map(|e| e.files.len()).sum::<usize>())
        }
    };
    cx.say(format!(
        "exported {} tables ({rows} rows, {files}) as {} to {}; see {}",
        done.len(),
        format.name(),
        args.out.display(),
        args.out.join("README.txt").display()
    ))?;
    for e in &done {
        cx.detail(format!("  {}: {} rows, {}", e.table, e.rows, e.files.join(", ")))?;
    }
    Ok(ExitCode::SUCCESS)
}
