//! One call from Python: documents in, reports out. Everything between
//! reading the documents and making the Python objects (the library's
//! work, offsets in characters, the kept text) runs without the GIL, on
//! the deduper's pool.

use std::collections::HashMap;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};
use rayon::prelude::*;

use crate::engine::{DynEngine, Found, State};
use crate::offsets::{self, CharIndex};
use crate::pool::Pool;
use crate::report::{Removal, Report};
use crate::text::{Doc, Kind};

/// The character indexes of a corpus's earlier non-ASCII `str`
/// documents, by document index: a later document's first copies may be
/// in them.
pub(crate) type Earlier = HashMap<u64, CharIndex>;

/// Where the documents of a call go.
pub(crate) enum Target<'a> {
    /// One document on its own.
    One,
    /// The next documents of a corpus; with `earlier` when the corpus
    /// keeps the indexes of its `str` documents for later calls.
    Corpus {
        /// The corpus.
        state: &'a mut State,
        /// Indexes of earlier documents, grown by this call.
        earlier: Option<&'a mut Earlier>,
    },
}

/// One document's answer in its own units, with the kept text of a `str`
/// document that lost something (a `bytes` document's kept text is
/// written straight into its Python object).
struct Converted {
    /// Removals in the document's units.
    removals: Vec<Removal>,
    /// The kept text of a `str` document with removals.
    kept: Option<String>,
}

/// Deduplicates `docs` into `target` with `engine` on `pool`.
///
/// # Errors
///
/// When the pool's threads cannot be started, or a Python object cannot be
/// made.
pub(crate) fn dedup_docs(
    py: Python<'_>,
    pool: &Pool,
    engine: &dyn DynEngine,
    target: Target<'_>,
    docs: &[Doc<'_>],
) -> PyResult<Vec<Py<Report>>> {
    let texts: Vec<&[u8]> = docs.iter().map(Doc::bytes).collect();
    let chars: Vec<bool> = docs.iter().map(|d| d.kind == Kind::Str).collect();
    let threads = pool.get()?;
    let (founds, converted, units, earlier) = match target {
        Target::One => {
            let (founds, converted, units) = py.detach(|| {
                threads.install(|| {
                    let founds: Vec<Found> = texts.iter().map(|t| engine.one(t)).collect();
                    let (converted, units) = convert(&texts, &chars, &founds, None, false);
                    (founds, converted, units)
                })
            });
            (founds, converted, units, None)
        }
        Target::Corpus { state, earlier } => {
            let earlier_ref = earlier.as_deref();
            let keep = earlier.is_some();
            let (founds, converted, units) = py.detach(|| {
                threads.install(|| {
                    let founds = engine.batch(state, &texts);
                    let (converted, units) = convert(&texts, &chars, &founds, earlier_ref, keep);
                    (founds, converted, units)
                })
            });
            (founds, converted, units, earlier)
        }
    };
    if let Some(earlier) = earlier {
        for (found, units) in founds.iter().zip(units) {
            if let Some(index) = units {
                earlier.insert(found.doc, index);
            }
        }
    }
    founds
        .into_iter()
        .zip(converted)
        .zip(docs.iter().zip(&texts))
        .map(|((found, converted), (doc, text))| {
            let kept = match converted.kept {
                _ if found.removals.is_empty() => doc.original.clone().unbind(),
                Some(kept) => PyString::new(py, &kept).into_any().unbind(),
                None => {
                    let len = text.len() - found.stats.bytes_removed as usize;
                    PyBytes::new_with(py, len, |out| {
                        write_kept(text, &found, out);
                        Ok(())
                    })?
                    .into_any()
                    .unbind()
                }
            };
            Py::new(
                py,
                Report::new(kept, found.doc, converted.removals, found.stats),
            )
        })
        .collect()
}

/// Every document's removals in its units and its kept bytes, in
/// parallel; also the documents' units, for a corpus to keep.
fn convert(
    texts: &[&[u8]],
    chars: &[bool],
    founds: &[Found],
    earlier: Option<&Earlier>,
    keep_all: bool,
) -> (Vec<Converted>, Vec<Option<CharIndex>>) {
    let base = founds.first().map_or(0, |f| f.doc);
    // The documents whose offsets are asked for: those with removals, and
    // those holding first copies; all of them when a corpus keeps them.
    let mut needed = vec![keep_all; texts.len()];
    for (i, found) in founds.iter().enumerate() {
        if !found.removals.is_empty() {
            needed[i] = true;
        }
        for r in &found.removals {
            if let Some(first) = r.first().doc().index().checked_sub(base) {
                if let Some(slot) = needed.get_mut(first as usize) {
                    *slot = true;
                }
            }
        }
    }
    let units: Vec<Option<CharIndex>> = texts
        .par_iter()
        .zip(chars)
        .zip(needed)
        .map(|((text, &chars), needed)| offsets::index_of(text, chars && needed))
        .collect();
    let index_of = |doc: u64| -> Option<&CharIndex> {
        if doc >= base {
            units.get((doc - base) as usize)?.as_ref()
        } else {
            earlier?.get(&doc)
        }
    };
    let converted = founds
        .par_iter()
        .zip(texts)
        .enumerate()
        .map(|(i, (found, text))| {
            let own = units[i].as_ref();
            let removals = found
                .removals
                .iter()
                .map(|r| {
                    let first = r.first();
                    let theirs = index_of(first.doc().index());
                    Removal {
                        start: offsets::convert(own, r.span().start),
                        end: offsets::convert(own, r.span().end),
                        first_doc: first.doc().index(),
                        first_start: offsets::convert(theirs, first.start()),
                        first_end: offsets::convert(theirs, first.end()),
                    }
                })
                .collect();
            let kept = (chars[i] && !found.removals.is_empty()).then(|| {
                String::from_utf8(kept_bytes(text, found))
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
            });
            Converted { removals, kept }
        })
        .collect();
    (converted, units)
}

/// `text` without the removed spans of `found`.
pub(crate) fn kept_bytes(text: &[u8], found: &Found) -> Vec<u8> {
    let mut out = vec![0; text.len() - found.stats.bytes_removed as usize];
    write_kept(text, found, &mut out);
    out
}

/// Writes `text` without the removed spans of `found` into `out`, which
/// has exactly the kept length.
pub(crate) fn write_kept(text: &[u8], found: &Found, out: &mut [u8]) {
    let mut at = 0;
    let mut pos = 0;
    for r in &found.removals {
        let piece = &text[pos..r.span().start];
        out[at..at + piece.len()].copy_from_slice(piece);
        at += piece.len();
        pos = r.span().end;
    }
    out[at..].copy_from_slice(&text[pos..]);
}
