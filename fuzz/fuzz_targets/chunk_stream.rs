//! The chunker: invariants on any input and configuration, and the stream
//! over `Read` (with any read sizes) equal to the slice chunker.
#![no_main]

use std::io::Read;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use textdedup::chunk::{ChunkConfig, Chunker};

#[derive(Arbitrary, Debug)]
struct Input {
    avg: u16,
    seed: u8,
    normalization: u8,
    reads: Vec<u8>,
    bytes: Vec<u8>,
}

/// A reader that hands out the data in the sizes the fuzzer chose.
struct Jagged<'a> {
    data: &'a [u8],
    sizes: &'a [u8],
    turn: usize,
}

impl Read for Jagged<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let want = self.sizes.get(self.turn % self.sizes.len().max(1)).map_or(7, |&s| usize::from(s) + 1);
        self.turn += 1;
        let n = want.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

fuzz_target!(|input: Input| {
    let config = ChunkConfig::new()
        .avg(64 + usize::from(input.avg) % 2000)
        .seed(u64::from(input.seed))
        .size_normalization(input.normalization % 4);
    let Ok(chunker) = Chunker::new(config) else { return };
    let bytes = &input.bytes;
    let slice: Vec<_> = chunker.chunks_hashed(bytes).collect();
    let mut pos = 0;
    for (i, c) in slice.iter().enumerate() {
        assert_eq!(c.offset(), pos);
        assert!(!c.is_empty());
        assert!(c.len() <= chunker.config().get_max());
        if i + 1 < slice.len() {
            assert!(c.len() > chunker.config().get_min());
        }
        pos = c.end();
    }
    assert_eq!(pos, bytes.len());
    let reader = Jagged { data: bytes, sizes: &input.reads, turn: 0 };
    let streamed: Vec<_> = chunker
        .reader_chunks_hashed(reader)
        .map(|c| c.map(|c| c.chunk()))
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(streamed, slice);
});
