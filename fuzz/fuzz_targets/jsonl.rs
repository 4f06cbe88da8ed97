//! The command-line tool's JSON Lines reader: never panics; when it
//! accepts a line, its text range holds a JSON string, and decoding it
//! agrees with serde_json: the same text, or an error from both (a lone
//! surrogate escape, which the record scan lets through). Cutting parts of
//! the text out of the string as written (`clean`) gives a JSON string of
//! the text with those parts cut, or is refused when a cut splits a
//! character.
#![no_main]

use std::collections::HashMap;

use libfuzzer_sys::fuzz_target;
use serde_json::value::RawValue;

#[path = "../../src/bin/textdedup/jsonl.rs"]
#[allow(dead_code)]
mod jsonl;

fuzz_target!(|line: &str| {
    let Ok(record) = jsonl::parse(line, "text", "id") else {
        return;
    };
    let raw = &line[record.text_raw.clone()];
    let mut got = Vec::new();
    let Ok(want) = serde_json::from_str::<String>(raw) else {
        assert!(
            record.escaped,
            "only an escape can make a scanned string undecodable"
        );
        assert!(jsonl::unescape_into(raw, &mut got).is_err(), "{raw}");
        return;
    };
    if record.escaped {
        jsonl::unescape_into(raw, &mut got).expect("serde_json decoded it");
    } else {
        got.extend_from_slice(&raw.as_bytes()[1..raw.len() - 1]);
    }
    assert_eq!(got, want.as_bytes());
    // Cuts at positions drawn from a hash of the line, in order.
    let mut x = line
        .bytes()
        .fold(line.len() as u64, |h, b| h.wrapping_mul(31) ^ u64::from(b));
    let mut at: Vec<usize> = (0..6)
        .map(|_| {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (x >> 33) as usize % (want.len() + 1)
        })
        .collect();
    at.sort_unstable();
    let cuts: Vec<_> = at.chunks_exact(2).map(|p| p[0]..p[1]).collect();
    let mut cut = Vec::new();
    let splits = cuts
        .iter()
        .any(|c| !want.is_char_boundary(c.start) || !want.is_char_boundary(c.end));
    let done = jsonl::cut_string(
        raw.as_bytes(),
        want.as_bytes(),
        cuts.iter().cloned(),
        &mut cut,
    );
    assert_eq!(done, !splits);
    if done {
        let got: String = serde_json::from_slice(&cut).unwrap();
        assert_eq!(got, jsonl::without(&want, &cuts));
    }
    // The line is one JSON object whose fields are these raw values. (Raw
    // values, because ids are kept as written: `7e446` is valid JSON that
    // does not fit an f64.)
    let fields: HashMap<String, Box<RawValue>> = serde_json::from_str(line).unwrap();
    assert_eq!(fields["text"].get(), raw);
    if let Some(id) = record.id_raw {
        assert_eq!(fields["id"].get(), &line[id]);
    }
});
