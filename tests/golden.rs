//! Golden vectors: fingerprints are part of the crate's contract.
//!
//! Changing any value here is a breaking change (stored fingerprints from
//! an earlier version would no longer match). Update deliberately, and say
//! so in the release notes.

use textdedup::fingerprint::{normalize_into, Fingerprint, Fingerprinter, Normalize};

use textdedup_testkit::SplitMix64;

/// Deterministic input bytes (SplitMix64), printable ASCII with spaces and
/// newlines so every normalization has work to do.
fn input(len: usize) -> Vec<u8> {
    let mut rng = SplitMix64(0x005E_ED0F_7E57);
    (0..len)
        .map(|_| b" \nAbc,12 xYz.\tQ"[(rng.next_u64() % 15) as usize])
        .collect()
}

/// Folds the fingerprints of every prefix of `input(max)` into one value.
fn digest(max: usize, normalize: Normalize) -> u128 {
    let data = input(max);
    let mut fp = Fingerprinter::new(normalize);
    (0..=max).fold(0u128, |acc, len| {
        acc.rotate_left(7) ^ fp.fingerprint(&data[..len]).0.as_u128()
    })
}

#[test]
fn exact_fingerprints_at_chosen_lengths() {
    let data = input(1025);
    let got: Vec<(usize, u128)> = [0, 1, 3, 4, 16, 17, 128, 129, 240, 241, 1024, 1025]
        .iter()
        .map(|&n| (n, Fingerprint::of(&data[..n]).as_u128()))
        .collect();
    let want: &[(usize, u128)] = &GOLDEN_EXACT;
    assert_eq!(got, want);
}

#[test]
fn every_prefix_up_to_2048() {
    assert_eq!(digest(2048, Normalize::Exact), GOLDEN_DIGEST_EXACT);
    assert_eq!(
        digest(2048, Normalize::Whitespace),
        GOLDEN_DIGEST_WHITESPACE
    );
    assert_eq!(digest(2048, Normalize::Loose), GOLDEN_DIGEST_LOOSE);
}

#[test]
fn normalized_forms_are_pinned_too() {
    let data = input(64);
    let mut out = Vec::new();
    normalize_into(&data, Normalize::Whitespace, &mut out);
    assert_eq!(String::from_utf8(out.clone()).unwrap(), GOLDEN_WS_64);
    normalize_into(&data, Normalize::Loose, &mut out);
    assert_eq!(String::from_utf8(out).unwrap(), GOLDEN_LOOSE_64);
}

include!("golden/values.rs");
