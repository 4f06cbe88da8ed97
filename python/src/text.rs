//! Documents read from Python: `str` or `bytes`, as UTF-8 bytes the
//! library can read without the GIL.
//!
//! `bytes` are read in place. The limited API of Python 3.9, which the
//! abi3 wheel targets, has no call that lends a `str`'s UTF-8 bytes
//! (`PyUnicode_AsUTF8AndSize` joined it in 3.10), so a `str` is encoded
//! once into a new `bytes` object (`PyUnicode_AsUTF8String`, a copy),
//! kept alive for the call. A `str` with lone surrogates has no UTF-8 form
//! and is refused with `UnicodeEncodeError` (a `ValueError`).

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

use crate::options::type_name;

/// Whether a document was `str` or `bytes`: what its report's kept text
/// is, and what its offsets count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `str`: characters.
    Str,
    /// `bytes`: bytes.
    Bytes,
}

/// One document given from Python.
#[derive(Debug)]
pub(crate) struct Doc<'py> {
    /// The object given, handed back as the kept text when nothing is
    /// removed.
    pub(crate) original: Bound<'py, PyAny>,
    /// The object holding its UTF-8 bytes.
    data: Bound<'py, PyAny>,
    /// Its type.
    pub(crate) kind: Kind,
}

impl<'py> Doc<'py> {
    /// Reads `value`, the document numbered `index` of its call (for
    /// messages; `None` for a single document).
    ///
    /// # Errors
    ///
    /// `TypeError` when it is neither `str` nor `bytes`;
    /// `UnicodeEncodeError` for a `str` with lone surrogates.
    pub(crate) fn read(value: &Bound<'py, PyAny>, index: Option<usize>) -> PyResult<Doc<'py>> {
        if value.is_instance_of::<PyBytes>() {
            return Ok(Doc {
                original: value.clone(),
                data: value.clone(),
                kind: Kind::Bytes,
            });
        }
        if let Ok(text) = value.cast::<PyString>() {
            let data = text.encode_utf8()?.into_any();
            return Ok(Doc {
                original: value.clone(),
                data,
                kind: Kind::Str,
            });
        }
        let which = index.map_or_else(|| "a document".to_owned(), |i| format!("document {i}"));
        Err(PyTypeError::new_err(format!(
            "{which} is {}: a document is str or bytes",
            type_name(value)
        )))
    }

    /// The document's UTF-8 bytes (or its bytes), valid while the
    /// document is.
    pub(crate) fn bytes(&self) -> &[u8] {
        self.data
            .cast::<PyBytes>()
            .map(|b| b.as_bytes())
            .unwrap_or_default()
    }
}

/// Reads every document of `values`, an iterable of `str` and `bytes`.
///
/// # Errors
///
/// `TypeError` when `values` is a single `str` or `bytes`, is not
/// iterable, or holds anything but `str` and `bytes`.
pub(crate) fn read_all<'py>(values: &Bound<'py, PyAny>) -> PyResult<Vec<Doc<'py>>> {
    if values.is_instance_of::<PyString>() || values.is_instance_of::<PyBytes>() {
        return Err(PyTypeError::new_err(
            "a batch is a list of documents, not one str or bytes: use dedup() for one document",
        ));
    }
    let iter = values.try_iter().map_err(|_| {
        PyTypeError::new_err(format!(
            "a batch is a list (or any iterable) of str or bytes, not {}",
            type_name(values)
        ))
    })?;
    let mut docs = Vec::with_capacity(values.len().unwrap_or(0));
    for (i, value) in iter.enumerate() {
        docs.push(Doc::read(&value?, Some(i))?);
    }
    Ok(docs)
}
