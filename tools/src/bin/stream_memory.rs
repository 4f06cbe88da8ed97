//! Measures the peak memory of the stream entry point.
//!
//! ```text
//! cargo run --release -p textdedup-tools --bin stream_memory -- 1024 64 [chunks|passages|passages_document]
//! ```
//!
//! Streams a generated corpus of the given size in MiB (default 1024)
//! through `Deduper::dedup_stream` in batches of the given size in MiB
//! (default 64), documents of 4 to 64 KiB generated on the fly, 30% of
//! paragraphs repeats. Prints the peak resident memory (VmHWM, Linux) and
//! what it is per input byte. With a third argument, the same stream goes
//! through `chunk::Deduper::dedup_stream` (default chunker) or
//! `passage::Deduper::find_stream` (default finder, corpus or document
//! scope) instead.

use textdedup::chunk;
use textdedup::passage;
use textdedup::{Corpus, Deduper, Scope, Stats};

use textdedup_testkit::SplitMix64;

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
    let args: Vec<String> = std::env::args().skip(1).collect();
    let size = |i: usize, default: usize| {
        args.get(i)
            .map_or(default, |a| a.parse::<usize>().expect("sizes in MiB"))
            << 20
    };
    let (total, batch) = (size(0, 1024), size(1, 64));
    let mode = args.get(2).map_or("paragraphs", String::as_str);
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
    let mut stats = Stats::default();
    let sink = |report: textdedup::DocReport<'_>| {
        stats += report.stats();
        Ok::<(), std::convert::Infallible>(())
    };
    let start = std::time::Instant::now();
    let kept = match mode {
        "paragraphs" => {
            let mut corpus = Corpus::new();
            Deduper::default()
                .dedup_stream(&mut corpus, docs, batch, sink)
                .unwrap();
            format!("{} distinct paragraphs", corpus.distinct_paragraphs())
        }
        "chunks" => {
            chunk::Deduper::default()
                .dedup_stream(&mut chunk::Corpus::new(), docs, batch, sink)
                .unwrap();
            "the chunk index".to_string()
        }
        "passages" | "passages_document" => {
            let scope = if mode == "passages" {
                Scope::Corpus
            } else {
                Scope::Document
            };
            let finder = passage::Deduper::new(passage::Config::new().scope(scope)).unwrap();
            let mut corpus = passage::Corpus::new();
            finder.dedup_stream(&mut corpus, docs, batch, sink).unwrap();
            format!("{} MiB of passage corpus", corpus.heap_bytes() >> 20)
        }
        other => panic!("unknown mode {other}: paragraphs, chunks, passages or passages_document"),
    };
    let elapsed = start.elapsed();
    let peak = peak_rss_bytes().unwrap_or(0);
    println!(
        "{mode}: {} documents, {} MiB in, {:.1}% removed, {kept}, {:.2} s",
        stats.documents,
        stats.bytes_in >> 20,
        100.0 * stats.bytes_removed as f64 / stats.bytes_in as f64,
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
