//! The Rust steps of `textdedup.ray`: fingerprint a block of a JSON Lines
//! shard into key rows, resolve a group of key rows into later copies,
//! apply later copies to a block. Rows travel as pyarrow record batches;
//! every step releases the GIL.

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::{ArrayRef, Int64Array, RecordBatch, StringArray};
use arrow_pyarrow::{FromPyArrow, ToPyArrow};
use arrow_schema::{ArrowError, Field, Schema};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use textdedup::phases::arrow::{
    key_rows_from_batch, key_rows_to_batch, later_copies_from_batch, later_copies_to_batch,
};
use textdedup::phases::{resolve, KeyRow, LaterCopy};
use textdedup::{
    chunk, paragraph, passage, DocId, DocReport, Origin, Removal, RemovalsError, Scope,
};

use crate::deduper::Deduper;
use crate::options::Mode;
use crate::rows::Rows;
use crate::shards::Block;

/// An Arrow error as a `ValueError`.
pub(crate) fn arrow_error(e: ArrowError) -> PyErr {
    PyValueError::new_err(e.to_string())
}

/// The fingerprint and apply phases of one mode.
pub(crate) enum Phases {
    /// Paragraph mode.
    Paragraph(paragraph::Deduper),
    /// Chunk mode.
    Chunk(Box<chunk::Deduper>),
    /// Passage mode: within each document ([`Scope::Document`]), no key
    /// rows, and the apply phase scans each document on its own; across
    /// documents, the removals come from `textdedup.ray`'s passage phases
    /// ([`crate::passage_ray`]) as later copies.
    Passage(Box<passage::Deduper>),
}

impl Phases {
    /// The phases of `deduper`'s mode and settings; `ValueError` for a mode
    /// without them.
    fn of(deduper: &Deduper) -> PyResult<Phases> {
        let settings = deduper.settings();
        match settings.mode {
            Mode::Paragraph => Ok(Phases::Paragraph(settings.paragraph()?)),
            Mode::Chunk => Ok(Phases::Chunk(Box::new(settings.chunk()?))),
            Mode::Passage => Ok(Phases::Passage(Box::new(settings.passage()?))),
        }
    }

    /// Whether a document without later copies is kept whole, rather than
    /// scanned on its own (passage mode within documents).
    pub(crate) fn only_copies_change(&self) -> bool {
        !matches!(self, Phases::Passage(d) if d.config().get_scope() == Scope::Document)
    }

    /// The configured scope.
    fn scope(&self) -> Scope {
        match self {
            Phases::Paragraph(d) => d.config().get_scope(),
            Phases::Chunk(d) => d.config().get_scope(),
            Phases::Passage(d) => d.config().get_scope(),
        }
    }

    /// The fingerprint phase for one document.
    pub(crate) fn fingerprint(&self, doc: u64, text: &[u8], out: &mut Vec<KeyRow>) {
        match self {
            Phases::Paragraph(d) => d.fingerprint(doc, text, out),
            Phases::Chunk(d) => d.fingerprint(doc, text, out),
            Phases::Passage(_) => 0,
        };
    }

    /// The apply phase for one document.
    pub(crate) fn apply<'t>(
        &self,
        doc: u64,
        text: &'t [u8],
        copies: &[LaterCopy],
    ) -> Result<DocReport<'t>, RemovalsError> {
        match self {
            Phases::Paragraph(d) => d.apply(doc, text, copies),
            Phases::Chunk(d) => d.apply(doc, text, copies),
            Phases::Passage(d) if d.config().get_scope() == Scope::Document => within(d, doc, text),
            Phases::Passage(_) => {
                let removals = copies
                    .iter()
                    .map(|c| Removal::new(c.span, c.first))
                    .collect();
                DocReport::from_removals(text, DocId::new(doc), removals)
            }
        }
    }
}

/// The repeats within document `doc` on its own, as the command line
/// reports them under `--scope document`: each first copy is in `doc`.
fn within<'t>(
    deduper: &passage::Deduper,
    doc: u64,
    text: &'t [u8],
) -> Result<DocReport<'t>, RemovalsError> {
    let id = DocId::new(doc);
    let removals = deduper
        .dedup(text)
        .removals()
        .iter()
        .map(|r| {
            Removal::new(
                r.span(),
                Origin::new(id, r.first().start(), r.first().end()),
            )
        })
        .collect();
    DocReport::from_removals(text, id, removals)
}

/// `batch` with the string column `name` added.
fn with_strings(batch: RecordBatch, name: &str, values: Vec<String>) -> PyResult<RecordBatch> {
    with_column(batch, name, Arc::new(StringArray::from(values)))
}

/// `batch` with the column `name` added.
pub(crate) fn with_column(
    batch: RecordBatch,
    name: &str,
    values: ArrayRef,
) -> PyResult<RecordBatch> {
    let mut fields: Vec<Field> = batch
        .schema()
        .fields()
        .iter()
        .map(|f| f.as_ref().clone())
        .collect();
    fields.push(Field::new(name, values.data_type().clone(), false));
    let mut columns: Vec<ArrayRef> = batch.columns().to_vec();
    columns.push(values);
    RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).map_err(arrow_error)
}

/// A key row's partition key: its key's top 63 bits, a non-negative
/// `int64` (Ray Data sorts and cuts numeric columns at given boundaries,
/// and every row of a key gets the same value).
fn partition_key(row: &KeyRow) -> i64 {
    (row.key >> 65) as i64
}

/// The string column `name` of `batch`, if it has one.
fn strings(batch: &RecordBatch, name: &str) -> PyResult<Option<Vec<String>>> {
    let Some(column) = batch.column_by_name(name) else {
        return Ok(None);
    };
    let column = column
        .as_string_opt::<i32>()
        .map(|c| c.iter().map(|s| s.unwrap_or("").to_owned()).collect())
        .or_else(|| {
            column
                .as_string_opt::<i64>()
                .map(|c| c.iter().map(|s| s.unwrap_or("").to_owned()).collect())
        })
        .ok_or_else(|| PyValueError::new_err(format!("column `{name}` is not a string")))?;
    Ok(Some(column))
}

/// The fingerprint phase over one block: a pyarrow record batch of key
/// rows (`key`, `doc`, `start`, `end`, and `name`, the document's name as
/// JSON, when `names`).
#[pyfunction]
#[pyo3(signature = (deduper, data, file, first_line, path, text_field, id_field, names, skip_bad=false))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn ray_fingerprint<'py>(
    py: Python<'py>,
    deduper: &Bound<'py, Deduper>,
    data: &[u8],
    file: u64,
    first_line: u64,
    path: &str,
    text_field: &str,
    id_field: &str,
    names: bool,
    skip_bad: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let phases = Phases::of(deduper.get())?;
    let block = Block {
        data,
        file,
        first_line,
        path,
        text_field,
        id_field,
        skip_bad,
    };
    let (rows, row_names) = py
        .detach(|| block.fingerprint(&phases, names))
        .map_err(PyValueError::new_err)?;
    key_rows_to_pyarrow(py, &rows, names.then_some(row_names))
}

/// The resolve phase over the record batches `batches`, which hold every
/// key row of each of their keys: a pyarrow record batch of the later
/// copies, sorted by document and start, with `first_name` when the rows
/// have names.
#[pyfunction]
pub(crate) fn ray_resolve<'py>(
    py: Python<'py>,
    deduper: &Bound<'py, Deduper>,
    batches: Vec<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let scope = Phases::of(deduper.get())?.scope();
    let mut rows: Vec<KeyRow> = Vec::new();
    let mut names: Option<HashMap<u64, String>> = None;
    for batch in &batches {
        let batch = RecordBatch::from_pyarrow_bound(batch)?;
        let start = rows.len();
        rows.extend(key_rows_from_batch(&batch).map_err(arrow_error)?);
        if let Some(column) = strings(&batch, "name")? {
            let map = names.get_or_insert_with(HashMap::new);
            for (row, name) in rows[start..].iter().zip(column) {
                map.entry(row.doc).or_insert(name);
            }
        }
    }
    let copies = py.detach(|| {
        let mut copies: Vec<LaterCopy> = Vec::new();
        resolve(&mut rows, scope, &mut copies);
        copies
    });
    let batch = later_copies_to_batch(&copies);
    let batch = match names {
        Some(names) => {
            let first: Vec<String> = copies
                .iter()
                .map(|c| {
                    names
                        .get(&c.first.doc().index())
                        .cloned()
                        .unwrap_or_default()
                })
                .collect();
            with_strings(batch, "first_name", first)?
        }
        None => batch,
    };
    batch.to_pyarrow(py)
}

/// What an apply step returns to Python: its output, and the number of
/// bad records it passed through with the first few messages.
type Applied<'py, T> = (Bound<'py, T>, u64, Vec<String>);

/// The apply phase over one block: its lines cleaned, or (`find`) its
/// report rows, given the later copies of its documents as pyarrow record
/// batches (any order; `first_name` needed for `find`); with the bad
/// records it passed through (`skip_bad`).
#[pyfunction]
#[pyo3(signature = (deduper, data, file, first_line, path, text_field, id_field, copies, find, skip_bad=false))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn ray_apply<'py>(
    py: Python<'py>,
    deduper: &Bound<'py, Deduper>,
    data: &[u8],
    file: u64,
    first_line: u64,
    path: &str,
    text_field: &str,
    id_field: &str,
    copies: Vec<Bound<'py, PyAny>>,
    find: bool,
    skip_bad: bool,
) -> PyResult<Applied<'py, PyBytes>> {
    let phases = Phases::of(deduper.get())?;
    let (mut all, first_names) = read_copies(&copies)?;
    let block = Block {
        data,
        file,
        first_line,
        path,
        text_field,
        id_field,
        skip_bad,
    };
    let pool = deduper.get().pool().get()?;
    let (out, skipped) = py
        .detach(|| {
            in_order(&mut all);
            pool.install(|| block.apply(&phases, &all, &first_names, find))
        })
        .map_err(PyValueError::new_err)?;
    Ok((PyBytes::new(py, &out), skipped.count, skipped.told))
}

/// Sorts later copies by document and start, and drops a copy given twice
/// (a step of the run done again after a failure wrote its rows again).
fn in_order(copies: &mut Vec<LaterCopy>) {
    // `Span` and `Origin` order by their fields: start, then end.
    copies.sort_unstable_by_key(|c| (c.doc, c.span, c.first));
    copies.dedup();
}

/// The later copies in the record batches `copies` (in their order), and
/// the names of their first copies' documents when the batches have them.
fn read_copies(copies: &[Bound<'_, PyAny>]) -> PyResult<(Vec<LaterCopy>, HashMap<u64, String>)> {
    let mut all: Vec<LaterCopy> = Vec::new();
    let mut first_names = HashMap::new();
    for batch in copies {
        let batch = RecordBatch::from_pyarrow_bound(batch)?;
        let start = all.len();
        all.extend(later_copies_from_batch(&batch).map_err(arrow_error)?);
        if let Some(column) = strings(&batch, "first_name")? {
            for (copy, name) in all[start..].iter().zip(column) {
                first_names.entry(copy.first.doc().index()).or_insert(name);
            }
        }
    }
    Ok((all, first_names))
}

/// The fingerprint phase over a block of Parquet rows: a record batch
/// `rows` whose `text_field` column is `large_binary`, the first of them
/// row `first_row` (from 0) of shard `file`, or (`key_field`) rows whose
/// document keys are that `uint64` column. Key rows as [`ray_fingerprint`]
/// gives them.
#[pyfunction]
#[pyo3(signature = (deduper, rows, file, first_row, path, text_field, id_field, names, key_field=None, skip_bad=false))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn ray_fingerprint_rows<'py>(
    py: Python<'py>,
    deduper: &Bound<'py, Deduper>,
    rows: &Bound<'py, PyAny>,
    file: u64,
    first_row: u64,
    path: &str,
    text_field: &str,
    id_field: &str,
    names: bool,
    key_field: Option<&str>,
    skip_bad: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let phases = Phases::of(deduper.get())?;
    let batch = RecordBatch::from_pyarrow_bound(rows)?;
    let block = Rows::new(
        &batch, file, first_row, path, text_field, id_field, key_field, skip_bad,
    )
    .map_err(PyValueError::new_err)?;
    let (rows, row_names) = py
        .detach(|| block.fingerprint(&phases, names))
        .map_err(PyValueError::new_err)?;
    key_rows_to_pyarrow(py, &rows, names.then_some(row_names))
}

/// The apply phase over a block of Parquet rows (as for
/// [`ray_fingerprint_rows`]): the new text column (`large_binary`) for
/// `clean`, or the report rows (bytes) for `find`; with the null texts it
/// passed through (`skip_bad`).
#[pyfunction]
#[pyo3(signature = (deduper, rows, file, first_row, path, text_field, id_field, copies, find, key_field=None, skip_bad=false))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn ray_apply_rows<'py>(
    py: Python<'py>,
    deduper: &Bound<'py, Deduper>,
    rows: &Bound<'py, PyAny>,
    file: u64,
    first_row: u64,
    path: &str,
    text_field: &str,
    id_field: &str,
    copies: Vec<Bound<'py, PyAny>>,
    find: bool,
    key_field: Option<&str>,
    skip_bad: bool,
) -> PyResult<Applied<'py, PyAny>> {
    let phases = Phases::of(deduper.get())?;
    let (mut all, first_names) = read_copies(&copies)?;
    let batch = RecordBatch::from_pyarrow_bound(rows)?;
    let block = Rows::new(
        &batch, file, first_row, path, text_field, id_field, key_field, skip_bad,
    )
    .map_err(PyValueError::new_err)?;
    in_order(&mut all);
    let pool = deduper.get().pool().get()?;
    let (out, skipped) = if find {
        let (out, skipped) = py
            .detach(|| pool.install(|| block.find(&phases, &all, &first_names)))
            .map_err(PyValueError::new_err)?;
        (PyBytes::new(py, &out).into_any(), skipped)
    } else {
        let (column, skipped) = py
            .detach(|| pool.install(|| block.clean(&phases, &all)))
            .map_err(PyValueError::new_err)?;
        (column.to_data().to_pyarrow(py)?, skipped)
    };
    Ok((out, skipped.count, skipped.told))
}

/// The key rows as a pyarrow record batch, with their partition keys
/// (`part`, see [`partition_key`]) and a `name` column when the rows carry
/// their documents' names.
fn key_rows_to_pyarrow<'py>(
    py: Python<'py>,
    rows: &[KeyRow],
    names: Option<Vec<String>>,
) -> PyResult<Bound<'py, PyAny>> {
    let parts = Int64Array::from_iter_values(rows.iter().map(partition_key));
    let batch = with_column(key_rows_to_batch(rows), "part", Arc::new(parts))?;
    let batch = match names {
        Some(names) => with_strings(batch, "name", names)?,
        None => batch,
    };
    batch.to_pyarrow(py)
}

#[cfg(test)]
mod tests {
    use super::*;
    use textdedup::{DocId, Origin, Span};

    #[test]
    fn copies_given_twice_count_once() {
        let copy = |doc, start, end, first: u64| LaterCopy {
            doc,
            span: Span::new(start, end),
            first: Origin::new(DocId::new(first), 0, end - start),
        };
        let (a, b, c) = (copy(5, 10, 20, 1), copy(5, 0, 4, 2), copy(3, 7, 9, 1));
        let mut all = vec![a, b, a, c, b];
        in_order(&mut all);
        assert_eq!(all, vec![c, b, a]);
    }
}
