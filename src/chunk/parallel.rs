//! One large input chunked on every core, with the sequential cut points.
//!
//! Cut points are content-defined: the chunk that starts at a cut depends
//! only on its start and the bytes from there on (the hash restarts at every
//! chunk; nothing before the start is read). So each region of the input is
//! chunked on its own, from its first byte as if a chunk started there;
//! every chunk of a region but its last (which the region's end may have cut
//! short) is then a true chunk *if* its start is a true cut point.
//! Stitching walks the true cut points across each region boundary with the
//! sequential chunker until one of them is also a start in the next region's
//! list; from there on the lists agree. On ordinary text that takes a chunk
//! or two; on input with no content-defined cuts (one byte repeated) the
//! walk may cover a region, so the worst case is the sequential time, never
//! a different answer.

use crate::chunk::{Chunk, Chunker};
use crate::par;

/// The region size for [`chunk_in_parallel`]: large enough that the walk
/// across each boundary is noise.
pub(crate) const REGION_BYTES: usize = 1 << 20;

/// All the chunks of `bytes`, as `Chunker::chunks` (or `chunks_hashed`)
/// yields them, computed in regions of `region` bytes in parallel.
pub(crate) fn chunk_in_parallel(
    chunker: &Chunker,
    bytes: &[u8],
    hashed: bool,
    region: usize,
) -> Vec<Chunk> {
    let region = region.max(1);
    let starts: Vec<usize> = (0..bytes.len()).step_by(region).collect();
    let lists: Vec<Vec<Chunk>> = par::map(&starts, |&a| {
        let b = (a + region).min(bytes.len());
        chunker.chunks_from(&bytes[..b], a, hashed).collect()
    });
    let mut out: Vec<Chunk> = Vec::with_capacity(lists.iter().map(Vec::len).sum());
    let mut pos = 0; // the next true cut point
    let mut lists = lists.into_iter().enumerate().peekable();
    while let Some((k, list)) = lists.next() {
        let last_region = lists.peek().is_none();
        // The list's chunks that are true once their start is reached: all
        // but the last, which the region's end may have cut short.
        let trusted = if last_region {
            &list[..]
        } else {
            &list[..list.len().saturating_sub(1)]
        };
        let region_end = (starts[k] + region).min(bytes.len());
        // Walk true chunks until `pos` is a start in this list.
        let mut walk = None;
        loop {
            if let Ok(i) = trusted.binary_search_by_key(&pos, Chunk::offset) {
                out.extend_from_slice(&trusted[i..]);
                pos = out.last().map_or(pos, Chunk::end);
                break;
            }
            if pos >= region_end || pos > trusted.last().map_or(0, Chunk::offset) {
                // No start of this list is left ahead: the next list syncs.
                break;
            }
            let chunks = walk.get_or_insert_with(|| chunker.chunks_from(bytes, pos, hashed));
            match chunks.next() {
                Some(c) => {
                    pos = c.end();
                    out.push(c);
                }
                None => break,
            }
        }
    }
    // Whatever the last list left (its trusted tail always reaches the end,
    // unless a walk overtook it), the sequential chunker finishes.
    if pos < bytes.len() {
        out.extend(chunker.chunks_from(bytes, pos, hashed));
    }
    out
}

impl Chunker {
    /// The chunks of each of `docs`, fingerprinted, computed on every
    /// thread (with the `parallel` feature): for each document, what
    /// [`Chunker::chunks_hashed`] yields, in order. A document of several
    /// megabytes is itself chunked in regions on every thread.
    ///
    /// # Examples
    ///
    /// ```
    /// use textdedup::chunk::{Chunk, Chunker};
    ///
    /// let chunker = Chunker::default();
    /// let docs = [vec![b'x'; 10_000], b"short".to_vec(), Vec::new()];
    /// let lists = chunker.chunks_hashed_batch(&docs);
    /// for (doc, list) in docs.iter().zip(&lists) {
    ///     assert_eq!(list, &chunker.chunks_hashed(doc).collect::<Vec<Chunk>>());
    /// }
    /// ```
    pub fn chunks_hashed_batch<T: AsRef<[u8]> + Sync>(&self, docs: &[T]) -> Vec<Vec<Chunk>> {
        par::map(docs, |doc| {
            let doc = doc.as_ref();
            if doc.len() >= 4 * REGION_BYTES {
                chunk_in_parallel(self, doc, true, REGION_BYTES)
            } else {
                self.chunks_hashed(doc).collect()
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chunk::ChunkConfig;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn regions_give_the_sequential_chunks(
            bytes in proptest::collection::vec(prop_oneof![0u8..4, any::<u8>()], 0..6000),
            region in 1usize..900,
            avg in prop_oneof![Just(64usize), Just(100), Just(256)],
            hashed: bool,
        ) {
            let chunker = Chunker::new(ChunkConfig::new().avg(avg)).unwrap();
            let want: Vec<Chunk> = chunker.chunks_from(&bytes, 0, hashed).collect();
            prop_assert_eq!(chunk_in_parallel(&chunker, &bytes, hashed, region), want);
        }
    }

    #[test]
    fn periodic_input_without_cuts() {
        let bytes = vec![b'a'; 100_000];
        let chunker = Chunker::new(ChunkConfig::new().avg(256)).unwrap();
        let want: Vec<Chunk> = chunker.chunks(&bytes).collect();
        for region in [1, 777, 4096, 50_000] {
            assert_eq!(chunk_in_parallel(&chunker, &bytes, false, region), want);
        }
    }
}
