//! itsm-analytics: service-desk ticket exports in, the figures an ITIL-style IT operations
//! organisation is run by out.
//!
//! ```text
//! ingest (CSV, Excel, REST API) -> store (DuckDB file) -> compute (SQL in queries/) -> report -> render
//! ```
//!
//! Modules, with imports pointing down the layers (ARCHITECTURE.md draws them; a test in
//! `tests/integration/architecture.rs` holds them):
//! - [`cli`]: subcommands, one file each: arguments to options, options to the layers below.
//! - [`report`]: the reports' application logic (monthly, billing, CAB): which tables and
//!   months, the as-of instant, the pseudonym salt; calls render and writes the files.
//! - [`ingest`]: exports (CSV, workbooks, event logs, REST APIs) through a profile into
//!   canonical rows, one batch skeleton for all.
//! - [`compute`]: the SQL models in `queries/`, their generated inputs, the data checks.
//! - [`render`]: templates, figures, charts, escaping, the page shell; never opens a database.
//! - [`store`]: the only module that talks to DuckDB; query results as typed tables.
//! - [`config`]: `itsm.toml` over built-in defaults, validated once, with a canonical hash.
//! - [`sample`]: the deterministic sample-data generator.
//! - Leaves: [`calendar`] (business time, pure), [`model`] (canonical columns, value sets,
//!   teams, months), [`table`] (typed result tables), [`tabular`] (CSV and workbook
//!   readers, number and date text), [`progress`] (progress bars that stay quiet off a
//!   terminal).

pub mod calendar;
pub mod cli;
pub mod compute;
pub mod config;
pub mod export;
pub mod ingest;
pub mod model;
pub mod progress;
pub mod render;
pub mod report;
pub mod sample;
pub mod store;
pub mod table;
pub mod tabular;
