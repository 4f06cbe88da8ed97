//! News-like text for the paragraph and batch benches.

use crate::SplitMix64;

/// The vocabulary of the news-like text.
pub const WORDS: &[&str] = &[
    "the",
    "minister",
    "said",
    "talks",
    "would",
    "resume",
    "in",
    "Moscow",
    "on",
    "Tuesday",
    "after",
    "two",
    "days",
    "of",
    "negotiations",
    "between",
    "officials",
    "including",
    "peace",
    "proposal",
    "European",
    "input",
    "security",
    "guarantees",
    "president",
    "envoy",
    "draft",
    "deal",
    "Kremlin",
    "raised",
    "doubts",
    "about",
    "acceptance",
    "and",
    "a",
    "to",
    "with",
    "2026",
    "percent",
    "markets",
    "reported",
    "growth",
    "energy",
    "prices",
    "rose",
    "fell",
];

/// Paragraph lines; returns the text and the paragraph start offsets.
pub fn news_text(target: usize, seed: u64) -> (Vec<u8>, Vec<usize>) {
    let mut rng = SplitMix64(seed);
    let mut text = Vec::with_capacity(target + 1024);
    let mut starts = Vec::new();
    while text.len() < target {
        let start = text.len();
        if starts.len() > 10 && rng.below(100) < 30 {
            let i = rng.below(starts.len() as u64) as usize;
            let (s, e) = (
                starts[i],
                text[starts[i]..].iter().position(|&b| b == b'\n').unwrap(),
            );
            text.extend_from_within(s..s + e + 1);
        } else {
            let len = 50 + rng.below(751) as usize;
            while text.len() - start < len {
                text.extend_from_slice(WORDS[rng.below(WORDS.len() as u64) as usize].as_bytes());
                text.push(b' ');
            }
            text.truncate(start + len - 2);
            text.extend_from_slice(b".\n");
        }
        starts.push(start);
    }
    (text, starts)
}

/// `news_text` cut into documents of `min..=max` bytes (at paragraph
/// boundaries, so each document ends with a newline).
pub fn news_docs(target: usize, min: usize, max: usize, seed: u64) -> Vec<Vec<u8>> {
    let (text, _) = news_text(target, seed);
    let mut rng = SplitMix64(seed ^ 0xD0C5);
    let mut docs = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let want = min + rng.below((max - min + 1) as u64) as usize;
        let end = (start + want).min(text.len());
        let end = match text[end..].iter().position(|&b| b == b'\n') {
            Some(i) if end < text.len() => end + i + 1,
            _ => text.len(),
        };
        docs.push(text[start..end].to_vec());
        start = end;
    }
    docs
}
