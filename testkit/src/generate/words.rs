//! Small documents of common words for the passage-mode suites, with copies
//! of earlier passages injected at random offsets.

use crate::SplitMix64;

const WORDS: &[&str] = &[
    "the",
    "of",
    "and",
    "a",
    "to",
    "in",
    "is",
    "was",
    "that",
    "for",
    "it",
    "with",
    "as",
    "on",
    "minister",
    "said",
    "talks",
    "would",
    "resume",
    "after",
    "weeks",
    "of",
    "delay",
    "river",
    "city",
    "council",
    "report",
    "data",
    "model",
    "training",
    "copy",
    "paragraph",
    "news",
];

/// Prose-like text: words, spaces, sentence ends and newlines.
pub fn prose(rng: &mut SplitMix64, len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 16);
    while out.len() < len {
        out.extend_from_slice(WORDS[rng.index(WORDS.len())].as_bytes());
        out.push(match rng.index(12) {
            0 => b'\n',
            1 => b'.',
            _ => b' ',
        });
    }
    out.truncate(len);
    out
}

/// Documents with copies of earlier passages injected at random offsets.
pub fn corpus_with_repeats(seed: u64, docs: usize, max_len: usize) -> Vec<Vec<u8>> {
    let mut rng = SplitMix64(seed);
    let mut out: Vec<Vec<u8>> = Vec::new();
    for _ in 0..docs {
        let len = 1 + rng.index(max_len);
        let mut doc = prose(&mut rng, len);
        for _ in 0..rng.index(4) {
            let from = if out.is_empty() || rng.index(3) == 0 {
                &doc
            } else {
                &out[rng.index(out.len())]
            };
            if from.len() < 2 {
                continue;
            }
            let s = rng.index(from.len() - 1);
            let e = s + 1 + rng.index((from.len() - s).min(300));
            let piece = from[s..e].to_vec();
            let at = rng.index(doc.len() + 1);
            doc.splice(at..at, piece);
        }
        out.push(doc);
    }
    out
}
