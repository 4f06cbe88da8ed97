//! Quick throughput check used while tuning the inner loop:
//! `cargo run --release --example chunk_speed [avg] [textdedup|fastcdc|hashed]`.
//!
//! Prints the best of 15 runs over 64 MiB of generated text, timed by the
//! thread's on-CPU time (`/proc/thread-self/schedstat` on Linux, wall clock
//! elsewhere), which is less disturbed by other processes on a shared machine.
#[path = "../benches/common/mod.rs"]
mod common;

use std::time::Instant;
use textdedup::chunk::{ChunkConfig, Chunker};

fn on_cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

fn main() {
    let avg: usize = std::env::args().nth(1).map_or(1024, |a| a.parse().unwrap());
    let which = std::env::args()
        .nth(2)
        .unwrap_or_else(|| "textdedup".into());
    let data = common::text(0x7E57_DA7A, 64 << 20);
    let chunker = Chunker::new(ChunkConfig::new().avg(avg)).unwrap();
    let mut best = f64::MAX;
    let mut n = 0;
    for _ in 0..15 {
        let (c0, t0) = (on_cpu_ns(), Instant::now());
        n = run(&which, &chunker, &data, avg);
        let secs = match (c0, on_cpu_ns()) {
            (Some(a), Some(b)) => (b - a) as f64 / 1e9,
            _ => t0.elapsed().as_secs_f64(),
        };
        best = best.min(secs);
    }
    println!("{which} avg {avg}: {n} chunks, {:.0} MiB/s", 64.0 / best);
}

#[inline(never)]
fn run(which: &str, chunker: &Chunker, data: &[u8], avg: usize) -> usize {
    let (min, max) = (avg as u32 / 4, avg as u32 * 4);
    match which {
        "fastcdc" => fastcdc::v2020::FastCDC::new(data, min, avg as u32, max).count(),
        "hashed" => chunker.chunks_hashed(data).count(),
        _ => chunker.chunks(data).count(),
    }
}
