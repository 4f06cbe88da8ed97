//! `textdedup.ray`'s work on a block of rows: rows of a Parquet shard, the
//! first of them at a known row number (from 0), or rows of a
//! `ray.data.Dataset` whose document keys are a `uint64` column. The text
//! column is `large_binary` (the Python side casts it) and the id column,
//! if any, is as stored. Rows are named in report rows as the command line
//! names them: the id, or `FILE:ROW` (a Dataset's row: its key).

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::builder::LargeBinaryBuilder;
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Int16Type, Int32Type, Int64Type, Int8Type, UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use arrow_array::{Array, ArrayRef, LargeBinaryArray, RecordBatch, UInt64Array};
use arrow_schema::DataType;
use textdedup::phases::{copies_of, KeyRow, LaterCopy};

use crate::ray::Phases;
use crate::shards::{doc_key, json_string, report_rows, Skipped};

/// A block of rows of one Parquet shard.
pub(crate) struct Rows<'a> {
    /// The text values (`None`: null).
    texts: LargeBinaryArray,
    /// The id column, if the shard has one.
    ids: Option<ArrayRef>,
    /// The shard's index in sorted path order.
    file: u64,
    /// The row number of the block's first row, from 0.
    first_row: u64,
    /// The shard's name as given.
    path: &'a str,
    /// The document keys, for a Dataset's rows (else from `file` and
    /// `first_row`).
    keys: Option<UInt64Array>,
    /// Whether a null text is passed through (`on_bad_record="skip"`)
    /// rather than failing the block.
    skip_bad: bool,
}

impl<'a> Rows<'a> {
    /// The rows of `batch`, whose column `text_field` is `large_binary`;
    /// a null text fails the block unless `skip_bad`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        batch: &RecordBatch,
        file: u64,
        first_row: u64,
        path: &'a str,
        text_field: &str,
        id_field: &str,
        key_field: Option<&str>,
        skip_bad: bool,
    ) -> Result<Rows<'a>, String> {
        let keys = match key_field {
            Some(k) => Some(
                batch
                    .column_by_name(k)
                    .and_then(|c| c.as_primitive_opt::<UInt64Type>())
                    .ok_or_else(|| format!("{path}: no uint64 column `{k}` in the block"))?
                    .clone(),
            ),
            None => None,
        };
        let texts = batch
            .column_by_name(text_field)
            .and_then(|c| c.as_binary_opt::<i64>())
            .ok_or_else(|| format!("{path}: no large_binary column `{text_field}` in the block"))?
            .clone();
        let ids = batch.column_by_name(id_field).cloned();
        Ok(Rows {
            texts,
            ids,
            file,
            first_row,
            path,
            keys,
            skip_bad,
        })
    }

    /// Where row `i` is, for messages: `PATH, row N` or `document key K`.
    fn at(&self, i: usize) -> String {
        match &self.keys {
            Some(keys) if keys.is_valid(i) => format!("document key {}", keys.value(i)),
            Some(_) => format!("{}, row {i} of a block", self.path),
            None => format!("{}, row {}", self.path, self.first_row + i as u64),
        }
    }

    /// The text of row `i`; when it is null, `None` after counting it in
    /// `skipped` if bad records are skipped, else an error naming the row,
    /// as the command line's.
    fn text(&self, i: usize, skipped: &mut Skipped) -> Result<Option<&[u8]>, String> {
        if self.texts.is_null(i) {
            let message = format!("{}: the text is null", self.at(i));
            if !self.skip_bad {
                return Err(message);
            }
            skipped.add(message);
            return Ok(None);
        }
        Ok(Some(self.texts.value(i)))
    }

    /// The document key of row `i`.
    fn key(&self, i: usize) -> Result<u64, String> {
        match &self.keys {
            Some(keys) if keys.is_valid(i) => Ok(keys.value(i)),
            Some(_) => Err(format!("{}: the document key is null", self.at(i))),
            None => doc_key(self.file, self.first_row + i as u64),
        }
    }

    /// Row `i`'s name in report rows, as JSON: its id (a string column as a
    /// JSON string, an integer column as a number, a boolean as a string)
    /// or, with no id, `FILE:ROW`.
    fn name(&self, i: usize) -> Result<String, String> {
        let Some(a) = self.ids.as_ref().filter(|a| !a.is_null(i)) else {
            if self.keys.is_some() {
                return Ok(self.key(i)?.to_string());
            }
            return Ok(json_string(&format!(
                "{}:{}",
                self.path,
                self.first_row + i as u64
            )));
        };
        let lossy = |b: &[u8]| json_string(&String::from_utf8_lossy(b));
        Ok(match a.data_type() {
            DataType::Utf8 => json_string(a.as_string::<i32>().value(i)),
            DataType::LargeUtf8 => json_string(a.as_string::<i64>().value(i)),
            DataType::Utf8View => json_string(a.as_string_view().value(i)),
            DataType::Binary => lossy(a.as_binary::<i32>().value(i)),
            DataType::LargeBinary => lossy(a.as_binary::<i64>().value(i)),
            DataType::BinaryView => lossy(a.as_binary_view().value(i)),
            DataType::Int8 => a.as_primitive::<Int8Type>().value(i).to_string(),
            DataType::Int16 => a.as_primitive::<Int16Type>().value(i).to_string(),
            DataType::Int32 => a.as_primitive::<Int32Type>().value(i).to_string(),
            DataType::Int64 => a.as_primitive::<Int64Type>().value(i).to_string(),
            DataType::UInt8 => a.as_primitive::<UInt8Type>().value(i).to_string(),
            DataType::UInt16 => a.as_primitive::<UInt16Type>().value(i).to_string(),
            DataType::UInt32 => a.as_primitive::<UInt32Type>().value(i).to_string(),
            DataType::UInt64 => a.as_primitive::<UInt64Type>().value(i).to_string(),
            DataType::Boolean => json_string(if a.as_boolean().value(i) {
                "true"
            } else {
                "false"
            }),
            other => {
                return Err(format!(
                    "{}: the id column's type {other} is not supported here (string, binary, \
                     integer or boolean)",
                    self.path
                ))
            }
        })
    }

    /// Each row's document key, text and name (as JSON), in order; null
    /// texts are passed over or fail the block, as in the other phases.
    pub(crate) fn documents(
        &self,
        mut f: impl FnMut(u64, &[u8], String) -> Result<(), String>,
    ) -> Result<(), String> {
        for i in 0..self.texts.len() {
            if let Some(text) = self.text(i, &mut Skipped::default())? {
                f(self.key(i)?, text, self.name(i)?)?;
            }
        }
        Ok(())
    }

    /// The fingerprint phase: the key rows of every row, and each key
    /// row's document name when `names` (for `find`).
    pub(crate) fn fingerprint(
        &self,
        phases: &Phases,
        names: bool,
    ) -> Result<(Vec<KeyRow>, Vec<String>), String> {
        let mut rows = Vec::new();
        let mut row_names = Vec::new();
        for i in 0..self.texts.len() {
            let Some(text) = self.text(i, &mut Skipped::default())? else {
                continue;
            };
            let before = rows.len();
            phases.fingerprint(self.key(i)?, text, &mut rows);
            if names && rows.len() > before {
                let name = self.name(i)?;
                row_names.resize(rows.len(), name);
            }
        }
        Ok((rows, row_names))
    }

    /// The apply phase for `clean`: the text column with each row's kept
    /// text (a null text passed through), given the later copies of the
    /// block's documents (sorted by document and start).
    pub(crate) fn clean(
        &self,
        phases: &Phases,
        copies: &[LaterCopy],
    ) -> Result<(ArrayRef, Skipped), String> {
        let mut out = LargeBinaryBuilder::with_capacity(self.texts.len(), 0);
        let mut skipped = Skipped::default();
        for i in 0..self.texts.len() {
            let Some(text) = self.text(i, &mut skipped)? else {
                out.append_null();
                continue;
            };
            let doc = self.key(i)?;
            let mine = copies_of(copies, doc..doc + 1);
            if mine.is_empty() && phases.only_copies_change() {
                out.append_value(text);
                continue;
            }
            let report = phases
                .apply(doc, text, mine)
                .map_err(|e| format!("{}: {e}", self.at(i)))?;
            out.append_value(report.kept_bytes());
        }
        Ok((Arc::new(out.finish()), skipped))
    }

    /// The apply phase for `find`: the block's report rows.
    pub(crate) fn find(
        &self,
        phases: &Phases,
        copies: &[LaterCopy],
        first_names: &HashMap<u64, String>,
    ) -> Result<(Vec<u8>, Skipped), String> {
        let mut out = Vec::new();
        let mut skipped = Skipped::default();
        for i in 0..self.texts.len() {
            let Some(text) = self.text(i, &mut skipped)? else {
                continue;
            };
            let doc = self.key(i)?;
            let mine = copies_of(copies, doc..doc + 1);
            if mine.is_empty() && phases.only_copies_change() {
                continue;
            }
            let report = phases
                .apply(doc, text, mine)
                .map_err(|e| format!("{}: {e}", self.at(i)))?;
            report_rows(&self.name(i)?, &report, first_names, &mut out)?;
        }
        Ok((out, skipped))
    }
}
