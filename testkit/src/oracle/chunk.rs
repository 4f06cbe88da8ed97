//! Naive content-defined chunking, written from the documented rule alone,
//! and a naive chunk-level duplicate finder.

use std::collections::HashMap;

use textdedup::chunk::{ChunkConfig, Chunker};

use crate::SplitMix64;

/// The gear table as documented: 256 SplitMix64 outputs from state `seed`.
pub fn gear_table(seed: u64) -> Vec<u64> {
    let mut rng = SplitMix64(seed);
    (0..256).map(|_| rng.next_u64()).collect()
}

/// The hash after byte `p` of a chunk whose hash starts at `from` (chunk
/// start + min), recomputed from scratch: the bytes `from..=p`, of which
/// only the last 64 can still be in the state.
fn hash_at(gear: &[u64], data: &[u8], from: usize, p: usize) -> u64 {
    let mut h = 0u64;
    for k in 0..64 {
        if p < from + k {
            break;
        }
        h = h.wrapping_add(gear[data[p - k] as usize].wrapping_shl(k as u32));
    }
    h
}

/// Chunk lengths by the documented rule: quadratic, and too simple to be
/// wrong in the same way as the chunker.
pub fn chunk_lengths(config: &ChunkConfig, data: &[u8]) -> Vec<usize> {
    let (min, avg, max) = (config.get_min(), config.get_avg(), config.get_max());
    let level = u32::from(config.get_size_normalization());
    let gear = gear_table(config.get_seed());
    let base = u64::MAX / (avg - min) as u64;
    let small = base >> level;
    let large = if base.leading_zeros() >= level {
        base << level
    } else {
        u64::MAX
    };
    let mut out = Vec::new();
    let mut s = 0;
    while s < data.len() {
        let n = data.len() - s;
        let mut len = n.min(max);
        if n > min {
            for l in min + 1..=n.min(max) {
                let t = if l <= avg { small } else { large };
                if hash_at(&gear, data, s + min, s + l - 1) < t {
                    len = l;
                    break;
                }
            }
        } else {
            len = n;
        }
        out.push(len);
        s += len;
    }
    out
}

/// A repeated chunk: `(start, end, first_doc, first_start)`.
pub type RepeatedChunk = (usize, usize, usize, usize);

/// The chunk-level duplicate finder with a `HashMap` from chunk bytes to the
/// first `(doc, offset)`: every chunk of at least `min` bytes whose bytes
/// were seen before, per document, unmerged.
pub fn repeated_chunks(chunker: &Chunker, docs: &[Vec<u8>]) -> Vec<Vec<RepeatedChunk>> {
    let min = chunker.config().get_min();
    let mut seen: HashMap<&[u8], (usize, usize)> = HashMap::new();
    let mut out = Vec::new();
    for (d, doc) in docs.iter().enumerate() {
        let mut found = Vec::new();
        for c in chunker.chunks(doc) {
            let bytes = &doc[c.span().range()];
            if c.len() < min {
                continue;
            }
            match seen.get(bytes) {
                Some(&(d0, s0)) => found.push((c.offset(), c.end(), d0, s0)),
                None => {
                    seen.insert(bytes, (d, c.offset()));
                }
            }
        }
        out.push(found);
    }
    out
}
