//! The seen-set: first occurrence of each fingerprint.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::fingerprint::Fingerprint;
use crate::report::{DocId, Origin};

/// Where a fingerprint was first seen, packed for the table.
///
/// With the 16-byte fingerprint as key, a table entry is exactly 32 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct FirstSeen {
    /// Index of the document holding the first copy.
    pub(crate) doc: u64,
    /// Byte offset of the first copy in that document.
    pub(crate) start: u64,
}

impl FirstSeen {
    /// The same position as a report's [`Origin`].
    #[inline]
    pub(crate) fn origin(self) -> Origin {
        Origin::new(DocId::new(self.doc), self.start as usize)
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

/// Fingerprint to first occurrence, for one shard.
pub(crate) type Table = HashMap<Fingerprint, FirstSeen, BuildHasherDefault<PassThrough>>;

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
    shards: Vec<Table>,
}

impl Default for SeenSet {
    fn default() -> SeenSet {
        SeenSet {
            shards: (0..SHARDS).map(|_| Table::default()).collect(),
        }
    }
}

impl SeenSet {
    /// The first occurrence of `fp`, or `None` after recording `here` as it.
    #[inline]
    pub(crate) fn first_or_insert(
        &mut self,
        fp: Fingerprint,
        here: FirstSeen,
    ) -> Option<FirstSeen> {
        first_or_insert(&mut self.shards[shard_of(fp)], fp, here)
    }

    /// The shards, for resolving a batch one shard per task.
    pub(crate) fn shards_mut(&mut self) -> &mut [Table] {
        &mut self.shards
    }

    /// Distinct fingerprints stored.
    pub(crate) fn len(&self) -> usize {
        self.shards.iter().map(Table::len).sum()
    }

    /// Heap bytes held, estimated from the shards' capacities: std's
    /// `HashMap` keeps a power-of-two number of slots, at most 7/8 of them
    /// full, each a 32-byte entry and a control byte.
    pub(crate) fn heap_bytes(&self) -> usize {
        let entry = core::mem::size_of::<(Fingerprint, FirstSeen)>() + 1;
        let slots = |cap: usize| match cap {
            0 => 0,
            1..=3 => 4,
            4..=7 => 8,
            _ => (cap.saturating_mul(8) / 7).next_power_of_two(),
        };
        let tables: usize = self
            .shards
            .iter()
            .map(|t| slots(t.capacity()) * entry)
            .sum();
        tables + self.shards.capacity() * core::mem::size_of::<Table>()
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
        self.shards.iter_mut().for_each(Table::clear);
    }
}

/// The first occurrence of `fp` in one shard, or `None` after recording `here`.
#[inline]
pub(crate) fn first_or_insert(
    table: &mut Table,
    fp: Fingerprint,
    here: FirstSeen,
) -> Option<FirstSeen> {
    match table.entry(fp) {
        std::collections::hash_map::Entry::Occupied(slot) => Some(*slot.get()),
        std::collections::hash_map::Entry::Vacant(slot) => {
            slot.insert(here);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_is_32_bytes() {
        assert_eq!(
            core::mem::size_of::<(Fingerprint, FirstSeen)>(),
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
}
