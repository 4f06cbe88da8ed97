//! The processing loop: a reader, the engine and a sink, passing batches.

use std::sync::mpsc;
use std::thread;

use crate::args::{InputArgs, RunArgs};
use crate::batch::{text_of, Batch, Doc, DocKind};
use crate::budget::Budget;
use textdedup::Removal;

use crate::engine::Engine;
use crate::error::Result;
use crate::inputs::Inputs;
use crate::progress::{Progress, Totals};
use crate::reader::Reader;
use crate::sink::Sink;

/// A batch ends after this many bytes of lines or files (16 MiB: on 1 GB of
/// JSON Lines, `find` about 11% faster end to end than with 4 MiB, for 26%
/// more peak memory, 791 MB against 627 MB)...
const BATCH_BYTES: usize = 16 << 20;

/// ...or this many lines.
const BATCH_LINES: usize = 32768;

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
pub(crate) fn process(
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
    if sink.writes_text() {
        reader = reader.with_all_columns();
    }
    let mut held = Held {
        names: sink.keeps_names().then_some(0),
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
        removals,
        chunks,
        ..
    } = batch;
    removals.clear();
    chunks.clear();
    let is_doc = |doc: &Doc| {
        !matches!(
            doc.kind,
            DocKind::Open { .. }
                | DocKind::OpenParquet { .. }
                | DocKind::NullRow { .. }
                | DocKind::Skipped
                | DocKind::Blank
                | DocKind::BadRecord
        )
    };
    totals.bad_records += docs
        .iter()
        .filter(|d| matches!(d.kind, DocKind::BadRecord | DocKind::NullRow { .. }))
        .count() as u64;
    totals.skipped += docs
        .iter()
        .filter(|d| matches!(d.kind, DocKind::Skipped))
        .count() as u64;
    let texts: Vec<&[u8]> = docs
        .iter()
        .filter(|d| is_doc(d))
        .map(|d| text_of(data, decoded, d))
        .collect();
    let fed = engine.feed_batch(&texts, removals, chunks);
    for ((doc, fed), text) in docs.iter_mut().filter(|d| is_doc(d)).zip(fed).zip(texts) {
        doc.index = fed.index;
        doc.removals = fed.removals;
        doc.chunks = fed.chunks;
        totals.add(
            text.len(),
            &removals[doc.removals.clone()],
            doc.chunks.len(),
        );
        progress.document(doc.line.len() as u64);
        held.add_name(doc);
    }
    Ok(())
}

impl Totals {
    /// Counts one document, of `chunks` chunks.
    fn add(&mut self, len: usize, removals: &[Removal], chunks: usize) {
        self.documents += 1;
        self.chunks += chunks as u64;
        self.bytes_in += len as u64;
        self.bytes_removed += removals.iter().map(|r| r.span().len() as u64).sum::<u64>();
    }
}
