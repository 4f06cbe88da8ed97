//! Paragraph mode's engine: [`Deduper`] (immutable, shareable); its state
//! lives in a [`Corpus`].

use crate::config::{ConfigError, Scope};
use crate::paragraph::{batch, document, Config, Corpus, CorpusMismatch};
use crate::report::{DocId, DocReport};
use crate::table::SeenSet;

/// A configured deduplication engine.
///
/// A `Deduper` is immutable, cheap to clone, and `Send + Sync`: share one
/// across threads. State that grows as documents are seen lives in a
/// [`Corpus`], passed by `&mut`.
///
/// # Examples
///
/// ```
/// use textdedup::{Config, Deduper, Normalize};
///
/// let deduper = Deduper::new(Config::new().normalize(Normalize::Whitespace))?;
/// let text = "A line that repeats itself.\nSomething else.\n  A line that   repeats itself.\n";
/// let report = deduper.dedup_str(text);
/// assert_eq!(report.kept_str()?, "A line that repeats itself.\nSomething else.\n");
/// assert_eq!(report.removals()[0].first().start(), 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct Deduper {
    /// The validated configuration.
    config: Config,
    /// Where the parallel loops run ([`Config::threads`]).
    pool: crate::par::Pool,
}

impl Deduper {
    /// Builds an engine from a configuration.
    ///
    /// # Errors
    ///
    /// A [`ConfigError`] naming the field and the value when the
    /// configuration is invalid.
    pub fn new(config: Config) -> Result<Deduper, ConfigError> {
        config.validate()?;
        let pool = crate::par::Pool::new(config.get_threads())?;
        Ok(Deduper { config, pool })
    }

    /// The configuration this engine was built with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Deduplicates one document on its own: a paragraph is removed when
    /// the same (normalized) paragraph appears earlier in `text`.
    ///
    /// A UTF-8 byte order mark at the start of a document (here and in
    /// every other entry point) is not part of its first paragraph, so it
    /// never keeps that paragraph from matching a copy without one; it is
    /// never removed, and offsets count it (see [`split`](crate::split)).
    ///
    /// The report borrows `text`; its document id is 0. A large document
    /// (2 MiB or more) is cut into regions fingerprinted on every core of
    /// the current rayon pool, with the same answer (see
    /// [`Deduper::dedup_batch`]).
    ///
    /// # Complexity
    ///
    /// Linear time in `text.len()`. Memory: 32 bytes per distinct paragraph
    /// plus hash table overhead (see [`Corpus`]), plus 40 bytes per removal.
    pub fn dedup<'t>(&self, text: &'t [u8]) -> DocReport<'t> {
        self.dedup_one(&mut SeenSet::default(), DocId::new(0), text)
    }

    /// [`Deduper::dedup`] for a string.
    pub fn dedup_str<'t>(&self, text: &'t str) -> DocReport<'t> {
        self.dedup(text.as_bytes())
    }

    /// Deduplicates the next document of a corpus.
    ///
    /// The document gets the id [`Corpus::documents`] had before the call.
    /// Under [`Scope::Corpus`] a paragraph is removed when it appeared in an
    /// earlier document or earlier in this one; under [`Scope::Document`]
    /// the corpus forgets its paragraphs before each document.
    ///
    /// # Panics
    ///
    /// Panics when [`Deduper::try_dedup_in`] would return an error: the
    /// corpus was fed by a deduper whose fingerprints differ (another split,
    /// normalization or seed; see [`Corpus`]).
    ///
    /// # Complexity
    ///
    /// Linear time in `text.len()`; the corpus grows by one entry per new
    /// distinct paragraph (see [`Corpus`] for the bytes).
    pub fn dedup_in<'t>(&self, corpus: &mut Corpus, text: &'t [u8]) -> DocReport<'t> {
        self.try_dedup_in(corpus, text)
            .unwrap_or_else(|e| panic!("Deduper::dedup_in: {e}"))
    }

    /// [`Deduper::dedup_in`], or an error when the corpus was fed by a
    /// deduper whose fingerprints differ.
    ///
    /// The first call on a corpus records this deduper's split,
    /// normalization and seed in it (see [`Corpus`]).
    ///
    /// # Errors
    ///
    /// A [`CorpusMismatch`] naming the first of those settings that differs
    /// from the corpus's, with both values. The corpus is left as it was.
    ///
    /// # Examples
    ///
    /// ```
    /// use textdedup::{Config, Corpus, Deduper};
    ///
    /// let mut corpus = Corpus::new();
    /// let line = b"a line long enough to count\n";
    /// Deduper::default().try_dedup_in(&mut corpus, line)?;
    /// // The same settings (another minimum length is fine): found.
    /// let same = Deduper::new(Config::new().min_len(8))?;
    /// assert_eq!(same.try_dedup_in(&mut corpus, line)?.removals().len(), 1);
    /// // Another seed would never find it: refused.
    /// let seeded = Deduper::new(Config::new().seed(7))?;
    /// assert_eq!(seeded.try_dedup_in(&mut corpus, line).unwrap_err().field(), "seed");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn try_dedup_in<'t>(
        &self,
        corpus: &mut Corpus,
        text: &'t [u8],
    ) -> Result<DocReport<'t>, CorpusMismatch> {
        corpus.bind(&self.config)?;
        if self.config.get_scope() == Scope::Document {
            corpus.seen.clear();
        }
        let doc = DocId::new(corpus.documents);
        corpus.documents += 1;
        Ok(self.dedup_one(&mut corpus.seen, doc, text))
    }

    /// Deduplicates a batch of documents as the next documents of a corpus,
    /// on every thread of the current rayon pool.
    ///
    /// The reports are exactly those of calling [`Deduper::dedup_in`] on
    /// each document in order, for any number of threads: which copy is
    /// first is decided by (document, offset), never by scheduling. Run it
    /// inside `ThreadPool::install` to choose the threads. Without the
    /// `parallel` feature it runs on the calling thread.
    ///
    /// The work is done in three phases: fingerprint (per region of about
    /// 256 KiB), resolve (per shard of the seen-set, in corpus order) and
    /// apply (per document); see the crate docs, "Parallel batches".
    ///
    /// # Complexity
    ///
    /// Linear time in the batch's bytes, spread over the threads. Memory
    /// beyond the corpus and the reports: 48 bytes per paragraph long enough
    /// to count in the 64 MiB round being fingerprinted, and 48 bytes per
    /// later copy.
    ///
    /// # Panics
    ///
    /// Panics when [`Deduper::try_dedup_batch`] would return an error: the
    /// corpus was fed by a deduper whose fingerprints differ.
    ///
    /// # Examples
    ///
    /// ```
    /// use textdedup::{Corpus, Deduper};
    ///
    /// let docs = ["a paragraph that repeats\nfirst\n", "second\na paragraph that repeats\n"];
    /// let deduper = Deduper::default();
    /// let batch = deduper.dedup_batch(&mut Corpus::new(), &docs);
    /// let mut corpus = Corpus::new();
    /// let one_by_one: Vec<_> = docs.iter().map(|d| deduper.dedup_in(&mut corpus, d.as_bytes())).collect();
    /// assert_eq!(batch, one_by_one); // compare to sequential
    /// assert_eq!(batch[1].removals()[0].first().start(), 0);
    /// ```
    pub fn dedup_batch<'t, T: AsRef<[u8]> + Sync>(
        &self,
        corpus: &mut Corpus,
        docs: &'t [T],
    ) -> Vec<DocReport<'t>> {
        self.try_dedup_batch(corpus, docs)
            .unwrap_or_else(|e| panic!("Deduper::dedup_batch: {e}"))
    }

    /// [`Deduper::dedup_batch`], or an error when the corpus was fed by a
    /// deduper whose fingerprints differ.
    ///
    /// # Errors
    ///
    /// A [`CorpusMismatch`], as for [`Deduper::try_dedup_in`]; no document
    /// is fed then.
    pub fn try_dedup_batch<'t, T: AsRef<[u8]> + Sync>(
        &self,
        corpus: &mut Corpus,
        docs: &'t [T],
    ) -> Result<Vec<DocReport<'t>>, CorpusMismatch> {
        corpus.bind(&self.config)?;
        Ok(self.pool.install(|| self.batch_in(corpus, docs)))
    }

    /// [`Deduper::dedup_batch`] on a corpus already bound to this deduper.
    fn batch_in<'t, T: AsRef<[u8]> + Sync>(
        &self,
        corpus: &mut Corpus,
        docs: &'t [T],
    ) -> Vec<DocReport<'t>> {
        let texts: Vec<&'t [u8]> = docs.iter().map(AsRef::as_ref).collect();
        let first = corpus.documents;
        corpus.documents += texts.len() as u64;
        if self.config.get_scope() == Scope::Document {
            corpus.seen.clear();
            let numbered: Vec<(u64, &'t [u8])> = (first..).zip(texts).collect();
            let Some((&(last, last_text), rest)) = numbered.split_last() else {
                return Vec::new();
            };
            let mut reports = crate::par::map(rest, |&(doc, text)| {
                self.dedup_one(&mut SeenSet::default(), DocId::new(doc), text)
            });
            // The last document runs against the corpus itself, so the corpus
            // ends as the one-by-one loop leaves it.
            reports.push(self.dedup_one(&mut corpus.seen, DocId::new(last), last_text));
            return reports;
        }
        let mut reports = Vec::with_capacity(texts.len());
        // Batch-local document numbers are u32: cut absurdly long batches.
        for (i, part) in texts.chunks(u32::MAX as usize).enumerate() {
            let part_first = first + (i as u64) * u64::from(u32::MAX);
            reports.extend(batch::dedup_batch(
                &self.config,
                &mut corpus.seen,
                part_first,
                part,
            ));
        }
        reports
    }

    /// Deduplicates a stream of owned documents in bounded batches, handing
    /// each report to `sink` in corpus order.
    ///
    /// Documents are gathered until they hold at least `batch_bytes` bytes
    /// (or the stream ends), deduplicated with [`Deduper::dedup_batch`], given
    /// to `sink` one by one, and dropped. The answer is the same for every
    /// `batch_bytes` and every thread count.
    ///
    /// # Memory
    ///
    /// At most `batch_bytes` plus one document of text at a time, 48 bytes
    /// per candidate paragraph of the current 64 MiB round, 48 bytes per
    /// later copy of the batch, and the corpus (38 to 76 bytes per distinct
    /// paragraph seen so far).
    ///
    /// # Errors
    ///
    /// The first error `sink` returns; documents after it are not read.
    ///
    /// # Panics
    ///
    /// Panics when [`Deduper::try_dedup_stream`] would return a
    /// [`CorpusMismatch`] (the corpus was fed by a deduper whose
    /// fingerprints differ), before any document is read.
    ///
    /// # Examples
    ///
    /// ```
    /// use textdedup::{Corpus, Deduper};
    ///
    /// let docs = (0..1000).map(|i| format!("shared footer of every page\npage {i}\n").into_bytes());
    /// let mut removed = 0;
    /// Deduper::default().dedup_stream(&mut Corpus::new(), docs, 4096, |report| {
    ///     removed += report.removals().len();
    ///     Ok::<(), std::io::Error>(())
    /// })?;
    /// assert_eq!(removed, 999);
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
        if let Err(e) = corpus.bind(&self.config) {
            panic!("Deduper::dedup_stream: {e}");
        }
        self.stream_in(corpus, docs, batch_bytes, sink)
    }

    /// [`Deduper::dedup_stream`], with an error instead of a panic when the
    /// corpus was fed by a deduper whose fingerprints differ.
    ///
    /// # Errors
    ///
    /// A [`CorpusMismatch`] (converted into `E`), as for
    /// [`Deduper::try_dedup_in`], before any document is read; otherwise
    /// the first error `sink` returns, after which no document is read.
    ///
    /// # Examples
    ///
    /// ```
    /// use textdedup::{Config, Corpus, CorpusMismatch, Deduper, Split};
    ///
    /// let mut corpus = Corpus::new();
    /// let docs = ["a shared line of boilerplate\nfirst\n", "a shared line of boilerplate\n"];
    /// let mut removed = 0;
    /// Deduper::default().try_dedup_stream(&mut corpus, docs, 1 << 20, |report| {
    ///     removed += report.removals().len();
    ///     Ok::<(), Box<dyn std::error::Error>>(())
    /// })?;
    /// assert_eq!(removed, 1);
    /// let blocks = Deduper::new(Config::new().split(Split::BlankLines))?;
    /// let err = blocks
    ///     .try_dedup_stream(&mut corpus, docs, 1 << 20, |_| Ok::<(), Box<dyn std::error::Error>>(()))
    ///     .unwrap_err();
    /// assert_eq!(err.downcast_ref::<CorpusMismatch>().map(|e| e.field()), Some("split"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn try_dedup_stream<T, I, F, E>(
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
        E: From<CorpusMismatch>,
    {
        corpus.bind(&self.config)?;
        self.stream_in(corpus, docs, batch_bytes, sink)
    }

    /// [`Deduper::dedup_stream`] on a corpus already bound to this deduper.
    fn stream_in<T, I, F, E>(
        &self,
        corpus: &mut Corpus,
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
            let reports = self.pool.install(|| self.batch_in(corpus, batch));
            reports.into_iter().try_for_each(&mut sink)
        })
    }

    /// One document against `seen`: the fused loop, or the phased one for a
    /// large document (faster even on one thread, see `batch`).
    fn dedup_one<'t>(&self, seen: &mut SeenSet, doc: DocId, text: &'t [u8]) -> DocReport<'t> {
        if batch::worth_splitting(text.len()) {
            let mut reports = self
                .pool
                .install(|| batch::dedup_batch(&self.config, seen, doc.index(), &[text]));
            if let Some(report) = reports.pop() {
                return report;
            }
        }
        document::dedup_paragraphs(&self.config, seen, doc, text)
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

/// Removes repeated lines from `text` with the default configuration,
/// keeping the first copy of each.
///
/// A one-shot convenience for [`Deduper::dedup_str`]: exact lines, at least
/// 16 bytes long, blank lines always kept.
///
/// # Examples
///
/// ```
/// let text = "the quick brown fox\njumps\nthe quick brown fox\n\n";
/// assert_eq!(textdedup::dedup_str(text), "the quick brown fox\njumps\n\n");
/// ```
pub fn dedup_str(text: &str) -> String {
    let report = Deduper::default().dedup_str(text);
    let mut out = String::with_capacity(report.kept_len());
    for span in report.kept_spans() {
        // Removals start and end after a `\n` or at the ends of the text, so
        // every kept span is on character boundaries.
        out.push_str(&text[span]);
    }
    out
}
