//! The progress bar (standard error on a terminal only) and the summary.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How often the bar is told about new work, at most.
const TICK: Duration = Duration::from_millis(100);

/// Counts for the summary line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Totals {
    /// Documents processed.
    pub(crate) documents: u64,
    /// Bytes of document text.
    pub(crate) bytes_in: u64,
    /// Bytes of text in removed spans.
    pub(crate) bytes_removed: u64,
    /// Files left out because they are not text.
    pub(crate) skipped: u64,
    /// JSON Lines records passed through with `--on-bad-record skip`.
    pub(crate) bad_records: u64,
    /// Chunks listed (`textdedup chunk`, which removes nothing).
    pub(crate) chunks: u64,
}

impl Totals {
    /// The one-line summary (DESIGN.md section 7), with the chunks listed
    /// for `textdedup chunk` (`chunking`), which removes nothing.
    pub(crate) fn summary(&self, chunking: bool) -> String {
        let pct = if self.bytes_in == 0 {
            0.0
        } else {
            100.0 * self.bytes_removed as f64 / self.bytes_in as f64
        };
        let plural = if self.documents == 1 { "" } else { "s" };
        let skipped = match self.skipped {
            0 => String::new(),
            1 => "; 1 file not text, left as it is".to_owned(),
            n => format!("; {n} files not text, left as they are"),
        };
        let bad = match self.bad_records {
            0 => String::new(),
            n => format!(
                "; {n} bad record{} passed through",
                if n == 1 { "" } else { "s" }
            ),
        };
        let chunks = if chunking {
            format!(", {} chunks listed", self.chunks)
        } else {
            String::new()
        };
        format!(
            "textdedup: {} document{plural}, {} bytes in, {} bytes removed \
             ({pct:.1}%){chunks}{skipped}{bad}",
            self.documents, self.bytes_in, self.bytes_removed
        )
    }
}

/// A progress bar that costs nothing when hidden.
#[derive(Debug)]
pub(crate) struct Progress {
    /// The bar, when standard error is a terminal and not `--quiet`.
    bar: Option<ProgressBar>,
    /// Bytes read since the bar was last told.
    pending: u64,
    /// Documents so far.
    documents: u64,
    /// When the bar was last told.
    last: Instant,
    /// When the run started, for documents per second.
    started: Instant,
}

impl Progress {
    /// A bar over `total()` input bytes (a spinner when unknown), shown
    /// only when `show` and standard error is a terminal.
    pub(crate) fn new(show: bool, total: impl FnOnce() -> Option<u64>) -> Progress {
        let bar = (show && std::io::stderr().is_terminal()).then(|| {
            let total = total();
            let template = match total {
                Some(_) => "{elapsed_precise} [{bar:30}] {bytes}/{total_bytes} {binary_bytes_per_sec} {msg}",
                None => "{elapsed_precise} {spinner} {bytes} {binary_bytes_per_sec} {msg}",
            };
            let bar = ProgressBar::with_draw_target(total, ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar
        });
        let now = Instant::now();
        Progress {
            bar,
            pending: 0,
            documents: 0,
            last: now,
            started: now,
        }
    }

    /// Records one document of `bytes` input bytes.
    #[inline]
    pub(crate) fn document(&mut self, bytes: u64) {
        let Some(bar) = &self.bar else { return };
        self.pending += bytes;
        self.documents += 1;
        // Look at the clock only every 64 documents or 1 MiB.
        if self.documents % 64 != 0 && self.pending < 1 << 20 {
            return;
        }
        let now = Instant::now();
        if now.duration_since(self.last) < TICK {
            return;
        }
        self.last = now;
        bar.inc(std::mem::take(&mut self.pending));
        let secs = now.duration_since(self.started).as_secs_f64().max(1e-9);
        bar.set_message(format!(
            "{} docs, {:.0} docs/s",
            self.documents,
            self.documents as f64 / secs
        ));
    }

    /// Removes the bar from the terminal.
    pub(crate) fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}
