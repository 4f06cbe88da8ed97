//! The cross-document state of passage mode: the text seen so far and
//! the anchor table.

use crate::passage::anchor::Params;
use crate::passage::scan::{self, Scratch};
use crate::passage::stored::StoredText;
use crate::passage::table::AnchorTable;

/// The growing state of a passage corpus: the text seen so far and the
/// anchor table.
///
/// Documents are appended in corpus order with
/// [`Deduper::dedup_in`](crate::passage::Deduper::dedup_in); each gets the next [`DocId`](crate::DocId), from 0. Unlike
/// paragraph mode's corpus, this one holds text: every earlier byte can be
/// the first copy of a later passage, and a match is only reported after
/// its bytes were compared.
///
/// # Memory
///
/// Under [`Scope::Corpus`](crate::Scope::Corpus): 1 byte per input byte of stored text, 16.5
/// bytes per document for its start (and an index of every 16th start),
/// and the anchor table: 10 bytes per slot, at most
/// half used, one used slot per stored anchor ([`Corpus::anchors`]).
/// Anchors are about 1 in `(w + 1) / 2` positions of text not covered by an
/// earlier copy (1 in 35 at the default `min_len` of 100): 0.6 to 1.1 bytes
/// per input byte of new text, nothing for repeated text (BENCHMARKS.md
/// has the heap measured on a generated corpus). The text is kept in segments that never move:
/// documents fed one by one fill segments of 64 KiB to 64 MiB (each about
/// half the text fed one by one before it), a batch gets one segment of
/// its size, and [`Corpus::with_capacity`] sizes the first. A batch
/// ([`Deduper::dedup_batch`](crate::passage::Deduper::dedup_batch)) sizes the table first for the anchors it
/// expects: at the rate of the text stored so far, or, in a corpus of less
/// than 1 MiB, that of novel text (so a first batch of copies holds a
/// table as large as novel text would need). Positions past 256 GiB
/// of stored text are not anchored (counted as refused).
///
/// # Examples
///
/// ```
/// use textdedup::passage::{Corpus, Deduper};
///
/// let finder = Deduper::default();
/// let mut corpus = Corpus::new();
/// let doc = vec![b'x'; 300];
/// finder.dedup_in(&mut corpus, &doc);
/// assert_eq!(corpus.documents(), 1);
/// assert_eq!(corpus.text_bytes(), 300);
/// assert_eq!(corpus.refused_anchors(), 0);
/// ```
#[derive(Clone, Debug, Default)]
pub struct Corpus {
    /// The stored documents: the bytes matches are verified against.
    pub(super) text: StoredText,
    /// k-gram hash to earlier anchor positions (global positions in `text`).
    pub(super) table: AnchorTable,
    /// Documents fed so far: the next document's id.
    pub(super) documents: u64,
    /// The parameters the table was built with.
    pub(super) params: Option<Params>,
    /// Buffers reused from one document to the next.
    pub(super) scratch: Scratch,
}

impl Corpus {
    /// An empty corpus.
    pub fn new() -> Corpus {
        Corpus::default()
    }

    /// An empty corpus with room for `text_bytes` bytes of documents: the
    /// stored text and the anchors such text needs (one per 32 bytes, enough
    /// for the default `min_len`), so that neither grows while they are fed.
    ///
    /// # Examples
    ///
    /// ```
    /// use textdedup::passage::Corpus;
    ///
    /// let corpus = Corpus::with_capacity(1 << 20);
    /// assert!(corpus.heap_bytes() >= 1 << 20);
    /// ```
    pub fn with_capacity(text_bytes: usize) -> Corpus {
        let mut corpus = Corpus::new();
        corpus.text.reserve(text_bytes);
        corpus.table.reserve(text_bytes / 32);
        corpus
    }

    /// The number of documents fed so far.
    pub fn documents(&self) -> u64 {
        self.documents
    }

    /// Bytes of document text stored for verification.
    pub fn text_bytes(&self) -> usize {
        self.text.len() as usize
    }

    /// Anchors stored in the table.
    pub fn anchors(&self) -> usize {
        self.table.len()
    }

    /// Heap bytes held: stored text, document starts and the anchor table
    /// (capacities, not lengths), not counting the reusable scan buffers.
    pub fn heap_bytes(&self) -> usize {
        self.text.heap_bytes() + self.table.heap_bytes()
    }

    /// Windows that could not be indexed, since the corpus was created or
    /// cleared: their anchor's k-gram hash and their own window key both
    /// already held 32 earlier positions (only hash collisions of
    /// different windows fill a window key), or they lie past 256 GiB of
    /// stored text (under
    /// [`Scope::Document`](crate::Scope::Document), since the last document began). While this is
    /// 0, every report is exact (see [`design`](crate::passage::design#guarantee)).
    pub fn refused_anchors(&self) -> u64 {
        self.table.refused()
    }

    /// Bytes of text in the windows refused by full keys (see
    /// [`refused_anchors`](Corpus::refused_anchors)), each byte counted
    /// once: the most text in which a repeat may have been missed, and
    /// what a report may lack. 0 while no window was refused that way (a
    /// window past 256 GiB of stored text is counted in
    /// `refused_anchors` only).
    pub fn refused_bytes(&self) -> u64 {
        self.table.refused_bytes()
    }

    /// Forgets everything; the next document is numbered 0 again.
    pub fn clear(&mut self) {
        self.forget();
        self.documents = 0;
        self.params = None;
    }

    /// Forgets the text and anchors, keeping the document count.
    pub(super) fn forget(&mut self) {
        self.text.clear();
        self.table.clear();
    }

    /// Rebuilds the anchor table for `params` from the stored text.
    pub(super) fn reindex(&mut self, params: Params) {
        self.table.clear();
        let mut pieces = Vec::new();
        for i in 0..self.text.documents() {
            let (earlier, text) = self.text.document(i);
            pieces.clear();
            scan::scan(
                &params,
                &mut self.table,
                earlier,
                text,
                &mut self.scratch,
                &mut pieces,
                None,
            );
        }
        self.params = Some(params);
    }
}
