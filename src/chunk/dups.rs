//! Chunk-level duplicates across a corpus.

use crate::chunk::parallel::{chunk_in_parallel, REGION_BYTES};
use crate::chunk::{Chunk, Chunker};
use crate::dedup::table::{FirstSeen, Shard};
use crate::fingerprint::Fingerprint;
use crate::report::{DocId, DocReport, Removal, Stats};
use crate::span::Span;

/// Finds chunks seen before in a corpus, keeping the first occurrence.
///
/// Documents are fed in corpus order with [`DupFinder::find`]; each gets
/// the next [`DocId`], from 0. Every chunk of at least `min` bytes is
/// fingerprinted (xxh3-128); a chunk whose fingerprint was seen before,
/// earlier in this document or in an earlier one, is reported as a
/// [`Removal`] whose [`Origin`](crate::Origin) is the first occurrence (smallest document
/// index, then offset). Chunks shorter than `min` (only a document's last
/// chunk can be) are never duplicates: a few bytes at the end of two
/// documents are a coincidence, not a copy.
///
/// Consecutive repeated chunks whose first copies are consecutive in one
/// document are merged into one removal, so `[first.start(), first.end())`
/// is the first copy of the whole span: the same bytes (up to a fingerprint
/// collision, probability about 2^-128 per pair of chunks), of the same
/// length as the span.
///
/// The answer is deterministic: it depends only on the documents, their
/// order and the chunker. The [`Stats`] of each report count bytes; its
/// paragraph counters stay 0 (see [`DupFinder::chunks`] instead).
///
/// # Memory
///
/// One 32-byte table entry per distinct chunk plus hash table overhead,
/// 38 to 76 bytes in all (as for [`Corpus`](crate::Corpus)). No text is
/// kept. The finder owns its chunker, so its index can never meet
/// fingerprints of another configuration.
///
/// # Examples
///
/// ```
/// use textdedup::chunk::{ChunkConfig, Chunker, DupFinder};
/// use textdedup::DocId;
///
/// let chunker = Chunker::new(ChunkConfig::new().avg(64))?;
/// let mut finder = DupFinder::new(chunker);
/// let shared: String = (0..20).map(|i| format!("Sentence {i} of the copied passage. ")).collect();
/// let a = format!("First page. {shared}");
/// let b = format!("Second page, longer intro. {shared} The end.");
/// assert!(finder.find(a.as_bytes()).removals().is_empty());
/// let report = finder.find(b.as_bytes());
/// let removal = report.removals()[0];
/// assert_eq!(removal.first().doc(), DocId::new(0));
/// assert_eq!(&b.as_bytes()[removal.span()], &a.as_bytes()[removal.first().span()]);
/// assert!(report.stats().bytes_removed > 200);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct DupFinder {
    /// Cuts and fingerprints each document.
    chunker: Chunker,
    /// Fingerprint to first occurrence.
    seen: Shard,
    /// Documents fed so far: the next document's index.
    documents: u64,
    /// Chunks of at least `min` bytes seen so far.
    chunks: u64,
    /// Of those, chunks reported as repeats.
    repeated: u64,
}

impl DupFinder {
    /// A finder with an empty index.
    pub fn new(chunker: Chunker) -> DupFinder {
        DupFinder {
            chunker,
            seen: Shard::default(),
            documents: 0,
            chunks: 0,
            repeated: 0,
        }
    }

    /// The chunker in use.
    pub fn chunker(&self) -> &Chunker {
        &self.chunker
    }

    /// Chunks `text` as the next document and reports its repeated chunks.
    ///
    /// A document of 8 MiB or more is chunked in 1 MiB regions on every
    /// thread of the current rayon pool, with the sequential cut points.
    ///
    /// # Complexity
    ///
    /// Linear in `text.len()` plus one table operation per chunk; the index
    /// grows by one entry per new distinct chunk.
    pub fn find<'t>(&mut self, text: &'t [u8]) -> DocReport<'t> {
        let chunks = self.fingerprints(text);
        self.resolve(text, chunks)
    }

    /// Chunks a batch of documents on every thread of the current rayon pool
    /// and reports their repeated chunks: exactly the reports of calling
    /// [`DupFinder::find`] on each document in order, for any thread count.
    ///
    /// Chunking and fingerprinting (nearly all the work) run per document in
    /// parallel; deciding which copy is first runs in corpus order, one table
    /// operation per chunk. Without the `parallel` feature it all runs on the
    /// calling thread.
    ///
    /// # Complexity
    ///
    /// Linear in the batch's bytes. Memory beyond the index: 32 bytes per
    /// chunk of the batch.
    ///
    /// # Examples
    ///
    /// ```
    /// use textdedup::chunk::{ChunkConfig, Chunker, DupFinder};
    ///
    /// let chunker = Chunker::new(ChunkConfig::new().avg(64))?;
    /// let page: String = (0..40).map(|i| format!("Line {i} of a mirrored page. ")).collect();
    /// let docs = vec![page.clone(), format!("Mirror: {page}"), page];
    /// let batch = DupFinder::new(chunker.clone()).find_batch(&docs);
    /// let mut finder = DupFinder::new(chunker);
    /// let sequential: Vec<_> = docs.iter().map(|d| finder.find(d.as_bytes())).collect();
    /// assert_eq!(batch, sequential); // compare to sequential
    /// assert_eq!(batch[2].kept_len(), docs[2].len() - batch[2].stats().bytes_removed as usize);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn find_batch<'t, T: AsRef<[u8]> + Sync>(&mut self, docs: &'t [T]) -> Vec<DocReport<'t>> {
        let chunked = crate::par::map(docs, |d| self.fingerprints(d.as_ref()));
        docs.iter()
            .zip(chunked)
            .map(|(d, chunks)| self.resolve(d.as_ref(), chunks))
            .collect()
    }

    /// Finds the repeated chunks of a stream of owned documents in bounded
    /// batches, handing each report to `sink` in corpus order.
    ///
    /// Documents are gathered until they hold at least `batch_bytes` bytes
    /// (or the stream ends), searched with [`DupFinder::find_batch`], given
    /// to `sink` one by one, and dropped. The answer is that of
    /// [`DupFinder::find`] on each document in order, for every
    /// `batch_bytes` and every thread count.
    ///
    /// # Memory
    ///
    /// At most `batch_bytes` plus one document of text at a time, 32 bytes
    /// per chunk of the batch, and the index (38 to 76 bytes per distinct
    /// chunk seen so far; no text is kept).
    ///
    /// # Errors
    ///
    /// The first error `sink` returns; documents after it are not read.
    ///
    /// # Examples
    ///
    /// ```
    /// use textdedup::chunk::{ChunkConfig, Chunker, DupFinder};
    ///
    /// let chunker = Chunker::new(ChunkConfig::new().avg(64))?;
    /// let notice: String = (0..30).map(|i| format!("Clause {i} of the license. ")).collect();
    /// let docs: Vec<String> = (0..50).map(|i| format!("Program {i}.\n{notice}")).collect();
    /// let mut streamed = Vec::new();
    /// DupFinder::new(chunker.clone()).find_stream(&docs, 4096, |report| {
    ///     streamed.push(report.removals().to_vec());
    ///     Ok::<(), std::io::Error>(())
    /// })?;
    /// let mut finder = DupFinder::new(chunker);
    /// let one_by_one: Vec<_> = docs.iter().map(|d| finder.find(d.as_bytes()).removals().to_vec()).collect();
    /// assert_eq!(streamed, one_by_one);
    /// // Every later program repeats chunks of the notice.
    /// assert!(streamed[0].is_empty() && streamed[1..].iter().all(|r| !r.is_empty()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn find_stream<T, I, F, E>(
        &mut self,
        docs: I,
        batch_bytes: usize,
        mut sink: F,
    ) -> Result<(), E>
    where
        T: AsRef<[u8]> + Sync,
        I: IntoIterator<Item = T>,
        F: FnMut(DocReport<'_>) -> Result<(), E>,
    {
        crate::stream::in_batches(docs, batch_bytes, |batch| {
            self.find_batch(batch).into_iter().try_for_each(&mut sink)
        })
    }

    /// The fingerprint and span of every chunk of `text` long enough to
    /// count. A large document is chunked in regions on every core, with the
    /// same cut points.
    fn fingerprints(&self, text: &[u8]) -> Vec<(Fingerprint, Span)> {
        let min = self.chunker.min_len();
        let keep = |chunk: Chunk| {
            let fp = chunk.fingerprint()?;
            (chunk.len() >= min).then_some((fp, chunk.span()))
        };
        if text.len() >= 8 * REGION_BYTES && crate::par::threads() > 1 {
            chunk_in_parallel(&self.chunker, text, true, REGION_BYTES)
                .into_iter()
                .filter_map(keep)
                .collect()
        } else {
            self.chunker.chunks_hashed(text).filter_map(keep).collect()
        }
    }

    /// Decides, in order, which chunks of the next document are repeats.
    fn resolve<'t>(&mut self, text: &'t [u8], chunks: Vec<(Fingerprint, Span)>) -> DocReport<'t> {
        let doc = DocId::new(self.documents);
        self.documents += 1;
        let mut removals: Vec<Removal> = Vec::new();
        let mut stats = Stats {
            documents: 1,
            bytes_in: text.len() as u64,
            ..Stats::default()
        };
        self.chunks += chunks.len() as u64;
        for (fp, span) in chunks {
            let here = FirstSeen {
                doc: doc.index(),
                start: span.start as u64,
                end: span.end as u64,
            };
            let Some(first) = self.seen.first_or_insert(fp, here) else {
                continue;
            };
            self.repeated += 1;
            stats.bytes_removed += span.len() as u64;
            let first = first.origin();
            if let Some(last) = removals.last_mut() {
                let origin = last.first();
                if last.span().end == span.start
                    && origin.doc() == first.doc()
                    && origin.end() == first.start()
                {
                    last.extend_to(span.end, first.end());
                    continue;
                }
            }
            removals.push(Removal::new(span, first));
        }
        DocReport::new(text, doc, removals, stats)
    }

    /// The number of documents fed so far.
    pub fn documents(&self) -> u64 {
        self.documents
    }

    /// The number of distinct chunks remembered.
    pub fn distinct_chunks(&self) -> usize {
        self.seen.len()
    }

    /// The number of chunks of at least `min` bytes seen so far.
    pub fn chunks(&self) -> u64 {
        self.chunks
    }

    /// The number of chunks reported as repeats so far.
    pub fn repeated_chunks(&self) -> u64 {
        self.repeated
    }

    /// Forgets everything; the next document is numbered 0 again.
    pub fn clear(&mut self) {
        self.seen.clear();
        self.documents = 0;
        self.chunks = 0;
        self.repeated = 0;
    }
}
