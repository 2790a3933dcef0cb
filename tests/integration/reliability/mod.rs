//! Reliability and security in figures (issue 18): every case tried here is written as a row of
//! docs/reliability.md, so the page a sceptical IT controller reads is produced by the tests
//! themselves. `cargo test --release --test integration reliability` regenerates it.

mod doc;

mod corpus;
mod fuzz;

mod faults;
mod injection;
mod xss;
