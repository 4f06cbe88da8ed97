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
//! the loop-carried dependency chain, and one `lea h, [g + 2h]` computes it
//! (one cycle on the Zen 3 cores measured; some older cores take two for a
//! scaled index). But written plainly, LLVM folds the table load into the
//! add and emits two dependent adds (`add h, h; add h, [table + 8 * byte]`),
//! so the loop cannot go faster than two cycles per byte, whatever the
//! width of the core.
//!
//! [`scan`] takes four bytes per step and loads the next step's four table
//! values while it rolls in the current ones (software pipelining): the
//! values are then loop variables in registers, and each byte costs one
//! `lea` on the chain. What is left per byte is four macro-operations (the
//! byte load, the table load, the `lea`, a fused compare-and-branch) plus
//! the loop's two per four bytes: 18 per four bytes, against 22 for the
//! earlier version that moved the chain four bytes at a time (`16 h + t`,
//! with partial sums `t` built per block). `chunks_exact(4)` and a `u8`
//! index into a 256-entry table remove every bounds check. Eight bytes per
//! step ran out of registers and was no faster. See BENCHMARKS.md
//! (chunking) for the figures and the variants measured.

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
/// Four bytes per step, their table values loaded one step ahead (see the
/// module docs).
///
/// # Complexity
///
/// Linear in `bytes.len()`, no allocation.
// Out of line on purpose: inlined into the chunk iterators, the chunker ran
// at 1.02x to 1.11x fastcdc's speed in `tools/src/bin/chunk_speed.rs` against
// 1.36x to 1.50x out of line (two alternating runs each); one call per
// chunk costs little next to the loop.
#[inline(never)]
pub(crate) fn scan(gear: &[u64; 256], h: &mut u64, bytes: &[u8], threshold: u64) -> Option<usize> {
    let load = |b: &[u8]| {
        [
            gear[b[0] as usize],
            gear[b[1] as usize],
            gear[b[2] as usize],
            gear[b[3] as usize],
        ]
    };
    let mut x = *h;
    let mut blocks = bytes.chunks_exact(4);
    let mut base = 0;
    if let Some(first) = blocks.next() {
        let mut cur = load(first);
        for b in &mut blocks {
            // Loaded now, used in the next step: in registers by then.
            let next = load(b);
            if let Some(k) = roll(&mut x, cur, threshold) {
                *h = x;
                return Some(base + k);
            }
            cur = next;
            base += 4;
        }
        if let Some(k) = roll(&mut x, cur, threshold) {
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

/// Rolls four table values into `x`, stopping after the first one that
/// leaves `x < threshold` and returning its index.
#[inline(always)]
fn roll(x: &mut u64, values: [u64; 4], threshold: u64) -> Option<usize> {
    for (k, &g) in values.iter().enumerate() {
        *x = (*x << 1).wrapping_add(g);
        if *x < threshold {
            return Some(k);
        }
    }
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

    /// The reference: the hash after each byte of `bytes` from `h`.
    fn hashes(h: u64, bytes: &[u8]) -> Vec<u64> {
        bytes
            .iter()
            .scan(h, |y, &b| {
                *y = (*y << 1).wrapping_add(DEFAULT_TABLE[b as usize]);
                Some(*y)
            })
            .collect()
    }

    #[test]
    fn scan_matches_byte_at_a_time() {
        let data: Vec<u8> = (0..1000u32).map(|i| (i * 7 + i / 13) as u8).collect();
        // Where a cut was seen: (0 loop, 1 last full step, 2 remainder,
        // offset in the step).
        let mut seen = [[false; 4]; 3];
        for h0 in [0, 12345, u64::MAX, 0xF0F0_0000_0000_0001] {
            // Starting offsets move the cuts to every place in a step.
            for start in 0..12 {
                for len in [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 15, 17, 18, 77, 988] {
                    let bytes = &data[start..start + len];
                    let ys = hashes(h0, bytes);
                    // Thresholds at, and one past, the hash after a byte at
                    // each place of a step and of the remainder, besides
                    // fixed ones: `<` is tested where it differs from `<=`.
                    let mut thresholds = vec![0, 1 << 58, 1 << 60, 1 << 62, u64::MAX];
                    for i in [
                        0,
                        1,
                        2,
                        3,
                        5,
                        6,
                        7,
                        len.saturating_sub(1),
                        len.saturating_sub(2),
                    ] {
                        if let Some(&y) = ys.get(i) {
                            thresholds.extend([y, y.wrapping_add(1)]);
                        }
                    }
                    for threshold in thresholds {
                        let mut h = h0;
                        let got = scan(&DEFAULT_TABLE, &mut h, bytes, threshold);
                        let want = ys.iter().position(|&y| y < threshold);
                        let at = want.map_or(ys.last().copied().unwrap_or(h0), |i| ys[i]);
                        assert_eq!(
                            (got, h),
                            (want, at),
                            "h {h0}, start {start}, len {len}, threshold {threshold}"
                        );
                        if let Some(i) = want {
                            let steps = len / 4;
                            let path = if i >= 4 * steps {
                                2
                            } else if i / 4 + 1 == steps {
                                1
                            } else {
                                0
                            };
                            seen[path][i % 4] = true;
                        }
                    }
                }
            }
        }
        assert_eq!(seen, [[true; 4], [true; 4], [true, true, true, false]]);
    }
}
