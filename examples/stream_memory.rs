//! Measures the peak memory of the stream entry point.
//!
//! ```text
//! cargo run --release --example stream_memory -- 1024 64
//! ```
//!
//! Streams a generated corpus of the given size in MiB (default 1024)
//! through `Deduper::dedup_stream` in batches of the given size in MiB
//! (default 64), documents of 4 to 64 KiB generated on the fly, 30% of
//! paragraphs repeats. Prints the peak resident memory (VmHWM, Linux) and
//! what it is per input byte.

use textdedup::{Corpus, Deduper, Stats};

#[path = "../tests/oracle/splitmix.rs"]
mod splitmix;
use splitmix::SplitMix64;

/// One document: paragraphs of 50 to 800 bytes, 30% of them drawn from a
/// pool of earlier paragraph seeds, so repeats span documents.
fn document(rng: &mut SplitMix64, seeds: &mut Vec<u64>) -> Vec<u8> {
    let len = 4096 + (rng.next_u64() % (60 << 10)) as usize;
    let mut doc = Vec::with_capacity(len + 800);
    while doc.len() < len {
        let seed = if !seeds.is_empty() && rng.next_u64() % 100 < 30 {
            seeds[(rng.next_u64() % seeds.len() as u64) as usize]
        } else {
            let s = rng.next_u64();
            if seeds.len() < 1 << 16 {
                seeds.push(s);
            }
            s
        };
        let mut p = SplitMix64(seed);
        let plen = 50 + (p.next_u64() % 751) as usize;
        for _ in 0..plen - 1 {
            doc.push(b"abcdefghij klmnopqrstuvwxyz"[(p.next_u64() % 27) as usize]);
        }
        doc.push(b'\n');
    }
    doc
}

fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

fn main() {
    let mut args = std::env::args()
        .skip(1)
        .map(|a| a.parse::<usize>().expect("sizes in MiB"));
    let total = args.next().unwrap_or(1024) << 20;
    let batch = args.next().unwrap_or(64) << 20;
    let before = peak_rss_bytes().unwrap_or(0);

    let mut rng = SplitMix64(42);
    let mut seeds = Vec::new();
    let mut produced = 0;
    let docs = std::iter::from_fn(|| {
        (produced < total).then(|| {
            let d = document(&mut rng, &mut seeds);
            produced += d.len();
            d
        })
    });
    let mut corpus = Corpus::new();
    let mut stats = Stats::default();
    let start = std::time::Instant::now();
    Deduper::default()
        .dedup_stream(&mut corpus, docs, batch, |report| {
            stats += report.stats();
            Ok::<(), std::convert::Infallible>(())
        })
        .unwrap();
    let elapsed = start.elapsed();
    let peak = peak_rss_bytes().unwrap_or(0);
    println!(
        "{} documents, {} MiB in, {:.1}% removed, {} distinct paragraphs, {:.2} s",
        stats.documents,
        stats.bytes_in >> 20,
        100.0 * stats.bytes_removed as f64 / stats.bytes_in as f64,
        corpus.distinct_paragraphs(),
        elapsed.as_secs_f64()
    );
    println!(
        "batch {} MiB: peak RSS {} MiB (before: {} MiB), {:.3} bytes per input byte",
        batch >> 20,
        peak >> 20,
        before >> 20,
        peak as f64 / stats.bytes_in as f64
    );
}
