//! The paragraph pass over one document.

use crate::config::Config;
use crate::dedup::table::{FirstSeen, SeenSet};
use crate::fingerprint::{Fingerprint, Fingerprinter};
use crate::report::{DocId, DocReport, Origin, Removal, Stats};
use crate::span::Span;
use crate::split::{segments, SegmentKind};

/// How many paragraphs are fingerprinted before their table lookups run.
///
/// Doing the lookups back to back, rather than between hashing and line
/// splitting, lets the processor overlap their cache misses; 64 is enough
/// to cover the latency and keeps the batch in L1.
const BATCH: usize = 64;

/// Deduplicates the paragraphs of `text` (document `doc`) against `seen`,
/// recording the first occurrences it finds there.
///
/// Time is linear in `text.len()` plus one table operation per paragraph.
pub(crate) fn dedup_paragraphs<'t>(
    config: &Config,
    seen: &mut SeenSet,
    doc: DocId,
    text: &'t [u8],
) -> DocReport<'t> {
    let mut fingerprinter = Fingerprinter::new(config.get_normalize());
    let min_len = config.get_min_len().max(1);
    let mut out = Resolver {
        text,
        doc,
        removals: Vec::new(),
        last: None,
        stats: Stats {
            documents: 1,
            bytes_in: text.len() as u64,
            ..Stats::default()
        },
    };
    let mut batch: Vec<(Fingerprint, Span)> = Vec::with_capacity(BATCH);
    for segment in segments(text, config.get_split()) {
        if segment.kind() == SegmentKind::Blank {
            continue;
        }
        out.stats.paragraphs += 1;
        let (fp, normalized_len) = fingerprinter.fingerprint(&text[segment.content()]);
        if normalized_len < min_len {
            continue;
        }
        batch.push((fp, segment.span()));
        if batch.len() == BATCH {
            out.resolve(seen, &batch);
            batch.clear();
        }
    }
    out.resolve(seen, &batch);
    DocReport::new(text, doc, out.removals, out.stats)
}

/// Decides, in document order, which candidate paragraphs are later copies.
struct Resolver<'t> {
    /// The document.
    text: &'t [u8],
    /// Its id.
    doc: DocId,
    /// Removals so far, sorted.
    removals: Vec<Removal>,
    /// The last removed paragraph and its first copy, if it can still be
    /// merged with a following one, and whether its bytes are known to equal
    /// the bytes at its first copy (checked only when a merge is possible).
    last: Option<(Span, Origin, Option<bool>)>,
    /// Counts so far.
    stats: Stats,
}

impl Resolver<'_> {
    fn resolve(&mut self, seen: &mut SeenSet, batch: &[(Fingerprint, Span)]) {
        for &(fp, span) in batch {
            let here = FirstSeen {
                doc: self.doc.index(),
                start: span.start as u64,
            };
            if let Some(first) = seen.first_or_insert(fp, here) {
                self.remove(
                    span,
                    Origin::new(DocId::new(first.doc), first.start as usize),
                );
            }
        }
    }

    /// True when the bytes of `span` also stand at `first`, in this document.
    fn same_bytes(&self, span: Span, first: Origin) -> bool {
        first.doc() == self.doc
            && self
                .text
                .get(first.start()..first.start() + span.len())
                .is_some_and(|earlier| earlier == &self.text[span])
    }

    /// Records that `span` is a later copy of the paragraph at `first`,
    /// merging it into the previous removal when the two removed paragraphs
    /// follow each other, their first copies follow each other too, and both
    /// are byte-for-byte equal to their first copies (so the merged span's
    /// first copy holds exactly its bytes).
    fn remove(&mut self, span: Span, first: Origin) {
        self.stats.paragraphs_removed += 1;
        self.stats.bytes_removed += span.len() as u64;
        if let Some((last_span, last_first, last_exact)) = self.last {
            let adjacent = last_span.end == span.start
                && last_first.doc() == first.doc()
                && last_first.start() + last_span.len() == first.start();
            if adjacent
                && last_exact.unwrap_or_else(|| self.same_bytes(last_span, last_first))
                && self.same_bytes(span, first)
            {
                if let Some(removal) = self.removals.last_mut() {
                    removal.extend_to(span.end);
                }
                self.last = Some((span, first, Some(true)));
                return;
            }
        }
        self.removals.push(Removal::new(span, first));
        self.last = Some((span, first, None));
    }
}
