//! The three modes through one trait: the same program, only the config
//! line differs.
//!
//! ```text
//! cargo run --release --example modes
//! ```
//!
//! Three short stories share a licence notice; the notice is removed from
//! the second and third in paragraph and passage mode: as a whole line,
//! and as a repeated passage of at least 40 bytes. Chunk mode removes only
//! whole content-defined chunks seen before, so it removes part of the
//! notice: a chunk that straddles the story and the notice differs in every
//! copy. Chunks are for repeats many times longer than the average chunk.

use textdedup::{chunk, paragraph, passage, Dedup};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let notice = "This article is distributed under a free licence: you may copy, share and \
                  adapt it, in any medium and for any purpose, provided that you keep this \
                  notice, name its authors and link to the original publication. The authors \
                  give no warranty of any kind, express or implied, including the warranties of \
                  fitness for a particular purpose; in no event shall they be liable for any \
                  claim or damages arising from the use of this article or of works built on it.";
    let docs: Vec<String> = (1..=3)
        .map(|i| format!("Story {i}: the council met on day {i}.\n{notice}\n"))
        .collect();

    show("paragraph", &paragraph::Config::new().build()?, &docs);
    show(
        "passage",
        &passage::Config::new().min_len(40).build()?,
        &docs,
    );
    show("chunk", &chunk::Config::new().avg(64).build()?, &docs);
    Ok(())
}

/// Deduplicates `docs` as one corpus with `deduper` and prints what each
/// document keeps, with the bytes removed.
fn show<D: Dedup>(mode: &str, deduper: &D, docs: &[String]) {
    println!("== {mode} mode");
    let kept = deduper.dedup_strings(docs);
    for (doc, kept) in docs.iter().zip(&kept) {
        println!(
            "kept {:>3} of {:>3} bytes: {:?}",
            kept.len(),
            doc.len(),
            kept
        );
    }
}
