//! Rolling k-gram hashes and winnowing: which positions of a document are
//! anchors.
//!
//! A k-gram hash is a Gear-style rolling hash, `h = (h << shift) + GEAR[b]`:
//! after `k = ceil(64 / shift)` bytes every older byte has been shifted out,
//! so the hash is a pure function of the last `k` bytes, whatever came
//! before. The window of `w` consecutive k-grams starting at `t` selects its
//! smallest key; a key is the hash's top 44 bits with the k-gram's position
//! in the low bits, so ties go to the leftmost k-gram and every window has
//! exactly one minimum. The selection depends only on the window's bytes:
//! two equal windows select the same relative offset, which is what the
//! passage guarantee rests on.
//!
//! Minima are computed per chunk of windows with the block method (prefix
//! and suffix minima over blocks of `w` keys), which is linear whatever the
//! input: runs of equal hashes (periodic text) cost the same as any other.

/// Bits of a key that hold the k-gram's position within the chunk.
pub(crate) const POS_BITS: u32 = 20;
/// Mask for the position bits of a key.
pub(crate) const POS_MASK: u64 = (1 << POS_BITS) - 1;
/// Windows computed per chunk: bounds the scratch memory.
const CHUNK_WINDOWS: usize = 1 << 14;
/// The largest window, so that a chunk's k-grams fit in [`POS_BITS`].
pub(crate) const MAX_WINDOW: usize = 1 << 12;

/// The Gear table: 256 pseudo-random words from a fixed seed (SplitMix64).
static GEAR: [u64; 256] = gear_table();

const fn gear_table() -> [u64; 256] {
    let mut table = [0u64; 256];
    let mut state: u64 = 0x7465_7874_6465_6475; // "textdedu"
    let mut i = 0;
    while i < 256 {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        table[i] = z ^ (z >> 31);
        i += 1;
    }
    table
}

/// The anchor parameters derived from `min_len`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Params {
    /// The shortest repeat that must be found (`min_len`).
    pub(crate) m: usize,
    /// The k-gram length: 16, 22 or 32 bytes, never more than `m`.
    pub(crate) k: usize,
    /// The winnowing window, in k-grams: `w + k - 1 <= m`.
    pub(crate) w: usize,
    /// The Gear shift giving a `k`-byte hash.
    shift: u32,
}

impl Params {
    /// Parameters for a validated `min_len` (at least 16).
    pub(crate) fn for_min_len(m: usize) -> Params {
        let (k, shift) = if m >= 64 {
            (32, 2)
        } else if m >= 44 {
            (22, 3)
        } else {
            (16, 4)
        };
        let w = (m - k + 1).min(MAX_WINDOW);
        Params { m, k, w, shift }
    }
}

/// Reusable buffers for one chunk of windows.
#[derive(Clone, Debug, Default)]
pub(crate) struct Winnow {
    /// One key per k-gram of the chunk.
    keys: Vec<u64>,
    /// Suffix minima within blocks; overwritten with the window minima.
    suf: Vec<u64>,
    /// Prefix minima within blocks.
    pre: Vec<u64>,
}

impl Winnow {
    /// The number of windows the next chunk starting at `t0` covers.
    #[inline]
    pub(crate) fn chunk_len(t0: usize, windows: usize) -> usize {
        (windows - t0).min(CHUNK_WINDOWS)
    }

    /// The minimum key of each window `t0 .. t0 + count` of `text`: the
    /// window's anchor is `t0 + (key & POS_MASK)` and its hash `key >> POS_BITS`.
    ///
    /// Needs `t0 + count - 1 + p.m <= text.len()` (whole windows).
    pub(crate) fn chunk(&mut self, p: &Params, text: &[u8], t0: usize, count: usize) -> &[u64] {
        let (k, w) = (p.k, p.w);
        let grams = count + w - 1;
        self.keys.clear();
        self.keys.reserve(grams);
        let bytes = &text[t0..t0 + grams + k - 1];
        let mut h = 0u64;
        for &b in &bytes[..k - 1] {
            h = (h << p.shift).wrapping_add(GEAR[b as usize]);
        }
        let high = !POS_MASK;
        self.keys
            .extend(bytes[k - 1..].iter().zip(0u64..).map(|(&b, j)| {
                h = (h << p.shift).wrapping_add(GEAR[b as usize]);
                (h & high) | j
            }));
        self.suf.resize(grams, 0);
        self.pre.resize(grams, 0);
        for ((keys, suf), pre) in self
            .keys
            .chunks(w)
            .zip(self.suf.chunks_mut(w))
            .zip(self.pre.chunks_mut(w))
        {
            let mut min = u64::MAX;
            for (s, &key) in suf.iter_mut().zip(keys).rev() {
                min = min.min(key);
                *s = min;
            }
            let mut min = u64::MAX;
            for (q, &key) in pre.iter_mut().zip(keys) {
                min = min.min(key);
                *q = min;
            }
        }
        for (s, &q) in self.suf[..count].iter_mut().zip(&self.pre[w - 1..]) {
            *s = (*s).min(q);
        }
        &self.suf[..count]
    }
}

/// The hash of the k-gram at `i`, recomputed from scratch (for tests).
#[cfg(test)]
pub(crate) fn kgram_hash(p: &Params, text: &[u8], i: usize) -> u64 {
    let mut h = 0u64;
    for &b in &text[i..i + p.k] {
        h = (h << p.shift).wrapping_add(GEAR[b as usize]);
    }
    h >> POS_BITS
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Naive winnowing: the leftmost smallest hash of each window.
    fn naive(p: &Params, text: &[u8]) -> Vec<(usize, u64)> {
        let hashes: Vec<u64> = (0..=text.len() - p.k)
            .map(|i| kgram_hash(p, text, i))
            .collect();
        (0..=text.len() - p.m)
            .map(|t| {
                (t..t + p.w)
                    .map(|i| (hashes[i], i))
                    .min()
                    .map(|(h, i)| (i, h))
                    .unwrap()
            })
            .collect()
    }

    fn fast(p: &Params, text: &[u8]) -> Vec<(usize, u64)> {
        let windows = text.len() + 1 - p.m;
        let mut winnow = Winnow::default();
        let mut out = Vec::new();
        let mut t0 = 0;
        while t0 < windows {
            let count = Winnow::chunk_len(t0, windows);
            for &key in winnow.chunk(p, text, t0, count) {
                out.push((t0 + (key & POS_MASK) as usize, key >> POS_BITS));
            }
            t0 += count;
        }
        out
    }

    #[test]
    fn hash_depends_only_on_the_kgram() {
        for m in [16, 44, 64, 100] {
            let p = Params::for_min_len(m);
            let text: Vec<u8> = (0..200u32).map(|i| (i * 7 % 13) as u8 + b'a').collect();
            let mut shifted = b"some other prefix".to_vec();
            shifted.extend_from_slice(&text);
            for i in 0..text.len() - p.k {
                assert_eq!(kgram_hash(&p, &text, i), kgram_hash(&p, &shifted, i + 17));
            }
        }
    }

    #[test]
    fn block_minima_equal_naive_winnowing() {
        let mut state = 1u64;
        for m in [16, 20, 44, 64, 100, 300] {
            let p = Params::for_min_len(m);
            for len in [m, m + 1, m + 37, 3 * m + 5, 20_000] {
                let text: Vec<u8> = (0..len)
                    .map(|_| {
                        state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
                        b"ab"[(state >> 63) as usize]
                    })
                    .collect();
                assert_eq!(fast(&p, &text), naive(&p, &text), "m {m} len {len}");
                let a = vec![b'a'; len];
                assert_eq!(fast(&p, &a), naive(&p, &a), "m {m} len {len} (a*)");
            }
        }
    }
}
