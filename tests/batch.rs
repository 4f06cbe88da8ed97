//! Batches give the one-by-one answer, for every thread count.
#![cfg(feature = "parallel")]

use proptest::prelude::*;
use rayon::ThreadPoolBuilder;
use textdedup::{Config, Corpus, Deduper, DocReport, Normalize, Scope, Split};

use textdedup_testkit::oracle::paragraph::{check, check_origins, naive_corpus};
use textdedup_testkit::SplitMix64;

fn sequential<'t>(deduper: &Deduper, docs: &'t [Vec<u8>]) -> Vec<DocReport<'t>> {
    let mut corpus = Corpus::new();
    docs.iter()
        .map(|d| deduper.dedup_in(&mut corpus, d))
        .collect()
}

fn in_pool<R: Send>(threads: usize, f: impl FnOnce() -> R + Send) -> R {
    ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(f)
}

/// A report as plain values: (doc, removals as (start, end, first doc,
/// first start, first end), paragraphs).
type Summary = (u64, Vec<(usize, usize, u64, usize, usize)>, u64);

/// What a stream entry point hands its sink, as summaries in order: `run`
/// calls it with the sink it is given.
fn streamed(
    run: impl FnOnce(&mut dyn FnMut(DocReport<'_>) -> Result<(), ()>) -> Result<(), ()>,
) -> Vec<Summary> {
    let mut got = Vec::new();
    run(&mut |r| {
        got.extend(summary(std::slice::from_ref(&r)));
        Ok(())
    })
    .unwrap();
    got
}

/// Owned copies of reports, to compare runs over the same borrowed docs.
fn summary(reports: &[DocReport<'_>]) -> Vec<Summary> {
    reports
        .iter()
        .map(|r| {
            let rs = r
                .removals()
                .iter()
                .map(|m| {
                    (
                        m.span().start,
                        m.span().end,
                        m.first().doc().index(),
                        m.first().start(),
                        m.first().end(),
                    )
                })
                .collect();
            (r.doc().index(), rs, r.stats().paragraphs.unwrap_or(0))
        })
        .collect()
}

fn config_strategy() -> impl Strategy<Value = Config> {
    (any::<bool>(), 0u8..3, any::<bool>(), 0usize..6).prop_map(
        |(blocks, normalize, doc_scope, min)| {
            Config::new()
                .split(if blocks {
                    Split::BlankLines
                } else {
                    Split::Lines
                })
                .normalize(match normalize {
                    0 => Normalize::Exact,
                    1 => Normalize::Whitespace,
                    _ => Normalize::Loose,
                })
                .scope(if doc_scope {
                    Scope::Document
                } else {
                    Scope::Corpus
                })
                .min_len(min)
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn batch_equals_sequential_for_any_threads(
        docs in proptest::collection::vec(prop_oneof![
            "\u{FEFF}?(ab|cd|\n|\r\n| |x|\u{FEFF}){0,40}",
            // Repeated lines written in several ways, so that later copies
            // and their first copies differ in length.
            "\u{FEFF}?((ab|a b| a  b|cd|c\td| cd |)(\n|\r\n)){0,12}(ab|cd)?",
        ], 0..12),
        config in config_strategy(),
    ) {
        let docs: Vec<Vec<u8>> = docs.into_iter().map(String::into_bytes).collect();
        let deduper = Deduper::new(config.clone()).unwrap();
        // The one-by-one answer is the naive oracle's, and every first copy
        // holds what was removed.
        let reports = sequential(&deduper, &docs);
        for (report, expected) in reports.iter().zip(naive_corpus(&docs, &config)) {
            check(report, &expected);
            check_origins(&docs, report, &config);
        }
        let want = summary(&reports);
        let mut one_by_one = Corpus::new();
        for d in &docs {
            deduper.dedup_in(&mut one_by_one, d);
        }
        for threads in [1, 2, 8] {
            let mut corpus = Corpus::new();
            let got = in_pool(threads, || {
                let reports = deduper.dedup_batch(&mut corpus, &docs);
                for report in &reports {
                    check_origins(&docs, report, &config);
                }
                summary(&reports)
            });
            prop_assert_eq!(&got, &want, "{} threads", threads);
            // The corpus ends in the same state, whatever the scope.
            prop_assert_eq!(corpus.distinct_paragraphs(), one_by_one.distinct_paragraphs());
            prop_assert_eq!(corpus.documents(), one_by_one.documents());
        }
    }

    #[test]
    fn stream_batch_size_does_not_matter(
        docs in proptest::collection::vec("\u{FEFF}?(ab|cd|\n|\r\n| ){0,30}", 0..12),
        batch_bytes in 0usize..100,
    ) {
        let docs: Vec<Vec<u8>> = docs.into_iter().map(String::into_bytes).collect();
        let deduper = Deduper::new(Config::new().min_len(1)).unwrap();
        let want = summary(&sequential(&deduper, &docs));
        let got = streamed(|sink| deduper.dedup_stream(&mut Corpus::new(), docs.clone(), batch_bytes, sink));
        prop_assert_eq!(got, want);
    }
}

/// Generated lines: `n` lines, each one of `distinct` variants.
fn lines(n: usize, distinct: u64, seed: u64) -> Vec<u8> {
    let mut rng = SplitMix64(seed);
    let mut out = Vec::new();
    for _ in 0..n {
        let v = rng.below(distinct);
        out.extend_from_slice(
            format!("line number {v} of the generated text, padded\n").as_bytes(),
        );
        if v % 5 == 0 {
            // Blank lines, so blank-line paragraphs have boundaries to cut at.
            out.push(b'\n');
        }
    }
    out
}

#[test]
fn hundred_thousand_tiny_documents() {
    let docs: Vec<Vec<u8>> = (0..100_000u64)
        .map(|i| format!("tiny document {}\n", i % 7_000).into_bytes())
        .collect();
    let deduper = Deduper::new(Config::new().min_len(1)).unwrap();
    let want = summary(&sequential(&deduper, &docs));
    for threads in [1, 2, 4] {
        assert_eq!(
            in_pool(threads, || summary(
                &deduper.dedup_batch(&mut Corpus::new(), &docs)
            )),
            want
        );
    }
    let removed: usize = want.iter().map(|r| r.1.len()).sum();
    assert_eq!(removed, 93_000);
}

#[test]
fn every_document_identical() {
    let doc = lines(200, 1_000_000, 7);
    let docs = vec![doc; 2_000];
    let deduper = Deduper::default();
    let want = summary(&sequential(&deduper, &docs));
    let got = in_pool(2, || {
        summary(&deduper.dedup_batch(&mut Corpus::new(), &docs))
    });
    assert_eq!(got, want);
    // Every document after the first is removed whole, but for its blank
    // lines, which are never duplicates.
    for r in &deduper.dedup_batch(&mut Corpus::new(), &docs)[1..] {
        assert!(r.kept_bytes().iter().all(|&b| b == b'\n'));
        assert!(r.kept_len() > 0);
    }
}

/// A large document takes the parallel path inside `dedup` and `dedup_in`.
fn one_big_document(mib: usize) {
    let text = lines(mib * (1 << 20) / 46, 200_000, 11);
    for split in [Split::Lines, Split::BlankLines] {
        let deduper = Deduper::new(Config::new().split(split)).unwrap();
        let want = in_pool(1, || summary(&[deduper.dedup(&text)]));
        for threads in [2, 3] {
            let got = in_pool(threads, || summary(&[deduper.dedup(&text)]));
            assert_eq!(got, want, "{threads} threads");
        }
        let mut corpus = Corpus::new();
        let got = in_pool(2, || summary(&[deduper.dedup_in(&mut corpus, &text)]));
        assert_eq!(got, want);
    }
}

#[test]
fn one_32_mib_document() {
    one_big_document(32);
}

#[test]
#[ignore = "256 MiB: run with --ignored --release"]
fn one_256_mib_document() {
    one_big_document(256);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn chunk_batch_equals_sequential_for_any_threads(
        docs in proptest::collection::vec(proptest::collection::vec(0u8..4, 0..3000), 0..8),
        seed in 0u64..3,
    ) {
        use textdedup::chunk;
        // Few distinct bytes and repeated documents: plenty of equal chunks.
        let mut docs = docs;
        if let Some(d) = docs.first().cloned() {
            docs.push(d);
        }
        let deduper = chunk::Config::new().avg(64).seed(seed).build().unwrap();
        let mut corpus = chunk::Corpus::new();
        let want = summary(&docs.iter().map(|d| deduper.dedup_in(&mut corpus, d)).collect::<Vec<_>>());
        for threads in [1, 2, 8] {
            let got = in_pool(threads, || summary(&deduper.dedup_batch(&mut chunk::Corpus::new(), &docs)));
            prop_assert_eq!(&got, &want, "{} threads", threads);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn chunk_stream_batch_size_does_not_matter(
        docs in proptest::collection::vec(proptest::collection::vec(0u8..4, 0..2000), 0..10),
        batch_bytes in 0usize..5000,
        threads in prop::sample::select(vec![1usize, 2, 8]),
    ) {
        use textdedup::chunk;
        let mut docs = docs;
        if let Some(d) = docs.first().cloned() {
            docs.push(d);
        }
        let deduper = chunk::Config::new().avg(64).build().unwrap();
        let mut corpus = chunk::Corpus::new();
        let want = summary(&docs.iter().map(|d| deduper.dedup_in(&mut corpus, d)).collect::<Vec<_>>());
        let got = in_pool(threads, || {
            streamed(|sink| deduper.dedup_stream(&mut chunk::Corpus::new(), docs.clone(), batch_bytes, sink))
        });
        prop_assert_eq!(got, want);
    }
}

#[test]
fn one_big_document_chunked_on_every_core() {
    use textdedup::chunk;
    // Random lines, then the same 10 MiB again: chunks repeat in the half.
    let half = lines(230_000, 50_000, 3);
    let text = [&half[..], &half[..]].concat();
    for avg in [64, 1024] {
        let deduper = chunk::Config::new().avg(avg).build().unwrap();
        let want = in_pool(1, || summary(&[deduper.dedup(&text)]));
        let got = in_pool(2, || summary(&[deduper.dedup(&text)]));
        // The same through the deduper's own pool of two threads.
        let own = chunk::Config::new().avg(avg).threads(2).build().unwrap();
        assert_eq!(summary(&[own.dedup(&text)]), want);
        assert_eq!(got, want);
        assert!(!want[0].1.is_empty());
    }
}

// ---------------------------------------------------------------------------
// Passage mode

mod passage_batches {
    use super::{in_pool, streamed, summary};
    use proptest::prelude::*;
    use textdedup::passage::{self, Snap};
    use textdedup::{DocReport, Scope};

    use textdedup_testkit::generate::words::corpus_with_repeats as corpus;

    fn one_by_one<'t>(finder: &passage::Deduper, docs: &'t [Vec<u8>]) -> Vec<DocReport<'t>> {
        let mut corpus = passage::Corpus::new();
        docs.iter()
            .map(|d| finder.dedup_in(&mut corpus, d))
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        #[test]
        fn batch_equals_sequential_for_any_threads_and_splits(
            seed in any::<u64>(),
            m in prop::sample::select(vec![16usize, 20, 40, 100]),
            document_scope in any::<bool>(),
            split in 0usize..=20,
        ) {
            let docs = corpus(seed, 20, 3000);
            let scope = if document_scope { Scope::Document } else { Scope::Corpus };
            let config = passage::Config::new().min_len(m).snap(Snap::Byte).scope(scope);
            let finder = passage::Deduper::new(config).unwrap();
            let want = summary(&one_by_one(&finder, &docs));
            for threads in [1, 2, 8] {
                let got = in_pool(threads, || {
                    let mut corpus = passage::Corpus::new();
                    let mut reports = finder.dedup_batch(&mut corpus, &docs[..split]);
                    reports.extend(finder.dedup_batch(&mut corpus, &docs[split..]));
                    summary(&reports)
                });
                prop_assert_eq!(&got, &want, "{} threads", threads);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]

        #[test]
        fn stream_batch_size_does_not_matter(
            seed in any::<u64>(),
            m in prop::sample::select(vec![16usize, 40, 100]),
            document_scope in any::<bool>(),
            batch_bytes in 0usize..20_000,
            threads in prop::sample::select(vec![1usize, 2, 8]),
        ) {
            let docs = corpus(seed, 20, 3000);
            let scope = if document_scope { Scope::Document } else { Scope::Corpus };
            let config = passage::Config::new().min_len(m).snap(Snap::Byte).scope(scope);
            let finder = passage::Deduper::new(config).unwrap();
            let want = summary(&one_by_one(&finder, &docs));
            let got = in_pool(threads, || {
                streamed(|sink| finder.dedup_stream(&mut passage::Corpus::new(), docs.clone(), batch_bytes, sink))
            });
            prop_assert_eq!(got, want);
        }
    }

    /// One large document (many regions at these `min_len`s: a region is
    /// `(w + 1) * 65,536` windows) is matched in regions on more than one
    /// thread, with the answer of one thread: alone, and after another
    /// document in a corpus.
    #[test]
    fn a_large_document_is_the_same_on_any_pool() {
        let docs = corpus(21, 400, 12_000);
        let big = docs[1..].concat();
        assert!(big.len() > 2 << 20, "{} bytes", big.len());
        for m in [16, 20, 24] {
            let finder =
                passage::Deduper::new(passage::Config::new().min_len(m).snap(Snap::Byte)).unwrap();
            let run = |threads: usize| {
                in_pool(threads, || {
                    let mut corpus = passage::Corpus::new();
                    let reports = [
                        finder.dedup(&big),
                        finder.dedup_in(&mut corpus, &docs[0]),
                        finder.dedup_in(&mut corpus, &big),
                    ];
                    // The anchors stored too: the same table.
                    (
                        summary(&reports),
                        corpus.anchors(),
                        corpus.refused_anchors(),
                    )
                })
            };
            let one = run(1);
            assert!(one.0[2].1.len() > 100, "min_len {m}: repeats found");
            assert_eq!(run(2), one, "min_len {m}, 2 threads");
            assert_eq!(run(8), one, "min_len {m}, 8 threads");
        }
    }

    /// The default `min_len` with a seed: documents of several thousand
    /// windows (several scan chunks each), a batch of many rounds, and
    /// periodic documents, whose anchor events are too many to compute
    /// ahead (they are winnowed as they are matched).
    #[test]
    fn default_min_len_seeded_with_periodic_documents() {
        let mut docs = corpus(7, 60, 20_000);
        docs.insert(10, vec![b' '; 100_000]);
        docs.insert(30, b"ab".repeat(60_000));
        docs.insert(45, vec![b' '; 50_000]);
        assert!(docs.iter().map(Vec::len).sum::<usize>() > 512 << 10);
        let finder = passage::Deduper::new(passage::Config::new().seed(0x5EED)).unwrap();
        let want = summary(&one_by_one(&finder, &docs));
        assert!(want.iter().filter(|r| !r.1.is_empty()).count() > 20);
        for threads in [1, 2] {
            let got = in_pool(threads, || {
                let mut corpus = passage::Corpus::new();
                let mut reports = finder.dedup_batch(&mut corpus, &docs[..25]);
                reports.extend(finder.dedup_batch(&mut corpus, &docs[25..]));
                summary(&reports)
            });
            assert_eq!(got, want, "{threads} threads");
        }
    }

    /// At `min_len` 16 a round is at most 1 MiB: this corpus takes several,
    /// and one document is larger than that (winnowed as it is matched).
    #[test]
    fn many_rounds_and_a_document_larger_than_a_round() {
        let mut docs = corpus(99, 120, 60_000);
        let big: Vec<u8> = docs[..100].concat();
        assert!(big.len() > 2 << 20);
        docs.insert(70, big);
        let finder = passage::Deduper::new(passage::Config::new().min_len(16)).unwrap();
        let want = summary(&one_by_one(&finder, &docs));
        assert!(want.iter().any(|r| !r.1.is_empty()));
        for threads in [1, 2] {
            let got = in_pool(threads, || {
                summary(&finder.dedup_batch(&mut passage::Corpus::new(), &docs))
            });
            assert_eq!(got, want, "{threads} threads");
        }
    }
}
