//! Content-defined chunking with a Gear rolling hash.
//!
//! A [`Chunker`] cuts bytes into chunks whose boundaries depend on the
//! content, not on positions: insert or delete a few bytes and only the
//! chunks around the edit change, the cut points after it line up again.
//! That is what lets chunk fingerprints find repeats that do not line up
//! with paragraphs.
//!
//! - [`Chunker::chunks`] iterates over the chunks of a slice;
//!   [`Chunker::chunks_hashed`] also fingerprints each chunk (xxh3-128)
//!   while it is still in cache.
//! - [`Chunker::reader_chunks`] does the same over any [`std::io::Read`]
//!   with a buffer of about `2 × max` bytes, and finds the same cut points.
//! - Chunk mode: [`Deduper`] (built from a [`Config`]) feeds the documents
//!   of a [`Corpus`] in order and reports the chunks seen before, keeping
//!   the first occurrence, with the entry points of every mode
//!   ([`Dedup`](crate::Dedup)).
//!
//! # Guarantees
//!
//! Chunks are contiguous, non-empty, at most `max` bytes, longer than `min`
//! bytes except the last one, and concatenate to the input.
//!
//! Cut points depend only on the bytes and on the configuration (`min`,
//! `avg`, `max`, `size_normalization`, `seed`): they are stable across releases,
//! and golden vectors in `tests/chunk.rs` pin them. Changing them is a
//! breaking change. (The rule below is the one of the first release: the
//! hash restarts at every chunk, as in FastCDC; no index built with another
//! rule exists, so no migration is needed.)
//!
//! # The cut rule
//!
//! Let `G` be the gear table: 256 consecutive SplitMix64 outputs starting
//! from the state `seed` (0 by default). For a chunk starting at `s`, with
//! `n` bytes left:
//!
//! 1. If `n <= min`, the chunk is the rest of the input.
//! 2. Otherwise the gear hash restarts from 0 at byte `s + min`: the hash
//!    after byte `p >= s + min` is
//!    `H_s(p) = sum of G[input[p - k]] << k for k = 0..=63, p - k >= s + min`
//!    (wrapping), that is `h = (h << 1) + G[byte]` rolled from 0 over
//!    `input[s + min..=p]`. The chunk ends after the first byte
//!    `p = s + L - 1` with `min < L <= min(n, max)` and `H_s(p) < T(L)`.
//!    With `B = (2^64 - 1) / (avg - min)` (integer division) and `k` the
//!    normalization level: `T(L) = B >> k` while `L <= avg`, and
//!    `min(B << k, 2^64 - 1)` after.
//! 3. If no byte passes, the chunk is `min(n, max)` bytes long.
//!
//! The first `min` bytes of a chunk are never read, and bytes that cannot
//! end a chunk are not tested. A chunk depends only on where it starts and
//! on the bytes from there on (at most `max` of them), so once the cut
//! points of two inputs meet, they agree until the inputs differ again:
//! after an edit they resynchronize at the first common cut point.
//!
//! The chance of a cut is `1 / (avg - min)` per byte, halved `k` times
//! before `avg` and doubled `k` times after: the mean chunk length is
//! within 7% of `avg` at any level when `min = avg / 4`, `max = 4 × avg`.
//!
//! # Choosing chunk sizes
//!
//! - **`avg` sets the granularity.** A repeat is found only when it covers
//!   at least one whole chunk of both copies, so repeats shorter than about
//!   `2 × avg` are often missed and longer ones lose about one chunk at each
//!   end. For text (paragraphs of a few hundred bytes), `avg` between 256
//!   and 1024 finds pasted paragraphs; 4 KiB to 64 KiB suits whole files and
//!   backups, where the index size matters more.
//! - **The index costs one entry per distinct chunk**, about 40 to 80 bytes
//!   (see [`Corpus`]): halving `avg` doubles it, and chunking itself is
//!   a little slower per byte at small averages (more chunk ends).
//! - **`min`** (default `avg / 4`) bytes at the start of every chunk are
//!   skipped without being read: a larger `min` is faster and cuts fewer
//!   tiny chunks, but a chunk boundary can then move further after an edit
//!   before it resynchronizes.
//! - **`max`** (default `4 × avg`) bounds the damage of input with no cut
//!   point (a long run of one byte): such input is cut every `max` bytes,
//!   at positions that are not content-defined.
//! - **`size_normalization`** (default 0) narrows the spread of chunk lengths
//!   around `avg` (FastCDC's normalized chunking). On generated text with
//!   shifted repeats it finds *fewer* duplicate bytes at every level above 0
//!   (`tools/src/bin/chunk_dedup_ratio.rs` measures it; BENCHMARKS.md has the
//!   figures), so it is off by default; it is there for workloads that need a narrow size range.
//! - **`seed`** changes the gear table. Use a secret seed when an adversary
//!   could craft input to force chunk boundaries (for example to learn
//!   whether some content is already stored); chunks made with different
//!   seeds do not deduplicate against each other.
//!
//! # Examples
//!
//! ```
//! use textdedup::chunk::{ChunkConfig, Chunker};
//!
//! let chunker = Chunker::new(ChunkConfig::new().avg(256))?;
//! let text: Vec<u8> = (0..10_000u32).map(|i| (i.wrapping_mul(2654435761) >> 24) as u8).collect();
//! let chunks: Vec<_> = chunker.chunks(&text).collect();
//! // Contiguous, non-empty, bounded, and covering the input.
//! assert_eq!(chunks[0].offset(), 0);
//! for pair in chunks.windows(2) {
//!     assert_eq!(pair[0].span().end, pair[1].offset());
//! }
//! assert!(chunks.iter().all(|c| c.len() > 0 && c.len() <= 1024));
//! assert_eq!(chunks.iter().map(|c| c.len()).sum::<usize>(), text.len());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod dedup;
mod parallel;
mod phases;
mod stream;

use core::fmt;
use core::iter::FusedIterator;

use crate::config::ConfigError;
use crate::fingerprint::Fingerprint;
use crate::gear;
use crate::span::Span;

#[allow(deprecated)]
pub use dedup::DupFinder;
pub use dedup::{Config, Corpus, Deduper};
pub use stream::{ReaderChunk, ReaderChunks};
#[allow(deprecated)]
pub use stream::{StreamChunk, StreamChunks};

/// The smallest average chunk length accepted, in bytes.
pub const MIN_AVG: usize = 64;
/// The largest average chunk length accepted, in bytes (1 MiB).
pub const MAX_AVG: usize = 1 << 20;
/// The largest value [`ChunkConfig::max`] accepts, in bytes (16 MiB).
pub const LARGEST_MAX: usize = 16 << 20;
/// The old name of [`LARGEST_MAX`].
#[deprecated(since = "0.2.0", note = "renamed `LARGEST_MAX`")]
pub const MAX_MAX: usize = LARGEST_MAX;
/// The highest size normalization level accepted.
pub const MAX_SIZE_NORMALIZATION: u8 = 3;
/// The old name of [`MAX_SIZE_NORMALIZATION`].
#[deprecated(since = "0.2.0", note = "renamed `MAX_SIZE_NORMALIZATION`")]
pub const MAX_NORMALIZATION: u8 = MAX_SIZE_NORMALIZATION;
/// The default average chunk length, in bytes.
pub const DEFAULT_AVG: usize = 1024;
/// The default size normalization level.
pub const DEFAULT_SIZE_NORMALIZATION: u8 = 0;
/// The old name of [`DEFAULT_SIZE_NORMALIZATION`].
#[deprecated(since = "0.2.0", note = "renamed `DEFAULT_SIZE_NORMALIZATION`")]
pub const DEFAULT_NORMALIZATION: u8 = DEFAULT_SIZE_NORMALIZATION;

/// Settings for a [`Chunker`], built by value and checked by
/// [`Chunker::new`].
///
/// # Examples
///
/// ```
/// use textdedup::chunk::{ChunkConfig, Chunker};
///
/// let config = ChunkConfig::new().avg(1000); // any average, not only powers of two
/// assert_eq!((config.get_min(), config.get_max()), (250, 4000));
/// let chunker = Chunker::new(config.seed(7))?;
/// assert_eq!(chunker.config().get_seed(), 7);
///
/// let err = Chunker::new(ChunkConfig::new().min(300).avg(256)).unwrap_err();
/// assert_eq!((err.field(), err.value()), ("min", "300"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ChunkConfig {
    /// Bytes skipped at the start of every chunk; `None` follows `avg / 4`,
    /// so setting only `avg` gives a consistent configuration.
    min: Option<usize>,
    /// The target mean chunk length; it sets the cut threshold.
    avg: usize,
    /// The longest chunk; `None` follows `4 × avg`.
    max: Option<usize>,
    /// Selects the gear table, so crafted input cannot force cut points.
    seed: u64,
    /// How strongly chunk lengths are pulled towards `avg`.
    size_normalization: u8,
}

impl Default for ChunkConfig {
    fn default() -> ChunkConfig {
        ChunkConfig::new()
    }
}

impl ChunkConfig {
    /// The default configuration: `avg` [`DEFAULT_AVG`] (1024), `min`
    /// `avg / 4`, `max` `4 × avg`, seed 0, size normalization
    /// [`DEFAULT_SIZE_NORMALIZATION`] (0).
    pub const fn new() -> ChunkConfig {
        ChunkConfig {
            min: None,
            avg: DEFAULT_AVG,
            max: None,
            seed: 0,
            size_normalization: DEFAULT_SIZE_NORMALIZATION,
        }
    }

    /// Sets the number of bytes at the start of every chunk that are never a
    /// cut point (and are not hashed). Must be at least 1 and less than `avg`.
    ///
    /// The default value is `avg / 4`.
    pub const fn min(mut self, min: usize) -> ChunkConfig {
        self.min = Some(min);
        self
    }

    /// Sets the target average chunk length, from [`MIN_AVG`] (64) to
    /// [`MAX_AVG`] (1 MiB); any value, not only powers of two.
    ///
    /// The default value is [`DEFAULT_AVG`] (1024).
    pub const fn avg(mut self, avg: usize) -> ChunkConfig {
        self.avg = avg;
        self
    }

    /// Sets the maximum chunk length. Must be at least `avg` and at most
    /// [`LARGEST_MAX`] (16 MiB).
    ///
    /// The default value is `4 × avg`.
    pub const fn max(mut self, max: usize) -> ChunkConfig {
        self.max = Some(max);
        self
    }

    /// Sets the seed of the gear table. Seed 0 is the default table.
    ///
    /// The default value is 0.
    pub const fn seed(mut self, seed: u64) -> ChunkConfig {
        self.seed = seed;
        self
    }

    /// Sets the size normalization level (FastCDC's "normalized
    /// chunking"), 0 (none) to [`MAX_SIZE_NORMALIZATION`] (3): before `avg`
    /// a cut is `2^level` times less likely, after it `2^level` times more
    /// likely, so chunk lengths gather around `avg`. (It has nothing to do
    /// with the text [`Normalize`](crate::Normalize) of paragraph mode.)
    ///
    /// The default value is [`DEFAULT_SIZE_NORMALIZATION`] (0): on text with
    /// shifted repeats, level 0 finds the most duplicate bytes.
    pub const fn size_normalization(mut self, level: u8) -> ChunkConfig {
        self.size_normalization = level;
        self
    }

    /// The old name of [`ChunkConfig::size_normalization`].
    #[deprecated(since = "0.2.0", note = "renamed `size_normalization`")]
    pub const fn normalization(self, level: u8) -> ChunkConfig {
        self.size_normalization(level)
    }

    /// The minimum: the value set, or `avg / 4`.
    pub const fn get_min(&self) -> usize {
        match self.min {
            Some(min) => min,
            None => self.avg / 4,
        }
    }

    /// The average chunk length.
    pub const fn get_avg(&self) -> usize {
        self.avg
    }

    /// The maximum: the value set, or `4 × avg` (saturating).
    pub const fn get_max(&self) -> usize {
        match self.max {
            Some(max) => max,
            None => self.avg.saturating_mul(4),
        }
    }

    /// The seed of the gear table.
    pub const fn get_seed(&self) -> u64 {
        self.seed
    }

    /// The size normalization level.
    pub const fn get_size_normalization(&self) -> u8 {
        self.size_normalization
    }

    /// The old name of [`ChunkConfig::get_size_normalization`].
    #[deprecated(since = "0.2.0", note = "renamed `get_size_normalization`")]
    pub const fn get_normalization(&self) -> u8 {
        self.size_normalization
    }

    /// Checks every field and their order.
    fn validate(&self) -> Result<(), ConfigError> {
        let (min, avg, max) = (self.get_min(), self.avg, self.get_max());
        if !(MIN_AVG..=MAX_AVG).contains(&avg) {
            return Err(ConfigError::new(
                "avg",
                avg,
                "must be from 64 to 1048576 bytes",
            ));
        }
        if min == 0 {
            return Err(ConfigError::new("min", min, "must be at least 1"));
        }
        if min >= avg {
            return Err(ConfigError::new("min", min, "must be less than avg"));
        }
        if max < avg {
            return Err(ConfigError::new("max", max, "must be at least avg"));
        }
        if max > LARGEST_MAX {
            return Err(ConfigError::new(
                "max",
                max,
                "must be at most 16777216 bytes",
            ));
        }
        if self.size_normalization > MAX_SIZE_NORMALIZATION {
            return Err(ConfigError::new(
                "size_normalization",
                self.size_normalization,
                "must be from 0 to 3",
            ));
        }
        Ok(())
    }
}

/// A configured content-defined chunker: immutable, `Send + Sync`.
///
/// It holds its gear table (2 KiB), so build it once and share it.
///
/// # Examples
///
/// ```
/// use textdedup::chunk::{ChunkConfig, Chunker};
///
/// let chunker = Chunker::new(ChunkConfig::new().avg(64))?;
/// let text = "The same sentence, pasted twice into a page. ".repeat(20);
/// let total: usize = chunker.chunks(text.as_bytes()).map(|c| c.len()).sum();
/// assert_eq!(total, text.len());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Chunker {
    /// The configuration, kept for [`Chunker::config`].
    config: ChunkConfig,
    /// `config.get_min()`, resolved once.
    min: usize,
    /// `config.get_avg()`: where the threshold switches.
    avg: usize,
    /// `config.get_max()`, resolved once.
    max: usize,
    /// The cut threshold while the chunk is at most `avg` long.
    small: u64,
    /// The cut threshold once the chunk is longer than `avg`.
    large: u64,
    /// The gear table for the seed.
    gear: [u64; 256],
}

impl fmt::Debug for Chunker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Chunker")
            .field("config", &self.config)
            .field("small", &self.small)
            .field("large", &self.large)
            .finish_non_exhaustive()
    }
}

impl Default for Chunker {
    /// A chunker with [`ChunkConfig::new`].
    fn default() -> Chunker {
        Chunker::build(ChunkConfig::new())
    }
}

impl Chunker {
    /// Builds a chunker.
    ///
    /// # Errors
    ///
    /// A [`ConfigError`] naming the field and value when `avg` is outside
    /// 64..=1 MiB, `min` is 0 or not less than `avg`, `max` is less than
    /// `avg` or more than 16 MiB, or `size_normalization` is above 3.
    pub fn new(config: ChunkConfig) -> Result<Chunker, ConfigError> {
        config.validate()?;
        Ok(Chunker::build(config))
    }

    /// Builds a chunker from a configuration known to be valid.
    fn build(config: ChunkConfig) -> Chunker {
        let (min, avg, max) = (config.get_min(), config.get_avg(), config.get_max());
        let base = u64::MAX / (avg - min) as u64;
        let level = u32::from(config.get_size_normalization());
        let large = if base > u64::MAX >> level {
            u64::MAX
        } else {
            base << level
        };
        let gear = if config.get_seed() == 0 {
            gear::DEFAULT_TABLE
        } else {
            gear::table(config.get_seed())
        };
        Chunker {
            config,
            min,
            avg,
            max,
            small: base >> level,
            large,
            gear,
        }
    }

    /// The configuration this chunker was built with.
    pub fn config(&self) -> &ChunkConfig {
        &self.config
    }

    /// The length of the chunk that starts at the beginning of `rest`.
    ///
    /// `rest` holds the rest of the input, or at least `max` bytes of it.
    /// The hash starts from 0 at `rest[min]`: nothing before the chunk, and
    /// none of its first `min` bytes, is read. Returns 0 only for empty
    /// `rest`.
    ///
    /// Linear in the returned length minus `min` (skipped bytes are not
    /// read).
    #[inline]
    pub(crate) fn cut(&self, rest: &[u8]) -> usize {
        let n = rest.len();
        let min = self.min;
        if n <= min {
            return n;
        }
        let end = n.min(self.max);
        let mut h = 0;
        if self.small == self.large {
            // Without normalization one threshold covers the whole range.
            return match gear::scan(&self.gear, &mut h, &rest[min..end], self.small) {
                Some(j) => min + j + 1,
                None => end,
            };
        }
        // Byte `j` ends a chunk of length `j + 1`: bytes before `mid` give
        // lengths up to `avg`, which use the harder threshold.
        let mid = end.min(self.avg);
        if let Some(j) = gear::scan(&self.gear, &mut h, &rest[min..mid], self.small) {
            return min + j + 1;
        }
        if let Some(j) = gear::scan(&self.gear, &mut h, &rest[mid..end], self.large) {
            return mid + j + 1;
        }
        end
    }

    /// Iterates over the chunks of `bytes`, without fingerprints.
    ///
    /// Chunks are contiguous, non-empty, at most `max` bytes, longer than
    /// `min` except the last, and concatenate to `bytes`. Empty input has no
    /// chunks.
    ///
    /// # Complexity
    ///
    /// Linear in `bytes.len()`; no allocation.
    ///
    /// # Examples
    ///
    /// ```
    /// use textdedup::chunk::Chunker;
    ///
    /// let chunker = Chunker::default();
    /// let text = vec![b'x'; 10_000];
    /// let lens: Vec<usize> = chunker.chunks(&text).map(|c| c.len()).collect();
    /// assert_eq!(lens, [4096, 4096, 1808]);
    /// assert_eq!(chunker.chunks(b"").count(), 0);
    /// ```
    pub fn chunks<'c, 't>(&'c self, bytes: &'t [u8]) -> Chunks<'c, 't> {
        Chunks {
            chunker: self,
            bytes,
            pos: 0,
            hashed: false,
        }
    }

    /// Iterates over the chunks of `bytes` like [`Chunker::chunks`], with the
    /// [`Fingerprint`] (xxh3-128) of each chunk, computed right after the
    /// chunk is cut, while its bytes are still in cache.
    ///
    /// # Complexity
    ///
    /// Linear in `bytes.len()`; no allocation.
    ///
    /// # Examples
    ///
    /// ```
    /// use textdedup::chunk::Chunker;
    /// use textdedup::fingerprint::Fingerprint;
    ///
    /// let chunker = Chunker::default();
    /// let text = b"short input is one chunk";
    /// let chunk = chunker.chunks_hashed(text).next().unwrap();
    /// assert_eq!(chunk.fingerprint(), Some(Fingerprint::of(text)));
    /// assert_eq!(chunker.chunks(text).next().unwrap().fingerprint(), None);
    /// ```
    pub fn chunks_hashed<'c, 't>(&'c self, bytes: &'t [u8]) -> Chunks<'c, 't> {
        Chunks {
            chunker: self,
            bytes,
            pos: 0,
            hashed: true,
        }
    }

    /// Chunks of `bytes` from `pos` on, as if a chunk started at `pos`.
    ///
    /// A chunk depends only on where it starts and on the bytes from there
    /// on (the hash restarts at every chunk), so when `pos` is a cut point
    /// of the whole input these are exactly the chunks the whole-input
    /// iterator yields from there.
    pub(crate) fn chunks_from<'c, 't>(
        &'c self,
        bytes: &'t [u8],
        pos: usize,
        hashed: bool,
    ) -> Chunks<'c, 't> {
        Chunks {
            chunker: self,
            bytes,
            pos,
            hashed,
        }
    }

    /// The configured minimum, resolved.
    #[inline]
    pub(crate) fn min_len(&self) -> usize {
        self.min
    }

    /// The configured maximum, resolved.
    #[inline]
    pub(crate) fn max_len(&self) -> usize {
        self.max
    }
}

/// One chunk: where it is and, from the hashed iterators, its fingerprint.
///
/// # Examples
///
/// ```
/// use textdedup::chunk::Chunker;
///
/// let text = b"tiny";
/// let chunk = Chunker::default().chunks(text).next().unwrap();
/// assert_eq!((chunk.offset(), chunk.len(), chunk.end()), (0, 4, 4));
/// assert_eq!(&text[chunk.span()], b"tiny");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Chunk {
    /// Byte offset of the chunk's first byte in the input.
    offset: usize,
    /// Length in bytes, never 0.
    len: usize,
    /// xxh3-128 of the chunk's bytes, when the iterator was asked for it.
    fingerprint: Option<Fingerprint>,
}

impl Chunk {
    #[inline]
    pub(crate) fn new(offset: usize, len: usize, fingerprint: Option<Fingerprint>) -> Chunk {
        Chunk {
            offset,
            len,
            fingerprint,
        }
    }

    /// The offset of the chunk's first byte in the input.
    #[inline]
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// The chunk's length in bytes (never 0).
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Always false: chunks are never empty. Present for symmetry with `len`.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// One past the chunk's last byte.
    #[inline]
    pub fn end(&self) -> usize {
        self.offset + self.len
    }

    /// The chunk as a span of the input.
    #[inline]
    pub fn span(&self) -> Span {
        Span::new(self.offset, self.offset + self.len)
    }

    /// The xxh3-128 fingerprint of the chunk's bytes
    /// ([`Fingerprint::of`]), when it came from a hashed iterator
    /// ([`Chunker::chunks_hashed`], [`Chunker::reader_chunks_hashed`]); `None`
    /// otherwise.
    #[inline]
    pub fn fingerprint(&self) -> Option<Fingerprint> {
        self.fingerprint
    }
}

/// The chunks of a slice: see [`Chunker::chunks`] and
/// [`Chunker::chunks_hashed`].
#[derive(Clone)]
pub struct Chunks<'c, 't> {
    /// The chunker with its table and thresholds.
    chunker: &'c Chunker,
    /// The whole input, so offsets are absolute.
    bytes: &'t [u8],
    /// Where the next chunk starts.
    pos: usize,
    /// Whether to fingerprint each chunk.
    hashed: bool,
}

impl fmt::Debug for Chunks<'_, '_> {
    /// Shows the position, not the input (which may be large).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Chunks")
            .field("len", &self.bytes.len())
            .field("pos", &self.pos)
            .field("hashed", &self.hashed)
            .finish_non_exhaustive()
    }
}

impl Chunks<'_, '_> {
    /// The bytes not yet returned as chunks.
    #[inline]
    pub fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }
}

impl Iterator for Chunks<'_, '_> {
    type Item = Chunk;

    #[inline]
    fn next(&mut self) -> Option<Chunk> {
        let rest = &self.bytes[self.pos..];
        if rest.is_empty() {
            return None;
        }
        let len = self.chunker.cut(rest);
        let fingerprint = self.hashed.then(|| Fingerprint::of(&rest[..len]));
        let chunk = Chunk::new(self.pos, len, fingerprint);
        self.pos += len;
        Some(chunk)
    }

    /// Exact bounds from the guarantees: at least `ceil(n / max)` chunks,
    /// at most `ceil(n / (min + 1))`, for `n` bytes left.
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.remaining();
        let (min, max) = (self.chunker.min, self.chunker.max);
        (n.div_ceil(max), Some(n.div_ceil(min + 1)))
    }
}

impl FusedIterator for Chunks<'_, '_> {}
