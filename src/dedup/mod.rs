//! The deduplication engine: [`Deduper`] (immutable, shareable) and
//! [`Corpus`] (the mutable cross-document state).

mod corpus;
mod paragraph;
pub(crate) mod table;

pub use corpus::Corpus;

use crate::config::{Config, ConfigError, Scope};
use crate::report::{DocId, DocReport};

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
        Ok(Deduper { config })
    }

    /// The configuration this engine was built with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Deduplicates one document on its own: a paragraph is removed when
    /// the same (normalized) paragraph appears earlier in `text`.
    ///
    /// The report borrows `text`; its document id is 0.
    ///
    /// # Complexity
    ///
    /// Linear time in `text.len()`. Memory: 32 bytes per distinct paragraph
    /// plus hash table overhead (see [`Corpus`]), plus 32 bytes per removal.
    pub fn dedup<'t>(&self, text: &'t [u8]) -> DocReport<'t> {
        let mut corpus = Corpus::new();
        paragraph::dedup_paragraphs(&self.config, &mut corpus.seen, DocId::new(0), text)
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
    /// # Complexity
    ///
    /// Linear time in `text.len()`; the corpus grows by one entry per new
    /// distinct paragraph (see [`Corpus`] for the bytes).
    pub fn dedup_in<'t>(&self, corpus: &mut Corpus, text: &'t [u8]) -> DocReport<'t> {
        if self.config.get_scope() == Scope::Document {
            corpus.seen.clear();
        }
        let doc = DocId::new(corpus.documents);
        corpus.documents += 1;
        paragraph::dedup_paragraphs(&self.config, &mut corpus.seen, doc, text)
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
