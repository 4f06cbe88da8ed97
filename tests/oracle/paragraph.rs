//! A naive paragraph-mode oracle, written to be obviously right rather than
//! fast: it splits with a byte loop, normalizes with `String` methods, and
//! keeps a `HashMap` from normalized content to the first copy. Shared by
//! `tests/paragraph_props.rs` and the fuzz targets.
#![allow(dead_code)]

use std::collections::HashMap;

use textdedup::fingerprint::is_punctuation;
use textdedup::{Config, DocReport, Normalize, Scope, Split};

/// (full span, content end) of each non-blank paragraph, by a plain loop.
pub(crate) fn naive_paragraphs(text: &[u8], split: Split) -> Vec<(usize, usize, usize)> {
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

pub(crate) fn naive_normalize(content: &[u8], n: Normalize) -> Vec<u8> {
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
pub(crate) fn naive_corpus(
    docs: &[Vec<u8>],
    config: &Config,
) -> Vec<Vec<(usize, usize, u64, usize)>> {
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
pub(crate) fn check(report: &DocReport<'_>, expected: &[(usize, usize, u64, usize)]) {
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

pub(crate) fn kept_by_hand(report: &DocReport<'_>) -> Vec<u8> {
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
