//! Find and remove verbatim repeated passages in text.
//!
//! textdedup keeps the first copy of repeated text and removes the later
//! ones, within one document or across a corpus, deterministically. It is
//! built for the data pipelines that clean web text before it is indexed or
//! used to train language models: scraped pages with paragraphs pasted
//! twice, licence texts, navigation boilerplate, quoted e-mail replies.
//!
//! # Overview
//!
//! Three modes with one shape: [`paragraph`], [`passage`] and [`chunk`]
//! each have a `Config`, an immutable `Deduper` and a `Corpus`, with the
//! entry points of the [`Dedup`] trait (`dedup`, `dedup_in`, `dedup_batch`,
//! `dedup_stream`, `dedup_strings`) and the one [`DocReport`].
//!
//! - [`dedup_str`]: one call, default settings.
//! - [`Deduper`] (paragraph mode, re-exported from [`paragraph`]): a
//!   configured, reusable, `Send + Sync` engine; a
//!   [`Corpus`] carries cross-document state, and refuses a deduper whose
//!   fingerprints differ from those it holds ([`CorpusMismatch`]).
//!   [`Deduper::dedup_batch`] and [`Deduper::dedup_stream`] process many
//!   documents on every core with the one-by-one answer.
//! - [`passage`]: passage mode. Every exact repeated passage of at least
//!   `min_len` bytes, at any offset, within a document or across a corpus,
//!   verified byte by byte; the suffix-array answer in one streaming pass.
//!   [`passage::Deduper::dedup_batch`] and
//!   [`passage::Deduper::dedup_stream`] take many documents at once.
//! - Low-level building blocks for custom pipelines: [`split`] (paragraphs
//!   with memchr) and [`fingerprint`] (normalization and xxh3-128).
//! - [`chunk`]: content-defined chunking with a Gear rolling hash (any
//!   average from 64 bytes to 1 MiB, slices or `io::Read`, optional seed),
//!   and [`chunk::Deduper`] for repeated chunks across a corpus (one
//!   document, a batch or a stream of documents at a time).
//!
//! Every position is a byte offset into the original document, every range
//! half-open ([`Span`]). Output is always built from the original bytes;
//! normalization only decides what counts as equal.
//!
//! # Example: one document
//!
//! ```
//! let text = "Breaking news.\nThe minister said the talks would resume.\n\
//!             The minister said the talks would resume.\n";
//! assert_eq!(
//!     textdedup::dedup_str(text),
//!     "Breaking news.\nThe minister said the talks would resume.\n",
//! );
//! ```
//!
//! # Example: where the first copy is
//!
//! ```
//! use textdedup::Deduper;
//!
//! let text = b"header line, long enough\nbody\nheader line, long enough\n";
//! let report = Deduper::default().dedup(text);
//! let removal = report.removals()[0];
//! assert_eq!(removal.span().range(), 30..55);
//! assert_eq!((removal.first().start(), removal.first().end()), (0, 25));
//! assert_eq!(report.stats().bytes_removed, 25);
//! ```
//!
//! In paragraph mode `[first().start(), first().end())` is the first copy
//! with its own terminator, which may differ in length from the removed
//! span (see [`Origin`]). A UTF-8 byte order mark at the start of a document
//! is not part of its first paragraph (see [`split`]).
//!
//! # Example: a corpus
//!
//! ```
//! use textdedup::{Config, Corpus, Deduper, DocId, Normalize, Split};
//!
//! let deduper = Deduper::new(
//!     Config::new().split(Split::BlankLines).normalize(Normalize::Whitespace),
//! )?;
//! let mut corpus = Corpus::new();
//! let docs = [
//!     "Intro to the first page.\n\nCopyright 2026 Example Corp. All rights reserved.\n",
//!     "Another page.\n\nCopyright  2026 Example Corp.\nAll rights reserved.\n",
//! ];
//! let reports: Vec<_> = docs.iter().map(|d| deduper.dedup_in(&mut corpus, d.as_bytes())).collect();
//! assert!(reports[0].removals().is_empty());
//! assert_eq!(reports[1].kept_str()?, "Another page.\n\n");
//! assert_eq!(reports[1].removals()[0].first().doc(), DocId::new(0));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Example: repeated passages at any offset
//!
//! ```
//! use textdedup::passage::{Config, Snap};
//!
//! let deduper = Config::new().min_len(40).snap(Snap::Word).build()?;
//! let text = "Intro: all content on this site is licensed under CC BY-SA 4.0 terms. \
//!             Body text. Footer: all content on this site is licensed under CC BY-SA 4.0 terms.";
//! let report = deduper.dedup(text.as_bytes());
//! assert_eq!(
//!     report.kept_str()?,
//!     "Intro: all content on this site is licensed under CC BY-SA 4.0 terms. Body text. Footer: ",
//! );
//! assert_eq!(report.removals()[0].first().start(), 7);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Example: a parallel batch
//!
//! ```
//! use textdedup::{Corpus, Deduper};
//!
//! let docs: Vec<String> = (0..100)
//!     .map(|i| format!("Subscribe to our newsletter for more.\nStory number {i}.\n"))
//!     .collect();
//! let deduper = Deduper::default();
//! let batch = deduper.dedup_batch(&mut Corpus::new(), &docs);
//! let mut corpus = Corpus::new();
//! let sequential: Vec<_> = docs.iter().map(|d| deduper.dedup_in(&mut corpus, d.as_bytes())).collect();
//! assert_eq!(batch, sequential); // compare to sequential
//! assert_eq!(batch.iter().map(|r| r.removals().len()).sum::<usize>(), 99);
//! ```
//!
//! # Parallel batches
//!
//! A batch runs in three phases, each a map over independent pieces:
//!
//! 1. **fingerprint**: regions of about 256 KiB (several small documents, or
//!    part of a large one cut on a paragraph boundary) are split and
//!    fingerprinted, and their candidates bucketed by shard;
//! 2. **resolve**: the seen-set is cut into 64 shards by fingerprint, and
//!    each shard keeps the first (document, offset) of its fingerprints,
//!    walking its buckets in corpus order;
//! 3. **apply**: each document's later copies become its report.
//!
//! Phase 2 decides which copy is first from positions alone, so the answer
//! is the sequential one for any number of threads. Phase 1 needs only a
//! region's own bytes and phase 2 only fingerprints and positions: on a
//! cluster they are a map, a shuffle by shard with a reduce, and a map.
//! A single document of 2 MiB or more goes through the same phases inside
//! [`Deduper::dedup`], so one huge document uses every core too.
//!
//! Chunk-level batches ([`chunk::Deduper::dedup_batch`]) chunk and
//! fingerprint documents in parallel (a large document in regions stitched
//! to the sequential cut points) and resolve in corpus order. Passage-mode
//! batches ([`passage::Deduper::dedup_batch`]) are parallel under
//! [`Scope::Document`]; under [`Scope::Corpus`] each document is matched
//! against all the text before it, in corpus order, while the winnowing of
//! the next round of documents (which needs no earlier text, and gives
//! each anchor its context bytes too) runs on the other threads, and one
//! of them copies the batch into the corpus while the matching lasts. The
//! matching is the sequential part, more than half of the single-thread
//! work on the news corpus of `benches/batch.rs`, so threads beyond two
//! gain little (figures in BENCHMARKS.md). A single large passage document (8 MiB or more at the
//! default `min_len`) is cut into regions the same way: the other threads
//! compute the next region's anchors while one matches the current region.
//!
//! # Crate features
//!
//! - `parallel` (default): rayon-powered batch entry points.
//! - `cli`: builds the `textdedup` command-line tool
//!   (`cargo install --path . --features cli`); the library itself does not
//!   change.
//!
//! # Guarantees
//!
//! - **Never panics on input.** Invalid UTF-8, NUL bytes, CR/LF mixes and
//!   empty documents are ordinary input. When the input is valid UTF-8 the
//!   kept text is too.
//! - **First copy kept.** The first occurrence is the one with the smallest
//!   (document index, byte offset); it is always kept.
//! - **Deterministic.** The same input and configuration give the same
//!   report, run after run, on any number of threads.
//! - **Stable fingerprints.** A paragraph's [`fingerprint::Fingerprint`] is
//!   xxh3-128 of its normalized content; golden vectors pin the values, and
//!   changing them is a breaking change, announced in the release notes.
//! - **Stable cut points.** For a given [`chunk::ChunkConfig`] (sizes,
//!   normalization, seed) the chunk boundaries are fixed; golden vectors pin
//!   them, and changing them is a breaking change.
//! - **Collisions.** Paragraph mode and chunk-level dedup trust 128-bit
//!   fingerprints: two different paragraphs share one with probability
//!   2^-128. Among `n` distinct paragraphs the chance of any collision is
//!   about `n² / 2^129`: for 10^12 paragraphs, about 1.5 × 10^-15. Passage
//!   mode never trusts a hash: every removed byte was compared.
//! - **Adversarial input.** With the default seeds, fingerprints, passage
//!   anchors and cut points are public functions of the text, so crafted
//!   text could collide in the seen-set (slowing it), fill an anchor's 32
//!   slots (so that passage mode may miss a repeat, never invent one) or
//!   force chunk boundaries. Use secret seeds ([`Config::seed`],
//!   [`passage::Config::seed`], [`chunk::ChunkConfig::seed`], each
//!   with [`fingerprint::random_seed`] or a seed of your own; `--seed` on the
//!   command line) when an adversary controls the input. Reports do not
//!   depend on the seed, except in passage mode while
//!   [`passage::Corpus::refused_anchors`] is not 0.
//!
//! # Complexity and memory
//!
//! | mode | time | memory |
//! |---|---|---|
//! | paragraph | linear: memchr finds line ends, each paragraph is hashed once and costs one table operation | 32 bytes per *distinct* paragraph plus table overhead, 38 to 76 bytes in all ([`Corpus`]); batches and documents of 2 MiB or more add 48 bytes per candidate paragraph of a 64 MiB round, 48 per later copy |
//! | passage | linear, periodic input included | the corpus text (1 byte per input byte) plus anchors, about 0.7 bytes per byte of new text ([`passage::Corpus`]) |
//! | chunk | linear | none while chunking; [`chunk::Deduper`]: 32 bytes per distinct chunk plus table overhead |
//!
//! The largest document is what fits in memory: one 1 GB line is one
//! paragraph, hashed once; a document of 2 MiB or more is processed in
//! parallel regions. Offsets are `usize`, document indices `u64`.
//!
//! Past the memory of the machine nothing is answered wrongly: when an
//! allocation fails, Rust's handler aborts the process with a message (no
//! panic, no partial report). To stop cleanly first, watch
//! [`Corpus::heap_bytes`] or [`passage::Corpus::heap_bytes`] and
//! split the corpus; the command line's `--max-memory` does that. The
//! README's *Limits and memory* section has the largest corpus per machine
//! for each mode.

#![deny(missing_docs)]
#![deny(rustdoc::broken_intra_doc_links)]
#![warn(missing_debug_implementations)]
#![forbid(unsafe_code)]

mod api;
pub mod chunk;
mod config;
pub mod fingerprint;
mod gear;
mod par;
pub mod paragraph;
pub mod passage;
pub mod phases;
mod report;
mod snap;
mod span;
pub mod split;
mod stream;
mod table;

pub use api::Dedup;
pub use config::{ConfigError, Scope};
pub use fingerprint::Normalize;
pub use paragraph::{
    dedup_str, Config, Corpus, CorpusMismatch, Deduper, DEFAULT_MIN_PARAGRAPH_LEN,
};
pub use report::{DocId, DocReport, Origin, Removal, RemovalsError, Stats};
pub use span::Span;
pub use split::Split;

/// The README's examples, run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
