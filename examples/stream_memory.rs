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

/// SplitMix64.
fn next(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// One document: paragraphs of 50 to 800 bytes, 30% of them drawn from a
/// pool of earlier paragraph seeds, so repeats span documents.
fn document(state: &mut u64, seeds: &mut Vec<u64>) -> Vec<u8> {
    let len = 4096 + (next(state) % (60 << 10)) as usize;
    let mut doc = Vec::with_capacity(len + 800);
    while doc.len() < len {
        let seed = if !seeds.is_empty() && next(state) % 100 < 30 {
            seeds[(next(state) % seeds.len() as u64) as usize]
        } else {
            let s = next(state);
            if seeds.len() < 1 << 16 {
                seeds.push(s);
            }
            s
        };
        let mut p = seed;
        let plen = 50 + (next(&mut p) % 751) as usize;
        for _ in 0..plen - 1 {
            doc.push(b"abcdefghij klmnopqrstuvwxyz"[(next(&mut p) % 27) as usize]);
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

    let mut state = 42;
    let mut seeds = Vec::new();
    let mut produced = 0;
    let docs = std::iter::from_fn(|| {
        (produced < total).then(|| {
            let d = document(&mut state, &mut seeds);
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
