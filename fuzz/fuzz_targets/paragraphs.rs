//! Paragraph mode against the naive oracle of the test suite, over a small
//! corpus with any configuration, through the sequential and batch paths.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use textdedup::{Config, Corpus, Deduper, Normalize, Scope, Split};

use textdedup_testkit::oracle::paragraph as oracle;

#[derive(Arbitrary, Debug)]
struct Input {
    blocks: bool,
    normalize: u8,
    document_scope: bool,
    min_len: u8,
    docs: Vec<Vec<u8>>,
}

fuzz_target!(|input: Input| {
    let normalize = match input.normalize % 3 {
        0 => Normalize::Exact,
        1 => Normalize::Whitespace,
        _ => Normalize::Loose,
    };
    // The oracle normalizes with `String` methods: valid UTF-8 only, except
    // for exact matching.
    let docs: Vec<Vec<u8>> = input
        .docs
        .into_iter()
        .take(8)
        .filter(|d| normalize == Normalize::Exact || std::str::from_utf8(d).is_ok())
        .collect();
    let config = Config::new()
        .split(if input.blocks { Split::BlankLines } else { Split::Lines })
        .normalize(normalize)
        .scope(if input.document_scope { Scope::Document } else { Scope::Corpus })
        .min_len(usize::from(input.min_len % 24));
    let deduper = Deduper::new(config.clone()).unwrap();
    let expected = oracle::naive_corpus(&docs, &config);
    let mut corpus = Corpus::new();
    let sequential: Vec<_> = docs.iter().map(|d| deduper.dedup_in(&mut corpus, d)).collect();
    for (report, want) in sequential.iter().zip(&expected) {
        oracle::check(report, want);
        oracle::check_origins(&docs, report, &config);
    }
    assert_eq!(deduper.dedup_batch(&mut Corpus::new(), &docs), sequential);
});
