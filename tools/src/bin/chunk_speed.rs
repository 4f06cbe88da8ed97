//! Chunking throughput, textdedup against the `fastcdc` crate's v2020
//! chunker, measured so that a shared, noisy machine disturbs it as little as
//! possible:
//!
//! ```text
//! cargo run --release -p textdedup-tools --bin chunk_speed -- [ROUNDS]
//! ```
//!
//! The same 64 MiB of generated text as `benches/chunking.rs`. Every round
//! runs every case (8 passes each), in turn (so slow phases of the machine hit all cases
//! alike), timing each by the thread's on-CPU time
//! (`/proc/thread-self/schedstat` on Linux; wall clock elsewhere). The table
//! shows the best round of each case and the ratio textdedup / fastcdc.

use std::time::Instant;
use textdedup::chunk::{ChunkConfig, Chunker};

fn on_cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

/// Passes over the input per timing: the on-CPU clock may tick in
/// milliseconds, so each timing covers a few hundred.
const PASSES: usize = 8;

/// Seconds per pass of `f` (on-CPU time where available).
fn timed(mut f: impl FnMut() -> usize) -> (f64, usize) {
    let (c0, t0) = (on_cpu_ns(), Instant::now());
    let mut n = 0;
    for _ in 0..PASSES {
        n = f();
    }
    let secs = match (c0, on_cpu_ns()) {
        (Some(a), Some(b)) => (b - a) as f64 / 1e9,
        _ => t0.elapsed().as_secs_f64(),
    };
    (secs / PASSES as f64, n)
}

fn main() {
    let rounds: usize = std::env::args().nth(1).map_or(5, |a| a.parse().unwrap());
    let data = textdedup_testkit::generate::syllables::text(0x7E57_DA7A, 64 << 20);
    let mib = data.len() as f64 / (1 << 20) as f64;
    let sizes = [(64, 256, 1024), (256, 1024, 4096), (2048, 8192, 32768)];
    let chunkers: Vec<Chunker> = sizes
        .iter()
        .map(|&(min, avg, max)| {
            Chunker::new(ChunkConfig::new().min(min).avg(avg).max(max)).unwrap()
        })
        .collect();
    // best[size][0: textdedup, 1: fastcdc, 2: textdedup hashed]
    let mut best = vec![[f64::MAX; 3]; sizes.len()];
    for _ in 0..rounds {
        for (i, &(min, avg, max)) in sizes.iter().enumerate() {
            let (t, _) = timed(|| chunkers[i].chunks(&data).count());
            best[i][0] = best[i][0].min(t);
            let (t, _) = timed(|| {
                fastcdc::v2020::FastCDC::new(&data, min as u32, avg as u32, max as u32).count()
            });
            best[i][1] = best[i][1].min(t);
            let (t, _) = timed(|| {
                chunkers[i]
                    .chunks_hashed(&data)
                    .filter(|c| c.fingerprint().is_some())
                    .count()
            });
            best[i][2] = best[i][2].min(t);
        }
    }
    println!("best of {rounds} rounds, MiB/s (on-CPU time)");
    println!("| avg | textdedup | fastcdc v2020 | ratio | textdedup hashed |");
    println!("|---:|---:|---:|---:|---:|");
    for (i, &(_, avg, _)) in sizes.iter().enumerate() {
        let [td, fc, hashed] = best[i];
        println!(
            "| {avg} | {:.0} | {:.0} | {:.2}x | {:.0} |",
            mib / td,
            mib / fc,
            fc / td,
            mib / hashed
        );
    }
}
