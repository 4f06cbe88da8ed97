//! Measurement programs for textdedup (`src/bin/`): throughput against
//! peers, memory, thread scaling and the corpus generator of the
//! command-line benchmarks. BENCHMARKS.md quotes what they print. Not
//! published.

#![deny(missing_docs)]

/// This process's CPU time (user + system, all threads) in seconds, on
/// Linux (`/proc/self/stat`, clock ticks of 1/100 s on every Linux we know
/// of); `None` elsewhere.
pub fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses).
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(ticks as f64 / 100.0)
}
