//! The reading stage: sources into batches of documents.

use std::fs::File;
use std::io::{self, Read};
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::args::{InputArgs, OnBadRecord};
use crate::batch::{Batch, Doc, DocKind, TextAt};
use crate::budget::Budget;
use crate::error::{CliError, Result};
use crate::format;
use crate::inputs::{Inputs, Location, Source};
use crate::jsonl;
use crate::parquet::{Columns, ParquetSource, MAX_BATCH_ROWS};

/// JSON Lines are read this many bytes at a time, straight into a batch.
const READ_CHUNK: usize = 1 << 20;

/// The JSON Lines source being read.
struct LineSource {
    /// Its index in [`Inputs::sources`].
    index: usize,
    /// The open file or standard input.
    reader: Box<dyn Read + Send>,
    /// The number of the last line taken.
    line_no: u64,
    /// Bytes read past the last line a full batch took, for the next one.
    carry: Vec<u8>,
    /// Whether the reader reached the end of the source.
    eof: bool,
}

/// How much a batch takes and how much is read at a time (tests make them
/// tiny).
#[derive(Clone, Copy, Debug)]
struct Sizes {
    /// A batch ends after this many bytes of lines or files...
    bytes: usize,
    /// ...or this many lines.
    lines: usize,
    /// JSON Lines are read this many bytes at a time.
    read: usize,
    /// The largest file or record (`--max-record-size`).
    record: Option<u64>,
}

/// The reading stage: turns the sources into batches.
pub(crate) struct Reader<'a> {
    /// The sources, in corpus order.
    inputs: &'a Inputs,
    /// `--jsonl` and the field names.
    opts: &'a InputArgs,
    /// The next source to open.
    next: usize,
    /// The JSON Lines source being read.
    open: Option<LineSource>,
    /// Batch and read sizes.
    sizes: Sizes,
    /// The limits, for their errors.
    budget: &'a Budget,
    /// The Parquet file being read, with its index in the sources.
    parquet: Option<(usize, ParquetSource)>,
    /// Which Parquet columns to decode: all of them when rows are written
    /// back, otherwise the text and id.
    columns: Columns,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(inputs: &'a Inputs, opts: &'a InputArgs, budget: &'a Budget) -> Reader<'a> {
        Reader {
            inputs,
            opts,
            next: 0,
            open: None,
            sizes: Sizes {
                bytes: budget.batch_bytes,
                lines: budget.batch_docs,
                read: READ_CHUNK,
                record: budget.record_limit,
            },
            budget,
            parquet: None,
            columns: Columns::TextAndId,
        }
    }

    /// Decodes every column of Parquet files (the rows are written back).
    pub(crate) fn with_all_columns(mut self) -> Self {
        self.columns = Columns::All;
        self
    }

    /// Fills the batch with the next documents; `false` when every source
    /// is done.
    pub(crate) fn fill(&mut self, batch: &mut Batch) -> Result<bool> {
        batch.clear();
        loop {
            let full = batch.data.len() >= self.sizes.bytes || batch.docs.len() >= self.sizes.lines;
            if full {
                return Ok(true);
            }
            let idle = self.open.is_none() && self.parquet.is_none();
            if idle && !self.open_next(batch)? {
                return Ok(!batch.docs.is_empty());
            }
            if self.open.is_some() {
                self.read_lines(batch)?;
            }
            if self.parquet.is_some() {
                self.read_rows(batch)?;
            }
        }
    }

    /// Opens the next source, marking its start in the batch; reads it
    /// whole unless it is JSON Lines. `false` when there is none.
    fn open_next(&mut self, batch: &mut Batch) -> Result<bool> {
        let Some(source) = self.inputs.sources.get(self.next) else {
            return Ok(false);
        };
        let index = self.next;
        self.next += 1;
        let name = match &source.location {
            Location::File(path) => Some(path.as_path()),
            Location::Stdin => None,
        };
        let opened = open(source)
            .and_then(|raw| format::open(raw, name))
            .map_err(|e| cannot_read(source, e))?;
        // A Parquet file is read by its footer, through a handle of its own.
        if let (true, Location::File(path)) = (opened.parquet, &source.location) {
            let parquet = ParquetSource::open_with(
                path,
                &self.opts.text_field,
                &self.opts.id_field,
                self.columns,
                MAX_BATCH_ROWS,
            )
            .map_err(CliError::Usage)?;
            let at = batch.data.len();
            batch.layouts.push(parquet.layout());
            let layout = batch.layouts.len() - 1;
            batch
                .docs
                .push(Doc::new(index, at..at, DocKind::OpenParquet { layout }));
            self.parquet = Some((index, parquet));
            return Ok(true);
        }
        let (compression, reader) = (opened.compression, opened.reader);
        let at = batch.data.len();
        batch
            .docs
            .push(Doc::new(index, at..at, DocKind::Open { compression }));
        if self.opts.jsonl {
            self.open = Some(LineSource {
                index,
                reader,
                line_no: 0,
                carry: Vec::new(),
                eof: false,
            });
            return Ok(true);
        }
        // The first block says whether it is text at all: a file that is
        // not is left out, and the rest of it is not read.
        let limit = self.sizes.record;
        let mut reader = reader.take(limit.map_or(u64::MAX, |l| l.saturating_add(1)));
        (&mut reader)
            .take(format::SNIFF as u64)
            .read_to_end(&mut batch.data)
            .map_err(|e| cannot_read(source, e))?;
        if let Some(what) = format::not_text(&batch.data[at..]) {
            batch.data.truncate(at);
            eprintln!(
                "textdedup: warning: '{}' is {what}, not text: left as it is",
                source.name
            );
            batch.docs.push(Doc::new(index, at..at, DocKind::Skipped));
            return Ok(true);
        }
        reader
            .read_to_end(&mut batch.data)
            .map_err(|e| cannot_read(source, e))?;
        let read = batch.data.len() - at;
        if limit.is_some_and(|l| read as u64 > l) {
            return Err(self.budget.too_large(PathBuf::from(&source.name), None));
        }
        batch
            .docs
            .push(Doc::new(index, at..batch.data.len(), DocKind::Plain));
        Ok(true)
    }

    /// Adds the next rows of the open Parquet file to the batch (one
    /// record batch of the file at a time, whole).
    fn read_rows(&mut self, batch: &mut Batch) -> Result<()> {
        let Some((index, parquet)) = &mut self.parquet else {
            return Ok(());
        };
        let index = *index;
        let source = &self.inputs.sources[index];
        let Some(rows) = parquet.next_batch().map_err(CliError::Usage)? else {
            self.parquet = None;
            return Ok(());
        };
        let which = batch.rows.len();
        for row in 0..rows.len() {
            let at = batch.data.len();
            let kind = match rows.text(row) {
                Some(text) if self.sizes.record.is_some_and(|l| text.len() as u64 > l) => {
                    let n = rows.first_row() + row as u64;
                    let path = PathBuf::from(format!("{}, row {n}", source.name));
                    return Err(self.budget.too_large(path, None));
                }
                Some(text) => {
                    batch.data.extend_from_slice(text);
                    DocKind::Row { rows: which, row }
                }
                None if self.opts.on_bad_record == OnBadRecord::Skip => {
                    let n = rows.first_row() + row as u64;
                    tell_bad_record(&source.name, &format!("row {n}"), "the text is null");
                    DocKind::NullRow { rows: which }
                }
                None => {
                    let n = rows.first_row() + row as u64;
                    return Err(CliError::Usage(format!(
                        "{}, row {n}: the text is null (--on-bad-record skip passes such \
                         rows through)",
                        source.name
                    )));
                }
            };
            batch.docs.push(Doc::new(index, at..batch.data.len(), kind));
        }
        batch.rows.push(rows);
        Ok(())
    }

    /// Reads lines of the open JSON Lines source until the batch is full
    /// or the source ends. The source is read in large blocks straight
    /// into the batch; a line the full batch has no room for waits in
    /// [`LineSource::carry`].
    fn read_lines(&mut self, batch: &mut Batch) -> Result<()> {
        let Some(open) = &mut self.open else {
            return Ok(());
        };
        let source = &self.inputs.sources[open.index];
        let sizes = self.sizes;
        if batch.docs.len() >= sizes.lines {
            // Full already (the source's start mark took the last place).
            return Ok(());
        }
        let first = batch.data.len();
        batch.data.extend_from_slice(&open.carry);
        open.carry.clear();
        // The first byte of the line being read, and how far it was
        // searched for its end.
        let (mut pos, mut searched) = (first, first);
        loop {
            // The lines read whole; at the end of the source, the last one
            // even without its terminator.
            while batch.docs.len() < sizes.lines {
                let end = match memchr::memchr(b'\n', &batch.data[searched..]) {
                    Some(i) => searched + i + 1,
                    None if open.eof && pos < batch.data.len() => batch.data.len(),
                    None => {
                        searched = batch.data.len();
                        // A line without its end yet, already too long.
                        let partial = (batch.data.len() - pos) as u64;
                        if sizes.record.is_some_and(|l| partial > l.saturating_add(2)) {
                            let (path, line) = (PathBuf::from(&source.name), open.line_no + 1);
                            return Err(self.budget.too_large(path, Some(line)));
                        }
                        break;
                    }
                };
                take_line(open, source, self.opts, batch, pos..end)?;
                let record = strip_terminator(&batch.data[pos..end]).len() as u64;
                if sizes.record.is_some_and(|l| record > l) {
                    let (path, line) = (PathBuf::from(&source.name), open.line_no);
                    return Err(self.budget.too_large(path, Some(line)));
                }
                (pos, searched) = (end, end);
            }
            if open.eof && pos == batch.data.len() {
                self.open = None;
                return Ok(());
            }
            let full = batch.docs.len() >= sizes.lines || batch.data.len() >= sizes.bytes;
            if full && pos > first {
                // The rest starts the next batch.
                open.carry.extend_from_slice(&batch.data[pos..]);
                batch.data.truncate(pos);
                return Ok(());
            }
            let read = (&mut open.reader)
                .take(sizes.read as u64)
                .read_to_end(&mut batch.data)
                .map_err(|e| cannot_read(source, e))?;
            open.eof = read < sizes.read;
        }
    }
}

/// Adds the JSON Lines line at `line` (its terminator included) of the
/// batch's bytes to the batch: a record, or a blank line.
fn take_line(
    open: &mut LineSource,
    source: &Source,
    opts: &InputArgs,
    batch: &mut Batch,
    line: Range<usize>,
) -> Result<()> {
    open.line_no += 1;
    let line_no = open.line_no;
    let bytes = &batch.data[line.clone()];
    // A UTF-8 byte order mark before the first record is not part of it
    // (and stays in `clean`'s output, as it was).
    let bom = if line_no == 1 && bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let body = strip_terminator(&bytes[bom..]);
    let start = line.start + bom;
    let kind = if body.iter().all(u8::is_ascii_whitespace) {
        DocKind::Blank
    } else {
        match record(body, start, line_no, opts, &mut batch.decoded) {
            Ok(kind) => kind,
            Err(reason) if opts.on_bad_record == OnBadRecord::Skip => {
                tell_bad_record(&source.name, &format!("line {line_no}"), &reason);
                DocKind::BadRecord
            }
            Err(reason) => {
                return Err(CliError::Record {
                    path: PathBuf::from(&source.name),
                    line: line_no,
                    reason,
                })
            }
        }
    };
    batch.docs.push(Doc::new(open.index, line, kind));
    Ok(())
}

/// The record on the line whose body (no terminator, no byte order mark)
/// is `body`, starting at `start` in the batch's data; its text decoded
/// into `decoded` when it has escapes.
fn record(
    body: &[u8],
    start: usize,
    line_no: u64,
    opts: &InputArgs,
    decoded: &mut Vec<u8>,
) -> std::result::Result<DocKind, String> {
    let body = std::str::from_utf8(body).map_err(|e| format!("not valid UTF-8 ({e})"))?;
    let record = jsonl::parse(body, &opts.text_field, &opts.id_field)?;
    let raw = start + record.text_raw.start..start + record.text_raw.end;
    let text = if record.escaped {
        let at = decoded.len();
        if let Err(e) = jsonl::unescape_into(&body[record.text_raw], decoded) {
            decoded.truncate(at);
            return Err(e);
        }
        TextAt::Decoded(at..decoded.len())
    } else {
        TextAt::Data(raw.start + 1..raw.end - 1)
    };
    Ok(DocKind::Record {
        line_no,
        text,
        raw,
        id: record.id_raw.map(|r| start + r.start..start + r.end),
    })
}

/// How many skipped records are told of one by one, at most.
const TOLD_BAD_RECORDS: u64 = 100;

/// Tells of a skipped record on standard error (the first
/// [`TOLD_BAD_RECORDS`] of a run; the summary counts them all).
fn tell_bad_record(file: &str, line: &str, reason: &str) {
    static TOLD: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let told = TOLD.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    if told < TOLD_BAD_RECORDS {
        eprintln!("textdedup: warning: {file}, {line}: {reason}; passed through unchanged");
    } else if told == TOLD_BAD_RECORDS {
        eprintln!("textdedup: warning: more records skipped; the summary counts them");
    }
}

/// A read error about `source`.
fn cannot_read(source: &Source, e: io::Error) -> CliError {
    match &source.location {
        Location::Stdin => CliError::io("cannot read", Path::new("standard input"), e),
        Location::File(p) => CliError::io("cannot read", p, e),
    }
}

/// Opens a source for reading.
fn open(source: &Source) -> io::Result<Box<dyn Read + Send>> {
    Ok(match &source.location {
        Location::Stdin => Box::new(io::stdin()),
        Location::File(path) => Box::new(File::open(path)?),
    })
}

/// A line without its `\n` or `\r\n`.
fn strip_terminator(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

#[cfg(test)]
mod tests {
    use super::{Batch, Budget, DocKind, Reader, Sizes, TextAt};
    use crate::args::InputArgs;
    use crate::error::Result;
    use crate::inputs::Inputs;

    /// Every document the reader gives, batch after batch: its source,
    /// line bytes, line number and text; each batch within the limits.
    fn read_all(inputs: &Inputs, opts: &InputArgs, sizes: Sizes) -> Result<Vec<String>> {
        let budget = Budget::unlimited();
        let mut reader = Reader::new(inputs, opts, &budget);
        reader.sizes = sizes;
        let (mut batch, mut out) = (Batch::default(), Vec::new());
        while reader.fill(&mut batch)? {
            assert!(batch.docs.len() <= sizes.lines, "{sizes:?}");
            for doc in &batch.docs {
                let line = String::from_utf8_lossy(&batch.data[doc.line.clone()]);
                let what = match &doc.kind {
                    DocKind::Record { line_no, text, .. } => {
                        let text = match text {
                            TextAt::Data(r) => &batch.data[r.clone()],
                            TextAt::Decoded(r) => &batch.decoded[r.clone()],
                        };
                        format!("record {line_no} {:?}", String::from_utf8_lossy(text))
                    }
                    other => format!("{other:?}"),
                };
                out.push(format!("{} {line:?} {what}", doc.source));
            }
        }
        Ok(out)
    }

    /// JSON Lines files in a temporary directory, their inputs and options.
    fn json_lines(files: &[&str]) -> (tempfile::TempDir, Inputs, InputArgs) {
        let dir = tempfile::tempdir().unwrap();
        let mut paths = Vec::new();
        for (i, content) in files.iter().enumerate() {
            let path = dir.path().join(format!("{i}.jsonl"));
            std::fs::write(&path, content).unwrap();
            paths.push(path);
        }
        let inputs = Inputs::resolve(&paths, &Default::default()).unwrap();
        let opts = InputArgs {
            inputs: paths,
            jsonl: true,
            text_field: "text".into(),
            id_field: "id".into(),
            on_bad_record: crate::args::OnBadRecord::Fail,
            include: Vec::new(),
            exclude: Vec::new(),
        };
        (dir, inputs, opts)
    }

    /// Sizes from one byte up to the real ones.
    const SIZES: [(usize, usize, usize); 6] = [
        (1, 1, 1),
        (7, 2, 3),
        (100, 3, 64),
        (6000, 100, 4096),
        (usize::MAX, usize::MAX, 1 << 20),
        (16 << 20, 32768, super::READ_CHUNK),
    ];

    #[test]
    fn json_lines_read_the_same_in_any_block_and_batch_sizes() {
        let long = "x".repeat(5000);
        let first = "\u{feff}{\"text\":\"first\"}\n";
        let escaped = "{\"id\":7,\"text\":\"a\\nb\"}\r\n";
        let long_line = format!("{{\"text\":\"{long}\"}}\n");
        let last = "{\"text\":\"no newline\"}";
        let other = "{\"text\":\"second file\"}\n";
        let file0 = format!("{first}\n  \r\n{escaped}{long_line}{last}");
        let (_dir, inputs, opts) = json_lines(&[&file0, "", other]);
        let want = [
            format!("0 {:?} Open {{ compression: None }}", ""),
            format!("0 {first:?} record 1 {:?}", "first"),
            format!("0 {:?} Blank", "\n"),
            format!("0 {:?} Blank", "  \r\n"),
            format!("0 {escaped:?} record 4 {:?}", "a\nb"),
            format!("0 {long_line:?} record 5 {long:?}"),
            format!("0 {last:?} record 6 {:?}", "no newline"),
            format!("1 {:?} Open {{ compression: None }}", ""),
            format!("2 {:?} Open {{ compression: None }}", ""),
            format!("2 {other:?} record 1 {:?}", "second file"),
        ];
        for (bytes, lines, read) in SIZES {
            let sizes = Sizes {
                bytes,
                lines,
                read,
                record: None,
            };
            assert_eq!(read_all(&inputs, &opts, sizes).unwrap(), want, "{sizes:?}");
        }
    }

    #[test]
    fn a_bad_record_is_named_by_its_line_in_any_sizes() {
        let lines: String = (0..50).map(|i| format!("{{\"text\":\"{i}\"}}\n")).collect();
        let (_dir, inputs, opts) = json_lines(&[&format!("{lines}\n{{\"text\": 5}}\n{lines}")]);
        for (bytes, lines, read) in SIZES {
            let sizes = Sizes {
                bytes,
                lines,
                read,
                record: None,
            };
            let message = read_all(&inputs, &opts, sizes).unwrap_err().to_string();
            assert!(
                message.contains("0.jsonl") && message.contains("52"),
                "{sizes:?}: {message}"
            );
            assert!(message.contains("not a string"), "{message}");
        }
    }

    #[test]
    fn a_record_over_the_limit_is_named_by_its_line_in_any_sizes() {
        let short: String = (0..20)
            .map(|i| format!("{{\"text\":\"{i}\"}}\r\n"))
            .collect();
        let long = format!("{{\"text\":\"{}\"}}", "y".repeat(100));
        let (_dir, inputs, opts) = json_lines(&[&format!("{short}{long}\n{short}")]);
        for (bytes, lines, read) in SIZES {
            for (record, fails) in [(long.len() - 1, true), (long.len(), false)] {
                let sizes = Sizes {
                    bytes,
                    lines,
                    read,
                    record: Some(record as u64),
                };
                match read_all(&inputs, &opts, sizes) {
                    Err(e) => {
                        let message = e.to_string();
                        assert!(fails, "{sizes:?}: {message}");
                        assert!(message.contains("0.jsonl, line 21"), "{message}");
                        assert!(message.contains("--max-record-size"), "{message}");
                    }
                    Ok(docs) => assert!(!fails && docs.len() == 42, "{sizes:?}"),
                }
            }
        }
    }
}
