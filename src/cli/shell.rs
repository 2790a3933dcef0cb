//! `itsm completions SHELL` and `itsm man`: shell completion scripts (clap_complete) and the
//! manual page (clap_mangen), both generated from the one definition of the command line,
//! so they never drift from `--help`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::CommandFactory;

use super::{Cli, Context};

/// Arguments of `itsm completions`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  itsm completions bash > ~/.local/share/bash-completion/completions/itsm")]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Arguments of `itsm man`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  itsm man --out /usr/local/share/man/man1 && man itsm")]
pub struct ManArgs {
    /// Write itsm.1 and one page per subcommand (itsm-report.1, …) into this directory
    /// instead of printing itsm.1.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// Prints the completion script of `shell` to stdout.
pub fn completions(args: &CompletionsArgs) -> anyhow::Result<ExitCode> {
    let mut command = Cli::command();
    let mut out = std::io::stdout().lock();
    clap_complete::generate(args.shell, &mut command, "itsm", &mut out);
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Prints the manual page, or writes every page into `--out`.
pub fn man(cx: &Context, args: &ManArgs) -> anyhow::Result<ExitCode> {
    let command = Cli::command();
    match &args.out {
        Some(dir) => {
            std::fs::create_dir_all(dir).with_context(|| format!("creating '{}'", dir.display()))?;
            clap_mangen::generate_to(command, dir)
                .with_context(|| format!("writing pages into '{}'", dir.display()))?;
            cx.say(format!("written: {}", dir.join("itsm.1").display()))?;
        }
        None => {
            let mut out = std::io::stdout().lock();
            clap_mangen::Man::new(command).render(&mut out)?;
            out.flush()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
