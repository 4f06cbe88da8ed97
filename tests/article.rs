//! The bundled article, byte for byte (DESIGN section 3).

use textdedup::{Deduper, DocId};

const ARTICLE: &[u8] = include_bytes!("../examples/data/article.txt");

/// The expected output, built from the input as DESIGN.md describes it:
/// the first 2,677 bytes, then the final 20 newlines.
fn expected() -> Vec<u8> {
    let mut out = ARTICLE[..2677].to_vec();
    assert!(ARTICLE[5009..].iter().all(|&b| b == b'\n'));
    assert_eq!(ARTICLE.len() - 5009, 20);
    out.extend_from_slice(&ARTICLE[5009..]);
    out
}

#[test]
fn article_is_cleaned_byte_for_byte() {
    let report = Deduper::default().dedup(ARTICLE);
    assert_eq!(&*report.kept_bytes(), &expected()[..]);
    let mut written = Vec::new();
    report.write_kept(&mut written).unwrap();
    assert_eq!(written, expected());
}

#[test]
fn article_report_names_the_first_copy() {
    let report = Deduper::default().dedup(ARTICLE);
    let removals = report.removals();
    assert_eq!(removals.len(), 1);
    let r = removals[0];
    assert_eq!(r.span().range(), 2677..5009);
    assert_eq!(r.first().doc(), DocId::new(0));
    assert_eq!(r.first().start(), 345);
    assert_eq!(r.first().end(), 2677);
    // The claim is true: the removed bytes stand at the first copy.
    assert_eq!(&ARTICLE[r.span()], &ARTICLE[345..2677]);
    let stats = report.stats();
    assert_eq!(stats.paragraphs, Some(15));
    assert_eq!(stats.paragraphs_removed, Some(7));
    assert_eq!(stats.bytes_removed, 5009 - 2677);
}

#[test]
fn article_example_matches_the_library() {
    // The example writes exactly `write_kept` of the default deduper.
    // `cargo test` builds the examples (dev profile) before it runs the
    // tests; under CI a missing binary is a failure.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or(root.join("target"), Into::into);
    let Some(exe) = ["debug", "release"]
        .iter()
        .map(|profile| target.join(profile).join("examples/article"))
        .find(|p| p.exists())
    else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must build the article example"
        );
        return;
    };
    let out = std::process::Command::new(&exe).output().unwrap();
    assert!(out.status.success());
    assert_eq!(out.stdout, expected());
    let report = String::from_utf8(out.stderr).unwrap();
    assert!(report.contains("2677..5009"), "{report}");
    assert!(report.contains("byte 345"), "{report}");
}
