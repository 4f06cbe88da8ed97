//! Byte offsets into UTF-8 text turned into character (code point)
//! offsets, for documents given as `str`.
//!
//! A [`CharIndex`] is built in one pass over a document and answers each
//! offset in constant time, so converting every removal of a batch is
//! linear in its bytes. ASCII text and `bytes` documents need no index:
//! their offsets are the same in both units.

/// Bytes covered by one bit mask.
const BLOCK: usize = 64;
/// Masks between two running totals.
const BLOCKS_PER_TOTAL: usize = 8;

/// Where each character of a non-ASCII UTF-8 text starts: one bit per byte
/// (set unless the byte is a continuation byte) and a running count of
/// characters every 512 bytes: 9 bytes per 64 bytes of text.
#[derive(Debug)]
pub(crate) struct CharIndex {
    /// Bit `i` of mask `k`: byte `64 k + i` starts a character.
    starts: Vec<u64>,
    /// Characters before byte `512 j`.
    totals: Vec<u64>,
    /// The text's length in bytes.
    len: usize,
}

impl CharIndex {
    /// Indexes `text`.
    pub(crate) fn new(text: &[u8]) -> CharIndex {
        let mut starts = Vec::with_capacity(text.len().div_ceil(BLOCK));
        let mut totals = Vec::with_capacity(text.len().div_ceil(BLOCK * BLOCKS_PER_TOTAL) + 1);
        let mut count = 0u64;
        for (k, block) in text.chunks(BLOCK).enumerate() {
            if k % BLOCKS_PER_TOTAL == 0 {
                totals.push(count);
            }
            let mask = starts_mask(block);
            count += u64::from(mask.count_ones());
            starts.push(mask);
        }
        totals.push(count);
        CharIndex {
            starts,
            totals,
            len: text.len(),
        }
    }

    /// The characters that start before byte `offset` (at most the text's
    /// length): the character offset of `offset` when it is a character
    /// boundary.
    pub(crate) fn chars_before(&self, offset: usize) -> u64 {
        if offset >= self.len {
            return *self.totals.last().expect("never empty");
        }
        let block = offset / BLOCK;
        let first = block - block % BLOCKS_PER_TOTAL;
        let mut count = self.totals[block / BLOCKS_PER_TOTAL];
        for mask in &self.starts[first..block] {
            count += u64::from(mask.count_ones());
        }
        let below = (1u64 << (offset % BLOCK)) - 1;
        count + u64::from((self.starts[block] & below).count_ones())
    }

    /// Heap bytes held.
    pub(crate) fn heap_bytes(&self) -> usize {
        (self.starts.capacity() + self.totals.capacity()) * std::mem::size_of::<u64>()
    }
}

/// Bit `i` set when byte `i` of `block` (at most 64 bytes) starts a
/// character, that is, is not a continuation byte (`0b10xx_xxxx`); eight
/// bytes at a time.
fn starts_mask(block: &[u8]) -> u64 {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut mask = 0u64;
    let mut words = block.chunks_exact(8);
    for (w, word) in words.by_ref().enumerate() {
        let x = u64::from_le_bytes(word.try_into().expect("8 bytes"));
        // Bit 7 of each byte: set for a continuation byte (10xx_xxxx).
        let continuation = x & !(x << 1) & HIGH;
        // Gather the eight bit-7s into one byte, byte j at bit j.
        let gathered = ((continuation >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56;
        mask |= (!gathered & 0xff) << (8 * w);
    }
    let done = block.len() - words.remainder().len();
    for (i, &b) in words.remainder().iter().enumerate() {
        mask |= u64::from((b as i8) >= -0x40) << (done + i);
    }
    mask
}

/// The index a document needs to count characters: `None` (its offsets
/// are the same in bytes) for `bytes`, or when `chars` is false, or for
/// ASCII text.
pub(crate) fn index_of(text: &[u8], chars: bool) -> Option<CharIndex> {
    (chars && !text.is_ascii()).then(|| CharIndex::new(text))
}

/// Byte offset `offset` of a document in its units: characters through its
/// index, bytes without one.
#[inline]
pub(crate) fn convert(index: Option<&CharIndex>, offset: usize) -> u64 {
    match index {
        None => offset as u64,
        Some(index) => index.chars_before(offset),
    }
}

#[cfg(test)]
mod tests {
    use super::CharIndex;

    #[test]
    fn every_offset_matches_a_count() {
        let text: String = (0..300)
            .map(|i| ["a", "é", "€", "𝄞", "\n"][i % 5])
            .collect();
        let bytes = text.as_bytes();
        let index = CharIndex::new(bytes);
        for offset in 0..=bytes.len() {
            let expected = bytes[..offset]
                .iter()
                .filter(|&&b| (b as i8) >= -0x40)
                .count() as u64;
            assert_eq!(index.chars_before(offset), expected, "offset {offset}");
        }
        assert_eq!(index.chars_before(bytes.len()), text.chars().count() as u64);
        assert_eq!(CharIndex::new(b"").chars_before(0), 0);
    }
}
