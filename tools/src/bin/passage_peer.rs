//! The command line against the suffix-array peer on the same JSON Lines
//! file: writes the passage benchmark's corpus as JSON Lines, or reads such
//! a file and finds its repeats with a suffix array, end to end (reading
//! and parsing included), printing the bytes removed and the time.
//!
//! ```text
//! cargo build --release -p textdedup-tools --bin passage_peer
//! target/release/passage_peer write corpus.jsonl 64      # MiB of the bench corpus
//! target/release/passage_peer sa corpus.jsonl 100        # min_len
//! textdedup find -q --mode passage --min-len 100 --snap byte --jsonl corpus.jsonl \
//!     -o /dev/null --stats stats.json                    # the same bytes_removed
//! ```

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::time::Instant;

use textdedup_testkit::generate::vocabulary;
use textdedup_testkit::peer::suffix_array_removed;

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let number = |i: usize, default: usize| {
        args.get(i)
            .map_or(default, |s| s.parse().expect("a whole number"))
    };
    match (args.get(1).map(String::as_str), args.get(2)) {
        (Some("write"), Some(path)) => {
            let docs = vocabulary::corpus(number(3, 64) << 20, 0x5EED);
            let mut out = BufWriter::new(File::create(path)?);
            for doc in &docs {
                let text = std::str::from_utf8(doc).expect("the corpus is UTF-8");
                serde_json::to_writer(&mut out, &serde_json::json!({ "text": text }))?;
                out.write_all(b"\n")?;
            }
            out.flush()?;
            eprintln!("{} documents written to {path}", docs.len());
        }
        (Some("sa"), Some(path)) => {
            let start = Instant::now();
            let mut docs = Vec::new();
            for line in BufReader::new(File::open(path)?).lines() {
                let record: serde_json::Value = serde_json::from_str(&line?)?;
                let text = record["text"].as_str().expect("a string `text` field");
                docs.push(text.as_bytes().to_vec());
            }
            let removed = suffix_array_removed(&docs, number(3, 100));
            let secs = start.elapsed().as_secs_f64();
            let bytes: usize = docs.iter().map(Vec::len).sum();
            println!("{bytes} bytes, {removed} removed, {secs:.2} s");
        }
        _ => eprintln!("usage: passage_peer write FILE [MIB] | passage_peer sa FILE [MIN_LEN]"),
    }
    Ok(())
}
