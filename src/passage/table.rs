//! The anchor table: k-gram hash to the earlier anchor positions with that
//! hash, at most [`MAX_CANDIDATES`] per hash.
//!
//! An open-addressing multimap with linear probing: equal keys sit in one
//! probe run, so the candidates of a hash are read from consecutive slots
//! and no per-key allocation is needed. A slot is one 8-byte word: the top
//! 26 bits of the mixed hash (which also choose the slot's home, so the
//! table can grow without the full hash) and the stream position plus one
//! (0 marks an empty slot). Beside each slot, two bytes of the anchor's
//! context ([`crate::passage::context`]) let a lookup skip most candidates
//! that cannot give a run. The table is at most half full: 20 to 40 bytes
//! per stored anchor.

use crate::passage::context;

/// The most earlier positions kept per k-gram hash. An anchor whose hash
/// already has this many entries is refused (counted in
/// [`AnchorTable::refused`]); that is the only way passage mode can miss a
/// repeat.
pub(crate) const MAX_CANDIDATES: usize = 32;

/// Hash bits kept in a slot.
const TAG_BITS: u32 = 26;
/// Bits of a slot holding the position plus one.
const POS_BITS: u32 = 64 - TAG_BITS;
/// Mask of the position bits.
const POS_MASK: u64 = (1 << POS_BITS) - 1;
/// Positions from here on are not stored (256 GiB of text).
pub(crate) const MAX_POS: u64 = POS_MASK - 1;

/// The slot tag of a hash: the top bits of the hash times an odd constant
/// (anchors are window minima, so their own top bits are mostly zero).
#[inline]
fn tag(hash: u64) -> u64 {
    hash.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> POS_BITS
}

/// Hash to earlier anchor positions.
#[derive(Clone, Debug, Default)]
pub(crate) struct AnchorTable {
    /// Power-of-two many slots (`tag << POS_BITS | pos + 1`, or 0 when
    /// empty), or none before the first insert.
    slots: Vec<u64>,
    /// The context of each used slot's anchor (same index).
    ctx: Vec<u16>,
    /// Used slots.
    len: usize,
    /// Anchors refused because their hash already had
    /// [`MAX_CANDIDATES`] entries (or their position was past [`MAX_POS`]).
    refused: u64,
}

impl AnchorTable {
    /// The first slot probed for `tag`: its top bits, spread out when the
    /// table has more slots than tags.
    #[inline]
    fn home(&self, tag: u64) -> usize {
        let bits = self.slots.len().trailing_zeros();
        if bits <= TAG_BITS {
            (tag >> (TAG_BITS - bits)) as usize
        } else {
            (tag << (bits - TAG_BITS)) as usize
        }
    }

    /// The number of stored anchors.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Bytes of heap memory held.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.slots.capacity() * 8 + self.ctx.capacity() * 2
    }

    /// Anchors refused so far (see [`MAX_CANDIDATES`]).
    pub(crate) fn refused(&self) -> u64 {
        self.refused
    }

    /// Forgets every anchor and the refusal count.
    pub(crate) fn clear(&mut self) {
        self.slots = Vec::new();
        self.ctx = Vec::new();
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
        hashes.fold(0, |acc, hash| {
            let i = self.home(tag(hash));
            acc ^ self.slots[i] ^ u64::from(self.ctx[i])
        })
    }

    /// Appends the positions stored for `hash` (at most
    /// [`MAX_CANDIDATES`]) to `out`, those whose context passes for a
    /// lookup of context `wanted()` ([`context::passes`]; computed only if
    /// the hash has entries, once).
    pub(crate) fn candidates(&self, hash: u64, wanted: impl Fn() -> u16, out: &mut Vec<u64>) {
        if self.slots.is_empty() {
            return;
        }
        let tag = tag(hash);
        let mask = self.slots.len() - 1;
        let mut i = self.home(tag);
        let mut want = None;
        loop {
            let slot = self.slots[i];
            if slot == 0 {
                return;
            }
            if slot >> POS_BITS == tag {
                let want = *want.get_or_insert_with(&wanted);
                if context::passes(self.ctx[i], want) {
                    out.push((slot & POS_MASK) - 1);
                }
            }
            i = (i + 1) & mask;
        }
    }

    /// Stores `pos`, an anchor of context `ctx`, under `hash` unless the
    /// hash is full.
    pub(crate) fn insert(&mut self, hash: u64, pos: u64, ctx: u16) {
        if pos >= MAX_POS {
            self.refused += 1;
            return;
        }
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let tag = tag(hash);
        let mask = self.slots.len() - 1;
        let mut i = self.home(tag);
        let mut same = 0;
        while self.slots[i] != 0 {
            if self.slots[i] >> POS_BITS == tag {
                same += 1;
                if same == MAX_CANDIDATES {
                    self.refused += 1;
                    return;
                }
            }
            i = (i + 1) & mask;
        }
        self.slots[i] = tag << POS_BITS | (pos + 1);
        self.ctx[i] = ctx;
        self.len += 1;
    }

    /// Makes room for `additional` more anchors without growing.
    pub(crate) fn reserve(&mut self, additional: usize) {
        self.reserve_with(additional, false);
    }

    /// [`AnchorTable::reserve`], the fresh arrays written on every thread
    /// of the current rayon pool: for a batch, which runs there anyway.
    /// (Not for a growth while one document is scanned: a single-document
    /// call must not start rayon's global pool, nor a round's matching wait
    /// on a parallel job.)
    pub(crate) fn reserve_on_every_thread(&mut self, additional: usize) {
        self.reserve_with(additional, true);
    }

    fn reserve_with(&mut self, additional: usize, parallel: bool) {
        let want = ((self.len + additional) * 2).next_power_of_two();
        if want > self.slots.len() {
            self.resize(want, parallel);
        }
    }

    fn grow(&mut self) {
        self.resize((self.slots.len() * 2).max(1024), false);
    }

    fn resize(&mut self, size: usize, parallel: bool) {
        // Written before first use: a zeroed allocation maps the shared
        // zero page on the first read of a slot, and the first insert then
        // copies it, a fault that interrupts every other thread of the
        // process to flush its address translations. The writes fault the
        // pages in, a few microseconds each (70 ms for the table of a
        // 128 MiB batch on one thread), so a batch has every thread take a
        // part.
        let old = core::mem::replace(&mut self.slots, written(size, parallel));
        let old_ctx = core::mem::replace(&mut self.ctx, written(size, parallel));
        let mask = size - 1;
        for (slot, ctx) in old.into_iter().zip(old_ctx).filter(|&(s, _)| s != 0) {
            let mut i = self.home(slot >> POS_BITS);
            while self.slots[i] != 0 {
                i = (i + 1) & mask;
            }
            self.slots[i] = slot;
            self.ctx[i] = ctx;
        }
    }
}

/// `size` default values, every page written (on every thread of the
/// current rayon pool when `parallel`).
fn written<T: Copy + Default + Send>(size: usize, parallel: bool) -> Vec<T> {
    let mut fresh = vec![T::default(); size];
    if parallel {
        let mut parts: Vec<&mut [T]> = fresh.chunks_mut(1 << 18).collect();
        crate::par::map_mut(&mut parts, |_, part| {
            core::hint::black_box(part).fill(T::default());
        });
    } else {
        core::hint::black_box(fresh.as_mut_slice()).fill(T::default());
    }
    fresh
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multimap_keeps_the_first_entries_per_hash() {
        // Right-side contexts 1 and 2 by parity (no left side).
        let ctx = |pos: u64| (1 + pos % 2) as u16;
        let mut t = AnchorTable::default();
        for pos in 0..100u64 {
            t.insert(pos % 3, pos, ctx(pos));
        }
        for pos in 0..5000u64 {
            t.insert(1000 + pos, pos, ctx(pos));
        }
        let kept: Vec<u64> = (0..100)
            .filter(|p| p % 3 == 1)
            .take(MAX_CANDIDATES)
            .collect();
        for wanted in [1, 2] {
            let mut out = Vec::new();
            t.candidates(1, || wanted, &mut out);
            out.sort_unstable();
            let expected: Vec<u64> = kept.iter().copied().filter(|&p| ctx(p) == wanted).collect();
            assert_eq!(out, expected);
        }
        assert_eq!(t.refused(), 100 - 3 * MAX_CANDIDATES as u64);
        let mut out = Vec::new();
        t.candidates(1000 + 4321, || 2, &mut out);
        assert_eq!(out, [4321]);
        out.clear();
        t.candidates(1000 + 4321, || 1, &mut out);
        assert!(out.is_empty(), "context filtered");
        t.candidates(99_999, || 1, &mut out);
        assert!(out.is_empty());
        t.clear();
        t.candidates(1, || 1, &mut out);
        assert!(out.is_empty());
    }
}
