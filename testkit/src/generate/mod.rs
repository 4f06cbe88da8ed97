//! Deterministic generated inputs, each drawn from [`SplitMix64`](crate::SplitMix64)
//! with a fixed seed, so a failing test or a benchmark figure can be
//! reproduced exactly.

pub mod letters;
pub mod mail;
pub mod news;
pub mod syllables;
pub mod vocabulary;
pub mod words;
