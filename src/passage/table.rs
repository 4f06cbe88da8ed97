//! The anchor table: k-gram hash to the earlier anchor positions with that
//! hash, at most [`MAX_CANDIDATES`] per hash.
//!
//! An open-addressing multimap with linear probing: equal keys sit in one
//! probe run, so the candidates of a hash are read from consecutive slots
//! and no per-key allocation is needed. A slot is 12 bytes: an 8-byte word
//! holding the top 26 bits of the mixed hash and the stream position plus
//! one (0 marks an empty slot), and a 4-byte side word holding 16 more
//! bits of the mixed hash, so that keys are told apart, and homed, by 42
//! bits: probe runs stay short and candidate lists hold one key however
//! large the corpus (up to 2^42 slots), and two bytes of the anchor's context
//! ([`crate::passage::context`]) that let a lookup skip most candidates
//! that cannot give a run. The two words of a slot sit together, so that a
//! probe reads one cache line, not one in each of two arrays. The table is
//! at most half full: 24 to 48 bytes per stored anchor.

use crate::passage::context;

/// The most earlier positions kept per key. An insert under a key that
/// already has this many entries is refused: the scan then keys the
/// windows of that anchor by their own bytes instead, and counts a refusal
/// ([`AnchorTable::refused`]) only when such a key is full too.
pub(crate) const MAX_CANDIDATES: usize = 32;

/// Hash bits kept in a slot.
const TAG_BITS: u32 = 26;
/// Hash bits kept in a slot and its side word together.
const KEY_BITS: u32 = TAG_BITS + 16;
/// Bits of a slot holding the position plus one.
const POS_BITS: u32 = 64 - TAG_BITS;
/// Mask of the position bits.
const POS_MASK: u64 = (1 << POS_BITS) - 1;
/// Positions from here on are not stored (256 GiB of text).
pub(crate) const MAX_POS: u64 = POS_MASK - 1;

/// The mixed hash: anchors are window minima, so their own top bits are
/// mostly zero; a multiplication by an odd constant spreads them.
#[inline]
fn mixed(hash: u64) -> u64 {
    hash.wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// The slot tag of a hash: the top bits of the mixed hash.
#[inline]
fn tag(hash: u64) -> u64 {
    mixed(hash) >> POS_BITS
}

/// The side word of an entry: 16 more bits of the mixed hash (below the
/// tag's) over the context.
#[inline]
fn side(hash: u64, ctx: u16) -> u32 {
    ((mixed(hash) >> (POS_BITS - 16)) as u32) << 16 | u32::from(ctx)
}

/// The list `hash` belongs to: the 42 bits of the mixed hash that the
/// table tells keys apart by. Hashes with the same list share its
/// [`MAX_CANDIDATES`] entries.
#[inline]
pub(crate) fn list_of(hash: u64) -> u64 {
    mixed(hash) >> (64 - KEY_BITS)
}

/// Whether two side words are of the same key (their hash bits agree).
#[inline]
fn same_key(a: u32, b: u32) -> bool {
    (a ^ b) >> 16 == 0
}

/// One slot of the table: the word `tag << POS_BITS | pos + 1` (0 when
/// empty) in two halves, so that the slot takes 12 bytes, and the side
/// word ([`side`]: 16 more hash bits and the anchor's context).
#[derive(Clone, Copy, Debug, Default)]
struct Slot {
    /// The word's low half.
    low: u32,
    /// The word's high half.
    high: u32,
    /// The side word.
    side: u32,
}

impl Slot {
    /// The slot holding `word` and `side`.
    #[inline]
    fn new(word: u64, side: u32) -> Slot {
        Slot {
            low: word as u32,
            high: (word >> 32) as u32,
            side,
        }
    }

    /// The tag and position word (0 when the slot is empty).
    #[inline]
    fn word(self) -> u64 {
        u64::from(self.high) << 32 | u64::from(self.low)
    }
}

/// Hash to earlier anchor positions.
#[derive(Clone, Debug, Default)]
pub(crate) struct AnchorTable {
    /// Power-of-two many slots, or none before the first insert.
    slots: Vec<Slot>,
    /// Used slots.
    len: usize,
    /// Anchors refused by the scan (see [`MAX_CANDIDATES`]), or because
    /// their position was past [`MAX_POS`].
    refused: u64,
    /// Bytes of text in the windows refused by the scan (their union
    /// within each document).
    refused_bytes: u64,
    /// Windows stored under their window keys (for the tests).
    window_keyed: u64,
}

impl AnchorTable {
    /// The first slot probed for an entry of tag `tag` and side word
    /// `side`: the top bits of their 42 hash bits, spread out when the
    /// table has more slots than that.
    #[inline]
    fn home(&self, tag: u64, side: u32) -> usize {
        let key = tag << 16 | u64::from(side >> 16);
        let bits = self.slots.len().trailing_zeros();
        if bits <= KEY_BITS {
            (key >> (KEY_BITS - bits)) as usize
        } else {
            (key << (bits - KEY_BITS)) as usize
        }
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

    /// Windows stored under their window keys so far.
    #[cfg(test)]
    pub(crate) fn window_keyed(&self) -> u64 {
        self.window_keyed
    }

    /// Stores the window at `pos` under its window key `key`
    /// ([`crate::passage::window`]); returns `false` when the key is full.
    pub(crate) fn insert_window(&mut self, key: u64, pos: u64) -> bool {
        let stored = self.insert(key, pos, 0);
        self.window_keyed += u64::from(stored);
        stored
    }

    /// Counts an anchor the scan could not store (a repeat of its windows
    /// may be missed).
    pub(crate) fn count_refused(&mut self) {
        self.refused += 1;
    }

    /// Counts a window the scan could not store, whose `new_bytes` were in
    /// no window refused before it in its document.
    pub(crate) fn count_refused_window(&mut self, new_bytes: u64) {
        self.refused += 1;
        self.refused_bytes += new_bytes;
    }

    /// Bytes of text in the windows refused so far (see
    /// [`AnchorTable::count_refused_window`]).
    pub(crate) fn refused_bytes(&self) -> u64 {
        self.refused_bytes
    }

    /// Forgets every anchor and the refusal count.
    pub(crate) fn clear(&mut self) {
        self.slots = Vec::new();
        self.len = 0;
        self.refused = 0;
        self.refused_bytes = 0;
        self.window_keyed = 0;
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
            let i = self.home(tag(hash), side(hash, 0));
            let slot = self.slots[i];
            acc ^ slot.word() ^ u64::from(slot.side)
        })
    }

    /// Appends the positions stored for `hash` (at most
    /// [`MAX_CANDIDATES`]) to `out`: all of them when `wanted` is `None`,
    /// otherwise those whose context passes for a lookup of context
    /// `wanted()` ([`context::passes`]; computed only if the hash has
    /// entries, once). Returns whether the key is full (holds
    /// [`MAX_CANDIDATES`] entries, so that an insert would be refused).
    pub(crate) fn candidates(
        &self,
        hash: u64,
        wanted: Option<&dyn Fn() -> u16>,
        out: &mut Vec<u64>,
    ) -> bool {
        if self.slots.is_empty() {
            return false;
        }
        let (tag, key) = (tag(hash), side(hash, 0));
        let mask = self.slots.len() - 1;
        let mut i = self.home(tag, key);
        let mut want = None;
        let mut same = 0;
        loop {
            let (word, slot_side) = (self.slots[i].word(), self.slots[i].side);
            if word == 0 {
                return same >= MAX_CANDIDATES;
            }
            if word >> POS_BITS == tag && same_key(slot_side, key) {
                same += 1;
                let passes = match wanted {
                    None => true,
                    Some(wanted) => {
                        let want = *want.get_or_insert_with(wanted);
                        context::passes(slot_side as u16, want)
                    }
                };
                if passes {
                    out.push((word & POS_MASK) - 1);
                }
            }
            i = (i + 1) & mask;
        }
    }

    /// Stores `pos`, an anchor of context `ctx`, under `hash`; returns
    /// `false` when the hash is full (then nothing is stored or counted).
    /// A position past [`MAX_POS`] is not stored either, and is counted as
    /// refused.
    pub(crate) fn insert(&mut self, hash: u64, pos: u64, ctx: u16) -> bool {
        if pos >= MAX_POS {
            self.refused += 1;
            return true;
        }
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let (tag, side) = (tag(hash), side(hash, ctx));
        let mask = self.slots.len() - 1;
        let mut i = self.home(tag, side);
        let mut same = 0;
        while self.slots[i].word() != 0 {
            let slot = self.slots[i];
            if slot.word() >> POS_BITS == tag && same_key(slot.side, side) {
                same += 1;
                if same == MAX_CANDIDATES {
                    return false;
                }
            }
            i = (i + 1) & mask;
        }
        self.slots[i] = Slot::new(tag << POS_BITS | (pos + 1), side);
        self.len += 1;
        true
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
        let mask = size - 1;
        for slot in old.into_iter().filter(|s| s.word() != 0) {
            let mut i = self.home(slot.word() >> POS_BITS, slot.side);
            while self.slots[i].word() != 0 {
                i = (i + 1) & mask;
            }
            self.slots[i] = slot;
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
        let mut full = 0;
        for pos in 0..100u64 {
            full += u64::from(!t.insert(pos % 3, pos, ctx(pos)));
        }
        for pos in 0..5000u64 {
            assert!(t.insert(1000 + pos, pos, ctx(pos)));
        }
        assert_eq!(full, 100 - 3 * MAX_CANDIDATES as u64);
        assert_eq!(t.refused(), 0, "the scan counts refusals");
        let kept: Vec<u64> = (0..100)
            .filter(|p| p % 3 == 1)
            .take(MAX_CANDIDATES)
            .collect();
        for wanted in [1, 2] {
            let mut out = Vec::new();
            assert!(t.candidates(1, Some(&|| wanted), &mut out));
            out.sort_unstable();
            let expected: Vec<u64> = kept.iter().copied().filter(|&p| ctx(p) == wanted).collect();
            assert_eq!(out, expected);
        }
        let mut out = Vec::new();
        assert!(t.candidates(1, None, &mut out));
        out.sort_unstable();
        assert_eq!(out, kept);
        out.clear();
        assert!(!t.candidates(1000 + 4321, Some(&|| 2), &mut out));
        assert_eq!(out, [4321]);
        out.clear();
        t.candidates(1000 + 4321, Some(&|| 1), &mut out);
        assert!(out.is_empty(), "context filtered");
        t.candidates(99_999, Some(&|| 1), &mut out);
        assert!(out.is_empty());
        t.count_refused();
        assert_eq!(t.refused(), 1);
        t.clear();
        assert_eq!(t.refused(), 0);
        t.candidates(1, None, &mut out);
        assert!(out.is_empty());
    }

    /// Keys that share the slot's 26 tag bits are told apart by the side
    /// word's 16: neither lists the other's entries nor counts them.
    #[test]
    fn keys_with_one_tag_are_apart() {
        // The hash whose mixed value is `x`: multiply by the inverse of the
        // odd constant (Newton's iteration, modulo 2^64).
        let c = 0x9E37_79B9_7F4A_7C15u64;
        let mut inv = c;
        for _ in 0..6 {
            inv = inv.wrapping_mul(2u64.wrapping_sub(c.wrapping_mul(inv)));
        }
        let unmixed = |x: u64| x.wrapping_mul(inv);
        let (a, b) = (
            unmixed(0xABCD_EF01_2345_6789),
            unmixed(0xABCD_EF01_2345_6789 ^ 1 << 30),
        );
        assert_eq!(tag(a), tag(b));
        assert!(!same_key(side(a, 0), side(b, 0)));
        let mut t = AnchorTable::default();
        for pos in 0..MAX_CANDIDATES as u64 {
            assert!(t.insert(a, pos, 1));
        }
        assert!(!t.insert(a, 99, 1), "a is full");
        assert!(t.insert(b, 1000, 1), "b is not");
        let mut out = Vec::new();
        assert!(!t.candidates(b, None, &mut out));
        assert_eq!(out, [1000]);
        out.clear();
        assert!(t.candidates(a, None, &mut out));
        assert_eq!(out.len(), MAX_CANDIDATES);
        assert!(!out.contains(&1000));
    }
}
