//! The three phases of a deduplication pass as separate steps, for a corpus
//! that is cut into blocks on many machines: **fingerprint** each block of
//! documents into [`KeyRow`]s, bring the rows of each key together (a
//! shuffle by key) and **resolve** them into [`LaterCopy`] rows, bring those
//! to their documents (a shuffle by document) and **apply** them.
//!
//! The one-machine paths run the same steps: the same candidates, the
//! same resolve step (a table of first copies walked in corpus order, so
//! the first copy is the smallest document key, then the smallest offset),
//! and the same merging of a document's removals (see
//! [`paragraph::Deduper::apply`](crate::paragraph::Deduper::apply)), so
//! the answer is the one of feeding the documents one by one, whatever
//! the blocks and whatever order they are fingerprinted or resolved in.
//!
//! A document key is any `u64` that orders the documents in corpus order
//! (for shards: the file's index in sorted path order, then the line or
//! row). Keys need not be consecutive.
//!
//! With the `arrow` feature, [`arrow`] turns rows into Arrow record batches
//! and back.
//!
//! # Examples
//!
//! ```
//! use textdedup::phases::{resolve, KeyRow, LaterCopy};
//! use textdedup::{paragraph, Scope};
//!
//! let deduper = paragraph::Deduper::default();
//! let docs: [&[u8]; 2] = [b"a line long enough to repeat\nmine\n", b"a line long enough to repeat\n"];
//! // Fingerprint each block (here, each document) anywhere.
//! let mut rows: Vec<KeyRow> = Vec::new();
//! for (key, text) in docs.iter().enumerate() {
//!     deduper.fingerprint(10 * key as u64, text, &mut rows);
//! }
//! // Resolve the rows of each key, in any order.
//! rows.reverse();
//! let mut copies: Vec<LaterCopy> = Vec::new();
//! resolve(&mut rows, Scope::Corpus, &mut copies);
//! assert_eq!(copies.len(), 1);
//! assert_eq!((copies[0].doc, copies[0].first.doc().index()), (10, 0));
//! // Apply each document's later copies.
//! let report = deduper.apply(10, docs[1], &copies)?;
//! assert_eq!(report.kept_bytes().as_ref(), b"");
//! # Ok::<(), textdedup::RemovalsError>(())
//! ```

#[cfg(feature = "arrow")]
pub mod arrow;

use crate::config::Scope;
use crate::fingerprint::Fingerprint;
use crate::report::{DocId, DocReport, Origin, Removal, RemovalsError};
use crate::span::Span;
use crate::table::{FirstSeen, Shard};

/// One candidate found by the fingerprint phase: a paragraph (or chunk)
/// that may be a copy, with where it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct KeyRow {
    /// The candidate's fingerprint: equal keys are copies.
    pub key: u128,
    /// Its document's key, in corpus order.
    pub doc: u64,
    /// Where it starts in its document, in bytes.
    pub start: u64,
    /// Where it ends (a paragraph's terminator included).
    pub end: u64,
}

/// A candidate that the resolve phase found to be a later copy, with where
/// its first copy is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LaterCopy {
    /// Its document's key.
    pub doc: u64,
    /// Its span in that document.
    pub span: Span,
    /// The first copy: its document's key and span.
    pub first: Origin,
}

/// The resolve phase over a group of rows that holds every row of each of
/// its keys: per key, the row with the smallest (document, start) is the
/// first copy and every other row is a later copy of it (under
/// [`Scope::Document`], per key and document). Appends the later copies to
/// `out`, sorted by (document, start); sorts `rows`.
///
/// The answer does not depend on the order of `rows`: they are sorted into
/// corpus order and walked through a table of first copies by the same
/// step as the one-machine paths. Rows with the same key, document and
/// start (one candidate given twice) count once.
///
/// Time: a sort of `rows` and a table operation per row. Memory: the table
/// holds one 32-byte entry per distinct key of the group (38 to 76 bytes
/// with the hash table's slack).
pub fn resolve(rows: &mut [KeyRow], scope: Scope, out: &mut Vec<LaterCopy>) {
    rows.sort_unstable_by_key(|r| (r.doc, r.start, r.key, r.end));
    let mut table = Shard::default();
    let mut previous: Option<&KeyRow> = None;
    for row in rows.iter() {
        if previous.is_some_and(|p| (p.doc, p.start, p.key) == (row.doc, row.start, row.key)) {
            continue;
        }
        if scope == Scope::Document && previous.is_some_and(|p| p.doc != row.doc) {
            table.clear();
        }
        previous = Some(row);
        let span = Span::new(row.start as usize, row.end as usize);
        let key = Fingerprint::from_u128(row.key);
        out.extend(resolve_next(&mut table, key, row.doc, span));
    }
}

/// The resolve step every path shares: the next candidate in corpus order
/// (its key, its document's key and its span) is a later copy of the first
/// copy `table` holds for its key, or else becomes that first copy.
#[inline]
pub(crate) fn resolve_next(
    table: &mut Shard,
    key: Fingerprint,
    doc: u64,
    span: Span,
) -> Option<LaterCopy> {
    let here = FirstSeen {
        doc,
        start: span.start as u64,
        end: span.end as u64,
    };
    let first = table.first_or_insert(key, here)?;
    Some(LaterCopy {
        doc,
        span,
        first: first.origin(),
    })
}

/// The later copies of documents `docs` (a range of document keys) in
/// `copies` (sorted by document and start, as [`resolve`] leaves them):
/// two binary searches.
pub fn copies_of(copies: &[LaterCopy], docs: core::ops::Range<u64>) -> &[LaterCopy] {
    let a = copies.partition_point(|c| c.doc < docs.start);
    let b = a + copies[a..].partition_point(|c| c.doc < docs.end);
    &copies[a..b]
}

/// Checks the later copies given to an apply phase (`copies` of document
/// `doc`, whose text is `text`) by the rules of a report rebuilt from
/// removals ([`DocReport::from_removals`]), before a mode merges them.
pub(crate) fn check_copies(
    text: &[u8],
    doc: DocId,
    copies: &[LaterCopy],
) -> Result<(), RemovalsError> {
    let plain: Vec<Removal> = copies
        .iter()
        .map(|c| Removal::new(c.span, c.first))
        .collect();
    DocReport::from_removals(text, doc, plain).map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{chunk, paragraph};
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// Fingerprinting each document apart, resolving the rows in any
        /// order and applying gives the answer of the batch.
        #[test]
        fn phases_match_batch(
            docs in proptest::collection::vec("[ab \r\n]{0,40}", 0..6),
            seed: u64,
            per_document: bool,
            given_twice: bool,
        ) {
            let scope = if per_document { Scope::Document } else { Scope::Corpus };
            let deduper = paragraph::Config::new().min_len(1).scope(scope).build().unwrap();
            let texts: Vec<&[u8]> = docs.iter().map(|d| d.as_bytes()).collect();
            let batch = deduper.dedup_batch(&mut paragraph::Corpus::new(), &texts);
            let mut rows = Vec::new();
            for (d, t) in texts.iter().enumerate() {
                deduper.fingerprint(d as u64, t, &mut rows);
            }
            // A row given twice (a block fingerprinted twice) counts once.
            if given_twice {
                rows.extend_from_within(..);
            }
            // A scrambled order: the answer must not depend on it.
            let n = rows.len().max(1);
            rows.rotate_left((seed as usize) % n);
            rows.reverse();
            let mut copies = Vec::new();
            resolve(&mut rows, scope, &mut copies);
            for (d, t) in texts.iter().enumerate() {
                let mine = copies_of(&copies, d as u64..d as u64 + 1);
                let report = deduper.apply(d as u64, t, mine).unwrap();
                prop_assert_eq!(report.removals(), batch[d].removals());
                prop_assert_eq!(report.kept_bytes(), batch[d].kept_bytes());
            }
        }

        /// The same for chunk mode: copies merged and shrunk to character
        /// boundaries as the batch does, under both scopes.
        #[test]
        fn chunk_phases_match_batch(
            docs in proptest::collection::vec(
                proptest::collection::vec((0..5usize, 0..3usize), 0..40), 0..6),
            seed: u64,
            per_document: bool,
        ) {
            const PIECES: [&str; 5] = [
                "the same sentence again, ",
                "un café à Zürich, 東京 ",
                "xyzzy ",
                "a longer passage that repeats in many of the documents. ",
                "é",
            ];
            let scope = if per_document { Scope::Document } else { Scope::Corpus };
            let deduper = chunk::Config::new().avg(64).scope(scope).build().unwrap();
            let texts: Vec<String> = docs
                .iter()
                .map(|d| d.iter().map(|&(p, n)| PIECES[p].repeat(n + 1)).collect())
                .collect();
            let batch = deduper.dedup_batch(&mut chunk::Corpus::new(), &texts);
            let mut rows = Vec::new();
            for (d, t) in texts.iter().enumerate() {
                deduper.fingerprint(d as u64, t.as_bytes(), &mut rows);
            }
            let n = rows.len().max(1);
            rows.rotate_left((seed as usize) % n);
            rows.reverse();
            let mut copies = Vec::new();
            resolve(&mut rows, scope, &mut copies);
            for (d, t) in texts.iter().enumerate() {
                let mine = copies_of(&copies, d as u64..d as u64 + 1);
                let report = deduper.apply(d as u64, t.as_bytes(), mine).unwrap();
                prop_assert_eq!(report.removals(), batch[d].removals());
                prop_assert_eq!(report.kept_bytes(), batch[d].kept_bytes());
                prop_assert!(std::str::from_utf8(&report.kept_bytes()).is_ok());
            }
        }
    }
}
