//! `dedup_arrow`: a pyarrow string or binary array in, a pyarrow table out,
//! through the Arrow C data interface (`arrow-pyarrow`), with no Python
//! object per document.
//!
//! The input's buffers are read in place. The output has one row per
//! input element: `kept` (the input's type; null where the input is
//! null), `removals` (a list of `{start, end, first_doc, first_start,
//! first_end}`, offsets in bytes of the UTF-8 text) and `bytes_removed`.
//! A null element counts as an empty document, so document indices are
//! row indices (from the corpus's first row). The table is made of record
//! batches of about 8 MiB of input each.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{ByteArrayType, GenericBinaryType, GenericStringType};
use arrow_array::{
    make_array, Array, ArrayRef, GenericByteArray, Int64Array, ListArray, RecordBatch, StructArray,
};
use arrow_buffer::{Buffer, OffsetBuffer, ScalarBuffer};
use arrow_data::ArrayData;
use arrow_pyarrow::{FromPyArrow, ToPyArrow};
use arrow_schema::{ArrowError, DataType, Field, Fields, Schema, SchemaRef};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::PyList;
use rayon::prelude::*;

use crate::engine::{DynEngine, Found, State};
use crate::options::type_name;
use crate::pool::Pool;
use crate::run::kept_bytes;

/// The names of a removal's fields, in order.
const REMOVAL_FIELDS: [&str; 5] = ["start", "end", "first_doc", "first_start", "first_end"];

/// Deduplicates the elements of `array` as the next documents of `state`.
///
/// # Errors
///
/// `TypeError` for anything but a pyarrow (chunked) array of `string`,
/// `large_string`, `binary` or `large_binary`; `ValueError` for an array
/// the Arrow library rejects.
pub(crate) fn dedup_arrow<'py>(
    py: Python<'py>,
    pool: &Pool,
    engine: &dyn DynEngine,
    state: &mut State,
    array: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let arrays = import(array)?;
    let data_type = match arrays.first() {
        Some(first) => first.data_type().clone(),
        None => chunked_type(array)?,
    };
    match data_type {
        DataType::Utf8 => run::<GenericStringType<i32>>(py, pool, engine, state, &arrays),
        DataType::LargeUtf8 => run::<GenericStringType<i64>>(py, pool, engine, state, &arrays),
        DataType::Binary => run::<GenericBinaryType<i32>>(py, pool, engine, state, &arrays),
        DataType::LargeBinary => run::<GenericBinaryType<i64>>(py, pool, engine, state, &arrays),
        other => Err(PyTypeError::new_err(format!(
            "dedup_arrow takes an array of string, large_string, binary or large_binary, not {other}"
        ))),
    }
}

/// The arrays of a pyarrow `Array` (one) or `ChunkedArray` (its chunks).
fn import(array: &Bound<'_, PyAny>) -> PyResult<Vec<ArrayRef>> {
    let one = |a: &Bound<'_, PyAny>| -> PyResult<ArrayRef> {
        Ok(make_array(ArrayData::from_pyarrow_bound(a)?))
    };
    let py = array.py();
    if array.hasattr(intern!(py, "__arrow_c_array__"))? {
        return Ok(vec![one(array)?]);
    }
    if array.hasattr(intern!(py, "__arrow_c_stream__"))? && array.hasattr(intern!(py, "chunks"))? {
        let chunks = array.getattr(intern!(py, "chunks"))?;
        return chunks.try_iter()?.map(|c| one(&c?)).collect();
    }
    Err(PyTypeError::new_err(format!(
        "dedup_arrow takes a pyarrow Array or ChunkedArray (anything with __arrow_c_array__), not {}",
        type_name(array)
    )))
}

/// The type of a chunked array without chunks.
fn chunked_type(array: &Bound<'_, PyAny>) -> PyResult<DataType> {
    DataType::from_pyarrow_bound(&array.getattr(intern!(array.py(), "type"))?)
}

/// An Arrow error as a `ValueError`.
fn arrow_error(e: ArrowError) -> PyErr {
    PyValueError::new_err(e.to_string())
}

/// The output's schema for `kept` of type `T`.
fn schema<T: ByteArrayType>() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("kept", T::DATA_TYPE, true),
        Field::new("removals", DataType::List(removal_item()), false),
        Field::new("bytes_removed", DataType::Int64, false),
    ]))
}

/// The list item of `removals`.
fn removal_item() -> Arc<Field> {
    Arc::new(Field::new(
        "item",
        DataType::Struct(removal_fields()),
        false,
    ))
}

/// The fields of one removal.
fn removal_fields() -> Fields {
    REMOVAL_FIELDS
        .iter()
        .map(|name| Field::new(*name, DataType::Int64, false))
        .collect()
}

/// Deduplicates arrays of type `T`, then hands the table to pyarrow.
fn run<'py, T: ByteArrayType>(
    py: Python<'py>,
    pool: &Pool,
    engine: &dyn DynEngine,
    state: &mut State,
    arrays: &[ArrayRef],
) -> PyResult<Bound<'py, PyAny>> {
    let typed: Vec<&GenericByteArray<T>> = arrays.iter().map(|a| a.as_bytes::<T>()).collect();
    let texts: Vec<&[u8]> = typed
        .iter()
        .flat_map(|a| {
            (0..a.len()).map(move |i| {
                if a.is_null(i) {
                    &[][..]
                } else {
                    a.value(i).as_ref()
                }
            })
        })
        .collect();
    let schema = schema::<T>();
    let threads = pool.get()?;
    let batches = py
        .detach(|| {
            threads.install(|| {
                let founds = engine.batch(state, &texts);
                let mut pieces = Vec::new();
                let mut start = 0;
                for array in &typed {
                    for rows in row_ranges(&texts[start..start + array.len()]) {
                        let slice = GenericByteArray::<T>::slice(array, rows.start, rows.len());
                        pieces.push((slice, start + rows.start..start + rows.end));
                    }
                    start += array.len();
                }
                pieces
                    .into_par_iter()
                    .map(|(slice, range)| {
                        batch(
                            &slice,
                            &texts[range.clone()],
                            &founds[range],
                            Arc::clone(&schema),
                        )
                    })
                    .collect::<Result<Vec<_>, ArrowError>>()
            })
        })
        .map_err(arrow_error)?;
    let batches = batches
        .iter()
        .map(|b| b.to_pyarrow(py))
        .collect::<PyResult<Vec<_>>>()?;
    let table = py
        .import(intern!(py, "pyarrow"))?
        .getattr(intern!(py, "Table"))?;
    table.call_method1(
        intern!(py, "from_batches"),
        (PyList::new(py, batches)?, schema.to_pyarrow(py)?),
    )
}

/// Input bytes behind one output record batch at most (a row may be
/// larger): buffers of this size are reused by the allocator from one
/// call to the next, where one buffer for a whole large array would be
/// fresh memory every time.
const BATCH_BYTES: usize = 8 << 20;

/// Rows of `texts` cut into consecutive ranges of about [`BATCH_BYTES`].
fn row_ranges(texts: &[&[u8]]) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (i, text) in texts.iter().enumerate() {
        if bytes > 0 && bytes + text.len() > BATCH_BYTES {
            ranges.push(start..i);
            (start, bytes) = (i, 0);
        }
        bytes += text.len();
    }
    if start < texts.len() {
        ranges.push(start..texts.len());
    }
    ranges
}

/// The output rows of one input array.
fn batch<T: ByteArrayType>(
    array: &GenericByteArray<T>,
    texts: &[&[u8]],
    founds: &[Found],
    schema: SchemaRef,
) -> Result<RecordBatch, ArrowError> {
    let kept = kept_column(array, texts, founds)?;
    let removals = removals_column(founds)?;
    let removed: Int64Array = founds
        .iter()
        .map(|f| Some(f.stats.bytes_removed as i64))
        .collect();
    RecordBatch::try_new(schema, vec![kept, removals, Arc::new(removed)])
}

/// The kept text of each element, with the input's nulls.
fn kept_column<T: ByteArrayType>(
    array: &GenericByteArray<T>,
    texts: &[&[u8]],
    founds: &[Found],
) -> Result<ArrayRef, ArrowError> {
    if founds.iter().all(|f| f.removals.is_empty()) {
        // Nothing removed: the input's buffers, shared.
        return Ok(Arc::new(array.clone()));
    }
    let lengths: Vec<usize> = texts
        .iter()
        .zip(founds)
        .map(|(t, f)| t.len() - f.stats.bytes_removed as usize)
        .collect();
    let offsets = offset_buffer::<T>(&lengths)?;
    // Written in order without zeroing first; record batches are built
    // in parallel.
    let mut values = Vec::with_capacity(lengths.iter().sum());
    for (text, found) in texts.iter().zip(founds) {
        let mut pos = 0;
        for r in &found.removals {
            values.extend_from_slice(&text[pos..r.span().start]);
            pos = r.span().end;
        }
        values.extend_from_slice(&text[pos..]);
    }
    let nulls = array.nulls().cloned();
    let values = Buffer::from_vec(values);
    if !matches!(T::DATA_TYPE, DataType::Utf8 | DataType::LargeUtf8) {
        return Ok(Arc::new(GenericByteArray::<T>::try_new(
            offsets, values, nulls,
        )?));
    }
    if !splits_a_character(texts, founds) {
        // SAFETY: the input passed `ArrayData::validate_full` when it was
        // imported, so each value is valid UTF-8; every removal starts and
        // ends on a character boundary of its value, so each kept value
        // is whole characters of its input value, valid UTF-8 as well. The
        // offsets start at 0, never decrease (built from lengths) and end
        // at the length of `values`; `nulls` is the input's, of the same
        // length.
        let kept = unsafe { GenericByteArray::<T>::new_unchecked(offsets, values, nulls) };
        return Ok(Arc::new(kept));
    }
    // Passage mode with `snap="byte"` cut a character: such characters
    // become U+FFFD.
    let lossy: Vec<Vec<u8>> = texts
        .iter()
        .zip(founds)
        .map(|(text, found)| {
            String::from_utf8_lossy(&kept_bytes(text, found))
                .into_owned()
                .into_bytes()
        })
        .collect();
    let lengths: Vec<usize> = lossy.iter().map(Vec::len).collect();
    let offsets = offset_buffer::<T>(&lengths)?;
    let kept = GenericByteArray::<T>::try_new(offsets, Buffer::from_vec(lossy.concat()), nulls)?;
    Ok(Arc::new(kept))
}

/// Whether a removal starts or ends inside a UTF-8 character.
fn splits_a_character(texts: &[&[u8]], founds: &[Found]) -> bool {
    let boundary = |text: &[u8], at: usize| text.get(at).is_none_or(|&b| (b as i8) >= -0x40);
    texts.iter().zip(founds).any(|(text, found)| {
        found
            .removals
            .iter()
            .any(|r| !boundary(text, r.span().start) || !boundary(text, r.span().end))
    })
}

/// Offsets for elements of `lengths` bytes.
fn offset_buffer<T: ByteArrayType>(
    lengths: &[usize],
) -> Result<OffsetBuffer<T::Offset>, ArrowError> {
    use arrow_buffer::ArrowNativeType;
    let mut out = Vec::with_capacity(lengths.len() + 1);
    let mut total = 0usize;
    out.push(T::Offset::usize_as(0));
    for &len in lengths {
        total += len;
        out.push(T::Offset::from_usize(total).ok_or_else(|| {
            ArrowError::InvalidArgumentError(format!(
                "the kept text does not fit in {}: use a large type",
                T::DATA_TYPE
            ))
        })?);
    }
    Ok(OffsetBuffer::new(ScalarBuffer::from(out)))
}

/// Each element's removals, as a list of structs.
fn removals_column(founds: &[Found]) -> Result<ArrayRef, ArrowError> {
    let total: usize = founds.iter().map(|f| f.removals.len()).sum();
    let mut columns: [Vec<i64>; 5] = Default::default();
    for column in &mut columns {
        column.reserve(total);
    }
    let mut offsets = Vec::with_capacity(founds.len() + 1);
    offsets.push(0i32);
    for found in founds {
        for r in &found.removals {
            let first = r.first();
            let values = [
                r.span().start,
                r.span().end,
                first.doc().as_usize(),
                first.start(),
                first.end(),
            ];
            for (column, value) in columns.iter_mut().zip(values) {
                column.push(value as i64);
            }
        }
        let end = i32::try_from(columns[0].len()).map_err(|_| {
            ArrowError::InvalidArgumentError("more than 2^31 removals in one array".into())
        })?;
        offsets.push(end);
    }
    let children: Vec<ArrayRef> = columns
        .into_iter()
        .map(|c| Arc::new(Int64Array::from(c)) as ArrayRef)
        .collect();
    let items = StructArray::try_new(removal_fields(), children, None)?;
    let list = ListArray::try_new(
        removal_item(),
        OffsetBuffer::new(ScalarBuffer::from(offsets)),
        Arc::new(items),
        None,
    )?;
    Ok(Arc::new(list))
}
