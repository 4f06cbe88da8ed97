//! The programs to learn textdedup from are this package's examples, run
//! from the repository root:
//!
//! - `cargo run --release --example article`: the bundled scraped article,
//!   cleaned (paragraph mode);
//! - `cargo run --release --example modes`: the same documents in the three
//!   modes, with the same code;
//! - `cargo run --release --example stream < FILE`: one document per line of
//!   standard input, deduplicated as a stream in bounded batches.
//!
//! The data they read (`data/`, and the JSON Lines shards of `shards/` that
//! the README's command-line examples use) lives beside them.
