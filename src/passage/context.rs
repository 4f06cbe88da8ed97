//! A filter on lookup candidates: two bytes of context stored with each
//! anchor, that rule out most comparisons that could not give a run of
//! `min_len` bytes, and never one that could.
//!
//! A lookup compares a candidate's bytes with the document's around the
//! anchor's k-gram: `left` bytes agree before the anchor (at most back to
//! the window's start) and `right` bytes from it (the k-gram included); the
//! run counts when `left + right >= m`. With `d = ceil((m - k) / 2)`, a run
//! that counts has `left >= d` or `right >= k + d`: otherwise `left + right
//! <= 2d + k - 2 < m`. So it agrees on the bytes just after `d` bytes before
//! the anchor, or on those just before `k + d` bytes after its start. Each
//! side's few bytes there are hashed to 8 bits, or 0 when the side is out
//! of reach (too near the document's edge, or before the window), and a
//! candidate is compared only when, on one side, both anchors have a
//! hash and the two are equal. Equal bytes hash equally, so a run that
//! counts always passes, and the answer is the same as without the filter;
//! a side whose bytes differ passes about 1 time in 255.
//!
//! How many comparisons the filter saves depends on the text: it saves the
//! most where every k-gram was seen many times before (`passage_profile`
//! measures it; BENCHMARKS.md has the figures).

/// Bytes hashed on each side (fewer when `d` is smaller).
const SIDE_BYTES: usize = 4;

/// The context rule for one `min_len` and k-gram length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Context {
    /// The k-gram length.
    k: usize,
    /// How far from the k-gram each side's bytes lie: the left ones start
    /// `d` bytes before it, the right ones end `d` bytes after it.
    d: usize,
    /// Bytes per side: `min(SIDE_BYTES, d)`.
    g: usize,
    /// The low `g` bytes of a word: a 4-byte load masked with it reads one
    /// side.
    keep: u32,
}

impl Context {
    /// The rule for `min_len` `m` and k-gram length `k <= m`.
    pub(crate) fn new(m: usize, k: usize) -> Context {
        let d = (m - k).div_ceil(2);
        let g = d.min(SIDE_BYTES);
        Context {
            k,
            d,
            g,
            keep: u32::MAX
                .checked_shr(8 * (SIDE_BYTES - g) as u32)
                .unwrap_or(0),
        }
    }

    /// The context of the k-gram at `pos` of `text`, where a comparison may
    /// go back `left_room` bytes before it (to its document's start for a
    /// stored anchor, to the window's start for a lookup).
    #[inline]
    pub(crate) fn of(&self, text: &[u8], pos: usize, left_room: usize) -> u16 {
        let (d, g, keep) = (self.d, self.g, self.keep);
        let end = pos + self.k + d;
        let left = left_room >= d && pos >= d;
        let right = end <= text.len();
        // The side's `g` bytes as the low bytes of a word, the others 0:
        // one 4-byte load, masked when `g < 4` (`min_len` 16 and 17) and
        // the text goes on; byte by byte only at its very end.
        let side = |from: usize| {
            let word = match text.get(from..from + SIDE_BYTES) {
                Some(four) => u32::from_le_bytes(four.try_into().unwrap_or_default()) & keep,
                None => text[from..from + g]
                    .iter()
                    .rev()
                    .fold(0, |word, &b| word << 8 | u32::from(b)),
            };
            hash_side(word)
        };
        let left = if left { side(pos - d) } else { 0 };
        let right = if right { side(end - g) } else { 0 };
        u16::from(left) << 8 | u16::from(right)
    }

    /// What [`Context::of`] gives for `left_room`, from `full`, the
    /// context of the same k-gram with room back to its document's start
    /// (`left_room == pos`), for `left_room <= pos`: the left side drops
    /// out when the room is short of `d`, and nothing else changes.
    #[inline]
    pub(crate) fn within(&self, full: u16, left_room: usize) -> u16 {
        if left_room >= self.d {
            full
        } else {
            full & 0x00FF
        }
    }
}

/// Whether a stored anchor of context `stored` may give a run that counts
/// for a lookup of context `wanted`: one side agrees and is in reach.
#[inline]
pub(crate) fn passes(stored: u16, wanted: u16) -> bool {
    let same = stored ^ wanted;
    let left_ok = same & 0xFF00 == 0 && stored & 0xFF00 != 0;
    let right_ok = same & 0x00FF == 0 && stored & 0x00FF != 0;
    left_ok || right_ok
}

/// A side's bytes (read as a little-endian word) hashed to `1..=255`.
#[inline]
fn hash_side(word: u32) -> u8 {
    let mixed = word.wrapping_mul(0x9E37_79B1) >> 24;
    // 0 means "out of reach".
    (mixed % 255) as u8 + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two documents that agree on exactly `left` bytes before position
    /// `at` and `right` bytes from it (and differ right outside).
    fn pair(at: usize, left: usize, right: usize, len: usize) -> (Vec<u8>, Vec<u8>) {
        let a: Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
        let mut b: Vec<u8> = a.iter().map(|x| x ^ 0x55).collect();
        b[at - left..at + right].copy_from_slice(&a[at - left..at + right]);
        (a, b)
    }

    #[test]
    fn a_shorter_left_room_only_drops_the_left_side() {
        let mut state = 7u64;
        let text: Vec<u8> = (0..600)
            .map(|_| b"ab "[(crate::gear::splitmix64(&mut state) % 3) as usize])
            .collect();
        for (m, k) in [(16, 16), (17, 16), (30, 16), (50, 22), (100, 32), (300, 32)] {
            let c = Context::new(m, k);
            for pos in 0..=text.len() - k {
                let full = c.of(&text, pos, pos);
                for room in 0..=pos {
                    assert_eq!(
                        c.within(full, room),
                        c.of(&text, pos, room),
                        "{m} {pos} {room}"
                    );
                }
            }
        }
    }

    /// The context as defined: each side's bytes copied into a zeroed
    /// word, whatever follows them in the text.
    fn by_definition(c: &Context, text: &[u8], pos: usize, left_room: usize) -> u16 {
        let side = |from: usize| {
            let mut word = [0u8; SIDE_BYTES];
            word[..c.g].copy_from_slice(&text[from..from + c.g]);
            hash_side(u32::from_le_bytes(word))
        };
        let end = pos + c.k + c.d;
        let left = if left_room >= c.d && pos >= c.d {
            side(pos - c.d)
        } else {
            0
        };
        let right = if end <= text.len() {
            side(end - c.g)
        } else {
            0
        };
        u16::from(left) << 8 | u16::from(right)
    }

    #[test]
    fn the_masked_load_gives_the_defined_context() {
        let mut state = 11u64;
        let text: Vec<u8> = (0..300)
            .map(|_| crate::gear::splitmix64(&mut state) as u8)
            .collect();
        // Sides of 3 (`min_len` 16 and 17), 4 and 0 bytes, up to the text's end.
        for (m, k) in [(16, 11), (17, 11), (18, 11), (100, 32), (16, 16)] {
            let c = Context::new(m, k);
            for pos in 0..=text.len() - k {
                for room in [0, c.d, pos] {
                    assert_eq!(c.of(&text, pos, room), by_definition(&c, &text, pos, room));
                }
            }
        }
    }

    #[test]
    fn every_run_that_counts_passes() {
        for m in [16, 17, 22, 23, 30, 44, 45, 63, 64, 65, 100, 101, 200] {
            let k = crate::passage::anchor::Params::new(m, 0).k;
            let c = Context::new(m, k);
            let at = m + 8;
            // Every split of a run of exactly `m` bytes (the k-gram agrees),
            // with the window starting exactly where the run does.
            for left in 0..=m - k {
                let (a, b) = pair(at, left, m - left, 3 * m + 16);
                let (x, y) = (c.of(&a, at, left), c.of(&b, at, left));
                assert!(passes(x, y), "m {m} left {left}");
                assert!(passes(y, x), "m {m} left {left}");
            }
        }
    }

    #[test]
    fn a_side_out_of_reach_never_passes() {
        let c = Context::new(100, 32);
        let text = vec![b'x'; 400];
        // Left: fewer than d bytes of room (the right side still passes).
        // Both: too near the end as well.
        let near_start = c.of(&text, 40, 33);
        assert_eq!(near_start >> 8, 0);
        assert!(passes(near_start, c.of(&text, 200, 200)));
        let near_end = c.of(&text, 400 - 32 - 33, 33);
        assert_eq!(near_end, 0);
        assert!(!passes(near_end, near_end));
        assert!(!passes(0, 0));
    }

    #[test]
    fn a_disagreeing_side_rarely_passes() {
        let c = Context::new(100, 32);
        let text: Vec<u8> = (0..20_000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        let probe = c.of(&text, 100, 100);
        let passed = (200..19_800)
            .filter(|&p| passes(c.of(&text, p, p), probe))
            .count();
        assert!(passed < 19_600 / 50, "{passed}");
    }
}
