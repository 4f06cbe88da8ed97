//! Development aid: runs one mode over the generated 64 MiB corpus, for
//! `perf stat` (cycles are less disturbed by a shared machine than wall time).
//! (or with `news`, the 128 MiB input of `benches/batch.rs`). Modes: `gen` (generation only), `find` (each document alone),
//! `find_in` (corpus scope), `reserve` (corpus scope, pre-sized corpus),
//! `batch` (corpus scope through `find_batch`, on the global rayon pool).
//! Prints the mode's wall time and the process's CPU time over it (all
//! threads, input generation left out).
use textdedup::passage::{PassageConfig, PassageCorpus, PassageFinder, Snap};
#[path = "../benches/common/mod.rs"]
mod common;
use common::passage_gen;
fn main() {
    let mode = std::env::args().nth(1).unwrap_or_default();
    // A second argument `news` takes the input of `benches/batch.rs`.
    let docs = if std::env::args().nth(2).as_deref() == Some("news") {
        common::news::news_docs(128 << 20, 4 << 10, 64 << 10, 7)
    } else {
        passage_gen::corpus(64 << 20, 0x5EED)
    };
    let total: usize = docs.iter().map(Vec::len).sum();
    let f = PassageFinder::new(PassageConfig::new().min_len(100).snap(Snap::Byte)).unwrap();
    let (start, cpu) = (std::time::Instant::now(), cpu_seconds());
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
    let (wall, cpu) = (start.elapsed().as_secs_f64(), cpu_seconds() - cpu);
    println!("{mode}: {total} bytes, {removed} removed, {wall:.3} s wall, {cpu:.2} s CPU");
}

/// This process's CPU time (user + system, all threads) in seconds, from
/// `/proc/self/stat` (clock ticks of 1/100 s); 0 where that is missing.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or(Vec::new(), |(_, rest)| rest.split_whitespace().collect());
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    (ticks(11) + ticks(12)) as f64 / 100.0
}
