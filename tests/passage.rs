//! Passage mode against naive oracles (DESIGN section 4).

use proptest::prelude::*;
use textdedup::passage::{self, Snap};
use textdedup::{DocId, Scope, Span};

const ARTICLE: &[u8] = include_bytes!("../examples/data/article.txt");

use textdedup_testkit::oracle::passage::{
    brute_coverage, check_verified, is_subset, union, window_coverage,
};

fn finder(m: usize, snap: Snap, scope: Scope) -> passage::Deduper {
    passage::Deduper::new(passage::Config::new().min_len(m).snap(snap).scope(scope)).unwrap()
}

/// Runs a corpus through `find_in`, checks every report is verified and, with
/// snap `Byte`, that the union is the oracle's (exactly when no anchor was
/// refused, a subset otherwise: the documented condition). Returns the
/// unions.
fn run_corpus(docs: &[&[u8]], m: usize, snap: Snap, scope: Scope) -> Vec<Vec<Span>> {
    run_with(
        docs,
        passage::Config::new().min_len(m).snap(snap).scope(scope),
    )
}

/// [`run_corpus`] for any configuration (a seed, say).
fn run_with(docs: &[&[u8]], config: passage::Config) -> Vec<Vec<Span>> {
    let f = passage::Deduper::new(config).unwrap();
    let (m, snap, scope) = (config.get_min_len(), config.get_snap(), config.get_scope());
    let oracle = window_coverage(docs, m, scope);
    let mut corpus = passage::Corpus::new();
    let mut unions = Vec::new();
    for (d, text) in docs.iter().enumerate() {
        let report = f.dedup_in(&mut corpus, text);
        assert_eq!(report.doc(), DocId::new(d as u64));
        check_verified(&report, docs);
        let got = union(&report);
        if snap == Snap::Byte {
            if corpus.refused_anchors() == 0 {
                assert_eq!(got, oracle[d], "doc {d}, m {m}, {scope:?}");
            } else {
                assert!(is_subset(&got, &oracle[d]), "doc {d}");
            }
        } else {
            assert!(is_subset(&got, &oracle[d]), "snapping only shrinks");
            for r in report.removals() {
                let (s, e) = (r.span().start, r.span().end);
                for i in [s, e] {
                    let ok = match snap {
                        Snap::Char => i == text.len() || !matches!(text[i], 0x80..=0xBF),
                        Snap::Word => {
                            i == 0 || i == text.len() || text[i - 1].is_ascii_whitespace()
                        }
                        Snap::Line => i == 0 || i == text.len() || text[i - 1] == b'\n',
                        _ => true,
                    };
                    // Inner junctions between two removals are not snapped.
                    let inner = report
                        .removals()
                        .iter()
                        .any(|o| o.span().end == s && i == s || o.span().start == e && i == e);
                    assert!(ok || inner, "{snap:?} boundary at {i}");
                }
            }
        }
        unions.push(got);
    }
    unions
}

// ---------------------------------------------------------------------------
// Generators

use textdedup_testkit::generate::words::corpus_with_repeats;
use textdedup_testkit::SplitMix64;

// ---------------------------------------------------------------------------
// Oracle checks

#[test]
fn window_oracle_equals_brute_force() {
    let mut rng = SplitMix64(7);
    for _ in 0..60 {
        let docs: Vec<Vec<u8>> = (0..1 + rng.index(3))
            .map(|_| {
                let k = 2 + rng.index(3);
                (0..rng.index(90))
                    .map(|_| b'a' + rng.index(k) as u8)
                    .collect()
            })
            .collect();
        let docs: Vec<&[u8]> = docs.iter().map(|d| &d[..]).collect();
        for m in [3, 5, 8] {
            assert_eq!(
                brute_coverage(&docs, m),
                window_coverage(&docs, m, Scope::Corpus)
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn small_alphabets_match_the_oracle(
        alphabet in 2usize..=4,
        m in prop::sample::select(vec![16usize, 17, 20, 24, 33, 44, 50, 64, 70]),
        raw in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..600), 1..4),
    ) {
        let docs: Vec<Vec<u8>> = raw
            .iter()
            .map(|d| d.iter().map(|b| b"acgt"[*b as usize % alphabet]).collect())
            .collect();
        let docs: Vec<&[u8]> = docs.iter().map(|d| &d[..]).collect();
        run_corpus(&docs, m, Snap::Byte, Scope::Corpus);
        run_corpus(&docs, m, Snap::Byte, Scope::Document);
    }

    #[test]
    fn injected_repeats_match_the_oracle(seed in any::<u64>(), m in 16usize..120) {
        let docs = corpus_with_repeats(seed, 4, 1500);
        let docs: Vec<&[u8]> = docs.iter().map(|d| &d[..]).collect();
        for snap in [Snap::Byte, Snap::Char, Snap::Word, Snap::Line] {
            run_corpus(&docs, m, snap, Scope::Corpus);
        }
        run_corpus(&docs, m, Snap::Byte, Scope::Document);
    }

    #[test]
    fn seeded_finders_match_the_oracle(
        seed in any::<u64>(),
        hash_seed in 1u64..,
        m in 16usize..120,
    ) {
        let docs = corpus_with_repeats(seed, 4, 1500);
        let docs: Vec<&[u8]> = docs.iter().map(|d| &d[..]).collect();
        let config = passage::Config::new().min_len(m).snap(Snap::Byte).seed(hash_seed);
        prop_assert_eq!(config.get_seed(), hash_seed);
        run_with(&docs, config);
        run_with(&docs, config.scope(Scope::Document));
    }

    #[test]
    fn one_document_equals_document_scope(seed in any::<u64>(), m in 16usize..80) {
        let docs = corpus_with_repeats(seed, 3, 800);
        let single = finder(m, Snap::Byte, Scope::Document);
        let mut corpus = passage::Corpus::new();
        for doc in &docs {
            let alone = single.dedup(doc);
            let mut in_corpus = single.dedup_in(&mut corpus, doc);
            // Same removals; only the document id differs.
            prop_assert_eq!(alone.removals().len(), in_corpus.removals().len());
            for (a, b) in alone.removals().iter().zip(in_corpus.removals()) {
                prop_assert_eq!(a.span(), b.span());
                prop_assert_eq!(a.first().start(), b.first().start());
            }
            in_corpus = single.dedup(doc);
            check_verified(&in_corpus, &[doc]);
        }
    }

    #[test]
    fn snapping_only_shrinks(seed in any::<u64>()) {
        let docs = corpus_with_repeats(seed, 3, 1200);
        let docs: Vec<&[u8]> = docs.iter().map(|d| &d[..]).collect();
        let byte = run_corpus(&docs, 32, Snap::Byte, Scope::Corpus);
        for snap in [Snap::Char, Snap::Word, Snap::Line] {
            let snapped = run_corpus(&docs, 32, snap, Scope::Corpus);
            for (s, b) in snapped.iter().zip(&byte) {
                prop_assert!(is_subset(s, b));
            }
        }
    }
}

/// Deduplicates `docs` as one batch with snap `Byte` and checks the
/// suffix-array answer byte for byte, with nothing refused; returns the
/// bytes removed.
fn exact_with_nothing_refused(docs: &[&[u8]], m: usize) -> usize {
    let f = finder(m, Snap::Byte, Scope::Corpus);
    let oracle = window_coverage(docs, m, Scope::Corpus);
    let mut corpus = passage::Corpus::new();
    let reports = f.dedup_batch(&mut corpus, docs);
    for (d, report) in reports.iter().enumerate() {
        check_verified(report, docs);
        assert_eq!(union(report), oracle[d], "doc {d}, min_len {m}");
    }
    assert_eq!(corpus.refused_anchors(), 0, "min_len {m}");
    reports
        .iter()
        .map(|r| r.stats().bytes_removed as usize)
        .sum()
}

/// Posts whose header lines recur with varied continuations (the k-grams
/// of `Subject: Re: ` begin many different windows, so anchor hashes fill),
/// and threads of up to 100 replies: the suffix-array answer byte for byte
/// at every `min_len`, with nothing refused.
#[test]
fn recurring_headers_match_the_oracle_with_nothing_refused() {
    let posts = textdedup_testkit::generate::mail::posts(0x6E65_7773, 1500);
    let docs: Vec<&[u8]> = posts.iter().map(Vec::as_slice).collect();
    for m in [16, 32, 100] {
        assert!(exact_with_nothing_refused(&docs, m) > 0);
    }
}

/// Repeats of exactly `min_len` bytes (and one byte short of it, which are
/// not repeats), each the only copy of its piece.
#[test]
fn repeats_of_exactly_min_len_match_the_oracle() {
    for m in [16, 17, 33, 64, 100] {
        for piece in [m - 1, m] {
            let texts = textdedup_testkit::generate::mail::exact_repeats(m as u64, 200, 600, piece);
            let docs: Vec<&[u8]> = texts.iter().map(Vec::as_slice).collect();
            let removed = exact_with_nothing_refused(&docs, m);
            // Fresh text repeats now and then on its own (common words);
            // the copies add `m` bytes each.
            if piece == m {
                assert!(removed >= 150 * m, "min_len {m}: {removed}");
            }
        }
    }
}

#[test]
fn stream_of_many_documents_matches_the_oracle() {
    let docs = corpus_with_repeats(42, 200, 3000);
    let docs: Vec<&[u8]> = docs.iter().map(|d| &d[..]).collect();
    for m in [16, 40, 100] {
        let unions = run_corpus(&docs, m, Snap::Byte, Scope::Corpus);
        assert!(unions.iter().any(|u| !u.is_empty()));
    }
}

/// A copy of the junction of two earlier documents is cut where the first
/// one ends (a repeat lies within one document), however the earlier
/// documents were fed: stored one by one (end to end in one buffer), as
/// one batch, or in the same batch as the copy. With 150 bytes of the
/// first document the copy is two removals; with 50 (too short alone), the
/// part from the first document stays.
#[test]
fn a_copy_of_two_documents_junction_is_cut_at_the_junction() {
    let mut rng = SplitMix64(7);
    let mut random = |n: usize| -> Vec<u8> { (0..n).map(|_| rng.below(256) as u8).collect() };
    let (a, b) = (random(200), random(200));
    let f = finder(100, Snap::Byte, Scope::Corpus);
    let removals = |report: &textdedup::DocReport<'_>| -> Vec<(Span, u64, usize)> {
        let r = report.removals().iter();
        r.map(|r| (r.span(), r.first().doc().index(), r.first().start()))
            .collect()
    };
    let cases = [
        (
            50,
            vec![(Span::new(0, 150), 0, 50), (Span::new(150, 300), 1, 0)],
        ),
        (150, vec![(Span::new(50, 200), 1, 0)]),
    ];
    for (from, want) in cases {
        let junction = [&a[from..], &b[..150]].concat();
        let docs: [&[u8]; 3] = [&a, &b, &junction];

        let mut corpus = passage::Corpus::new();
        let reports: Vec<_> = docs.iter().map(|d| f.dedup_in(&mut corpus, d)).collect();
        assert_eq!(removals(&reports[2]), want, "one by one");

        let mut corpus = passage::Corpus::with_capacity(1 << 20);
        let reports: Vec<_> = docs.iter().map(|d| f.dedup_in(&mut corpus, d)).collect();
        assert_eq!(removals(&reports[2]), want, "one by one, room reserved");

        let mut corpus = passage::Corpus::new();
        let reports = f.dedup_batch(&mut corpus, &docs);
        assert_eq!(removals(&reports[2]), want, "one batch");

        let mut corpus = passage::Corpus::new();
        f.dedup_batch(&mut corpus, &docs[..2]);
        let reports = f.dedup_batch(&mut corpus, &docs[2..]);
        assert_eq!(removals(&reports[0]), want, "a batch after a batch");
        check_verified(&reports[0], &docs);
    }
}

/// Feeds `docs` to one corpus through `main`, and to another through
/// `main` or `other` as `use_other(i)` says: the reports of documents fed
/// the same way must agree (`other`'s only where its answers are `main`'s,
/// `compare_other`), whatever the corpus was indexed for before.
fn continued_with_another_finder(
    seed: u64,
    main: passage::Deduper,
    other: passage::Deduper,
    use_other: impl Fn(usize) -> bool,
    compare_other: bool,
) -> passage::Corpus {
    let docs = corpus_with_repeats(seed, 30, 2000);
    let mut mixed = passage::Corpus::new();
    let mut plain = passage::Corpus::new();
    let mut compared = 0;
    for (i, doc) in docs.iter().enumerate() {
        let expected = main.dedup_in(&mut plain, doc);
        let f = if use_other(i) { &other } else { &main };
        let got = f.dedup_in(&mut mixed, doc);
        if !use_other(i) || compare_other {
            assert_eq!(got.removals(), expected.removals(), "doc {i}");
            compared += usize::from(!got.removals().is_empty());
        }
    }
    assert!(compared > 0, "some compared document has repeats");
    assert_eq!(mixed.text_bytes(), plain.text_bytes());
    mixed
}

#[test]
fn reindexing_for_another_min_len_keeps_the_answer() {
    let (main, other) = (
        finder(40, Snap::Byte, Scope::Corpus),
        finder(100, Snap::Byte, Scope::Corpus),
    );
    continued_with_another_finder(3, main, other, |i| i % 2 == 0, false);
}

#[test]
fn a_corpus_continued_with_another_seed_is_reindexed() {
    let config = passage::Config::new().min_len(40).snap(Snap::Byte);
    let (main, other) = (
        passage::Deduper::new(config).unwrap(),
        passage::Deduper::new(config.seed(0xC0FFEE)).unwrap(),
    );
    let mixed = continued_with_another_finder(5, main, other, |i| i % 3 == 1, true);
    assert_eq!(mixed.refused_anchors(), 0);
}

// ---------------------------------------------------------------------------
// The article

fn article_union(snap: Snap) -> Vec<Span> {
    let report = finder(100, snap, Scope::Corpus).dedup(ARTICLE);
    check_verified(&report, &[ARTICLE]);
    union(&report)
}

#[test]
fn article_byte_snap() {
    assert_eq!(article_union(Snap::Byte), [Span::new(2675, 5009)]);
    assert_eq!(article_union(Snap::Char), [Span::new(2675, 5009)]);
}

#[test]
fn article_word_and_line_snap() {
    assert_eq!(article_union(Snap::Word), [Span::new(2677, 5009)]);
    assert_eq!(article_union(Snap::Line), [Span::new(2677, 5009)]);
    let report = passage::Deduper::default().dedup(ARTICLE);
    assert_eq!(union(&report), [Span::new(2677, 5009)]);
    let mut kept = ARTICLE[..2677].to_vec();
    kept.extend_from_slice(&ARTICLE[5009..]);
    assert_eq!(&*report.kept_bytes(), &kept[..]);
}

// ---------------------------------------------------------------------------
// Periodic and pathological inputs

fn byte_union(text: &[u8], m: usize) -> Vec<Span> {
    let report = finder(m, Snap::Byte, Scope::Document).dedup(text);
    check_verified(&report, &[text]);
    union(&report)
}

#[test]
fn periodic_runs() {
    for n in [16, 17, 100, 101, 5000, 1 << 20] {
        let a = vec![b'a'; n];
        assert_eq!(
            byte_union(&a, 16),
            [Span::new(1, n)][..usize::from(n > 16)],
            "a * {n}"
        );
        assert_eq!(
            byte_union(&a, 100),
            [Span::new(1, n)][..usize::from(n > 100)]
        );
        let ab: Vec<u8> = b"ab".iter().copied().cycle().take(2 * n).collect();
        assert_eq!(byte_union(&ab, 16), [Span::new(2, 2 * n)], "ab * {n}");
    }
    // A random 1 KiB block repeated: everything after the first copy.
    let mut rng = SplitMix64(9);
    let block: Vec<u8> = (0..1024).map(|_| rng.next_u64() as u8).collect();
    let text = block.repeat(300);
    assert_eq!(byte_union(&text, 100), [Span::new(1024, text.len())]);
    assert_eq!(byte_union(&text, 16), [Span::new(1024, text.len())]);
    let r = finder(100, Snap::Byte, Scope::Document).dedup(&text);
    assert_eq!(r.removals().len(), 1);
    assert_eq!(r.removals()[0].first().start(), 0);
}

#[test]
fn a_megabyte_of_spaces_inside_text() {
    let mut rng = SplitMix64(11);
    let head: Vec<u8> = (0..5000).map(|_| b'a' + rng.index(26) as u8).collect();
    let tail: Vec<u8> = (0..5000).map(|_| b'a' + rng.index(26) as u8).collect();
    let mut text = head.clone();
    text.extend(std::iter::repeat_n(b' ', 1 << 20));
    text.extend_from_slice(&tail);
    let p = head.len();
    assert_eq!(byte_union(&text, 100), [Span::new(p + 1, p + (1 << 20))]);
    // Word snap: the run starts after a space, ends after one.
    let report = passage::Deduper::default().dedup(&text);
    assert_eq!(union(&report), [Span::new(p + 1, p + (1 << 20))]);
    // Twice, in a corpus: the second document loses all its spaces but one.
    let f = finder(100, Snap::Byte, Scope::Corpus);
    let mut corpus = passage::Corpus::new();
    let mut other = tail.clone();
    other.extend(std::iter::repeat_n(b' ', 1 << 20));
    other.extend_from_slice(&head);
    assert_eq!(
        union(&f.dedup_in(&mut corpus, &text)),
        [Span::new(p + 1, p + (1 << 20))]
    );
    let second = f.dedup_in(&mut corpus, &other);
    check_verified(&second, &[&text, &other]);
    assert_eq!(union(&second), [Span::new(0, other.len())]);
    assert_eq!(corpus.refused_anchors(), 0);
}

#[test]
fn empty_short_invalid_utf8_and_nul() {
    let f = finder(16, Snap::Byte, Scope::Corpus);
    let mut corpus = passage::Corpus::new();
    assert!(f.dedup(b"").removals().is_empty());
    assert!(f.dedup_in(&mut corpus, b"").removals().is_empty());
    assert!(f.dedup(&[0u8; 15]).removals().is_empty());
    assert_eq!(union(&f.dedup(&[0u8; 40])), [Span::new(1, 40)]);
    let junk: Vec<u8> = (0..64u8)
        .map(|i| 0x80 | i.wrapping_mul(37))
        .chain([0, 0xFF, 0xFE])
        .collect();
    let doc = [&junk[..], b"\0middle\0", &junk[..]].concat();
    let r = f.dedup_in(&mut corpus, &doc);
    check_verified(&r, &[b"", &doc]);
    assert_eq!(union(&r), [Span::new(junk.len() + 8, doc.len())]);
    // Char snapping on invalid UTF-8 never panics and lands on non-continuation bytes.
    let rc = finder(16, Snap::Char, Scope::Corpus).dedup(&doc);
    for rm in rc.removals() {
        assert!(rm.span().end == doc.len() || !matches!(doc[rm.span().end], 0x80..=0xBF));
    }
    // Valid UTF-8 in, valid UTF-8 out, for every snap but Byte.
    let text = "€uro ünïcödé text that repeats itself. ".repeat(20);
    for snap in [Snap::Char, Snap::Word, Snap::Line] {
        let r = finder(16, snap, Scope::Corpus).dedup(text.as_bytes());
        assert!(r.kept_str().is_ok());
        assert!(!r.removals().is_empty() || snap == Snap::Line);
    }
}

#[test]
fn config_is_validated() {
    let err = passage::Deduper::new(passage::Config::new().min_len(15)).unwrap_err();
    assert_eq!(err.field(), "min_len");
    assert_eq!(err.value(), "15");
    assert!(passage::Deduper::new(passage::Config::new().min_len(16)).is_ok());
    assert!(passage::Deduper::new(passage::Config::new().min_len(1 << 40)).is_ok());
    let huge = passage::Deduper::new(passage::Config::new().min_len(usize::MAX)).unwrap();
    assert!(huge.dedup(&[b'a'; 1000]).removals().is_empty());
    let big = finder(10_000, Snap::Byte, Scope::Document);
    let text = vec![b'z'; 30_000];
    assert_eq!(union(&big.dedup(&text)), [Span::new(1, 30_000)]);
}

#[test]
fn mixing_scopes_on_one_corpus() {
    let docs = corpus_with_repeats(5, 12, 1500);
    let all: Vec<&[u8]> = docs.iter().map(|d| &d[..]).collect();
    let by_doc = finder(20, Snap::Byte, Scope::Document);
    let by_corpus = finder(20, Snap::Byte, Scope::Corpus);
    let mut corpus = passage::Corpus::new();
    for (i, doc) in docs.iter().enumerate() {
        let f = if i % 3 == 1 { &by_doc } else { &by_corpus };
        let report = f.dedup_in(&mut corpus, doc);
        assert_eq!(report.doc(), DocId::new(i as u64));
        check_verified(&report, &all);
        if i % 3 == 1 {
            // Document scope: exactly the repeats within the document.
            let alone = by_doc.dedup(doc);
            assert_eq!(union(&report), union(&alone));
        }
    }
    assert_eq!(corpus.documents(), docs.len() as u64);
}

#[test]
fn with_capacity_changes_nothing_but_allocation() {
    let docs = corpus_with_repeats(8, 40, 2000);
    let f = passage::Deduper::default();
    let (mut a, mut b) = (
        passage::Corpus::new(),
        passage::Corpus::with_capacity(1 << 20),
    );
    for doc in &docs {
        assert_eq!(
            f.dedup_in(&mut a, doc).removals(),
            f.dedup_in(&mut b, doc).removals()
        );
    }
    assert_eq!(a.anchors(), b.anchors());
    a.clear();
    assert_eq!((a.documents(), a.text_bytes(), a.anchors()), (0, 0, 0));
}

#[test]
fn engine_and_state_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<passage::Deduper>();
    check::<passage::Config>();
    check::<passage::Corpus>();
}
