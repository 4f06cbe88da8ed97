//! Paragraph-mode throughput against a naive `HashSet` dedup, single
//! thread.
//!
//! ```text
//! cargo bench --bench paragraphs
//! cargo bench --bench paragraphs -- --save-baseline before   # on the old code
//! cargo bench --bench paragraphs -- --baseline before        # on the new code
//! ```
//!
//! Input: about 64 MiB of generated news-like text, one paragraph per line,
//! 50 to 800 bytes each, 30% of paragraphs repeats of an earlier one.

use std::collections::HashSet;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rayon::ThreadPoolBuilder;
use textdedup::{Config, Corpus, Deduper};

mod common;
use common::news::news_text;

/// The naive peer: a `HashSet<Vec<u8>>` of lines, std's default hasher,
/// first copy kept.
fn naive_hashset(text: &[u8], out: &mut Vec<u8>) {
    let mut seen = HashSet::new();
    out.clear();
    for line in text.split_inclusive(|&b| b == b'\n') {
        let content = line.strip_suffix(b"\n").unwrap_or(line);
        if seen.insert(content.to_vec()) {
            out.extend_from_slice(line);
        }
    }
}

/// One document through the one-shot entry point (a fresh table each time).
fn textdedup_one(deduper: &Deduper, text: &[u8], out: &mut Vec<u8>) {
    out.clear();
    deduper.dedup(text).write_kept(out).unwrap();
}

/// The corpus from an empty state, as a one-off job runs it.
fn textdedup_corpus(deduper: &Deduper, docs: &[&[u8]], out: &mut Vec<u8>) {
    let mut corpus = Corpus::new();
    out.clear();
    for doc in docs {
        deduper
            .dedup_in(&mut corpus, doc)
            .write_kept(&mut *out)
            .unwrap();
    }
}

fn bench(c: &mut Criterion) {
    let (text, starts) = news_text(64 << 20, 42);
    // The same bytes as 16,000 documents, cut at paragraph boundaries.
    let per_doc = starts.len().div_ceil(16_000);
    let mut docs: Vec<&[u8]> = Vec::new();
    for chunk in starts.chunks(per_doc) {
        let end = starts
            .get(starts.partition_point(|&s| s <= chunk[chunk.len() - 1]))
            .copied()
            .unwrap_or(text.len());
        docs.push(&text[chunk[0]..end]);
    }
    assert_eq!(docs.iter().map(|d| d.len()).sum::<usize>(), text.len());

    // Every paragraph is at least 50 bytes and there are no blank lines, so
    // with a minimum length of 1 the three must agree exactly.
    let deduper = Deduper::new(Config::new().min_len(1)).unwrap();
    let mut expected = Vec::new();
    naive_hashset(&text, &mut expected);
    // Single thread: a large document would otherwise be split into
    // regions and spread over the pool (see benches/batch.rs for that).
    let one_thread = ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let mut out = Vec::new();
    one_thread.install(|| textdedup_one(&deduper, &text, &mut out));
    assert_eq!(out, expected);
    one_thread.install(|| textdedup_corpus(&deduper, &docs, &mut out));
    assert_eq!(out, expected);
    let removed = text.len() - expected.len();
    assert!(
        removed * 100 / text.len() >= 20,
        "about 30% of paragraphs repeat"
    );

    // Outputs go to a reused buffer in every contender, so none of them
    // pays for fresh pages on each run.
    let mut group = c.benchmark_group("paragraphs");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("textdedup", |b| {
        b.iter(|| one_thread.install(|| textdedup_one(&deduper, black_box(&text), &mut out)))
    });
    group.bench_function("corpus", |b| {
        b.iter(|| one_thread.install(|| textdedup_corpus(&deduper, black_box(&docs), &mut out)))
    });
    group.bench_function("naive_hashset", |b| {
        b.iter(|| naive_hashset(black_box(&text), &mut out))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
