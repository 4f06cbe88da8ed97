//! The batches that pass between the stages, and their documents.

use std::ops::Range;

use textdedup::Removal;

use crate::engine::ChunkRec;
use crate::format::Compression;
use crate::parquet::{Layout, Rows};

/// A run of documents, on its way through the stages: up to about
/// [`BATCH_BYTES`] of input (or one larger file), so that small files do
/// not each cost a hand-over between threads. Batches are reused, so their
/// buffers stop growing early in a run.
#[derive(Debug, Default)]
pub(crate) struct Batch {
    /// The bytes read: whole files, or whole JSON Lines lines.
    pub(crate) data: Vec<u8>,
    /// JSON Lines texts that had escapes, decoded.
    pub(crate) decoded: Vec<u8>,
    /// The documents, in order.
    pub(crate) docs: Vec<Doc>,
    /// Every document's removed spans, in order (see [`Doc::removals`]).
    pub(crate) removals: Vec<Removal>,
    /// Parquet rows read into this batch (their texts are in `data`).
    pub(crate) rows: Vec<Rows>,
    /// The layouts of the Parquet files opened in this batch.
    pub(crate) layouts: Vec<Layout>,
    /// Every document's chunks, in order (`chunk` only; see [`Doc::chunks`]).
    pub(crate) chunks: Vec<ChunkRec>,
}

impl Batch {
    /// Empties the batch, keeping its buffers.
    pub(crate) fn clear(&mut self) {
        self.data.clear();
        self.decoded.clear();
        self.docs.clear();
        self.removals.clear();
        self.chunks.clear();
        self.rows.clear();
        self.layouts.clear();
    }

    /// The text of `doc`.
    pub(crate) fn text(&self, doc: &Doc) -> &[u8] {
        text_of(&self.data, &self.decoded, doc)
    }
}

/// The text of `doc` in a batch's buffers.
pub(crate) fn text_of<'b>(data: &'b [u8], decoded: &'b [u8], doc: &Doc) -> &'b [u8] {
    match &doc.kind {
        DocKind::Open { .. }
        | DocKind::OpenParquet { .. }
        | DocKind::NullRow { .. }
        | DocKind::Skipped
        | DocKind::Blank
        | DocKind::BadRecord => &[],
        DocKind::Plain | DocKind::Row { .. } => &data[doc.line.clone()],
        DocKind::Record { text, .. } => match text {
            TextAt::Data(r) => &data[r.clone()],
            TextAt::Decoded(r) => &decoded[r.clone()],
        },
    }
}

/// One document of a batch, or a mark for the sink.
#[derive(Debug)]
pub(crate) struct Doc {
    /// The index of its source in [`Inputs::sources`].
    pub(crate) source: usize,
    /// The bytes it came from in [`Batch::data`]: the file, or the line
    /// with its terminator.
    pub(crate) line: Range<usize>,
    /// What it is.
    pub(crate) kind: DocKind,
    /// Its index in corpus order (set by the engine).
    pub(crate) index: u64,
    /// Its removed spans in [`Batch::removals`] (set by the engine).
    pub(crate) removals: Range<usize>,
    /// Its chunks in [`Batch::chunks`] (set by the engine, `chunk` only).
    pub(crate) chunks: Range<usize>,
}

/// What kind of document.
#[derive(Debug)]
pub(crate) enum DocKind {
    /// Not a document: the start of a source (the sink opens its output
    /// file; a source may hold no document at all).
    Open {
        /// How the source was compressed.
        compression: Compression,
    },
    /// Not a document: a file that is not text (binary content, an
    /// archive, an image), left out of the run.
    Skipped,
    /// A whole file.
    Plain,
    /// Not a document: the start of a Parquet file, whose shape is
    /// [`Batch::layouts`]`[layout]`.
    OpenParquet {
        /// Where its layout is.
        layout: usize,
    },
    /// A Parquet row, its text in `line`: row `row` of [`Batch::rows`]`[rows]`.
    Row {
        /// Which rows.
        rows: usize,
        /// Which row of them.
        row: usize,
    },
    /// A Parquet row whose text is null, with `--on-bad-record skip`.
    NullRow {
        /// Which rows.
        rows: usize,
    },
    /// A JSON Lines line holding only white space: no document, copied.
    Blank,
    /// A JSON Lines line that is not a usable record, with
    /// `--on-bad-record skip`: no document, copied.
    BadRecord,
    /// A JSON Lines record.
    Record {
        /// Its line number, from 1.
        line_no: u64,
        /// Where its decoded text is.
        text: TextAt,
        /// Where the text's JSON value is in [`Batch::data`].
        raw: Range<usize>,
        /// Where the id's JSON value is in [`Batch::data`], if present.
        id: Option<Range<usize>>,
    },
}

/// Where a record's decoded text is.
#[derive(Debug)]
pub(crate) enum TextAt {
    /// In [`Batch::data`]: the JSON string had no escapes.
    Data(Range<usize>),
    /// In [`Batch::decoded`].
    Decoded(Range<usize>),
}

impl Doc {
    /// A document not yet seen by the engine.
    pub(crate) fn new(source: usize, line: Range<usize>, kind: DocKind) -> Doc {
        Doc {
            source,
            line,
            kind,
            index: 0,
            removals: 0..0,
            chunks: 0..0,
        }
    }
}
