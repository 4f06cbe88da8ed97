//! Passage mode's engine and its entry points.

use crate::config::{ConfigError, Scope};
use crate::passage::anchor::{Anchor, Params};
use crate::passage::removals::removals;
use crate::passage::scan::{self, Scratch};
use crate::passage::stored::Earlier;
use crate::passage::table::AnchorTable;
use crate::passage::{Config, Corpus, DEFAULT_MIN_PASSAGE_LEN};
use crate::report::{DocId, DocReport, Stats};

/// A configured passage-mode deduper: immutable, `Send + Sync`, cheap to
/// clone (its 2 KiB Gear table is copied, its thread pool shared).
///
/// Cross-document state lives in a [`Corpus`] passed by `&mut`.
///
/// # Examples
///
/// ```
/// use textdedup::passage::{Config, Deduper, Snap};
///
/// let finder = Deduper::new(Config::new().min_len(20).snap(Snap::Byte))?;
/// let text = b"xx: the same twenty bytes! and the same twenty bytes!";
/// let report = finder.dedup(text);
/// let r = report.removals()[0];
/// assert_eq!(r.span().range(), 30..53);
/// assert_eq!(r.first().start(), 3);
/// assert_eq!(&text[r.span()], &text[3..3 + r.span().len()]);
/// assert_eq!(&*report.kept_bytes(), b"xx: the same twenty bytes! and");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Deduper {
    /// The validated configuration.
    pub(super) config: Config,
    /// Anchor parameters derived from `min_len` and the seed.
    pub(super) params: Params,
    /// Where the parallel loops run ([`Config::threads`]).
    pub(super) pool: crate::par::Pool,
}

impl Deduper {
    /// Builds a finder from a configuration.
    ///
    /// # Errors
    ///
    /// A [`ConfigError`] naming `min_len` when it is below
    /// [`MIN_PASSAGE_LEN`](crate::passage::MIN_PASSAGE_LEN).
    pub fn new(config: Config) -> Result<Deduper, ConfigError> {
        config.validate()?;
        Ok(Deduper {
            config,
            params: Params::new(config.get_min_len(), config.get_seed()),
            pool: crate::par::Pool::new(config.get_threads())?,
        })
    }

    /// The configuration this finder was built with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Finds the repeats within one document on its own. The report's
    /// document id is 0.
    ///
    /// # Complexity
    ///
    /// Linear time in `text.len()` (see [`design`](crate::passage::design)); memory:
    /// the anchor table (at most about 1.1 bytes per input byte at the
    /// default `min_len`) and a few KiB of buffers. The text is not copied.
    ///
    /// A large document uses every thread of the current rayon pool, with
    /// the same answer (with the `parallel` feature and more than one
    /// thread): it is matched region by region while the other threads
    /// compute the anchors of the next region. A region is `(w + 1) *
    /// 65,536` windows, at most 4 Mi (`w`, the winnowing window, is
    /// `min_len` less 10 to 31), so documents of two regions or more take
    /// this path: from
    /// 8 MiB at the default `min_len`, 896 KiB at `min_len` 16. Two
    /// regions of anchor events are held at a time (the one matched and
    /// the next), at most about 3 MiB each for ordinary text; periodic
    /// text, with more events, is winnowed as it is matched instead.
    ///
    /// # Examples
    ///
    /// ```
    /// use textdedup::passage::Deduper;
    ///
    /// let finder = Deduper::default();
    /// let para = "A paragraph long enough to count as a passage: well over one hundred bytes, so the default finds it.\n";
    /// assert!(para.len() > 100);
    /// let text = format!("{para}Between.\n{para}");
    /// let report = finder.dedup(text.as_bytes());
    /// assert_eq!(report.kept_str()?, format!("{para}Between.\n"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn dedup<'t>(&self, text: &'t [u8]) -> DocReport<'t> {
        self.pool.install(|| {
            let mut table = AnchorTable::default();
            let mut scratch = Scratch::default();
            self.find_with(
                &mut table,
                &mut scratch,
                Earlier::NONE,
                DocId::new(0),
                text,
                None,
            )
        })
    }

    /// Finds the repeats in the next document of a corpus: copies in
    /// earlier documents count under [`Scope::Corpus`].
    ///
    /// The document gets the id [`Corpus::documents`] had before the
    /// call. Under [`Scope::Corpus`] the corpus then stores the document's
    /// bytes and anchors; under [`Scope::Document`] it forgets everything
    /// before each document and stores nothing.
    ///
    /// A corpus is tied to a `min_len`: if it was fed by a finder with a
    /// different one, its anchors are rebuilt from the stored text first
    /// (time linear in the stored text, once).
    ///
    /// # Complexity
    ///
    /// Linear time in `text.len()`; the corpus grows by `text.len()` bytes
    /// of text plus the new anchors (see [`Corpus`]). A large
    /// document uses every thread, as in [`Deduper::dedup`].
    pub fn dedup_in<'t>(&self, corpus: &mut Corpus, text: &'t [u8]) -> DocReport<'t> {
        self.pool.install(|| self.one_in(corpus, text))
    }

    /// [`Deduper::dedup_in`] on the current pool.
    fn one_in<'t>(&self, corpus: &mut Corpus, text: &'t [u8]) -> DocReport<'t> {
        if self.config.get_scope() == Scope::Document {
            let doc = DocId::new(corpus.documents);
            corpus.documents += 1;
            corpus.forget();
            let report = self.find_with(
                &mut corpus.table,
                &mut corpus.scratch,
                Earlier::NONE,
                doc,
                text,
                None,
            );
            // The table now describes text that is not stored: a later
            // corpus-scope document rebuilds it (from no text).
            corpus.params = None;
            return report;
        }
        if corpus.params != Some(self.params) {
            corpus.reindex(self.params);
        }
        self.find_next(corpus, None, text, None)
    }

    /// Finds the repeats in a batch of documents, the next ones of a
    /// corpus: exactly the reports of [`Deduper::dedup_in`] on each
    /// document in order.
    ///
    /// Under [`Scope::Document`] the documents are independent and run on
    /// every thread of the current rayon pool. Under [`Scope::Corpus`] each
    /// document is matched against all the text before it, including the
    /// batch's earlier documents, so the matching (table lookups, byte
    /// comparisons, storing anchors) runs in corpus order. What does not
    /// depend on earlier documents runs ahead on the other threads: the
    /// documents are taken in rounds (a 32nd of the batch, at least 64 KiB,
    /// at most 16 MiB at the default `min_len`, 3.5 MiB at `min_len` 16), and
    /// while one round is matched, the other threads compute the winnowing
    /// of the next (a rolling hash and a sliding minimum over every byte,
    /// and each anchor's context bytes: a large part of the single-thread
    /// time, see BENCHMARKS.md); then one of them copies documents into the corpus's stored
    /// text until the round's matching ends (the rest is copied at the end,
    /// on every thread). The matching thread reads those anchor events instead of
    /// computing them, and the batch's documents where they are; the
    /// reports are the same. The anchor table is sized for the batch
    /// up front (from the anchors stored per byte so far), so that it
    /// usually does not grow on the matching thread.
    ///
    /// # Complexity
    ///
    /// Linear time in the batch's bytes, as [`Deduper::dedup_in`].
    /// Under [`Scope::Corpus`], two rounds of anchor events are held at a
    /// time: 24 bytes per event, about 0.7 bytes per input byte at the
    /// default `min_len` (11 MiB per round), at most 37 MiB per round. A
    /// document larger than a round's cap, or with more events than twice
    /// the usual count (periodic text), is winnowed as it is matched.
    ///
    /// # Examples
    ///
    /// ```
    /// use textdedup::passage::{Config, Corpus, Deduper};
    ///
    /// let finder = Deduper::new(Config::new().min_len(20))?;
    /// let docs = ["a sentence shared by both documents.", "x: a sentence shared by both documents."];
    /// let batch = finder.dedup_batch(&mut Corpus::new(), &docs);
    /// let mut corpus = Corpus::new();
    /// let one_by_one: Vec<_> = docs.iter().map(|d| finder.dedup_in(&mut corpus, d.as_bytes())).collect();
    /// assert_eq!(batch, one_by_one); // compare to sequential
    /// assert_eq!(batch[1].kept_str()?, "x: ");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn dedup_batch<'t, T: AsRef<[u8]> + Sync>(
        &self,
        corpus: &mut Corpus,
        docs: &'t [T],
    ) -> Vec<DocReport<'t>> {
        self.pool.install(|| self.batch_in(corpus, docs))
    }

    /// [`Deduper::dedup_batch`] on the current pool.
    fn batch_in<'t, T: AsRef<[u8]> + Sync>(
        &self,
        corpus: &mut Corpus,
        docs: &'t [T],
    ) -> Vec<DocReport<'t>> {
        if self.config.get_scope() == Scope::Document {
            let first = corpus.documents;
            // Leave the corpus as the one-by-one loop would.
            corpus.documents += docs.len() as u64;
            if !docs.is_empty() {
                corpus.forget();
                corpus.params = None;
            }
            let numbered: Vec<(u64, &'t [u8])> =
                (first..).zip(docs.iter().map(AsRef::as_ref)).collect();
            return crate::par::map(&numbered, |&(doc, text)| {
                let mut table = AnchorTable::default();
                let mut scratch = Scratch::default();
                self.find_with(
                    &mut table,
                    &mut scratch,
                    Earlier::NONE,
                    DocId::new(doc),
                    text,
                    None,
                )
            });
        }
        let texts: Vec<&'t [u8]> = docs.iter().map(AsRef::as_ref).collect();
        if corpus.params != Some(self.params) {
            corpus.reindex(self.params);
        }
        self.find_corpus_batch(corpus, &texts, None, true)
    }

    /// Finds the repeats of a stream of owned documents in bounded
    /// batches, handing each report to `sink` in corpus order.
    ///
    /// Documents are gathered until they hold at least `batch_bytes` bytes
    /// (or the stream ends), searched with [`Deduper::dedup_batch`],
    /// given to `sink` one by one, and dropped. The answer is that of
    /// [`Deduper::dedup_in`] on each document in order, for every
    /// `batch_bytes` and every thread count.
    ///
    /// # Memory
    ///
    /// At most `batch_bytes` plus one document of the caller's text at a
    /// time and the batch's working memory ([`Deduper::dedup_batch`]).
    /// Under [`Scope::Corpus`] the corpus keeps a copy of every document and
    /// its anchors (more bytes per byte the smaller `min_len`: see the README's
    /// table and [`Corpus::heap_bytes`]),
    /// so the stream must fit in memory once; under [`Scope::Document`]
    /// nothing is kept from one batch to the next.
    ///
    /// # Errors
    ///
    /// The first error `sink` returns; documents after it are not read.
    ///
    /// # Examples
    ///
    /// ```
    /// use textdedup::passage::{Config, Corpus, Deduper};
    ///
    /// let finder = Deduper::new(Config::new().min_len(30))?;
    /// let docs: Vec<String> =
    ///     (0..100).map(|i| format!("Page {i}. Reproduced with the permission of the owner.")).collect();
    /// let mut streamed = Vec::new();
    /// finder.dedup_stream(&mut Corpus::new(), &docs, 1000, |report| {
    ///     streamed.push(report.removals().to_vec());
    ///     Ok::<(), std::io::Error>(())
    /// })?;
    /// let mut corpus = Corpus::new();
    /// let one_by_one: Vec<_> = docs.iter().map(|d| finder.dedup_in(&mut corpus, d.as_bytes()).removals().to_vec()).collect();
    /// assert_eq!(streamed, one_by_one);
    /// // Every later page loses the notice from its first word on.
    /// let notice = "Reproduced with the permission of the owner.";
    /// assert!(streamed[1..].iter().all(|r| r.len() == 1 && r[0].span().len() == notice.len()));
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

    /// [`Deduper::dedup_in`] under [`Scope::Corpus`], for a corpus
    /// already indexed for these parameters, with the document's anchor
    /// events when they were computed ahead.
    ///
    /// In a batch, `unstored` holds the bytes of the batch's documents
    /// before this one (noted in the corpus, not yet stored), and the
    /// document is only noted too; otherwise (`None`) it is stored.
    pub(super) fn find_next<'t>(
        &self,
        corpus: &mut Corpus,
        unstored: Option<&[&[u8]]>,
        text: &'t [u8],
        anchors: Option<&[Anchor]>,
    ) -> DocReport<'t> {
        let doc = DocId::new(corpus.documents);
        corpus.documents += 1;
        let report = self.find_with(
            &mut corpus.table,
            &mut corpus.scratch,
            corpus.text.earlier(unstored.unwrap_or_default()),
            doc,
            text,
            anchors,
        );
        match unstored {
            None => corpus.text.push(doc.index(), text),
            Some(_) => corpus.text.note_unstored(doc.index(), text.len()),
        }
        report
    }

    /// Scans `text` against `earlier` and reports it (see [`scan::scan`]
    /// for `anchors`).
    pub(super) fn find_with<'t>(
        &self,
        table: &mut AnchorTable,
        scratch: &mut Scratch,
        earlier: Earlier<'_>,
        doc: DocId,
        text: &'t [u8],
        anchors: Option<&[Anchor]>,
    ) -> DocReport<'t> {
        let mut pieces = Vec::new();
        scan::scan(
            &self.params,
            table,
            earlier,
            text,
            scratch,
            &mut pieces,
            anchors,
        );
        let removals = removals(self.config.get_snap(), earlier, doc, text, &pieces);
        let stats = Stats {
            documents: 1,
            bytes_in: text.len() as u64,
            bytes_removed: removals.iter().map(|r| r.span().len() as u64).sum(),
            ..Stats::default()
        };
        DocReport::new(text, doc, removals, stats)
    }
}

impl Default for Deduper {
    fn default() -> Deduper {
        Deduper {
            config: Config::new(),
            params: Params::new(DEFAULT_MIN_PASSAGE_LEN, 0),
            pool: crate::par::Pool::default(),
        }
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

/// The old name of [`Config`].
#[deprecated(since = "0.2.0", note = "renamed `textdedup::passage::Config`")]
pub type PassageConfig = Config;

/// The old name of [`Deduper`].
#[deprecated(since = "0.2.0", note = "renamed `textdedup::passage::Deduper`")]
pub type PassageFinder = Deduper;

/// The old name of [`Corpus`].
#[deprecated(since = "0.2.0", note = "renamed `textdedup::passage::Corpus`")]
pub type PassageCorpus = Corpus;

/// The old method names, kept for one release.
impl Deduper {
    /// The old name of [`Deduper::dedup`].
    #[deprecated(since = "0.2.0", note = "renamed `dedup`, as in every mode")]
    pub fn find<'t>(&self, text: &'t [u8]) -> DocReport<'t> {
        self.dedup(text)
    }

    /// The old name of [`Deduper::dedup_in`].
    #[deprecated(since = "0.2.0", note = "renamed `dedup_in`, as in every mode")]
    pub fn find_in<'t>(&self, corpus: &mut Corpus, text: &'t [u8]) -> DocReport<'t> {
        self.dedup_in(corpus, text)
    }

    /// The old name of [`Deduper::dedup_batch`].
    #[deprecated(since = "0.2.0", note = "renamed `dedup_batch`, as in every mode")]
    pub fn find_batch<'t, T: AsRef<[u8]> + Sync>(
        &self,
        corpus: &mut Corpus,
        docs: &'t [T],
    ) -> Vec<DocReport<'t>> {
        self.dedup_batch(corpus, docs)
    }

    /// The old name of [`Deduper::dedup_stream`].
    ///
    /// # Errors
    ///
    /// As [`Deduper::dedup_stream`].
    #[deprecated(since = "0.2.0", note = "renamed `dedup_stream`, as in every mode")]
    pub fn find_stream<T, I, F, E>(
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
        self.dedup_stream(corpus, docs, batch_bytes, sink)
    }
}
