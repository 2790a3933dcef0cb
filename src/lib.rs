//! itsm-analytics: service-desk ticket exports in, the figures an ITIL-style IT operations
//! organisation is run by out.
//!
//! ```text
//! ingest (CSV) -> store (DuckDB file) -> compute (SQL in queries/) -> render
//! ```
//!
//! Modules, with dependencies pointing one way (cli -> config, ingest -> store):
//! - [`calendar`]: business time (office hours, Swedish holidays) — pure, no database.
//! - [`cli`]: subcommands, one file each.
//! - [`config`]: `itsm.toml` over built-in defaults, resolved once.
//! - [`model`]: the canonical columns and value sets (DESIGN §3).
//! - [`ingest`]: source files through a profile into canonical rows.
//! - [`store`]: the only module that talks to DuckDB.
//! - [`sample`]: the deterministic sample-data generator.
//! - [`progress`]: progress bars that stay quiet off a terminal.

pub mod calendar;
pub mod cli;
pub mod compute;
pub mod config;
pub mod ingest;
pub mod model;
pub mod progress;
pub mod render;
pub mod report;
pub mod sample;
pub mod store;
pub mod table;
pub mod tabular;
