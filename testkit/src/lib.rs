//! Test support for textdedup, shared by its tests, benches, measurement
//! tools and fuzz targets: one random generator, the generated inputs, and
//! the naive oracles of each mode. Not published.

#![deny(missing_docs)]

pub mod generate;
pub mod oracle;
#[cfg(feature = "suffix-array")]
pub mod peer;
mod rng;

pub use rng::SplitMix64;
