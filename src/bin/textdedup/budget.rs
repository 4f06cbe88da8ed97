//! `--max-memory` and `--max-record-size`: what the run may hold, checked
//! before each batch is processed, so that the tool stops with a message
//! before the machine runs out of memory.
//!
//! The estimate of what a run holds while it processes a batch is
//!
//! ```text
//! state + names + PER_BYTE × (batch bytes + 7 × batch bytes target)
//!               + PER_DOC × (batch documents + 7 × batch documents target)
//! ```
//!
//! - `state`: the corpus state ([`Engine::state_bytes`]), measured after
//!   every batch;
//! - `names`: `find`'s names of the documents so far (a removal's first
//!   copy can be in any of them), counted per document;
//! - `PER_BYTE` ([`Engine::working_bytes_per_byte`]): an upper bound on
//!   what a batch costs per input byte while it is read, processed and
//!   written (its bytes, the engine's work, the removals on their way to
//!   the writer), and the state it adds;
//! - [`PER_DOC`]: what each document costs on its way through the stages
//!   (its place in the batch, its report);
//! - up to seven more batches are in flight between the stages; with a
//!   limit, batches are made small enough that they take at most a
//!   quarter of it.
//!
//! A single file or JSON Lines record larger than `--max-record-size`
//! (by default, with `--max-memory`, the largest whose batch fits in half
//! the limit) is refused while it is read, with its file and line.

use std::path::PathBuf;

use crate::args::RunArgs;
use crate::engine::Engine;
use crate::error::{CliError, Result};

/// Batches in flight beside the one being processed.
const IN_FLIGHT: u64 = 7;

/// Bytes per document of a batch in flight: its place in the batch, the
/// engine's report, the writer's view of it.
const PER_DOC: u64 = 512;

/// The limits of a run.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Budget {
    /// `--max-memory`, in bytes.
    limit: Option<u64>,
    /// Bytes held per byte of a batch being processed.
    per_byte: u64,
    /// The bytes a batch is filled to.
    pub(crate) batch_bytes: usize,
    /// The documents a batch holds at most.
    pub(crate) batch_docs: usize,
    /// The largest file or record read, in bytes.
    pub(crate) record_limit: Option<u64>,
    /// Whether `--max-memory` set the record limit.
    record_limit_from_memory: bool,
}

impl Budget {
    /// The limits `run` asks for, with `engine`'s costs; batches of
    /// `batch_bytes` and `batch_docs` when there is no limit.
    pub(crate) fn new(
        run: &RunArgs,
        engine: &Engine,
        batch_bytes: usize,
        batch_docs: usize,
    ) -> Budget {
        let per_byte = engine.working_bytes_per_byte();
        let Some(limit) = run.max_memory else {
            return Budget {
                limit: None,
                per_byte,
                batch_bytes,
                batch_docs,
                record_limit: run.max_record_size,
                record_limit_from_memory: false,
            };
        };
        // The batches in flight take at most a quarter of the limit: an
        // eighth for their bytes, an eighth for their documents.
        let share = |per: u64| {
            let n = limit / (8 * (IN_FLIGHT + 1)) / per;
            usize::try_from(n).unwrap_or(usize::MAX).max(1)
        };
        Budget {
            limit: Some(limit),
            per_byte,
            batch_bytes: batch_bytes.min(share(per_byte)),
            batch_docs: batch_docs.min(share(PER_DOC)),
            record_limit: Some(run.max_record_size.unwrap_or(limit / 2 / per_byte)),
            record_limit_from_memory: run.max_record_size.is_none(),
        }
    }

    /// No limit (tests of the reader).
    #[cfg(test)]
    pub(crate) fn unlimited() -> Budget {
        Budget {
            limit: None,
            per_byte: 1,
            batch_bytes: usize::MAX,
            batch_docs: usize::MAX,
            record_limit: None,
            record_limit_from_memory: false,
        }
    }

    /// Checks, before a batch of `bytes` bytes and `docs` documents is
    /// processed, that the run stays under the limit with `held` bytes of
    /// state and names.
    ///
    /// # Errors
    ///
    /// [`CliError::Memory`] when it would not.
    pub(crate) fn check(&self, held: u64, bytes: usize, docs: usize) -> Result<()> {
        let Some(limit) = self.limit else {
            return Ok(());
        };
        let in_flight = |n: usize, target: usize| {
            (n as u64).saturating_add(IN_FLIGHT.saturating_mul(target as u64))
        };
        let need = held
            .saturating_add(
                self.per_byte
                    .saturating_mul(in_flight(bytes, self.batch_bytes)),
            )
            .saturating_add(PER_DOC.saturating_mul(in_flight(docs, self.batch_docs)));
        if need > limit {
            return Err(CliError::Memory { need, held, limit });
        }
        Ok(())
    }

    /// The error for a file or record longer than the record limit.
    pub(crate) fn too_large(&self, path: PathBuf, line: Option<u64>) -> CliError {
        CliError::TooLarge {
            path,
            line,
            limit: self.record_limit.unwrap_or(u64::MAX),
            from_memory: self.limit.filter(|_| self.record_limit_from_memory),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Budget;

    fn limited(limit: u64, per_byte: u64) -> Budget {
        Budget {
            limit: Some(limit),
            per_byte,
            batch_bytes: usize::try_from(limit / 64 / per_byte).unwrap(),
            batch_docs: 1,
            record_limit: Some(limit / 2 / per_byte),
            record_limit_from_memory: true,
        }
    }

    #[test]
    fn the_check_counts_state_the_batch_and_the_batches_in_flight() {
        let budget = limited(12800, 2);
        // Batches of 100 bytes and 1 document, 7 in flight: 1400 bytes
        // for their text, 3584 for their documents.
        assert_eq!(budget.batch_bytes, 100);
        assert!(budget.check(7816, 0, 0).is_ok());
        assert!(budget.check(7817, 0, 0).is_err());
        assert!(budget.check(0, 3908, 0).is_ok());
        assert!(budget.check(0, 3909, 0).is_err());
        assert!(budget.check(0, 0, 15).is_ok());
        assert!(budget.check(0, 0, 16).is_err());
        assert!(budget.check(u64::MAX, usize::MAX, usize::MAX).is_err());
        assert!(Budget::unlimited()
            .check(u64::MAX, usize::MAX, usize::MAX)
            .is_ok());
    }
}
