//! Deterministic generated inputs for the passage benchmarks and the
//! passage examples.

use crate::SplitMix64;

/// A vocabulary of 4,000 pseudo-words, 1 to 10 letters.
fn vocabulary(rng: &mut SplitMix64) -> Vec<Vec<u8>> {
    (0..4000)
        .map(|_| {
            let len = rng.range(1, 10);
            (0..len).map(|_| b'a' + rng.range(0, 25) as u8).collect()
        })
        .collect()
}

/// Prose-like text: Zipf-ish word choice, spaces, punctuation, newlines.
fn prose(rng: &mut SplitMix64, vocab: &[Vec<u8>], len: usize, out: &mut Vec<u8>) {
    let end = out.len() + len;
    while out.len() < end {
        // The product of two uniforms favours small indices (frequent words).
        let a = rng.range(1, 63) as u64;
        let b = rng.range(1, 63) as u64;
        let i = ((a * b * vocab.len() as u64) / (63 * 63)) as usize % vocab.len();
        out.extend_from_slice(&vocab[i]);
        out.push(match rng.range(0, 20) {
            0 => b'\n',
            1 | 2 => b',',
            3 => b'.',
            _ => b' ',
        });
    }
    out.truncate(end);
}

/// A corpus of about `total` bytes: documents of 1 to 20 KiB whose bytes are
/// 15% copies of earlier text (earlier documents or earlier in the same
/// one), each copy 50 to 5,000 bytes long, inserted at a random offset.
pub fn corpus(total: usize, seed: u64) -> Vec<Vec<u8>> {
    let mut rng = SplitMix64(seed);
    let vocab = vocabulary(&mut rng);
    let mut all: Vec<u8> = Vec::with_capacity(total + 32 * 1024);
    let mut docs = Vec::new();
    while all.len() < total {
        let len = rng.range(1024, 20 * 1024);
        let mut doc = Vec::with_capacity(len);
        prose(&mut rng, &vocab, len * 85 / 100, &mut doc);
        while doc.len() < len {
            let want = rng.range(50, 5000).min(len - doc.len()).max(1);
            let from_doc = all.is_empty() || rng.range(0, 9) == 0;
            let source: &[u8] = if from_doc { &doc } else { &all };
            if source.len() < want {
                prose(&mut rng, &vocab, want, &mut doc);
                continue;
            }
            let s = rng.range(0, source.len() - want);
            let piece = source[s..s + want].to_vec();
            let at = rng.range(0, doc.len());
            doc.splice(at..at, piece);
        }
        all.extend_from_slice(&doc);
        docs.push(doc);
    }
    docs
}

/// `len` bytes of one line of words drawn from ten, spaced: each 32-byte
/// k-gram (five or six words) recurs every few hundred kilobytes, while a
/// repeat of 100 bytes (about sixteen words) is vanishingly rare. Every
/// lookup finds a full list of candidates, and almost none is a repeat.
pub fn ten_words(len: usize) -> Vec<u8> {
    const WORDS: [&[u8]; 10] = [
        b"alpha",
        b"beta",
        b"gamma",
        b"delta",
        b"river",
        b"court",
        b"season",
        b"minister",
        b"data",
        b"system",
    ];
    let mut rng = SplitMix64(0x7E4_3045);
    let mut text = Vec::with_capacity(len + 16);
    while text.len() < len {
        text.extend_from_slice(WORDS[rng.range(0, 9)]);
        text.push(b' ');
    }
    text.truncate(len);
    text
}
