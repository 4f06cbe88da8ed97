//! Paragraph mode against a naive oracle, with proptest.
//!
//! The oracle is written to be obviously right rather than fast: it splits
//! with a byte loop, normalizes with `String` methods, and keeps a
//! `HashMap` from normalized content to the first start.

use std::collections::HashMap;

use proptest::prelude::*;
use textdedup::fingerprint::is_punctuation;
use textdedup::{Config, Corpus, Deduper, DocReport, Normalize, Scope, Split};

/// (full span, content end) of each non-blank paragraph, by a plain loop.
fn naive_paragraphs(text: &[u8], split: Split) -> Vec<(usize, usize, usize)> {
    // Lines: (start, content_end, end).
    let mut lines = Vec::new();
    let mut start = 0;
    for i in 0..text.len() {
        if text[i] == b'\n' {
            let ce = if i > start && text[i - 1] == b'\r' {
                i - 1
            } else {
                i
            };
            lines.push((start, ce, i + 1));
            start = i + 1;
        }
    }
    if start < text.len() {
        lines.push((start, text.len(), text.len()));
    }
    let blank = |&(s, ce, _): &(usize, usize, usize)| {
        text[s..ce].iter().all(|b| b" \t\r\n\x0B\x0C".contains(b))
    };
    let mut out = Vec::new();
    match split {
        Split::Lines => out.extend(lines.iter().filter(|l| !blank(l)).copied()),
        _ => {
            let mut run: Option<(usize, usize, usize)> = None;
            for l in &lines {
                if blank(l) {
                    out.extend(run.take());
                } else {
                    run = Some(match run {
                        Some((s, _, _)) => (s, l.1, l.2),
                        None => *l,
                    });
                }
            }
            out.extend(run);
        }
    }
    out
}

fn naive_normalize(content: &[u8], n: Normalize) -> Vec<u8> {
    let Ok(s) = std::str::from_utf8(content) else {
        // The oracle only normalizes valid UTF-8; exact works on any bytes.
        assert_eq!(n, Normalize::Exact);
        return content.to_vec();
    };
    let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    match n {
        Normalize::Exact => content.to_vec(),
        Normalize::Whitespace => words(s).into_bytes(),
        _ => {
            let mapped: String = s
                .chars()
                .filter(|&c| !is_punctuation(c))
                .flat_map(|c| {
                    let v: Vec<char> = if c.is_numeric() {
                        vec!['0']
                    } else {
                        c.to_lowercase().collect()
                    };
                    v
                })
                .collect();
            words(&mapped).into_bytes()
        }
    }
}

/// Removed paragraphs as (start, end, first_doc, first_start), over a corpus.
fn naive_corpus(docs: &[Vec<u8>], config: &Config) -> Vec<Vec<(usize, usize, u64, usize)>> {
    let mut seen: HashMap<Vec<u8>, (u64, usize)> = HashMap::new();
    let mut all = Vec::new();
    for (d, text) in docs.iter().enumerate() {
        if config.get_scope() == Scope::Document {
            seen.clear();
        }
        let mut removed = Vec::new();
        for (s, ce, e) in naive_paragraphs(text, config.get_split()) {
            let key = naive_normalize(&text[s..ce], config.get_normalize());
            if key.is_empty() || key.len() < config.get_min_len() {
                continue;
            }
            match seen.get(&key) {
                Some(&(fd, fs)) => removed.push((s, e, fd, fs)),
                None => {
                    seen.insert(key, (d as u64, s));
                }
            }
        }
        all.push(removed);
    }
    all
}

/// Checks a report against the oracle's removed paragraphs: the same bytes
/// are removed, and each paragraph's first copy is where the report says.
fn check(report: &DocReport<'_>, expected: &[(usize, usize, u64, usize)]) {
    let covered: usize = report.removals().iter().map(|r| r.span().len()).sum();
    let expected_bytes: usize = expected.iter().map(|p| p.1 - p.0).sum();
    assert_eq!(covered, expected_bytes, "removed byte count");
    for &(s, e, fd, fs) in expected {
        let r = report
            .removals()
            .iter()
            .find(|r| r.span().start <= s && e <= r.span().end)
            .unwrap_or_else(|| panic!("paragraph {s}..{e} not removed"));
        assert_eq!(r.first().doc().index(), fd);
        assert_eq!(
            r.first().start() + (s - r.span().start),
            fs,
            "origin of {s}..{e}"
        );
    }
    // Removals are sorted and disjoint.
    for w in report.removals().windows(2) {
        assert!(w[0].span().end <= w[1].span().start);
    }
    // Kept text plus removed spans rebuild the input.
    let mut rebuilt = Vec::new();
    let mut kept = report.kept_spans().peekable();
    let mut removed = report.removals().iter().map(|r| r.span()).peekable();
    loop {
        let next = match (kept.peek(), removed.peek()) {
            (Some(k), Some(r)) if k.start < r.start => kept.next(),
            (Some(_), Some(_)) | (None, Some(_)) => removed.next(),
            (Some(_), None) => kept.next(),
            (None, None) => break,
        };
        let span = next.unwrap();
        assert_eq!(span.start, rebuilt.len(), "spans tile the text");
        rebuilt.extend_from_slice(&report.text()[span]);
    }
    assert_eq!(rebuilt, report.text());
    assert_eq!(&*report.kept_bytes(), &kept_by_hand(report)[..]);
}

fn kept_by_hand(report: &DocReport<'_>) -> Vec<u8> {
    let mut keep = vec![true; report.text().len()];
    for r in report.removals() {
        keep[r.span().range()].iter_mut().for_each(|k| *k = false);
    }
    report
        .text()
        .iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|(b, _)| *b)
        .collect()
}

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
    fn one_document_matches_oracle(text in text_strategy(), config in config_strategy()) {
        let deduper = Deduper::new(config.clone()).unwrap();
        let docs = vec![text.clone().into_bytes()];
        let expected = naive_corpus(&docs, &config);
        check(&deduper.dedup(text.as_bytes()), &expected[0]);
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
            check(&Deduper::new(config).unwrap().dedup(&text), &expected[0]);
        }
    }

    #[test]
    fn corpus_matches_oracle(docs in proptest::collection::vec(text_strategy(), 0..6), config in config_strategy()) {
        let docs: Vec<Vec<u8>> = docs.into_iter().map(String::into_bytes).collect();
        let deduper = Deduper::new(config.clone()).unwrap();
        let expected = naive_corpus(&docs, &config);
        let mut corpus = Corpus::new();
        for (d, text) in docs.iter().enumerate() {
            let report = deduper.dedup_in(&mut corpus, text);
            prop_assert_eq!(report.doc().index(), d as u64);
            check(&report, &expected[d]);
        }
        prop_assert_eq!(corpus.documents(), docs.len() as u64);
    }

    #[test]
    fn dedup_is_idempotent(text in text_strategy(), config in config_strategy()) {
        let deduper = Deduper::new(config).unwrap();
        let once = deduper.dedup(text.as_bytes()).kept_bytes().into_owned();
        let again = deduper.dedup(&once);
        prop_assert!(again.removals().is_empty(), "second pass removed {:?}", again.removals());
        // Valid UTF-8 in, valid UTF-8 out.
        prop_assert!(std::str::from_utf8(&once).is_ok());
    }

    #[test]
    fn corpus_equals_concatenated_stream(docs in proptest::collection::vec(text_strategy(), 1..5), config in config_strategy()) {
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
        // And the first copies agree once mapped to stream offsets.
        let mut corpus = Corpus::new();
        for (d, text) in docs.iter().enumerate() {
            let report = deduper.dedup_in(&mut corpus, text.as_bytes());
            for r in report.removals() {
                let global = offsets[d] + r.span().start;
                let s = stream.removals().iter().find(|s| s.span().contains(global)).unwrap();
                let origin = s.first().start() + (global - s.span().start);
                prop_assert_eq!(offsets[r.first().doc().index() as usize] + r.first().start(), origin);
            }
        }
    }
}
