//! The rows of the phases as Arrow record batches (feature `arrow`), the
//! form they take between the machines of a distributed run.
//!
//! - key rows: `key` (`fixed_size_binary(16)`, the fingerprint, big-endian
//!   so that byte order is numeric order), `doc`, `start`, `end`
//!   (`uint64`);
//! - later copies: `doc`, `start`, `end`, `first_doc`, `first_start`,
//!   `first_end` (`uint64`).
//!
//! Reading takes the columns by name and ignores any others; `key` may
//! also be `binary` or `large_binary` of 16 bytes per row.
//!
//! # Examples
//!
//! ```
//! use textdedup::phases::arrow::{key_rows_from_batch, key_rows_to_batch, resolve_batch};
//! use textdedup::{paragraph, Scope};
//!
//! let deduper = paragraph::Deduper::default();
//! let mut rows = Vec::new();
//! deduper.fingerprint(0, b"a line long enough to repeat\n", &mut rows);
//! deduper.fingerprint(1, b"a line long enough to repeat\n", &mut rows);
//! let batch = key_rows_to_batch(&rows);
//! assert_eq!(key_rows_from_batch(&batch)?, rows);
//! let copies = resolve_batch(&batch, Scope::Corpus)?;
//! assert_eq!(copies.num_rows(), 1);
//! # Ok::<(), arrow_schema_60::ArrowError>(())
//! ```

use std::sync::Arc;

use arrow_array_60::cast::AsArray;
use arrow_array_60::types::UInt64Type;
use arrow_array_60::{Array, ArrayRef, FixedSizeBinaryArray, RecordBatch, UInt64Array};
use arrow_schema_60::{ArrowError, DataType, Field, Schema, SchemaRef};

use crate::config::Scope;
use crate::phases::{resolve, KeyRow, LaterCopy};
use crate::report::{DocId, Origin};
use crate::span::Span;

/// The columns of the key rows.
pub fn key_rows_schema() -> SchemaRef {
    let u64_field = |name| Field::new(name, DataType::UInt64, false);
    Arc::new(Schema::new(vec![
        Field::new("key", DataType::FixedSizeBinary(16), false),
        u64_field("doc"),
        u64_field("start"),
        u64_field("end"),
    ]))
}

/// The columns of the later copies.
pub fn later_copies_schema() -> SchemaRef {
    let fields = [
        "doc",
        "start",
        "end",
        "first_doc",
        "first_start",
        "first_end",
    ]
    .map(|name| Field::new(name, DataType::UInt64, false));
    Arc::new(Schema::new(fields.to_vec()))
}

/// A `uint64` column of `rows.len()` values.
fn column<T>(rows: &[T], f: impl Fn(&T) -> u64) -> ArrayRef {
    Arc::new(rows.iter().map(f).collect::<UInt64Array>())
}

/// Key rows as a record batch of [`key_rows_schema`].
pub fn key_rows_to_batch(rows: &[KeyRow]) -> RecordBatch {
    let bytes: Vec<u8> = rows.iter().flat_map(|r| r.key.to_be_bytes()).collect();
    let keys = FixedSizeBinaryArray::new(16, bytes.into(), None);
    let columns = vec![
        Arc::new(keys) as ArrayRef,
        column(rows, |r| r.doc),
        column(rows, |r| r.start),
        column(rows, |r| r.end),
    ];
    RecordBatch::try_new(key_rows_schema(), columns).expect("the columns match the schema")
}

/// The `uint64` column `name` of `batch`, without nulls.
fn u64_column<'a>(batch: &'a RecordBatch, name: &str) -> Result<&'a UInt64Array, ArrowError> {
    let column = batch
        .column_by_name(name)
        .ok_or_else(|| ArrowError::SchemaError(format!("no column `{name}`")))?;
    if column.null_count() > 0 {
        return Err(ArrowError::InvalidArgumentError(format!(
            "column `{name}` has nulls"
        )));
    }
    column.as_primitive_opt::<UInt64Type>().ok_or_else(|| {
        ArrowError::SchemaError(format!(
            "column `{name}` is {}, not uint64",
            column.data_type()
        ))
    })
}

/// The fingerprints of the `key` column.
fn keys(batch: &RecordBatch) -> Result<Vec<u128>, ArrowError> {
    let column = batch
        .column_by_name("key")
        .ok_or_else(|| ArrowError::SchemaError("no column `key`".into()))?;
    let one = |bytes: Option<&[u8]>| -> Result<u128, ArrowError> {
        let bytes: [u8; 16] = bytes
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| ArrowError::InvalidArgumentError("a key is not 16 bytes".into()))?;
        Ok(u128::from_be_bytes(bytes))
    };
    match column.data_type() {
        DataType::FixedSizeBinary(_) => column.as_fixed_size_binary().iter().map(one).collect(),
        DataType::Binary => column.as_binary::<i32>().iter().map(one).collect(),
        DataType::LargeBinary => column.as_binary::<i64>().iter().map(one).collect(),
        other => Err(ArrowError::SchemaError(format!(
            "column `key` is {other}, not fixed_size_binary(16)"
        ))),
    }
}

/// The key rows of a record batch.
///
/// # Errors
///
/// A missing column, a column of another type, a null, or a key of
/// another length than 16 bytes.
pub fn key_rows_from_batch(batch: &RecordBatch) -> Result<Vec<KeyRow>, ArrowError> {
    let keys = keys(batch)?;
    let (doc, start, end) = (
        u64_column(batch, "doc")?,
        u64_column(batch, "start")?,
        u64_column(batch, "end")?,
    );
    Ok((0..batch.num_rows())
        .map(|i| KeyRow {
            key: keys[i],
            doc: doc.value(i),
            start: start.value(i),
            end: end.value(i),
        })
        .collect())
}

/// Later copies as a record batch of [`later_copies_schema`].
pub fn later_copies_to_batch(copies: &[LaterCopy]) -> RecordBatch {
    let columns = vec![
        column(copies, |c| c.doc),
        column(copies, |c| c.span.start as u64),
        column(copies, |c| c.span.end as u64),
        column(copies, |c| c.first.doc().index()),
        column(copies, |c| c.first.start() as u64),
        column(copies, |c| c.first.end() as u64),
    ];
    RecordBatch::try_new(later_copies_schema(), columns).expect("the columns match the schema")
}

/// The later copies of a record batch.
///
/// # Errors
///
/// A missing column, a column of another type, a null, or an offset that
/// does not fit in a `usize`.
pub fn later_copies_from_batch(batch: &RecordBatch) -> Result<Vec<LaterCopy>, ArrowError> {
    let names = [
        "doc",
        "start",
        "end",
        "first_doc",
        "first_start",
        "first_end",
    ];
    let mut columns = Vec::with_capacity(names.len());
    for name in names {
        columns.push(u64_column(batch, name)?);
    }
    let offset = |c: usize, i: usize| {
        usize::try_from(columns[c].value(i))
            .map_err(|_| ArrowError::InvalidArgumentError("an offset does not fit".into()))
    };
    (0..batch.num_rows())
        .map(|i| {
            Ok(LaterCopy {
                doc: columns[0].value(i),
                span: Span::new(offset(1, i)?, offset(2, i)?),
                first: Origin::new(
                    DocId::new(columns[3].value(i)),
                    offset(4, i)?,
                    offset(5, i)?,
                ),
            })
        })
        .collect()
}

/// The resolve phase over a record batch of key rows that holds every row
/// of each of its keys: the later copies, sorted by (document, start).
///
/// # Errors
///
/// Those of [`key_rows_from_batch`].
pub fn resolve_batch(batch: &RecordBatch, scope: Scope) -> Result<RecordBatch, ArrowError> {
    let mut rows = key_rows_from_batch(batch)?;
    let mut copies = Vec::new();
    resolve(&mut rows, scope, &mut copies);
    Ok(later_copies_to_batch(&copies))
}
