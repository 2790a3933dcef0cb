//! Shell completions and the manual page are generated from the command line's definition:
//! every subcommand is in them.

use clap::CommandFactory;

use crate::{itsm_ok, Tmp};

/// The names of itsm's subcommands, from the library's definition of the command line.
fn subcommands() -> Vec<String> {
    itsm::cli::Cli::command().get_subcommands().map(|c| c.get_name().to_string()).collect()
}

#[test]
fn completions_name_every_subcommand() {
    let t = Tmp::new("completions");
    let names = subcommands();
    assert!(names.len() >= 11 && names.iter().any(|n| n == "report"), "{names:?}");
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let script = itsm_ok(&t.0, &["completions", shell]);
        for name in &names {
            assert!(script.contains(name.as_str()), "{shell} completion lacks '{name}'");
        }
    }
    let bash = itsm_ok(&t.0, &["completions", "bash"]);
    assert!(bash.contains("complete -F") && bash.contains("--month"), "bash completes subcommand flags too");
}

#[test]
fn the_manual_page_lists_every_subcommand_and_writes_one_page_each() {
    let t = Tmp::new("man");
    let page = itsm_ok(&t.0, &["man"]);
    assert!(page.starts_with(".ie") || page.contains(".TH itsm"), "roff: {}", &page[..page.len().min(200)]);
    for name in subcommands() {
        assert!(page.contains(&name), "itsm.1 lacks '{name}'");
    }
    itsm_ok(&t.0, &["man", "--out", "pages"]);
    assert!(t.path("pages/itsm.1").is_file() && t.path("pages/itsm-report.1").is_file());
}

#[test]
fn every_subcommand_help_has_an_example() {
    let t = Tmp::new("help-examples");
    let mut missing = Vec::new();
    let root = itsm::cli::Cli::command();
    let mut paths: Vec<Vec<String>> = Vec::new();
    for c in root.get_subcommands() {
        paths.push(vec![c.get_name().to_string()]);
        for s in c.get_subcommands() {
            paths.push(vec![c.get_name().to_string(), s.get_name().to_string()]);
        }
    }
    for path in &paths {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        if !itsm_ok(&t.0, &args).contains("Example") {
            missing.push(path.join(" "));
        }
    }
    assert!(missing.is_empty(), "--help without an example: {missing:?}");
}
