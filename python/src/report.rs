//! `Report`, `Removal` and `Stats`: what Python gets back for a document.

use pyo3::prelude::*;
use pyo3::types::PyList;

/// One span of a document that is a later copy of earlier text.
///
/// ``text[start:end]`` is the removed text. ``first_doc`` is the index, in
/// corpus order, of the document holding the first copy, and
/// ``[first_start, first_end)`` is that copy in it. Offsets count
/// characters in a ``str`` document and bytes in a ``bytes`` one (in each
/// document's own units: ``first_start`` and ``first_end`` in those of
/// document ``first_doc``).
#[pyclass(module = "textdedup", frozen, eq, hash, get_all, skip_from_py_object)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Removal {
    /// Where the removed span starts.
    pub(crate) start: u64,
    /// Where it ends (exclusive).
    pub(crate) end: u64,
    /// The document holding the first copy.
    pub(crate) first_doc: u64,
    /// Where the first copy starts in that document.
    pub(crate) first_start: u64,
    /// Where it ends (exclusive).
    pub(crate) first_end: u64,
}

#[pymethods]
impl Removal {
    #[new]
    #[pyo3(signature = (start, end, first_doc, first_start, first_end))]
    fn new(start: u64, end: u64, first_doc: u64, first_start: u64, first_end: u64) -> Self {
        Removal {
            start,
            end,
            first_doc,
            first_start,
            first_end,
        }
    }

    fn __repr__(&self) -> String {
        format!(
            "Removal(start={}, end={}, first_doc={}, first_start={}, first_end={})",
            self.start, self.end, self.first_doc, self.first_start, self.first_end
        )
    }
}

/// Counts for one document.
///
/// ``bytes_in`` and ``bytes_removed`` count UTF-8 bytes, for ``str``
/// documents too. ``paragraphs`` and ``paragraphs_removed`` are ``None``
/// outside paragraph mode, ``chunks`` and ``chunks_removed`` outside chunk
/// mode.
#[pyclass(module = "textdedup", frozen, eq, get_all, skip_from_py_object)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Stats {
    /// Documents counted (1).
    documents: u64,
    /// Bytes of input.
    bytes_in: u64,
    /// Bytes removed.
    bytes_removed: u64,
    /// Non-blank paragraphs seen (paragraph mode).
    paragraphs: Option<u64>,
    /// Paragraphs removed (paragraph mode).
    paragraphs_removed: Option<u64>,
    /// Chunks long enough to count (chunk mode).
    chunks: Option<u64>,
    /// Chunks removed (chunk mode).
    chunks_removed: Option<u64>,
}

impl From<textdedup::Stats> for Stats {
    fn from(s: textdedup::Stats) -> Stats {
        Stats {
            documents: s.documents,
            bytes_in: s.bytes_in,
            bytes_removed: s.bytes_removed,
            paragraphs: s.paragraphs,
            paragraphs_removed: s.paragraphs_removed,
            chunks: s.chunks,
            chunks_removed: s.chunks_removed,
        }
    }
}

#[pymethods]
impl Stats {
    fn __repr__(&self) -> String {
        let opt = |v: Option<u64>| v.map_or_else(|| "None".to_owned(), |n| n.to_string());
        format!(
            "Stats(documents={}, bytes_in={}, bytes_removed={}, paragraphs={}, \
             paragraphs_removed={}, chunks={}, chunks_removed={})",
            self.documents,
            self.bytes_in,
            self.bytes_removed,
            opt(self.paragraphs),
            opt(self.paragraphs_removed),
            opt(self.chunks),
            opt(self.chunks_removed)
        )
    }
}

/// The result of deduplicating one document.
///
/// ``kept`` is the text without its removed spans, of the input's type
/// (the input object itself when nothing was removed); ``removals`` lists
/// the removed spans in order; ``doc`` is the document's index in corpus
/// order; ``stats`` has its counts.
#[pyclass(module = "textdedup", frozen)]
#[derive(Debug)]
pub(crate) struct Report {
    /// The kept text.
    kept: Py<PyAny>,
    /// The document's index in corpus order.
    doc: u64,
    /// The removals, in the document's units.
    removals: Vec<Removal>,
    /// Counts.
    stats: textdedup::Stats,
}

impl Report {
    /// A report of a document's kept text, removals and counts.
    pub(crate) fn new(
        kept: Py<PyAny>,
        doc: u64,
        removals: Vec<Removal>,
        stats: textdedup::Stats,
    ) -> Report {
        Report {
            kept,
            doc,
            removals,
            stats,
        }
    }
}

#[pymethods]
impl Report {
    /// The kept text: ``str`` for a ``str`` document, ``bytes`` for
    /// ``bytes``.
    #[getter]
    pub(crate) fn kept(&self, py: Python<'_>) -> Py<PyAny> {
        self.kept.clone_ref(py)
    }

    /// The document's index in corpus order.
    #[getter]
    fn doc(&self) -> u64 {
        self.doc
    }

    /// The removed spans, sorted, non-overlapping (a new list each time).
    #[getter]
    fn removals<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, self.removals.iter().copied())
    }

    /// Counts for this document.
    #[getter]
    fn stats(&self) -> Stats {
        self.stats.into()
    }

    /// UTF-8 bytes removed: ``stats.bytes_removed``.
    #[getter]
    fn bytes_removed(&self) -> u64 {
        self.stats.bytes_removed
    }

    fn __repr__(&self) -> String {
        format!(
            "Report(doc={}, removals={}, bytes_removed={})",
            self.doc,
            self.removals.len(),
            self.stats.bytes_removed
        )
    }
}
