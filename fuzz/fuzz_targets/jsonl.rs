//! The command-line tool's JSON Lines reader: never panics; when it
//! accepts a line, its text range holds a JSON string, and decoding it
//! agrees with serde_json: the same text, or an error from both (a lone
//! surrogate escape, which the record scan lets through).
#![no_main]

use libfuzzer_sys::fuzz_target;

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
    if let Some(id) = record.id_raw {
        let _: serde_json::Value = serde_json::from_str(&line[id]).expect("the id is a JSON value");
    }
    // The whole line is one JSON object with that text.
    let value: serde_json::Value = serde_json::from_str(line).unwrap();
    assert_eq!(value["text"].as_str(), Some(want.as_str()));
});
