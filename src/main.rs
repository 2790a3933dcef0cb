//! The `itsm` binary: parse, run, print the error chain once, exit with its code
//! (0 ok, 1 data checks failed, 2 error; a closed output pipe is not an error).

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = itsm::cli::Cli::parse();
    match itsm::cli::run(cli) {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("itsm: {err:#}");
            if let Some(hint) = itsm::cli::hint(&err) {
                eprintln!("itsm: hint: {hint}");
            }
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().filter_map(|e| e.downcast_ref::<std::io::Error>()).any(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
}
