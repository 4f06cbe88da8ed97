//! The paragraph pass over one document.

use crate::fingerprint::{Fingerprint, Fingerprinter};
use crate::paragraph::Config;
use crate::phases::resolve_next;
use crate::report::{DocId, DocReport, Origin, Removals, Stats};
use crate::span::Span;
use crate::split::{segments, segments_within, SegmentKind};
use crate::table::SeenSet;

/// Phase 1 over one region of a document: calls `f` with the fingerprint
/// and full span (in document offsets) of every paragraph that can be a
/// duplicate (not blank, at least the minimum length), in order, and
/// returns the number of non-blank paragraphs. A region that starts the
/// document sets a leading byte order mark apart.
///
/// `region` must start and end on segment boundaries of `text` (see
/// [`crate::paragraph::batch`] for how regions are cut), so that its segments are
/// exactly the document's segments inside it.
pub(crate) fn for_each_candidate(
    config: &Config,
    fingerprinter: &mut Fingerprinter,
    text: &[u8],
    region: Span,
    mut f: impl FnMut(Fingerprint, Span),
) -> u64 {
    let min_len = config.get_min_len().max(1);
    let part = &text[region];
    // Only the document's start can hold a byte order mark.
    let pieces = if region.start == 0 {
        segments(part, config.get_split())
    } else {
        segments_within(part, config.get_split())
    };
    let mut paragraphs = 0;
    for segment in pieces {
        if segment.kind() != SegmentKind::Paragraph {
            continue;
        }
        paragraphs += 1;
        let (fp, normalized_len) = fingerprinter.fingerprint(&part[segment.content()]);
        if normalized_len >= min_len {
            let span = segment.span();
            f(
                fp,
                Span::new(region.start + span.start, region.start + span.end),
            );
        }
    }
    paragraphs
}

/// Deduplicates the paragraphs of `text` (document `doc`) against `seen`,
/// recording the first occurrences it finds there: the three phases
/// (fingerprint, resolve, apply) fused into one streaming loop.
///
/// Time is linear in `text.len()` plus one table operation per paragraph.
pub(crate) fn dedup_paragraphs<'t>(
    config: &Config,
    seen: &mut SeenSet,
    doc: DocId,
    text: &'t [u8],
) -> DocReport<'t> {
    let mut fingerprinter = Fingerprinter::with_seed(config.get_normalize(), config.get_seed());
    let mut resolver = Resolver::new(text, doc);
    let whole = Span::new(0, text.len());
    let paragraphs = for_each_candidate(config, &mut fingerprinter, text, whole, |fp, span| {
        if let Some(copy) = resolve_next(seen.shard_mut(fp), fp, doc.index(), span) {
            resolver.remove(span, copy.first);
        }
    });
    resolver.finish(paragraphs)
}

/// Decides, in document order, which candidate paragraphs are later copies.
pub(crate) struct Resolver<'t> {
    /// The document.
    text: &'t [u8],
    /// Its id.
    doc: DocId,
    /// Removals so far, sorted and merged.
    removals: Removals,
    /// Paragraphs removed so far.
    removed: u64,
}

impl<'t> Resolver<'t> {
    /// A resolver for document `doc`, whose text is `text`.
    pub(crate) fn new(text: &'t [u8], doc: DocId) -> Resolver<'t> {
        Resolver {
            text,
            doc,
            removals: Removals::default(),
            removed: 0,
        }
    }

    /// The report, given the document's count of non-blank paragraphs.
    pub(crate) fn finish(self, paragraphs: u64) -> DocReport<'t> {
        let stats = Stats {
            documents: 1,
            bytes_in: self.text.len() as u64,
            paragraphs: Some(paragraphs),
            paragraphs_removed: Some(self.removed),
            ..Stats::default()
        };
        DocReport::with_removals(self.text, self.doc, self.removals.into_vec(), stats)
    }

    /// Records that `span` is a later copy of the paragraph at `first`,
    /// merging it into the previous removal when the two follow each other
    /// and so do their first copies, in one document (the previous first
    /// copy ends where this one starts). The merged removal's first copy is
    /// then the first copies of all its paragraphs, in order.
    pub(crate) fn remove(&mut self, span: Span, first: Origin) {
        self.removed += 1;
        self.removals.push(span, first);
    }
}
