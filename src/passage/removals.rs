//! From the scan's pieces to a document's removals: snapping, and naming
//! each first copy.

use crate::passage::scan::Piece;
use crate::passage::stored::Earlier;
use crate::passage::Snap;
use crate::report::{DocId, Origin, Removal, Removals};
use crate::snap;
use crate::span::Span;

/// Snaps the scan's pieces and names their first copies.
pub(super) fn removals(
    snap: Snap,
    earlier: Earlier<'_>,
    doc: DocId,
    text: &[u8],
    pieces: &[Piece],
) -> Vec<Removal> {
    let base = earlier.len();
    let mut out = Removals::default();
    let mut rest = pieces;
    while let Some(first) = rest.first() {
        // A group: pieces that touch, forming one maximal span of the union.
        let mut len = 1;
        while len < rest.len() && rest[len].span.start == rest[len - 1].span.end {
            len += 1;
        }
        let (group, tail) = rest.split_at(len);
        rest = tail;
        let whole = Span::new(first.span.start, group[len - 1].span.end);
        let Some(kept) = snap::snap_span(snap, text, whole) else {
            continue;
        };
        for piece in group {
            let span = Span::new(
                piece.span.start.max(kept.start),
                piece.span.end.min(kept.end),
            );
            if span.is_empty() {
                continue;
            }
            let src = piece.src + (span.start - piece.span.start) as u64;
            let (origin_doc, origin_start) = if src >= base {
                (doc, (src - base) as usize)
            } else {
                let (id, offset) = earlier.origin_of(src);
                (DocId::new(id), offset as usize)
            };
            let origin = Origin::new(origin_doc, origin_start, origin_start + span.len());
            out.push(span, origin);
        }
    }
    out.into_vec()
}
