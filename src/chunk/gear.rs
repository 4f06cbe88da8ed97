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
//! Per byte the plain loop does: load the byte, load its table entry,
//! `h = 2h + g`, compare with the threshold, branch. Only `h = 2h + g` is on
//! the loop-carried dependency chain, but LLVM compiles it to two dependent
//! adds (`add h, h; add h, [table + 8 * byte]`), so the plain loop cannot go
//! faster than two cycles per byte, whatever the width of the core.
//!
//! [`scan`] takes four bytes per step and folds them off the chain:
//! `t_k = 2 t_(k-1) + g_k` depends only on the block's bytes, and the hash
//! after byte `k` of the block is `(h << (k + 1)) + t_k`, so the chain is
//! one shift and two adds per four bytes, and the four tests branch off it
//! in parallel. `chunks_exact(4)` and a `u8` index into a 256-entry table
//! remove every bounds check. What is left is throughput: about 19 ALU
//! operations and 8 loads per four bytes. Writing the pairs the FastCDC 2020
//! way (`4h + (2 g_0 + g_1)`) does not help: LLVM reassociates it back into a
//! three-operation chain. See `notes/bench-chunk.md` for the figures.

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
    let mut blocks = bytes.chunks_exact(4);
    for b in &mut blocks {
        // Four bytes folded off the chain, then one shift and one add on it.
        let t = (gear[b[0] as usize] << 3)
            .wrapping_add(gear[b[1] as usize] << 2)
            .wrapping_add(gear[b[2] as usize] << 1)
            .wrapping_add(gear[b[3] as usize]);
        x = (x << 4).wrapping_add(t);
    }
    for &b in blocks.remainder() {
        x = (x << 1).wrapping_add(gear[b as usize]);
    }
    *h = x;
}

/// Rolls the bytes of `bytes` into `h` and returns the index of the first
/// byte after which `h < threshold`, leaving `h` at that point. When no byte
/// passes the test, `h` is the hash after the last byte and the answer is
/// `None`.
///
/// Four bytes per step: the loop-carried chain is one shift and one add per
/// four bytes (`x4 = (x << 4) + t3`), and the hashes after the first three
/// bytes are computed from `x` off the chain, so the loop is bound by its
/// loads (two per byte), not by the latency of `h = 2h + g`.
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
        let g0 = gear[b[0] as usize];
        let t1 = (g0 << 1).wrapping_add(gear[b[1] as usize]);
        let t2 = (t1 << 1).wrapping_add(gear[b[2] as usize]);
        let t3 = (t2 << 1).wrapping_add(gear[b[3] as usize]);
        let x0 = (x << 1).wrapping_add(g0);
        let x1 = (x << 2).wrapping_add(t1);
        let x2 = (x << 3).wrapping_add(t2);
        let x3 = (x << 4).wrapping_add(t3);
        if x0 < threshold {
            *h = x0;
            return Some(base);
        }
        if x1 < threshold {
            *h = x1;
            return Some(base + 1);
        }
        if x2 < threshold {
            *h = x2;
            return Some(base + 2);
        }
        if x3 < threshold {
            *h = x3;
            return Some(base + 3);
        }
        x = x3;
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
