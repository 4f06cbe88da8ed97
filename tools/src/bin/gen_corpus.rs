//! Generates a test corpus for the `textdedup` command-line tool, and
//! measures the library on the same documents in memory.
//!
//! ```text
//! # 20,000 small files (about 4 KiB each) under DIR, sorted names:
//! cargo run --release -p textdedup-tools --bin gen_corpus -- dir /tmp/tdd/files 20000
//! # A JSON Lines file of about BYTES bytes (records of about 4 KiB):
//! cargo run --release -p textdedup-tools --bin gen_corpus -- jsonl /tmp/tdd/big.jsonl 1073741824
//! # The same documents, in memory only: just the library baseline.
//! cargo run --release -p textdedup-tools --bin gen_corpus -- jsonl /tmp/tdd/big.jsonl 1073741824 --no-write
//! # One run with 16 MiB batches on a fresh heap, as the tool's own run is:
//! cargo run --release -p textdedup-tools --bin gen_corpus -- jsonl /tmp/tdd/big.jsonl 1073741824 --fresh
//! ```
//!
//! Documents are prose-like lines; about a quarter of the lines come from
//! a shared pool of boilerplate, so there are copies within and across
//! documents. Everything is generated from a fixed seed (SplitMix64), so
//! the same arguments always give the same bytes.
//!
//! After writing, the example runs the library's batch entry point
//! (`Deduper::dedup_batch` over every document, in order, in memory, in
//! batches of about 4 MiB and of about 16 MiB, the tool's size) three times each and prints the
//! median time and throughput: the baseline the tool's end-to-end figures are compared with in
//! BENCHMARKS.md. The second and third runs reuse memory the first one
//! freed (about half as many page faults), which a tool started afresh
//! cannot: `--fresh` times a single run instead, with its page faults. (The
//! documents are generated first and kept, so that run finds little freed
//! memory to reuse: its page fault count shows it.)

use std::fs;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use textdedup::{Corpus, Deduper};

use textdedup_testkit::SplitMix64;

const WORDS: &[&str] = &[
    "the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "as", "was", "with", "be",
    "by", "on", "not", "he", "this", "are", "or", "his", "from", "at", "which", "but", "have",
    "an", "had", "they", "you", "were", "their", "one", "all", "we", "can", "her", "has", "there",
    "been", "if", "more", "when", "will", "would", "who", "so", "no", "market", "minister",
    "report", "council", "river", "season", "data", "system", "village", "court",
];

/// One prose-like line, with its newline.
fn line(rng: &mut SplitMix64, out: &mut Vec<u8>) {
    let words = 6 + rng.below(20);
    for i in 0..words {
        if i > 0 {
            out.push(b' ');
        }
        out.extend_from_slice(WORDS[rng.below(WORDS.len() as u64) as usize].as_bytes());
    }
    out.extend_from_slice(b".\n");
}

/// Generates documents of about `avg` bytes until `count` documents or
/// `bytes` bytes, whichever comes first.
fn documents(count: usize, bytes: usize, avg: usize) -> Vec<Vec<u8>> {
    let mut rng = SplitMix64(0x07E5_7DED_u64);
    let pool: Vec<Vec<u8>> = (0..2000)
        .map(|_| {
            let mut l = Vec::new();
            line(&mut rng, &mut l);
            l
        })
        .collect();
    let mut docs = Vec::new();
    let mut total = 0;
    while docs.len() < count && total < bytes {
        let target = avg / 2 + rng.below(avg as u64) as usize;
        let mut doc = Vec::with_capacity(target + 200);
        while doc.len() < target {
            match rng.below(16) {
                0..=3 => doc.extend_from_slice(&pool[rng.below(pool.len() as u64) as usize]),
                4 => doc.push(b'\n'),
                _ => line(&mut rng, &mut doc),
            }
        }
        total += doc.len();
        docs.push(doc);
    }
    docs
}

/// Writes `text` as a JSON string (the generator only makes printable
/// ASCII and newlines).
fn json_string(text: &[u8], out: &mut impl Write) -> std::io::Result<()> {
    out.write_all(b"\"")?;
    let mut start = 0;
    for (i, &b) in text.iter().enumerate() {
        let esc: &[u8] = match b {
            b'\n' => b"\\n",
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            _ => continue,
        };
        out.write_all(&text[start..i])?;
        out.write_all(esc)?;
        start = i + 1;
    }
    out.write_all(&text[start..])?;
    out.write_all(b"\"")
}

/// Times the library's batch entry point over `docs` (all threads of the
/// global pool, batches of `batch` bytes like the tool's); prints the median
/// of `runs`, wall clock and CPU time, and the page faults of the last run.
fn baseline(docs: &[Vec<u8>], batch: usize, runs: usize) {
    let deduper = Deduper::default();
    let bytes: usize = docs.iter().map(Vec::len).sum();
    let mut times = Vec::new();
    let mut removed = 0;
    let mut faults = 0;
    for _ in 0..runs {
        let (start, cpu, flt) = (
            Instant::now(),
            textdedup_tools::cpu_seconds(),
            minor_faults(),
        );
        let mut corpus = Corpus::new();
        removed = 0;
        let mut batch_start = 0;
        let mut batch_bytes = 0;
        for (i, doc) in docs.iter().enumerate() {
            batch_bytes += doc.len();
            if batch_bytes >= batch || i + 1 == docs.len() {
                let batch = &docs[batch_start..=i];
                removed += deduper
                    .dedup_batch(&mut corpus, batch)
                    .iter()
                    .map(|r| r.stats().bytes_removed)
                    .sum::<u64>();
                (batch_start, batch_bytes) = (i + 1, 0);
            }
        }
        let cpu = cpu.zip(textdedup_tools::cpu_seconds()).map(|(a, b)| b - a);
        times.push((start.elapsed().as_secs_f64(), cpu.unwrap_or(f64::NAN)));
        faults = minor_faults().saturating_sub(flt);
    }
    times.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (t, cpu) = times[runs / 2];
    eprintln!(
        "library dedup_batch ({} MiB batches): {} documents, {bytes} bytes, {removed} bytes \
         removed; median of {runs}: {t:.3} s wall ({cpu:.2} s CPU, {faults} page faults), \
         {:.0} MiB/s",
        batch >> 20,
        docs.len(),
        bytes as f64 / t / (1 << 20) as f64
    );
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `--no-write`: generate and time only; `--fresh`: that, with one run.
    let (kind, path, n, flag) = match &args[..] {
        [kind, path, n] => (kind, path, n, ""),
        [kind, path, n, flag] if flag == "--no-write" || flag == "--fresh" => {
            (kind, path, n, flag.as_str())
        }
        _ => {
            return Err(
                "usage: gen_corpus (dir DIR FILES | jsonl FILE BYTES) [--no-write | --fresh]"
                    .into(),
            )
        }
    };
    let (write, fresh) = (flag.is_empty(), flag == "--fresh");
    let n: usize = n.parse()?;
    let docs = match kind.as_str() {
        "dir" => {
            let docs = documents(n, usize::MAX, 4096);
            for (i, doc) in docs.iter().enumerate().filter(|_| write) {
                // 100 files per directory, names that sort in order.
                let sub = Path::new(path).join(format!("{:04}", i / 100));
                if i % 100 == 0 {
                    fs::create_dir_all(&sub)?;
                }
                fs::write(sub.join(format!("{i:06}.txt")), doc)?;
            }
            docs
        }
        "jsonl" => {
            let docs = documents(usize::MAX, n, 4096);
            if write {
                let mut out = BufWriter::with_capacity(1 << 20, fs::File::create(path)?);
                for (i, doc) in docs.iter().enumerate() {
                    write!(
                        out,
                        "{{\"id\":\"doc-{i}\",\"url\":\"https://example.org/{i}\",\"text\":"
                    )?;
                    json_string(doc, &mut out)?;
                    writeln!(out, ",\"meta\":{{\"lang\":\"en\",\"shard\":{}}}}}", i % 64)?;
                }
                out.flush()?;
            }
            docs
        }
        _ => return Err("the first argument is `dir` or `jsonl`".into()),
    };
    let bytes: usize = docs.iter().map(Vec::len).sum();
    if write {
        eprintln!(
            "wrote {} documents, {bytes} bytes of text, to {path}",
            docs.len()
        );
    }
    if fresh {
        baseline(&docs, 16 << 20, 1);
    } else {
        baseline(&docs, 4 << 20, 3);
        baseline(&docs, 16 << 20, 3);
    }
    Ok(())
}

/// The process's minor page faults so far (0 where `/proc` is missing).
fn minor_faults() -> u64 {
    let stat = fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The eighth field after the command name (in parentheses) is minflt.
    stat.rsplit_once(')')
        .and_then(|(_, rest)| rest.split_whitespace().nth(7)?.parse().ok())
        .unwrap_or(0)
}
