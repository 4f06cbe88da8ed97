//! Cross-document state for corpus scope.

use core::fmt;

use crate::fingerprint::Normalize;
use crate::paragraph::Config;
use crate::split::Split;
use crate::table::SeenSet;

/// The mutable state of a corpus: the first occurrence of every distinct
/// paragraph seen so far, and the number of documents fed.
///
/// Documents are fed in corpus order with
/// [`Deduper::dedup_in`](crate::Deduper::dedup_in); each gets the next
/// [`DocId`](crate::DocId), starting from 0. A `Corpus` holds no text: only
/// fingerprints and positions, so documents can be dropped once their report
/// is used.
///
/// # One configuration
///
/// Fingerprints made under one configuration never match those of another,
/// so a corpus remembers the settings that shape them ([`Config::split`],
/// [`Config::normalize`] and [`Config::seed`]) when a deduper first feeds
/// it, and refuses a deduper with other ones:
/// [`Deduper::try_dedup_in`](crate::Deduper::try_dedup_in) and its twins
/// return a [`CorpusMismatch`], the other entry points panic. The minimum
/// length and the scope may change between calls: they choose which
/// paragraphs are looked up, not their fingerprints. [`Corpus::clear`]
/// forgets the configuration too.
///
/// # Memory
///
/// One table entry of 32 bytes per distinct paragraph (16-byte fingerprint;
/// the document index, the offset and the length of its first copy packed
/// into 16 bytes), plus the hash table's overhead: one control byte per
/// slot, at most 7/8 of the slots full, and the slot count doubling as it
/// grows. That is 38 to 76 bytes per distinct paragraph, the low end after
/// [`Corpus::reserve`] with the right count. Duplicates cost nothing. A
/// first copy of 16 MiB or more (or starting 1 TiB or more into its
/// document) does not pack and takes 49 to 98 bytes more in a side table.
/// The table is cut into 64 shards by fingerprint so that batches can
/// resolve first occurrences on every core.
///
/// # Examples
///
/// ```
/// use textdedup::{Corpus, Deduper, DocId};
///
/// let deduper = Deduper::default();
/// let mut corpus = Corpus::with_capacity(1_000);
/// let a = deduper.dedup_in(&mut corpus, b"shared boilerplate line\nfirst\n");
/// let b = deduper.dedup_in(&mut corpus, b"second\nshared boilerplate line\n");
/// assert!(a.removals().is_empty());
/// let r = b.removals()[0];
/// assert_eq!(r.span().range(), 7..31);
/// assert_eq!((r.first().doc(), r.first().start(), r.first().end()), (DocId::new(0), 0, 24));
/// assert_eq!(corpus.documents(), 2);
/// ```
#[derive(Clone, Debug, Default)]
pub struct Corpus {
    /// Fingerprint to first occurrence.
    pub(crate) seen: SeenSet,
    /// Documents fed so far: the next document's index.
    pub(crate) documents: u64,
    /// The settings that shaped the fingerprints in `seen`, from the first
    /// deduper that fed this corpus: another one would find nothing.
    built_with: Option<Fingerprinting>,
}

/// The settings that decide a paragraph's fingerprint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Fingerprinting {
    /// What a paragraph is.
    split: Split,
    /// What of it is hashed.
    normalize: Normalize,
    /// The hash's seed.
    seed: u64,
}

impl Fingerprinting {
    fn of(config: &Config) -> Fingerprinting {
        Fingerprinting {
            split: config.get_split(),
            normalize: config.get_normalize(),
            seed: config.get_seed(),
        }
    }
}

impl Corpus {
    /// An empty corpus.
    pub fn new() -> Corpus {
        Corpus::default()
    }

    /// An empty corpus with room for `paragraphs` distinct paragraphs.
    pub fn with_capacity(paragraphs: usize) -> Corpus {
        let mut c = Corpus::new();
        c.reserve(paragraphs);
        c
    }

    /// Makes room for at least `additional` more distinct paragraphs, so
    /// the table does not grow (and rehash) while documents are fed.
    pub fn reserve(&mut self, additional: usize) {
        self.seen.reserve(additional);
    }

    /// The number of distinct paragraphs remembered.
    pub fn distinct_paragraphs(&self) -> usize {
        self.seen.len()
    }

    /// Heap bytes held by the table, estimated from its capacity (within a
    /// few hundred bytes per shard of the true figure): what to watch to
    /// stay within a memory budget. It changes only when the table grows,
    /// by doubling.
    ///
    /// # Examples
    ///
    /// ```
    /// use textdedup::Corpus;
    ///
    /// let corpus = Corpus::with_capacity(100_000);
    /// // 32-byte entries and a control byte, at most 7/8 of the slots full.
    /// assert!(corpus.heap_bytes() >= 100_000 * 33);
    /// assert!(corpus.heap_bytes() <= 100_000 * 80);
    /// ```
    pub fn heap_bytes(&self) -> usize {
        self.seen.heap_bytes()
    }

    /// The number of documents fed so far.
    pub fn documents(&self) -> u64 {
        self.documents
    }

    /// Forgets everything, the configuration that built it included; the
    /// next document is numbered 0 again.
    pub fn clear(&mut self) {
        self.seen.clear();
        self.documents = 0;
        self.built_with = None;
    }

    /// Checks that `config` makes the fingerprints this corpus holds,
    /// recording it when the corpus was never fed.
    pub(crate) fn bind(&mut self, config: &Config) -> Result<(), CorpusMismatch> {
        let given = Fingerprinting::of(config);
        let built = *self.built_with.get_or_insert(given);
        let mismatch = |field, corpus: String, deduper: String| {
            Err(CorpusMismatch {
                field,
                corpus,
                deduper,
            })
        };
        if built.split != given.split {
            return mismatch(
                "split",
                format!("Split::{:?}", built.split),
                format!("Split::{:?}", given.split),
            );
        }
        if built.normalize != given.normalize {
            return mismatch(
                "normalize",
                format!("Normalize::{:?}", built.normalize),
                format!("Normalize::{:?}", given.normalize),
            );
        }
        if built.seed != given.seed {
            return mismatch("seed", built.seed.to_string(), given.seed.to_string());
        }
        Ok(())
    }
}

/// A [`Corpus`] fed by a [`Deduper`](crate::Deduper) whose fingerprints
/// differ from those it holds: the error of
/// [`Deduper::try_dedup_in`](crate::Deduper::try_dedup_in) and its twins.
///
/// It names the first setting that differs ([`Config::split`],
/// [`Config::normalize`] or [`Config::seed`]) with both values. Its message
/// shows the values of `split` and `normalize` but not seeds, which may be
/// secret; [`CorpusMismatch::corpus_value`] and
/// [`CorpusMismatch::deduper_value`] give them.
///
/// # Examples
///
/// ```
/// use textdedup::{Config, Corpus, Deduper, Normalize};
///
/// let mut corpus = Corpus::new();
/// let exact = Deduper::default();
/// exact.try_dedup_in(&mut corpus, b"a line long enough to count\n")?;
/// let loose = Deduper::new(Config::new().normalize(Normalize::Loose))?;
/// let err = loose.try_dedup_in(&mut corpus, b"A line, long enough to count!\n").unwrap_err();
/// assert_eq!(err.field(), "normalize");
/// assert_eq!((err.corpus_value(), err.deduper_value()), ("Normalize::Exact", "Normalize::Loose"));
/// assert_eq!(corpus.documents(), 1, "nothing was fed");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CorpusMismatch {
    /// The configuration setter whose value differs.
    field: &'static str,
    /// The value the corpus was built with.
    corpus: String,
    /// The value of the deduper that was refused.
    deduper: String,
}

impl CorpusMismatch {
    /// The setting that differs: `"split"`, `"normalize"` or `"seed"`.
    pub fn field(&self) -> &'static str {
        self.field
    }

    /// The value the corpus was built with, such as `"Normalize::Exact"`
    /// or, for the seed, the number.
    pub fn corpus_value(&self) -> &str {
        &self.corpus
    }

    /// The refused deduper's value, in the same form.
    pub fn deduper_value(&self) -> &str {
        &self.deduper
    }
}

impl fmt::Display for CorpusMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field == "seed" {
            f.write_str("the corpus was built with another seed than the deduper's")?;
        } else {
            write!(
                f,
                "the corpus was built with {} = {}, the deduper has {}",
                self.field, self.corpus, self.deduper
            )?;
        }
        f.write_str(
            ": its fingerprints would never match; \
             use a new Corpus (or clear this one) for another configuration",
        )
    }
}

impl std::error::Error for CorpusMismatch {}
