//! Development aid: runs one mode over the generated 64 MiB corpus, for
//! `perf stat` (cycles are less disturbed by a shared machine than wall time).
//! Modes: `gen` (generation only), `find` (each document alone),
//! `find_in` (corpus scope), `reserve` (corpus scope, pre-sized corpus),
//! `batch` (corpus scope through `find_batch`, on the global rayon pool).
use textdedup::passage::{PassageConfig, PassageCorpus, PassageFinder, Snap};
#[path = "../benches/common/mod.rs"]
mod common;
use common::passage_gen;
fn main() {
    let mode = std::env::args().nth(1).unwrap_or_default();
    let docs = passage_gen::corpus(64 << 20, 0x5EED);
    let total: usize = docs.iter().map(Vec::len).sum();
    let f = PassageFinder::new(PassageConfig::new().min_len(100).snap(Snap::Byte)).unwrap();
    let removed: u64 = match mode.as_str() {
        "find" => docs.iter().map(|d| f.find(d).stats().bytes_removed).sum(),
        "find_in" | "reserve" => {
            let mut c = if mode == "reserve" {
                PassageCorpus::with_capacity(total)
            } else {
                PassageCorpus::new()
            };
            docs.iter()
                .map(|d| f.find_in(&mut c, d).stats().bytes_removed)
                .sum()
        }
        "batch" => f
            .find_batch(&mut PassageCorpus::new(), &docs)
            .iter()
            .map(|r| r.stats().bytes_removed)
            .sum(),
        _ => 0,
    };
    println!("{mode}: {total} bytes, {removed} removed");
}
