//! Parallel batches: the same work on 1 and 2 threads (and more where the
//! machine has them), with the answer checked against the sequential loop.
//!
//! ```text
//! cargo bench --bench batch
//! cargo bench --bench batch -- --save-baseline before   # on the old code
//! cargo bench --bench batch -- --baseline before        # on the new code
//! ```
//!
//! Inputs: a generated 128 MiB corpus of 4 KiB to 64 KiB news-like
//! documents, and the same bytes as one 128 MiB document. Ids:
//! `batch/paragraphs/threadsN` (paragraph mode, corpus scope),
//! `batch/one_document/threadsN` (paragraph mode, one document),
//! `batch/passages/threadsN` (passage mode, corpus scope: the matching
//! runs in corpus order, the winnowing of the next round on the other
//! threads),
//! `batch/passages_document_scope/threadsN` and
//! `batch/passages_one_document/threadsN` (passage mode, the same bytes as
//! one document: matched region by region, the next region's anchors
//! computed on the other threads).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rayon::ThreadPoolBuilder;
use textdedup::passage;
use textdedup::{Corpus, Deduper, Scope};

fn bench(c: &mut Criterion) {
    let docs = textdedup_testkit::generate::news::news_docs(128 << 20, 4 << 10, 64 << 10, 7);
    let one: Vec<u8> = docs.concat();
    let bytes = one.len() as u64;
    let deduper = Deduper::default();

    // The answer, checked once: batch == sequential, for each pool size.
    let mut corpus = Corpus::new();
    let sequential: Vec<_> = docs
        .iter()
        .map(|d| deduper.dedup_in(&mut corpus, d))
        .collect();
    let single = ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| deduper.dedup(&one));
    let threads: Vec<usize> = [1, 2, 4, 8, 16]
        .into_iter()
        .filter(|&t| {
            t <= std::thread::available_parallelism()
                .map_or(2, |n| n.get())
                .max(2)
        })
        .collect();
    for &t in &threads {
        let pool = ThreadPoolBuilder::new().num_threads(t).build().unwrap();
        assert_eq!(
            pool.install(|| deduper.dedup_batch(&mut Corpus::new(), &docs)),
            sequential
        );
        assert_eq!(pool.install(|| deduper.dedup(&one)), single);
    }
    let removed: u64 = sequential.iter().map(|r| r.stats().bytes_removed).sum();
    assert!(removed > bytes / 5, "the corpus has repeats to find");

    // Passage mode: corpus scope (each document against all earlier text:
    // matched in corpus order, winnowed ahead in parallel) and document
    // scope (documents independent).
    let passages = passage::Deduper::default();
    let passages_doc =
        passage::Deduper::new(passage::Config::new().scope(Scope::Document)).unwrap();
    for finder in [&passages, &passages_doc] {
        let mut corpus = passage::Corpus::new();
        let one_by_one: Vec<_> = docs
            .iter()
            .map(|d| finder.dedup_in(&mut corpus, d))
            .collect();
        for &t in &threads {
            let pool = ThreadPoolBuilder::new().num_threads(t).build().unwrap();
            let batch = pool.install(|| finder.dedup_batch(&mut passage::Corpus::new(), &docs));
            assert_eq!(batch, one_by_one);
        }
    }
    let one_passages = |t: usize| {
        let pool = ThreadPoolBuilder::new().num_threads(t).build().unwrap();
        pool.install(|| passages.dedup(&one).removals().to_vec())
    };
    let one_thread = one_passages(1);
    assert!(!one_thread.is_empty());
    for &t in &threads[1..] {
        assert_eq!(one_passages(t), one_thread, "{t} threads");
    }

    let mut group = c.benchmark_group("batch");
    group.throughput(Throughput::Bytes(bytes));
    let pools: Vec<(usize, rayon::ThreadPool)> = threads
        .iter()
        .map(|&t| (t, ThreadPoolBuilder::new().num_threads(t).build().unwrap()))
        .collect();
    // Each id's thread counts run back to back, so that the ratio compares
    // measurements taken minutes apart at most (the machine is shared).
    for (t, pool) in &pools {
        group.bench_function(format!("paragraphs/threads{t}"), |b| {
            b.iter(|| {
                pool.install(|| {
                    deduper
                        .dedup_batch(&mut Corpus::new(), black_box(&docs))
                        .len()
                })
            })
        });
    }
    for (t, pool) in &pools {
        group.bench_function(format!("one_document/threads{t}"), |b| {
            b.iter(|| pool.install(|| deduper.dedup(black_box(&one)).removals().len()))
        });
    }
    for (t, pool) in &pools {
        group.bench_function(format!("passages/threads{t}"), |b| {
            b.iter(|| {
                pool.install(|| {
                    passages
                        .dedup_batch(&mut passage::Corpus::new(), black_box(&docs))
                        .len()
                })
            })
        });
    }
    for (t, pool) in &pools {
        group.bench_function(format!("passages_document_scope/threads{t}"), |b| {
            b.iter(|| {
                pool.install(|| {
                    passages_doc
                        .dedup_batch(&mut passage::Corpus::new(), black_box(&docs))
                        .len()
                })
            })
        });
    }
    for (t, pool) in &pools {
        group.bench_function(format!("passages_one_document/threads{t}"), |b| {
            b.iter(|| pool.install(|| passages.dedup(black_box(&one)).removals().len()))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
