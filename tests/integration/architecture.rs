//! The layers of ARCHITECTURE.md, held by reading the source: which module may import which
//! (`crate::x` paths), DuckDB only in `store`, no `Result<_, String>` in the library, and no
//! hand-written JSON parser. A new import that breaks a layer fails here, not in review.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Each top-level module and the modules of the crate it may import (ARCHITECTURE.md).
const ALLOWED: &[(&str, &[&str])] = &[
    ("calendar", &[]),
    ("model", &[]),
    ("table", &[]),
    ("progress", &[]),
    ("tabular", &["model"]),
    ("config", &["calendar", "model"]),
    ("store", &["table", "model"]),
    ("sample", &["calendar", "model"]),
    ("ingest", &["tabular", "store", "config", "model", "calendar", "progress"]),
    ("compute", &["tabular", "store", "config", "calendar", "model", "table"]),
    ("render", &["table", "model"]),
    ("report", &["store", "compute", "render", "config", "calendar", "model", "table"]),
    ("export", &["store", "compute", "render", "report", "table"]),
    (
        "cli",
        &[
            "export", "report", "compute", "ingest", "render", "store", "config", "calendar", "model", "table",
            "tabular", "sample", "progress",
        ],
    ),
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The top-level module a file under src/ belongs to (`src/ingest/api.rs` → `ingest`).
fn module_of(file: &Path) -> String {
    let rel = file.strip_prefix(src()).expect("under src");
    let first = rel.components().next().expect("a component").as_os_str().to_string_lossy().to_string();
    first.trim_end_matches(".rs").to_string()
}

/// The crate modules a source text names: `crate::x…` and each top-level item of
/// `crate::{x, y::z, …}`. Comments are skipped, and so is a file's test module: a test may
/// hold two layers together (a template's colours against the config's criteria).
fn crate_imports(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or(text);
    for line in code.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            if let Some(group) = after.strip_prefix('{') {
                let mut depth = 0;
                let mut segment_start = true;
                for (i, c) in group.char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => break,
                        '}' => depth -= 1,
                        ',' if depth == 0 => segment_start = true,
                        c if segment_start && (c.is_alphanumeric() || c == '_') => {
                            let name: String =
                                group[i..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                            found.insert(name);
                            segment_start = false;
                        }
                        _ => {}
                    }
                }
            } else {
                let name: String = after.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                if !name.is_empty() {
                    found.insert(name);
                }
            }
            rest = &rest[at + "crate::".len()..];
        }
    }
    found
}

/// Whether a line names a `Result<T, String>`.
fn string_error(code: &str) -> bool {
    let compact: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let mut rest = compact.as_str();
    while let Some(at) = rest.find("Result<") {
        let inner = &rest[at + "Result<".len()..];
        let mut depth = 0;
        for (i, c) in inner.char_indices() {
            match c {
                '<' | '(' => depth += 1,
                ')' => depth -= 1,
                '>' if depth > 0 => depth -= 1,
                '>' => {
                    if inner[..i].ends_with(",String") {
                        return true;
                    }
                    break;
                }
                _ => {}
            }
        }
        rest = inner;
    }
    false
}

#[test]
fn modules_import_only_the_layers_below_them() {
    let files = rust_files(&src());
    assert!(files.len() > 50, "found only {} files under {}", files.len(), src().display());
    let mut problems = Vec::new();
    for file in &files {
        let module = module_of(file);
        if module == "lib" || module == "main" {
            continue;
        }
        let Some((_, allowed)) = ALLOWED.iter().find(|(m, _)| *m == module) else {
            problems.push(format!("{}: module '{module}' is not in ARCHITECTURE.md's table", file.display()));
            continue;
        };
        let text = std::fs::read_to_string(file).expect("read");
        for import in crate_imports(&text) {
            if import != module && !allowed.contains(&import.as_str()) {
                problems.push(format!("{}: '{module}' imports crate::{import}", file.display()));
            }
        }
    }
    assert!(problems.is_empty(), "imports that break the layers:\n{}", problems.join("\n"));
}

#[test]
fn duckdb_stays_in_the_store_and_errors_are_typed() {
    let mut problems = Vec::new();
    for file in rust_files(&src()) {
        let text = std::fs::read_to_string(&file).expect("read");
        let module = module_of(&file);
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if module != "store" && (code.contains("duckdb::") || code.contains("use duckdb")) {
                problems.push(format!("{}:{}: duckdb outside store", file.display(), n + 1));
            }
            if string_error(code) {
                problems.push(format!("{}:{}: Result<_, String>: {}", file.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(!src().join("ingest/json.rs").exists(), "JSON is read with serde_json");
}

#[test]
fn the_import_reader_sees_grouped_paths() {
    let text = "use crate::{model::FileKind, store::{Store, TeamRow}};\nlet x = crate::calendar::now(); // crate::cli";
    let found: Vec<String> = crate_imports(text).into_iter().collect();
    assert_eq!(found, ["calendar", "model", "store"]);
    assert!(string_error("fn f() -> Result<(i32, u32), String> {"));
    assert!(string_error("-> std::result::Result<Vec<String>, String>"));
    assert!(!string_error("-> Result<BTreeMap<String, String>, ConfigError>"));
    assert!(!string_error("-> Result<String, ParseError>"));
}
