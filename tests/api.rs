//! The public API's shape: auto traits, defaults, errors.

use std::panic::{RefUnwindSafe, UnwindSafe};

use textdedup::split::{Segment, Segments};
use textdedup::*;

fn assert_traits<T: Send + Sync + UnwindSafe + RefUnwindSafe>() {}

#[test]
fn public_types_are_send_sync_unwind_safe() {
    assert_traits::<Deduper>();
    assert_traits::<Corpus>();
    assert_traits::<Config>();
    assert_traits::<ConfigError>();
    assert_traits::<CorpusMismatch>();
    assert_traits::<DocReport<'static>>();
    assert_traits::<Removal>();
    assert_traits::<Origin>();
    assert_traits::<Stats>();
    assert_traits::<Span>();
    assert_traits::<Segment>();
    assert_traits::<Segments<'static>>();
    assert_traits::<fingerprint::Fingerprinter>();
}

#[test]
fn defaults_are_documented_values() {
    let c = Config::default();
    assert_eq!(c.get_split(), Split::Lines);
    assert_eq!(c.get_normalize(), Normalize::Exact);
    assert_eq!(c.get_scope(), Scope::Corpus);
    assert_eq!(c.get_min_len(), DEFAULT_MIN_PARAGRAPH_LEN);
    assert_eq!(DEFAULT_MIN_PARAGRAPH_LEN, 16);
}

#[test]
fn kept_text_is_borrowed_when_nothing_is_removed() {
    let text = "nothing repeats here\nat all\n";
    let report = Deduper::default().dedup_str(text);
    assert!(matches!(report.kept_bytes(), std::borrow::Cow::Borrowed(_)));
    assert!(matches!(
        report.kept_str().unwrap(),
        std::borrow::Cow::Borrowed(_)
    ));
}

#[test]
fn kept_str_errors_on_invalid_utf8() {
    let report = Deduper::default().dedup(b"\xFF\n");
    assert!(report.kept_str().is_err());
    assert_eq!(&*report.kept_bytes(), b"\xFF\n");
}

#[test]
fn scope_document_forgets_between_documents() {
    let deduper = Deduper::new(Config::new().scope(Scope::Document)).unwrap();
    let mut corpus = Corpus::new();
    let line = b"a line long enough to count\n";
    assert!(deduper.dedup_in(&mut corpus, line).removals().is_empty());
    let second = deduper.dedup_in(&mut corpus, line);
    assert!(second.removals().is_empty());
    assert_eq!(second.doc(), DocId::new(1));
}

#[test]
fn stats_add_up() {
    let deduper = Deduper::default();
    let mut corpus = Corpus::with_capacity(16);
    let mut total = Stats::default();
    for doc in [
        "a line long enough to count\n",
        "a line long enough to count\nand more text here\n",
    ] {
        total += deduper.dedup_in(&mut corpus, doc.as_bytes()).stats();
    }
    assert_eq!(total.documents, 2);
    assert_eq!(total.bytes_in, 28 + 47);
    assert_eq!(total.bytes_removed, 28);
    assert_eq!(total.paragraphs, Some(3));
    assert_eq!(total.paragraphs_removed, Some(1));
}

#[test]
fn seeded_fingerprints_change_values_not_answers() {
    use textdedup::fingerprint::{random_seed, Fingerprint, Fingerprinter};
    let seed = random_seed();
    assert_ne!(seed, 0);
    assert_ne!(
        Fingerprint::of_seeded(b"abc", seed),
        Fingerprint::of(b"abc")
    );
    let mut seeded = Fingerprinter::with_seed(Normalize::Whitespace, 99);
    assert_eq!(
        seeded.fingerprint(b" a  b ").0,
        Fingerprint::of_seeded(b"a b", 99)
    );

    let text = include_bytes!("../examples/data/article.txt");
    let plain = Deduper::default().dedup(text);
    let with_seed = Deduper::new(Config::new().seed(seed)).unwrap().dedup(text);
    assert_eq!(plain, with_seed);
}

#[test]
fn corpus_memory_per_distinct_paragraph_is_as_documented() {
    let deduper = Deduper::default();
    let mut corpus = Corpus::new();
    assert!(corpus.heap_bytes() < 4096, "an empty corpus holds no table");
    let mut text = String::new();
    for i in 0..300_000 {
        text.push_str(&format!("distinct paragraph number {i}\n"));
    }
    let report = deduper.dedup_in(&mut corpus, text.as_bytes());
    assert!(report.removals().is_empty());
    assert_eq!(corpus.distinct_paragraphs(), 300_000);
    let per = corpus.heap_bytes() as f64 / 300_000.0;
    assert!(
        (37.5..=75.5).contains(&per),
        "{per} bytes per distinct paragraph"
    );
    // Duplicates cost nothing.
    let before = corpus.heap_bytes();
    deduper.dedup_in(&mut corpus, text.as_bytes());
    assert_eq!(corpus.heap_bytes(), before);
    let mut reserved = Corpus::with_capacity(300_000);
    let reserved_bytes = reserved.heap_bytes();
    deduper.dedup_in(&mut reserved, text.as_bytes());
    assert_eq!(reserved.heap_bytes(), reserved_bytes, "reserve was enough");
    assert!(reserved_bytes as f64 / 300_000.0 <= 75.5);
}

/// What a corpus holds, to check that a refused call left it alone.
fn state(corpus: &Corpus) -> (u64, usize) {
    (corpus.documents(), corpus.distinct_paragraphs())
}

const LINE: &[u8] = b"a line long enough to count\n";

/// A corpus fed by the default deduper, holding `LINE`.
fn fed() -> Corpus {
    let mut corpus = Corpus::new();
    Deduper::default().dedup_in(&mut corpus, LINE);
    corpus
}

#[test]
fn a_corpus_refuses_another_fingerprint_configuration() {
    let others = [
        (Config::new().seed(7), "seed", "0", "7"),
        (
            Config::new().normalize(Normalize::Whitespace),
            "normalize",
            "Normalize::Exact",
            "Normalize::Whitespace",
        ),
        (
            Config::new().normalize(Normalize::Loose),
            "normalize",
            "Normalize::Exact",
            "Normalize::Loose",
        ),
        (
            Config::new().split(Split::BlankLines),
            "split",
            "Split::Lines",
            "Split::BlankLines",
        ),
    ];
    for (config, field, built, given) in others {
        let other = Deduper::new(config).unwrap();
        let mut corpus = fed();
        let before = state(&corpus);
        let errors = [
            other.try_dedup_in(&mut corpus, LINE).unwrap_err(),
            other.try_dedup_batch(&mut corpus, &[LINE]).unwrap_err(),
            other
                .try_dedup_stream(&mut corpus, [LINE], 0, |_| -> Result<(), CorpusMismatch> {
                    panic!("no document is read")
                })
                .unwrap_err(),
        ];
        for err in errors {
            assert_eq!(err.field(), field);
            assert_eq!((err.corpus_value(), err.deduper_value()), (built, given));
            let message = err.to_string();
            assert!(message.contains(field), "{message}");
            // Seeds may be secret: the message names the field only.
            assert_eq!(message.contains(given), field != "seed", "{message}");
            let _: &dyn std::error::Error = &err;
        }
        assert_eq!(state(&corpus), before, "a refused call feeds nothing");
        // The corpus still works with the configuration that built it.
        let again = Deduper::default().dedup_in(&mut corpus, LINE);
        assert_eq!(again.removals().len(), 1);
        assert_eq!(again.doc(), DocId::new(1));
        // Cleared, it takes any configuration.
        corpus.clear();
        assert!(other.try_dedup_in(&mut corpus, LINE).is_ok());
        assert!(Deduper::default().try_dedup_in(&mut corpus, LINE).is_err());
    }
}

#[test]
fn a_corpus_takes_the_same_fingerprints_with_other_settings() {
    let seeded = Config::new().seed(42).normalize(Normalize::Loose);
    let mut corpus = Corpus::new();
    Deduper::new(seeded.clone())
        .unwrap()
        .try_dedup_in(&mut corpus, LINE)
        .unwrap();
    // Another minimum length and scope do not change fingerprints.
    let same = Deduper::new(seeded.min_len(4)).unwrap();
    let reports = same.try_dedup_batch(&mut corpus, &[LINE, LINE]).unwrap();
    assert_eq!(
        reports[0].removals().len(),
        1,
        "found in the first document"
    );
    assert_eq!(reports[1].removals()[0].first().doc(), DocId::new(0));
    let mut found = 0;
    same.try_dedup_stream(&mut corpus, [LINE], 0, |r| {
        found += r.removals().len();
        Ok::<(), Box<dyn std::error::Error>>(())
    })
    .unwrap();
    assert_eq!(found, 1);
    assert_eq!(corpus.documents(), 4);
    // An empty batch records the configuration too.
    let mut empty = Corpus::new();
    let none: [&[u8]; 0] = [];
    assert!(Deduper::default().dedup_batch(&mut empty, &none).is_empty());
    let seeded = Deduper::new(Config::new().seed(1)).unwrap();
    assert!(seeded.try_dedup_in(&mut empty, LINE).is_err());
}

#[test]
#[should_panic(expected = "Deduper::dedup_in: the corpus was built with another seed")]
fn dedup_in_panics_on_another_seed() {
    let seeded = Deduper::new(Config::new().seed(7)).unwrap();
    seeded.dedup_in(&mut fed(), LINE);
}

#[test]
#[should_panic(
    expected = "Deduper::dedup_batch: the corpus was built with normalize = Normalize::Exact, \
                the deduper has Normalize::Loose"
)]
fn dedup_batch_panics_on_another_normalization() {
    let loose = Deduper::new(Config::new().normalize(Normalize::Loose)).unwrap();
    loose.dedup_batch(&mut fed(), &[LINE]);
}

#[test]
#[should_panic(expected = "Deduper::dedup_stream: the corpus was built with split = Split::Lines")]
fn dedup_stream_panics_on_another_split() {
    let blocks = Deduper::new(Config::new().split(Split::BlankLines)).unwrap();
    let _ = blocks.dedup_stream(&mut fed(), [LINE], 0, |_| Ok::<(), ()>(()));
}
