//! The subcommands: resolve inputs, pick the output, run the loop.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use crate::args::{CleanArgs, FindArgs, InputArgs, RunArgs};
use crate::engine::{Engine, Hit};
use crate::error::{CliError, Result};
use crate::inputs::{Inputs, Location, Source};
use crate::jsonl::{self, Record};
use crate::output::{Staging, Stream};
use crate::progress::{Progress, Totals};

/// Read buffer for JSON Lines.
const LINE_BUF: usize = 1 << 20;

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
        (Some(dir), _) => {
            let mut staging = Staging::new(dir.clone());
            let rels = inputs.sources.iter().map(|s| {
                s.out_rel.as_deref().ok_or_else(|| {
                    CliError::Usage("standard input ('-') cannot be written under --out-dir".into())
                })
            });
            let rels = rels.collect::<Result<Vec<&Path>>>()?;
            staging.plan(rels.into_iter())?;
            Sink::CleanMirror(staging)
        }
        (None, _) if inputs.many => {
            return Err(CliError::Usage(
                "several inputs or a directory: give --out-dir DIR to mirror them".into(),
            ));
        }
        (None, output) => Sink::CleanStream(Stream::open(output.as_deref())?),
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
        stream: Stream::open(args.output.as_deref())?,
        names: Vec::new(),
    };
    finish(
        process(&mut engine, &inputs, &args.input, &mut sink, &args.run)?,
        &args.run,
        sink,
    )
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
/// hands the result to `sink`.
///
/// This is the whole processing loop: a batch (parallel) engine replaces
/// this function.
fn process(
    engine: &mut Engine,
    inputs: &Inputs,
    opts: &InputArgs,
    sink: &mut Sink,
    run: &RunArgs,
) -> Result<Totals> {
    let mut progress = Progress::new(!run.quiet, inputs.total_len());
    let mut totals = Totals::default();
    let mut hits = Vec::new();
    let mut buf = Vec::new();
    let mut kept = Vec::new();
    for source in &inputs.sources {
        sink.start(source)?;
        let cannot_read = |e| match &source.location {
            Location::Stdin => CliError::io("cannot read", Path::new("standard input"), e),
            Location::File(p) => CliError::io("cannot read", p, e),
        };
        let mut reader = open(source).map_err(cannot_read)?;
        if !opts.jsonl {
            buf.clear();
            reader.read_to_end(&mut buf).map_err(cannot_read)?;
            let doc = engine.feed(&buf, &mut hits);
            totals.add(buf.len(), &hits);
            progress.document(buf.len() as u64);
            sink.document(doc, &buf, &hits, || json_string(&source.name))?;
            continue;
        }
        let mut reader = BufReader::with_capacity(LINE_BUF, reader);
        let mut line_no = 0u64;
        loop {
            buf.clear();
            if reader.read_until(b'\n', &mut buf).map_err(cannot_read)? == 0 {
                break;
            }
            line_no += 1;
            let body = strip_terminator(&buf);
            if body.iter().all(u8::is_ascii_whitespace) {
                sink.passthrough(&buf)?;
                continue;
            }
            let bad = |reason| CliError::Record {
                path: PathBuf::from(&source.name),
                line: line_no,
                reason,
            };
            let body =
                std::str::from_utf8(body).map_err(|e| bad(format!("not valid UTF-8 ({e})")))?;
            let record = jsonl::parse(body, &opts.text_field, &opts.id_field).map_err(bad)?;
            let text = record.text.as_bytes();
            let doc = engine.feed(text, &mut hits);
            totals.add(text.len(), &hits);
            progress.document(buf.len() as u64);
            sink.record(doc, &buf, &record, &hits, &mut kept, || match record.id {
                Some(raw) => raw.to_string(),
                None => json_string(&format!("{}:{line_no}", source.name)),
            })?;
        }
    }
    progress.finish();
    Ok(totals)
}

/// Opens a source for reading.
fn open(source: &Source) -> io::Result<Box<dyn Read + '_>> {
    Ok(match &source.location {
        Location::Stdin => Box::new(io::stdin().lock()),
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
    /// `clean`, mirroring the inputs under `--out-dir`.
    CleanMirror(Staging),
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
    /// Called before the documents of `source`.
    fn start(&mut self, source: &Source) -> Result<()> {
        match self {
            Sink::CleanMirror(staging) => {
                staging.start(source.out_rel.as_deref().expect("planned before the run"))
            }
            _ => Ok(()),
        }
    }

    /// Runs `f` on the clean output, converting its error.
    fn clean_out(&mut self, f: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<()> {
        match self {
            Sink::CleanStream(s) => f(s.writer()).map_err(|e| s.error(e)),
            Sink::CleanMirror(s) => f(s.writer()).map_err(|e| s.error(e)),
            Sink::Find { .. } => Ok(()),
        }
    }

    /// A JSON Lines line that holds no record: copied as it is.
    fn passthrough(&mut self, line: &[u8]) -> Result<()> {
        self.clean_out(|w| w.write_all(line))
    }

    /// A plain document and its removals.
    fn document(
        &mut self,
        doc: u64,
        text: &[u8],
        hits: &[Hit],
        name: impl FnOnce() -> String,
    ) -> Result<()> {
        if let Sink::Find { .. } = self {
            return self.report(doc, hits, name);
        }
        self.clean_out(|w| write_kept(w, text, hits))
    }

    /// A JSON Lines record and its removals.
    fn record(
        &mut self,
        doc: u64,
        line: &[u8],
        record: &Record<'_>,
        hits: &[Hit],
        kept: &mut Vec<u8>,
        name: impl FnOnce() -> String,
    ) -> Result<()> {
        if let Sink::Find { .. } = self {
            return self.report(doc, hits, name);
        }
        self.clean_out(|w| {
            if hits.is_empty() {
                return w.write_all(line);
            }
            kept.clear();
            write_kept(&mut *kept, record.text.as_bytes(), hits)?;
            // Paragraph removals never split a character; a mode that can
            // would get U+FFFD here rather than invalid JSON.
            let text = String::from_utf8_lossy(kept);
            w.write_all(&line[..record.text_raw.start])?;
            serde_json::to_writer(&mut *w, &*text)?;
            w.write_all(&line[record.text_raw.end..])
        })
    }

    /// `find`: names the document and writes one line per removal.
    fn report(&mut self, doc: u64, hits: &[Hit], name: impl FnOnce() -> String) -> Result<()> {
        let Sink::Find { stream, names } = self else {
            return Ok(());
        };
        debug_assert_eq!(doc, names.len() as u64);
        names.push(name().into_boxed_str());
        let w = stream.writer();
        let result = hits.iter().try_for_each(|h| {
            writeln!(
                w,
                r#"{{"doc":{},"start":{},"end":{},"first_doc":{},"first_start":{}}}"#,
                names[doc as usize], h.start, h.end, names[h.first_doc as usize], h.first_start
            )
        });
        result.map_err(|e| stream.error(e))
    }

    /// Makes the output visible.
    fn commit(self) -> Result<()> {
        match self {
            Sink::CleanStream(s) | Sink::Find { stream: s, .. } => s.commit(),
            Sink::CleanMirror(s) => s.commit(),
        }
    }
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
