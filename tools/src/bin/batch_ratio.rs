//! Paragraph mode in parallel, on 1 and on 2 threads, alternating: the
//! batch entry point on the input of `benches/batch.rs` (a generated
//! 128 MiB corpus of 4 to 64 KiB documents, from a fresh corpus each time)
//! and the same bytes as one document; with `passages`, passage mode's
//! batch entry point (corpus scope, the default finder) on the corpus
//! instead:
//!
//! ```text
//! cargo run --release -p textdedup-tools --bin batch_ratio -- [ROUNDS] [blocks] [passages]
//! ```
//!
//! Every run of a case must remove the same bytes on 1 and on 2 threads.
//! Every round runs each case once, one after the other, so that the
//! machine's slow phases hit all of them alike (with `blocks`, all the
//! rounds of one case come first, as in criterion). Prints the median and
//! the minimum of each case, the ratio of the medians, and (but with
//! `blocks`) the median and range of the rounds' own ratios (each round's
//! 1-thread time over its 2-thread time). Criterion runs
//! each id for seconds in sequence instead, so on a shared machine its
//! ratios move with the phase each id happened to run in.

use std::time::Instant;
use textdedup::passage;
use textdedup::{Corpus, Deduper};

fn main() {
    let rounds: usize = std::env::args().nth(1).map_or(20, |a| a.parse().unwrap());
    assert!(rounds > 0, "ROUNDS must be at least 1");
    let flag = |f: &str| std::env::args().skip(2).any(|a| a == f);
    let (blocks, passages) = (flag("blocks"), flag("passages"));
    let docs = textdedup_testkit::generate::news::news_docs(128 << 20, 4 << 10, 64 << 10, 7);
    let one = docs.concat();
    let deduper = Deduper::default();
    let finder = passage::Deduper::default();
    let pools: Vec<rayon::ThreadPool> = [1, 2]
        .iter()
        .map(|&t| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(t)
                .build()
                .unwrap()
        })
        .collect();
    // Cases: (name, pool index); even ones on 1 thread, odd on 2.
    let cases: &[(&str, usize)] = if passages {
        &[("passages/threads1", 0), ("passages/threads2", 1)]
    } else {
        &[
            ("paragraphs/threads1", 0),
            ("paragraphs/threads2", 1),
            ("one_document/threads1", 0),
            ("one_document/threads2", 1),
        ]
    };
    let order: Vec<usize> = if blocks {
        (0..cases.len())
            .flat_map(|c| std::iter::repeat_n(c, rounds))
            .collect()
    } else {
        (0..rounds).flat_map(|_| 0..cases.len()).collect()
    };
    let mut ms = vec![Vec::new(); cases.len()];
    // Bytes removed, by pair: every run of a pair, on either thread count,
    // must give the same answer (and find repeats).
    let mut answers = vec![None; cases.len() / 2];
    for c in order {
        let (name, pool) = cases[c];
        let start = Instant::now();
        // Dropped on the pool, as the bench does.
        let removed: u64 = pools[pool].install(|| {
            if name.starts_with("passages") {
                let reports = finder.dedup_batch(&mut passage::Corpus::new(), &docs);
                reports.iter().map(|r| r.stats().bytes_removed).sum()
            } else if name.starts_with("paragraphs") {
                let reports = deduper.dedup_batch(&mut Corpus::new(), &docs);
                reports.iter().map(|r| r.stats().bytes_removed).sum()
            } else {
                deduper.dedup(&one).stats().bytes_removed
            }
        });
        ms[c].push(start.elapsed().as_secs_f64() * 1e3);
        let answer = answers[c / 2].get_or_insert(removed);
        assert_eq!(*answer, removed, "{name}: a different answer");
        assert!(removed > 0, "{name}: the corpus has repeats");
    }
    // Each round's own ratio too: its two runs are seconds apart, so a
    // slow phase of the machine mostly hits both.
    let mut paired = Vec::new();
    for pair in (0..cases.len()).step_by(2) {
        let mut r: Vec<f64> = ms[pair]
            .iter()
            .zip(&ms[pair + 1])
            .map(|(one, two)| one / two)
            .collect();
        r.sort_by(f64::total_cmp);
        paired.push(r);
    }
    let mut medians = Vec::new();
    for ((name, _), times) in cases.iter().zip(&mut ms) {
        times.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        medians.push(median);
        println!("{name}: median {median:.1} ms, min {:.1} ms", times[0]);
    }
    for (pair, ratios) in (0..cases.len()).step_by(2).zip(&paired) {
        let name = cases[pair].0.split('/').next().unwrap_or_default();
        let ratio = medians[pair] / medians[pair + 1];
        if blocks {
            // A case's runs are not next to the other case's: no pairs.
            println!("{name}: threads2 {ratio:.2}x threads1 (ratio of the median times)");
        } else {
            println!(
                "{name}: threads2 {ratio:.2}x threads1 (ratio of the median times); \
                 per round: median {:.2}x, from {:.2}x to {:.2}x",
                ratios[ratios.len() / 2],
                ratios[0],
                ratios[ratios.len() - 1],
            );
        }
    }
}
