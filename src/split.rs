//! Splitting a document into paragraphs with memchr.
//!
//! [`segments`] cuts a byte string into [`Segment`]s. Segments are
//! contiguous and non-empty, and concatenating them yields the original
//! text. Each segment is a [`SegmentKind::Paragraph`], a candidate for
//! deduplication, a [`SegmentKind::Blank`], white space that is never a
//! duplicate and is always kept, or the document's leading byte order mark.
//!
//! A *line* ends after `\n`; its terminator is `\n` or `\r\n` and belongs to
//! the line. The last line of a text may have no terminator. A lone `\r`
//! (not followed by `\n`) is ordinary content. A line is *blank* when every
//! byte of it is ASCII white space (space, `\t`, `\n`, `\x0B`, `\x0C`,
//! `\r`).
//!
//! A UTF-8 byte order mark (`EF BB BF`) at the start of a document is a
//! segment of its own, [`SegmentKind::ByteOrderMark`]: never a duplicate and
//! always kept, like a blank segment. So a document saved with a byte order
//! mark and a copy saved without one have the same first paragraph, which
//! starts at byte 3 in the first (offsets still count the mark). A mark
//! anywhere else (U+FEFF inside the text) is ordinary content.

use core::iter::FusedIterator;

use crate::span::Span;

/// How a document is cut into paragraphs.
///
/// Under either split, a UTF-8 byte order mark at the start of a document
/// is not part of its first paragraph (see [`SegmentKind::ByteOrderMark`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Split {
    /// A paragraph is one line, with its terminator. Blank lines are
    /// [`SegmentKind::Blank`] segments of one line each. This is the default.
    #[default]
    Lines,
    /// A paragraph is a maximal run of non-blank lines, ending with the
    /// terminator of its last line. A maximal run of blank lines between (or
    /// around) paragraphs is one [`SegmentKind::Blank`] segment.
    BlankLines,
}

/// What a [`Segment`] holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SegmentKind {
    /// Text that can be a duplicate.
    Paragraph,
    /// White space only: never a duplicate, always kept.
    Blank,
    /// The UTF-8 byte order mark (`EF BB BF`) at the start of a document,
    /// 3 bytes: never a duplicate, always kept, and not part of the first
    /// paragraph.
    ByteOrderMark,
}

/// One piece of a document: a paragraph or a run of blank lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Segment {
    /// The whole segment, terminator included.
    span: Span,
    /// Where the content stops and the terminator (`\n` or `\r\n`) starts.
    content_end: usize,
    /// Paragraph or blank.
    kind: SegmentKind,
}

impl Segment {
    /// The whole segment, including its line terminator.
    #[inline]
    pub fn span(&self) -> Span {
        self.span
    }

    /// The content: a paragraph without its final line terminator. A blank
    /// segment has no terminator of its own: its content is all of it.
    #[inline]
    pub fn content(&self) -> Span {
        Span::new(self.span.start, self.content_end)
    }

    /// Whether this is a paragraph or a blank run.
    #[inline]
    pub fn kind(&self) -> SegmentKind {
        self.kind
    }
}

/// The UTF-8 encoding of U+FEFF, the byte order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Cuts the document `text` into segments according to `split`.
///
/// A byte order mark at the start of `text` is a segment of its own
/// ([`SegmentKind::ByteOrderMark`]); the segments after it are those of the
/// rest of the text.
///
/// # Complexity
///
/// Linear time, `O(text.len())`, and no allocation: lines are found with
/// `memchr`, and each line is scanned only up to its first non-blank byte.
///
/// # Examples
///
/// ```
/// use textdedup::split::{segments, SegmentKind, Split};
///
/// let text = b"one\r\n\r\ntwo";
/// let got: Vec<_> = segments(text, Split::Lines)
///     .map(|s| (&text[s.content().range()], s.kind()))
///     .collect();
/// assert_eq!(got, [
///     (&b"one"[..], SegmentKind::Paragraph),
///     (&b"\r\n"[..], SegmentKind::Blank),
///     (&b"two"[..], SegmentKind::Paragraph),
/// ]);
///
/// // A byte order mark is not part of the first paragraph.
/// let text = "\u{FEFF}one\ntwo".as_bytes();
/// let got: Vec<_> = segments(text, Split::Lines).map(|s| (s.span().range(), s.kind())).collect();
/// assert_eq!(got, [
///     (0..3, SegmentKind::ByteOrderMark),
///     (3..7, SegmentKind::Paragraph),
///     (7..10, SegmentKind::Paragraph),
/// ]);
/// ```
pub fn segments(text: &[u8], split: Split) -> Segments<'_> {
    Segments {
        text,
        pos: 0,
        split,
        bom: text.starts_with(BOM),
    }
}

/// The segments of a part of a document that does not start it: a byte
/// order mark at its start is content, as anywhere past a document's start.
pub(crate) fn segments_within(text: &[u8], split: Split) -> Segments<'_> {
    Segments {
        text,
        pos: 0,
        split,
        bom: false,
    }
}

/// An iterator over the [`Segment`]s of a text, made by [`segments`].
///
/// Segments are contiguous, non-empty, and concatenate to the input.
#[derive(Clone, Debug)]
pub struct Segments<'t> {
    /// The text being split.
    text: &'t [u8],
    /// Where the next segment starts.
    pos: usize,
    /// Lines or blank-line separated blocks.
    split: Split,
    /// Whether a byte order mark at `pos` (0) is the next segment.
    bom: bool,
}

/// One line: `[start, content_end)` is the content, `[content_end, end)` the terminator.
#[derive(Clone, Copy)]
struct Line {
    content_end: usize,
    end: usize,
    blank: bool,
}

#[inline]
fn is_blank_byte(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C)
}

impl<'t> Segments<'t> {
    /// Reads the line that starts at `start`.
    #[inline]
    fn line_at(&self, start: usize) -> Line {
        let rest = &self.text[start..];
        let (content_end, end) = match memchr::memchr(b'\n', rest) {
            Some(i) => {
                let nl = start + i;
                let content_end = if i > 0 && rest[i - 1] == b'\r' {
                    nl - 1
                } else {
                    nl
                };
                (content_end, nl + 1)
            }
            None => (self.text.len(), self.text.len()),
        };
        let blank = self.text[start..content_end]
            .iter()
            .all(|&b| is_blank_byte(b));
        Line {
            content_end,
            end,
            blank,
        }
    }
}

impl Iterator for Segments<'_> {
    type Item = Segment;

    #[inline]
    fn next(&mut self) -> Option<Segment> {
        let start = self.pos;
        if start >= self.text.len() {
            return None;
        }
        if self.bom {
            self.bom = false;
            self.pos = BOM.len();
            return Some(Segment {
                span: Span::new(0, BOM.len()),
                content_end: BOM.len(),
                kind: SegmentKind::ByteOrderMark,
            });
        }
        let first = self.line_at(start);
        let kind = if first.blank {
            SegmentKind::Blank
        } else {
            SegmentKind::Paragraph
        };
        let mut last = first;
        if self.split == Split::BlankLines {
            while last.end < self.text.len() {
                let next = self.line_at(last.end);
                if next.blank != first.blank {
                    break;
                }
                last = next;
            }
        }
        self.pos = last.end;
        Some(Segment {
            span: Span::new(start, last.end),
            content_end: if first.blank {
                last.end
            } else {
                last.content_end
            },
            kind,
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.text.len() - self.pos;
        (usize::from(left > 0), Some(left))
    }
}

impl FusedIterator for Segments<'_> {}

/// The first place at or after `from` where `text` can be cut in two
/// without changing its segments (the segments of the two halves are those
/// of the whole), or the end of the text: how a batch shares one long
/// document between threads.
///
/// Lines: just after a `\n`. Blank-line paragraphs: at the start of a
/// non-blank line whose previous line is blank.
pub(crate) fn cut_at_or_after(text: &[u8], from: usize, split: Split) -> usize {
    let is_blank = |line: &[u8]| line.iter().all(|&b| is_blank_byte(b));
    let Some(nl) = memchr::memchr(b'\n', &text[from..]) else {
        return text.len();
    };
    let mut line_start = from + nl + 1;
    if split == Split::Lines {
        return line_start;
    }
    // The line that ends just before `line_start`.
    let prev_start = memchr::memrchr(b'\n', &text[..line_start - 1]).map_or(0, |i| i + 1);
    let mut prev_blank = is_blank(&text[prev_start..line_start]);
    while line_start < text.len() {
        let line_end =
            memchr::memchr(b'\n', &text[line_start..]).map_or(text.len(), |i| line_start + i + 1);
        let blank = is_blank(&text[line_start..line_end]);
        if prev_blank && !blank {
            return line_start;
        }
        prev_blank = blank;
        line_start = line_end;
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str, split: Split) -> Vec<(&str, &str, SegmentKind)> {
        segments(text.as_bytes(), split)
            .map(|s| (&text[s.span()], &text[s.content()], s.kind()))
            .collect()
    }

    use SegmentKind::{Blank as B, Paragraph as P};

    #[test]
    fn cuts_keep_segments_table() {
        let text = b"aa\nbb\n\n\ncc\ndd\n \nee";
        assert_eq!(cut_at_or_after(text, 0, Split::Lines), 3);
        assert_eq!(cut_at_or_after(text, 3, Split::Lines), 6);
        assert_eq!(cut_at_or_after(text, 0, Split::BlankLines), 8);
        assert_eq!(cut_at_or_after(text, 8, Split::BlankLines), 16);
        assert_eq!(cut_at_or_after(text, 17, Split::BlankLines), text.len());
        assert_eq!(cut_at_or_after(b"no newline", 2, Split::Lines), 10);
    }

    /// Every cut, from every position of texts with CRLF, blank runs of
    /// white space, lone `\r` and byte order marks: the two halves' segments are the whole's.
    #[test]
    fn cuts_keep_segments_everywhere() {
        let texts: [&[u8]; 5] = [
            b"aa\nbb\n\n\ncc\ndd\n \nee",
            "\u{FEFF}mark\n\n\u{FEFF}again\n\u{FEFF}\n".as_bytes(),
            b"one\r\n\r\ntwo\r\n \t\r\n\x0b\nthree\rfour\n\nfive",
            b"\n\n\nx\n\n",
            b"",
        ];
        // The second half does not start the document (a mark there is
        // content), as in a batch.
        let spans = |text: &[u8], split, offset: usize| -> Vec<(Span, SegmentKind)> {
            let parts = if offset == 0 {
                segments(text, split)
            } else {
                segments_within(text, split)
            };
            parts
                .map(|s| {
                    (
                        Span::new(s.span().start + offset, s.span().end + offset),
                        s.kind(),
                    )
                })
                .collect()
        };
        for text in texts {
            for split in [Split::Lines, Split::BlankLines] {
                let whole = spans(text, split, 0);
                for from in 0..text.len() {
                    let cut = cut_at_or_after(text, from, split);
                    assert!(cut >= from && cut <= text.len());
                    let mut halves = spans(&text[..cut], split, 0);
                    halves.extend(spans(&text[cut..], split, cut));
                    assert_eq!(halves, whole, "{split:?} cut at {cut} from {from}");
                }
            }
        }
    }

    #[test]
    fn lines_table() {
        assert_eq!(kinds("", Split::Lines), []);
        assert_eq!(kinds("a", Split::Lines), [("a", "a", P)]);
        assert_eq!(kinds("a\n", Split::Lines), [("a\n", "a", P)]);
        assert_eq!(
            kinds("a\r\nb\r", Split::Lines),
            [("a\r\n", "a", P), ("b\r", "b\r", P)]
        );
        assert_eq!(
            kinds("\n \n\ta\n", Split::Lines),
            [("\n", "\n", B), (" \n", " \n", B), ("\ta\n", "\ta", P)]
        );
        assert_eq!(kinds("a\rb\n", Split::Lines), [("a\rb\n", "a\rb", P)]);
    }

    #[test]
    fn blank_lines_table() {
        assert_eq!(
            kinds("a\nb\n\n \nc\r\nd", Split::BlankLines),
            [
                ("a\nb\n", "a\nb", P),
                ("\n \n", "\n \n", B),
                ("c\r\nd", "c\r\nd", P)
            ]
        );
        assert_eq!(
            kinds("\n\na\n", Split::BlankLines),
            [("\n\n", "\n\n", B), ("a\n", "a", P)]
        );
        assert_eq!(kinds("  ", Split::BlankLines), [("  ", "  ", B)]);
    }

    #[test]
    fn byte_order_mark_table() {
        use SegmentKind::ByteOrderMark as M;
        let bom = "\u{FEFF}";
        for split in [Split::Lines, Split::BlankLines] {
            assert_eq!(kinds(bom, split), [(bom, bom, M)]);
            assert_eq!(kinds("\u{FEFF}a", split), [(bom, bom, M), ("a", "a", P)]);
            assert_eq!(
                kinds("\u{FEFF}\r\na\n", split),
                [(bom, bom, M), ("\r\n", "\r\n", B), ("a\n", "a", P)]
            );
            // Past the start it is content.
            assert_eq!(
                kinds("a\n\u{FEFF}a\n", Split::Lines),
                [("a\n", "a", P), ("\u{FEFF}a\n", "\u{FEFF}a", P)]
            );
            assert_eq!(
                kinds("\u{FEFF}\u{FEFF}", split),
                [(bom, bom, M), (bom, bom, P)]
            );
        }
        assert_eq!(
            kinds("\u{FEFF}a\nb\n\nc", Split::BlankLines),
            [
                (bom, bom, M),
                ("a\nb\n", "a\nb", P),
                ("\n", "\n", B),
                ("c", "c", P)
            ]
        );
        // Two bytes of a mark are content too; a part of a document never
        // starts with a mark.
        let got: Vec<_> = segments(b"\xEF\xBBa", Split::Lines)
            .map(|s| s.kind())
            .collect();
        assert_eq!(got, [P]);
        let got: Vec<_> = segments_within("\u{FEFF}a".as_bytes(), Split::Lines)
            .map(|s| (s.span().range(), s.kind()))
            .collect();
        assert_eq!(got, [(0..4, P)]);
    }

    #[test]
    fn size_hint_is_honest() {
        let text = b"a\nb\nc";
        let it = segments(text, Split::Lines);
        let (lo, hi) = it.size_hint();
        let n = it.count();
        assert!(lo <= n && n <= hi.unwrap());
    }
}
