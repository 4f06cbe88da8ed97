//! Normalization never panics, keeps UTF-8 valid, trims and collapses, and
//! is idempotent.
#![no_main]

use libfuzzer_sys::fuzz_target;
use textdedup::fingerprint::{normalize_into, Fingerprint, Fingerprinter, Normalize};

fuzz_target!(|text: &[u8]| {
    let mut once = Vec::new();
    let mut twice = Vec::new();
    for n in [Normalize::Exact, Normalize::Whitespace, Normalize::Loose] {
        normalize_into(text, n, &mut once);
        if std::str::from_utf8(text).is_ok() {
            assert!(std::str::from_utf8(&once).is_ok(), "UTF-8 in, UTF-8 out");
        }
        if n != Normalize::Exact {
            assert!(!once.starts_with(b" ") && !once.ends_with(b" "), "trimmed");
            assert!(!once.windows(2).any(|w| w == b"  "), "collapsed");
            assert!(!once.iter().any(|b| b"\t\r\n\x0B\x0C".contains(b)));
        }
        if n != Normalize::Loose {
            normalize_into(&once, n, &mut twice);
            assert_eq!(once, twice, "idempotent");
        }
        let (fp, len) = Fingerprinter::new(n).fingerprint(text);
        assert_eq!((fp, len), (Fingerprint::of(&once), once.len()));
    }
});
