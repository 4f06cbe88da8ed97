//! Naive passage-mode oracles and a report checker, shared by
//! `tests/passage.rs` and the fuzz targets.

use std::collections::HashSet;

use textdedup::{DocReport, Scope, Span};

/// Brute force, straight from the definition: for each position, the
/// longest prefix that also starts at an earlier position (of this document,
/// or of an earlier one); the union of `[s, s + lpf)` over `lpf >= m`.
/// Cubic: tiny inputs only.
pub fn brute_coverage(docs: &[&[u8]], m: usize) -> Vec<Vec<Span>> {
    let mut out = Vec::new();
    for (d, text) in docs.iter().enumerate() {
        let mut covered = vec![false; text.len()];
        for s in 0..text.len() {
            let mut lpf = 0;
            let earlier = docs[..d]
                .iter()
                .flat_map(|e| (0..e.len()).map(move |p| &e[p..]))
                .chain((0..s).map(|p| &text[p..]));
            for e in earlier {
                let l = e.iter().zip(&text[s..]).take_while(|(a, b)| a == b).count();
                lpf = lpf.max(l);
            }
            if lpf >= m {
                covered[s..s + lpf].iter_mut().for_each(|c| *c = true);
            }
        }
        out.push(spans_of(&covered));
    }
    out
}

/// The window oracle: a window (`m` bytes at `t`) is a repeat when the same
/// `m` bytes were seen at an earlier position; the union of repeats is the
/// union of repeated windows. Exact, `O(n * m)`, so it serves for larger
/// inputs; `window_oracle_equals_brute_force` checks it against the
/// definition.
pub fn window_coverage(docs: &[&[u8]], m: usize, scope: Scope) -> Vec<Vec<Span>> {
    let mut seen: HashSet<&[u8]> = HashSet::new();
    let mut out = Vec::new();
    for text in docs {
        if scope == Scope::Document {
            seen.clear();
        }
        let mut covered = vec![false; text.len()];
        for t in 0..(text.len() + 1).saturating_sub(m) {
            let window = &text[t..t + m];
            if !seen.insert(window) {
                covered[t..t + m].iter_mut().for_each(|c| *c = true);
            }
        }
        out.push(spans_of(&covered));
    }
    out
}

/// The maximal runs of `true` in `covered`, as spans.
pub fn spans_of(covered: &[bool]) -> Vec<Span> {
    let mut spans: Vec<Span> = Vec::new();
    for (i, &c) in covered.iter().enumerate() {
        if !c {
            continue;
        }
        match spans.last_mut() {
            Some(s) if s.end == i => s.end = i + 1,
            _ => spans.push(Span::new(i, i + 1)),
        }
    }
    spans
}

/// The union of a report's removals, as maximal spans.
pub fn union(report: &DocReport<'_>) -> Vec<Span> {
    let mut spans: Vec<Span> = Vec::new();
    for r in report.removals() {
        match spans.last_mut() {
            Some(s) if s.end == r.span().start => s.end = r.span().end,
            _ => spans.push(r.span()),
        }
    }
    spans
}

/// Whether every span of `inner` lies inside a span of `outer`.
pub fn is_subset(inner: &[Span], outer: &[Span]) -> bool {
    inner
        .iter()
        .all(|i| outer.iter().any(|o| o.start <= i.start && i.end <= o.end))
}

/// Every removal is true: its bytes stand at the named earlier occurrence.
/// `docs` are the documents the report's corpus saw, in order.
pub fn check_verified(report: &DocReport<'_>, docs: &[&[u8]]) {
    let text = report.text();
    let mut last_end = 0;
    for r in report.removals() {
        let span = r.span();
        assert!(!span.is_empty());
        assert!(span.start >= last_end, "removals sorted and disjoint");
        last_end = span.end;
        let first = r.first();
        assert!(
            (first.doc(), first.start()) < (report.doc(), span.start),
            "the named copy is earlier: {r:?}"
        );
        let src = docs[first.doc().index() as usize];
        assert_eq!(
            first.end() - first.start(),
            span.len(),
            "the first copy has the span's length: {r:?}"
        );
        assert_eq!(
            src.get(first.start()..first.end()),
            Some(&text[span]),
            "removal {r:?} is not a copy"
        );
    }
    assert_eq!(
        report.stats().bytes_removed,
        report
            .removals()
            .iter()
            .map(|r| r.span().len() as u64)
            .sum::<u64>()
    );
    assert_eq!(report.kept_len(), report.kept_bytes().len());
}
