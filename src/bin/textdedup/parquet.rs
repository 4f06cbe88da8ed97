//! Parquet shards: one file read a record batch at a time, and written back
//! with the same schema, column order, row order and compression, only the
//! text column's values replaced.
//!
//! Reading streams pages: a batch holds at most [`MAX_BATCH_ROWS`] rows and,
//! judged from the file's column statistics, about [`MAX_BATCH_TEXT`] bytes
//! of text; a batch that turns out larger is handed out in slices of that
//! size (a single longer row still comes whole). Writing buffers one output
//! row group, which is flushed at each input row group's end or once its
//! encoded size passes [`MAX_BUFFERED`], whichever comes first. So memory is
//! one batch of every column read, plus the writer's buffer.
//!
//! Every failure is a `String` for the user that names the file. The reader
//! runs behind `catch_unwind`, so a corrupt file whose decoding panics inside
//! the parquet crate still ends as an error, not a crash.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::fs::File;
use std::io::{Read, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::builder::{
    BinaryViewBuilder, GenericBinaryBuilder, GenericStringBuilder, StringViewBuilder,
};
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Decimal128Type, Decimal256Type, Int16Type, Int32Type, Int64Type, Int8Type, UInt16Type,
    UInt32Type, UInt64Type, UInt8Type,
};
use arrow_array::{
    Array, ArrayRef, BinaryArray, BinaryViewArray, LargeBinaryArray, LargeStringArray,
    OffsetSizeTrait, RecordBatch, StringArray, StringViewArray,
};
use arrow_schema::{DataType, SchemaRef};
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use parquet::arrow::{ArrowSchemaConverter, ArrowWriter, ProjectionMask};
use parquet::basic::{Compression, Encoding};
use parquet::file::metadata::ParquetMetaData;
use parquet::file::properties::WriterProperties;

/// The most rows in one batch.
pub(crate) const MAX_BATCH_ROWS: usize = 4096;

/// About the most text, in bytes, in one batch.
pub(crate) const MAX_BATCH_TEXT: usize = 16 << 20;

/// The writer flushes a row group early once it holds this many bytes.
pub(crate) const MAX_BUFFERED: usize = 64 << 20;

/// Whether a file starting with `first_bytes` is Parquet (magic `PAR1`).
pub(crate) fn is_parquet(first_bytes: &[u8]) -> bool {
    first_bytes.starts_with(b"PAR1")
}

/// Which columns [`ParquetSource`] decodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Columns {
    /// Every column, so the rows can be written back with [`ParquetSink`].
    All,
    /// Only the text and id columns: faster when nothing is written back.
    TextAndId,
}

/// One Parquet file read a record batch at a time (pages are streamed, a
/// row group is never loaded whole).
pub(crate) struct ParquetSource {
    /// The file, for messages.
    path: PathBuf,
    /// The decoder; `None` once it has failed or finished.
    reader: Option<ParquetRecordBatchReader>,
    /// Rows decoded but not yet handed out (a batch over the text limit).
    pending: Option<RecordBatch>,
    /// The text column's position in the decoded batches.
    text_index: usize,
    /// The id column's position in the decoded batches, when it exists.
    id_index: Option<usize>,
    /// The file's row number of the next row handed out, from 0.
    next_row: u64,
    /// Rows in the file.
    num_rows: u64,
    /// What a writer needs to write the file back.
    layout: Layout,
}

/// The shape of a Parquet file, for writing it back: its Arrow schema (with
/// the schema's metadata), the text column, the writer properties taken from
/// the file (compression and dictionary use per column, the file's key-value
/// metadata) and the row count of each row group.
#[derive(Clone, Debug)]
pub(crate) struct Layout {
    /// The file's full Arrow schema.
    schema: SchemaRef,
    /// The text column's position in `schema`.
    text_index: usize,
    /// Properties that reproduce the input's compression and encoding.
    props: WriterProperties,
    /// Rows in each input row group, in order.
    row_groups: Vec<u64>,
}

/// A batch of rows and where it starts in the file.
pub(crate) struct Rows {
    /// The rows, every column or only text and id (see [`Columns`]).
    batch: RecordBatch,
    /// The file's row number of the first row, from 0.
    first_row: u64,
    /// The text column.
    text: TextColumn,
    /// The text column's position in `batch`.
    text_index: usize,
    /// The id column, when the file has one.
    id: Option<ArrayRef>,
}

impl std::fmt::Debug for Rows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rows")
            .field("first_row", &self.first_row)
            .field("len", &self.batch.num_rows())
            .finish_non_exhaustive()
    }
}

/// The text column, downcast once per batch.
enum TextColumn {
    /// `Utf8`.
    Utf8(StringArray),
    /// `LargeUtf8`.
    LargeUtf8(LargeStringArray),
    /// `Utf8View`.
    Utf8View(StringViewArray),
    /// `Binary`.
    Binary(BinaryArray),
    /// `LargeBinary`.
    LargeBinary(LargeBinaryArray),
    /// `BinaryView`.
    BinaryView(BinaryViewArray),
}

impl TextColumn {
    /// Whether a column of type `t` can hold the text.
    fn accepts(t: &DataType) -> bool {
        matches!(
            t,
            DataType::Utf8
                | DataType::LargeUtf8
                | DataType::Utf8View
                | DataType::Binary
                | DataType::LargeBinary
                | DataType::BinaryView
        )
    }

    /// Downcasts `array`; `None` for a type [`TextColumn::accepts`] refuses.
    fn new(array: &ArrayRef) -> Option<TextColumn> {
        Some(match array.data_type() {
            DataType::Utf8 => TextColumn::Utf8(array.as_string::<i32>().clone()),
            DataType::LargeUtf8 => TextColumn::LargeUtf8(array.as_string::<i64>().clone()),
            DataType::Utf8View => TextColumn::Utf8View(array.as_string_view().clone()),
            DataType::Binary => TextColumn::Binary(array.as_binary::<i32>().clone()),
            DataType::LargeBinary => TextColumn::LargeBinary(array.as_binary::<i64>().clone()),
            DataType::BinaryView => TextColumn::BinaryView(array.as_binary_view().clone()),
            _ => return None,
        })
    }

    /// The value of row `i` as bytes, `None` when null.
    fn get(&self, i: usize) -> Option<&[u8]> {
        macro_rules! value {
            ($a:expr, $conv:expr) => {
                if $a.is_null(i) {
                    None
                } else {
                    #[allow(clippy::redundant_closure_call)]
                    Some($conv($a.value(i)))
                }
            };
        }
        match self {
            TextColumn::Utf8(a) => value!(a, str::as_bytes),
            TextColumn::LargeUtf8(a) => value!(a, str::as_bytes),
            TextColumn::Utf8View(a) => value!(a, str::as_bytes),
            TextColumn::Binary(a) => value!(a, |v| v),
            TextColumn::LargeBinary(a) => value!(a, |v| v),
            TextColumn::BinaryView(a) => value!(a, |v| v),
        }
    }

    /// Rows in the column.
    fn len(&self) -> usize {
        match self {
            TextColumn::Utf8(a) => a.len(),
            TextColumn::LargeUtf8(a) => a.len(),
            TextColumn::Utf8View(a) => a.len(),
            TextColumn::Binary(a) => a.len(),
            TextColumn::LargeBinary(a) => a.len(),
            TextColumn::BinaryView(a) => a.len(),
        }
    }

    /// How many leading rows hold at most `limit` bytes of text (at least 1
    /// when the column has rows).
    fn rows_within(&self, limit: usize) -> usize {
        let mut total = 0usize;
        for i in 0..self.len() {
            total = total.saturating_add(self.get(i).map_or(0, <[u8]>::len));
            if total > limit {
                return i.max(1);
            }
        }
        self.len()
    }
}

/// `error`'s message, or the panic's, after `catch_unwind`.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "the Parquet decoder failed".to_string()
    }
}

/// The column names of a schema, for a message (the first 20).
fn column_list(schema: &SchemaRef) -> String {
    let mut out = String::new();
    for (i, f) in schema.fields().iter().enumerate() {
        if i == 20 {
            out.push_str(", ...");
            break;
        }
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "`{}`", f.name());
    }
    out
}

impl ParquetSource {
    /// Opens `path` and decodes every column.
    ///
    /// `text` names the text column (`Utf8`, `LargeUtf8` or `Utf8View`;
    /// `Binary`, `LargeBinary` and `BinaryView` are taken as bytes); `id`
    /// names the id column, which may be missing (then [`Rows::id_json`] is
    /// always `None` and rows are best named by their row number).
    ///
    /// # Errors
    ///
    /// A message naming the file when it cannot be opened, is not Parquet,
    /// has a corrupt footer, has no column `text`, or that column is not a
    /// string or binary column.
    #[cfg_attr(not(test), expect(dead_code, reason = "used by this module's tests"))]
    pub(crate) fn open(path: &Path, text: &str, id: &str) -> Result<ParquetSource, String> {
        Self::open_with(path, text, id, Columns::All, MAX_BATCH_ROWS)
    }

    /// [`ParquetSource::open`], decoding only `columns`, with batches of at
    /// most `max_rows` rows.
    ///
    /// # Errors
    ///
    /// As [`ParquetSource::open`].
    pub(crate) fn open_with(
        path: &Path,
        text: &str,
        id: &str,
        columns: Columns,
        max_rows: usize,
    ) -> Result<ParquetSource, String> {
        let shown = path.display();
        let mut file = File::open(path).map_err(|e| format!("cannot read '{shown}': {e}"))?;
        let mut magic = [0u8; 4];
        let head = file.read_exact(&mut magic);
        if head.is_err() || !is_parquet(&magic) {
            return Err(format!(
                "'{shown}' is not a Parquet file (it does not start with PAR1)"
            ));
        }
        let built = catch_unwind(AssertUnwindSafe(|| {
            ParquetRecordBatchReaderBuilder::try_new(file)
        }));
        let builder = match built {
            Ok(Ok(b)) => b,
            Ok(Err(e)) => return Err(format!("cannot read the Parquet file '{shown}': {e}")),
            Err(p) => {
                return Err(format!(
                    "cannot read the Parquet file '{shown}': {}",
                    panic_message(p.as_ref())
                ))
            }
        };
        let schema = Arc::clone(builder.schema());
        let text_index = schema.index_of(text).map_err(|_| {
            format!(
                "'{shown}' has no text column `{text}` (its columns: {})",
                column_list(&schema)
            )
        })?;
        let text_type = schema.field(text_index).data_type();
        if !TextColumn::accepts(text_type) {
            return Err(format!(
                "in '{shown}', the text column `{text}` is {text_type}, \
                 not a string or binary column"
            ));
        }
        let id_index = schema.index_of(id).ok();
        let meta = Arc::clone(builder.metadata());
        let layout = layout_of(&meta, &schema, text_index);
        let batch_rows = batch_rows(&meta, text, max_rows);
        let num_rows = layout.row_groups.iter().sum();

        let mut builder = builder.with_batch_size(batch_rows);
        let (text_index, id_index) = match columns {
            Columns::All => (text_index, id_index),
            Columns::TextAndId => {
                let mut roots = vec![text_index];
                roots.extend(id_index);
                roots.sort_unstable();
                roots.dedup();
                let mask = ProjectionMask::roots(builder.parquet_schema(), roots.iter().copied());
                builder = builder.with_projection(mask);
                let at = |c: usize| roots.iter().position(|&r| r == c);
                (at(text_index).unwrap_or(0), id_index.and_then(at))
            }
        };
        let reader = match catch_unwind(AssertUnwindSafe(|| builder.build())) {
            Ok(Ok(r)) => r,
            Ok(Err(e)) => return Err(format!("cannot read the Parquet file '{shown}': {e}")),
            Err(p) => {
                return Err(format!(
                    "cannot read the Parquet file '{shown}': {}",
                    panic_message(p.as_ref())
                ))
            }
        };
        Ok(ParquetSource {
            path: path.to_path_buf(),
            reader: Some(reader),
            pending: None,
            text_index,
            id_index,
            next_row: 0,
            num_rows,
            layout,
        })
    }

    /// Rows in the file, from its footer.
    #[cfg_attr(not(test), expect(dead_code, reason = "used by this module's tests"))]
    pub(crate) fn num_rows(&self) -> u64 {
        self.num_rows
    }

    /// The next batch of rows (at most [`MAX_BATCH_ROWS`] rows and about
    /// [`MAX_BATCH_TEXT`] bytes of text), or `None` at the end.
    ///
    /// # Errors
    ///
    /// A message naming the file and the row where decoding failed; the
    /// source then returns `None`.
    pub(crate) fn next_batch(&mut self) -> Result<Option<Rows>, String> {
        let batch = loop {
            match self.pending.take() {
                Some(b) if b.num_rows() > 0 => break b,
                _ => {}
            }
            let Some(reader) = self.reader.as_mut() else {
                return Ok(None);
            };
            let failure = match catch_unwind(AssertUnwindSafe(|| reader.next())) {
                Ok(Some(Ok(b))) => {
                    self.pending = Some(b);
                    continue;
                }
                Ok(None) => {
                    self.reader = None;
                    return Ok(None);
                }
                Ok(Some(Err(e))) => e.to_string(),
                Err(p) => panic_message(p.as_ref()),
            };
            self.reader = None;
            return Err(format!(
                "cannot read the Parquet file '{}' after row {}: {failure}",
                self.path.display(),
                self.next_row
            ));
        };
        let text = TextColumn::new(batch.column(self.text_index)).ok_or_else(|| {
            format!(
                "in '{}', the text column changed type to {}",
                self.path.display(),
                batch.column(self.text_index).data_type()
            )
        })?;
        let n = text.rows_within(MAX_BATCH_TEXT);
        let (batch, text) = if n < batch.num_rows() {
            self.pending = Some(batch.slice(n, batch.num_rows() - n));
            let head = batch.slice(0, n);
            let text = TextColumn::new(head.column(self.text_index));
            match text {
                Some(t) => (head, t),
                None => return Err("unreachable: a slice changed type".to_string()),
            }
        } else {
            (batch, text)
        };
        let first_row = self.next_row;
        self.next_row += batch.num_rows() as u64;
        let id = self.id_index.map(|i| Arc::clone(batch.column(i)));
        Ok(Some(Rows {
            batch,
            first_row,
            text,
            text_index: self.text_index,
            id,
        }))
    }

    /// What [`ParquetSink`] needs to write the same file back.
    pub(crate) fn layout(&self) -> Layout {
        self.layout.clone()
    }
}

/// Rows per batch: [`MAX_BATCH_ROWS`] or `max_rows`, fewer when the text
/// column's sizes in the footer say that many rows would pass
/// [`MAX_BATCH_TEXT`].
fn batch_rows(meta: &ParquetMetaData, text: &str, max_rows: usize) -> usize {
    let leaf = meta
        .file_metadata()
        .schema_descr()
        .columns()
        .iter()
        .position(|c| c.path().parts() == [text]);
    let mut per_row = 1u64;
    if let Some(leaf) = leaf {
        for rg in meta.row_groups() {
            let rows = u64::try_from(rg.num_rows()).unwrap_or(0).max(1);
            let Some(chunk) = rg.columns().get(leaf) else {
                continue;
            };
            let bytes = chunk
                .unencoded_byte_array_data_bytes()
                .unwrap_or_else(|| chunk.uncompressed_size());
            let bytes = u64::try_from(bytes).unwrap_or(0);
            per_row = per_row.max(bytes.div_ceil(rows));
        }
    }
    let fit = usize::try_from(MAX_BATCH_TEXT as u64 / per_row).unwrap_or(usize::MAX);
    fit.clamp(1, max_rows.max(1))
}

/// The writer properties and row groups that reproduce the file in `meta`.
///
/// Compression and dictionary use are taken per leaf column from the first
/// row group (Parquet does not record compression levels: zstd and gzip get
/// the crate's default level). The file's key-value metadata is kept; the
/// Arrow schema (with its metadata) is stored again by the writer.
fn layout_of(meta: &ParquetMetaData, schema: &SchemaRef, text_index: usize) -> Layout {
    let row_groups: Vec<u64> = meta
        .row_groups()
        .iter()
        .map(|rg| u64::try_from(rg.num_rows()).unwrap_or(0))
        .collect();
    let largest = row_groups.iter().copied().max().unwrap_or(0);
    let mut props = WriterProperties::builder();
    if largest > 0 {
        props = props.set_max_row_group_size(usize::try_from(largest).unwrap_or(usize::MAX));
    }
    let kv: Vec<_> = meta
        .file_metadata()
        .key_value_metadata()
        .into_iter()
        .flatten()
        .filter(|kv| kv.key != parquet::arrow::ARROW_SCHEMA_META_KEY)
        .cloned()
        .collect();
    if !kv.is_empty() {
        props = props.set_key_value_metadata(Some(kv));
    }
    if let Some(rg) = meta.row_groups().first() {
        // The output's leaf paths, which match the input's leaf for leaf
        // (the same Arrow schema); the input's own paths otherwise.
        let out_paths = ArrowSchemaConverter::new()
            .convert(schema)
            .ok()
            .filter(|d| d.num_columns() == rg.num_columns())
            .map(|d| {
                d.columns()
                    .iter()
                    .map(|c| c.path().clone())
                    .collect::<Vec<_>>()
            });
        let text_name = schema.field(text_index).name();
        for (leaf, chunk) in rg.columns().iter().enumerate() {
            let path = out_paths
                .as_ref()
                .and_then(|p| p.get(leaf).cloned())
                .unwrap_or_else(|| chunk.column_path().clone());
            let codec = chunk.compression();
            let dictionary = chunk
                .encodings()
                .any(|e| matches!(e, Encoding::RLE_DICTIONARY | Encoding::PLAIN_DICTIONARY));
            if chunk.column_path().parts() == [text_name.as_str()] {
                // Columns the writer adds or renames follow the text column.
                props = props.set_compression(codec);
            }
            props = props
                .set_column_compression(path.clone(), codec)
                .set_column_dictionary_enabled(path, dictionary);
        }
    } else {
        props = props.set_compression(Compression::SNAPPY);
    }
    Layout {
        schema: Arc::clone(schema),
        text_index,
        props: props.build(),
        row_groups,
    }
}

impl Rows {
    /// Rows in the batch.
    pub(crate) fn len(&self) -> usize {
        self.batch.num_rows()
    }

    /// The file's row number of the batch's first row, counted from 0.
    pub(crate) fn first_row(&self) -> u64 {
        self.first_row
    }

    /// The text of row `i` as bytes, or `None` when it is null.
    ///
    /// # Panics
    ///
    /// When `i` is not below [`Rows::len`].
    pub(crate) fn text(&self, i: usize) -> Option<&[u8]> {
        self.text.get(i)
    }

    /// The id of row `i` as JSON, for reports: a string column gives a
    /// JSON string, an integer column a number, any other type its display
    /// as a JSON string (binary as lossy UTF-8). `None` when the file has no
    /// id column or the value is null.
    ///
    /// # Panics
    ///
    /// When `i` is not below [`Rows::len`].
    pub(crate) fn id_json(&self, i: usize) -> Option<String> {
        let a = self.id.as_ref()?;
        if a.is_null(i) {
            return None;
        }
        let quoted = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string());
        Some(match a.data_type() {
            DataType::Utf8 => quoted(a.as_string::<i32>().value(i)),
            DataType::LargeUtf8 => quoted(a.as_string::<i64>().value(i)),
            DataType::Utf8View => quoted(a.as_string_view().value(i)),
            DataType::Binary => quoted(&String::from_utf8_lossy(a.as_binary::<i32>().value(i))),
            DataType::LargeBinary => {
                quoted(&String::from_utf8_lossy(a.as_binary::<i64>().value(i)))
            }
            DataType::BinaryView => quoted(&String::from_utf8_lossy(a.as_binary_view().value(i))),
            DataType::Int8 => a.as_primitive::<Int8Type>().value(i).to_string(),
            DataType::Int16 => a.as_primitive::<Int16Type>().value(i).to_string(),
            DataType::Int32 => a.as_primitive::<Int32Type>().value(i).to_string(),
            DataType::Int64 => a.as_primitive::<Int64Type>().value(i).to_string(),
            DataType::UInt8 => a.as_primitive::<UInt8Type>().value(i).to_string(),
            DataType::UInt16 => a.as_primitive::<UInt16Type>().value(i).to_string(),
            DataType::UInt32 => a.as_primitive::<UInt32Type>().value(i).to_string(),
            DataType::UInt64 => a.as_primitive::<UInt64Type>().value(i).to_string(),
            DataType::Boolean => quoted(if a.as_boolean().value(i) {
                "true"
            } else {
                "false"
            }),
            DataType::Decimal128(..) => {
                quoted(&a.as_primitive::<Decimal128Type>().value_as_string(i))
            }
            DataType::Decimal256(..) => {
                quoted(&a.as_primitive::<Decimal256Type>().value_as_string(i))
            }
            _ => quoted(&debug_value(a.as_ref(), i)),
        })
    }
}

/// Row `i` of `a` as arrow's `Debug` shows it (dates, times, floats and
/// nested values), without the array's header and brackets.
fn debug_value(a: &dyn Array, i: usize) -> String {
    let shown = format!("{:?}", a.slice(i, 1));
    let inner = match (shown.find('['), shown.rfind(']')) {
        (Some(open), Some(close)) if open < close => &shown[open + 1..close],
        _ => shown.as_str(),
    };
    let inner = inner.trim();
    inner.strip_suffix(',').unwrap_or(inner).trim().to_string()
}

/// Writes a Parquet file with a [`Layout`]'s schema and properties: the
/// rows of [`ParquetSource`] batches, in order, the text column replaced and
/// every other column as it was read.
///
/// Output row groups end where the input's did, and also early whenever the
/// buffered row group passes [`MAX_BUFFERED`] bytes.
pub(crate) struct ParquetSink<W: Write + Send> {
    /// The Arrow writer.
    writer: ArrowWriter<W>,
    /// The schema every written batch gets.
    schema: SchemaRef,
    /// The text column's position.
    text_index: usize,
    /// Rows in each input row group.
    row_groups: Vec<u64>,
    /// The input row group the next row belongs to.
    group: usize,
    /// Rows of that row group written so far.
    in_group: u64,
}

impl<W: Write + Send> std::fmt::Debug for ParquetSink<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParquetSink")
            .field("group", &self.group)
            .field("in_group", &self.in_group)
            .finish_non_exhaustive()
    }
}

impl<W: Write + Send> ParquetSink<W> {
    /// A sink writing to `out` with `layout` (from [`ParquetSource::layout`]).
    ///
    /// # Errors
    ///
    /// The parquet crate's message when it cannot write the schema.
    pub(crate) fn new(out: W, layout: &Layout) -> Result<Self, String> {
        let writer =
            ArrowWriter::try_new(out, Arc::clone(&layout.schema), Some(layout.props.clone()))
                .map_err(|e| format!("cannot write Parquet: {e}"))?;
        Ok(ParquetSink {
            writer,
            schema: Arc::clone(&layout.schema),
            text_index: layout.text_index,
            row_groups: layout.row_groups.clone(),
            group: 0,
            in_group: 0,
        })
    }

    /// Writes `rows` with row `i`'s text replaced by `kept(i)`; `None` keeps
    /// the row's text as it was, null included.
    ///
    /// The column keeps its type. For a string column (`Utf8`, `LargeUtf8`,
    /// `Utf8View`) bytes that are not UTF-8 are converted lossily, each bad
    /// sequence becoming U+FFFD; text cut on character boundaries is always
    /// valid, so this only guards against a caller's mistake.
    ///
    /// # Errors
    ///
    /// When `rows` were read with [`Columns::TextAndId`] or from a file of
    /// another schema, when the text outgrows a 32-bit offset column
    /// (`Utf8`, `Binary`: 2 GiB in one batch), or the writer's message
    /// (an I/O error included).
    pub(crate) fn write(
        &mut self,
        rows: &Rows,
        mut kept: impl FnMut(usize) -> Option<Vec<u8>>,
    ) -> Result<(), String> {
        if rows.batch.num_columns() != self.schema.fields().len()
            || rows.text_index != self.text_index
        {
            return Err(
                "cannot write Parquet: the rows were read without every column of the schema"
                    .to_string(),
            );
        }
        let text = replace_text(&rows.text, &mut kept)?;
        let mut columns = rows.batch.columns().to_vec();
        columns[self.text_index] = text;
        let mut batch = RecordBatch::try_new(Arc::clone(&self.schema), columns)
            .map_err(|e| format!("cannot write Parquet: {e}"))?;
        while batch.num_rows() > 0 {
            while self.row_groups.get(self.group) == Some(&0) {
                self.group += 1;
            }
            let room = self
                .row_groups
                .get(self.group)
                .map(|&n| n.saturating_sub(self.in_group));
            let take = match room {
                Some(room) => usize::try_from(room)
                    .unwrap_or(usize::MAX)
                    .min(batch.num_rows()),
                None => batch.num_rows(),
            };
            let head = batch.slice(0, take);
            batch = batch.slice(take, batch.num_rows() - take);
            self.writer
                .write(&head)
                .map_err(|e| format!("cannot write Parquet: {e}"))?;
            self.in_group += take as u64;
            let group_done = room == Some(take as u64);
            if group_done || self.writer.memory_size() > MAX_BUFFERED {
                self.writer
                    .flush()
                    .map_err(|e| format!("cannot write Parquet: {e}"))?;
            }
            if group_done {
                self.group += 1;
                self.in_group = 0;
            }
        }
        Ok(())
    }

    /// Writes the footer and hands back the writer.
    ///
    /// # Errors
    ///
    /// The writer's message (an I/O error included).
    pub(crate) fn finish(self) -> Result<W, String> {
        self.writer
            .into_inner()
            .map_err(|e| format!("cannot write Parquet: {e}"))
    }
}

/// The text column with `kept`'s replacements, of the same type.
fn replace_text(
    text: &TextColumn,
    kept: &mut impl FnMut(usize) -> Option<Vec<u8>>,
) -> Result<ArrayRef, String> {
    Ok(match text {
        TextColumn::Utf8(a) => Arc::new(replace_string::<i32>(a, kept)?),
        TextColumn::LargeUtf8(a) => Arc::new(replace_string::<i64>(a, kept)?),
        TextColumn::Binary(a) => Arc::new(replace_binary::<i32>(a, kept)?),
        TextColumn::LargeBinary(a) => Arc::new(replace_binary::<i64>(a, kept)?),
        TextColumn::Utf8View(a) => {
            let mut b = StringViewBuilder::with_capacity(a.len());
            for i in 0..a.len() {
                match kept(i) {
                    Some(v) => b.append_value(String::from_utf8_lossy(&v)),
                    None if a.is_null(i) => b.append_null(),
                    None => b.append_value(a.value(i)),
                }
            }
            Arc::new(b.finish())
        }
        TextColumn::BinaryView(a) => {
            let mut b = BinaryViewBuilder::with_capacity(a.len());
            for i in 0..a.len() {
                match kept(i) {
                    Some(v) => b.append_value(v),
                    None if a.is_null(i) => b.append_null(),
                    None => b.append_value(a.value(i)),
                }
            }
            Arc::new(b.finish())
        }
    })
}

/// The message when a batch's text outgrows its column's offsets.
fn too_large() -> String {
    "cannot write Parquet: the text of one batch passes 2 GiB, too much for its column type"
        .to_string()
}

/// [`replace_text`] for `Utf8` and `LargeUtf8`.
fn replace_string<O: OffsetSizeTrait>(
    a: &arrow_array::GenericStringArray<O>,
    kept: &mut impl FnMut(usize) -> Option<Vec<u8>>,
) -> Result<arrow_array::GenericStringArray<O>, String> {
    let limit = O::MAX_OFFSET;
    let mut b = GenericStringBuilder::<O>::with_capacity(a.len(), a.value_data().len());
    let mut total = 0usize;
    for i in 0..a.len() {
        let value: Option<Cow<'_, str>> = match kept(i) {
            Some(v) => Some(match String::from_utf8(v) {
                Ok(s) => Cow::Owned(s),
                Err(e) => Cow::Owned(String::from_utf8_lossy(e.as_bytes()).into_owned()),
            }),
            None if a.is_null(i) => None,
            None => Some(Cow::Borrowed(a.value(i))),
        };
        match value {
            Some(s) => {
                total = total.saturating_add(s.len());
                if total > limit {
                    return Err(too_large());
                }
                b.append_value(s);
            }
            None => b.append_null(),
        }
    }
    Ok(b.finish())
}

/// [`replace_text`] for `Binary` and `LargeBinary`.
fn replace_binary<O: OffsetSizeTrait>(
    a: &arrow_array::GenericBinaryArray<O>,
    kept: &mut impl FnMut(usize) -> Option<Vec<u8>>,
) -> Result<arrow_array::GenericBinaryArray<O>, String> {
    let limit = O::MAX_OFFSET;
    let mut b = GenericBinaryBuilder::<O>::with_capacity(a.len(), a.value_data().len());
    let mut total = 0usize;
    for i in 0..a.len() {
        let value: Option<Cow<'_, [u8]>> = match kept(i) {
            Some(v) => Some(Cow::Owned(v)),
            None if a.is_null(i) => None,
            None => Some(Cow::Borrowed(a.value(i))),
        };
        match value {
            Some(v) => {
                total = total.saturating_add(v.len());
                if total > limit {
                    return Err(too_large());
                }
                b.append_value(v);
            }
            None => b.append_null(),
        }
    }
    Ok(b.finish())
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use arrow_array::builder::{Int32Builder, ListBuilder};
    use arrow_array::{BooleanArray, Float64Array, Int32Array, Int64Array, StructArray};
    use arrow_schema::{Field, Fields, Schema};
    use parquet::schema::types::ColumnPath;

    use super::*;

    /// Rows per row group in the test files.
    const GROUP: usize = 16;

    /// The text of row `i` (null every seventh row).
    fn text_of(i: usize) -> Option<String> {
        (i % 7 != 3).then(|| format!("row {i}: some text, \u{e9}t\u{e9} {}", "ab".repeat(i % 5)))
    }

    /// A text array of type `t` with [`text_of`]'s values.
    fn text_array(t: &DataType, n: usize) -> ArrayRef {
        let values: Vec<Option<String>> = (0..n).map(text_of).collect();
        let strs: Vec<Option<&str>> = values.iter().map(|v| v.as_deref()).collect();
        let bytes: Vec<Option<&[u8]>> = strs.iter().map(|v| v.map(str::as_bytes)).collect();
        match t {
            DataType::Utf8 => Arc::new(StringArray::from(strs)),
            DataType::LargeUtf8 => Arc::new(LargeStringArray::from(strs)),
            DataType::Utf8View => Arc::new(StringViewArray::from(strs)),
            DataType::Binary => Arc::new(BinaryArray::from_opt_vec(bytes)),
            DataType::LargeBinary => Arc::new(LargeBinaryArray::from_opt_vec(bytes)),
            DataType::BinaryView => Arc::new(BinaryViewArray::from(bytes)),
            _ => unreachable!("not a text type"),
        }
    }

    /// `n` rows: an int64 id, a string id, the text (type `t`) in the
    /// middle, a list, a struct and a float column, with nulls in each.
    fn sample(n: usize, t: &DataType) -> RecordBatch {
        let id: Int64Array = (0..n)
            .map(|i| (i % 11 != 5).then_some(i as i64 * 10))
            .collect();
        let sid = StringArray::from(
            (0..n)
                .map(|i| (i % 13 != 6).then(|| format!("doc \"{i}\"")))
                .collect::<Vec<_>>(),
        );
        let mut tags = ListBuilder::new(Int32Builder::new());
        for i in 0..n {
            if i % 5 == 2 {
                tags.append_null();
            } else {
                for k in 0..(i % 4) {
                    tags.values().append_value(k as i32);
                }
                tags.append(true);
            }
        }
        let struct_fields = Fields::from(vec![
            Field::new("a", DataType::Int32, true),
            Field::new("b", DataType::Utf8, true),
        ]);
        let meta = StructArray::try_new(
            struct_fields.clone(),
            vec![
                Arc::new(Int32Array::from_iter_values((0..n).map(|i| i as i32))),
                Arc::new(StringArray::from_iter_values(
                    (0..n).map(|i| format!("b{i}")),
                )),
            ],
            BooleanArray::from(
                (0..n)
                    .map(|i| (i % 9 != 4).then_some(true))
                    .collect::<Vec<_>>(),
            )
            .nulls()
            .cloned(),
        )
        .unwrap();
        let score: Float64Array = (0..n)
            .map(|i| (i % 6 != 1).then_some(i as f64 + 0.5))
            .collect();
        let tags = tags.finish();
        let schema = Schema::new(vec![
            Field::new("id", DataType::Int64, true),
            Field::new("sid", DataType::Utf8, true),
            Field::new("text", t.clone(), true),
            Field::new("tags", tags.data_type().clone(), true),
            Field::new("meta", DataType::Struct(struct_fields), true),
            Field::new("score", DataType::Float64, true),
        ])
        .with_metadata(HashMap::from([(
            "origin".to_string(),
            "unit test".to_string(),
        )]));
        RecordBatch::try_new(
            Arc::new(schema),
            vec![
                Arc::new(id),
                Arc::new(sid),
                text_array(t, n),
                Arc::new(tags),
                Arc::new(meta),
                Arc::new(score),
            ],
        )
        .unwrap()
    }

    /// Writes `batch` to `path` in row groups of [`GROUP`] rows.
    fn write_file(path: &Path, batch: &RecordBatch, props: WriterProperties) {
        let props = props.into_builder().set_max_row_group_size(GROUP).build();
        let mut w =
            ArrowWriter::try_new(File::create(path).unwrap(), batch.schema(), Some(props)).unwrap();
        w.write(batch).unwrap();
        w.close().unwrap();
    }

    /// The whole file as one batch, with its schema and metadata.
    fn read_all(path: &Path) -> (RecordBatch, SchemaRef, Arc<ParquetMetaData>) {
        let b = ParquetRecordBatchReaderBuilder::try_new(File::open(path).unwrap()).unwrap();
        let schema = Arc::clone(b.schema());
        let meta = Arc::clone(b.metadata());
        let batches: Vec<RecordBatch> = b
            .with_batch_size(1 << 20)
            .build()
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert!(batches.len() <= 1);
        let batch = batches
            .into_iter()
            .next()
            .unwrap_or_else(|| RecordBatch::new_empty(Arc::clone(&schema)));
        (batch, schema, meta)
    }

    /// What the round trip writes for the row at file position `row`.
    fn replacement(row: u64, old: Option<&[u8]>) -> Option<Vec<u8>> {
        match row % 3 {
            0 => old.map(<[u8]>::to_ascii_uppercase),
            1 if row % 2 == 0 => Some(vec![0xff, b'o', b'k']),
            _ => None,
        }
    }

    /// Reads `input` in batches of `batch_rows`, writes it to `output` with
    /// [`replacement`], and returns the batch sizes read.
    fn round_trip(input: &Path, output: &Path, batch_rows: usize) -> Vec<usize> {
        let mut src =
            ParquetSource::open_with(input, "text", "id", Columns::All, batch_rows).expect("open");
        let mut sink = ParquetSink::new(File::create(output).unwrap(), &src.layout()).unwrap();
        let mut sizes = Vec::new();
        let mut next = 0;
        while let Some(rows) = src.next_batch().unwrap() {
            assert_eq!(rows.first_row(), next);
            next += rows.len() as u64;
            sizes.push(rows.len());
            let first = rows.first_row();
            sink.write(&rows, |i| replacement(first + i as u64, rows.text(i)))
                .unwrap();
        }
        assert_eq!(next, src.num_rows());
        sink.finish().unwrap();
        sizes
    }

    /// Checks `output` against `input` after [`round_trip`].
    fn check_output(input: &Path, output: &Path, t: &DataType) {
        let (inb, ins, inm) = read_all(input);
        let (outb, outs, outm) = read_all(output);
        assert_eq!(ins, outs, "schema and its metadata kept");
        assert_eq!(outs.field(2).data_type(), t);
        assert_eq!(
            outs.metadata().get("origin").map(String::as_str),
            Some("unit test")
        );
        assert_eq!(inb.num_rows(), outb.num_rows());
        for c in 0..inb.num_columns() {
            if c != 2 {
                assert_eq!(
                    inb.column(c).to_data(),
                    outb.column(c).to_data(),
                    "column {c}"
                );
            }
        }
        let old = TextColumn::new(inb.column(2)).unwrap();
        let new = TextColumn::new(outb.column(2)).unwrap();
        let string = matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View);
        for i in 0..inb.num_rows() {
            let want = match replacement(i as u64, old.get(i)) {
                Some(v) if string => Some(String::from_utf8_lossy(&v).into_owned().into_bytes()),
                Some(v) => Some(v),
                None => old.get(i).map(<[u8]>::to_vec),
            };
            assert_eq!(new.get(i).map(<[u8]>::to_vec), want, "row {i}");
        }
        assert!(new.get(3).is_none(), "a null stays null");
        assert_eq!(
            new.get(4),
            Some("\u{fffd}ok".as_bytes())
                .filter(|_| string)
                .or(Some(b"\xffok"))
        );
        let groups = |m: &ParquetMetaData| -> Vec<i64> {
            m.row_groups().iter().map(|g| g.num_rows()).collect()
        };
        assert_eq!(groups(&inm), groups(&outm), "row groups kept");
    }

    #[test]
    fn round_trip_keeps_everything_but_the_replaced_text() {
        let dir = tempfile::tempdir().unwrap();
        for t in [
            DataType::Utf8,
            DataType::LargeUtf8,
            DataType::Utf8View,
            DataType::Binary,
            DataType::LargeBinary,
            DataType::BinaryView,
        ] {
            let input = dir.path().join(format!("in-{t}.parquet"));
            let output = dir.path().join(format!("out-{t}.parquet"));
            write_file(&input, &sample(50, &t), WriterProperties::default());
            // Batches of 5 cross the row groups of 16.
            let sizes = round_trip(&input, &output, 5);
            assert_eq!(sizes.len(), 10, "{t}");
            assert!(sizes.iter().all(|&s| s <= 5));
            check_output(&input, &output, &t);
        }
    }

    #[test]
    fn one_batch_covers_several_row_groups() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.parquet");
        let output = dir.path().join("out.parquet");
        write_file(
            &input,
            &sample(40, &DataType::Utf8),
            WriterProperties::default(),
        );
        assert_eq!(round_trip(&input, &output, 4096), vec![40]);
        check_output(&input, &output, &DataType::Utf8);
    }

    #[test]
    fn output_compression_follows_the_input() {
        let dir = tempfile::tempdir().unwrap();
        let zstd = Compression::ZSTD(parquet::basic::ZstdLevel::try_new(3).unwrap());
        let cases = [
            ("snappy", Compression::SNAPPY, Compression::SNAPPY),
            ("zstd", zstd, zstd),
            ("mixed", Compression::SNAPPY, zstd),
            (
                "plain",
                Compression::UNCOMPRESSED,
                Compression::GZIP(Default::default()),
            ),
        ];
        for (name, all, text) in cases {
            let input = dir.path().join(format!("{name}.parquet"));
            let output = dir.path().join(format!("{name}-out.parquet"));
            let props = WriterProperties::builder()
                .set_compression(all)
                .set_column_compression(ColumnPath::from("text"), text)
                .set_column_dictionary_enabled(ColumnPath::from("sid"), false)
                .build();
            write_file(&input, &sample(40, &DataType::Utf8), props);
            round_trip(&input, &output, 7);
            let (_, _, inm) = read_all(&input);
            let (_, _, outm) = read_all(&output);
            let codecs = |m: &ParquetMetaData| -> Vec<(String, Compression, bool)> {
                m.row_groups()
                    .iter()
                    .flat_map(|g| g.columns())
                    .map(|c| {
                        let dict = c.encodings().any(|e| e == Encoding::RLE_DICTIONARY);
                        (c.column_path().string(), c.compression(), dict)
                    })
                    .collect()
            };
            let got = codecs(&outm);
            assert_eq!(codecs(&inm), got, "{name}");
            let text_codec = got.iter().find(|c| c.0 == "text").unwrap().1;
            assert_eq!(
                std::mem::discriminant(&text_codec),
                std::mem::discriminant(&text),
                "{name}"
            );
        }
    }

    #[test]
    fn ids_as_json() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ids.parquet");
        write_file(
            &path,
            &sample(20, &DataType::Utf8),
            WriterProperties::default(),
        );
        let ids = |id: &str| -> Vec<Option<String>> {
            let mut src = ParquetSource::open(&path, "text", id).unwrap();
            let rows = src.next_batch().unwrap().unwrap();
            assert!(src.next_batch().unwrap().is_none());
            (0..rows.len()).map(|i| rows.id_json(i)).collect()
        };
        let int = ids("id");
        assert_eq!(int[0].as_deref(), Some("0"));
        assert_eq!(int[7].as_deref(), Some("70"));
        assert_eq!(int[5], None);
        let string = ids("sid");
        assert_eq!(string[2].as_deref(), Some(r#""doc \"2\"""#));
        assert_eq!(string[6], None);
        let float = ids("score");
        assert_eq!(float[0].as_deref(), Some(r#""0.5""#));
        assert_eq!(float[1], None);
        assert!(ids("no such column").iter().all(Option::is_none));
        let text = ids("text");
        assert_eq!(text[0].as_deref(), Some(r#""row 0: some text, été ""#));
    }

    #[test]
    fn text_and_id_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("narrow.parquet");
        write_file(
            &path,
            &sample(30, &DataType::Utf8),
            WriterProperties::default(),
        );
        let mut src =
            ParquetSource::open_with(&path, "text", "sid", Columns::TextAndId, 100).unwrap();
        let rows = src.next_batch().unwrap().unwrap();
        assert_eq!(rows.batch.num_columns(), 2);
        assert_eq!(rows.text(0), text_of(0).as_deref().map(str::as_bytes));
        assert_eq!(rows.text(3), None);
        assert_eq!(rows.id_json(1).as_deref(), Some(r#""doc \"1\"""#));
        let mut sink = ParquetSink::new(Vec::new(), &src.layout()).unwrap();
        let err = sink.write(&rows, |_| None).unwrap_err();
        assert!(err.contains("without every column"), "{err}");
    }

    #[test]
    fn clear_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("good.parquet");
        write_file(
            &path,
            &sample(30, &DataType::Utf8),
            WriterProperties::default(),
        );
        let shown = path.display().to_string();

        let err = ParquetSource::open(&path, "content", "id").err().unwrap();
        assert!(
            err.contains(&shown) && err.contains("no text column `content`"),
            "{err}"
        );
        assert!(err.contains("`text`"), "lists the columns: {err}");
        let err = ParquetSource::open(&path, "score", "id").err().unwrap();
        assert!(err.contains(&shown) && err.contains("Float64"), "{err}");

        let jsonl = dir.path().join("shard.jsonl");
        std::fs::write(&jsonl, "{\"text\": \"hi\"}\n").unwrap();
        let err = ParquetSource::open(&jsonl, "text", "id").err().unwrap();
        assert!(err.contains(&jsonl.display().to_string()), "{err}");
        assert!(err.contains("not a Parquet file"), "{err}");
        let empty = dir.path().join("empty.parquet");
        std::fs::write(&empty, "").unwrap();
        assert!(ParquetSource::open(&empty, "text", "id").is_err());
        let missing = dir.path().join("missing.parquet");
        let err = ParquetSource::open(&missing, "text", "id").err().unwrap();
        assert!(err.contains(&missing.display().to_string()), "{err}");
    }

    #[test]
    fn corrupt_files_are_errors_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("good.parquet");
        write_file(
            &good,
            &sample(40, &DataType::Utf8),
            WriterProperties::default(),
        );
        let bytes = std::fs::read(&good).unwrap();
        let bad = dir.path().join("bad.parquet");
        let shown = bad.display().to_string();
        let mut variants = vec![bytes[..bytes.len() / 2].to_vec(), bytes[..6].to_vec()];
        for at in (4..bytes.len()).step_by(bytes.len() / 23) {
            let mut v = bytes.clone();
            for b in v.iter_mut().skip(at).take(8) {
                *b ^= 0x5a;
            }
            variants.push(v);
        }
        for v in variants {
            std::fs::write(&bad, &v).unwrap();
            let result = ParquetSource::open(&bad, "text", "id").and_then(|mut src| {
                while src.next_batch()?.is_some() {}
                Ok(())
            });
            if let Err(e) = result {
                assert!(e.contains(&shown), "{e}");
            }
        }
    }

    #[test]
    fn large_texts_make_small_batches() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("large.parquet");
        let texts: Vec<String> = (0..8).map(|i| format!("{i}").repeat(100 << 10)).collect();
        let schema = Arc::new(Schema::new(vec![Field::new("text", DataType::Utf8, false)]));
        let batch = RecordBatch::try_new(schema, vec![Arc::new(StringArray::from(texts))]).unwrap();
        write_file(&path, &batch, WriterProperties::default());
        let b = ParquetRecordBatchReaderBuilder::try_new(File::open(&path).unwrap()).unwrap();
        let rows = batch_rows(b.metadata(), "text", MAX_BATCH_ROWS);
        assert!((150..=170).contains(&rows), "{rows}");
    }

    #[test]
    fn oversized_batches_are_cut() {
        let a: ArrayRef = Arc::new(StringArray::from(vec!["0123456789"; 3]));
        let t = TextColumn::new(&a).unwrap();
        assert_eq!(t.rows_within(5), 1);
        assert_eq!(t.rows_within(15), 1);
        assert_eq!(t.rows_within(20), 2);
        assert_eq!(t.rows_within(100), 3);
    }

    #[test]
    fn magic() {
        assert!(is_parquet(b"PAR1\x15\x00"));
        assert!(!is_parquet(b"PAR"));
        assert!(!is_parquet(b"{\"text\""));
    }
}
