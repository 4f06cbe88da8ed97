//! Chunk mode's fingerprint and apply phases, for a corpus cut into blocks
//! (see [`crate::phases`]).

use crate::chunk::dedup::on_char_boundaries;
use crate::chunk::Deduper;
use crate::phases::{KeyRow, LaterCopy};
use crate::report::{DocId, DocReport, Removals, RemovalsError, Stats};

impl Deduper {
    /// The fingerprint phase for one document, whose key (its place in
    /// corpus order) is `doc`: appends a [`KeyRow`] for every chunk of
    /// `text` that can be a copy (at least the minimum length: every chunk
    /// but perhaps the last), in order, and returns their number.
    ///
    /// The rows are the chunks the one-machine batch path resolves.
    ///
    /// # Examples
    ///
    /// ```
    /// use textdedup::chunk::Config;
    ///
    /// let deduper = Config::new().avg(64).build()?;
    /// let text: String = (0..40).map(|i| format!("Line {i} of a page. ")).collect();
    /// let mut rows = Vec::new();
    /// let counted = deduper.fingerprint(7, text.as_bytes(), &mut rows);
    /// assert_eq!(counted, rows.len() as u64);
    /// assert!(rows.len() > 1 && rows.iter().all(|r| r.doc == 7));
    /// assert_eq!(rows[0].start, 0);
    /// assert!(rows.windows(2).all(|w| w[0].end == w[1].start));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn fingerprint(&self, doc: u64, text: &[u8], out: &mut Vec<KeyRow>) -> u64 {
        let chunks = self.fingerprints(text);
        let counted = chunks.len() as u64;
        out.extend(chunks.into_iter().map(|(fp, span)| KeyRow {
            key: fp.as_u128(),
            doc,
            start: span.start as u64,
            end: span.end as u64,
        }));
        counted
    }

    /// The apply phase for one document: its report, given its later
    /// copies (sorted by start, as [`resolve`](crate::phases::resolve)
    /// leaves them). Consecutive repeated chunks whose first copies are
    /// consecutive too merge into one removal, and each removal is shrunk
    /// to character boundaries, as in every other entry point. The
    /// report's stats count the document, its bytes, the removed bytes and
    /// the repeated chunks; `chunks` is `None` (the count of all chunks
    /// belongs to the fingerprint phase).
    ///
    /// # Errors
    ///
    /// The rules of [`DocReport::from_removals`], for copies that do not
    /// come from the fingerprint and resolve phases of this text.
    ///
    /// # Examples
    ///
    /// ```
    /// use textdedup::chunk::{Config, Corpus};
    /// use textdedup::phases::{copies_of, resolve};
    /// use textdedup::Scope;
    ///
    /// let deduper = Config::new().avg(64).build()?;
    /// let page: String = (0..40).map(|i| format!("Line {i} of a mirrored page. ")).collect();
    /// let docs = [page.clone(), format!("Mirror: {page}")];
    /// let mut rows = Vec::new();
    /// for (key, text) in docs.iter().enumerate() {
    ///     deduper.fingerprint(key as u64, text.as_bytes(), &mut rows);
    /// }
    /// let mut copies = Vec::new();
    /// resolve(&mut rows, Scope::Corpus, &mut copies);
    /// let report = deduper.apply(1, docs[1].as_bytes(), copies_of(&copies, 1..2))?;
    /// let batch = deduper.dedup_batch(&mut Corpus::new(), &docs);
    /// assert_eq!(report.removals(), batch[1].removals());
    /// assert_eq!(report.kept_bytes(), batch[1].kept_bytes());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
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

/// A document's report from later copies already checked (sorted by
/// start), given its count of chunks when known: the apply phase that the
/// one-machine path and [`Deduper::apply`] share.
pub(crate) fn apply_checked<'t>(
    text: &'t [u8],
    doc: DocId,
    copies: &[LaterCopy],
    chunks: Option<u64>,
) -> DocReport<'t> {
    let mut removals = Removals::default();
    for c in copies {
        removals.push(c.span, c.first);
    }
    let removals = removals
        .into_vec()
        .into_iter()
        .filter_map(|r| on_char_boundaries(text, r))
        .collect();
    let stats = Stats {
        documents: 1,
        bytes_in: text.len() as u64,
        chunks,
        chunks_removed: Some(copies.len() as u64),
        ..Stats::default()
    };
    DocReport::with_removals(text, doc, removals, stats)
}
