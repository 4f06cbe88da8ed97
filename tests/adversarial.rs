//! Adversarial inputs (periodic text, huge lines, invalid UTF-8, many
//! tiny documents): each gives the right answer without a panic. These
//! tests check answers, not time or memory. The multi-hundred-MiB cases
//! are opt-in:
//! `cargo test --release --test adversarial -- --ignored`.

use textdedup::chunk::{self, Chunker};
use textdedup::passage;
use textdedup::{Config, Corpus, Deduper};

#[test]
fn a_million_tiny_documents() {
    let docs = (0..1_000_000u32).map(|i| format!("doc {}\n", i % 1000).into_bytes());
    let deduper = Deduper::new(Config::new().min_len(1)).unwrap();
    let mut corpus = Corpus::new();
    let mut removed = 0;
    deduper
        .dedup_stream(&mut corpus, docs, 1 << 20, |r| {
            removed += r.removals().len();
            Ok::<(), ()>(())
        })
        .unwrap();
    assert_eq!(removed, 999_000);
    assert_eq!(corpus.distinct_paragraphs(), 1000);
    assert_eq!(corpus.documents(), 1_000_000);
}

#[test]
fn a_corpus_with_no_repeats() {
    let mut x = 1u64;
    let docs: Vec<Vec<u8>> = (0..200)
        .map(|_| {
            (0..4000)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    b"abcdefghijklmnopqrstuvwxyz \n"[(x % 28) as usize]
                })
                .collect()
        })
        .collect();
    let paragraphs = Deduper::default().dedup_batch(&mut Corpus::new(), &docs);
    assert!(paragraphs.iter().all(|r| r.removals().is_empty()));
    let mut corpus = passage::Corpus::new();
    let finder = passage::Deduper::default();
    assert!(docs
        .iter()
        .all(|d| finder.dedup_in(&mut corpus, d).removals().is_empty()));
    let chunks = chunk::Config::new().avg(256).build().unwrap();
    assert!(chunks
        .dedup_batch(&mut chunk::Corpus::new(), &docs)
        .iter()
        .all(|r| r.removals().is_empty()));
}

#[test]
fn nul_bytes_and_invalid_utf8_everywhere() {
    let junk: Vec<u8> = (0..50_000u32)
        .map(|i| [0u8, 0xFF, 0xC3, b'\n', b'\r', 0x80][i as usize % 6])
        .collect();
    let twice = [&junk[..], &junk[..]].concat();
    let report = Deduper::default().dedup(&twice);
    // Every line is at most 6 bytes, below the 16-byte minimum: none counts.
    assert!(report.removals().is_empty());
    assert_eq!(report.kept_bytes(), &twice[..]);
    let passages = passage::Deduper::default().dedup(&twice);
    // The second half repeats the first (and the first half is periodic).
    assert!(passages.stats().bytes_removed as usize >= junk.len());
    let chunker = Chunker::default();
    assert_eq!(
        chunker.chunks(&twice).map(|c| c.len()).sum::<usize>(),
        twice.len()
    );
}

/// One line of `n` bytes without a newline, repeated content inside.
fn one_line(n: usize) -> Vec<u8> {
    b"all work and no play makes a long line "
        .iter()
        .copied()
        .cycle()
        .take(n)
        .collect()
}

#[test]
fn one_long_line_in_every_mode() {
    let line = one_line(16 << 20);
    let report = Deduper::default().dedup(&line);
    assert!(report.removals().is_empty(), "one paragraph");
    let doubled = [&line[..], b"\n", &line[..]].concat();
    assert_eq!(Deduper::default().dedup(&doubled).removals().len(), 1);
    let passages = passage::Deduper::default().dedup(&line);
    assert_eq!(
        passages.removals()[0].span().start,
        39,
        "everything after the first period"
    );
    let deduper = chunk::Deduper::default();
    assert!(deduper.dedup(&line).stats().bytes_removed > 0);
}

#[test]
#[ignore = "256 MiB: run with --release --ignored"]
fn one_256_mib_line_in_every_mode() {
    let line = one_line(256 << 20);
    let doubled = [&line[..], b"\n", &line[..]].concat();
    assert_eq!(Deduper::default().dedup(&doubled).removals().len(), 1);
    let passages = passage::Deduper::default().dedup(&line);
    assert_eq!(passages.removals()[0].span().start, 39);
    let chunker = Chunker::default();
    assert_eq!(
        chunker.chunks(&line).map(|c| c.len()).sum::<usize>(),
        line.len()
    );
}
