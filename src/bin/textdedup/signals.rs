//! SIGINT, SIGTERM and SIGHUP end a run without leaving anything behind.
//!
//! A thread waits for the signals; on the first one it removes every
//! temporary file and directory of the run (after a commit in progress has
//! ended) and exits with status 128 + the signal's number, as a shell does
//! for a process a signal ended. A signal that was ignored when the run
//! started (`nohup`) stays ignored.

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

use crate::error::{CliError, Result};
use crate::temp;

/// Starts the thread that handles the signals.
///
/// # Errors
///
/// When the handlers cannot be registered.
pub(crate) fn install() -> Result<()> {
    // A signal the run was started to ignore (`nohup`, `trap '' INT`)
    // stays ignored.
    let ignored = ignored_signals();
    let wanted = [SIGINT, SIGTERM, SIGHUP]
        .into_iter()
        .filter(|&s| ignored & (1 << (s - 1)) == 0);
    let mut signals =
        Signals::new(wanted).map_err(|e| CliError::Usage(format!("cannot handle signals: {e}")))?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                temp::remove_all_and_exit(128 + signal);
            }
        })
        .map_err(|e| CliError::Usage(format!("cannot handle signals: {e}")))?;
    Ok(())
}

/// The signals this process ignores, as a mask (bit `n - 1` for signal
/// `n`), from the `SigIgn` line of `/proc/self/status`; none where it
/// cannot be read.
fn ignored_signals() -> u64 {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return 0;
    };
    status
        .lines()
        .find_map(|l| l.strip_prefix("SigIgn:"))
        .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
        .unwrap_or(0)
}
