//! The seen-set: first occurrence of each fingerprint.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::fingerprint::Fingerprint;

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

/// Fingerprint to first occurrence.
pub(crate) type Table = HashMap<Fingerprint, FirstSeen, BuildHasherDefault<PassThrough>>;

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
        use std::hash::{BuildHasher, Hash};
        let b = BuildHasherDefault::<PassThrough>::default();
        let fp = Fingerprint::of(b"x");
        let mut h = b.build_hasher();
        fp.hash(&mut h);
        assert_eq!(h.finish(), fp.as_u128() as u64);
        let mut h = b.build_hasher();
        h.write(&[1, 2]);
        assert_eq!(h.finish(), 0x0102);
    }
}
