//! The library alone on the corpus `bench.py` wrote, timed the way the
//! script times the bindings: `dedup_batch` from a fresh corpus, on a pool
//! of `THREADS` threads, `ROUNDS` times.
//!
//! ```text
//! textdedup-bench-baseline CORPUS MODE ROUNDS THREADS
//! ```
//!
//! CORPUS holds documents as a little-endian `u32` length and the bytes;
//! MODE is `paragraph`, `passage` or `chunk` (default settings). Prints one
//! JSON object: every round's seconds for the reports alone, then for the
//! reports and every document's kept text (what the bindings hand back),
//! and the bytes removed.

use std::time::Instant;

use textdedup::{chunk, paragraph, passage, Dedup};

/// The documents of a corpus file.
fn read(path: &str) -> Vec<Vec<u8>> {
    let data = std::fs::read(path).expect("cannot read the corpus");
    let mut docs = Vec::new();
    let mut at = 0;
    while at < data.len() {
        let len = u32::from_le_bytes(data[at..at + 4].try_into().expect("4 bytes")) as usize;
        docs.push(data[at + 4..at + 4 + len].to_vec());
        at += 4 + len;
    }
    docs
}

/// Seconds of each round, with or without building the kept text, and the
/// bytes removed.
fn time<D: Dedup>(deduper: &D, docs: &[Vec<u8>], rounds: usize, kept: bool) -> (Vec<f64>, u64) {
    let mut seconds = Vec::with_capacity(rounds);
    let mut removed = 0;
    for _ in 0..rounds {
        let start = Instant::now();
        let mut corpus = D::Corpus::default();
        let reports = deduper.dedup_batch(&mut corpus, docs);
        if kept {
            let texts: Vec<Vec<u8>> = reports
                .iter()
                .map(|r| r.kept_bytes().into_owned())
                .collect();
            std::hint::black_box(texts);
        }
        removed = reports.iter().map(|r| r.stats().bytes_removed).sum();
        drop(reports);
        seconds.push(start.elapsed().as_secs_f64());
    }
    (seconds, removed)
}

/// Both timings of one deduper.
fn both<D: Dedup>(deduper: &D, docs: &[Vec<u8>], rounds: usize) -> (Vec<f64>, Vec<f64>, u64) {
    let (reports, removed) = time(deduper, docs, rounds, false);
    let (with_kept, _) = time(deduper, docs, rounds, true);
    (reports, with_kept, removed)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, path, mode, rounds, threads] = &args[..] else {
        eprintln!("usage: textdedup-bench-baseline CORPUS MODE ROUNDS THREADS");
        std::process::exit(2);
    };
    let docs = read(path);
    let rounds: usize = rounds.parse().expect("ROUNDS is a number");
    let threads: usize = threads.parse().expect("THREADS is a number");
    let (seconds, with_kept, removed) = match mode.as_str() {
        "paragraph" => both(
            &paragraph::Config::new().threads(threads).build().unwrap(),
            &docs,
            rounds,
        ),
        "passage" => both(
            &passage::Config::new().threads(threads).build().unwrap(),
            &docs,
            rounds,
        ),
        "chunk" => both(
            &chunk::Config::new().threads(threads).build().unwrap(),
            &docs,
            rounds,
        ),
        other => panic!("unknown mode {other}"),
    };
    let list = |v: &[f64]| {
        v.iter()
            .map(|s| format!("{s:.6}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!(
        "{{\"seconds\": [{}], \"seconds_with_kept\": [{}], \"bytes_removed\": {removed}}}",
        list(&seconds),
        list(&with_kept)
    );
}
