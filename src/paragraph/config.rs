//! Paragraph mode's settings, validated once when a [`Deduper`] is built.

use crate::config::{ConfigError, Scope};
use crate::fingerprint::Normalize;
use crate::paragraph::Deduper;
use crate::split::Split;

/// The default minimum normalized paragraph length, in bytes. See
/// [`Config::min_len`] for the reasoning.
pub const DEFAULT_MIN_PARAGRAPH_LEN: usize = 16;

/// Settings for a [`Deduper`], built by value.
///
/// # Examples
///
/// ```
/// use textdedup::{Config, Deduper, Normalize, Scope, Split};
///
/// let config = Config::new()
///     .split(Split::BlankLines)
///     .normalize(Normalize::Whitespace)
///     .scope(Scope::Document)
///     .min_len(32);
/// let deduper = Deduper::new(config)?;
/// assert_eq!(deduper.config().get_min_len(), 32);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Config {
    /// How documents are cut into paragraphs.
    split: Split,
    /// What is fingerprinted: the bytes, or a normalized form.
    normalize: Normalize,
    /// Whether earlier documents count.
    scope: Scope,
    /// Paragraphs whose normalized content is shorter are never duplicates.
    min_len: usize,
    /// Seed of the fingerprints: 0 for plain (public) xxh3-128.
    seed: u64,
    /// Threads of the deduper's own pool; 0 for the current rayon pool.
    threads: usize,
}

impl Default for Config {
    fn default() -> Config {
        Config::new()
    }
}

impl Config {
    /// The default configuration: [`Split::Lines`], [`Normalize::Exact`],
    /// [`Scope::Corpus`], and a minimum length of
    /// [`DEFAULT_MIN_PARAGRAPH_LEN`] bytes.
    pub const fn new() -> Config {
        Config {
            split: Split::Lines,
            normalize: Normalize::Exact,
            scope: Scope::Corpus,
            min_len: DEFAULT_MIN_PARAGRAPH_LEN,
            seed: 0,
            threads: 0,
        }
    }

    /// Builds the [`Deduper`] for this
    /// configuration: `Deduper::new(self)`.
    ///
    /// # Errors
    ///
    /// As [`Deduper::new`](Deduper::new).
    pub fn build(self) -> Result<Deduper, ConfigError> {
        Deduper::new(self)
    }

    /// Sets how many threads the deduper's batches (and large documents)
    /// run on.
    ///
    /// The default value is 0: the current rayon pool, which is every core
    /// unless the call runs inside a `rayon::ThreadPool::install`. Any
    /// other value gives the deduper a pool of its own with that many
    /// threads, built once with the deduper and shared by its clones, so
    /// the thread count can be chosen without depending on rayon. The
    /// answer is the same for every value. Without the `parallel` feature
    /// everything runs on the calling thread, whatever this value.
    pub const fn threads(mut self, threads: usize) -> Config {
        self.threads = threads;
        self
    }

    /// The configured thread count (0: the current rayon pool).
    pub const fn get_threads(&self) -> usize {
        self.threads
    }

    /// Sets how documents are cut into paragraphs.
    ///
    /// The default value is [`Split::Lines`].
    pub const fn split(mut self, split: Split) -> Config {
        self.split = split;
        self
    }

    /// Sets the normalization applied before fingerprinting.
    ///
    /// The default value is [`Normalize::Exact`].
    pub const fn normalize(mut self, normalize: Normalize) -> Config {
        self.normalize = normalize;
        self
    }

    /// Sets whether copies in earlier documents count.
    ///
    /// The default value is [`Scope::Corpus`]. It matters only when
    /// documents are fed through a [`Corpus`](crate::paragraph::Corpus); the one-document
    /// entry points always work within the document.
    pub const fn scope(mut self, scope: Scope) -> Config {
        self.scope = scope;
        self
    }

    /// Sets the minimum length, in bytes of normalized content, of a paragraph
    /// that can count as a copy.
    ///
    /// The default value is [`DEFAULT_MIN_PARAGRAPH_LEN`] (16). Short lines
    /// such as `}`, `Thanks,`, `Yes.` or a list marker recur in unrelated
    /// documents by coincidence, not because text was copied; removing them
    /// breaks the text they sit in and saves almost nothing. Sixteen bytes is
    /// about three English words, short enough to catch boilerplate such as
    /// `All rights reserved.` Use 1 to treat every non-blank paragraph as a
    /// candidate. Paragraphs whose normalized content is empty are never
    /// duplicates, whatever this value.
    pub const fn min_len(mut self, min_len: usize) -> Config {
        self.min_len = min_len;
        self
    }

    /// Sets the seed of the paragraph fingerprints.
    ///
    /// The default value is 0: plain xxh3-128, the same on every machine
    /// and in every release (golden vectors pin it), so fingerprints can be
    /// stored and compared later. Anyone can compute them too, so text
    /// crafted to collide could make two different paragraphs look equal, or
    /// slow the seen-set down. When the input may be adversarial, use a
    /// secret seed, such as [`random_seed`](crate::fingerprint::random_seed).
    pub const fn seed(mut self, seed: u64) -> Config {
        self.seed = seed;
        self
    }

    /// The configured seed.
    pub const fn get_seed(&self) -> u64 {
        self.seed
    }

    /// The configured split.
    pub const fn get_split(&self) -> Split {
        self.split
    }

    /// The configured normalization.
    pub const fn get_normalize(&self) -> Normalize {
        self.normalize
    }

    /// The configured scope.
    pub const fn get_scope(&self) -> Scope {
        self.scope
    }

    /// The configured minimum length.
    pub const fn get_min_len(&self) -> usize {
        self.min_len
    }

    /// Checks the configuration.
    pub(crate) fn validate(&self) -> Result<(), ConfigError> {
        // Every paragraph-mode value is meaningful today; the check stays so
        // that new fields get one place to be validated.
        Ok(())
    }
}
