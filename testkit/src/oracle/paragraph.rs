//! A naive paragraph-mode oracle, written to be obviously right rather than
//! fast: it splits with a byte loop, normalizes with `String` methods, and
//! keeps a `HashMap` from normalized content to the first copy. Shared by
//! `tests/paragraph_props.rs`, `tests/batch.rs` and the fuzz targets.

use std::collections::HashMap;

use textdedup::fingerprint::is_punctuation;
use textdedup::{Config, DocReport, Normalize, Scope, Split};

/// (start, content end, end) of each non-blank paragraph, by a plain loop.
/// A byte order mark at the start of the text is not part of any.
pub fn naive_paragraphs(text: &[u8], split: Split) -> Vec<(usize, usize, usize)> {
    // Lines: (start, content_end, end).
    let mut lines = Vec::new();
    let bom = if text.starts_with("\u{FEFF}".as_bytes()) {
        3
    } else {
        0
    };
    let mut start = bom;
    for i in bom..text.len() {
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

/// A paragraph's content normalized with `String` methods: any bytes under
/// `Exact`, valid UTF-8 only under the other normalizations.
pub fn naive_normalize(content: &[u8], n: Normalize) -> Vec<u8> {
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

/// A removed paragraph: (start, end, first_doc, first_start, first_end),
/// the first copy with its own terminator.
pub type Removed = (usize, usize, u64, usize, usize);

/// Removed paragraphs, one list per document, over a corpus.
pub fn naive_corpus(docs: &[Vec<u8>], config: &Config) -> Vec<Vec<Removed>> {
    let mut seen: HashMap<Vec<u8>, (u64, usize, usize)> = HashMap::new();
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
                Some(&(fd, fs, fe)) => removed.push((s, e, fd, fs, fe)),
                None => {
                    seen.insert(key, (d as u64, s, e));
                }
            }
        }
        all.push(removed);
    }
    all
}

/// The removed paragraphs merged as the report merges them: a paragraph
/// joins the previous removal when it starts where that one ends and its
/// first copy starts where that one's first copy ends, in the same document.
pub fn merged(removed: &[Removed]) -> Vec<Removed> {
    let mut out: Vec<Removed> = Vec::new();
    for &(s, e, fd, fs, fe) in removed {
        match out.last_mut() {
            Some(last) if last.1 == s && last.2 == fd && last.4 == fs => {
                last.1 = e;
                last.4 = fe;
            }
            _ => out.push((s, e, fd, fs, fe)),
        }
    }
    out
}

/// Checks a report against the oracle's removed paragraphs: the same spans
/// are removed, merged the same way, with the same first copies (document,
/// start and end).
pub fn check(report: &DocReport<'_>, expected: &[Removed]) {
    let covered: usize = report.removals().iter().map(|r| r.span().len()).sum();
    let expected_bytes: usize = expected.iter().map(|p| p.1 - p.0).sum();
    assert_eq!(covered, expected_bytes, "removed byte count");
    let got: Vec<Removed> = report
        .removals()
        .iter()
        .map(|r| {
            let f = r.first();
            (
                r.span().start,
                r.span().end,
                f.doc().index(),
                f.start(),
                f.end(),
            )
        })
        .collect();
    assert_eq!(got, merged(expected), "removals and their first copies");
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

/// The kept bytes of `report`, rebuilt from its removals by marking bytes.
pub fn kept_by_hand(report: &DocReport<'_>) -> Vec<u8> {
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

/// The contents of the paragraphs that tile `[start, end)` of `text`, or
/// `None` when that range is not a run of whole paragraphs (each with its
/// terminator, nothing between them).
pub fn paragraph_run(text: &[u8], start: usize, end: usize, split: Split) -> Option<Vec<&[u8]>> {
    let mut pos = start;
    let mut out = Vec::new();
    for (s, ce, e) in naive_paragraphs(text, split) {
        if e <= start || s >= end {
            continue;
        }
        if s != pos || e > end {
            return None;
        }
        out.push(&text[s..ce]);
        pos = e;
    }
    (pos == end && !out.is_empty()).then_some(out)
}

/// Checks every removal's claim against the documents themselves, whatever
/// the oracle says: `[first.start(), first.end())` lies inside the origin
/// document, before the removal, and holds a run of whole paragraphs whose
/// normalized contents are those of the removed run, paragraph for
/// paragraph (compared when the oracle can normalize them: exact, or valid
/// UTF-8). `docs` holds the corpus up to and including the report's
/// document (indexed by document id).
pub fn check_origins<D: AsRef<[u8]>>(docs: &[D], report: &DocReport<'_>, config: &Config) {
    let here = report.doc().index();
    let split = config.get_split();
    let n = config.get_normalize();
    for r in report.removals() {
        let f = r.first();
        let origin = docs[f.doc().index() as usize].as_ref();
        assert!(
            f.start() <= f.end() && f.end() <= origin.len(),
            "first copy {}..{} inside document {} of {} bytes",
            f.start(),
            f.end(),
            f.doc().index(),
            origin.len()
        );
        assert!(
            (f.doc().index(), f.end()) <= (here, r.span().start),
            "the first copy comes before the removal"
        );
        let removed = paragraph_run(report.text(), r.span().start, r.span().end, split)
            .unwrap_or_else(|| panic!("removal {:?} is not a run of paragraphs", r.span()));
        let first = paragraph_run(origin, f.start(), f.end(), split)
            .unwrap_or_else(|| panic!("first copy {:?} is not a run of paragraphs", f.span()));
        assert_eq!(
            removed.len(),
            first.len(),
            "paragraphs in {:?} and {f:?}",
            r.span()
        );
        for (a, b) in removed.iter().zip(&first) {
            let utf8 = std::str::from_utf8(a).is_ok() && std::str::from_utf8(b).is_ok();
            if n == Normalize::Exact || utf8 {
                assert_eq!(
                    naive_normalize(a, n),
                    naive_normalize(b, n),
                    "removal {:?}, first copy {f:?}",
                    r.span()
                );
            }
        }
    }
}
