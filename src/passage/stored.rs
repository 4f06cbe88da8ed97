//! The text a passage corpus keeps for verification, and the view of it
//! that a document scan reads.
//!
//! Documents sit end to end at *global positions* (the first byte of the
//! corpus is 0). Their bytes are kept in segments: a segment is filled and
//! never moved, and a new one starts when the last is full, so storing a
//! document never copies earlier text again (a single growing buffer
//! would copy everything at each doubling, and page-fault its new half on
//! the thread that matches). A batch stores its documents in one segment
//! of its own, filled on every thread while the documents are matched
//! against each other in place.

/// The smallest segment a document stream starts.
const MIN_SEGMENT: usize = 64 << 10;

/// The largest segment a document stream starts (a larger document gets a
/// segment of its own size).
const MAX_SEGMENT: usize = 64 << 20;

/// Documents per entry of [`StoredText`]'s coarse index of starts.
const STRIDE: usize = 16;

/// Past this many documents, [`Earlier::doc_of`] searches the coarse index
/// first. Below it the starts (16 bytes each) stay in cache, and the coarse
/// level was no faster (`passage_profile dedup_in news`). The unit tests and the fuzzers lower it, so that
/// they go through the coarse index.
const COARSE_FROM: usize = if cfg!(any(test, fuzzing)) { 2 } else { 8192 };

/// The stored documents of a corpus.
#[derive(Clone, Debug, Default)]
pub(crate) struct StoredText {
    /// The segments, in global order; none is empty but perhaps the last
    /// (room reserved ahead).
    segs: Vec<Vec<u8>>,
    /// The global position of each segment's first byte.
    seg_starts: Vec<u64>,
    /// `(global start, document id)` of each document, in order: the
    /// stored ones, then those of a batch in progress.
    starts: Vec<(u64, u64)>,
    /// The global start of every [`STRIDE`]-th document (`starts[j *
    /// STRIDE].0` at `j`): [`Earlier::doc_of`] searches this small array
    /// first, then [`STRIDE`] entries of `starts`, instead of all of
    /// `starts`, whose deeper levels would each be a cache miss.
    coarse: Vec<u64>,
    /// Bytes in the segments.
    stored: u64,
    /// Bytes stored one document at a time ([`StoredText::push`]): what
    /// sizes the segments a document stream starts.
    streamed: u64,
    /// Global length: the stored bytes and a batch's documents so far.
    len: u64,
}

impl StoredText {
    /// The global length, a batch's documents in progress included.
    pub(crate) fn len(&self) -> u64 {
        self.len
    }

    /// The number of documents, a batch's in progress included.
    pub(crate) fn documents(&self) -> usize {
        self.starts.len()
    }

    /// Heap bytes held (capacities).
    pub(crate) fn heap_bytes(&self) -> usize {
        self.segs.iter().map(Vec::capacity).sum::<usize>()
            + self.segs.capacity() * core::mem::size_of::<Vec<u8>>()
            + self.seg_starts.capacity() * 8
            + self.starts.capacity() * 16
            + self.coarse.capacity() * 8
    }

    /// Forgets every document.
    pub(crate) fn clear(&mut self) {
        *self = StoredText::default();
    }

    /// Room for `bytes` more bytes of documents in the last segment.
    pub(crate) fn reserve(&mut self, bytes: usize) {
        if bytes > 0 {
            self.new_segment(bytes);
        }
    }

    /// Room for `additional` more document starts.
    pub(crate) fn reserve_documents(&mut self, additional: usize) {
        self.starts.reserve(additional);
        self.coarse.reserve(additional / STRIDE + 1);
    }

    /// Appends the start of the next document.
    fn push_start(&mut self, id: u64) {
        if self.starts.len() % STRIDE == 0 {
            self.coarse.push(self.len);
        }
        self.starts.push((self.len, id));
    }

    /// Starts an empty segment with room for `bytes`, unless the last
    /// segment is empty (then it only gets the room).
    fn new_segment(&mut self, bytes: usize) {
        if self.segs.last().is_some_and(Vec::is_empty) {
            let last = self.segs.len() - 1;
            self.segs[last].reserve(bytes);
            return;
        }
        self.segs.push(Vec::with_capacity(bytes));
        self.seg_starts.push(self.stored);
    }

    /// Stores the next document, `text`, with id `id` (no batch may be in
    /// progress).
    pub(crate) fn push(&mut self, id: u64, text: &[u8]) {
        debug_assert_eq!(self.stored, self.len);
        self.push_start(id);
        self.len += text.len() as u64;
        if text.is_empty() {
            return;
        }
        let fits = self
            .segs
            .last()
            .is_some_and(|s| s.capacity() - s.len() >= text.len());
        if !fits {
            let size = (self.streamed as usize / 2).clamp(MIN_SEGMENT, MAX_SEGMENT);
            self.new_segment(size.max(text.len()));
        }
        if let Some(last) = self.segs.last_mut() {
            last.extend_from_slice(text);
        }
        self.stored += text.len() as u64;
        self.streamed += text.len() as u64;
    }

    /// Notes the next document of a batch, `len` bytes with id `id`,
    /// whose bytes stay with the caller until [`StoredText::push_batch`].
    pub(crate) fn note_unstored(&mut self, id: u64, len: usize) {
        self.push_start(id);
        self.len += len as u64;
    }

    /// Stores the bytes of every document noted since the last stored
    /// one, concatenated in `segment`.
    pub(crate) fn push_batch(&mut self, segment: Vec<u8>) {
        debug_assert_eq!(self.stored + segment.len() as u64, self.len);
        if segment.is_empty() {
            return;
        }
        // The documents after the batch go to a new segment: the room left
        // in the one before it is given back (an empty one is dropped).
        match self.segs.last_mut() {
            Some(last) if last.is_empty() => {
                self.segs.pop();
                self.seg_starts.pop();
            }
            Some(last) => last.shrink_to_fit(),
            None => {}
        }
        self.seg_starts.push(self.stored);
        self.stored += segment.len() as u64;
        self.segs.push(segment);
    }

    /// What a scan of the next document reads: every document so far,
    /// `unstored` holding the bytes of a batch's documents not yet stored
    /// (the last `unstored.len()` documents).
    pub(crate) fn earlier<'a>(&'a self, unstored: &'a [&'a [u8]]) -> Earlier<'a> {
        Earlier {
            segs: &self.segs,
            seg_starts: &self.seg_starts,
            starts: &self.starts,
            coarse: &self.coarse,
            stored_docs: self.starts.len() - unstored.len(),
            unstored,
            froms: &[],
            len: self.len,
        }
    }

    /// The stored document `i` and what comes before it, for rebuilding
    /// the anchors.
    pub(crate) fn document(&self, i: usize) -> (Earlier<'_>, &[u8]) {
        let before = Earlier {
            segs: &self.segs,
            seg_starts: &self.seg_starts,
            starts: &self.starts[..i],
            coarse: &self.coarse,
            stored_docs: i,
            unstored: &[],
            froms: &[],
            len: self.starts[i].0,
        };
        let whole = Earlier {
            starts: &self.starts[..=i],
            stored_docs: i + 1,
            len: self.starts.get(i + 1).map_or(self.len, |s| s.0),
            ..before
        };
        (before, whole.bytes_of(i))
    }
}

/// The text before the current document, as a scan reads it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Earlier<'a> {
    /// The stored segments.
    segs: &'a [Vec<u8>],
    /// Their global starts.
    seg_starts: &'a [u64],
    /// `(global start, document id)` of each earlier document.
    starts: &'a [(u64, u64)],
    /// The corpus's coarse index of `starts` (it may go on past them).
    coarse: &'a [u64],
    /// How many of them are stored in `segs`.
    stored_docs: usize,
    /// The bytes of the others, in order.
    unstored: &'a [&'a [u8]],
    /// For a view of parts of documents ([`Earlier::sparse`]), where each
    /// part starts in its document; empty otherwise.
    froms: &'a [u64],
    /// The global position where the current document starts.
    len: u64,
}

impl<'a> Earlier<'a> {
    /// No earlier text: a document on its own.
    pub(crate) const NONE: Earlier<'static> = Earlier {
        segs: &[],
        seg_starts: &[],
        starts: &[],
        coarse: &[],
        stored_docs: 0,
        unstored: &[],
        froms: &[],
        len: 0,
    };

    /// A view of parts of some earlier documents only, each at its global
    /// position: `starts` holds `(global start, document id)` of each part
    /// in increasing order, `texts` their bytes, `froms` where each starts
    /// in its document, `coarse` every [`STRIDE`]-th start (see
    /// [`Earlier::coarse_of`]); the current document starts at `len`, at
    /// or after the end of the last. A part is read as a document (a run
    /// stops at its edges); [`Earlier::origin_of`] names positions in its
    /// document. Nothing may ask for a position between parts.
    pub(crate) fn sparse(
        starts: &'a [(u64, u64)],
        coarse: &'a [u64],
        texts: &'a [&'a [u8]],
        froms: &'a [u64],
        len: u64,
    ) -> Earlier<'a> {
        debug_assert_eq!(starts.len(), texts.len());
        debug_assert_eq!(starts.len(), froms.len());
        debug_assert_eq!(coarse.len(), starts.len().div_ceil(STRIDE));
        Earlier {
            segs: &[],
            seg_starts: &[],
            starts,
            coarse,
            stored_docs: 0,
            unstored: texts,
            froms,
            len,
        }
    }

    /// The coarse index [`Earlier::sparse`] takes for `starts`.
    pub(crate) fn coarse_of(starts: &[(u64, u64)]) -> Vec<u64> {
        starts.iter().step_by(STRIDE).map(|&(s, _)| s).collect()
    }

    /// The global position of the current document's first byte.
    pub(crate) fn len(&self) -> u64 {
        self.len
    }

    /// The earlier document holding global position `q < self.len()`: its
    /// id, its global start and its bytes.
    #[inline]
    pub(crate) fn doc_of(&self, q: u64) -> (u64, u64, &'a [u8]) {
        let d = self.index_of(q);
        let (start, id) = self.starts[d];
        (id, start, self.bytes_of(d))
    }

    /// The index in `starts` of the earlier document (or part) holding
    /// global position `q < self.len()`.
    #[inline]
    fn index_of(&self, q: u64) -> usize {
        let n = self.starts.len();
        if n <= COARSE_FROM {
            self.starts.partition_point(|&(s, _)| s <= q) - 1
        } else {
            // The group of STRIDE documents holding q, then q's document.
            let groups = &self.coarse[..n.div_ceil(STRIDE)];
            let lo = (groups.partition_point(|&s| s <= q) - 1) * STRIDE;
            let hi = (lo + STRIDE).min(n);
            lo + self.starts[lo..hi].partition_point(|&(s, _)| s <= q) - 1
        }
    }

    /// The id of the earlier document holding global position `q <
    /// self.len()`, and `q`'s offset in it.
    pub(crate) fn origin_of(&self, q: u64) -> (u64, u64) {
        let d = self.index_of(q);
        let (start, id) = self.starts[d];
        let from = self.froms.get(d).copied().unwrap_or(0);
        (id, q - start + from)
    }

    /// Bytes holding global position `q < self.len()` and `q`'s offset in
    /// them, without finding `q`'s document: its segment when it is
    /// stored (a few segments, so the search stays in cache), otherwise
    /// its document in the batch. The bytes hold `q`'s whole document and
    /// perhaps its neighbours; `true` says they are exactly the document.
    #[inline]
    pub(crate) fn locate(&self, q: u64) -> (&'a [u8], usize, bool) {
        let stored_end = self.starts.get(self.stored_docs).map_or(self.len, |s| s.0);
        if q < stored_end {
            let (segment, at) = self.segment_of(q);
            return (segment, at, false);
        }
        let batch = &self.starts[self.stored_docs..];
        let d = batch.partition_point(|&(s, _)| s <= q) - 1;
        let bytes = self.unstored[d];
        (bytes, (q - batch[d].0) as usize, true)
    }

    /// The bytes of earlier document `d`.
    fn bytes_of(&self, d: usize) -> &'a [u8] {
        if d >= self.stored_docs {
            return self.unstored[d - self.stored_docs];
        }
        let start = self.starts[d].0;
        let end = self.starts.get(d + 1).map_or(self.len, |s| s.0);
        if start == end {
            return &[];
        }
        let (segment, from) = self.segment_of(start);
        &segment[from..from + (end - start) as usize]
    }

    /// The segment holding stored position `q` and `q`'s offset in it.
    #[inline]
    fn segment_of(&self, q: u64) -> (&'a [u8], usize) {
        // Documents never straddle segments, and only the last segment can
        // be empty (it then starts after every stored byte).
        let s = self.seg_starts.partition_point(|&x| x <= q) - 1;
        (&self.segs[s], (q - self.seg_starts[s]) as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_read_back_across_segments_and_batches() {
        let mut stored = StoredText::default();
        stored.reserve(100);
        let big = vec![b'b'; MIN_SEGMENT + 5];
        let docs: Vec<Vec<u8>> = vec![
            Vec::new(),
            b"first".to_vec(),
            Vec::new(),
            big.clone(),
            b"after the big one".to_vec(),
        ];
        for (id, d) in docs.iter().enumerate() {
            stored.push(id as u64, d);
        }
        assert!(stored.segs.len() >= 2, "the big document starts a segment");
        // A batch: noted, read in place, then stored as one segment.
        let batch: [&[u8]; 3] = [b"batch one", b"", b"batch three"];
        for (i, d) in batch.iter().enumerate() {
            stored.note_unstored(5 + i as u64, d.len());
        }
        let mut all: Vec<&[u8]> = docs.iter().map(Vec::as_slice).chain(batch).collect();
        // Every document `earlier` shows, by id, start and bytes.
        let check = |all: &[&[u8]], earlier: Earlier<'_>, upto: usize| {
            let mut pos = 0u64;
            for (id, d) in all[..upto].iter().enumerate() {
                if let Some(last) = d.len().checked_sub(1) {
                    for q in [pos, pos + last as u64] {
                        assert_eq!(earlier.doc_of(q), (id as u64, pos, *d));
                    }
                }
                pos += d.len() as u64;
            }
            assert_eq!(earlier.len(), pos);
        };
        check(&all, stored.earlier(&batch), 8);
        stored.push_batch(batch.concat());
        check(&all, stored.earlier(&[]), 8);
        // After the batch: a document stream again, then a batch into a
        // corpus whose last segment has room reserved ahead.
        stored.push(8, b"after the batch");
        stored.reserve(1000);
        stored.note_unstored(9, 6);
        stored.push_batch(b"second".to_vec());
        all.extend([b"after the batch" as &[u8], b"second"]);
        let total: u64 = all.iter().map(|d| d.len() as u64).sum();
        assert_eq!(stored.len(), total);
        check(&all, stored.earlier(&[]), all.len());
        for (i, doc) in all.iter().enumerate() {
            let (before, bytes) = stored.document(i);
            assert_eq!(bytes, *doc, "document {i}");
            check(&all, before, i);
        }
        // No segment holds more than its documents but the last.
        let held: usize = stored.segs.iter().map(Vec::len).sum();
        assert_eq!(held as u64, total);
    }

    #[test]
    fn coarse_index_and_locate_find_every_document() {
        // Document counts around the threshold and the group size, up to
        // past the production threshold (the unit tests lower it to 2, so
        // every other test here goes through the coarse index too).
        for n in [
            COARSE_FROM,
            COARSE_FROM + 1,
            4 * STRIDE,
            4 * STRIDE + 3,
            9 * STRIDE + 5,
            8208,
            8245,
        ] {
            // Lengths 1 to 5, with runs of four empty documents (sharing
            // one start with the next) across every multiple of 16.
            let docs: Vec<Vec<u8>> = (0..n)
                .map(|i| match i % STRIDE {
                    0 | 1 | 14 | 15 => Vec::new(),
                    _ => vec![b'x'; (i * 7 + i / 11) % 5 + 1],
                })
                .collect();
            // One by one, then the rest as a batch in progress.
            let mut stored = StoredText::default();
            let (streamed, batch) = docs.split_at(n - n / 3);
            for (id, d) in streamed.iter().enumerate() {
                stored.push(id as u64, d);
            }
            let batch: Vec<&[u8]> = batch.iter().map(Vec::as_slice).collect();
            for (i, d) in batch.iter().enumerate() {
                stored.note_unstored((streamed.len() + i) as u64, d.len());
            }
            // `unstored_from`: the first document still in the batch.
            let check = |earlier: Earlier<'_>, upto: usize, unstored_from: usize| {
                let mut pos = 0u64;
                for (id, d) in docs[..upto].iter().enumerate() {
                    for q in pos..pos + d.len() as u64 {
                        assert_eq!(
                            earlier.doc_of(q),
                            (id as u64, pos, d.as_slice()),
                            "{n} documents, view of {upto}, q {q}"
                        );
                        // The bytes `locate` gives hold the whole document
                        // at the right place, and are exactly it in a batch.
                        let (bytes, at, whole) = earlier.locate(q);
                        let start = at - (q - pos) as usize;
                        assert_eq!(&bytes[start..start + d.len()], d.as_slice(), "q {q}");
                        assert_eq!(whole, id >= unstored_from, "q {q}");
                        assert!(!whole || bytes.len() == d.len());
                    }
                    pos += d.len() as u64;
                }
                assert_eq!(earlier.len(), pos);
            };
            check(stored.earlier(&batch), n, streamed.len());
            // Stored, and cut before a document, as rebuilding the anchors
            // reads it: views whose count is a multiple of 16 or not.
            stored.push_batch(batch.concat());
            check(stored.earlier(&[]), n, n);
            for i in [1, 2, 3, STRIDE, STRIDE + 1, n / 2, n - 1] {
                if i < n {
                    check(stored.document(i).0, i, n);
                }
            }
        }
    }
}
