//! Rolling k-gram hashes and winnowing: which positions of a document are
//! anchors.
//!
//! A k-gram hash is a Gear-style rolling hash, `h = (h << shift) + G[b]`:
//! after `k = ceil(64 / shift)` bytes every older byte has been shifted out,
//! so the hash is a pure function of the last `k` bytes, whatever came
//! before. The window of `w` consecutive k-grams starting at `t` selects its
//! smallest hash (63 bits), the rightmost one on ties. The selection depends
//! only on the window's bytes:
//! two equal windows select the same relative offset, which is what the
//! passage guarantee rests on.
//!
//! The minimum is tracked incrementally (see [`Winnower`]).

use crate::passage::window::WindowKey;

/// The largest window, in k-grams: bounds the ring buffer.
pub(crate) const MAX_WINDOW: usize = 1 << 12;

/// The Gear table of seed 0, built at compile time.
static DEFAULT_GEAR: [u64; 256] = gear_table(0);

/// The Gear table for `seed`: 256 consecutive SplitMix64 outputs from the
/// state `"textdedu" ^ seed` (the chunker's derivation, from another
/// state). Seed 0 gives the default table; the derivation is part of what
/// makes reports reproducible.
const fn gear_table(seed: u64) -> [u64; 256] {
    crate::gear::table(0x7465_7874_6465_6475 ^ seed) // "textdedu"
}

/// The anchor parameters derived from `min_len` and the seed.
#[derive(Clone, Copy)]
pub(crate) struct Params {
    /// The shortest repeat that must be found (`min_len`).
    pub(crate) m: usize,
    /// The k-gram length: 11, 13, 16, 22 or 32 bytes, never more than `m`
    /// (see [`Params::new`]).
    pub(crate) k: usize,
    /// The winnowing window, in k-grams: `w + k - 1 <= m`.
    pub(crate) w: usize,
    /// The Gear shift giving a `k`-byte hash.
    shift: u32,
    /// The seed the Gear table was derived from.
    seed: u64,
    /// The window key's parameters (for anchors whose hash is full).
    pub(crate) window: WindowKey,
    /// The Gear table.
    gear: [u64; 256],
}

impl PartialEq for Params {
    fn eq(&self, other: &Params) -> bool {
        // Everything else is derived from these two.
        (self.m, self.seed) == (other.m, other.seed)
    }
}

impl Eq for Params {}

impl core::fmt::Debug for Params {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Params")
            .field("m", &self.m)
            .field("k", &self.k)
            .field("w", &self.w)
            .field("shift", &self.shift)
            .field("seed", &self.seed)
            .finish_non_exhaustive()
    }
}

impl Params {
    /// Parameters for a validated `min_len` (at least 16) and a seed.
    ///
    /// The k-gram length trades two costs. A window of `m` bytes holds
    /// `w = m - k + 1` k-grams and selects about `2 / (w + 1)` of the
    /// positions as anchors, so a shorter k-gram means fewer anchors; but
    /// short k-grams recur in unrelated text (common words and their
    /// spacing), their lists fill, and the windows under a full list are
    /// keyed one by one. So `k` shrinks with `m`: 32 bytes from `m` 64 up,
    /// 22 from 44, 16 from 24, 13 from 20 and 11 below, which keeps `w` at
    /// 6 or more (at `m` 16 a 16-byte k-gram would make every position an
    /// anchor).
    pub(crate) fn new(m: usize, seed: u64) -> Params {
        let (k, shift) = if m >= 64 {
            (32, 2)
        } else if m >= 44 {
            (22, 3)
        } else if m >= 24 {
            (16, 4)
        } else if m >= 20 {
            (13, 5)
        } else {
            (11, 6)
        };
        let w = (m - k + 1).min(MAX_WINDOW);
        let gear = if seed == 0 {
            DEFAULT_GEAR
        } else {
            gear_table(seed)
        };
        Params {
            m,
            k,
            w,
            shift,
            seed,
            window: WindowKey::new(m, seed),
            gear,
        }
    }
}

/// A window's anchor, reported when it differs from the previous window's.
/// 24 bytes: the k-gram's position is kept as its offset in the first
/// window that selects it, less than `w` (so at most [`MAX_WINDOW`] - 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Anchor {
    /// The k-gram's hash (63 bits).
    pub(crate) hash: u64,
    /// The first window that selects it.
    pub(crate) first_window: usize,
    /// The k-gram's position minus `first_window`.
    offset: u16,
    /// The k-gram's context with room back to the document's start
    /// ([`crate::passage::context::Context::of`]), when the events were
    /// computed ahead ([`crate::passage::scan::anchors_of`]); 0 from the
    /// winnower, whose events get it only as the scan needs it.
    pub(crate) ctx: u16,
}

// What the batch's memory bound counts per event (16 bytes on 32-bit
// targets).
#[cfg(target_pointer_width = "64")]
const _: () = assert!(core::mem::size_of::<Anchor>() == 24);

impl Anchor {
    /// The anchor at k-gram `pos`, of hash `hash`, first selected by window
    /// `first_window` (so `first_window <= pos < first_window + w`).
    #[inline]
    pub(crate) fn new(pos: usize, hash: u64, first_window: usize) -> Anchor {
        debug_assert!(pos >= first_window && pos - first_window < MAX_WINDOW);
        Anchor {
            hash,
            first_window,
            offset: (pos - first_window) as u16,
            ctx: 0,
        }
    }

    /// The k-gram's position in the document.
    #[inline]
    pub(crate) fn pos(&self) -> usize {
        self.first_window + usize::from(self.offset)
    }
}

/// Winnowing over one document, resumable chunk by chunk.
///
/// Each window selects the *rightmost* smallest hash among its `w`
/// k-grams. The minimum is tracked incrementally: a new k-gram at or below
/// it takes over; when the minimum leaves the window, the window (kept in a
/// ring buffer) is rescanned. Runs of equal hashes (periodic text) never
/// rescan, since each new equal hash takes over before the old one leaves.
#[derive(Debug)]
pub(crate) struct Winnower<'t> {
    p: &'t Params,
    text: &'t [u8],
    /// The last `w` hashes, at `g & mask`.
    ring: Vec<u64>,
    mask: usize,
    /// The rolling hash of the last k-gram computed.
    h: u64,
    /// The first window.
    start: usize,
    /// The next k-gram to compute.
    g: usize,
    /// The current window's minimum and its position.
    min_h: u64,
    min_pos: usize,
}

impl<'t> Winnower<'t> {
    /// A winnower for `text`, which must hold at least one window
    /// (`text.len() >= p.m`); `ring` is a reusable buffer.
    #[cfg(test)]
    pub(crate) fn new(p: &'t Params, text: &'t [u8], ring: Vec<u64>) -> Winnower<'t> {
        Winnower::starting_at(p, text, 0, ring)
    }

    /// A winnower for the windows of `text` from `start` on (there must be
    /// one): the events are those of [`Winnower::new`] from window `start`
    /// on, but for window `start`, which always gives one (a window's
    /// anchor depends only on its bytes).
    pub(crate) fn starting_at(
        p: &'t Params,
        text: &'t [u8],
        start: usize,
        mut ring: Vec<u64>,
    ) -> Winnower<'t> {
        let size = p.w.next_power_of_two();
        ring.clear();
        ring.resize(size, 0);
        Winnower {
            p,
            text,
            ring,
            mask: size - 1,
            h: 0,
            start,
            g: start,
            min_h: u64::MAX,
            min_pos: 0,
        }
    }

    /// Gives the ring buffer back for reuse.
    pub(crate) fn into_ring(self) -> Vec<u64> {
        self.ring
    }

    /// Computes the windows up to (not including) `t_end` and appends an
    /// [`Anchor`] for each window whose anchor differs from the window
    /// before it (always for the first window).
    pub(crate) fn run(&mut self, t_end: usize, out: &mut Vec<Anchor>) {
        // One copy of the loop per shift: with a constant shift the loop
        // takes fewer instructions and registers (an immediate shift, where
        // a variable one needs its count in `cl`).
        match self.p.shift {
            2 => self.run_with::<2>(t_end, out),
            3 => self.run_with::<3>(t_end, out),
            4 => self.run_with::<4>(t_end, out),
            5 => self.run_with::<5>(t_end, out),
            6 => self.run_with::<6>(t_end, out),
            // Not input: `Params::new` is the only constructor.
            _ => unreachable!("the Gear shift is 2 to 6"),
        }
    }

    /// [`Winnower::run`] for the parameters' shift, `SHIFT`.
    fn run_with<const SHIFT: u32>(&mut self, t_end: usize, out: &mut Vec<Anchor>) {
        debug_assert_eq!(SHIFT, self.p.shift);
        let (k, w, shift) = (self.p.k, self.p.w, SHIFT);
        let (text, gear) = (self.text, &self.p.gear);
        let start = self.start;
        if self.g == start {
            for &b in &text[start..start + k - 1] {
                self.h = (self.h << shift).wrapping_add(gear[b as usize]);
            }
            // The k-grams of the first window.
            for g in start..start + w {
                self.h = (self.h << shift).wrapping_add(gear[text[g + k - 1] as usize]);
                let key = self.h >> 1;
                self.ring[g & self.mask] = key;
                if key <= self.min_h {
                    self.min_h = key;
                    self.min_pos = g;
                }
            }
            out.push(Anchor::new(self.min_pos, self.min_h, start));
            self.g = start + w;
        }
        let g_end = t_end + w - 1;
        if g_end <= self.g {
            return;
        }
        let (mut h, mut min_h, mut min_pos) = (self.h, self.min_h, self.min_pos);
        let ring = &mut self.ring[..];
        let mask = ring.len() - 1;
        // The k-gram at which the current minimum leaves the window.
        let mut expire = min_pos + w;
        let mut g = self.g;
        while g < g_end {
            if expire <= g {
                // The minimum leaves: take k-gram `g` in, rescan the window.
                h = (h << shift).wrapping_add(gear[text[g + k - 1] as usize]);
                ring[g & mask] = h >> 1;
                let t = g + 1 - w;
                (min_h, min_pos) = rightmost_min(ring, t, g);
                expire = min_pos + w;
                out.push(Anchor::new(min_pos, min_h, t));
                g += 1;
                continue;
            }
            // Plain steps: the minimum stays unless a smaller hash enters.
            let stop = expire.min(g_end);
            for &b in &text[g + k - 1..stop + k - 1] {
                h = (h << shift).wrapping_add(gear[b as usize]);
                let key = h >> 1;
                ring[g & mask] = key;
                if key <= min_h {
                    min_h = key;
                    min_pos = g;
                    out.push(Anchor::new(g, key, g + 1 - w));
                }
                g += 1;
            }
            expire = min_pos + w;
        }
        self.g = self.g.max(g_end);
        (self.h, self.min_h, self.min_pos) = (h, min_h, min_pos);
    }
}

/// The rightmost smallest hash among k-grams `from..=to` of the ring, and
/// its position: one pass over at most two contiguous slices, keeping the
/// last position that is at or below the minimum so far.
fn rightmost_min(ring: &[u64], from: usize, to: usize) -> (u64, usize) {
    let mask = ring.len() - 1;
    let (a, b) = (from & mask, to & mask);
    let (first, second) = if a <= b {
        (&ring[a..=b], &ring[..0])
    } else {
        (&ring[a..], &ring[..=b])
    };
    let (mut min, mut at) = (u64::MAX, 0);
    for (i, &v) in first.iter().enumerate() {
        if v <= min {
            (min, at) = (v, i);
        }
    }
    for (i, &v) in second.iter().enumerate() {
        if v <= min {
            (min, at) = (v, first.len() + i);
        }
    }
    (min, from + at)
}

/// The hash of the k-gram at `i`, recomputed from scratch (for tests).
#[cfg(test)]
pub(crate) fn kgram_hash(p: &Params, text: &[u8], i: usize) -> u64 {
    let mut h = 0u64;
    for &b in &text[i..i + p.k] {
        h = (h << p.shift).wrapping_add(p.gear[b as usize]);
    }
    h >> 1
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Naive winnowing: the rightmost smallest hash of each window, one
    /// entry per window.
    fn naive(p: &Params, text: &[u8]) -> Vec<(usize, u64)> {
        let hashes: Vec<u64> = (0..=text.len() - p.k)
            .map(|i| kgram_hash(p, text, i))
            .collect();
        (0..=text.len() - p.m)
            .map(|t| {
                (t..t + p.w)
                    .map(|i| (hashes[i], i))
                    .max_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)))
                    .unwrap()
                    .swap()
            })
            .collect()
    }

    trait Swap {
        fn swap(self) -> (usize, u64);
    }
    impl Swap for (u64, usize) {
        fn swap(self) -> (usize, u64) {
            (self.1, self.0)
        }
    }

    /// The winnower's events expanded to one entry per window, computed in
    /// uneven chunks.
    fn fast(p: &Params, text: &[u8]) -> Vec<(usize, u64)> {
        fast_from(p, text, 0)
    }

    /// [`fast`] from window `start` on, with a winnower started there
    /// (its ring buffer left dirty by another run).
    fn fast_from(p: &Params, text: &[u8], start: usize) -> Vec<(usize, u64)> {
        let windows = text.len() + 1 - p.m;
        let mut dirty = Winnower::new(p, text, Vec::new());
        dirty.run(windows, &mut Vec::new());
        let mut winnower = Winnower::starting_at(p, text, start, dirty.into_ring());
        let mut events = Vec::new();
        let mut t = start;
        let mut step = 1;
        while t < windows {
            let end = (t + step).min(windows);
            winnower.run(end, &mut events);
            t = end;
            step = step * 3 + 1;
        }
        assert_eq!(events[0].first_window, start);
        let mut out = Vec::new();
        for (i, e) in events.iter().enumerate() {
            let next = events.get(i + 1).map_or(windows, |n| n.first_window);
            assert!(next > e.first_window);
            // What `Anchor` keeps of the position fits.
            assert!(e.pos() >= e.first_window && e.pos() - e.first_window < p.w);
            out.extend((e.first_window..next).map(|_| (e.pos(), e.hash)));
        }
        out
    }

    /// Every `min_len` gets a window of 6 k-grams or more, and on random
    /// bytes about `2 / (w + 1)` of the positions are anchors: at
    /// `min_len` 16 too, not every one.
    #[test]
    fn anchors_are_sparse_at_every_min_len() {
        let mut state = 7u64;
        let text: Vec<u8> = (0..100_000)
            .map(|_| {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
                (state >> 56) as u8
            })
            .collect();
        for m in [16, 19, 20, 23, 24, 43, 44, 63, 64, 100] {
            let p = Params::new(m, 0);
            assert!(p.w >= 6 && p.k + p.w - 1 == m, "m {m}: {p:?}");
            let mut anchors: Vec<usize> = fast(&p, &text).into_iter().map(|(pos, _)| pos).collect();
            anchors.dedup();
            let rate = (anchors.len() * (p.w + 1)) as f64 / text.len() as f64;
            assert!((1.7..2.3).contains(&rate), "m {m}: {rate}");
        }
    }

    #[test]
    fn hash_depends_only_on_the_kgram() {
        for (m, seed) in [(16, 0), (44, 0), (64, 0), (100, 0), (100, 0x5EED)] {
            let p = Params::new(m, seed);
            assert!(p.k <= m && p.w + p.k - 1 <= m);
            let text: Vec<u8> = (0..200u32).map(|i| (i * 7 % 13) as u8 + b'a').collect();
            let mut shifted = b"some other prefix".to_vec();
            shifted.extend_from_slice(&text);
            for i in 0..text.len() - p.k {
                assert_eq!(kgram_hash(&p, &text, i), kgram_hash(&p, &shifted, i + 17));
            }
        }
    }

    #[test]
    fn seeds_change_the_table_and_seed_zero_is_the_default() {
        assert_eq!(Params::new(100, 0).gear, DEFAULT_GEAR);
        let seeded = Params::new(100, 1);
        assert_ne!(seeded.gear, DEFAULT_GEAR);
        assert_ne!(seeded, Params::new(100, 0));
        assert_eq!(seeded, Params::new(100, 1));
        let text = b"a k-gram long enough for every parameter set in this test, twice over";
        assert_ne!(
            kgram_hash(&seeded, text, 3),
            kgram_hash(&Params::new(100, 0), text, 3)
        );
    }

    #[test]
    fn a_winnower_started_anywhere_agrees_from_there() {
        let mut state = 5u64;
        for m in [16, 17, 44, 100, 4127] {
            let p = Params::new(m, 0);
            for letters in [1, 2, 3] {
                let text: Vec<u8> = (0..m * 3 + 300)
                    .map(|_| b"abc"[(crate::gear::splitmix64(&mut state) % letters) as usize])
                    .collect();
                let all = naive(&p, &text);
                for start in (0..all.len()).step_by(7) {
                    assert_eq!(
                        fast_from(&p, &text, start),
                        all[start..],
                        "m {m}, start {start}"
                    );
                }
            }
        }
    }

    #[test]
    fn incremental_minima_equal_naive_winnowing() {
        let mut state = 1u64;
        for (m, seed) in [
            (16, 0),
            (20, 7),
            (24, 0),
            (43, 5),
            (44, 0),
            (64, 0),
            (100, 0),
            (100, 9),
            (300, 0),
            // The largest window, exactly and capped.
            (4127, 0),
            (5000, 3),
        ] {
            let p = Params::new(m, seed);
            assert_eq!(p.w == MAX_WINDOW, m >= 4127);
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
