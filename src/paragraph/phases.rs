//! Paragraph mode's fingerprint and apply phases, for a corpus cut into
//! blocks (see [`crate::phases`]).

use crate::fingerprint::Fingerprinter;
use crate::paragraph::document::for_each_candidate;
use crate::paragraph::Deduper;
use crate::phases::{KeyRow, LaterCopy};
use crate::report::{DocId, DocReport, Removals, RemovalsError, Stats};
use crate::span::Span;

impl Deduper {
    /// The fingerprint phase for one document, whose key (its place in
    /// corpus order) is `doc`: appends a [`KeyRow`] for every paragraph of
    /// `text` that can be a copy (not blank, at least the minimum length),
    /// in order, and returns the number of non-blank paragraphs.
    ///
    /// The rows are the candidates the one-machine batch path resolves.
    ///
    /// # Examples
    ///
    /// ```
    /// use textdedup::paragraph::Deduper;
    ///
    /// let mut rows = Vec::new();
    /// let text = b"a line long enough to repeat\n\nshort\n";
    /// assert_eq!(Deduper::default().fingerprint(7, text, &mut rows), 2);
    /// assert_eq!(rows.len(), 1);
    /// assert_eq!((rows[0].doc, rows[0].start, rows[0].end), (7, 0, 29));
    /// ```
    pub fn fingerprint(&self, doc: u64, text: &[u8], out: &mut Vec<KeyRow>) -> u64 {
        let config = self.config();
        let mut fingerprinter = Fingerprinter::with_seed(config.get_normalize(), config.get_seed());
        let whole = Span::new(0, text.len());
        for_each_candidate(config, &mut fingerprinter, text, whole, |fp, span| {
            out.push(KeyRow {
                key: fp.as_u128(),
                doc,
                start: span.start as u64,
                end: span.end as u64,
            });
        })
    }

    /// The apply phase for one document: its report, given its later
    /// copies (sorted by start, as [`resolve`](crate::phases::resolve)
    /// leaves them). Consecutive removed paragraphs whose first copies are
    /// consecutive too merge into one removal, as in every other entry
    /// point. The report's stats count the document, its bytes, the
    /// removed bytes and paragraphs; `paragraphs` is `None` (the count of
    /// all paragraphs belongs to the fingerprint phase).
    ///
    /// # Errors
    ///
    /// The rules of [`DocReport::from_removals`], for copies that do not
    /// come from the fingerprint and resolve phases of this text.
    pub fn apply<'t>(
        &self,
        doc: u64,
        text: &'t [u8],
        copies: &[LaterCopy],
    ) -> Result<DocReport<'t>, RemovalsError> {
        let id = DocId::new(doc);
        crate::phases::check_copies(text, id, copies)?;
        Ok(apply_checked(text, id, copies, None))
    }
}

/// A document's report from later copies already checked, given its count
/// of non-blank paragraphs when known: the apply phase the batch path and
/// [`Deduper::apply`] share.
pub(crate) fn apply_checked<'t>(
    text: &'t [u8],
    doc: DocId,
    copies: &[LaterCopy],
    paragraphs: Option<u64>,
) -> DocReport<'t> {
    let mut removals = Removals::default();
    for c in copies {
        removals.push(c.span, c.first);
    }
    let stats = Stats {
        documents: 1,
        bytes_in: text.len() as u64,
        paragraphs,
        paragraphs_removed: Some(copies.len() as u64),
        ..Stats::default()
    };
    DocReport::with_removals(text, doc, removals.into_vec(), stats)
}
