//! The share of duplicate bytes that chunk-level deduplication finds, for
//! textdedup's chunker (normalization levels 0 to 3) and the `fastcdc`
//! crate's v2020 chunker, at the same min / avg / max, on a generated corpus
//! with shifted repeats (passages copied from earlier documents at arbitrary
//! offsets, a quarter of them with one byte edited).
//!
//! ```text
//! cargo run --release -p textdedup-tools --bin chunk_dedup_ratio
//! ```
//!
//! A chunk counts as a duplicate when an identical chunk (same xxh3-128
//! fingerprint) appeared earlier in the corpus; chunks shorter than `min`
//! (the last chunk of a document) never count. The same rule is applied to
//! both chunkers.

use std::collections::HashSet;

use textdedup::chunk::{ChunkConfig, Chunker};
use textdedup::fingerprint::Fingerprint;

/// Duplicate bytes and chunk count, given each document's chunk lengths.
fn dup_bytes<'a>(
    docs: &'a [Vec<u8>],
    min: usize,
    mut chunk_lens: impl FnMut(&'a [u8]) -> Vec<usize>,
) -> (usize, usize) {
    let mut seen = HashSet::new();
    let (mut dup, mut count) = (0, 0);
    for doc in docs {
        let mut pos = 0;
        for len in chunk_lens(doc) {
            let bytes = &doc[pos..pos + len];
            pos += len;
            count += 1;
            if len >= min && !seen.insert(Fingerprint::of(bytes)) {
                dup += len;
            }
        }
        assert_eq!(pos, doc.len());
    }
    (dup, count)
}

fn main() {
    let (docs, copied) =
        textdedup_testkit::generate::syllables::corpus_with_repeats(0xC0FF_EE00, 300, 40_000);
    let total: usize = docs.iter().map(Vec::len).sum();
    println!(
        "corpus: {} documents, {total} bytes, {copied} bytes copied in ({:.1}%)",
        docs.len(),
        100.0 * copied as f64 / total as f64
    );
    println!("| sizes (min/avg/max) | chunker | mean chunk | duplicate bytes found |");
    println!("|---|---|---:|---:|");
    for (min, avg, max) in [(64, 256, 1024), (256, 1024, 4096), (2048, 8192, 32768)] {
        let sizes = format!("{min}/{avg}/{max}");
        for level in 0..=3 {
            let chunker = Chunker::new(
                ChunkConfig::new()
                    .min(min)
                    .avg(avg)
                    .max(max)
                    .size_normalization(level),
            )
            .unwrap();
            let (dup, count) =
                dup_bytes(&docs, min, |d| chunker.chunks(d).map(|c| c.len()).collect());
            println!(
                "| {sizes} | textdedup, normalization {level} | {} B | {:.2}% |",
                total / count,
                100.0 * dup as f64 / total as f64
            );
        }
        let (dup, count) = dup_bytes(&docs, min, |d| {
            fastcdc::v2020::FastCDC::new(d, min as u32, avg as u32, max as u32)
                .map(|c| c.length)
                .collect()
        });
        println!(
            "| {sizes} | fastcdc v2020 (level 1) | {} B | {:.2}% |",
            total / count,
            100.0 * dup as f64 / total as f64
        );
    }
}
