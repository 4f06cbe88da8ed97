//! Paragraph-mode throughput against a naive `HashSet` dedup, single
//! thread: finding what to remove (`textdedup`, `corpus`, `naive_hashset`)
//! and also writing the kept text (`*_clean`).
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

use textdedup_testkit::generate::news::news_text;

/// The naive peer: a `HashSet<Vec<u8>>` of lines, std's default hasher,
/// first copy kept. Returns the removed lines' spans (the "find" answer).
fn naive_find(text: &[u8], removed: &mut Vec<(usize, usize)>) {
    let mut seen = HashSet::new();
    removed.clear();
    let mut pos = 0;
    for line in text.split_inclusive(|&b| b == b'\n') {
        let content = line.strip_suffix(b"\n").unwrap_or(line);
        if !seen.insert(content.to_vec()) {
            removed.push((pos, pos + line.len()));
        }
        pos += line.len();
    }
}

/// The naive peer writing the kept text too.
fn naive_clean(text: &[u8], out: &mut Vec<u8>) {
    let mut seen = HashSet::new();
    out.clear();
    for line in text.split_inclusive(|&b| b == b'\n') {
        let content = line.strip_suffix(b"\n").unwrap_or(line);
        if seen.insert(content.to_vec()) {
            out.extend_from_slice(line);
        }
    }
}

/// One document through the one-shot entry point (a fresh table each
/// time): the report, that is which bytes go and where their first copies
/// are.
fn textdedup_find(deduper: &Deduper, text: &[u8]) -> usize {
    deduper.dedup(text).kept_len()
}

/// The same, writing the kept text too.
fn textdedup_one(deduper: &Deduper, text: &[u8], out: &mut Vec<u8>) {
    out.clear();
    deduper.dedup(text).write_kept(out).unwrap();
}

/// The corpus from an empty state, as a one-off job runs it: the reports.
fn textdedup_corpus(deduper: &Deduper, docs: &[&[u8]]) -> usize {
    let mut corpus = Corpus::new();
    docs.iter()
        .map(|doc| deduper.dedup_in(&mut corpus, doc).kept_len())
        .sum()
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
    naive_clean(&text, &mut expected);
    let mut removed_lines = Vec::new();
    naive_find(&text, &mut removed_lines);
    // Single thread: a large document would otherwise be split into
    // regions and spread over the pool (see benches/batch.rs for that).
    let one_thread = ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let report = one_thread.install(|| deduper.dedup(&text));
    assert_eq!(&*report.kept_bytes(), &expected[..]);
    // The report's removals cover exactly the naive removed lines.
    let mut covered: Vec<(usize, usize)> = Vec::new();
    for r in report.removals() {
        match covered.last_mut() {
            Some(last) if last.1 == r.span().start => last.1 = r.span().end,
            _ => covered.push((r.span().start, r.span().end)),
        }
    }
    let mut naive_covered: Vec<(usize, usize)> = Vec::new();
    for &(s, e) in &removed_lines {
        match naive_covered.last_mut() {
            Some(last) if last.1 == s => last.1 = e,
            _ => naive_covered.push((s, e)),
        }
    }
    assert_eq!(covered, naive_covered);
    let mut out = Vec::new();
    one_thread.install(|| textdedup_one(&deduper, &text, &mut out));
    assert_eq!(out, expected);
    assert_eq!(
        one_thread.install(|| textdedup_corpus(&deduper, &docs)),
        expected.len()
    );
    let removed = text.len() - expected.len();
    assert!(
        removed * 100 / text.len() >= 20,
        "about 30% of paragraphs repeat"
    );

    // `textdedup`, `corpus` and `naive_hashset` compute which bytes go (the
    // report, what `find` prints); the `_clean` pair also write the kept
    // text, to a reused buffer so none pays for fresh pages on each run.
    let mut group = c.benchmark_group("paragraphs");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("textdedup", |b| {
        b.iter(|| one_thread.install(|| textdedup_find(&deduper, black_box(&text))))
    });
    group.bench_function("corpus", |b| {
        b.iter(|| one_thread.install(|| textdedup_corpus(&deduper, black_box(&docs))))
    });
    group.bench_function("naive_hashset", |b| {
        b.iter(|| naive_find(black_box(&text), &mut removed_lines))
    });
    group.bench_function("textdedup_clean", |b| {
        b.iter(|| one_thread.install(|| textdedup_one(&deduper, black_box(&text), &mut out)))
    });
    group.bench_function("naive_hashset_clean", |b| {
        b.iter(|| naive_clean(black_box(&text), &mut out))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
