//! Text-like bytes from a sixteen-letter alphabet, for the chunking suites.

use crate::SplitMix64;

/// `len` bytes of words of 1 to 8 letters from a small alphabet, separated
/// by spaces, periods and newlines.
pub fn text(seed: u64, len: usize) -> Vec<u8> {
    let mut rng = SplitMix64(seed);
    let mut out = Vec::with_capacity(len + 16);
    while out.len() < len {
        let r = rng.next_u64();
        for i in 0..1 + (r % 8) {
            out.push(b"etaoinshrdlucmfw"[((r >> (8 + 4 * i)) & 15) as usize]);
        }
        out.push(match (r >> 60) & 15 {
            0 => b'.',
            1 => b'\n',
            _ => b' ',
        });
    }
    out.truncate(len);
    out
}
