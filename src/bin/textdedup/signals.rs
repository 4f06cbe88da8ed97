//! SIGINT, SIGTERM and SIGHUP end a run without leaving anything behind.
//!
//! A thread waits for the signals; on the first one it removes every
//! temporary file and directory of the run (after a commit in progress has
//! ended) and exits with status 128 + the signal's number, as a shell does
//! for a process a signal ended.

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
    let mut signals = Signals::new([SIGINT, SIGTERM, SIGHUP])
        .map_err(|e| CliError::Usage(format!("cannot handle signals: {e}")))?;
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
