//! `Corpus`: what a deduper has seen, growing across calls.

use pyo3::prelude::*;

use crate::deduper::Deduper;
use crate::engine::State;
use crate::report::Report;
use crate::run::{dedup_docs, Earlier, Target};
use crate::text::{read_all, Doc};

/// The documents a deduper has seen, in order: each call's documents are
/// the next ones of the corpus, so a copy in a document of an earlier call
/// counts too (under ``scope="corpus"``).
///
/// Feeding documents one call at a time gives the reports one
/// ``dedup_batch`` of them all would give. A corpus is used by one thread
/// at a time (another thread's call raises ``RuntimeError`` meanwhile).
///
/// For ``str`` documents that are not ASCII the corpus also keeps a
/// character index of about a seventh of their UTF-8 size, so that later
/// reports can give first copies in characters; ``heap_bytes`` counts it.
#[pyclass(module = "textdedup")]
pub(crate) struct Corpus {
    /// The deduper feeding it.
    deduper: Py<Deduper>,
    /// The mode's corpus.
    state: State,
    /// Character indexes of earlier non-ASCII `str` documents.
    earlier: Earlier,
}

impl Corpus {
    /// Deduplicates `docs` as the next documents.
    fn feed(&mut self, py: Python<'_>, docs: &[Doc<'_>]) -> PyResult<Vec<Py<Report>>> {
        let deduper = self.deduper.get();
        let keep = deduper.settings().scope == textdedup::Scope::Corpus;
        let target = Target::Corpus {
            state: &mut self.state,
            earlier: keep.then_some(&mut self.earlier),
        };
        dedup_docs(py, deduper.pool(), deduper.engine(), target, docs)
    }
}

#[pymethods]
impl Corpus {
    #[new]
    fn new(deduper: Py<Deduper>) -> Corpus {
        let state = deduper.get().engine().new_state();
        Corpus {
            deduper,
            state,
            earlier: Earlier::new(),
        }
    }

    /// Deduplicates ``text`` (``str`` or ``bytes``) as the next document.
    fn dedup(&mut self, py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<Py<Report>> {
        let doc = Doc::read(text, None)?;
        let mut reports = self.feed(py, &[doc])?;
        Ok(reports.pop().expect("one report per document"))
    }

    /// Deduplicates ``texts`` as the next documents, in parallel.
    fn dedup_batch(
        &mut self,
        py: Python<'_>,
        texts: &Bound<'_, PyAny>,
    ) -> PyResult<Vec<Py<Report>>> {
        let docs = read_all(texts)?;
        self.feed(py, &docs)
    }

    /// Deduplicates a pyarrow string or binary array as the next
    /// documents; returns a table as ``Deduper.dedup_arrow`` does.
    fn dedup_arrow<'py>(
        &mut self,
        py: Python<'py>,
        array: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let deduper = self.deduper.get();
        crate::arrow::dedup_arrow(py, deduper.pool(), deduper.engine(), &mut self.state, array)
    }

    /// Forgets every document: the next one is number 0 again.
    fn clear(&mut self) {
        self.state = self.deduper.get().engine().new_state();
        self.earlier = Earlier::new();
    }

    /// The deduper feeding this corpus.
    #[getter]
    fn deduper(&self, py: Python<'_>) -> Py<Deduper> {
        self.deduper.clone_ref(py)
    }

    /// The number of documents seen.
    #[getter]
    fn documents(&self) -> u64 {
        self.deduper.get().engine().documents(&self.state)
    }

    /// Heap bytes held: the mode's corpus and the character indexes.
    #[getter]
    fn heap_bytes(&self) -> usize {
        let indexes: usize = self.earlier.values().map(|i| i.heap_bytes()).sum();
        let table =
            self.earlier.capacity() * (std::mem::size_of::<(u64, crate::offsets::CharIndex)>() + 1);
        self.deduper.get().engine().heap_bytes(&self.state) + indexes + table
    }

    /// Passage mode: windows refused so far because their anchor hash
    /// and their own key already held 32 earlier positions (a repeat of
    /// them may be missed); ``None`` in the other modes.
    #[getter]
    fn refused_anchors(&self) -> Option<u64> {
        let refusals = self.deduper.get().engine().refusals(&self.state);
        refusals.map(|(anchors, _)| anchors)
    }

    /// Passage mode: the bytes of text in the refused windows, each
    /// counted once (the most text in which a repeat may have been
    /// missed); ``None`` in the other modes.
    #[getter]
    fn refused_bytes(&self) -> Option<u64> {
        let refusals = self.deduper.get().engine().refusals(&self.state);
        refusals.map(|(_, bytes)| bytes)
    }

    fn __len__(&self) -> usize {
        self.documents() as usize
    }

    fn __repr__(&self) -> String {
        format!(
            "Corpus({}, documents={})",
            self.deduper.get().settings().repr(),
            self.documents()
        )
    }
}
