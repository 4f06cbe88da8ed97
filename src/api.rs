//! [`Dedup`]: the one shape of the three modes, for code written once for
//! all of them.

use core::fmt;

use crate::report::DocReport;

/// What every mode's `Deduper` does: [`paragraph::Deduper`],
/// [`passage::Deduper`] and [`chunk::Deduper`] implement it, each with its
/// own [`Dedup::Corpus`].
///
/// The methods have the same names and meanings as the `Deduper`s' own
/// (which call for no import), so code generic over the mode (a command
/// line, bindings, a distributed job) is written once:
///
/// - [`Dedup::dedup`]: one document on its own; its id is 0;
/// - [`Dedup::dedup_in`]: the next document of a corpus;
/// - [`Dedup::dedup_batch`]: the next documents of a corpus, on every
///   thread, with the reports of `dedup_in` one by one;
/// - [`Dedup::dedup_stream`]: a stream of owned documents in bounded
///   batches;
/// - [`Dedup::dedup_strings`]: strings in, kept strings out.
///
/// Every mode honours [`Scope`](crate::Scope): under `Scope::Document` a
/// corpus forgets what it saw before each document (the documents are
/// still numbered in order).
///
/// [`paragraph::Deduper`]: crate::paragraph::Deduper
/// [`passage::Deduper`]: crate::passage::Deduper
/// [`chunk::Deduper`]: crate::chunk::Deduper
///
/// # Examples
///
/// One function for the three modes:
///
/// ```
/// use textdedup::{chunk, paragraph, passage, Dedup};
///
/// fn removed_bytes<D: Dedup>(deduper: &D, docs: &[&str]) -> u64 {
///     let mut corpus = D::Corpus::default();
///     let reports = deduper.dedup_batch(&mut corpus, docs);
///     reports.iter().map(|r| r.stats().bytes_removed).sum()
/// }
///
/// let page: String = (0..8).map(|i| format!("Sentence {i} of a notice that every page repeats. ")).collect();
/// let docs = [page.as_str(), page.as_str()];
/// assert_eq!(removed_bytes(&paragraph::Deduper::default(), &docs), page.len() as u64);
/// assert_eq!(removed_bytes(&passage::Deduper::default(), &docs), page.len() as u64);
/// assert!(removed_bytes(&chunk::Config::new().avg(64).build()?, &docs) > 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait Dedup: Send + Sync {
    /// The state carried from one document of a corpus to the next.
    type Corpus: Default + fmt::Debug + Send;

    /// Deduplicates one document on its own (its report's document id is 0).
    fn dedup<'t>(&self, text: &'t [u8]) -> DocReport<'t>;

    /// Deduplicates the next document of `corpus`; the document gets the
    /// next id, from 0.
    ///
    /// # Panics
    ///
    /// When the corpus was fed by a deduper that cannot continue it (in
    /// paragraph mode: other fingerprints, see
    /// [`paragraph::Corpus`](crate::paragraph::Corpus)).
    fn dedup_in<'t>(&self, corpus: &mut Self::Corpus, text: &'t [u8]) -> DocReport<'t>;

    /// Deduplicates `docs` as the next documents of `corpus`, in parallel:
    /// the reports are those of [`Dedup::dedup_in`] on each document in
    /// order, for any number of threads.
    ///
    /// # Panics
    ///
    /// As [`Dedup::dedup_in`].
    fn dedup_batch<'t, T: AsRef<[u8]> + Sync>(
        &self,
        corpus: &mut Self::Corpus,
        docs: &'t [T],
    ) -> Vec<DocReport<'t>>;

    /// Deduplicates a stream of owned documents in batches of at least
    /// `batch_bytes` bytes (one document at least), handing each report to
    /// `sink` in corpus order: the answer of [`Dedup::dedup_in`] on each
    /// document in order, for every `batch_bytes`.
    ///
    /// # Errors
    ///
    /// The first error `sink` returns; documents after it are not read.
    ///
    /// # Panics
    ///
    /// As [`Dedup::dedup_in`].
    fn dedup_stream<T, I, F, E>(
        &self,
        corpus: &mut Self::Corpus,
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
            self.dedup_batch(corpus, batch)
                .into_iter()
                .try_for_each(&mut sink)
        })
    }

    /// Deduplicates strings as a corpus in their order and returns what is
    /// kept of each, as strings.
    ///
    /// No UTF-8 error to handle: removals never split a character of valid
    /// UTF-8 input (in chunk mode, removed chunks are shrunk to character
    /// boundaries), except in passage mode with
    /// [`Snap::Byte`](crate::passage::Snap::Byte) (see
    /// [`DocReport::kept_string`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use textdedup::{paragraph, Dedup};
    ///
    /// let docs = vec![
    ///     "Héllo wörld, this line repeats.\nOne.\n".to_string(),
    ///     "Two.\nHéllo wörld, this line repeats.\n".to_string(),
    /// ];
    /// let kept = paragraph::Deduper::default().dedup_strings(&docs);
    /// assert_eq!(kept, ["Héllo wörld, this line repeats.\nOne.\n", "Two.\n"]);
    /// ```
    fn dedup_strings<S: AsRef<str> + Sync>(&self, docs: &[S]) -> Vec<String> {
        let texts: Vec<&[u8]> = docs.iter().map(|d| d.as_ref().as_bytes()).collect();
        let mut corpus = Self::Corpus::default();
        self.dedup_batch(&mut corpus, &texts)
            .iter()
            .map(DocReport::kept_string)
            .collect()
    }
}
