//! A stream of documents: each line of standard input is one document, read
//! and deduplicated in bounded batches on every core, so memory holds one
//! batch of text plus the corpus state, whatever the input's size.
//!
//! ```text
//! cargo run --release --example stream < examples/data/article.txt > kept.txt
//! ```
//!
//! Writes the lines whose text is not a repeat of an earlier line (passage
//! mode at its default minimum length, so a long repeated sentence inside a
//! line is cut out too) and a summary on stderr. For JSON Lines, gzip, zstd
//! and Parquet shards, the command-line tool does the same with
//! `textdedup clean --jsonl`.

use std::io::{self, BufRead, Write};

use textdedup::passage;

/// Text per batch: large enough to keep every core busy.
const BATCH_BYTES: usize = 16 << 20;

fn main() -> io::Result<()> {
    let deduper = passage::Deduper::default();
    let mut corpus = passage::Corpus::default();
    let lines = io::stdin().lock().split(b'\n');
    let mut out = io::BufWriter::new(io::stdout().lock());
    let (mut bytes_in, mut bytes_removed) = (0u64, 0u64);
    // The stream hands over owned lines; a read error stops it and is
    // returned after the lines before it were written.
    let mut read_error = None;
    let docs = lines.map_while(|line| match line {
        Ok(line) => Some(line),
        Err(e) => {
            read_error = Some(e);
            None
        }
    });
    deduper.dedup_stream(&mut corpus, docs, BATCH_BYTES, |report| {
        let stats = report.stats();
        bytes_in += stats.bytes_in;
        bytes_removed += stats.bytes_removed;
        report.write_kept(&mut out)?;
        out.write_all(b"\n")
    })?;
    out.flush()?;
    if let Some(e) = read_error {
        return Err(e);
    }
    eprintln!(
        "{bytes_removed} of {bytes_in} bytes removed (the lines' text, newlines not counted)"
    );
    Ok(())
}
