//! The Gear rolling hash: its table and its inner loop. No allocation, no I/O.
//!
//! A Gear hash rolls one byte in with `h = (h << 1) + G[byte]`. After 64
//! steps a byte's contribution has been shifted out of the 64-bit state, so
//! the hash depends on the last 64 bytes only; the top bits (which the cut
//! test looks at) depend on all 64 of them, the low bits only on the most
//! recent ones.
//!
//! # Why the loop is written the way it is
//!
//! Per byte the scalar loop does: load the byte, load its table entry,
//! `h = 2h + g`, compare with the threshold, branch. Only `h = 2h + g` is on
//! the loop-carried dependency chain, and x86 folds it into one `lea` (one
//! cycle), so the chain allows one byte per cycle; everything else is
//! independent work the core overlaps. What remains is instruction count:
//! the loop below walks `chunks_exact(4)`, so there are no bounds checks
//! (the table has 256 entries and the index is a `u8`; the block has exactly
//! four bytes) and the loop overhead is paid once per four bytes, leaving
//! about four micro-ops per byte. The cut test is a plain `h < threshold`
//! compare-and-branch, which is as cheap as FastCDC's mask test and allows
//! any average, not only powers of two.

/// One SplitMix64 step: advances `state` and returns the next output.
#[inline]
pub(crate) const fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The gear table for `seed`: 256 consecutive SplitMix64 outputs starting
/// from the state `seed`.
///
/// Seed 0 gives the default table. The derivation is part of the stability
/// contract: golden vectors pin the cut points it produces.
pub(crate) const fn table(seed: u64) -> [u64; 256] {
    let mut out = [0u64; 256];
    let mut state = seed;
    let mut i = 0;
    while i < 256 {
        out[i] = splitmix64(&mut state);
        i += 1;
    }
    out
}

/// The default gear table (seed 0), built at compile time.
pub(crate) static DEFAULT_TABLE: [u64; 256] = table(0);

/// Rolls every byte of `bytes` into `h`, testing none: the warm-up before
/// the first possible cut point.
#[inline(always)]
pub(crate) fn roll(gear: &[u64; 256], h: &mut u64, bytes: &[u8]) {
    let mut x = *h;
    for &b in bytes {
        x = (x << 1).wrapping_add(gear[b as usize]);
    }
    *h = x;
}

/// Rolls the bytes of `bytes` into `h` and returns the index of the first
/// byte after which `h < threshold`, leaving `h` at that point. When no byte
/// passes the test, `h` is the hash after the last byte and the answer is
/// `None`.
///
/// # Complexity
///
/// Linear in `bytes.len()`, no allocation.
#[inline(always)]
pub(crate) fn scan(gear: &[u64; 256], h: &mut u64, bytes: &[u8], threshold: u64) -> Option<usize> {
    let mut x = *h;
    let mut blocks = bytes.chunks_exact(4);
    let mut base = 0;
    for b in &mut blocks {
        x = (x << 1).wrapping_add(gear[b[0] as usize]);
        if x < threshold {
            *h = x;
            return Some(base);
        }
        x = (x << 1).wrapping_add(gear[b[1] as usize]);
        if x < threshold {
            *h = x;
            return Some(base + 1);
        }
        x = (x << 1).wrapping_add(gear[b[2] as usize]);
        if x < threshold {
            *h = x;
            return Some(base + 2);
        }
        x = (x << 1).wrapping_add(gear[b[3] as usize]);
        if x < threshold {
            *h = x;
            return Some(base + 3);
        }
        base += 4;
    }
    for &b in blocks.remainder() {
        x = (x << 1).wrapping_add(gear[b as usize]);
        if x < threshold {
            *h = x;
            return Some(base);
        }
        base += 1;
    }
    *h = x;
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix64_reference_values() {
        // The first outputs of SplitMix64 from state 0, as published with the
        // reference implementation.
        let mut s = 0;
        assert_eq!(splitmix64(&mut s), 0xE220_A839_7B1D_CDAF);
        assert_eq!(splitmix64(&mut s), 0x6E78_9E6A_A1B9_65F4);
        assert_eq!(splitmix64(&mut s), 0x06C4_5D18_8009_454F);
    }

    #[test]
    fn default_table_is_seed_zero_and_distinct() {
        assert_eq!(DEFAULT_TABLE, table(0));
        assert_ne!(table(1), table(0));
        let mut sorted = DEFAULT_TABLE.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 256);
    }

    #[test]
    fn scan_matches_byte_at_a_time() {
        let data: Vec<u8> = (0..1000u32).map(|i| (i * 7 + i / 13) as u8).collect();
        for threshold in [0, 1 << 58, 1 << 60, u64::MAX] {
            for len in [0, 1, 3, 4, 5, 8, 77, 1000] {
                let mut h = 12345;
                let got = scan(&DEFAULT_TABLE, &mut h, &data[..len], threshold);
                let mut y = 12345u64;
                let mut want = None;
                for (i, &b) in data[..len].iter().enumerate() {
                    y = (y << 1).wrapping_add(DEFAULT_TABLE[b as usize]);
                    if y < threshold {
                        want = Some(i);
                        break;
                    }
                }
                assert_eq!((got, h), (want, y), "threshold {threshold}, len {len}");
            }
        }
    }
}
