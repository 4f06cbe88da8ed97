//! Development aid: runs one passage mode over the generated 64 MiB corpus
//! (or, with a second argument `news`, over the 128 MiB input of
//! `benches/batch.rs`; with `words`, over one 64 MiB line of words drawn
//! from ten, where every k-gram recurs hundreds of times; a third argument
//! `whole` joins the documents into one), for `perf
//! record` and for A/B runs: it prints the mode's wall time and the
//! process's CPU time over it (all threads, input generation left out).
//!
//! Modes: `gen` (generation only), `find` (each document alone), `find_in`
//! (corpus scope), `reserve` (corpus scope, pre-sized corpus), `batch`
//! (corpus scope through `find_batch`, on the global rayon pool, sized by
//! `RAYON_NUM_THREADS`).
use textdedup::passage::{self, Snap};
use textdedup_testkit::generate::vocabulary;
fn main() {
    let mode = std::env::args().nth(1).unwrap_or_default();
    // A second argument `news` takes the input of `benches/batch.rs`.
    let docs = match std::env::args().nth(2).as_deref() {
        Some("news") => {
            textdedup_testkit::generate::news::news_docs(128 << 20, 4 << 10, 64 << 10, 7)
        }
        Some("words") => vec![vocabulary::ten_words(64 << 20)],
        _ => vocabulary::corpus(64 << 20, 0x5EED),
    };
    // A third argument `whole` makes the input one document.
    let docs = if std::env::args().nth(3).as_deref() == Some("whole") {
        vec![docs.concat()]
    } else {
        docs
    };
    let total: usize = docs.iter().map(Vec::len).sum();
    let f = passage::Deduper::new(passage::Config::new().min_len(100).snap(Snap::Byte)).unwrap();
    let (start, cpu) = (std::time::Instant::now(), textdedup_tools::cpu_seconds());
    let removed: u64 = match mode.as_str() {
        "find" => docs.iter().map(|d| f.dedup(d).stats().bytes_removed).sum(),
        "find_in" | "reserve" => {
            let mut c = if mode == "reserve" {
                passage::Corpus::with_capacity(total)
            } else {
                passage::Corpus::new()
            };
            docs.iter()
                .map(|d| f.dedup_in(&mut c, d).stats().bytes_removed)
                .sum()
        }
        "batch" => f
            .dedup_batch(&mut passage::Corpus::new(), &docs)
            .iter()
            .map(|r| r.stats().bytes_removed)
            .sum(),
        _ => 0,
    };
    let (wall, cpu) = (
        start.elapsed().as_secs_f64(),
        textdedup_tools::cpu_seconds()
            .zip(cpu)
            .map_or(f64::NAN, |(b, a)| b - a),
    );
    println!("{mode}: {total} bytes, {removed} removed, {wall:.3} s wall, {cpu:.2} s CPU");
}
