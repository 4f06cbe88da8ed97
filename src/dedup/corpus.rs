//! Cross-document state for corpus scope.

use crate::dedup::table::SeenSet;

/// The mutable state of a corpus: the first occurrence of every distinct
/// paragraph seen so far, and the number of documents fed.
///
/// Documents are fed in corpus order with
/// [`Deduper::dedup_in`](crate::Deduper::dedup_in); each gets the next
/// [`DocId`](crate::DocId), starting from 0. A `Corpus` holds no text: only
/// fingerprints and positions, so documents can be dropped once their report
/// is used.
///
/// # Memory
///
/// One table entry of 32 bytes per distinct paragraph (16-byte fingerprint;
/// the document index, the offset and the length of its first copy packed
/// into 16 bytes), plus the hash table's overhead: one control byte per
/// slot, at most 7/8 of the slots full, and the slot count doubling as it
/// grows. That is 38 to 76 bytes per distinct paragraph, the low end after
/// [`Corpus::reserve`] with the right count. Duplicates cost nothing. A
/// first copy of 16 MiB or more (or starting 1 TiB or more into its
/// document) does not pack and takes 49 to 98 bytes more in a side table.
/// The table is cut into 64 shards by fingerprint so that batches can
/// resolve first occurrences on every core.
///
/// # Examples
///
/// ```
/// use textdedup::{Corpus, Deduper, DocId};
///
/// let deduper = Deduper::default();
/// let mut corpus = Corpus::with_capacity(1_000);
/// let a = deduper.dedup_in(&mut corpus, b"shared boilerplate line\nfirst\n");
/// let b = deduper.dedup_in(&mut corpus, b"second\nshared boilerplate line\n");
/// assert!(a.removals().is_empty());
/// let r = b.removals()[0];
/// assert_eq!(r.span().range(), 7..31);
/// assert_eq!((r.first().doc(), r.first().start(), r.first().end()), (DocId::new(0), 0, 24));
/// assert_eq!(corpus.documents(), 2);
/// ```
#[derive(Clone, Debug, Default)]
pub struct Corpus {
    /// Fingerprint to first occurrence.
    pub(crate) seen: SeenSet,
    /// Documents fed so far: the next document's index.
    pub(crate) documents: u64,
}

impl Corpus {
    /// An empty corpus.
    pub fn new() -> Corpus {
        Corpus::default()
    }

    /// An empty corpus with room for `paragraphs` distinct paragraphs.
    pub fn with_capacity(paragraphs: usize) -> Corpus {
        let mut c = Corpus::new();
        c.reserve(paragraphs);
        c
    }

    /// Makes room for at least `additional` more distinct paragraphs, so
    /// the table does not grow (and rehash) while documents are fed.
    pub fn reserve(&mut self, additional: usize) {
        self.seen.reserve(additional);
    }

    /// The number of distinct paragraphs remembered.
    pub fn distinct_paragraphs(&self) -> usize {
        self.seen.len()
    }

    /// Heap bytes held by the table, estimated from its capacity (within a
    /// few hundred bytes per shard of the true figure): what to watch to
    /// stay within a memory budget. It changes only when the table grows,
    /// by doubling.
    ///
    /// # Examples
    ///
    /// ```
    /// use textdedup::Corpus;
    ///
    /// let corpus = Corpus::with_capacity(100_000);
    /// // 32-byte entries and a control byte, at most 7/8 of the slots full.
    /// assert!(corpus.heap_bytes() >= 100_000 * 33);
    /// assert!(corpus.heap_bytes() <= 100_000 * 80);
    /// ```
    pub fn heap_bytes(&self) -> usize {
        self.seen.heap_bytes()
    }

    /// The number of documents fed so far.
    pub fn documents(&self) -> u64 {
        self.documents
    }

    /// Forgets everything; the next document is numbered 0 again.
    pub fn clear(&mut self) {
        self.seen.clear();
        self.documents = 0;
    }
}
