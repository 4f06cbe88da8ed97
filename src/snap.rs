//! Snapping: shrinking removed spans inward to boundaries.

use crate::span::Span;

/// Where a removed passage may start and end.
///
/// Snapping happens after the repeats are found: each maximal removed span
/// is shrunk inward (its start moves right, its end moves left) to the
/// nearest boundary of the chosen kind. Snapping never grows a span; a span
/// with no two boundaries inside it is not removed at all.
///
/// Offsets 0 and the text's length are boundaries of every kind.
///
/// # Examples
///
/// ```
/// use textdedup::passage::{Config, Deduper, Snap};
///
/// let text = b"the first forty bytes of a shared sentence! then; the first forty bytes of a shared sentence.";
/// let byte = Deduper::new(Config::new().min_len(40).snap(Snap::Byte))?;
/// let word = Deduper::new(Config::new().min_len(40).snap(Snap::Word))?;
/// assert_eq!(byte.dedup(text).removals()[0].span().range(), 50..92);
/// // The copy ends at 92, inside `sentence.` (the first copy has `!`): the
/// // word snap moves the end back to the start of that word.
/// assert_eq!(word.dedup(text).removals()[0].span().range(), 50..84);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Snap {
    /// No snapping: exactly the repeated bytes. A removal may then split a
    /// UTF-8 character; use [`Snap::Char`] or coarser to keep text valid.
    Byte,
    /// UTF-8 character boundaries: a position is a boundary unless the byte
    /// there is a continuation byte (`0x80..=0xBF`). Removing a snapped
    /// span from valid UTF-8 leaves valid UTF-8.
    Char,
    /// Word boundaries (the default): a position is a boundary when the byte
    /// before it is ASCII white space (space, tab, `\n`, `\r`, form feed,
    /// vertical tab). A removal then starts at the beginning of a word and
    /// ends after the white space that follows a word, so the kept text
    /// reads `foo baz` when `bar ` is removed from `foo bar baz`.
    #[default]
    Word,
    /// Line boundaries: a position is a boundary when the byte before it is
    /// `\n`. A removal is then a run of whole lines, terminators included.
    Line,
}

/// True when `b` is ASCII white space (including vertical tab).
#[inline]
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// True when `i` is a boundary of kind `snap` in `text`.
#[inline]
pub(crate) fn is_boundary(snap: Snap, text: &[u8], i: usize) -> bool {
    if i == 0 || i >= text.len() {
        return true;
    }
    match snap {
        Snap::Byte => true,
        Snap::Char => !matches!(text[i], 0x80..=0xBF),
        Snap::Word => is_space(text[i - 1]),
        Snap::Line => text[i - 1] == b'\n',
    }
}

/// Shrinks `span` to the largest sub-span whose ends are boundaries, or
/// `None` when it holds none.
///
/// Linear in the span's length at worst (line snapping uses memchr).
pub(crate) fn snap_span(snap: Snap, text: &[u8], span: Span) -> Option<Span> {
    let (mut start, mut end) = (span.start, span.end);
    match snap {
        Snap::Byte => {}
        Snap::Line => {
            if !is_boundary(snap, text, start) {
                start = match memchr::memchr(b'\n', &text[start..end]) {
                    Some(i) => start + i + 1,
                    None => end,
                };
            }
            if start < end && !is_boundary(snap, text, end) {
                end = match memchr::memrchr(b'\n', &text[start..end]) {
                    Some(i) => start + i + 1,
                    None => start,
                };
            }
        }
        Snap::Char | Snap::Word => {
            while start < end && !is_boundary(snap, text, start) {
                start += 1;
            }
            while end > start && !is_boundary(snap, text, end) {
                end -= 1;
            }
        }
    }
    (start < end).then_some(Span::new(start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapping_shrinks_to_boundaries() {
        let text = "ab cd\nef gh\néx";
        let b = text.as_bytes();
        let all = Span::new(0, b.len());
        for snap in [Snap::Byte, Snap::Char, Snap::Word, Snap::Line] {
            assert_eq!(snap_span(snap, b, all), Some(all));
        }
        assert_eq!(
            snap_span(Snap::Word, b, Span::new(1, 10)),
            Some(Span::new(3, 9))
        );
        assert_eq!(snap_span(Snap::Line, b, Span::new(1, 10)), None);
        assert_eq!(
            snap_span(Snap::Line, b, Span::new(1, 13)),
            Some(Span::new(6, 12))
        );
        // `é` is two bytes at 12..14.
        assert_eq!(
            snap_span(Snap::Char, b, Span::new(13, 15)),
            Some(Span::new(14, 15))
        );
        assert_eq!(snap_span(Snap::Char, b, Span::new(12, 13)), None);
        assert_eq!(
            snap_span(Snap::Byte, b, Span::new(13, 14)),
            Some(Span::new(13, 14))
        );
        assert_eq!(snap_span(Snap::Word, b, Span::new(4, 5)), None);
        assert_eq!(snap_span(Snap::Word, b, Span::new(3, 3)), None);
    }
}
