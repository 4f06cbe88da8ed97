//! English-like text from syllables: the paragraph, chunking and passage
//! benches' default input, and a corpus with shifted repeats in it.

use crate::SplitMix64;

/// Appends `len` bytes of English-like text: words from a generated
/// vocabulary with a skewed frequency, punctuation and line breaks.
pub fn text_into(rng: &mut SplitMix64, len: usize, out: &mut Vec<u8>) {
    const SYLLABLES: [&str; 24] = [
        "the", "an", "ing", "er", "on", "re", "st", "ou", "ca", "ti", "ne", "ble", "pro", "men",
        "al", "tion", "is", "or", "de", "com", "ly", "ver", "ed", "ex",
    ];
    let target = out.len() + len;
    let mut in_sentence = 0;
    while out.len() < target {
        // Skewed word choice: short, frequent words most of the time.
        let syllables = 1 + rng.below(3) as usize * rng.below(2) as usize;
        let spread = 64 + rng.below(4000);
        let mut word_seed = rng.below(spread);
        for _ in 0..syllables {
            out.extend_from_slice(SYLLABLES[(word_seed % 24) as usize].as_bytes());
            word_seed /= 24;
        }
        in_sentence += 1;
        if in_sentence > 6 && rng.below(8) == 0 {
            out.push(b'.');
            in_sentence = 0;
            if rng.below(5) == 0 {
                out.push(b'\n');
                continue;
            }
        } else if rng.below(14) == 0 {
            out.push(b',');
        }
        out.push(b' ');
    }
    out.truncate(target);
}

/// `len` bytes of generated text from `seed`.
pub fn text(seed: u64, len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len);
    text_into(&mut SplitMix64(seed), len, &mut out);
    out
}

/// A corpus with shifted repeats: each document is fresh text in which
/// passages copied from earlier documents (or earlier in itself) are
/// inserted at arbitrary offsets, some with a few bytes edited. Returns the
/// documents and the number of bytes that were copied in.
pub fn corpus_with_repeats(seed: u64, docs: usize, doc_len: usize) -> (Vec<Vec<u8>>, usize) {
    let mut rng = SplitMix64(seed);
    let mut corpus: Vec<Vec<u8>> = Vec::with_capacity(docs);
    let mut copied = 0;
    for d in 0..docs {
        let mut doc = Vec::with_capacity(doc_len + 4096);
        while doc.len() < doc_len {
            let fresh = 200 + rng.below(3000) as usize;
            text_into(&mut rng, fresh, &mut doc);
            if d == 0 || rng.below(3) == 0 {
                continue;
            }
            // Copy a passage of 300 to 8000 bytes from an earlier document.
            let src = &corpus[rng.below(d as u64) as usize];
            let len = (300 + rng.below(7700) as usize).min(src.len());
            let start = rng.below((src.len() - len + 1) as u64) as usize;
            let at = doc.len();
            doc.extend_from_slice(&src[start..start + len]);
            copied += len;
            if rng.below(4) == 0 {
                // Edit one byte in the middle of the copy.
                let i = at + rng.below(len as u64) as usize;
                doc[i] = doc[i].wrapping_add(1);
            }
        }
        corpus.push(doc);
    }
    (corpus, copied)
}
