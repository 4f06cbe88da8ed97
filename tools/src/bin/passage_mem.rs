//! Runs passage mode over the benchmark's generated 64 MiB corpus once and
//! prints time, bytes removed, anchors and the corpus's heap bytes. Used to
//! measure peak memory per input byte:
//!
//! ```text
//! cargo build --release -p textdedup-tools --bin passage_mem
//! /usr/bin/time -v target/release/passage_mem          # corpus scope
//! /usr/bin/time -v target/release/passage_mem generate # generation only
//! ```

use std::time::Instant;

use textdedup::passage::{self, Snap};

use textdedup_testkit::generate::vocabulary;

fn main() {
    let mode = std::env::args().nth(1).unwrap_or_default();
    let min_len = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(100);
    let docs = vocabulary::corpus(64 << 20, 0x5EED);
    let total: usize = docs.iter().map(Vec::len).sum();
    eprintln!("{} documents, {total} bytes", docs.len());
    if mode == "generate" {
        return;
    }
    let finder =
        passage::Deduper::new(passage::Config::new().min_len(min_len).snap(Snap::Byte)).unwrap();
    let mut corpus = passage::Corpus::new();
    let start = Instant::now();
    let removed: u64 = docs
        .iter()
        .map(|d| finder.dedup_in(&mut corpus, d).stats().bytes_removed)
        .sum();
    let secs = start.elapsed().as_secs_f64();
    eprintln!(
        "min_len {min_len}: removed {removed} bytes ({:.2}%) in {secs:.3} s = {:.0} MB/s",
        100.0 * removed as f64 / total as f64,
        total as f64 / secs / 1e6
    );
    eprintln!(
        "corpus: {} text bytes, {} anchors, {} refused, {} heap bytes = {:.3} bytes per input byte",
        corpus.text_bytes(),
        corpus.anchors(),
        corpus.refused_anchors(),
        corpus.heap_bytes(),
        corpus.heap_bytes() as f64 / total as f64
    );
}
