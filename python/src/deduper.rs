//! `Deduper` and `dedup_str`: a configured engine, immutable, usable from
//! several Python threads at once.

use std::sync::{Arc, OnceLock};

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

use crate::engine::DynEngine;
use crate::options::{type_name, Mode, Settings};
use crate::pool::Pool;
use crate::report::Report;
use crate::run::{dedup_docs, Target};
use crate::text::{read_all, Doc};

/// A configured deduplication engine.
///
/// ``Deduper(mode="paragraph", **options)`` takes the command line's
/// options, with underscores for dashes:
///
/// - ``scope``: ``"corpus"`` (default: a copy in an earlier document of the
///   batch counts) or ``"document"`` (each document on its own);
/// - ``seed``: the seed of fingerprints, anchors or chunk boundaries;
/// - ``threads``: the size of the deduper's own thread pool (default: one
///   per core); the answer is the same for every value;
/// - paragraph mode: ``split`` (``"lines"``, ``"blank-lines"``),
///   ``normalize`` (``"exact"``, ``"whitespace"``, ``"loose"``),
///   ``min_len`` (the shortest normalized paragraph that can count as a
///   copy, default 16 bytes);
/// - passage mode: ``min_len`` (the shortest repeat, default 100 bytes, at
///   least 16), ``snap`` (``"byte"``, ``"char"``, ``"word"`` (default),
///   ``"line"``);
/// - chunk mode: ``avg_size`` (64 to 1048576 bytes, default 1024),
///   ``min_size`` and ``max_size``.
///
/// An unknown option, an option the mode does not take, or a bad value
/// raises ``ValueError`` naming it.
#[pyclass(module = "textdedup", frozen)]
pub(crate) struct Deduper {
    /// The options given.
    settings: Settings,
    /// The mode's engine.
    engine: Arc<dyn DynEngine>,
    /// Its threads.
    pool: Pool,
}

impl Deduper {
    /// The deduper for `settings`.
    fn build(settings: Settings) -> PyResult<Deduper> {
        Ok(Deduper {
            engine: settings.engine()?,
            pool: Pool::new(settings.threads),
            settings,
        })
    }

    /// The engine.
    pub(crate) fn engine(&self) -> &dyn DynEngine {
        &*self.engine
    }

    /// The pool.
    pub(crate) fn pool(&self) -> &Pool {
        &self.pool
    }

    /// The options given.
    pub(crate) fn settings(&self) -> &Settings {
        &self.settings
    }
}

#[pymethods]
impl Deduper {
    #[new]
    #[pyo3(signature = (mode = "paragraph", **options))]
    fn new(mode: &str, options: Option<&Bound<'_, PyDict>>) -> PyResult<Deduper> {
        Deduper::build(Settings::parse(mode, options)?)
    }

    /// Deduplicates one document on its own (``str`` or ``bytes``); its
    /// report's ``doc`` is 0.
    fn dedup(&self, py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<Py<Report>> {
        let doc = Doc::read(text, None)?;
        let mut reports = dedup_docs(py, &self.pool, &*self.engine, Target::One, &[doc])?;
        Ok(reports.pop().expect("one report per document"))
    }

    /// Deduplicates ``texts`` (an iterable of ``str`` and ``bytes``) as a
    /// corpus in their order, in parallel: one report per document.
    fn dedup_batch(&self, py: Python<'_>, texts: &Bound<'_, PyAny>) -> PyResult<Vec<Py<Report>>> {
        let docs = read_all(texts)?;
        let mut state = self.engine.new_state();
        let target = Target::Corpus {
            state: &mut state,
            earlier: None,
        };
        dedup_docs(py, &self.pool, &*self.engine, target, &docs)
    }

    /// Deduplicates a pyarrow string or binary array (or chunked array) as
    /// a corpus in array order; returns a ``pyarrow.Table`` with one row per
    /// element: ``kept``, ``removals`` and ``bytes_removed``.
    fn dedup_arrow<'py>(
        &self,
        py: Python<'py>,
        array: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut state = self.engine.new_state();
        crate::arrow::dedup_arrow(py, &self.pool, &*self.engine, &mut state, array)
    }

    /// The mode: ``"paragraph"``, ``"passage"`` or ``"chunk"``.
    #[getter]
    fn mode(&self) -> &'static str {
        self.settings.mode.name()
    }

    /// The number of threads of the deduper's pool.
    #[getter]
    fn threads(&self) -> usize {
        self.pool.threads()
    }

    fn __repr__(&self) -> String {
        self.settings.repr()
    }
}

/// The deduper behind `dedup_str`, built once.
static DEFAULT: OnceLock<Deduper> = OnceLock::new();

/// Removes the later copies of repeated lines from ``text`` (paragraph
/// mode, default settings) and returns what is kept.
#[pyfunction]
pub(crate) fn dedup_str(py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
    if !text.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(format!(
            "dedup_str takes a str, not {}",
            type_name(text)
        )));
    }
    let deduper = match DEFAULT.get() {
        Some(deduper) => deduper,
        None => {
            let deduper = Deduper::build(Settings::new(Mode::Paragraph))?;
            DEFAULT.get_or_init(|| deduper)
        }
    };
    let report = deduper.dedup(py, text)?;
    Ok(report.get().kept(py))
}
