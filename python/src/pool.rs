//! The threads a deduper runs on, rebuilt in a forked child.
//!
//! Every deduper owns a rayon pool and runs the library inside it (the
//! library's engines are built with 0 threads, "the current pool", so they
//! use it). The rayon global pool is never used: after `fork` a child
//! holds a copy of a pool whose threads did not follow it, and work sent
//! there would wait forever. A pool remembers the process that built it;
//! in any other process it is left alone (its threads are not there to be
//! stopped) and a new one is built.

use std::sync::{Arc, Mutex, PoisonError};

use pyo3::exceptions::PyRuntimeError;
use pyo3::PyResult;

/// A rayon pool and the process it belongs to.
#[derive(Debug)]
pub(crate) struct Pool {
    /// Threads wanted.
    threads: usize,
    /// The pool and the id of the process that built it.
    built: Mutex<Option<(u32, Arc<rayon::ThreadPool>)>>,
}

impl Pool {
    /// A pool of `threads` threads, or one per core for `None`, built on
    /// first use.
    pub(crate) fn new(threads: Option<usize>) -> Pool {
        let threads = threads.unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
        });
        Pool {
            threads,
            built: Mutex::new(None),
        }
    }

    /// The number of threads.
    pub(crate) fn threads(&self) -> usize {
        self.threads
    }

    /// The pool of this process, built now if the process has none.
    ///
    /// # Errors
    ///
    /// `RuntimeError` when the threads cannot be started.
    pub(crate) fn get(&self) -> PyResult<Arc<rayon::ThreadPool>> {
        let pid = std::process::id();
        let mut built = self.built.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((owner, pool)) = built.as_ref() {
            if *owner == pid {
                return Ok(Arc::clone(pool));
            }
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(self.threads)
            .thread_name(|i| format!("textdedup-{i}"))
            .build()
            .map_err(|e| {
                PyRuntimeError::new_err(format!("cannot start {} threads: {e}", self.threads))
            })?;
        let stale = built.replace((pid, Arc::new(pool)));
        // A pool of the parent process: dropping it would signal threads
        // that do not exist in this one, so it is forgotten instead.
        if let Some(stale) = stale {
            std::mem::forget(stale);
        }
        Ok(Arc::clone(&built.as_ref().expect("just set").1))
    }
}
