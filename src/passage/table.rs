//! The anchor table: k-gram hash to the earlier anchor positions with that
//! hash, at most [`MAX_CANDIDATES`] per hash.
//!
//! An open-addressing multimap with linear probing: equal keys sit in one
//! probe run, so the candidates of a hash are read from consecutive slots
//! and no per-key allocation is needed. Each slot is 16 bytes; the table is
//! at most half full.

/// The most earlier positions kept per k-gram hash. An anchor whose hash
/// already has this many entries is refused (counted in
/// [`AnchorTable::refused`]); that is the only way passage mode can miss a
/// repeat.
pub(crate) const MAX_CANDIDATES: usize = 32;

/// A used slot's tag has this bit set; an empty slot's tag is 0.
const USED: u64 = 1 << 63;

#[derive(Clone, Copy, Debug, Default)]
struct Slot {
    /// `USED | hash`, or 0 for an empty slot.
    tag: u64,
    /// The anchor's global position in the corpus stream.
    pos: u64,
}

/// Hash to earlier anchor positions.
#[derive(Clone, Debug, Default)]
pub(crate) struct AnchorTable {
    /// Power-of-two many slots, or none before the first insert.
    slots: Vec<Slot>,
    /// Used slots.
    len: usize,
    /// Anchors refused because their hash already had
    /// [`MAX_CANDIDATES`] entries.
    refused: u64,
}

impl AnchorTable {
    #[inline]
    fn home(&self, tag: u64) -> usize {
        let bits = self.slots.len().trailing_zeros();
        (tag.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as usize
    }

    /// The number of stored anchors.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Bytes of heap memory held.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.slots.capacity() * core::mem::size_of::<Slot>()
    }

    /// Anchors refused so far (see [`MAX_CANDIDATES`]).
    pub(crate) fn refused(&self) -> u64 {
        self.refused
    }

    /// Forgets every anchor and the refusal count.
    pub(crate) fn clear(&mut self) {
        self.slots = Vec::new();
        self.len = 0;
        self.refused = 0;
    }

    /// Reads the home slot of each hash, so that the lookups and inserts
    /// that follow find them in cache: the reads are independent, so their
    /// memory latencies overlap instead of adding up. Returns a value that
    /// depends on the reads (to keep them).
    pub(crate) fn warm(&self, hashes: impl Iterator<Item = u64>) -> u64 {
        if self.slots.is_empty() {
            return 0;
        }
        hashes.fold(0, |acc, hash| acc ^ self.slots[self.home(USED | hash)].tag)
    }

    /// Appends the positions stored for `hash` to `out` (at most
    /// [`MAX_CANDIDATES`]).
    pub(crate) fn candidates(&self, hash: u64, out: &mut Vec<u64>) {
        if self.slots.is_empty() {
            return;
        }
        let tag = USED | hash;
        let mask = self.slots.len() - 1;
        let mut i = self.home(tag);
        loop {
            let slot = self.slots[i];
            if slot.tag == 0 {
                return;
            }
            if slot.tag == tag {
                out.push(slot.pos);
            }
            i = (i + 1) & mask;
        }
    }

    /// Stores `pos` under `hash` unless the hash is full.
    pub(crate) fn insert(&mut self, hash: u64, pos: u64) {
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let tag = USED | hash;
        let mask = self.slots.len() - 1;
        let mut i = self.home(tag);
        let mut same = 0;
        while self.slots[i].tag != 0 {
            if self.slots[i].tag == tag {
                same += 1;
                if same == MAX_CANDIDATES {
                    self.refused += 1;
                    return;
                }
            }
            i = (i + 1) & mask;
        }
        self.slots[i] = Slot { tag, pos };
        self.len += 1;
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(1024);
        let old = core::mem::replace(&mut self.slots, vec![Slot::default(); size]);
        let mask = size - 1;
        for slot in old.into_iter().filter(|s| s.tag != 0) {
            let mut i = self.home(slot.tag);
            while self.slots[i].tag != 0 {
                i = (i + 1) & mask;
            }
            self.slots[i] = slot;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multimap_keeps_the_first_entries_per_hash() {
        let mut t = AnchorTable::default();
        for pos in 0..100u64 {
            t.insert(pos % 3, pos);
        }
        for pos in 0..5000u64 {
            t.insert(1000 + pos, pos);
        }
        let mut out = Vec::new();
        t.candidates(1, &mut out);
        out.sort_unstable();
        let expected: Vec<u64> = (0..100)
            .filter(|p| p % 3 == 1)
            .take(MAX_CANDIDATES)
            .collect();
        assert_eq!(out, expected);
        assert_eq!(t.refused(), 100 - 3 * MAX_CANDIDATES as u64);
        out.clear();
        t.candidates(1000 + 4321, &mut out);
        assert_eq!(out, [4321]);
        out.clear();
        t.candidates(99_999, &mut out);
        assert!(out.is_empty());
        t.clear();
        t.candidates(1, &mut out);
        assert!(out.is_empty());
    }
}
