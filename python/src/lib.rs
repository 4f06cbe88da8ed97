//! Python bindings of [`textdedup`]: the `textdedup._textdedup` extension
//! module, re-exported by the `textdedup` package.
//!
//! The bindings are written once over the library's `Dedup` trait
//! ([`engine`]); a mode is chosen only where its configuration is built
//! ([`options`]). Every call releases the GIL while Rust works and runs on
//! the deduper's own rayon pool ([`pool`]), rebuilt in a forked child.

#![deny(missing_docs)]

mod arrow;
mod corpus;
mod deduper;
mod engine;
mod offsets;
mod options;
mod passage_ray;
mod pool;
mod ray;
mod report;
mod rows;
mod run;
mod shards;
mod text;

use pyo3::prelude::*;

/// The extension module.
#[pymodule]
fn _textdedup(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<deduper::Deduper>()?;
    m.add_class::<corpus::Corpus>()?;
    m.add_class::<report::Report>()?;
    m.add_class::<report::Removal>()?;
    m.add_class::<report::Stats>()?;
    m.add_function(wrap_pyfunction!(deduper::dedup_str, m)?)?;
    m.add_function(wrap_pyfunction!(ray::ray_fingerprint, m)?)?;
    m.add_function(wrap_pyfunction!(ray::ray_resolve, m)?)?;
    m.add_function(wrap_pyfunction!(ray::ray_apply, m)?)?;
    m.add_function(wrap_pyfunction!(ray::ray_fingerprint_rows, m)?)?;
    m.add_function(wrap_pyfunction!(ray::ray_apply_rows, m)?)?;
    m.add_function(wrap_pyfunction!(passage_ray::ray_passage_anchors, m)?)?;
    m.add_function(wrap_pyfunction!(passage_ray::ray_passage_anchors_rows, m)?)?;
    m.add_function(wrap_pyfunction!(passage_ray::ray_passage_resolve, m)?)?;
    m.add_function(wrap_pyfunction!(passage_ray::ray_passage_gather, m)?)?;
    m.add_function(wrap_pyfunction!(passage_ray::ray_passage_anchor_bytes, m)?)?;
    m.add_function(wrap_pyfunction!(passage_ray::ray_passage_doc_rows, m)?)?;
    m.add_function(wrap_pyfunction!(passage_ray::ray_passage_apply, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
