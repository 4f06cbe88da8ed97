//! Half-open byte ranges into a document.

use core::ops::{Index, Range};

/// A half-open byte range `[start, end)` into a document.
///
/// Every position textdedup reports is a byte offset into the original text,
/// so a `Span` can index the text it came from directly.
///
/// # Examples
///
/// ```
/// use textdedup::Span;
///
/// let text = "hello world";
/// let span = Span::new(6, 11);
/// assert_eq!(&text[span], "world");
/// assert_eq!(span.len(), 5);
/// assert!(span.contains(10));
/// assert!(!span.contains(11));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// The first byte in the range.
    pub start: usize,
    /// One past the last byte in the range.
    pub end: usize,
}

impl Span {
    /// Creates the span `[start, end)`.
    ///
    /// A span with `end < start` is treated as empty by [`Span::len`] and
    /// [`Span::contains`]; textdedup never produces one.
    #[inline]
    pub const fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The number of bytes in the span.
    #[inline]
    pub const fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// True when the span holds no bytes.
    #[inline]
    pub const fn is_empty(&self) -> bool {
        self.end <= self.start
    }

    /// True when `offset` lies in `[start, end)`.
    #[inline]
    pub const fn contains(&self, offset: usize) -> bool {
        self.start <= offset && offset < self.end
    }

    /// The span as a standard range, for slicing.
    #[inline]
    pub const fn range(&self) -> Range<usize> {
        self.start..self.end
    }
}

impl From<Range<usize>> for Span {
    #[inline]
    fn from(r: Range<usize>) -> Span {
        Span::new(r.start, r.end)
    }
}

impl From<Span> for Range<usize> {
    #[inline]
    fn from(s: Span) -> Range<usize> {
        s.range()
    }
}

impl Index<Span> for [u8] {
    type Output = [u8];
    #[inline]
    fn index(&self, span: Span) -> &[u8] {
        &self[span.range()]
    }
}

impl Index<Span> for str {
    type Output = str;
    #[inline]
    fn index(&self, span: Span) -> &str {
        &self[span.range()]
    }
}

#[cfg(test)]
mod tests {
    use super::Span;

    #[test]
    fn edges() {
        let s = Span::new(2, 5);
        assert!(!s.contains(1));
        assert!(s.contains(2));
        assert!(s.contains(4));
        assert!(!s.contains(5));
        assert_eq!(s.len(), 3);
        let e = Span::new(3, 3);
        assert!(e.is_empty());
        assert!(!e.contains(3));
        let backwards = Span::new(5, 2);
        assert_eq!(backwards.len(), 0);
        assert!(backwards.is_empty());
        assert!(!backwards.contains(3));
        assert_eq!(Span::from(1..4).range(), 1..4);
        assert_eq!(&b"abcdef"[..][Span::new(1, 3)], b"bc");
    }
}
