//! Passage mode: every exact repeated passage, at any offset, verified.
//!
//! A range `[s, e)` of a document is a **repeat** when `e - s >= min_len`
//! and the same bytes also start at an earlier position: earlier in the
//! same document (overlapping allowed), or anywhere in an earlier document
//! of the corpus under [`Scope::Corpus`](crate::Scope::Corpus). Matches never cross document
//! boundaries. [`Deduper`] reports the union of all repeats as
//! removals, each naming one earlier occurrence whose bytes equal the
//! removed bytes (checked byte by byte: a hash match alone never removes
//! text), then [snaps](Snap) the removed spans inward to word, line or
//! character boundaries.
//!
//! The answer is the one a suffix array gives (every position covered by a
//! repeat, found in one streaming pass, first copy kept), with a single,
//! counted exception described under [Guarantee](#guarantee).
//!
//! # Example
//!
//! ```
//! use textdedup::passage::{Config, Deduper, Corpus, Snap};
//! use textdedup::DocId;
//!
//! let finder = Deduper::new(Config::new().min_len(32).snap(Snap::Word))?;
//! let mut corpus = Corpus::new();
//! let a = finder.dedup_in(&mut corpus, b"Intro. Subscribe to our newsletter for weekly updates! Bye.");
//! let b = finder.dedup_in(&mut corpus, b"Hello. Subscribe to our newsletter for weekly updates! See you.");
//! assert!(a.removals().is_empty());
//! let r = b.removals()[0];
//! assert_eq!(&b.text()[r.span()], b"Subscribe to our newsletter for weekly updates! ");
//! assert_eq!((r.first().doc(), r.first().start()), (DocId::new(0), 7));
//! assert_eq!(&*b.kept_bytes(), b"Hello. See you.");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Guarantee
//!
//! Every reported byte was compared with the earlier copy it names, and
//! every repeat of at least `min_len` bytes is found unless an anchor was
//! refused ([`Corpus::refused_anchors`] counts them; while it is 0 the
//! report is the suffix-array answer). How it works, the proof and the
//! complexity are in [`design`] (`docs/passage-design.md`).

mod anchor;
mod batch;
mod config;
mod context;
mod corpus;
mod deduper;
pub mod design;
mod extend;
pub mod phases;
mod removals;
mod scan;
mod stored;
mod table;
#[cfg(test)]
mod tests;
mod window;

pub use crate::snap::Snap;
pub use config::{Config, DEFAULT_MIN_PASSAGE_LEN, MIN_PASSAGE_LEN};
pub use corpus::Corpus;
pub use deduper::Deduper;
#[allow(deprecated)]
pub use deduper::{PassageConfig, PassageCorpus, PassageFinder};
