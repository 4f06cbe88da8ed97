//! Naive oracles, one per mode: slow, plain implementations of the
//! documented rules that the tests and fuzz targets compare the engines to.

pub mod chunk;
pub mod paragraph;
pub mod passage;
