//! The Rust steps of `textdedup.ray`'s passage mode across documents
//! (`textdedup::passage::phases`): anchor rows and document rows of a
//! block; the resolve step of a group of table lists; the two joins that
//! bring each document together with the earlier documents it needs and
//! match it. Rows travel as pyarrow record batches; every step releases the
//! GIL.
//!
//! The joins' rows share one schema ([`JoinRows`], built here only, the
//! document rows too: [`ray_passage_doc_rows`]): a group key `g` (the
//! document the row goes to), a `kind`, and the columns that kind uses;
//! Python adds the partition key of `g` before each join.

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::builder::{LargeBinaryBuilder, StringBuilder};
use arrow_array::cast::AsArray;
use arrow_array::types::{UInt64Type, UInt8Type};
use arrow_array::{ArrayRef, Int64Array, RecordBatch, UInt64Array, UInt8Array};
use arrow_pyarrow::{FromPyArrow, ToPyArrow};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use textdedup::passage::phases::{earlier_ranges, AnchorRow, EarlierDoc, ListCount, StoredEntry};
use textdedup::phases::arrow::later_copies_to_batch;
use textdedup::phases::LaterCopy;

use crate::deduper::Deduper;
use crate::ray::{arrow_error, with_column};
use crate::rows::Rows;
use crate::shards::Block;

/// A document row: document `g`'s global `start`, `text` and `name`.
const DOC: u8 = 0;
/// A need row: document `other`, of `start` bytes, may match the entry
/// (in `entries`) of document `g`.
const NEED: u8 = 2;
/// An earlier row: document `g` needs the part of document `other` (global
/// `start`, `name`) from offset `from`, whose bytes (`text`) and entries
/// the row holds.
const EARLIER: u8 = 3;
/// A count row: how many entries a table list holds when document `g`
/// starts (`entries`: the list's hash and the count, 8 bytes each).
const COUNT: u8 = 4;

/// Bytes of one packed entry: position, key, and whether it is a window.
const ENTRY_BYTES: usize = 17;

/// The passage deduper of `deduper`'s settings.
fn passage_of(deduper: &Deduper) -> PyResult<textdedup::passage::Deduper> {
    deduper.settings().passage()
}

/// One join row's values (each kind uses some, see above).
#[derive(Clone, Copy, Default)]
struct Row<'a> {
    g: u64,
    kind: u8,
    other: u64,
    start: u64,
    from: u64,
    text: &'a [u8],
    entries: &'a [u8],
    name: &'a str,
}

/// Rows of the joins' schema, built up.
#[derive(Default)]
struct JoinRows {
    g: Vec<u64>,
    kind: Vec<u8>,
    other: Vec<u64>,
    start: Vec<u64>,
    from: Vec<u64>,
    text: LargeBinaryBuilder,
    entries: LargeBinaryBuilder,
    name: StringBuilder,
}

impl JoinRows {
    /// Appends a row.
    fn push(&mut self, row: Row<'_>) {
        self.g.push(row.g);
        self.kind.push(row.kind);
        self.other.push(row.other);
        self.start.push(row.start);
        self.from.push(row.from);
        self.text.append_value(row.text);
        self.entries.append_value(row.entries);
        self.name.append_value(row.name);
    }

    /// The rows as a record batch.
    fn finish(mut self) -> PyResult<RecordBatch> {
        let columns: Vec<(&str, ArrayRef)> = vec![
            ("g", Arc::new(UInt64Array::from(self.g))),
            ("kind", Arc::new(UInt8Array::from(self.kind))),
            ("other", Arc::new(UInt64Array::from(self.other))),
            ("start", Arc::new(UInt64Array::from(self.start))),
            ("from", Arc::new(UInt64Array::from(self.from))),
            ("text", Arc::new(self.text.finish())),
            ("entries", Arc::new(self.entries.finish())),
            ("name", Arc::new(self.name.finish())),
        ];
        RecordBatch::try_from_iter(columns).map_err(arrow_error)
    }
}

/// The join rows of `batch` (of [`JoinRows`]'s schema), as slices.
struct JoinView<'a> {
    g: &'a [u64],
    kind: &'a [u8],
    other: &'a [u64],
    start: &'a [u64],
    from: &'a [u64],
    text: &'a arrow_array::LargeBinaryArray,
    entries: &'a arrow_array::LargeBinaryArray,
    name: &'a arrow_array::StringArray,
}

/// Column `name` of `batch` as `cast` reads it; an error naming `rows`
/// (what the batch holds) and the column when it is missing or of another
/// type.
fn column<'b, T>(
    batch: &'b RecordBatch,
    rows: &str,
    name: &str,
    cast: impl FnOnce(&'b ArrayRef) -> Option<T>,
) -> Result<T, String> {
    batch
        .column_by_name(name)
        .and_then(cast)
        .ok_or_else(|| format!("{rows}: no column `{name}` of the right type"))
}

impl<'a> JoinView<'a> {
    /// The columns of `batch`; `ValueError` naming one that is missing or
    /// of another type.
    fn of(batch: &'a RecordBatch) -> PyResult<JoinView<'a>> {
        let u64s = |name| {
            column(batch, "join rows", name, |c| {
                c.as_primitive_opt::<UInt64Type>().map(|a| a.values())
            })
        };
        let binary = |name| column(batch, "join rows", name, |c| c.as_binary_opt::<i64>());
        let view = || -> Result<JoinView<'a>, String> {
            Ok(JoinView {
                g: u64s("g")?,
                kind: column(batch, "join rows", "kind", |c| {
                    c.as_primitive_opt::<UInt8Type>().map(|a| a.values())
                })?,
                other: u64s("other")?,
                start: u64s("start")?,
                from: u64s("from")?,
                text: binary("text")?,
                entries: binary("entries")?,
                name: column(batch, "join rows", "name", |c| c.as_string_opt::<i32>())?,
            })
        };
        view().map_err(PyValueError::new_err)
    }
}

/// Bytes of one packed anchor of a run: position, first window, windows.
const ANCHOR_BYTES: usize = 24;

/// The anchor rows of a block as a record batch, one row per run of rows
/// that share their bytes (consecutive anchors of one k-gram): `part` (the
/// table list's bits, spread to 63), `hash`, `doc`, `doc_len`, `from`,
/// `bytes`, and `anchors` (position, first window and windows of each,
/// [`ANCHOR_BYTES`] each).
fn anchor_batch(rows: &[AnchorRow]) -> PyResult<RecordBatch> {
    let mut runs: Vec<&[AnchorRow]> = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        let shared = |r: &AnchorRow| Arc::ptr_eq(&r.bytes, &rows[i].bytes);
        let n = rows[i..].iter().take_while(|r| shared(r)).count();
        runs.push(&rows[i..i + n]);
        i += n;
    }
    let (mut bytes, mut anchors) = (LargeBinaryBuilder::new(), LargeBinaryBuilder::new());
    for run in &runs {
        bytes.append_value(&run[0].bytes);
        let packed: Vec<u8> = run
            .iter()
            .flat_map(|r| [r.pos, r.first_window, r.windows])
            .flat_map(u64::to_le_bytes)
            .collect();
        anchors.append_value(packed);
    }
    let u64s = |f: fn(&AnchorRow) -> u64| -> ArrayRef {
        Arc::new(UInt64Array::from_iter_values(
            runs.iter().map(|run| f(&run[0])),
        ))
    };
    let columns: Vec<(&str, ArrayRef)> = vec![
        (
            "part",
            Arc::new(Int64Array::from_iter_values(
                runs.iter().map(|run| (run[0].list() << 21) as i64),
            )),
        ),
        ("hash", u64s(|r| r.hash)),
        ("doc", u64s(|r| r.doc)),
        ("doc_len", u64s(|r| r.doc_len)),
        ("from", u64s(|r| r.from)),
        ("bytes", Arc::new(bytes.finish())),
        ("anchors", Arc::new(anchors.finish())),
    ];
    RecordBatch::try_from_iter(columns).map_err(arrow_error)
}

/// Phase 1 over the documents `each` gives: their anchor rows, and a row
/// per document (`doc`, `local`: its start among the block's texts, `text`,
/// `name`).
fn anchors_of(
    deduper: &textdedup::passage::Deduper,
    each: impl FnOnce(&mut dyn FnMut(u64, &[u8], String) -> Result<(), String>) -> Result<(), String>,
) -> Result<(Vec<AnchorRow>, RecordBatch), String> {
    let mut rows = Vec::new();
    let (mut docs, mut locals) = (Vec::new(), Vec::new());
    let mut texts = LargeBinaryBuilder::new();
    let mut names = StringBuilder::new();
    let mut local = 0u64;
    each(&mut |doc, text, name| {
        deduper.anchor_rows(doc, text, &mut rows);
        docs.push(doc);
        locals.push(local);
        local += text.len() as u64;
        texts.append_value(text);
        names.append_value(name);
        Ok(())
    })?;
    let columns: Vec<(&str, ArrayRef)> = vec![
        ("doc", Arc::new(UInt64Array::from(docs))),
        ("local", Arc::new(UInt64Array::from(locals))),
        ("text", Arc::new(texts.finish())),
        ("name", Arc::new(names.finish())),
    ];
    let batch = RecordBatch::try_from_iter(columns).map_err(|e| e.to_string())?;
    Ok((rows, batch))
}

/// [`anchors_of`] without the GIL: (anchor rows, document rows) as pyarrow
/// record batches.
fn anchor_batches<'py>(
    py: Python<'py>,
    deduper: &textdedup::passage::Deduper,
    each: impl FnOnce(&mut dyn FnMut(u64, &[u8], String) -> Result<(), String>) -> Result<(), String>
        + Send,
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
    let (rows, docs) = py
        .detach(|| anchors_of(deduper, each))
        .map_err(PyValueError::new_err)?;
    Ok((anchor_batch(&rows)?.to_pyarrow(py)?, docs.to_pyarrow(py)?))
}

/// Phase 1 over one block of JSON Lines: (anchor rows, document rows) as
/// pyarrow record batches.
#[pyfunction]
#[pyo3(signature = (deduper, data, file, first_line, path, text_field, id_field, skip_bad=false))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn ray_passage_anchors<'py>(
    py: Python<'py>,
    deduper: &Bound<'py, Deduper>,
    data: &[u8],
    file: u64,
    first_line: u64,
    path: &str,
    text_field: &str,
    id_field: &str,
    skip_bad: bool,
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
    let finder = passage_of(deduper.get())?;
    let block = Block {
        data,
        file,
        first_line,
        path,
        text_field,
        id_field,
        skip_bad,
    };
    anchor_batches(py, &finder, |f| block.documents(f))
}

/// Phase 1 over a block of Parquet rows (as `ray_fingerprint_rows` takes
/// them): (anchor rows, document rows).
#[pyfunction]
#[pyo3(signature = (deduper, rows, file, first_row, path, text_field, id_field, skip_bad=false))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn ray_passage_anchors_rows<'py>(
    py: Python<'py>,
    deduper: &Bound<'py, Deduper>,
    rows: &Bound<'py, PyAny>,
    file: u64,
    first_row: u64,
    path: &str,
    text_field: &str,
    id_field: &str,
    skip_bad: bool,
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
    let finder = passage_of(deduper.get())?;
    let batch = RecordBatch::from_pyarrow_bound(rows)?;
    let block = Rows::new(
        &batch, file, first_row, path, text_field, id_field, None, skip_bad,
    )
    .map_err(PyValueError::new_err)?;
    anchor_batches(py, &finder, |f| block.documents(f))
}

/// About how many bytes of anchor rows (Arrow) phase 1 gives per byte of
/// new text, for sizing the resolve step's partitions: `2 / (w + 1)`
/// anchors a byte (`w`, the winnowing window), each a row of `2 min_len`
/// bytes and about 64 of columns.
#[pyfunction]
pub(crate) fn ray_passage_anchor_bytes(deduper: &Bound<'_, Deduper>) -> PyResult<f64> {
    let finder = passage_of(deduper.get())?;
    let m = finder.config().get_min_len() as f64;
    let w = finder.anchor_window() as f64;
    Ok(2.0 * (2.0 * m + 64.0) / (w + 1.0))
}

/// Phase 2 over the anchor rows `batches`, which hold every row of each of
/// their table lists: join rows, a need row per entry a document may match
/// (to the entry's document) and a count row per document and list (to
/// the document).
#[pyfunction]
pub(crate) fn ray_passage_resolve<'py>(
    py: Python<'py>,
    deduper: &Bound<'py, Deduper>,
    batches: Vec<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let finder = passage_of(deduper.get())?;
    let mut rows: Vec<AnchorRow> = Vec::new();
    for batch in &batches {
        let batch = RecordBatch::from_pyarrow_bound(batch)?;
        let u64s = |name: &str| -> PyResult<Vec<u64>> {
            batch
                .column_by_name(name)
                .and_then(|c| c.as_primitive_opt::<UInt64Type>())
                .map(|c| c.values().to_vec())
                .ok_or_else(|| PyValueError::new_err(format!("anchor rows: no uint64 `{name}`")))
        };
        let (hash, doc) = (u64s("hash")?, u64s("doc")?);
        let (doc_len, from) = (u64s("doc_len")?, u64s("from")?);
        let binary = |name: &str| {
            batch
                .column_by_name(name)
                .and_then(|c| c.as_binary_opt::<i64>())
                .ok_or_else(|| {
                    PyValueError::new_err(format!("anchor rows: no large_binary `{name}`"))
                })
        };
        let (bytes, anchors) = (binary("bytes")?, binary("anchors")?);
        for i in 0..batch.num_rows() {
            let shared: Arc<[u8]> = Arc::from(bytes.value(i));
            for a in anchors.value(i).chunks_exact(ANCHOR_BYTES) {
                let word =
                    |at: usize| u64::from_le_bytes(a[at..at + 8].try_into().unwrap_or_default());
                rows.push(AnchorRow {
                    hash: hash[i],
                    doc: doc[i],
                    doc_len: doc_len[i],
                    pos: word(0),
                    first_window: word(8),
                    windows: word(16),
                    from: from[i],
                    bytes: Arc::clone(&shared),
                });
            }
        }
    }
    let out = py.detach(|| {
        rows.sort_unstable_by_key(AnchorRow::list);
        let mut out = JoinRows::default();
        for list in rows.chunk_by_mut(|a, b| a.list() == b.list()) {
            let needs = finder.resolve_anchors(list);
            for n in needs.earlier {
                let entry = pack(&[n.entry]);
                out.push(Row {
                    g: n.entry.doc,
                    kind: NEED,
                    other: n.doc,
                    start: n.doc_len,
                    entries: &entry,
                    ..Row::default()
                });
            }
            for c in needs.counts {
                let packed = [c.hash.to_le_bytes(), c.entries.to_le_bytes()].concat();
                out.push(Row {
                    g: c.doc,
                    kind: COUNT,
                    entries: &packed,
                    ..Row::default()
                });
            }
        }
        out
    });
    out.finish()?.to_pyarrow(py)
}

/// The document rows of the join from a block's documents as phase 1
/// wrote them (`batches`: `doc`, `local`, `text`, `name`), each starting
/// at `first_start` plus its `local` start in the global stream.
#[pyfunction]
pub(crate) fn ray_passage_doc_rows<'py>(
    py: Python<'py>,
    batches: Vec<Bound<'py, PyAny>>,
    first_start: u64,
) -> PyResult<Bound<'py, PyAny>> {
    let batches: Vec<RecordBatch> = batches
        .iter()
        .map(RecordBatch::from_pyarrow_bound)
        .collect::<PyResult<_>>()?;
    let rows = py.detach(|| {
        let mut out = JoinRows::default();
        for batch in &batches {
            let u64s = |name| {
                column(batch, "document rows", name, |c| {
                    c.as_primitive_opt::<UInt64Type>()
                })
            };
            let (doc, local) = (u64s("doc")?, u64s("local")?);
            let text = column(batch, "document rows", "text", |c| c.as_binary_opt::<i64>())?;
            let name = column(batch, "document rows", "name", |c| c.as_string_opt::<i32>())?;
            for i in 0..batch.num_rows() {
                out.push(Row {
                    g: doc.value(i),
                    kind: DOC,
                    start: first_start + local.value(i),
                    text: text.value(i),
                    name: name.value(i),
                    ..Row::default()
                });
            }
        }
        Ok::<_, String>(out)
    });
    rows.map_err(PyValueError::new_err)?
        .finish()?
        .to_pyarrow(py)
}

/// Entries packed as [`ENTRY_BYTES`] each.
fn pack(entries: &[StoredEntry]) -> Vec<u8> {
    let mut out = Vec::with_capacity(entries.len() * ENTRY_BYTES);
    for e in entries {
        out.extend_from_slice(&e.pos.to_le_bytes());
        out.extend_from_slice(&e.key.to_le_bytes());
        out.push(u8::from(e.window));
    }
    out
}

/// The entries of document `doc` packed in `bytes`.
fn unpack(doc: u64, bytes: &[u8]) -> Vec<StoredEntry> {
    bytes
        .chunks_exact(ENTRY_BYTES)
        .map(|c| StoredEntry {
            doc,
            pos: u64::from_le_bytes(c[..8].try_into().unwrap_or_default()),
            key: u64::from_le_bytes(c[8..16].try_into().unwrap_or_default()),
            window: c[16] != 0,
        })
        .collect()
}

/// The first join, over join rows `batches` that hold every row of their
/// groups: for each document, its document row goes on (to itself), and
/// to each document that may match its entries, an earlier row per part
/// of it that document can reach ([`earlier_ranges`]), with the entries
/// in the part.
#[pyfunction]
pub(crate) fn ray_passage_gather<'py>(
    py: Python<'py>,
    batches: Vec<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let batches: Vec<RecordBatch> = batches
        .iter()
        .map(RecordBatch::from_pyarrow_bound)
        .collect::<PyResult<_>>()?;
    let views: Vec<JoinView<'_>> = batches.iter().map(JoinView::of).collect::<PyResult<_>>()?;
    let out = py.detach(|| {
        // Per document: (batch, row) of its document row, and per document
        // that needs it, its length and the entries it may match.
        let mut docs: HashMap<u64, (usize, usize)> = HashMap::new();
        let mut needed: HashMap<u64, HashMap<u64, (u64, Vec<StoredEntry>)>> = HashMap::new();
        let mut out = JoinRows::default();
        for (b, v) in views.iter().enumerate() {
            for i in 0..v.g.len() {
                match v.kind[i] {
                    DOC => {
                        docs.insert(v.g[i], (b, i));
                    }
                    NEED => {
                        let by = needed.entry(v.g[i]).or_default();
                        let (_, entries) = by.entry(v.other[i]).or_insert((v.start[i], Vec::new()));
                        entries.extend(unpack(v.g[i], v.entries.value(i)));
                    }
                    // Already with its document.
                    COUNT => out.push(Row {
                        g: v.g[i],
                        kind: COUNT,
                        entries: v.entries.value(i),
                        ..Row::default()
                    }),
                    _ => {}
                }
            }
        }
        let mut keys: Vec<u64> = docs.keys().copied().collect();
        keys.sort_unstable();
        for doc in keys {
            let (b, i) = docs[&doc];
            let v = &views[b];
            let (start, text, name) = (v.start[i], v.text.value(i), v.name.value(i));
            out.push(Row {
                g: doc,
                kind: DOC,
                start,
                text,
                name,
                ..Row::default()
            });
            let Some(by) = needed.get_mut(&doc) else {
                continue;
            };
            let mut needers: Vec<_> = by.iter_mut().collect();
            needers.sort_unstable_by_key(|(d, _)| **d);
            for (&d, (doc_len, entries)) in needers {
                // In position order (all of one document): each range
                // holds the next entries, up to its end.
                entries.sort_unstable();
                entries.dedup();
                let mut rest = &entries[..];
                for (lo, hi) in earlier_ranges(*doc_len, text.len() as u64, rest) {
                    let (held, after) = rest.split_at(rest.partition_point(|e| e.pos < hi));
                    rest = after;
                    out.push(Row {
                        g: d,
                        kind: EARLIER,
                        other: doc,
                        start,
                        from: lo,
                        text: &text[lo as usize..hi as usize],
                        entries: &pack(held),
                        name,
                    });
                }
            }
        }
        out
    });
    out.finish()?.to_pyarrow(py)
}

/// The second join, over join rows `batches` that hold every row of their
/// groups: each document matched against the earlier documents it needs.
/// Returns its later copies (sorted by document and start, with
/// `first_name`), and the windows refused and their bytes.
#[pyfunction]
pub(crate) fn ray_passage_apply<'py>(
    py: Python<'py>,
    deduper: &Bound<'py, Deduper>,
    batches: Vec<Bound<'py, PyAny>>,
) -> PyResult<(Bound<'py, PyAny>, u64, u64)> {
    let finder = passage_of(deduper.get())?;
    let pool = deduper.get().pool().get()?;
    let batches: Vec<RecordBatch> = batches
        .iter()
        .map(RecordBatch::from_pyarrow_bound)
        .collect::<PyResult<_>>()?;
    let views: Vec<JoinView<'_>> = batches.iter().map(JoinView::of).collect::<PyResult<_>>()?;
    let (copies, names, refused) = py
        .detach(|| {
            let mut own: HashMap<u64, (usize, usize)> = HashMap::new();
            let mut earlier: HashMap<u64, Vec<(usize, usize)>> = HashMap::new();
            let mut counts: HashMap<u64, Vec<ListCount>> = HashMap::new();
            for (b, v) in views.iter().enumerate() {
                for i in 0..v.g.len() {
                    match v.kind[i] {
                        DOC => {
                            own.insert(v.g[i], (b, i));
                        }
                        EARLIER => earlier.entry(v.g[i]).or_default().push((b, i)),
                        COUNT => {
                            let packed = v.entries.value(i);
                            let word = |at: usize| {
                                packed
                                    .get(at..at + 8)
                                    .and_then(|w| w.try_into().ok())
                                    .map_or(0, u64::from_le_bytes)
                            };
                            counts.entry(v.g[i]).or_default().push(ListCount {
                                doc: v.g[i],
                                hash: word(0),
                                entries: word(8),
                            });
                        }
                        _ => {}
                    }
                }
            }
            let mut keys: Vec<u64> = own.keys().copied().collect();
            keys.sort_unstable();
            let (mut copies, mut names) = (Vec::new(), Vec::new());
            let mut refused = (0, 0);
            for doc in keys {
                let (b, i) = own[&doc];
                let v = &views[b];
                let rows = earlier.get(&doc).map_or(&[][..], Vec::as_slice);
                let unpacked: Vec<Vec<StoredEntry>> = rows
                    .iter()
                    .map(|&(b, i)| unpack(views[b].other[i], views[b].entries.value(i)))
                    .collect();
                let docs: Vec<EarlierDoc<'_>> = rows
                    .iter()
                    .zip(&unpacked)
                    .map(|(&(b, i), stored)| EarlierDoc {
                        doc: views[b].other[i],
                        start: views[b].start[i],
                        from: views[b].from[i],
                        text: views[b].text.value(i),
                        stored,
                    })
                    .collect();
                let name_of: HashMap<u64, &str> = rows
                    .iter()
                    .map(|&(b, i)| (views[b].other[i], views[b].name.value(i)))
                    .chain([(doc, v.name.value(i))])
                    .collect();
                let list_counts = counts.get(&doc).map_or(&[][..], Vec::as_slice);
                let applied = pool.install(|| {
                    finder.apply_with(doc, v.start[i], v.text.value(i), &docs, list_counts)
                });
                refused.0 += applied.refused_anchors;
                refused.1 += applied.refused_bytes;
                for r in applied.report.removals() {
                    let first = r.first();
                    let name = name_of.get(&first.doc().index()).ok_or_else(|| {
                        format!("no name for the document of key {}", first.doc().index())
                    })?;
                    names.push(name.to_string());
                    copies.push(LaterCopy {
                        doc,
                        span: r.span(),
                        first,
                    });
                }
            }
            Ok::<_, String>((copies, names, refused))
        })
        .map_err(PyValueError::new_err)?;
    let batch = later_copies_to_batch(&copies);
    let names: ArrayRef = Arc::new(arrow_array::StringArray::from(names));
    let batch = with_column(batch, "first_name", names)?;
    Ok((batch.to_pyarrow(py)?, refused.0, refused.1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_pack_and_unpack() {
        let entries = [
            StoredEntry {
                doc: 7,
                pos: 3,
                key: u64::MAX,
                window: true,
            },
            StoredEntry {
                doc: 7,
                pos: 1 << 40,
                key: 12,
                window: false,
            },
        ];
        assert_eq!(unpack(7, &pack(&entries)), entries);
        assert!(unpack(7, &[1, 2, 3]).is_empty());
    }
}
