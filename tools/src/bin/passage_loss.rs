//! Measures what the anchor cap costs: bytes that passage mode misses,
//! against an exact oracle, on random texts over 2 to 4 letters and on the
//! benchmark's generated prose corpus.
//!
//! ```text
//! cargo run --release -p textdedup-tools --bin passage_loss
//! ```
//!
//! The oracle: a window (`min_len` bytes) is a repeat when the same bytes
//! were seen at an earlier position of the stream (same document or an
//! earlier one, never across documents); the union of repeats is the union
//! of repeated windows (tests/passage.rs checks this against the definition).

use std::collections::HashSet;

use textdedup::passage::{self, Snap};

use textdedup_testkit::generate::vocabulary;

/// Bytes covered by repeats, per the window oracle.
fn oracle(docs: &[Vec<u8>], m: usize) -> u64 {
    let mut seen: HashSet<&[u8]> = HashSet::new();
    let mut covered = 0u64;
    for d in docs {
        let mut end = 0; // end of the covered run so far in this document
        for t in 0..(d.len() + 1).saturating_sub(m) {
            if !seen.insert(&d[t..t + m]) {
                covered += (t + m - end.max(t)) as u64;
                end = t + m;
            }
        }
    }
    covered
}

fn measure(name: &str, docs: &[Vec<u8>], m: usize) {
    let finder = passage::Deduper::new(passage::Config::new().min_len(m).snap(Snap::Byte)).unwrap();
    let mut corpus = passage::Corpus::new();
    let found: u64 = docs
        .iter()
        .map(|d| finder.dedup_in(&mut corpus, d).stats().bytes_removed)
        .sum();
    let want = oracle(docs, m);
    let total: usize = docs.iter().map(Vec::len).sum();
    assert!(found <= want, "never more than the oracle");
    println!(
        "| {name} | {total} | {m} | {want} | {found} | {} | {:.6}% | {} |",
        want - found,
        if want == 0 {
            0.0
        } else {
            100.0 * (want - found) as f64 / want as f64
        },
        corpus.refused_anchors()
    );
}

/// Random text over `letters` letters in 4 KiB documents, with 15% of the
/// bytes replaced by copies (50 to 5,000 bytes) of earlier text.
fn injected(rng: &mut textdedup_testkit::SplitMix64, letters: u8, total: usize) -> Vec<Vec<u8>> {
    let mut all: Vec<u8> = Vec::with_capacity(total);
    let mut docs = Vec::new();
    while all.len() < total {
        let mut doc: Vec<u8> = (0..4096)
            .map(|_| b'a' + (rng.next_u64() % u64::from(letters)) as u8)
            .collect();
        let mut copied = 0;
        while copied < 4096 * 15 / 100 && !all.is_empty() {
            let len = rng
                .range(50, 5000)
                .min(all.len())
                .min(4096 * 15 / 100 + 50 - copied);
            let s = rng.range(0, all.len() - len);
            let at = rng.range(0, 4096 - len);
            doc[at..at + len].copy_from_slice(&all[s..s + len]);
            copied += len;
        }
        all.extend_from_slice(&doc);
        docs.push(doc);
    }
    docs
}

fn main() {
    if std::env::args().nth(1).as_deref() == Some("injected") {
        println!("| input | bytes | min_len | oracle bytes | found | missed | missed / oracle | refused anchors |");
        println!("|---|---|---|---|---|---|---|---|");
        let mut rng = textdedup_testkit::SplitMix64(0x1_2345);
        for letters in [2u8, 3, 4] {
            let docs = injected(&mut rng, letters, 4 << 20);
            for m in [16, 24, 32, 64, 100] {
                measure(
                    &format!("{letters} letters + 15% copies, 4 KiB docs"),
                    &docs,
                    m,
                );
            }
        }
        return;
    }
    println!("| input | bytes | min_len | oracle bytes | found | missed | missed / oracle | refused anchors |");
    println!("|---|---|---|---|---|---|---|---|");
    let mut rng = textdedup_testkit::SplitMix64(0xA1FA);
    for letters in [2u8, 3, 4] {
        // 4 MiB in documents of 4 KiB, and as one document.
        let text: Vec<u8> = (0..4 << 20)
            .map(|_| b'a' + (rng.next_u64() % u64::from(letters)) as u8)
            .collect();
        let docs: Vec<Vec<u8>> = text.chunks(4096).map(<[u8]>::to_vec).collect();
        for m in [16, 24, 32, 48, 64, 100] {
            measure(&format!("{letters} letters, 4 KiB docs"), &docs, m);
        }
        for m in [16, 32, 100] {
            measure(
                &format!("{letters} letters, one doc"),
                std::slice::from_ref(&text),
                m,
            );
        }
    }
    let prose = vocabulary::corpus(16 << 20, 0x5EED);
    for m in [16, 32, 50, 100, 200] {
        measure("generated prose corpus", &prose, m);
    }
}
