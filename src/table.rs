//! The seen-set: first occurrence of each fingerprint.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::fingerprint::Fingerprint;
use crate::report::{DocId, Origin};

/// Where a fingerprint was first seen: the first copy's document and span.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct FirstSeen {
    /// Index of the document holding the first copy.
    pub(crate) doc: u64,
    /// Byte offset of the first copy in that document.
    pub(crate) start: u64,
    /// Where the first copy ends, its terminator included: a later copy can
    /// be longer or shorter (CRLF against LF, normalized white space).
    pub(crate) end: u64,
}

impl FirstSeen {
    /// The same position as a report's [`Origin`].
    #[inline]
    pub(crate) fn origin(self) -> Origin {
        Origin::new(DocId::new(self.doc), self.start as usize, self.end as usize)
    }
}

/// How many low bits of [`Packed::at`] hold the first copy's length.
const LEN_BITS: u32 = 24;

/// The [`Packed::at`] of an entry kept in full in [`Shard::long`]. No packed
/// position equals it: a packed length is below `2^24 - 1`.
const LONG: u64 = u64::MAX;

/// A [`FirstSeen`] in 16 bytes, so that a table entry (with its 16-byte
/// fingerprint) stays 32 bytes: the document index, then the start in the
/// high 40 bits of `at` and the length in its low 24 bits.
///
/// A first copy of 16 MiB or more, or one starting 1 TiB or more into its
/// document, does not pack: its entry holds [`LONG`] and the full position
/// lives in the shard's side table, which stays empty on ordinary text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Packed {
    /// Index of the document holding the first copy.
    doc: u64,
    /// `start << 24 | len`, or [`LONG`].
    at: u64,
}

impl Packed {
    /// `seen` packed, or `None` when it does not fit.
    #[inline]
    fn pack(seen: FirstSeen) -> Option<Packed> {
        let len = seen.end - seen.start;
        (seen.start >> (64 - LEN_BITS) == 0 && len < (1 << LEN_BITS) - 1).then_some(Packed {
            doc: seen.doc,
            at: seen.start << LEN_BITS | len,
        })
    }

    /// The position, or `None` for an entry kept in the side table.
    #[inline]
    fn unpack(self) -> Option<FirstSeen> {
        (self.at != LONG).then(|| {
            let start = self.at >> LEN_BITS;
            FirstSeen {
                doc: self.doc,
                start,
                end: start + (self.at & ((1 << LEN_BITS) - 1)),
            }
        })
    }
}

/// A hasher that passes a fingerprint's low 64 bits through: the key is
/// already the output of a strong hash, hashing it again would only cost time.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct PassThrough(u64);

impl Hasher for PassThrough {
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }

    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        // Only reached if a key type other than `Fingerprint` is hashed:
        // fold the bytes so the hasher stays correct, if slow.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    #[inline]
    fn write_u128(&mut self, v: u128) {
        self.0 = v as u64;
    }
}

/// A hash map keyed by fingerprint, hashed by its low 64 bits.
type Map<V> = HashMap<Fingerprint, V, BuildHasherDefault<PassThrough>>;

/// Fingerprint to first occurrence, for one shard of the seen-set (or for
/// the chunk-level finder, which keeps one table).
#[derive(Clone, Debug, Default)]
pub(crate) struct Shard {
    /// Every fingerprint seen, with its first occurrence packed: 32 bytes
    /// per entry.
    table: Map<Packed>,
    /// The first occurrences that do not pack (see [`Packed`]), in full;
    /// their entry in `table` holds [`LONG`]. Boxed and made on first use:
    /// ordinary text never needs it, and 64 empty shards stay small.
    long: Option<Box<Map<FirstSeen>>>,
}

/// Heap slots of a std `HashMap` with this capacity: a power of two, at
/// most 7/8 of them full.
fn slots(capacity: usize) -> usize {
    match capacity {
        0 => 0,
        1..=3 => 4,
        4..=7 => 8,
        _ => (capacity.saturating_mul(8) / 7).next_power_of_two(),
    }
}

impl Shard {
    /// The first occurrence of `fp`, or `None` after recording `here` as it.
    #[inline]
    pub(crate) fn first_or_insert(
        &mut self,
        fp: Fingerprint,
        here: FirstSeen,
    ) -> Option<FirstSeen> {
        match self.table.entry(fp) {
            Entry::Occupied(slot) => Some(slot.get().unpack().unwrap_or_else(|| {
                let long = self.long.as_deref().and_then(|long| long.get(&fp));
                *long.expect("a LONG entry is stored in `long` with it")
            })),
            Entry::Vacant(slot) => {
                match Packed::pack(here) {
                    Some(packed) => {
                        slot.insert(packed);
                    }
                    None => {
                        slot.insert(Packed {
                            doc: here.doc,
                            at: LONG,
                        });
                        self.long.get_or_insert_default().insert(fp, here);
                    }
                }
                None
            }
        }
    }

    /// Distinct fingerprints stored.
    pub(crate) fn len(&self) -> usize {
        self.table.len()
    }

    /// Heap bytes held, estimated from the capacities: each slot is an
    /// entry and a control byte.
    pub(crate) fn heap_bytes(&self) -> usize {
        let entry = |size: usize| size + 1;
        let long = self.long.as_ref().map_or(0, |long| {
            core::mem::size_of::<Map<FirstSeen>>()
                + slots(long.capacity()) * entry(core::mem::size_of::<(Fingerprint, FirstSeen)>())
        });
        slots(self.table.capacity()) * entry(core::mem::size_of::<(Fingerprint, Packed)>()) + long
    }

    /// Room for `additional` more fingerprints.
    fn reserve(&mut self, additional: usize) {
        self.table.reserve(additional);
    }

    /// Forgets everything, keeping the allocations.
    pub(crate) fn clear(&mut self) {
        self.table.clear();
        if let Some(long) = &mut self.long {
            long.clear();
        }
    }
}

/// How many shards the seen-set is cut into.
///
/// Sharding by fingerprint lets a batch resolve first occurrences on every
/// core at once (each shard on its own, in corpus order) with an answer
/// that does not depend on scheduling. 64 shards keep 16 cores busy with
/// room for imbalance, and cost nothing while they are empty.
pub(crate) const SHARDS: usize = 64;

/// The shard that owns a fingerprint: its top six bits, which the
/// in-shard hash (the low 64 bits) does not use.
#[inline]
pub(crate) fn shard_of(fp: Fingerprint) -> usize {
    (fp.as_u128() >> 122) as usize
}

/// The seen-set: fingerprint to first occurrence, sharded.
#[derive(Clone, Debug)]
pub(crate) struct SeenSet {
    /// `SHARDS` tables; a fingerprint lives in `shards[shard_of(fp)]`.
    shards: Vec<Shard>,
}

impl Default for SeenSet {
    fn default() -> SeenSet {
        SeenSet {
            shards: (0..SHARDS).map(|_| Shard::default()).collect(),
        }
    }
}

impl SeenSet {
    /// The shard that holds `fp`.
    #[inline]
    pub(crate) fn shard_mut(&mut self, fp: Fingerprint) -> &mut Shard {
        &mut self.shards[shard_of(fp)]
    }

    /// The shards, for resolving a batch one shard per task.
    pub(crate) fn shards_mut(&mut self) -> &mut [Shard] {
        &mut self.shards
    }

    /// Distinct fingerprints stored.
    pub(crate) fn len(&self) -> usize {
        self.shards.iter().map(Shard::len).sum()
    }

    /// Heap bytes held, estimated from the shards' capacities: std's
    /// `HashMap` keeps a power-of-two number of slots, at most 7/8 of them
    /// full, each a 32-byte entry and a control byte (48 bytes and a control
    /// byte in the side tables of first copies that do not pack).
    pub(crate) fn heap_bytes(&self) -> usize {
        let tables: usize = self.shards.iter().map(Shard::heap_bytes).sum();
        tables + self.shards.capacity() * core::mem::size_of::<Shard>()
    }

    /// Room for about `additional` more fingerprints, spread evenly (the
    /// shard is a uniform function of the fingerprint), with 1/8 slack.
    pub(crate) fn reserve(&mut self, additional: usize) {
        let per_shard = additional / SHARDS + additional / SHARDS / 8 + 1;
        for t in &mut self.shards {
            t.reserve(per_shard);
        }
    }

    /// Forgets everything, keeping the allocations.
    pub(crate) fn clear(&mut self) {
        self.shards.iter_mut().for_each(Shard::clear);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_is_32_bytes() {
        assert_eq!(
            core::mem::size_of::<(Fingerprint, Packed)>(),
            32,
            "the documented memory per distinct paragraph"
        );
    }

    #[test]
    fn pass_through_uses_low_bits() {
        use std::hash::BuildHasher;
        let b = BuildHasherDefault::<PassThrough>::default();
        let fp = Fingerprint::of(b"x");
        assert_eq!(b.hash_one(fp), fp.as_u128() as u64);
        let mut h = b.build_hasher();
        h.write(&[1, 2]);
        assert_eq!(h.finish(), 0x0102);
    }

    #[test]
    fn packing_round_trips_at_its_limits() {
        let seen = |doc, start, end| FirstSeen { doc, start, end };
        let fits = [
            seen(0, 0, 0),
            seen(u64::MAX, 0, 1),
            seen(7, (1 << 40) - 1, (1 << 40) - 1 + (1 << 24) - 2),
        ];
        for s in fits {
            let packed = Packed::pack(s).unwrap();
            assert_ne!(packed.at, LONG);
            assert_eq!(packed.unpack(), Some(s));
        }
        let too_big = [
            seen(0, 0, (1 << 24) - 1),
            seen(0, 1 << 40, (1 << 40) + 1),
            seen(0, u64::MAX - 3, u64::MAX),
        ];
        for s in too_big {
            assert_eq!(Packed::pack(s), None, "{s:?}");
        }
    }

    /// First copies that do not pack go to the side table and come back
    /// whole; the others never touch it.
    #[test]
    fn long_first_copies_come_back_whole() {
        let mut shard = Shard::default();
        let cases = [
            (
                1u8,
                FirstSeen {
                    doc: 3,
                    start: 10,
                    end: 30,
                },
            ),
            (
                2,
                FirstSeen {
                    doc: 4,
                    start: 5,
                    end: 5 + (1 << 24),
                },
            ),
            (
                3,
                FirstSeen {
                    doc: 5,
                    start: 1 << 41,
                    end: (1 << 41) + 9,
                },
            ),
            (
                4,
                FirstSeen {
                    doc: u64::MAX,
                    start: u64::MAX - 1,
                    end: u64::MAX,
                },
            ),
        ];
        for (k, here) in cases {
            let fp = Fingerprint::of(&[k]);
            assert_eq!(shard.first_or_insert(fp, here), None);
            let later = FirstSeen {
                doc: 9,
                start: 0,
                end: 1,
            };
            assert_eq!(shard.first_or_insert(fp, later), Some(here));
        }
        assert_eq!(
            (shard.len(), shard.long.as_ref().map(|l| l.len())),
            (4, Some(3))
        );
        assert!(shard.heap_bytes() >= 4 * 33 + 3 * 49);
        shard.clear();
        assert_eq!(
            (shard.len(), shard.long.as_ref().map(|l| l.len())),
            (0, Some(0))
        );
        assert_eq!(
            core::mem::size_of::<Shard>(),
            40,
            "64 empty shards in 2.5 KiB"
        );
    }
}
