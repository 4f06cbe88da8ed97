//! Paragraph mode: whole lines or blank-line blocks, fingerprinted after
//! normalization; a later paragraph with the fingerprint of an earlier one
//! is removed.
//!
//! The same shape as [`passage`](crate::passage) and [`chunk`](crate::chunk)
//! mode: a [`Config`], an immutable [`Deduper`], a [`Corpus`] of
//! cross-document state, and the entry points of [`Dedup`](crate::Dedup).
//! The crate root re-exports these types under the same names.
//!
//! # Example
//!
//! ```
//! use textdedup::paragraph::{Config, Corpus};
//! use textdedup::Normalize;
//!
//! let deduper = Config::new().normalize(Normalize::Whitespace).build()?;
//! let mut corpus = Corpus::new();
//! deduper.dedup_in(&mut corpus, b"A notice at the end of every page.\n");
//! let report = deduper.dedup_in(&mut corpus, b"Hello.\nA notice at the end of  every page.\n");
//! assert_eq!(report.kept_str()?, "Hello.\n");
//! assert_eq!(report.stats().paragraphs_removed, Some(1));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod batch;
mod config;
mod corpus;
mod deduper;
mod document;
mod phases;

pub use crate::fingerprint::Normalize;
pub use crate::split::Split;
pub use config::{Config, DEFAULT_MIN_PARAGRAPH_LEN};
pub use corpus::{Corpus, CorpusMismatch};
pub use deduper::{dedup_str, Deduper};
