//! Integration tests: the real `itsm` binary, run in temporary directories, on fixtures
//! under tests/fixtures and on generated sample data. The database is read back through
//! the library's store.

mod api;
mod architecture;
mod billing;
mod build;
mod cab;
mod calendar;
mod customer;
mod dispatch;
mod edge_rules;
mod eventlog;
mod excel;
mod export;
mod golden;
mod ingest;
mod init;
mod kpi;
mod lifecycle;
mod major;
mod profiles;
mod reliability;
mod report;
mod sample;
mod servicenow;
mod shell;
mod sla;
mod vendors;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A temporary directory removed when dropped.
pub struct Tmp(pub PathBuf);

impl Tmp {
    pub fn new(name: &str) -> Tmp {
        let dir = std::env::temp_dir().join(format!("itsm-it-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Tmp(dir)
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.0.join(rel)
    }

    pub fn db(&self) -> PathBuf {
        self.path("itsm.duckdb")
    }
}

impl Drop for Tmp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The binary under test.
pub fn itsm_cmd() -> Command {
    Command::new(env!("CARGO_BIN_EXE_itsm"))
}

/// Runs `itsm ARGS` in `dir` and returns its output.
pub fn itsm(dir: &Path, args: &[&str]) -> Output {
    itsm_cmd().current_dir(dir).args(args).output().expect("run itsm")
}

/// Runs `itsm ARGS` and asserts it succeeded; returns stdout.
pub fn itsm_ok(dir: &Path, args: &[&str]) -> String {
    let out = itsm(dir, args);
    assert!(
        out.status.success(),
        "itsm {args:?} failed with {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A fixture file's absolute path.
pub fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// One integer from the database.
pub fn scalar(db: &Path, sql: &str) -> i64 {
    itsm::store::Store::open(db).unwrap().query_i64(sql).unwrap()
}

/// Rows of a query, every value as text (NULL as ""), columns joined by ',' and rows by '\n'.
pub fn rows(db: &Path, sql: &str) -> String {
    let store = itsm::store::Store::open(db).unwrap();
    store.query_text(sql).unwrap().iter().map(|r| r.join(",")).collect::<Vec<_>>().join("\n")
}
