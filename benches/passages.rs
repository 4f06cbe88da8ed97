//! Passage mode against a suffix array, and on periodic and low-entropy
//! input.
//!
//! Run (the figures in BENCHMARKS.md use exactly this):
//!
//! ```text
//! cargo bench --bench passages -- --warm-up-time 1 --measurement-time 5 --sample-size 10
//! ```
//!
//! To compare a change: `cargo bench --bench passages -- --save-baseline before`
//! on the old code, then `cargo bench --bench passages -- --baseline before`.
//!
//! Inputs are generated from fixed seeds (SplitMix64, `textdedup_testkit::generate::vocabulary`):
//! a 64 MiB corpus of 1 to 20 KiB documents with 15% of the bytes in copies of
//! 50 to 5,000 bytes at random offsets, 16 MiB periodic documents, and
//! `ten_words`: 16 MiB of one line of words drawn from ten, where every
//! k-gram recurs but no 100 bytes do (each lookup finds a full list of
//! candidates, and none is a repeat). Each
//! benchmark checks its answer once before it is timed; `suffix_array` and
//! `textdedup` must cover the same bytes. The suffix array (libdivsufsort via
//! `cdivsufsort`, then Kasai's LCP) runs on the first 8 MiB of the corpus
//! (`suffix_array`, against `textdedup_8mib` on the same slice) and on all
//! of it (`suffix_array_64mib`, against `textdedup`: about 10 s an
//! iteration, so the group takes a few minutes). `textdedup_per_document`
//! runs the 64 MiB corpus document by document, without corpus state.
//! Everything runs on one thread (rayon's global pool is built with one).
//! `batch/passages_one_document` in `benches/batch.rs` has a large
//! document on two threads.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use textdedup::passage::{self, Snap};

use textdedup_testkit::generate::vocabulary;
use textdedup_testkit::peer;

const MIN_LEN: usize = 100;
/// Input sizes; `cargo test --benches` (a debug build) runs every benchmark
/// once, on inputs 16 times smaller.
const SCALE: usize = if cfg!(debug_assertions) { 4 } else { 0 };
const CORPUS_BYTES: usize = (64 << 20) >> SCALE;
const SA_BYTES: usize = (8 << 20) >> SCALE;
const PERIODIC_BYTES: usize = (16 << 20) >> SCALE;

fn finder() -> passage::Deduper {
    passage::Deduper::new(passage::Config::new().min_len(MIN_LEN).snap(Snap::Byte)).unwrap()
}

/// Bytes removed from a stream of documents by textdedup (corpus scope).
fn textdedup_removed(finder: &passage::Deduper, docs: &[Vec<u8>]) -> u64 {
    let mut corpus = passage::Corpus::new();
    docs.iter()
        .map(|d| finder.dedup_in(&mut corpus, d).stats().bytes_removed)
        .sum()
}

/// The same answer from a suffix array (`textdedup_testkit::peer`).
fn suffix_array_removed(docs: &[Vec<u8>]) -> u64 {
    peer::suffix_array_removed(docs, MIN_LEN)
}

fn periodic(unit: &[u8]) -> Vec<u8> {
    unit.iter().copied().cycle().take(PERIODIC_BYTES).collect()
}

fn passages(c: &mut Criterion) {
    // The floors here are for one thread, and a document of two regions or
    // more (the 16 MiB ones below) would use every thread of the pool.
    #[cfg(feature = "parallel")]
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build_global()
        .expect("the first use of the global pool");
    let docs = vocabulary::corpus(CORPUS_BYTES, 0x5EED);
    let total: usize = docs.iter().map(Vec::len).sum();
    let mut slice_len = 0;
    let sa_docs: Vec<Vec<u8>> = docs
        .iter()
        .take_while(|d| {
            slice_len += d.len();
            slice_len <= SA_BYTES
        })
        .cloned()
        .collect();
    let sa_total: usize = sa_docs.iter().map(Vec::len).sum();
    let finder = finder();

    // Check the answers once.
    let want = suffix_array_removed(&sa_docs);
    assert_eq!(
        textdedup_removed(&finder, &sa_docs),
        want,
        "same coverage on the slice"
    );
    assert!(want > sa_total as u64 / 10, "the slice has its copies");
    let removed = textdedup_removed(&finder, &docs);
    assert!(removed > total as u64 / 10 && removed < total as u64 / 5);
    assert_eq!(
        suffix_array_removed(&docs),
        removed,
        "same coverage on the corpus"
    );

    let mut group = c.benchmark_group("passages");
    group.throughput(Throughput::Bytes(total as u64));
    group.bench_function("textdedup", |b| {
        b.iter(|| textdedup_removed(&finder, &docs))
    });
    // The same documents, each on its own (no corpus: no stored text, one
    // small table per document).
    group.bench_function("textdedup_per_document", |b| {
        b.iter(|| {
            docs.iter()
                .map(|d| finder.dedup(d).stats().bytes_removed)
                .sum::<u64>()
        })
    });
    // The peer on all of the corpus, for a ratio on the same input.
    group.bench_function("suffix_array_64mib", |b| {
        b.iter(|| suffix_array_removed(&docs))
    });
    group.throughput(Throughput::Bytes(sa_total as u64));
    group.bench_function("textdedup_8mib", |b| {
        b.iter(|| textdedup_removed(&finder, &sa_docs))
    });
    group.bench_function("suffix_array", |b| {
        b.iter(|| suffix_array_removed(&sa_docs))
    });

    let mut rng = textdedup_testkit::SplitMix64(7);
    let block: Vec<u8> = (0..1024).map(|_| rng.next_u64() as u8).collect();
    let inputs = [
        ("periodic_a", periodic(b"a"), PERIODIC_BYTES - 1),
        ("periodic_ab", periodic(b"ab"), PERIODIC_BYTES - 2),
        ("periodic_block", periodic(&block), PERIODIC_BYTES - 1024),
        // Not periodic, but every k-gram recurs: no repeat of 100 bytes.
        ("ten_words", vocabulary::ten_words(PERIODIC_BYTES), 0),
    ];
    group.throughput(Throughput::Bytes(PERIODIC_BYTES as u64));
    for (name, text, expected) in &inputs {
        assert_eq!(
            finder.dedup(text).stats().bytes_removed,
            *expected as u64,
            "{name}"
        );
        group.bench_function(*name, |b| {
            b.iter(|| finder.dedup(text).stats().bytes_removed)
        });
    }
    group.finish();
}

criterion_group!(benches, passages);
criterion_main!(benches);
