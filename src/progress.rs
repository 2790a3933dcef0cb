//! Progress bars for long work: drawn on stderr only when it is a terminal and the user did
//! not ask for `--quiet`, so piped output and CI logs stay clean.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

/// A progress bar, or nothing.
pub struct Progress(Option<ProgressBar>);

impl Progress {
    /// A bar over `total` bytes labelled `label`; hidden unless `enabled` and stderr is a terminal.
    pub fn bytes(enabled: bool, total: u64, label: &str) -> Progress {
        if !enabled || !std::io::stderr().is_terminal() {
            return Progress(None);
        }
        let bar = ProgressBar::new(total);
        bar.set_style(
            ProgressStyle::with_template(
                "{prefix} [{bar:30}] {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} {msg} ({eta})",
            )
            .expect("static template")
            .progress_chars("=> "),
        );
        bar.set_prefix(label.to_string());
        Progress(Some(bar))
    }

    /// Moves the bar to `pos` bytes with `rows` rows read so far.
    pub fn set(&self, pos: u64, rows: i64) {
        if let Some(bar) = &self.0 {
            bar.set_position(pos);
            bar.set_message(format!("{rows} rows"));
        }
    }

    /// Shows what is happening now, e.g. a phase after reading.
    pub fn message(&self, msg: &str) {
        if let Some(bar) = &self.0 {
            bar.set_message(msg.to_string());
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
