//! Passage mode's settings, validated once when a [`Deduper`] is built.

use crate::config::{ConfigError, Scope};
use crate::passage::{Deduper, Snap};

/// The default shortest repeat, in bytes: 100. See
/// [`Config::min_len`] for the reasoning.
pub const DEFAULT_MIN_PASSAGE_LEN: usize = 100;

/// The smallest accepted `min_len`, in bytes: 16.
pub const MIN_PASSAGE_LEN: usize = 16;

/// Settings for a [`Deduper`], built by value.
///
/// # Examples
///
/// ```
/// use textdedup::passage::{Config, Deduper, Snap};
/// use textdedup::Scope;
///
/// let config = Config::new().min_len(64).snap(Snap::Line).scope(Scope::Document);
/// let finder = Deduper::new(config)?;
/// assert_eq!(finder.config().get_min_len(), 64);
/// assert!(Deduper::new(Config::new().min_len(8)).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Config {
    /// The shortest repeat that is found.
    min_len: usize,
    /// Where removals may start and end.
    snap: Snap,
    /// Whether earlier documents count.
    scope: Scope,
    /// The seed of the anchor hash.
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
    /// The default configuration: `min_len` [`DEFAULT_MIN_PASSAGE_LEN`]
    /// (100), [`Snap::Word`], [`Scope::Corpus`].
    pub const fn new() -> Config {
        Config {
            min_len: DEFAULT_MIN_PASSAGE_LEN,
            snap: Snap::Word,
            scope: Scope::Corpus,
            seed: 0,
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

    /// The configured thread count (0: the current rayon pool).
    pub const fn get_threads(&self) -> usize {
        self.threads
    }

    /// Sets the shortest repeat, in bytes, that counts.
    ///
    /// The default value is [`DEFAULT_MIN_PASSAGE_LEN`] (100 bytes). About
    /// 15 to 20 English words, or a long sentence: strings shorter than
    /// that recur in unrelated documents by coincidence (idioms, dates and
    /// bylines, `Click here to subscribe to our newsletter`, code idioms),
    /// while a 100-byte run copied verbatim is almost always a real copy
    /// (boilerplate, a quoted paragraph, a pasted sentence). It is also
    /// half the size ExactSubstr removes at its 50-token default (about
    /// 200 bytes of English), so it catches shorter boilerplate, and it
    /// keeps anchors sparse (1 in 35 positions), which is where the speed
    /// comes from. Values from [`MIN_PASSAGE_LEN`] (16) up are accepted;
    /// smaller values are rejected when the finder is built: a shorter
    /// window holds too few k-grams long enough to anchor on (11 bytes at
    /// `min_len` 16; shorter ones recur too often in unrelated text), so
    /// most positions would be anchors.
    pub const fn min_len(mut self, min_len: usize) -> Config {
        self.min_len = min_len;
        self
    }

    /// Sets where removals may start and end.
    ///
    /// The default value is [`Snap::Word`].
    pub const fn snap(mut self, snap: Snap) -> Config {
        self.snap = snap;
        self
    }

    /// Sets whether copies in earlier documents count.
    ///
    /// The default value is [`Scope::Corpus`]. It matters only for
    /// [`Deduper::dedup_in`]; [`Deduper::dedup`] always works
    /// within its one document.
    pub const fn scope(mut self, scope: Scope) -> Config {
        self.scope = scope;
        self
    }

    /// Sets the seed of the rolling hash that picks anchors.
    ///
    /// The default value is 0, a fixed table: the same input always gives
    /// the same anchors on every machine. Reports do not depend on the seed
    /// while [`Corpus::refused_anchors`](crate::passage::Corpus::refused_anchors) is 0 (every repeat of
    /// `min_len` bytes is found whatever the anchors), and never contain a
    /// false match (every byte is compared). What the seed protects is
    /// time and completeness: with the fixed table, someone who controls
    /// the input can craft many different windows with one hash, which
    /// fills that hash's 32 entries (refused anchors, so repeats may be
    /// missed) and sends every lookup to byte comparisons that fail. Use a
    /// secret seed, such as [`random_seed`](crate::fingerprint::random_seed),
    /// on text that an adversary may have written; a corpus fed with one
    /// seed is re-indexed if a finder with another seed continues it.
    pub const fn seed(mut self, seed: u64) -> Config {
        self.seed = seed;
        self
    }

    /// The configured seed.
    pub const fn get_seed(&self) -> u64 {
        self.seed
    }

    /// The configured shortest repeat.
    pub const fn get_min_len(&self) -> usize {
        self.min_len
    }

    /// The configured snapping.
    pub const fn get_snap(&self) -> Snap {
        self.snap
    }

    /// The configured scope.
    pub const fn get_scope(&self) -> Scope {
        self.scope
    }

    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        if self.min_len < MIN_PASSAGE_LEN {
            return Err(ConfigError::new(
                "min_len",
                self.min_len,
                "must be at least 16 bytes",
            ));
        }
        Ok(())
    }
}
