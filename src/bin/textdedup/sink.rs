//! The writing stage: what happens to each document once the engine has seen it.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use textdedup::{DocId, DocReport, Removal};

use crate::batch::{Batch, Doc, DocKind};
use crate::error::{CliError, Result};
use crate::format::Compression;
use crate::inputs::Location;
use crate::inputs::{Inputs, Source};
use crate::jsonl;
use crate::output::{StagedWriter, Staging, Stream};
use crate::parquet::ParquetSink;

/// `find` writes a document's report lines this many bytes at a time.
const REPORT_BLOCK: usize = 1 << 16;

/// `s` as a JSON string.
fn json_string(s: &str) -> String {
    serde_json::to_string(s).expect("a string always serializes")
}

#[derive(Debug)]
pub(crate) enum Sink {
    /// `clean` into one stream.
    CleanStream(Stream),
    /// `clean`, one output file per input: under `--out-dir`, or in place.
    CleanMirror {
        /// The output files (boxed: a large struct).
        staging: Box<Staging>,
        /// Each source's destination, by index in [`Inputs::sources`].
        dests: Vec<PathBuf>,
        /// `--compress`: every output compressed so; by default each as
        /// its input.
        compress: Option<Compression>,
        /// The Parquet file being written, if the current input is one
        /// (boxed: a large struct).
        parquet: Option<Box<ParquetSink<StagedWriter>>>,
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
    /// `clean --report`: the cleaned text and the report, in one pass.
    Both(Box<Sink>, Box<Sink>),
}

impl Sink {
    /// Whether this sink writes the documents back (Parquet rows then need
    /// every column).
    pub(crate) fn writes_text(&self) -> bool {
        match self {
            Sink::CleanStream(_) | Sink::CleanMirror { .. } => true,
            Sink::Both(a, b) => a.writes_text() || b.writes_text(),
            _ => false,
        }
    }

    /// Ends the files being written (Parquet footers, compressed blocks)
    /// before anything is put in place.
    fn finish_writing(&mut self) -> Result<()> {
        if let Sink::CleanMirror {
            staging, parquet, ..
        } = self
        {
            finish_parquet(staging, parquet)?;
            staging.finish_writing()?;
        }
        Ok(())
    }

    /// Whether this sink keeps every document's name (a report).
    pub(crate) fn keeps_names(&self) -> bool {
        match self {
            Sink::Find { .. } => true,
            Sink::Both(a, b) => a.keeps_names() || b.keeps_names(),
            _ => false,
        }
    }

    /// The writing stage: writes what `batch` says.
    pub(crate) fn write_batch(
        &mut self,
        inputs: &Inputs,
        batch: &Batch,
        kept: &mut Vec<u8>,
    ) -> Result<()> {
        if let Sink::Both(first, second) = self {
            first.write_batch(inputs, batch, kept)?;
            return second.write_batch(inputs, batch, kept);
        }
        // The kept texts of the Parquet rows being gathered: which rows of
        // the batch, and each row's text (`None`: as it was).
        let mut pending: Option<(usize, Vec<Option<Vec<u8>>>)> = None;
        for doc in &batch.docs {
            let source = &inputs.sources[doc.source];
            if let Sink::CleanMirror { parquet, .. } = &mut *self {
                let row = match doc.kind {
                    DocKind::Row { rows, .. } | DocKind::NullRow { rows } => Some(rows),
                    _ => None,
                };
                if pending.as_ref().map(|p| p.0) != row {
                    write_rows(parquet, batch, pending.take())?;
                }
                if let Some(rows) = row {
                    let kept = pending.get_or_insert_with(|| (rows, Vec::new()));
                    let removals = &batch.removals[doc.removals.clone()];
                    kept.1.push(match doc.kind {
                        DocKind::Row { .. } if !removals.is_empty() => {
                            let mut text = Vec::new();
                            let line = &batch.data[doc.line.clone()];
                            write_kept(&mut text, line, doc.index, removals).map_err(|e| {
                                CliError::io("cannot clean", Path::new(&source.name), e)
                            })?;
                            Some(text)
                        }
                        _ => None,
                    });
                    continue;
                }
            }
            match (&doc.kind, &mut *self) {
                (
                    DocKind::Open { compression },
                    Sink::CleanMirror {
                        staging,
                        dests,
                        compress,
                        parquet,
                    },
                ) => {
                    finish_parquet(staging, parquet)?;
                    staging.start(&dests[doc.source], compress.unwrap_or(*compression))?;
                    continue;
                }
                (
                    DocKind::OpenParquet { layout },
                    Sink::CleanMirror {
                        staging,
                        dests,
                        parquet,
                        ..
                    },
                ) => {
                    finish_parquet(staging, parquet)?;
                    staging.start(&dests[doc.source], Compression::None)?;
                    let writer = staging.take_writer();
                    let sink = ParquetSink::new(writer, &batch.layouts[*layout])
                        .map_err(|e| CliError::Usage(format!("{}: {e}", source.name)))?;
                    *parquet = Some(Box::new(sink));
                    continue;
                }
                (DocKind::OpenParquet { .. }, Sink::CleanStream(_)) => {
                    return Err(CliError::Usage(format!(
                        "'{}' is a Parquet file: clean it with --out-dir or --in-place",
                        source.name
                    )));
                }
                (
                    DocKind::Skipped,
                    Sink::CleanMirror {
                        staging,
                        dests,
                        parquet,
                        ..
                    },
                ) => {
                    finish_parquet(staging, parquet)?;
                    copy_unchanged(staging, &dests[doc.source], source)?;
                    continue;
                }
                (DocKind::Skipped, Sink::CleanStream(_)) => {
                    return Err(CliError::Usage(format!(
                        "'{}' is not text: nothing to clean into one output; give --out-dir \
                         (where it is copied unchanged) or leave it out",
                        source.name
                    )));
                }
                (DocKind::Open { .. } | DocKind::OpenParquet { .. } | DocKind::Skipped, _) => {
                    continue
                }
                _ => {}
            }
            let removals = &batch.removals[doc.removals.clone()];
            let line = &batch.data[doc.line.clone()];
            if let Sink::Chunks { stream } = self {
                if let DocKind::Plain | DocKind::Record { .. } | DocKind::Row { .. } = doc.kind {
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
                if let DocKind::Plain | DocKind::Record { .. } | DocKind::Row { .. } = doc.kind {
                    report(stream, names, doc.index, removals, name)?;
                }
                continue;
            }
            self.clean_out(|w| match &doc.kind {
                DocKind::Plain => write_kept(w, line, doc.index, removals),
                DocKind::Record { raw, .. } if !removals.is_empty() => {
                    let (before, after) = (raw.start - doc.line.start, raw.end - doc.line.start);
                    w.write_all(&line[..before])?;
                    kept.clear();
                    let text = batch.text(doc);
                    let cuts = removals.iter().map(|r| r.span().range());
                    // The kept parts of the value as written, escapes and
                    // all; but after a cut inside a character (passage
                    // mode, `--snap byte`) what is left is converted
                    // lossily and written as a new string: no bad JSON.
                    if jsonl::cut_string(&line[before..after], text, cuts, kept) {
                        w.write_all(kept)?;
                    } else {
                        write_kept(&mut *kept, text, doc.index, removals)?;
                        serde_json::to_writer(&mut *w, &*String::from_utf8_lossy(kept))?;
                    }
                    w.write_all(&line[after..])
                }
                // Nothing removed, or no record: the line as it was.
                _ => w.write_all(line),
            })?;
        }
        if let Sink::CleanMirror { parquet, .. } = self {
            write_rows(parquet, batch, pending)?;
        }
        Ok(())
    }

    /// Runs `f` on the clean output, converting its error.
    fn clean_out(&mut self, f: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<()> {
        match self {
            Sink::CleanStream(s) => f(s.writer()).map_err(|e| s.error(e)),
            Sink::CleanMirror { staging: s, .. } => f(s.writer()).map_err(|e| s.error(e)),
            Sink::Find { .. } | Sink::Chunks { .. } | Sink::Both(..) => Ok(()),
        }
    }

    /// Makes the output visible.
    pub(crate) fn commit(self) -> Result<()> {
        match self {
            Sink::CleanStream(s) | Sink::Find { stream: s, .. } | Sink::Chunks { stream: s } => {
                s.commit()
            }
            Sink::CleanMirror {
                mut staging,
                mut parquet,
                ..
            } => {
                finish_parquet(&mut staging, &mut parquet)?;
                staging.commit()
            }
            // The report first: a run that fails there leaves no output.
            // The cleaned files are written in full first, then the report
            // is put in place, then the cleaned files: a failure while
            // writing leaves neither.
            Sink::Both(mut clean, report) => {
                clean.finish_writing()?;
                report.commit()?;
                clean.commit()
            }
        }
    }
}

/// Writes gathered Parquet rows to the Parquet file being written.
fn write_rows(
    parquet: &mut Option<Box<ParquetSink<StagedWriter>>>,
    batch: &Batch,
    pending: Option<(usize, Vec<Option<Vec<u8>>>)>,
) -> Result<()> {
    let (Some(sink), Some((rows, mut kept))) = (parquet, pending) else {
        return Ok(());
    };
    sink.write(&batch.rows[rows], |i| {
        kept.get_mut(i).and_then(Option::take)
    })
    .map_err(CliError::Usage)
}

/// Ends the Parquet file being written, if any, and gives its writer back
/// to `staging`.
fn finish_parquet(
    staging: &mut Staging,
    parquet: &mut Option<Box<ParquetSink<StagedWriter>>>,
) -> Result<()> {
    if let Some(sink) = parquet.take() {
        staging.put_writer(sink.finish().map_err(CliError::Usage)?);
    }
    Ok(())
}

/// A file that is not text: under `--out-dir` the same bytes, copied
/// from the file itself (compressed or not); with `--in-place`, nothing:
/// the file stays as it is.
fn copy_unchanged(staging: &mut Staging, dest: &Path, source: &Source) -> Result<()> {
    staging.abandon_current();
    let Location::File(path) = &source.location else {
        return Ok(());
    };
    if staging.root().is_none() {
        return Ok(());
    }
    staging.start(dest, Compression::None)?;
    let mut file = std::fs::File::open(path).map_err(|e| CliError::io("cannot read", path, e))?;
    std::io::copy(&mut file, staging.writer()).map_err(|e| staging.error(e))?;
    Ok(())
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
        // A Parquet row: its id, or `FILE:ROW` with rows counted from 0.
        DocKind::Row { rows, row } => {
            let rows = &batch.rows[*rows];
            rows.id_json(*row).unwrap_or_else(|| {
                json_string(&format!(
                    "{}:{}",
                    source.name,
                    rows.first_row() + *row as u64
                ))
            })
        }
        _ => json_string(&source.name),
    }
}

/// `find`: names the document and writes one line per removal.
fn report(
    stream: &mut Stream,
    names: &mut Vec<Box<str>>,
    doc: u64,
    removals: &[Removal],
    name: impl FnOnce() -> String,
) -> Result<()> {
    debug_assert_eq!(doc, names.len() as u64);
    names.push(name().into_boxed_str());
    if removals.is_empty() {
        return Ok(());
    }
    // The lines are built in a buffer and written a block at a time:
    // `write!` through `fmt` cost 13% of a run on JSON Lines, and a
    // buffer for all of a large document's lines would cost about 100
    // bytes per removal.
    let mut lines = Vec::with_capacity(removals.len().min(REPORT_BLOCK / 64) * 96);
    for r in removals {
        if lines.len() >= REPORT_BLOCK {
            let result = stream.writer().write_all(&lines);
            result.map_err(|e| stream.error(e))?;
            lines.clear();
        }
        lines.extend_from_slice(br#"{"doc":"#);
        lines.extend_from_slice(names[doc as usize].as_bytes());
        lines.extend_from_slice(br#","start":"#);
        push_decimal(&mut lines, r.span().start as u64);
        lines.extend_from_slice(br#","end":"#);
        push_decimal(&mut lines, r.span().end as u64);
        lines.extend_from_slice(br#","first_doc":"#);
        lines.extend_from_slice(names[r.first().doc().as_usize()].as_bytes());
        lines.extend_from_slice(br#","first_start":"#);
        push_decimal(&mut lines, r.first().start() as u64);
        lines.extend_from_slice(br#","first_end":"#);
        push_decimal(&mut lines, r.first().end() as u64);
        lines.extend_from_slice(b"}\n");
    }
    let result = stream.writer().write_all(&lines);
    result.map_err(|e| stream.error(e))
}

/// Appends `n` in decimal.
fn push_decimal(out: &mut Vec<u8>, n: u64) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

/// Writes the bytes of `text` (document `doc` of the corpus) outside
/// `removals`, through the library's report.
fn write_kept(w: impl Write, text: &[u8], doc: u64, removals: &[Removal]) -> io::Result<()> {
    DocReport::from_removals(text, DocId::new(doc), removals.to_vec())
        .map_err(io::Error::other)?
        .write_kept(w)
}

#[cfg(test)]
mod tests {
    use super::push_decimal;

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
