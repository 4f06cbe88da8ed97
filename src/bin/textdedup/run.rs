//! The subcommands: resolve inputs, pick the output, run the loop.

use std::fs::File;
use std::io::{self, Read, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread;

use crate::args::{ChunkArgs, CleanArgs, FindArgs, InputArgs, RunArgs};
use crate::budget::Budget;
use crate::engine::{ChunkRec, Engine, Hit};
use crate::error::{CliError, Result};
use crate::inputs::{Inputs, Location, Source};
use crate::jsonl;
use crate::output::{self, Staging, Stream};
use crate::progress::{Progress, Totals};
use crate::temp;

/// JSON Lines are read this many bytes at a time, straight into a batch.
const READ_CHUNK: usize = 1 << 20;

/// A batch ends after this many bytes of lines or files (16 MiB: on 1 GB of
/// JSON Lines, `find` about 11% faster end to end than with 4 MiB, for 26%
/// more peak memory, 791 MB against 627 MB)...
const BATCH_BYTES: usize = 16 << 20;

/// ...or this many lines.
const BATCH_LINES: usize = 32768;

/// `find` writes a document's report lines this many bytes at a time.
const REPORT_BLOCK: usize = 1 << 16;

/// What `--output` in `clean` would need instead when it names an input.
const IN_PLACE_HINT: &str = "; use --in-place to clean a file where it is";

/// `textdedup clean`.
///
/// # Errors
///
/// Any [`CliError`]; no output file is left behind.
pub(crate) fn clean(args: CleanArgs) -> Result<()> {
    let mut engine = Engine::new(&args.dedup)?;
    setup(&args.run)?;
    let inputs = Inputs::resolve(&args.input.inputs)?;
    let mut sink = match (&args.out_dir, &args.output) {
        _ if args.in_place => {
            let dests = output::check_in_place(&inputs)?;
            for dir in dests.iter().map(|d| output::parent_of(d)) {
                temp::sweep(dir, &mut warn);
            }
            let mut staging = Staging::in_place();
            staging.plan(dests.iter().map(PathBuf::as_path))?;
            Sink::CleanMirror {
                staging: Box::new(staging),
                dests,
            }
        }
        (Some(dir), _) => {
            let dests = inputs
                .sources
                .iter()
                .map(|s| {
                    s.out_rel.clone().ok_or_else(|| {
                        CliError::Usage(
                            "standard input ('-') cannot be written under --out-dir".into(),
                        )
                    })
                })
                .collect::<Result<Vec<PathBuf>>>()?;
            let mut staging = Staging::out_dir(dir)?;
            staging.plan(dests.iter().map(PathBuf::as_path))?;
            let targets: Vec<PathBuf> = dests.iter().map(|d| staging.final_path(d)).collect();
            output::check_out_dir(dir, &targets, &inputs)?;
            if let Some(root) = staging.root() {
                temp::sweep(output::parent_of(root), &mut warn);
                temp::sweep_tree(root, &mut warn);
            }
            Sink::CleanMirror {
                staging: Box::new(staging),
                dests,
            }
        }
        (None, _) if inputs.many => {
            return Err(CliError::Usage(
                "several inputs or a directory: give --out-dir DIR to mirror them, \
                 or --in-place to clean each file where it is"
                    .into(),
            ));
        }
        (None, output) => {
            Sink::CleanStream(open_stream(output.as_deref(), &inputs, IN_PLACE_HINT)?)
        }
    };
    finish(
        process(&mut engine, &inputs, &args.input, &mut sink, &args.run)?,
        &args.run,
        sink,
    )
}

/// `textdedup find`.
///
/// # Errors
///
/// Any [`CliError`]; no output file is left behind.
pub(crate) fn find(args: FindArgs) -> Result<()> {
    let mut engine = Engine::new(&args.dedup)?;
    setup(&args.run)?;
    let inputs = Inputs::resolve(&args.input.inputs)?;
    let mut sink = Sink::Find {
        stream: open_stream(args.output.as_deref(), &inputs, "")?,
        names: Vec::new(),
    };
    finish(
        process(&mut engine, &inputs, &args.input, &mut sink, &args.run)?,
        &args.run,
        sink,
    )
}

/// `textdedup chunk`: one JSON object per chunk, in corpus order:
/// `{"doc": D, "offset": O, "length": L, "hash": "<32 hex digits>"}`.
///
/// # Errors
///
/// Any [`CliError`]; no output file is left behind.
pub(crate) fn chunk(args: ChunkArgs) -> Result<()> {
    let mut engine = Engine::chunker(&args)?;
    setup(&args.run)?;
    let inputs = Inputs::resolve(&args.input.inputs)?;
    let mut sink = Sink::Chunks {
        stream: open_stream(args.output.as_deref(), &inputs, "")?,
    };
    finish(
        process(&mut engine, &inputs, &args.input, &mut sink, &args.run)?,
        &args.run,
        sink,
    )
}

/// Opens `--output` (or standard output), refusing an input as output
/// (`hint` says what to do instead) and tidying what killed runs left
/// beside it.
fn open_stream(path: Option<&Path>, inputs: &Inputs, hint: &str) -> Result<Stream> {
    let stream = Stream::open(path)?;
    if let Some(target) = stream.target() {
        output::check_stream(target, inputs, hint)?;
        temp::sweep(output::parent_of(target), &mut warn);
    }
    Ok(stream)
}

/// Prints a warning on standard error.
fn warn(message: String) {
    eprintln!("textdedup: warning: {message}");
}

/// Applies `--threads`.
fn setup(run: &RunArgs) -> Result<()> {
    #[cfg(feature = "parallel")]
    if let Some(n) = run.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.into())
            .build_global()
            .map_err(|e| CliError::Usage(format!("--threads {n}: {e}")))?;
    }
    // Without `parallel` there are no worker threads: the value is accepted
    // and has nothing to set.
    #[cfg(not(feature = "parallel"))]
    let _ = run.threads;
    Ok(())
}

/// Commits the output and prints the summary.
fn finish(totals: Totals, run: &RunArgs, sink: Sink) -> Result<()> {
    sink.commit()?;
    if !run.quiet {
        eprintln!("{}", totals.summary());
    }
    Ok(())
}

/// Feeds every document of `inputs`, in corpus order, to `engine` and
/// hands the results to `sink`: the whole processing loop.
///
/// Three stages pass [`Batch`]es along: a [`Reader`] (reading files,
/// splitting and parsing JSON Lines), the engine, and the sink (writing).
/// With `--threads 1` they take turns on this thread; otherwise the reader
/// and the sink get a thread each, so reading and writing overlap the
/// engine's work. The engine sees the documents in corpus order either
/// way, so the output is the same. A batch (parallel) engine replaces
/// [`dedup_batch`].
fn process(
    engine: &mut Engine,
    inputs: &Inputs,
    opts: &InputArgs,
    sink: &mut Sink,
    run: &RunArgs,
) -> Result<Totals> {
    let mut progress = Progress::new(!run.quiet, || inputs.total_len());
    let mut totals = Totals::default();
    let budget = Budget::new(run, engine, BATCH_BYTES, BATCH_LINES);
    let mut reader = Reader::new(inputs, opts, &budget);
    let mut held = Held {
        names: matches!(sink, Sink::Find { .. }).then_some(0),
        inputs,
    };
    if run.threads == Some(1) {
        let mut batch = Batch::default();
        let mut kept = Vec::new();
        while reader.fill(&mut batch)? {
            dedup_batch(
                engine,
                &mut batch,
                &mut totals,
                &mut progress,
                &budget,
                &mut held,
            )?;
            sink.write_batch(inputs, &batch, &mut kept)?;
        }
    } else {
        thread::scope(|scope| -> Result<()> {
            // Two batches wait between stages at most: enough to keep
            // every stage busy, little memory.
            let (to_engine, from_reader) = mpsc::sync_channel::<Result<Batch>>(2);
            let (to_sink, from_engine) = mpsc::sync_channel::<Batch>(2);
            let (recycle, recycled) = mpsc::channel::<Batch>();
            scope.spawn(move || loop {
                let mut batch = recycled.try_recv().unwrap_or_default();
                let item = match reader.fill(&mut batch) {
                    Ok(true) => Ok(batch),
                    Ok(false) => return,
                    Err(e) => Err(e),
                };
                let stop = item.is_err();
                // A closed channel means a later stage stopped early.
                if to_engine.send(item).is_err() || stop {
                    return;
                }
            });
            let writer = scope.spawn(move || -> Result<()> {
                let mut kept = Vec::new();
                for batch in from_engine {
                    sink.write_batch(inputs, &batch, &mut kept)?;
                    let _ = recycle.send(batch);
                }
                Ok(())
            });
            let mut read = Ok(());
            for item in from_reader {
                match item {
                    Ok(mut batch) => {
                        let fed = dedup_batch(
                            engine,
                            &mut batch,
                            &mut totals,
                            &mut progress,
                            &budget,
                            &mut held,
                        );
                        if let Err(e) = fed {
                            read = Err(e);
                            break;
                        }
                        if to_sink.send(batch).is_err() {
                            break;
                        }
                    }
                    Err(e) => {
                        read = Err(e);
                        break;
                    }
                }
            }
            drop(to_sink);
            let written = writer.join().expect("the writer thread does not panic");
            // The first failure in corpus order is the one to report: a
            // write failure happened on an earlier batch than a read failure
            // still in flight.
            written.and(read)
        })?;
    }
    progress.finish();
    Ok(totals)
}

/// What the run holds beside the engine's state, for `--max-memory`.
struct Held<'a> {
    /// `find` only: the bytes of the document names kept so far.
    names: Option<u64>,
    /// The sources, for the names of plain files and records without id.
    inputs: &'a Inputs,
}

impl Held<'_> {
    /// Counts the name `find` keeps for `doc`: its text and about 64
    /// bytes of pointer, length, allocation and the list's spare room.
    fn add_name(&mut self, doc: &Doc) {
        let Some(names) = &mut self.names else {
            return;
        };
        let source = &self.inputs.sources[doc.source].name;
        let len = match &doc.kind {
            DocKind::Record { id: Some(id), .. } => id.len(),
            DocKind::Record { .. } => source.len() + 24,
            _ => source.len() + 2,
        };
        *names += len as u64 + 64;
    }
}

/// The engine stage: checks `--max-memory`, then feeds each document of
/// `batch`, in order.
fn dedup_batch(
    engine: &mut Engine,
    batch: &mut Batch,
    totals: &mut Totals,
    progress: &mut Progress,
    budget: &Budget,
    held: &mut Held<'_>,
) -> Result<()> {
    let state = engine.state_bytes() as u64 + held.names.unwrap_or(0);
    budget.check(
        state,
        batch.data.len() + batch.decoded.len(),
        batch.docs.len(),
    )?;
    let Batch {
        data,
        decoded,
        docs,
        hits,
        chunks,
    } = batch;
    hits.clear();
    chunks.clear();
    let is_doc = |doc: &Doc| !matches!(doc.kind, DocKind::Open | DocKind::Blank);
    let texts: Vec<&[u8]> = docs
        .iter()
        .filter(|d| is_doc(d))
        .map(|d| text_of(data, decoded, d))
        .collect();
    let fed = engine.feed_batch(&texts, hits, chunks);
    for ((doc, fed), text) in docs.iter_mut().filter(|d| is_doc(d)).zip(fed).zip(texts) {
        doc.index = fed.index;
        doc.hits = fed.hits;
        doc.chunks = fed.chunks;
        totals.add(text.len(), &hits[doc.hits.clone()]);
        progress.document(doc.line.len() as u64);
        held.add_name(doc);
    }
    Ok(())
}

/// A run of documents, on its way through the stages: up to about
/// [`BATCH_BYTES`] of input (or one larger file), so that small files do
/// not each cost a hand-over between threads. Batches are reused, so their
/// buffers stop growing early in a run.
#[derive(Debug, Default)]
struct Batch {
    /// The bytes read: whole files, or whole JSON Lines lines.
    data: Vec<u8>,
    /// JSON Lines texts that had escapes, decoded.
    decoded: Vec<u8>,
    /// The documents, in order.
    docs: Vec<Doc>,
    /// Every document's removed spans, in order (see [`Doc::hits`]).
    hits: Vec<Hit>,
    /// Every document's chunks, in order (`chunk` only; see [`Doc::chunks`]).
    chunks: Vec<ChunkRec>,
}

impl Batch {
    /// Empties the batch, keeping its buffers.
    fn clear(&mut self) {
        self.data.clear();
        self.decoded.clear();
        self.docs.clear();
        self.hits.clear();
        self.chunks.clear();
    }

    /// The text of `doc`.
    fn text(&self, doc: &Doc) -> &[u8] {
        text_of(&self.data, &self.decoded, doc)
    }
}

/// The text of `doc` in a batch's buffers.
fn text_of<'b>(data: &'b [u8], decoded: &'b [u8], doc: &Doc) -> &'b [u8] {
    match &doc.kind {
        DocKind::Open | DocKind::Blank => &[],
        DocKind::Plain => &data[doc.line.clone()],
        DocKind::Record { text, .. } => match text {
            TextAt::Data(r) => &data[r.clone()],
            TextAt::Decoded(r) => &decoded[r.clone()],
        },
    }
}

/// One document of a batch, or a mark for the sink.
#[derive(Debug)]
struct Doc {
    /// The index of its source in [`Inputs::sources`].
    source: usize,
    /// The bytes it came from in [`Batch::data`]: the file, or the line
    /// with its terminator.
    line: Range<usize>,
    /// What it is.
    kind: DocKind,
    /// Its index in corpus order (set by the engine).
    index: u64,
    /// Its removed spans in [`Batch::hits`] (set by the engine).
    hits: Range<usize>,
    /// Its chunks in [`Batch::chunks`] (set by the engine, `chunk` only).
    chunks: Range<usize>,
}

/// What kind of document.
#[derive(Debug)]
enum DocKind {
    /// Not a document: the start of a source (the sink opens its output
    /// file; a source may hold no document at all).
    Open,
    /// A whole file.
    Plain,
    /// A JSON Lines line holding only white space: no document, copied.
    Blank,
    /// A JSON Lines record.
    Record {
        /// Its line number, from 1.
        line_no: u64,
        /// Where its decoded text is.
        text: TextAt,
        /// Where the text's JSON value is in [`Batch::data`].
        raw: Range<usize>,
        /// Where the id's JSON value is in [`Batch::data`], if present.
        id: Option<Range<usize>>,
    },
}

/// Where a record's decoded text is.
#[derive(Debug)]
enum TextAt {
    /// In [`Batch::data`]: the JSON string had no escapes.
    Data(Range<usize>),
    /// In [`Batch::decoded`].
    Decoded(Range<usize>),
}

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
struct Reader<'a> {
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
}

impl<'a> Reader<'a> {
    fn new(inputs: &'a Inputs, opts: &'a InputArgs, budget: &'a Budget) -> Reader<'a> {
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
        }
    }

    /// Fills the batch with the next documents; `false` when every source
    /// is done.
    fn fill(&mut self, batch: &mut Batch) -> Result<bool> {
        batch.clear();
        loop {
            let full = batch.data.len() >= self.sizes.bytes || batch.docs.len() >= self.sizes.lines;
            if full {
                return Ok(true);
            }
            if self.open.is_none() && !self.open_next(batch)? {
                return Ok(!batch.docs.is_empty());
            }
            if self.open.is_some() {
                self.read_lines(batch)?;
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
        let at = batch.data.len();
        batch.docs.push(Doc::new(index, at..at, DocKind::Open));
        let reader = open(source).map_err(|e| cannot_read(source, e))?;
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
        // Through `take`, so the standard library does not `stat` and
        // `seek` each file to size the buffer: the reused buffer is
        // usually big enough already.
        let limit = self.sizes.record;
        let read = reader
            .take(limit.map_or(u64::MAX, |l| l.saturating_add(1)))
            .read_to_end(&mut batch.data)
            .map_err(|e| cannot_read(source, e))?;
        if limit.is_some_and(|l| read as u64 > l) {
            return Err(self.budget.too_large(PathBuf::from(&source.name), None));
        }
        batch
            .docs
            .push(Doc::new(index, at..batch.data.len(), DocKind::Plain));
        Ok(true)
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
        let bad = |reason| CliError::Record {
            path: PathBuf::from(&source.name),
            line: line_no,
            reason,
        };
        let body = std::str::from_utf8(body).map_err(|e| bad(format!("not valid UTF-8 ({e})")))?;
        let record = jsonl::parse(body, &opts.text_field, &opts.id_field).map_err(bad)?;
        let raw = start + record.text_raw.start..start + record.text_raw.end;
        let text = if record.escaped {
            let at = batch.decoded.len();
            jsonl::unescape_into(&body[record.text_raw], &mut batch.decoded).map_err(bad)?;
            TextAt::Decoded(at..batch.decoded.len())
        } else {
            TextAt::Data(raw.start + 1..raw.end - 1)
        };
        DocKind::Record {
            line_no,
            text,
            raw,
            id: record.id_raw.map(|r| start + r.start..start + r.end),
        }
    };
    batch.docs.push(Doc::new(open.index, line, kind));
    Ok(())
}

impl Doc {
    /// A document not yet seen by the engine.
    fn new(source: usize, line: Range<usize>, kind: DocKind) -> Doc {
        Doc {
            source,
            line,
            kind,
            index: 0,
            hits: 0..0,
            chunks: 0..0,
        }
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

/// `s` as a JSON string.
fn json_string(s: &str) -> String {
    serde_json::to_string(s).expect("a string always serializes")
}

impl Totals {
    /// Counts one document.
    fn add(&mut self, len: usize, hits: &[Hit]) {
        self.documents += 1;
        self.bytes_in += len as u64;
        self.bytes_removed += hits.iter().map(|h| (h.end - h.start) as u64).sum::<u64>();
    }
}

/// What happens to each document once the engine has seen it.
#[derive(Debug)]
enum Sink {
    /// `clean` into one stream.
    CleanStream(Stream),
    /// `clean`, one output file per input: under `--out-dir`, or in place.
    CleanMirror {
        /// The output files (boxed: a large struct).
        staging: Box<Staging>,
        /// Each source's destination, by index in [`Inputs::sources`].
        dests: Vec<PathBuf>,
    },
    /// `chunk`: one JSON object per chunk.
    Chunks {
        /// Where the list goes.
        stream: Stream,
    },
    /// `find`: one JSON object per removed span.
    Find {
        /// Where the report goes.
        stream: Stream,
        /// Every document's name as JSON, by document index: a removal's
        /// first copy can be in any earlier document.
        names: Vec<Box<str>>,
    },
}

impl Sink {
    /// The writing stage: writes what `batch` says.
    fn write_batch(&mut self, inputs: &Inputs, batch: &Batch, kept: &mut Vec<u8>) -> Result<()> {
        for doc in &batch.docs {
            let source = &inputs.sources[doc.source];
            match (&doc.kind, &mut *self) {
                (DocKind::Open, Sink::CleanMirror { staging, dests }) => {
                    staging.start(&dests[doc.source])?;
                    continue;
                }
                (DocKind::Open, _) => continue,
                _ => {}
            }
            let hits = &batch.hits[doc.hits.clone()];
            let line = &batch.data[doc.line.clone()];
            if let Sink::Chunks { stream } = self {
                if let DocKind::Plain | DocKind::Record { .. } = doc.kind {
                    let name = doc_name(batch, doc, source);
                    let w = stream.writer();
                    let result = batch.chunks[doc.chunks.clone()].iter().try_for_each(|c| {
                        writeln!(
                            w,
                            r#"{{"doc":{name},"offset":{},"length":{},"hash":"{:032x}"}}"#,
                            c.offset, c.len, c.hash
                        )
                    });
                    result.map_err(|e| stream.error(e))?;
                }
                continue;
            }
            if let Sink::Find { stream, names } = self {
                let name = || doc_name(batch, doc, source);
                if let DocKind::Plain | DocKind::Record { .. } = doc.kind {
                    report(stream, names, doc.index, hits, name)?;
                }
                continue;
            }
            self.clean_out(|w| match &doc.kind {
                DocKind::Plain => write_kept(w, line, hits),
                DocKind::Record { raw, .. } if !hits.is_empty() => {
                    let (before, after) = (raw.start - doc.line.start, raw.end - doc.line.start);
                    w.write_all(&line[..before])?;
                    kept.clear();
                    let text = batch.text(doc);
                    let cuts = hits.iter().map(|h| h.start..h.end);
                    // The kept parts of the value as written, escapes and
                    // all; but after a cut inside a character (passage
                    // mode, `--snap byte`) what is left is converted
                    // lossily and written as a new string: no bad JSON.
                    if jsonl::cut_string(&line[before..after], text, cuts, kept) {
                        w.write_all(kept)?;
                    } else {
                        write_kept(&mut *kept, text, hits)?;
                        serde_json::to_writer(&mut *w, &*String::from_utf8_lossy(kept))?;
                    }
                    w.write_all(&line[after..])
                }
                // Nothing removed, or no record: the line as it was.
                _ => w.write_all(line),
            })?;
        }
        Ok(())
    }

    /// Runs `f` on the clean output, converting its error.
    fn clean_out(&mut self, f: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<()> {
        match self {
            Sink::CleanStream(s) => f(s.writer()).map_err(|e| s.error(e)),
            Sink::CleanMirror { staging: s, .. } => f(s.writer()).map_err(|e| s.error(e)),
            Sink::Find { .. } | Sink::Chunks { .. } => Ok(()),
        }
    }

    /// Makes the output visible.
    fn commit(self) -> Result<()> {
        match self {
            Sink::CleanStream(s) | Sink::Find { stream: s, .. } | Sink::Chunks { stream: s } => {
                s.commit()
            }
            Sink::CleanMirror { staging, .. } => staging.commit(),
        }
    }
}

/// A document's name as JSON: its JSON Lines id as written, `FILE:LINE`
/// for a record without one, or the file's path.
fn doc_name(batch: &Batch, doc: &Doc, source: &Source) -> String {
    match &doc.kind {
        // The reader checked the whole line as UTF-8, so the lossy
        // conversion is only a fallback (`from_utf8` is much faster).
        DocKind::Record { id: Some(id), .. } => {
            match std::str::from_utf8(&batch.data[id.clone()]) {
                Ok(id) => jsonl::id_json(id).into_owned(),
                Err(_) => json_string(&String::from_utf8_lossy(&batch.data[id.clone()])),
            }
        }
        DocKind::Record { line_no, .. } => json_string(&format!("{}:{line_no}", source.name)),
        _ => json_string(&source.name),
    }
}

/// `find`: names the document and writes one line per removal.
fn report(
    stream: &mut Stream,
    names: &mut Vec<Box<str>>,
    doc: u64,
    hits: &[Hit],
    name: impl FnOnce() -> String,
) -> Result<()> {
    debug_assert_eq!(doc, names.len() as u64);
    names.push(name().into_boxed_str());
    if hits.is_empty() {
        return Ok(());
    }
    // The lines are built in a buffer and written a block at a time:
    // `write!` through `fmt` cost 13% of a run on JSON Lines, and a
    // buffer for all of a large document's lines would cost about 100
    // bytes per removal.
    let mut lines = Vec::with_capacity(hits.len().min(REPORT_BLOCK / 64) * 96);
    for h in hits {
        if lines.len() >= REPORT_BLOCK {
            let result = stream.writer().write_all(&lines);
            result.map_err(|e| stream.error(e))?;
            lines.clear();
        }
        lines.extend_from_slice(br#"{"doc":"#);
        lines.extend_from_slice(names[doc as usize].as_bytes());
        lines.extend_from_slice(br#","start":"#);
        push_decimal(&mut lines, h.start as u64);
        lines.extend_from_slice(br#","end":"#);
        push_decimal(&mut lines, h.end as u64);
        lines.extend_from_slice(br#","first_doc":"#);
        lines.extend_from_slice(names[h.first_doc as usize].as_bytes());
        lines.extend_from_slice(br#","first_start":"#);
        push_decimal(&mut lines, h.first_start as u64);
        lines.extend_from_slice(br#","first_end":"#);
        push_decimal(&mut lines, h.first_end as u64);
        lines.extend_from_slice(b"}\n");
    }
    let result = stream.writer().write_all(&lines);
    result.map_err(|e| stream.error(e))
}

/// Appends `n` in decimal.
fn push_decimal(out: &mut Vec<u8>, n: u64) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

/// Writes the bytes of `text` outside `hits`.
fn write_kept(mut w: impl Write, text: &[u8], hits: &[Hit]) -> io::Result<()> {
    let mut pos = 0;
    for h in hits {
        w.write_all(&text[pos..h.start])?;
        pos = h.end;
    }
    w.write_all(&text[pos..])
}

#[cfg(test)]
mod tests {
    use super::{push_decimal, Batch, Budget, DocKind, Reader, Sizes, TextAt};
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
        let inputs = Inputs::resolve(&paths).unwrap();
        let opts = InputArgs {
            inputs: paths,
            jsonl: true,
            text_field: "text".into(),
            id_field: "id".into(),
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
        (super::BATCH_BYTES, super::BATCH_LINES, super::READ_CHUNK),
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
            format!("0 {:?} Open", ""),
            format!("0 {first:?} record 1 {:?}", "first"),
            format!("0 {:?} Blank", "\n"),
            format!("0 {:?} Blank", "  \r\n"),
            format!("0 {escaped:?} record 4 {:?}", "a\nb"),
            format!("0 {long_line:?} record 5 {long:?}"),
            format!("0 {last:?} record 6 {:?}", "no newline"),
            format!("1 {:?} Open", ""),
            format!("2 {:?} Open", ""),
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

    #[test]
    fn decimals_match_display() {
        for n in [
            0,
            1,
            9,
            10,
            99,
            100,
            12_345,
            u64::from(u32::MAX),
            u64::MAX - 1,
            u64::MAX,
        ] {
            let mut out = b"x".to_vec();
            push_decimal(&mut out, n);
            assert_eq!(out, format!("x{n}").into_bytes());
        }
    }
}
