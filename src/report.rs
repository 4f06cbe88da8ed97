//! What a deduplication pass found: removals, kept text and counts.

use std::borrow::Cow;
use std::fmt;
use std::io;
use std::ops::AddAssign;

use crate::span::Span;

/// The position of a document in a corpus, counted from 0 in the order the
/// documents were given.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DocId(u64);

impl DocId {
    /// The document with index `index`.
    #[inline]
    pub const fn new(index: u64) -> DocId {
        DocId(index)
    }

    /// The document's index in its corpus.
    #[inline]
    pub const fn index(self) -> u64 {
        self.0
    }

    /// The document's index as a `usize`, to index a `Vec` of documents
    /// (a slice or `Vec` can also be indexed by the `DocId` itself).
    ///
    /// # Panics
    ///
    /// When the index does not fit in a `usize` (past 4 Gi documents on a
    /// 32-bit target), where no slice could hold the documents anyway.
    ///
    /// # Examples
    ///
    /// ```
    /// use textdedup::{Deduper, Corpus};
    ///
    /// let docs = ["a line long enough to repeat\n", "a line long enough to repeat\n"];
    /// let reports = Deduper::default().dedup_batch(&mut Corpus::new(), &docs);
    /// let first = reports[1].removals()[0].first();
    /// assert_eq!(first.doc().as_usize(), 0);
    /// assert_eq!(&docs[first.doc()][first.span()], "a line long enough to repeat\n");
    /// ```
    #[inline]
    pub fn as_usize(self) -> usize {
        usize::try_from(self.0).expect("DocId::as_usize: the index does not fit in a usize")
    }
}

impl From<DocId> for u64 {
    #[inline]
    fn from(doc: DocId) -> u64 {
        doc.0
    }
}

impl<T> core::ops::Index<DocId> for [T] {
    type Output = T;

    #[inline]
    fn index(&self, doc: DocId) -> &T {
        &self[doc.as_usize()]
    }
}

impl<T> core::ops::Index<DocId> for Vec<T> {
    type Output = T;

    #[inline]
    fn index(&self, doc: DocId) -> &T {
        &self[doc.as_usize()]
    }
}

/// Where the first copy of some removed text is: its document and its span.
///
/// `[start(), end())` of document [`Origin::doc`] is exactly the first copy,
/// always inside that document:
///
/// - in paragraph mode, the first copies of the removed paragraphs, each
///   with its own terminator (the convention of the removal's span). They
///   can be longer or shorter than the removed span: a CRLF against an LF
///   terminator, a last line with no terminator, or white space under
///   [`Normalize::Whitespace`](crate::Normalize::Whitespace) and
///   [`Normalize::Loose`](crate::Normalize::Loose). Their normalized content
///   is the removed paragraphs' content, paragraph for paragraph;
/// - in passage mode and for repeated chunks, the same bytes as the removed
///   span, so `end() - start()` is the span's length.
///
/// # Examples
///
/// ```
/// use textdedup::{Config, Deduper};
///
/// // The first copy ends in LF, its later copy in CRLF: one byte longer.
/// let text = b"a line that repeats\nanother line, not a copy\na line that repeats\r\n";
/// let report = Deduper::new(Config::new())?.dedup(text);
/// let removal = report.removals()[0];
/// assert_eq!(removal.span().range(), 45..66);
/// let first = removal.first();
/// assert_eq!(first.start()..first.end(), 0..20);
/// assert_eq!(&text[first.span()], b"a line that repeats\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Origin {
    /// The document holding the first copy.
    doc: DocId,
    /// The byte offset of the first copy in that document.
    start: usize,
    /// Where the first copy ends: paragraphs and their later copies can
    /// differ in length, so the end cannot be derived from the removal.
    end: usize,
}

impl Origin {
    /// The first copy `[start, end)` of document `doc`, for a removal
    /// rebuilt from an earlier answer (see [`DocReport::from_removals`]).
    #[inline]
    pub fn new(doc: DocId, start: usize, end: usize) -> Origin {
        Origin { doc, start, end }
    }

    /// The document that holds the first copy.
    #[inline]
    pub fn doc(&self) -> DocId {
        self.doc
    }

    /// The byte offset where the first copy starts in that document.
    #[inline]
    pub fn start(&self) -> usize {
        self.start
    }

    /// The byte offset where the first copy ends in that document
    /// (exclusive): `[start(), end())` is the first copy.
    #[inline]
    pub fn end(&self) -> usize {
        self.end
    }

    /// The first copy as a span of its document.
    #[inline]
    pub fn span(&self) -> Span {
        Span::new(self.start, self.end)
    }
}

/// One span of a document that is a later copy of earlier text.
///
/// In paragraph mode a removal covers one or more whole paragraphs,
/// terminators included. Consecutive removed paragraphs are merged into one
/// removal when their first copies are consecutive in one document (each
/// first copy ends where the next one starts), so [`Removal::first`] is the
/// first copy of the whole span: the same paragraphs, in the same order.
/// In passage mode and for repeated chunks the first copy holds the same
/// bytes as the span.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Removal {
    /// The removed bytes in this document.
    span: Span,
    /// Where the first copy of those bytes is.
    first: Origin,
}

impl Removal {
    /// The later copy `span` of the first copy `first`, for a report
    /// rebuilt from an earlier answer (see [`DocReport::from_removals`]).
    #[inline]
    pub fn new(span: Span, first: Origin) -> Removal {
        Removal { span, first }
    }

    /// The removed bytes, as a span of this document.
    #[inline]
    pub fn span(&self) -> Span {
        self.span
    }

    /// Where the first copy is.
    #[inline]
    pub fn first(&self) -> Origin {
        self.first
    }

    /// Grows the span to `end` and its first copy to `first_end` (the
    /// caller checked that the first copies follow each other).
    #[inline]
    pub(crate) fn extend_to(&mut self, end: usize, first_end: usize) {
        self.span.end = end;
        self.first.end = first_end;
    }
}

/// A document's removals as they are found, in order: each one merged into
/// the previous when the two follow each other and so do their first
/// copies, in one document (the previous first copy ends where this one
/// starts). The one place every mode builds its removals.
#[derive(Debug, Default)]
pub(crate) struct Removals {
    /// The removals so far, sorted, merged.
    list: Vec<Removal>,
}

impl Removals {
    /// Adds `span`, a later copy of `first`; it must start at or after the
    /// end of the previous one.
    #[inline]
    pub(crate) fn push(&mut self, span: Span, first: Origin) {
        if let Some(last) = self.list.last_mut() {
            if last.span.end == span.start
                && last.first.doc == first.doc
                && last.first.end == first.start
            {
                last.extend_to(span.end, first.end);
                return;
            }
        }
        self.list.push(Removal::new(span, first));
    }

    /// The removals, sorted and merged.
    pub(crate) fn into_vec(self) -> Vec<Removal> {
        self.list
    }
}

/// Counts for one document or, added up, for a corpus.
///
/// The byte and document counts apply to every mode. A count that only one
/// mode has is `Some` in that mode's reports and `None` in the others':
/// paragraphs in [`paragraph`](crate::paragraph) mode, chunks in
/// [`chunk`](crate::chunk) mode, neither in [`passage`](crate::passage)
/// mode. Adding stats adds each count, a `None` counting as absent.
///
/// # Examples
///
/// ```
/// use textdedup::{passage, paragraph, Dedup};
///
/// let text = b"a line long enough to repeat\na line long enough to repeat\n";
/// let stats = paragraph::Deduper::default().dedup(text).stats();
/// assert_eq!((stats.paragraphs, stats.paragraphs_removed), (Some(2), Some(1)));
/// assert_eq!(stats.chunks, None);
/// let stats = passage::Deduper::default().dedup(text).stats();
/// assert_eq!((stats.paragraphs, stats.chunks), (None, None));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Stats {
    /// Documents counted (1 for a single report).
    pub documents: u64,
    /// Bytes of input.
    pub bytes_in: u64,
    /// Bytes in removed spans.
    pub bytes_removed: u64,
    /// Non-blank paragraphs seen (paragraph mode only).
    pub paragraphs: Option<u64>,
    /// Paragraphs removed as later copies (paragraph mode only).
    pub paragraphs_removed: Option<u64>,
    /// Chunks long enough to count (chunk mode only).
    pub chunks: Option<u64>,
    /// Chunks removed as later copies (chunk mode only).
    pub chunks_removed: Option<u64>,
}

/// The sum of two optional counts, `None` only when both are.
fn add_counts(a: Option<u64>, b: Option<u64>) -> Option<u64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a + b),
        (a, None) => a,
        (None, b) => b,
    }
}

impl AddAssign for Stats {
    fn add_assign(&mut self, o: Stats) {
        self.documents += o.documents;
        self.bytes_in += o.bytes_in;
        self.bytes_removed += o.bytes_removed;
        self.paragraphs = add_counts(self.paragraphs, o.paragraphs);
        self.paragraphs_removed = add_counts(self.paragraphs_removed, o.paragraphs_removed);
        self.chunks = add_counts(self.chunks, o.chunks);
        self.chunks_removed = add_counts(self.chunks_removed, o.chunks_removed);
    }
}

/// Why [`DocReport::from_removals`] refused a list of removals.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemovalsError {
    /// The index of the first removal that breaks a rule.
    index: usize,
    /// The rule it breaks.
    reason: &'static str,
}

impl RemovalsError {
    /// The index of the first removal refused, in the list given.
    pub fn index(&self) -> usize {
        self.index
    }
}

impl fmt::Display for RemovalsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "removal {}: {}", self.index, self.reason)
    }
}

impl std::error::Error for RemovalsError {}

/// The result of deduplicating one document; borrows the document.
///
/// The report is the "find" answer: it lists what would be removed and
/// builds the kept text only when asked ([`DocReport::kept_bytes`],
/// [`DocReport::write_kept`]). Removals are sorted by start, never overlap,
/// and never touch each other (adjacent ones are merged when their first
/// copies line up, and otherwise kept apart only because their first copies
/// differ).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocReport<'t> {
    /// The document, so kept text can be built without copying it first.
    text: &'t [u8],
    /// This document's position in its corpus.
    doc: DocId,
    /// Later copies found in this document, sorted by start.
    removals: Vec<Removal>,
    /// Counts for this document.
    stats: Stats,
}

impl<'t> DocReport<'t> {
    pub(crate) fn new(text: &'t [u8], doc: DocId, removals: Vec<Removal>, stats: Stats) -> Self {
        DocReport {
            text,
            doc,
            removals,
            stats,
        }
    }

    /// The report of removals found earlier, elsewhere or in another form:
    /// the last phase of a distributed run, or a `find` report read back,
    /// applied to the document's text. Its [`Stats`] count the document, its
    /// bytes and the removed bytes; the counts of one mode are `None`.
    ///
    /// # Errors
    ///
    /// When the removals break the rules every report keeps: each span
    /// inside `text`, sorted by start and not overlapping the previous one,
    /// each first copy with `start <= end` and not after this removal in
    /// corpus order.
    ///
    /// # Examples
    ///
    /// ```
    /// use textdedup::{DocId, DocReport, Origin, Removal, Span};
    ///
    /// let text = b"kept. removed. kept again.";
    /// let removal = Removal::new(Span::new(6, 15), Origin::new(DocId::new(0), 40, 49));
    /// let report = DocReport::from_removals(text, DocId::new(3), vec![removal])?;
    /// assert_eq!(&*report.kept_bytes(), b"kept. kept again.");
    /// assert_eq!(report.stats().bytes_removed, 9);
    ///
    /// let outside = Removal::new(Span::new(20, 30), Origin::new(DocId::new(0), 0, 10));
    /// assert!(DocReport::from_removals(text, DocId::new(3), vec![outside]).is_err());
    /// # Ok::<(), textdedup::RemovalsError>(())
    /// ```
    pub fn from_removals(
        text: &'t [u8],
        doc: DocId,
        removals: Vec<Removal>,
    ) -> Result<Self, RemovalsError> {
        let mut end = 0;
        for (index, r) in removals.iter().enumerate() {
            let refuse = |reason| Err(RemovalsError { index, reason });
            if r.span.start > r.span.end || r.span.end > text.len() {
                return refuse("its span is not inside the text");
            }
            if r.span.start < end {
                return refuse("it starts before the previous removal ends");
            }
            if r.first.start > r.first.end {
                return refuse("its first copy ends before it starts");
            }
            if (r.first.doc, r.first.start) >= (doc, r.span.start) {
                return refuse("its first copy is not earlier in corpus order");
            }
            end = r.span.end;
        }
        let stats = Stats {
            documents: 1,
            bytes_in: text.len() as u64,
            ..Stats::default()
        };
        Ok(DocReport::with_removals(text, doc, removals, stats))
    }

    /// The report of `removals` in `text`, with `stats.bytes_removed`
    /// counted from them.
    pub(crate) fn with_removals(
        text: &'t [u8],
        doc: DocId,
        removals: Vec<Removal>,
        mut stats: Stats,
    ) -> Self {
        stats.bytes_removed = removals.iter().map(|r| r.span.len() as u64).sum();
        DocReport::new(text, doc, removals, stats)
    }

    /// The document this report is about.
    #[inline]
    pub fn doc(&self) -> DocId {
        self.doc
    }

    /// The document's text.
    #[inline]
    pub fn text(&self) -> &'t [u8] {
        self.text
    }

    /// The later copies found, sorted by start, non-overlapping.
    #[inline]
    pub fn removals(&self) -> &[Removal] {
        &self.removals
    }

    /// Counts for this document.
    #[inline]
    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// The spans that are kept: the gaps between removals, in order.
    ///
    /// Kept spans and removed spans, merged in order, tile the document.
    pub fn kept_spans(&self) -> impl Iterator<Item = Span> + '_ {
        let mut pos = 0;
        let mut removals = self.removals.iter();
        let len = self.text.len();
        core::iter::from_fn(move || loop {
            match removals.next() {
                Some(r) => {
                    let gap = Span::new(pos, r.span.start);
                    pos = r.span.end;
                    if !gap.is_empty() {
                        return Some(gap);
                    }
                }
                None => {
                    let gap = Span::new(pos, len);
                    pos = len;
                    return (!gap.is_empty()).then_some(gap);
                }
            }
        })
    }

    /// The number of bytes kept.
    #[inline]
    pub fn kept_len(&self) -> usize {
        self.text.len() - self.stats.bytes_removed as usize
    }

    /// The document without its removed spans; borrowed when nothing was removed.
    ///
    /// # Complexity
    ///
    /// Linear in the document's length; allocates only when something was
    /// removed.
    pub fn kept_bytes(&self) -> Cow<'t, [u8]> {
        if self.removals.is_empty() {
            return Cow::Borrowed(self.text);
        }
        let mut out = Vec::with_capacity(self.kept_len());
        for span in self.kept_spans() {
            out.extend_from_slice(&self.text[span]);
        }
        Cow::Owned(out)
    }

    /// The kept text as a string.
    ///
    /// # Errors
    ///
    /// When the document was not valid UTF-8. Removals never split a UTF-8
    /// character, so this never fails on a report made from a `&str`.
    pub fn kept_str(&self) -> Result<Cow<'t, str>, core::str::Utf8Error> {
        Ok(match self.kept_bytes() {
            Cow::Borrowed(b) => Cow::Borrowed(core::str::from_utf8(b)?),
            Cow::Owned(v) => Cow::Owned(String::from_utf8(v).map_err(|e| e.utf8_error())?),
        })
    }

    /// The kept text as an owned `String`, for a document that was a
    /// `&str`: no UTF-8 error to handle.
    ///
    /// Removals never split a character of valid UTF-8 input, except in
    /// passage mode with [`Snap::Byte`](crate::passage::Snap::Byte), which
    /// removes exactly the repeated bytes; a character split that way, or
    /// invalid UTF-8 in the input, becomes U+FFFD (as
    /// [`String::from_utf8_lossy`] does).
    ///
    /// # Examples
    ///
    /// ```
    /// use textdedup::paragraph::Deduper;
    ///
    /// let report = Deduper::default().dedup(b"un caf\xc3\xa9 pour tout le monde\nun caf\xc3\xa9 pour tout le monde\n");
    /// assert_eq!(report.kept_string(), "un café pour tout le monde\n");
    /// ```
    pub fn kept_string(&self) -> String {
        match String::from_utf8(self.kept_bytes().into_owned()) {
            Ok(s) => s,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        }
    }

    /// Writes the kept text to `out` without building it in memory.
    ///
    /// # Errors
    ///
    /// Any error from `out`.
    pub fn write_kept<W: io::Write>(&self, mut out: W) -> io::Result<()> {
        for span in self.kept_spans() {
            out.write_all(&self.text[span])?;
        }
        Ok(())
    }
}
