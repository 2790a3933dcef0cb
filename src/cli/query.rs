//! `itsm query`: ad-hoc SQL (or a .sql file) against the built model, read-only.

use std::process::ExitCode;

use super::format::Format;
use super::Context;
use crate::render::output::write_table;
use crate::store::Store;

/// Arguments of `itsm query`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  itsm query \"select * from kpi_ftr_by_month\" --format csv\n  \
                        itsm query my-question.sql --format json")]
pub struct Args {
    /// A SELECT, or the path of a file holding one. It reads the database only (no COPY, no
    /// other files) and shows stored values as they are, requesters and agents included.
    pub sql: String,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

/// Runs `itsm query`.
pub fn run(cx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    if !cx.db.exists() {
        anyhow::bail!("database '{}' does not exist; create it with `itsm demo` or `itsm ingest`", cx.db.display());
    }
    let path = std::path::Path::new(&args.sql);
    let sql = if args.sql.trim_end().ends_with(".sql") && path.is_file() {
        std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("cannot read '{}': {e}", path.display()))?
    } else {
        args.sql.clone()
    };
    let sql = sql.trim().trim_end_matches(';');
    let store = Store::open_read_only(&cx.db)?;
    // A query reads the model, nothing else: no COPY to a file, no read_csv of one (the
    // stored names would leave unpseudonymised; `itsm export` and the reports pseudonymise).
    store.forbid_file_access()?;
    let table = store.query_table(sql)?;
    write_table(&mut std::io::stdout().lock(), args.format.into(), &table)?;
    Ok(ExitCode::SUCCESS)
}
