//! Paragraph mode against a naive oracle, with proptest.
//!
//! The oracle (`oracle/paragraph.rs`, shared with the fuzz targets) is
//! written to be obviously right rather than fast.

use proptest::prelude::*;
use textdedup::{Config, Corpus, Deduper, Normalize, Scope, Split};

use textdedup_testkit::oracle::paragraph::{check, check_origins, kept_by_hand, naive_corpus};

/// Text over a small alphabet with repeats likely: words, white space of
/// several kinds, CR/LF, digits, punctuation, non-ASCII letters.
fn text_strategy() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("ab".to_string()),
        Just("AB".to_string()),
        Just("cd".to_string()),
        Just(" ".to_string()),
        Just("  ".to_string()),
        Just("\t".to_string()),
        Just("\n".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("\r".to_string()),
        Just("7".to_string()),
        Just("3".to_string()),
        Just(",".to_string()),
        Just("«".to_string()),
        Just("É".to_string()),
        Just("é".to_string()),
        Just("\u{A0}".to_string()),
        Just("ß".to_string()),
        Just("\0".to_string()),
    ];
    proptest::collection::vec(piece, 0..80).prop_map(|v| v.concat())
}

/// Text made of a few lines, written in several ways that a normalization
/// may equate (white space, case, punctuation, digits) with LF or CRLF
/// terminators: runs of repeated lines, whose copies differ in length from
/// their first copies, are common.
fn lines_strategy() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        Just("ab"),
        Just("a b"),
        Just(" a  b "),
        Just("A B!"),
        Just("cd"),
        Just("c\td"),
        Just("Cd 7"),
        Just("cd 3"),
        Just(""),
        Just(" "),
    ];
    let terminator = prop_oneof![Just("\n"), Just("\n"), Just("\r\n")];
    (
        proptest::collection::vec((line, terminator), 0..16),
        any::<bool>(),
    )
        .prop_map(|(lines, last_terminated)| {
            let mut text: String = lines.iter().map(|(l, t)| format!("{l}{t}")).collect();
            if !last_terminated && text.ends_with('\n') {
                text.pop();
                if text.ends_with('\r') {
                    text.pop();
                }
            }
            text
        })
}

/// A document: text, sometimes saved with a byte order mark.
fn doc_strategy() -> impl Strategy<Value = String> {
    let text = prop_oneof![text_strategy(), lines_strategy()];
    (any::<bool>(), text).prop_map(
        |(bom, text)| {
            if bom {
                format!("\u{FEFF}{text}")
            } else {
                text
            }
        },
    )
}

fn config_strategy() -> impl Strategy<Value = Config> {
    (
        prop_oneof![Just(Split::Lines), Just(Split::BlankLines)],
        prop_oneof![
            Just(Normalize::Exact),
            Just(Normalize::Whitespace),
            Just(Normalize::Loose)
        ],
        prop_oneof![Just(Scope::Corpus), Just(Scope::Document)],
        0usize..8,
    )
        .prop_map(|(split, n, scope, min)| {
            Config::new()
                .split(split)
                .normalize(n)
                .scope(scope)
                .min_len(min)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn one_document_matches_oracle(text in doc_strategy(), config in config_strategy()) {
        let deduper = Deduper::new(config.clone()).unwrap();
        let docs = vec![text.clone().into_bytes()];
        let expected = naive_corpus(&docs, &config);
        check(&deduper.dedup(text.as_bytes()), &expected[0]);
        check_origins(&docs, &deduper.dedup(text.as_bytes()), &config);
        check(&deduper.dedup_str(&text), &expected[0]);
        if config == Config::new() {
            let kept = textdedup::dedup_str(&text);
            prop_assert_eq!(kept.as_bytes(), &kept_by_hand(&deduper.dedup_str(&text))[..]);
        }
    }

    #[test]
    fn exact_on_arbitrary_bytes(text in proptest::collection::vec(prop_oneof![Just(b'a'), Just(b'\n'), Just(b'\r'), Just(b' '), Just(0xFFu8), Just(0u8)], 0..120), min in 0usize..4) {
        for split in [Split::Lines, Split::BlankLines] {
            let config = Config::new().split(split).min_len(min);
            let expected = naive_corpus(std::slice::from_ref(&text), &config);
            let report = Deduper::new(config.clone()).unwrap().dedup(&text);
            check(&report, &expected[0]);
            check_origins(std::slice::from_ref(&text), &report, &config);
        }
    }

    #[test]
    fn corpus_matches_oracle(docs in proptest::collection::vec(doc_strategy(), 0..6), config in config_strategy()) {
        let docs: Vec<Vec<u8>> = docs.into_iter().map(String::into_bytes).collect();
        let deduper = Deduper::new(config.clone()).unwrap();
        let expected = naive_corpus(&docs, &config);
        let mut corpus = Corpus::new();
        for (d, text) in docs.iter().enumerate() {
            let report = deduper.dedup_in(&mut corpus, text);
            prop_assert_eq!(report.doc().index(), d as u64);
            check(&report, &expected[d]);
            check_origins(&docs, &report, &config);
        }
        prop_assert_eq!(corpus.documents(), docs.len() as u64);
    }

    #[test]
    fn dedup_is_idempotent(text in doc_strategy(), config in config_strategy()) {
        let deduper = Deduper::new(config).unwrap();
        let once = deduper.dedup(text.as_bytes()).kept_bytes().into_owned();
        let again = deduper.dedup(&once);
        prop_assert!(again.removals().is_empty(), "second pass removed {:?}", again.removals());
        // Valid UTF-8 in, valid UTF-8 out.
        prop_assert!(std::str::from_utf8(&once).is_ok());
    }

    #[test]
    fn corpus_equals_concatenated_stream(docs in proptest::collection::vec(prop_oneof![text_strategy(), lines_strategy()], 1..5), config in config_strategy()) {
        // Each document ends with a line break (a blank line too, for
        // blank-line paragraphs), so paragraphs do not join across the seams
        // of the concatenation.
        let config = config.scope(Scope::Corpus);
        let seam = if config.get_split() == Split::Lines { "\n" } else { "\n\n" };
        let docs: Vec<String> = docs.into_iter().map(|d| d + seam).collect();
        let deduper = Deduper::new(config).unwrap();
        let mut corpus = Corpus::new();
        let mut from_corpus = Vec::new();
        let mut offsets = vec![0];
        for d in &docs {
            from_corpus.extend_from_slice(&deduper.dedup_in(&mut corpus, d.as_bytes()).kept_bytes());
            offsets.push(offsets.last().unwrap() + d.len());
        }
        let whole = docs.concat();
        let stream = deduper.dedup(whole.as_bytes());
        prop_assert_eq!(&from_corpus[..], &*stream.kept_bytes());
        // And the removals agree once mapped to stream offsets, merged
        // where the one document merges them: across the seams, and where
        // first copies follow each other across a seam.
        let mut corpus = Corpus::new();
        let mut global: Vec<(usize, usize, usize, usize)> = Vec::new();
        for (d, text) in docs.iter().enumerate() {
            let report = deduper.dedup_in(&mut corpus, text.as_bytes());
            for r in report.removals() {
                let at = offsets[r.first().doc().index() as usize];
                let (s, e) = (offsets[d] + r.span().start, offsets[d] + r.span().end);
                let (fs, fe) = (at + r.first().start(), at + r.first().end());
                match global.last_mut() {
                    Some(last) if last.1 == s && last.3 == fs => {
                        last.1 = e;
                        last.3 = fe;
                    }
                    _ => global.push((s, e, fs, fe)),
                }
            }
        }
        let whole: Vec<_> = stream
            .removals()
            .iter()
            .map(|r| (r.span().start, r.span().end, r.first().start(), r.first().end()))
            .collect();
        prop_assert_eq!(global, whole);
    }
}
