//! Window keys: a hash of a whole window's `m` bytes, for the anchors whose
//! k-gram hash is full in the table.
//!
//! A k-gram that begins thousands of different windows (a mail header's
//! `Subject: Re: `, a licence's first words) fills its 32 table entries
//! with the first windows seen. The windows of a later occurrence of such
//! an anchor are then keyed by their own bytes instead: each window that
//! is not a repeat is stored under its window key, and each window looked
//! up under a full anchor is looked up under its window key too. Equal
//! windows have equal keys, and different windows share a key only by a
//! hash collision, so a window key fills only when 32 different windows
//! collide: the one case left where a repeat can be missed.
//!
//! The key is a polynomial hash modulo the prime 2^61 - 1, with a base
//! derived from the seed, rolled from one window to the next in constant
//! time. Two different windows collide for at most `m` bases out of
//! 2^61 - 1 (their difference is a nonzero polynomial of degree below `m`),
//! so under a secret seed a collision is as unlikely as chance makes it,
//! whatever the input; modulo 2^64 instead, some inputs (Thue–Morse
//! sequences) collide under every base.

/// A salt that keeps window keys apart from the k-gram hashes they share
/// the table with.
const SALT: u64 = 0x5bd1_e995_7f4a_7c15;

/// The prime modulus, 2^61 - 1.
const P: u64 = (1 << 61) - 1;

/// `a * b` modulo [`P`], for `a, b < P`.
#[inline]
fn mul(a: u64, b: u64) -> u64 {
    let x = u128::from(a) * u128::from(b);
    let folded = (x as u64 & P) + (x >> 61) as u64;
    if folded >= P {
        folded - P
    } else {
        folded
    }
}

/// `a + b` modulo [`P`], for `a, b < P`.
#[inline]
fn add(a: u64, b: u64) -> u64 {
    let sum = a + b;
    if sum >= P {
        sum - P
    } else {
        sum
    }
}

/// The rolling hash of the window at `pos`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct WindowKey {
    /// The window length.
    m: usize,
    /// The polynomial's base, in `2..P`.
    base: u64,
    /// `base^(m - 1)`: the weight of the window's first byte.
    first_weight: u64,
    /// The window the hash is of, if any.
    pos: Option<usize>,
    /// The hash of the window at `pos`.
    hash: u64,
}

impl WindowKey {
    /// The key for windows of `m` bytes under `seed`.
    pub(crate) fn new(m: usize, seed: u64) -> WindowKey {
        let mut state = seed ^ 0x7769_6e64_6f77_6b79; // "windowky"
        let base = 2 + crate::gear::splitmix64(&mut state) % (P - 2);
        // base^(m - 1) by squaring: `m` may be as large as `usize::MAX`.
        let (mut first_weight, mut square, mut e) = (1u64, base, m.saturating_sub(1));
        while e > 0 {
            if e & 1 == 1 {
                first_weight = mul(first_weight, square);
            }
            square = mul(square, square);
            e >>= 1;
        }
        WindowKey {
            m,
            base,
            first_weight,
            pos: None,
            hash: 0,
        }
    }

    /// The key of the window at `t` of `text` (`t + m <= text.len()`):
    /// rolled from the last window asked for when that one is at most `m`
    /// windows before, computed afresh otherwise. Asked for in increasing
    /// `t` within a document, the cost is constant per window.
    #[inline]
    pub(crate) fn at(&mut self, text: &[u8], t: usize) -> u64 {
        match self.pos {
            Some(pos) if pos <= t && t - pos <= self.m => {
                for i in pos..t {
                    let out = mul(u64::from(text[i]) + 1, self.first_weight);
                    let inn = u64::from(text[i + self.m]) + 1;
                    let rest = add(self.hash, P - out);
                    self.hash = add(mul(rest, self.base), inn);
                }
            }
            _ => {
                self.hash = text[t..t + self.m]
                    .iter()
                    .fold(0u64, |h, &b| add(mul(h, self.base), u64::from(b) + 1));
            }
        }
        self.pos = Some(t);
        self.hash ^ SALT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rolled_keys_equal_fresh_ones() {
        let text: Vec<u8> = (0..3000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8)
            .collect();
        for m in [16, 17, 100] {
            let fresh = |t: usize| WindowKey::new(m, 9).at(&text, t);
            let mut rolled = WindowKey::new(m, 9);
            // Steps of 1, of a few, of exactly m, and past m.
            let mut t = 0;
            for step in [0, 1, 1, 3, m, m + 1, 2, 7 * m, 1, 0] {
                t += step;
                assert_eq!(rolled.at(&text, t), fresh(t), "m {m} t {t}");
            }
        }
    }

    #[test]
    fn equal_windows_have_equal_keys_and_others_differ() {
        let text = b"the cat sat on the mat; the cat sat on the hat".to_vec();
        let mut key = WindowKey::new(16, 0);
        let keys: Vec<u64> = (0..=text.len() - 16).map(|t| key.at(&text, t)).collect();
        for a in 0..keys.len() {
            for b in 0..keys.len() {
                let same = text[a..a + 16] == text[b..b + 16];
                assert_eq!(keys[a] == keys[b], same, "{a} {b}");
            }
        }
        assert_ne!(WindowKey::new(16, 1).at(&text, 0), keys[0], "seeded");
    }

    /// A Thue–Morse block and its complement: equal modulo 2^64 under every
    /// odd base, apart modulo the prime.
    #[test]
    fn thue_morse_blocks_do_not_collide() {
        let block = |flip: bool| -> Vec<u8> {
            (0..4096u32)
                .map(|i| {
                    if (i.count_ones() % 2 == 1) != flip {
                        b'b'
                    } else {
                        b'a'
                    }
                })
                .collect()
        };
        let (x, y) = (block(false), block(true));
        for seed in 0..8 {
            let mut key = WindowKey::new(x.len(), seed);
            let kx = key.at(&x, 0);
            assert_ne!(WindowKey::new(y.len(), seed).at(&y, 0), kx, "seed {seed}");
        }
    }

    #[test]
    fn modular_arithmetic_stays_reduced() {
        for (a, b) in [(P - 1, P - 1), (P - 1, 2), (0, P - 1), (1 << 60, 1 << 60)] {
            let want = (u128::from(a) * u128::from(b) % u128::from(P)) as u64;
            assert_eq!(mul(a, b), want);
            assert_eq!(
                add(a, b),
                ((u128::from(a) + u128::from(b)) % u128::from(P)) as u64
            );
        }
    }
}
