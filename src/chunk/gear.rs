//! The Gear rolling hash: its table and its inner loop. No allocation, no I/O.
//!
//! A Gear hash rolls one byte in with `h = (h << 1) + G[byte]`. After 64
//! steps a byte's contribution has been shifted out of the 64-bit state, so
//! the hash depends on the last 64 bytes rolled in at most; the top bits
//! (which the cut test looks at) depend on all of them, the low bits only on
//! the most recent ones. The chunker restarts the hash from 0 at every
//! chunk's start + `min` (FastCDC's rule), so the bytes below `min` are
//! never read and nothing is carried from one chunk to the next.
//!
//! # Why the loop is written the way it is
//!
//! Per byte the plain loop does: load the byte, load its table entry,
//! `h = 2h + g`, compare with the threshold, branch. Only `h = 2h + g` is on
//! the loop-carried dependency chain, but LLVM compiles it to two dependent
//! adds (`add h, h; add h, [table + 8 * byte]`), so the plain loop cannot go
//! faster than two cycles per byte, whatever the width of the core.
//!
//! [`scan`] takes four bytes per step and moves the chain four bytes at a
//! time: the hash after the block is `16 h + t0123`, where
//! `t0123 = 8 g0 + 4 g1 + 2 g2 + g3` depends only on the block's bytes (one
//! shift and one add on the chain per four bytes, the FastCDC 2020 idea
//! carried further). The hashes after the first three bytes, `2 h + g0`,
//! `4 h + t01` and `8 h + t012`, branch off the chain (one `lea` each) for
//! their tests. Written plainly, LLVM reassociates these sums back into a
//! longer chain; loading and combining the next block's table values one
//! iteration ahead (software pipelining) makes the partial sums loop
//! variables, which it leaves alone. `chunks_exact(4)` and a `u8` index
//! into a 256-entry table remove every bounds check. What is left is
//! throughput: about 22 macro-operations per four bytes (8 loads, 4 fused
//! compare-and-branch pairs). See BENCHMARKS.md (chunking) for the figures.

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

/// Rolls the bytes of `bytes` into `h` and returns the index of the first
/// byte after which `h < threshold`, leaving `h` at that point. When no byte
/// passes the test, `h` is the hash after the last byte and the answer is
/// `None`.
///
/// Four bytes per step, with the chain cut to two operations per four
/// bytes (see the module docs).
///
/// # Complexity
///
/// Linear in `bytes.len()`, no allocation.
// Out of line on purpose: the loop uses 13 registers, and inlined into the
// chunk iterators it measured 10-20% slower in one comparison (a later
// one, with examples/chunk_speed.rs, saw no difference beyond the noise);
// one call per chunk costs little next to the loop.
#[inline(never)]
pub(crate) fn scan(gear: &[u64; 256], h: &mut u64, bytes: &[u8], threshold: u64) -> Option<usize> {
    let mut x = *h;
    let mut blocks = bytes.chunks_exact(4);
    let mut base = 0;
    if let Some(first) = blocks.next() {
        // Software-pipelined: the table values of the next block are
        // loaded and combined while this one is tested, and they enter the
        // chain as loop variables, which keeps LLVM from reassociating
        // `16x + t0123` back into a longer chain.
        let mut cur = Block::load(gear, first);
        for b in &mut blocks {
            let next = Block::load(gear, b);
            if let Some(k) = cur.test(&mut x, threshold) {
                *h = x;
                return Some(base + k);
            }
            cur = next;
            base += 4;
        }
        if let Some(k) = cur.test(&mut x, threshold) {
            *h = x;
            return Some(base + k);
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

/// The table values of four bytes, combined: what [`scan`] needs of a
/// block.
#[derive(Clone, Copy)]
struct Block {
    /// `G[b0]`.
    g0: u64,
    /// `2 G[b0] + G[b1]`.
    t01: u64,
    /// `4 G[b0] + 2 G[b1] + G[b2]`.
    t012: u64,
    /// `8 G[b0] + 4 G[b1] + 2 G[b2] + G[b3]`: four bytes in one add on the
    /// chain.
    t0123: u64,
}

impl Block {
    #[inline(always)]
    fn load(gear: &[u64; 256], b: &[u8]) -> Block {
        let g0 = gear[b[0] as usize];
        let t01 = (g0 << 1).wrapping_add(gear[b[1] as usize]);
        let t012 = (t01 << 1).wrapping_add(gear[b[2] as usize]);
        let t0123 = (t012 << 1).wrapping_add(gear[b[3] as usize]);
        Block {
            g0,
            t01,
            t012,
            t0123,
        }
    }

    /// Rolls the block into `x`; on a cut after byte `k`, stops there and
    /// returns `k`.
    #[inline(always)]
    fn test(self, x: &mut u64, threshold: u64) -> Option<usize> {
        let x0 = (*x << 1).wrapping_add(self.g0);
        let x1 = (*x << 2).wrapping_add(self.t01);
        let x2 = (*x << 3).wrapping_add(self.t012);
        let x3 = (*x << 4).wrapping_add(self.t0123);
        let (k, at) = if x0 < threshold {
            (0, x0)
        } else if x1 < threshold {
            (1, x1)
        } else if x2 < threshold {
            (2, x2)
        } else if x3 < threshold {
            (3, x3)
        } else {
            *x = x3;
            return None;
        };
        *x = at;
        Some(k)
    }
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
            for len in [0, 1, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 77, 1000] {
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
