//! The command-line tool's JSON Lines reader: never panics; when it
//! accepts a line, its text range holds a JSON string, and decoding it
//! agrees with serde_json: the same text, or an error from both (a lone
//! surrogate escape, which the record scan lets through).
#![no_main]

use std::collections::HashMap;

use libfuzzer_sys::fuzz_target;
use serde_json::value::RawValue;

#[path = "../../src/bin/textdedup/jsonl.rs"]
#[allow(dead_code)]
mod jsonl;

fuzz_target!(|line: &str| {
    let Ok(record) = jsonl::parse(line, "text", "id") else { return };
    let raw = &line[record.text_raw.clone()];
    let mut got = Vec::new();
    let Ok(want) = serde_json::from_str::<String>(raw) else {
        assert!(record.escaped, "only an escape can make a scanned string undecodable");
        assert!(jsonl::unescape_into(raw, &mut got).is_err(), "{raw}");
        return;
    };
    if record.escaped {
        jsonl::unescape_into(raw, &mut got).expect("serde_json decoded it");
    } else {
        got.extend_from_slice(&raw.as_bytes()[1..raw.len() - 1]);
    }
    assert_eq!(got, want.as_bytes());
    // The line is one JSON object whose fields are these raw values. (Raw
    // values, because ids are kept as written: `7e446` is valid JSON that
    // does not fit an f64.)
    let fields: HashMap<String, Box<RawValue>> = serde_json::from_str(line).unwrap();
    assert_eq!(fields["text"].get(), raw);
    if let Some(id) = record.id_raw {
        assert_eq!(fields["id"].get(), &line[id]);
    }
});
