//! Chunk mode: chunk-level duplicates across a corpus, in the shape of the
//! other two modes ([`Config`], [`Deduper`], [`Corpus`]).

use crate::chunk::parallel::{chunk_in_parallel, REGION_BYTES};
use crate::chunk::phases::apply_checked;
use crate::chunk::{Chunk, ChunkConfig, Chunker};
use crate::config::{ConfigError, Scope};
use crate::fingerprint::Fingerprint;
use crate::phases::{resolve_next, LaterCopy};
use crate::report::{DocId, DocReport, Removal};
use crate::snap::{snap_span, Snap};
use crate::span::Span;
use crate::table::Shard;

/// Settings of chunk mode, built by value: the chunker's sizes and seed
/// ([`ChunkConfig`]), the scope and the threads.
///
/// # Examples
///
/// ```
/// use textdedup::chunk::Config;
/// use textdedup::Scope;
///
/// let deduper = Config::new().avg(256).scope(Scope::Document).threads(2).build()?;
/// assert_eq!(deduper.config().chunker_config().get_max(), 1024);
/// let err = Config::new().avg(32).build().unwrap_err();
/// assert_eq!((err.field(), err.value()), ("avg", "32"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Config {
    /// How documents are cut into chunks.
    chunks: ChunkConfig,
    /// Whether earlier documents count.
    scope: Scope,
    /// Threads of the deduper's own pool; 0 for the current rayon pool.
    threads: usize,
}

impl Config {
    /// The default configuration: [`ChunkConfig::new`] (chunks of 1 KiB on
    /// average), [`Scope::Corpus`], the current rayon pool.
    pub const fn new() -> Config {
        Config {
            chunks: ChunkConfig::new(),
            scope: Scope::Corpus,
            threads: 0,
        }
    }

    /// Builds the [`Deduper`] for this configuration: `Deduper::new(self)`.
    ///
    /// # Errors
    ///
    /// As [`Deduper::new`].
    pub fn build(self) -> Result<Deduper, ConfigError> {
        Deduper::new(self)
    }

    /// Sets the whole chunker configuration at once.
    ///
    /// The default value is [`ChunkConfig::new`].
    pub const fn chunker(mut self, chunks: ChunkConfig) -> Config {
        self.chunks = chunks;
        self
    }

    /// Sets the chunks' minimum length: [`ChunkConfig::min`] (the default
    /// value is `avg / 4`).
    pub const fn min(mut self, min: usize) -> Config {
        self.chunks = self.chunks.min(min);
        self
    }

    /// Sets the chunks' average length: [`ChunkConfig::avg`] (the default
    /// value is 1024).
    pub const fn avg(mut self, avg: usize) -> Config {
        self.chunks = self.chunks.avg(avg);
        self
    }

    /// Sets the chunks' maximum length: [`ChunkConfig::max`] (the default
    /// value is `4 × avg`).
    pub const fn max(mut self, max: usize) -> Config {
        self.chunks = self.chunks.max(max);
        self
    }

    /// Sets the seed of the gear table: [`ChunkConfig::seed`] (the default
    /// value is 0).
    pub const fn seed(mut self, seed: u64) -> Config {
        self.chunks = self.chunks.seed(seed);
        self
    }

    /// Sets whether copies in earlier documents count.
    ///
    /// The default value is [`Scope::Corpus`]. Under [`Scope::Document`] a
    /// [`Corpus`] forgets its chunks before each document.
    pub const fn scope(mut self, scope: Scope) -> Config {
        self.scope = scope;
        self
    }

    /// Sets how many threads the deduper's batches (and large documents)
    /// run on.
    ///
    /// The default value is 0: the current rayon pool. Any other value
    /// gives the deduper a pool of its own, as
    /// [`paragraph::Config::threads`](crate::paragraph::Config::threads)
    /// does; the answer is the same for every value.
    pub const fn threads(mut self, threads: usize) -> Config {
        self.threads = threads;
        self
    }

    /// The chunker configuration.
    pub const fn chunker_config(&self) -> ChunkConfig {
        self.chunks
    }

    /// The configured scope.
    pub const fn get_scope(&self) -> Scope {
        self.scope
    }

    /// The configured thread count (0: the current rayon pool).
    pub const fn get_threads(&self) -> usize {
        self.threads
    }
}

impl From<ChunkConfig> for Config {
    fn from(chunks: ChunkConfig) -> Config {
        Config::new().chunker(chunks)
    }
}

/// A configured chunk-mode deduper: immutable, `Send + Sync`, cheap to
/// clone (its 2 KiB gear table is copied, its thread pool shared).
///
/// Every chunk of at least `min` bytes is fingerprinted (xxh3-128); a
/// chunk whose fingerprint was seen before, earlier in this document or
/// (under [`Scope::Corpus`]) in an earlier document of the [`Corpus`], is
/// reported as a [`Removal`] whose [`Origin`](crate::Origin) is the first
/// occurrence (smallest document index, then offset). Chunks shorter than
/// `min` (only a document's last chunk can be) are never duplicates: a few
/// bytes at the end of two documents are a coincidence, not a copy.
///
/// Consecutive repeated chunks whose first copies are consecutive in one
/// document are merged into one removal, so `[first.start(), first.end())`
/// is the first copy of the whole span: the same bytes (up to a fingerprint
/// collision, probability about 2^-128 per pair of chunks), of the same
/// length as the span. A removal is then shrunk inward to UTF-8 character
/// boundaries (a position is one unless its byte is `0x80..=0xBF`; its
/// first copy shrinks by the same amounts), so that removing chunks from
/// valid UTF-8 leaves valid UTF-8.
///
/// The answer is deterministic: it depends only on the documents, their
/// order and the configuration. The [`Stats`](crate::Stats) of each report
/// count bytes and chunks ([`Stats::chunks`](crate::Stats::chunks),
/// [`Stats::chunks_removed`](crate::Stats::chunks_removed)).
///
/// # Examples
///
/// ```
/// use textdedup::chunk::{Config, Corpus};
/// use textdedup::DocId;
///
/// let deduper = Config::new().avg(64).build()?;
/// let mut corpus = Corpus::new();
/// let shared: String = (0..20).map(|i| format!("Sentence {i} of the copied passage. ")).collect();
/// let a = format!("First page. {shared}");
/// let b = format!("Second page, longer intro. {shared} The end.");
/// assert!(deduper.dedup_in(&mut corpus, a.as_bytes()).removals().is_empty());
/// let report = deduper.dedup_in(&mut corpus, b.as_bytes());
/// let removal = report.removals()[0];
/// assert_eq!(removal.first().doc(), DocId::new(0));
/// assert_eq!(&b.as_bytes()[removal.span()], &a.as_bytes()[removal.first().span()]);
/// assert!(report.stats().bytes_removed > 200);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct Deduper {
    /// The validated configuration.
    config: Config,
    /// Cuts and fingerprints each document.
    chunker: Chunker,
    /// Where the parallel loops run ([`Config::threads`]).
    pool: crate::par::Pool,
}

impl Deduper {
    /// Builds a deduper from a configuration.
    ///
    /// # Errors
    ///
    /// A [`ConfigError`] naming the field and the value, as
    /// [`Chunker::new`], or `threads` when its threads cannot start.
    pub fn new(config: Config) -> Result<Deduper, ConfigError> {
        Ok(Deduper {
            chunker: Chunker::new(config.chunks)?,
            pool: crate::par::Pool::new(config.threads)?,
            config,
        })
    }

    /// The configuration this deduper was built with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The chunker in use.
    pub fn chunker(&self) -> &Chunker {
        &self.chunker
    }

    /// Deduplicates one document on its own: a chunk is removed when the
    /// same chunk appears earlier in `text`. The report's document id is 0.
    ///
    /// A document of 8 MiB or more is chunked in 1 MiB regions on every
    /// thread, with the sequential cut points.
    ///
    /// # Complexity
    ///
    /// Linear in `text.len()` plus one table operation per chunk.
    pub fn dedup<'t>(&self, text: &'t [u8]) -> DocReport<'t> {
        let chunks = self.pool.install(|| self.fingerprints(text));
        resolve(&mut Corpus::new(), text, chunks)
    }

    /// Deduplicates the next document of a corpus; it gets the id
    /// [`Corpus::documents`] had before the call.
    ///
    /// # Complexity
    ///
    /// Linear in `text.len()` plus one table operation per chunk; the
    /// corpus grows by one entry per new distinct chunk.
    pub fn dedup_in<'t>(&self, corpus: &mut Corpus, text: &'t [u8]) -> DocReport<'t> {
        let chunks = self.pool.install(|| self.fingerprints(text));
        self.resolve_next(corpus, text, chunks)
    }

    /// Deduplicates a batch of documents as the next documents of a
    /// corpus: exactly the reports of [`Deduper::dedup_in`] on each
    /// document in order, for any thread count.
    ///
    /// Chunking and fingerprinting (nearly all the work) run per document
    /// in parallel; deciding which copy is first runs in corpus order, one
    /// table operation per chunk. Without the `parallel` feature it all
    /// runs on the calling thread.
    ///
    /// # Complexity
    ///
    /// Linear in the batch's bytes. Memory beyond the corpus: 32 bytes per
    /// chunk of the batch.
    ///
    /// # Examples
    ///
    /// ```
    /// use textdedup::chunk::{Config, Corpus};
    ///
    /// let deduper = Config::new().avg(64).build()?;
    /// let page: String = (0..40).map(|i| format!("Line {i} of a mirrored page. ")).collect();
    /// let docs = vec![page.clone(), format!("Mirror: {page}"), page];
    /// let batch = deduper.dedup_batch(&mut Corpus::new(), &docs);
    /// let mut corpus = Corpus::new();
    /// let sequential: Vec<_> = docs.iter().map(|d| deduper.dedup_in(&mut corpus, d.as_bytes())).collect();
    /// assert_eq!(batch, sequential); // compare to sequential
    /// assert_eq!(batch[2].stats().chunks, batch[2].stats().chunks_removed);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn dedup_batch<'t, T: AsRef<[u8]> + Sync>(
        &self,
        corpus: &mut Corpus,
        docs: &'t [T],
    ) -> Vec<DocReport<'t>> {
        let chunked = self
            .pool
            .install(|| crate::par::map(docs, |d| self.fingerprints(d.as_ref())));
        docs.iter()
            .zip(chunked)
            .map(|(d, chunks)| self.resolve_next(corpus, d.as_ref(), chunks))
            .collect()
    }

    /// Deduplicates a stream of owned documents in bounded batches, handing
    /// each report to `sink` in corpus order.
    ///
    /// Documents are gathered until they hold at least `batch_bytes` bytes
    /// (or the stream ends), deduplicated with [`Deduper::dedup_batch`],
    /// given to `sink` one by one, and dropped. The answer is that of
    /// [`Deduper::dedup_in`] on each document in order, for every
    /// `batch_bytes` and every thread count.
    ///
    /// # Memory
    ///
    /// At most `batch_bytes` plus one document of text at a time, 32 bytes
    /// per chunk of the batch, and the corpus (38 to 76 bytes per distinct
    /// chunk seen so far; no text is kept).
    ///
    /// # Errors
    ///
    /// The first error `sink` returns; documents after it are not read.
    ///
    /// # Examples
    ///
    /// ```
    /// use textdedup::chunk::{Config, Corpus};
    ///
    /// let deduper = Config::new().avg(64).build()?;
    /// let notice: String = (0..30).map(|i| format!("Clause {i} of the license. ")).collect();
    /// let docs: Vec<String> = (0..50).map(|i| format!("Program {i}.\n{notice}")).collect();
    /// let mut streamed = Vec::new();
    /// deduper.dedup_stream(&mut Corpus::new(), &docs, 4096, |report| {
    ///     streamed.push(report.removals().to_vec());
    ///     Ok::<(), std::io::Error>(())
    /// })?;
    /// let mut corpus = Corpus::new();
    /// let one_by_one: Vec<_> =
    ///     docs.iter().map(|d| deduper.dedup_in(&mut corpus, d.as_bytes()).removals().to_vec()).collect();
    /// assert_eq!(streamed, one_by_one);
    /// // Every later program repeats chunks of the notice.
    /// assert!(streamed[0].is_empty() && streamed[1..].iter().all(|r| !r.is_empty()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn dedup_stream<T, I, F, E>(
        &self,
        corpus: &mut Corpus,
        docs: I,
        batch_bytes: usize,
        sink: F,
    ) -> Result<(), E>
    where
        T: AsRef<[u8]> + Sync,
        I: IntoIterator<Item = T>,
        F: FnMut(DocReport<'_>) -> Result<(), E>,
    {
        // The trait's own loop: batches of `dedup_batch`, in order.
        crate::Dedup::dedup_stream(self, corpus, docs, batch_bytes, sink)
    }

    /// The fingerprint and span of every chunk of `text` long enough to
    /// count. A large document is chunked in regions on every core, with the
    /// same cut points.
    pub(super) fn fingerprints(&self, text: &[u8]) -> Vec<(Fingerprint, Span)> {
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

    /// The next document of `corpus`, under this deduper's scope.
    fn resolve_next<'t>(
        &self,
        corpus: &mut Corpus,
        text: &'t [u8],
        chunks: Vec<(Fingerprint, Span)>,
    ) -> DocReport<'t> {
        if self.config.scope == Scope::Document {
            corpus.seen.clear();
        }
        resolve(corpus, text, chunks)
    }
}

/// Decides, in order, which chunks of the next document of `corpus` are
/// repeats.
fn resolve<'t>(
    corpus: &mut Corpus,
    text: &'t [u8],
    chunks: Vec<(Fingerprint, Span)>,
) -> DocReport<'t> {
    let doc = DocId::new(corpus.documents);
    corpus.documents += 1;
    let counted = chunks.len() as u64;
    let copies: Vec<LaterCopy> = chunks
        .into_iter()
        .filter_map(|(fp, span)| resolve_next(&mut corpus.seen, fp, doc.index(), span))
        .collect();
    corpus.chunks += counted;
    corpus.repeated += copies.len() as u64;
    apply_checked(text, doc, &copies, Some(counted))
}

/// `r` shrunk inward to character boundaries, its first copy by the same
/// amounts (it holds the same bytes); `None` when nothing is left.
pub(super) fn on_char_boundaries(text: &[u8], r: Removal) -> Option<Removal> {
    let span = r.span();
    let kept = snap_span(Snap::Char, text, span)?;
    let first = r.first();
    let start = first.start() + (kept.start - span.start);
    let origin = crate::report::Origin::new(first.doc(), start, start + kept.len());
    Some(Removal::new(kept, origin))
}

/// The cross-document state of chunk mode: the fingerprint and first
/// occurrence of every distinct chunk seen.
///
/// # Memory
///
/// One 32-byte table entry per distinct chunk plus hash table overhead,
/// 38 to 76 bytes in all (as for [`paragraph::Corpus`](crate::paragraph::Corpus)).
/// No text is kept.
#[derive(Clone, Debug, Default)]
pub struct Corpus {
    /// Fingerprint to first occurrence.
    seen: Shard,
    /// Documents fed so far: the next document's index.
    documents: u64,
    /// Chunks of at least `min` bytes seen so far.
    chunks: u64,
    /// Of those, chunks reported as repeats.
    repeated: u64,
}

impl Corpus {
    /// An empty corpus.
    pub fn new() -> Corpus {
        Corpus::default()
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

    /// Heap bytes held by the table of chunks.
    pub fn heap_bytes(&self) -> usize {
        self.seen.heap_bytes()
    }

    /// Forgets everything; the next document is numbered 0 again.
    pub fn clear(&mut self) {
        *self = Corpus::default();
    }
}

impl crate::Dedup for Deduper {
    type Corpus = Corpus;

    fn dedup<'t>(&self, text: &'t [u8]) -> DocReport<'t> {
        Deduper::dedup(self, text)
    }

    fn dedup_in<'t>(&self, corpus: &mut Corpus, text: &'t [u8]) -> DocReport<'t> {
        Deduper::dedup_in(self, corpus, text)
    }

    fn dedup_batch<'t, T: AsRef<[u8]> + Sync>(
        &self,
        corpus: &mut Corpus,
        docs: &'t [T],
    ) -> Vec<DocReport<'t>> {
        Deduper::dedup_batch(self, corpus, docs)
    }
}

/// The old chunk-level finder: a [`Deduper`] and its [`Corpus`] in one
/// value, behind `&mut self`.
#[deprecated(
    since = "0.2.0",
    note = "use `chunk::Deduper` with a `chunk::Corpus`, as in every mode"
)]
#[derive(Clone, Debug)]
pub struct DupFinder {
    /// The engine.
    deduper: Deduper,
    /// Its state.
    corpus: Corpus,
}

#[allow(deprecated)]
impl DupFinder {
    /// A finder with an empty index.
    pub fn new(chunker: Chunker) -> DupFinder {
        DupFinder {
            deduper: Deduper {
                config: Config::new().chunker(*chunker.config()),
                chunker,
                pool: crate::par::Pool::default(),
            },
            corpus: Corpus::new(),
        }
    }

    /// The chunker in use.
    pub fn chunker(&self) -> &Chunker {
        &self.deduper.chunker
    }

    /// [`Deduper::dedup_in`] on the finder's own corpus.
    pub fn find<'t>(&mut self, text: &'t [u8]) -> DocReport<'t> {
        self.deduper.dedup_in(&mut self.corpus, text)
    }

    /// [`Deduper::dedup_batch`] on the finder's own corpus.
    pub fn find_batch<'t, T: AsRef<[u8]> + Sync>(&mut self, docs: &'t [T]) -> Vec<DocReport<'t>> {
        self.deduper.dedup_batch(&mut self.corpus, docs)
    }

    /// [`Deduper::dedup_stream`] on the finder's own corpus.
    ///
    /// # Errors
    ///
    /// The first error `sink` returns.
    pub fn find_stream<T, I, F, E>(&mut self, docs: I, batch_bytes: usize, sink: F) -> Result<(), E>
    where
        T: AsRef<[u8]> + Sync,
        I: IntoIterator<Item = T>,
        F: FnMut(DocReport<'_>) -> Result<(), E>,
    {
        self.deduper
            .dedup_stream(&mut self.corpus, docs, batch_bytes, sink)
    }

    /// [`Corpus::documents`].
    pub fn documents(&self) -> u64 {
        self.corpus.documents()
    }

    /// [`Corpus::distinct_chunks`].
    pub fn distinct_chunks(&self) -> usize {
        self.corpus.distinct_chunks()
    }

    /// [`Corpus::chunks`].
    pub fn chunks(&self) -> u64 {
        self.corpus.chunks()
    }

    /// [`Corpus::repeated_chunks`].
    pub fn repeated_chunks(&self) -> u64 {
        self.corpus.repeated_chunks()
    }

    /// [`Corpus::clear`].
    pub fn clear(&mut self) {
        self.corpus.clear();
    }
}
