//! The paragraph pass over one document.

use std::collections::hash_map::Entry;

use crate::config::Config;
use crate::dedup::table::{FirstSeen, Table};
use crate::fingerprint::Fingerprinter;
use crate::report::{DocId, DocReport, Origin, Removal, Stats};
use crate::span::Span;
use crate::split::{segments, SegmentKind};

/// Deduplicates the paragraphs of `text` (document `doc`) against `seen`,
/// recording the first occurrences it finds there.
///
/// Time is linear in `text.len()` plus one table operation per paragraph.
pub(crate) fn dedup_paragraphs<'t>(
    config: &Config,
    seen: &mut Table,
    doc: DocId,
    text: &'t [u8],
) -> DocReport<'t> {
    let mut fingerprinter = Fingerprinter::new(config.get_normalize());
    let min_len = config.get_min_len().max(1);
    let mut removals: Vec<Removal> = Vec::new();
    // True when the last removal is byte-for-byte equal to the text at its
    // first copy, in this document: only then can the next one be merged in.
    let mut last_is_exact = false;
    let mut stats = Stats {
        documents: 1,
        bytes_in: text.len() as u64,
        ..Stats::default()
    };
    for segment in segments(text, config.get_split()) {
        if segment.kind() == SegmentKind::Blank {
            continue;
        }
        stats.paragraphs += 1;
        let (fp, normalized_len) = fingerprinter.fingerprint(&text[segment.content()]);
        if normalized_len < min_len {
            continue;
        }
        let span = segment.span();
        let first = match seen.entry(fp) {
            Entry::Vacant(slot) => {
                slot.insert(FirstSeen {
                    doc: doc.index(),
                    start: span.start as u64,
                });
                continue;
            }
            Entry::Occupied(slot) => *slot.get(),
        };
        stats.paragraphs_removed += 1;
        stats.bytes_removed += span.len() as u64;
        let first = Origin::new(DocId::new(first.doc), first.start as usize);
        let same_bytes_here = first.doc() == doc && same_bytes(text, first.start(), span);
        if let Some(last) = removals.last_mut() {
            if last_is_exact
                && same_bytes_here
                && last.span().end == span.start
                && last.first().doc() == first.doc()
                && last.first().start() + last.span().len() == first.start()
            {
                last.extend_to(span.end);
                continue;
            }
        }
        removals.push(Removal::new(span, first));
        last_is_exact = same_bytes_here;
    }
    DocReport::new(text, doc, removals, stats)
}

/// True when the bytes of `span` also stand at `start`.
#[inline]
fn same_bytes(text: &[u8], start: usize, span: Span) -> bool {
    text.get(start..start + span.len())
        .is_some_and(|earlier| earlier == &text[span])
}
